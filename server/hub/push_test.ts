import assert from "node:assert/strict";
import { PUSHES } from "../../core/protocol/registry.ts";
import { push } from "./push.ts";

Deno.test("push() carries the definition's opcode and the body unchanged", () => {
  const body = { at: 5, address: "192.0.2.1:4000", reason: "revoked" as const };
  assert.deepEqual(push(PUSHES.kicked, body), { opcode: 0x0100, body });
});
