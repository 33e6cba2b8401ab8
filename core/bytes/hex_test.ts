// Tests for hex() and fromHex().

import assert from "node:assert/strict";
import { fromHex, hex } from "./hex.ts";

Deno.test("hex() and fromHex() round-trip every byte value and fromHex() accepts upper case", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(fromHex(hex(all)), all);
  assert.deepEqual(fromHex(hex(all).toUpperCase()), all);
  assert.equal(hex(new Uint8Array([0, 1, 0xab, 0xff])), "0001abff");
  assert.equal(hex(new Uint8Array(0)), "");
  assert.deepEqual(fromHex(""), new Uint8Array(0));
});

Deno.test("fromHex() throws a SyntaxError for odd length, a non-hex digit or a 0x prefix", () => {
  assert.throws(() => fromHex("abc"), SyntaxError);
  assert.throws(() => fromHex("zz"), SyntaxError);
  assert.throws(() => fromHex("0g"), SyntaxError);
  assert.throws(() => fromHex("0x00"), SyntaxError);
});

Deno.test("hex() and fromHex() throw a TypeError for the wrong argument type", () => {
  assert.throws(() => hex([1] as unknown as Uint8Array), TypeError);
  assert.throws(() => fromHex(1 as unknown as string), TypeError);
});
