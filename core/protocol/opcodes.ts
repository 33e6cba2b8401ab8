// The opcode table of PROTOCOL.md §5: one number per operation, shared by client and server.

/** Opcodes of the Mimi protocol (PROTOCOL.md §5). */
export const Op = {
  /** Server to client: a request failed or the connection is being closed (PROTOCOL.md §6). */
  error: 0x0000,
  /** Liveness check; the response carries the server clock. */
  ping: 0x0001,
  /** The server logs the body and sends it back unchanged. */
  echo: 0x0002,
  /** Registration, OPAQUE step 1: username, nickname and the client's registration request (PROTOCOL.md §10.2). */
  registerStart: 0x0010,
  /** Registration, OPAQUE step 2: the client's registration record. */
  registerFinish: 0x0011,
  /** Login, OPAQUE step 1: username and the client's KE1. */
  loginStart: 0x0012,
  /** Login, OPAQUE step 2: the client's KE3 and its channel-binding proof; answers with the login bundle. */
  loginFinish: 0x0013,
  /** Ends the session: presence goes offline at once. */
  logout: 0x0014,
  /** Changes the nickname. */
  setNickname: 0x0015,
  /** Stores the chat font preferences. */
  setFont: 0x0016,
  /** Password change, OPAQUE re-registration step 1. */
  passwordStart: 0x0017,
  /** Password change, OPAQUE re-registration step 2. */
  passwordFinish: 0x0018,
  /** Push: this session was replaced by a login elsewhere and is about to close. */
  kicked: 0x0100,
  /** Push: a contact came online or went offline. */
  presence: 0x0101,
} as const;

/** The name of an opcode, e.g. `"echo"`. */
export type OpName = keyof typeof Op;

const NAMES = new Map<number, OpName>(
  Object.entries(Op).map(([name, code]) => [code, name as OpName]),
);

/**
 * Looks up the name of an opcode.
 *
 * @param opcode A u16 opcode read from an envelope.
 * @returns The opcode's name, or `undefined` when the protocol does not define it.
 *
 * @example
 * ```ts
 * import { opName } from "./opcodes.ts";
 * opName(0x0002); // "echo"
 * opName(0x7777); // undefined
 * ```
 */
export function opName(opcode: number): OpName | undefined {
  return NAMES.get(opcode);
}
