// Tests for the byte helpers: constant-time comparison, concatenation, hex and UTF-8.

import assert from "node:assert/strict";
import { concatBytes, constantTimeEqual, fromHex, hex, utf8 } from "./bytes.ts";

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

Deno.test("concatBytes() joins parts in order and accepts none", () => {
  assert.deepEqual(
    concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3])),
    new Uint8Array([1, 2, 3]),
  );
  assert.deepEqual(concatBytes(), new Uint8Array(0));
});

Deno.test("concatBytes() throws a TypeError for a part that is not a Uint8Array", () => {
  assert.throws(() => concatBytes(new Uint8Array(1), "x" as unknown as Uint8Array), TypeError);
});

Deno.test("hex() and fromHex() round-trip and fromHex() accepts upper case", () => {
  const bytes = new Uint8Array([0, 1, 0xab, 0xff]);
  assert.equal(hex(bytes), "0001abff");
  assert.deepEqual(fromHex("0001ABFF"), bytes);
});

Deno.test("fromHex() throws a SyntaxError for odd length or a non-hex digit", () => {
  assert.throws(() => fromHex("abc"), SyntaxError);
  assert.throws(() => fromHex("zz"), SyntaxError);
});

Deno.test("utf8() encodes non-ASCII text as UTF-8", () => {
  assert.equal(hex(utf8("é€")), "c3a9e282ac");
});
