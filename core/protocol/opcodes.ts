// The opcode table of PROTOCOL.md §5, derived from the registry so that each number is written once.

import { OPS, PUSHES } from "./registry.ts";

type Codes<R> = { readonly [K in keyof R]: R[K] extends { readonly opcode: infer C } ? C : never };

/**
 * Opcodes of the Mimi protocol by camelCase name (PROTOCOL.md §5): `error` (0x0000, server to client, §6), every
 * operation of `OPS` and every push of `PUSHES` (`ping` is both, with one opcode).
 */
export const Op: { readonly error: 0x0000 } & Codes<typeof OPS> & Codes<typeof PUSHES> = Object.freeze({
  error: 0x0000,
  ...Object.fromEntries(Object.entries(OPS).map(([key, def]) => [key, def.opcode])),
  ...Object.fromEntries(Object.entries(PUSHES).map(([key, def]) => [key, def.opcode])),
}) as { readonly error: 0x0000 } & Codes<typeof OPS> & Codes<typeof PUSHES>;

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
