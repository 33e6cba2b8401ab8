// Tests for the opcode table, derived from the registry (PROTOCOL.md §5).

import assert from "node:assert/strict";
import { Op, opName } from "./opcodes.ts";
import { OPS, PUSHES } from "./registry.ts";

Deno.test("Op holds error, every operation and every push, with the registry's numbers", () => {
  assert.equal(Op.error, 0x0000);
  for (const [key, def] of [...Object.entries(OPS), ...Object.entries(PUSHES)]) {
    assert.equal(Op[key as keyof typeof Op], def.opcode, key);
  }
  assert.equal(Object.keys(Op).length, 1 + new Set([...Object.keys(OPS), ...Object.keys(PUSHES)]).size);
  assert.equal(Object.isFrozen(Op), true);
});

Deno.test("opName() names a known opcode and nothing else", () => {
  assert.equal(opName(0x0002), "echo");
  assert.equal(opName(0x0019), "resume");
  assert.equal(opName(0x0101), "presence");
  assert.equal(opName(0x7777), undefined);
});
