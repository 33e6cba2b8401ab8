// Tests for constantTimeEqual().

import assert from "node:assert/strict";
import { constantTimeEqual } from "./equal.ts";

Deno.test("constantTimeEqual() is true for equal arrays, including empty ones", () => {
  assert.equal(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])), true);
  assert.equal(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)), true);
});

Deno.test("constantTimeEqual() is false when any byte differs, first or last", () => {
  const a = new Uint8Array(32).fill(7);
  for (const index of [0, 15, 31]) {
    const b = a.slice();
    b[index] ^= 0x80;
    assert.equal(constantTimeEqual(a, b), false);
  }
});

Deno.test("constantTimeEqual() is false on a length mismatch, even for a prefix", () => {
  assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3])), false);
});

Deno.test("constantTimeEqual() throws a TypeError for a non-Uint8Array", () => {
  assert.throws(() => constantTimeEqual([1] as unknown as Uint8Array, new Uint8Array([1])), TypeError);
});
