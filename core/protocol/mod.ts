// Public face of the protocol tables: opcodes and error codes (PROTOCOL.md §5-6).

export * from "./opcodes.ts";
export * from "./errors.ts";
export * from "./accounts.ts";
