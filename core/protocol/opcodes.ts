// The opcode table of PROTOCOL.md §5: one number per operation, shared by client and server.

/** Opcodes of the Mimi protocol (PROTOCOL.md §5). */
export const Op = {
  /** Server to client: a request failed or the connection is being closed (PROTOCOL.md §6). */
  error: 0x0000,
  /** Liveness check; the response carries the server clock. */
  ping: 0x0001,
  /** The server logs the body and sends it back unchanged. */
  echo: 0x0002,
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
