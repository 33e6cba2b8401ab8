// Tests for the schema blocks: each accepts exactly the codec's value types (PROTOCOL.md §4).

import assert from "node:assert/strict";
import * as v from "valibot";
import { decodeValue, encodeValue } from "../codec/value.ts";
import {
  anyBytes,
  anyValue,
  bool,
  bytes,
  chars,
  id,
  int,
  isMap,
  isValue,
  kindOf,
  list,
  map,
  oneOf,
  string,
  text,
} from "./schema.ts";

Deno.test("map() accepts a plain object and refuses a list, bytes, null and scalars", () => {
  const schema = map({});
  assert.equal(v.is(schema, {}), true);
  for (const value of [[], new Uint8Array(0), null, "x", 1, true]) {
    assert.equal(v.is(schema, value), false, kindOf(value));
  }
});

Deno.test("map() ignores keys it does not name and leaves them out of its output", () => {
  const result = v.safeParse(map({ a: int }), { a: 1, newer: "field" });
  assert.equal(result.success, true);
  assert.deepEqual(result.output, { a: 1 });
});

Deno.test("map() reports a required key that is absent as missing, with its path", () => {
  const result = v.safeParse(map({ a: int }), {});
  assert.equal(result.success, false);
  assert.equal(result.issues?.[0].message, "is missing");
  assert.deepEqual(result.issues?.[0].path?.map((item) => item.key), ["a"]);
});

Deno.test("int accepts safe integers however the codec carried them and refuses fractions, bigints and strings", () => {
  for (const value of [0, -1, Number.MAX_SAFE_INTEGER, decodeValue(encodeValue(2 ** 40))]) {
    assert.equal(v.is(int, value), true, String(value));
  }
  // An int beyond 2^53-1 decodes to a bigint (PROTOCOL.md §4): not a number any schema here accepts.
  const huge = decodeValue(encodeValue(2n ** 60n));
  assert.equal(typeof huge, "bigint");
  for (const value of [1.5, huge, "1", NaN, Infinity, null]) assert.equal(v.is(int, value), false, String(value));
});

Deno.test("id accepts whole numbers from 1 only", () => {
  assert.equal(v.is(id, 1), true);
  for (const value of [0, -3, 1.5]) assert.equal(v.is(id, value), false, String(value));
});

Deno.test("bytes() wants a Uint8Array of the exact length, never a string or a list of numbers", () => {
  assert.equal(v.is(bytes(2), new Uint8Array(2)), true);
  for (const value of [new Uint8Array(3), "AA", [0, 0], null]) assert.equal(v.is(bytes(2), value), false);
  assert.equal(v.is(anyBytes, new Uint8Array(0)), true);
  assert.equal(v.is(anyBytes, "AA"), false);
});

Deno.test("text() limits UTF-16 units and chars() counts code points", () => {
  assert.equal(v.is(text(3), "abc"), true);
  assert.equal(v.is(text(3), "abcd"), false);
  assert.equal(v.is(chars(1, 2), "𠮷𠮷"), true, "two code points, four UTF-16 units");
  assert.equal(v.is(chars(1, 2), "𠮷𠮷𠮷"), false);
  assert.equal(v.is(chars(1, 2), ""), false);
  assert.equal(v.is(string, new Uint8Array(1)), false, "bytes are not a string");
});

Deno.test("list() wants an array of items within its limit", () => {
  assert.equal(v.is(list(int, 2), [1, 2]), true);
  assert.equal(v.is(list(int, 2), [1, 2, 3]), false);
  assert.equal(v.is(list(int), [1, "2"]), false);
  assert.equal(v.is(list(int), { 0: 1 }), false, "a map with numeric keys is not a list");
});

Deno.test("bool and oneOf() accept only their values", () => {
  assert.equal(v.is(bool, false), true);
  assert.equal(v.is(bool, 0), false);
  assert.equal(v.is(oneOf(["a", "b"]), "b"), true);
  assert.equal(v.is(oneOf(["a", "b"]), "c"), false);
});

Deno.test("anyValue accepts every codec value and refuses what the codec cannot carry", () => {
  const value = { n: null, b: [true, 1, 2n ** 60n, 1.5, "s", new Uint8Array(1)], m: {} };
  assert.equal(v.is(anyValue, value), true);
  assert.equal(isValue(decodeValue(encodeValue(value))), true);
  for (const bad of [undefined, { a: undefined }, [() => 1], Symbol("x")]) assert.equal(v.is(anyValue, bad), false);
});

Deno.test("isMap() and kindOf() tell the codec types apart without quoting strings", () => {
  assert.equal(isMap(new Uint8Array(0)), false);
  assert.deepEqual(
    ["secret", new Uint8Array(1), [], {}, null, true, 2.5, 2n ** 60n, undefined].map(kindOf),
    [
      "a string",
      "bytes",
      "a list",
      "a map",
      "null",
      "true",
      "the number 2.5",
      "an integer outside the safe range",
      "nothing",
    ],
  );
});
