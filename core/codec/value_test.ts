// Tests for value encoding and decoding (PROTOCOL.md §4, §4.1).

import assert from "node:assert/strict";
import { CodecError } from "./error.ts";
import { decodeValue, encodeValue, type Value } from "./value.ts";
import { assertCodecError, hex, toHex } from "./_test_utils.ts";

/** Asserts that `value` encodes to `expected` and decodes back to `decoded`. */
function assertWire(value: Value, expected: string, decoded: Value = value) {
  assert.equal(toHex(encodeValue(value)), expected.replace(/\s+/g, ""));
  assert.deepStrictEqual(decodeValue(hex(expected)), decoded);
}

/** `depth` nested one-item lists around `inner`, as bytes. */
function nestedListBytes(depth: number, inner: string): Uint8Array {
  return hex("07 00000001 ".repeat(depth) + inner);
}

function nestedLists(depth: number): Value {
  let value: Value = null;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

Deno.test("encodeValue() writes null, false and true as bare tags", () => {
  assertWire(null, "00");
  assertWire(false, "01");
  assertWire(true, "02");
});

Deno.test("encodeValue() writes integral numbers as 8-byte int", () => {
  assertWire(0, "03 0000000000000000");
  assertWire(1, "03 0000000000000001");
  assertWire(-1, "03 ffffffffffffffff");
  assertWire(0x1234_5678_9a, "03 000000123456789a");
  assertWire(-4_294_967_296, "03 ffffffff00000000");
  assertWire(-4_294_967_297, "03 fffffffeffffffff");
});

Deno.test("decodeValue() returns a number up to 2^53-1 and a bigint from 2^53", () => {
  assertWire(Number.MAX_SAFE_INTEGER, "03 001fffffffffffff");
  assertWire(Number.MIN_SAFE_INTEGER, "03 ffe0000000000001");
  assertWire(2n ** 53n, "03 0020000000000000");
  assertWire(-(2n ** 53n), "03 ffe0000000000000");
  assert.equal(typeof decodeValue(hex("03 001fffffffffffff")), "number");
  assert.equal(typeof decodeValue(hex("03 0020000000000000")), "bigint");
});

Deno.test("encodeValue() writes bigints as int across the int64 range", () => {
  assertWire(2n ** 63n - 1n, "03 7fffffffffffffff");
  assertWire(-(2n ** 63n), "03 8000000000000000");
  // A bigint in the safe range comes back as a number.
  assertWire(5n, "03 0000000000000005", 5);
});

Deno.test("encodeValue() throws RangeError for a bigint outside int64", () => {
  assert.throws(() => encodeValue(2n ** 63n), {
    name: "RangeError",
    message: "Cannot encode value at $: bigint 9223372036854775808 is outside int64",
  });
  assert.throws(() => encodeValue([-(2n ** 63n) - 1n]), RangeError);
});

Deno.test("encodeValue() writes fractions, -0, NaN, infinities and unsafe integers as float", () => {
  assertWire(1.5, "04 3ff8000000000000");
  assertWire(-2.5, "04 c004000000000000");
  assertWire(0.1, "04 3fb999999999999a");
  assertWire(NaN, "04 7ff8000000000000");
  assertWire(Infinity, "04 7ff0000000000000");
  assertWire(-Infinity, "04 fff0000000000000");
  assertWire(2 ** 53, "04 4340000000000000");
  assertWire(Number.MIN_VALUE, "04 0000000000000001");
});

Deno.test("decodeValue() keeps -0 through float", () => {
  assertWire(-0, "04 8000000000000000");
  assert.ok(Object.is(decodeValue(encodeValue(-0)), -0));
});

Deno.test("decodeValue() reads an integral float as a number", () => {
  assert.equal(decodeValue(hex("04 3ff0000000000000")), 1);
  assert.ok(Object.is(decodeValue(hex("04 0000000000000000")), 0));
});

Deno.test("decodeValue() reads every NaN bit pattern as NaN", () => {
  assert.ok(Number.isNaN(decodeValue(hex("04 fff8000000000000"))));
  assert.ok(Number.isNaN(decodeValue(hex("04 7ff0000000000001"))));
});

Deno.test("encodeValue() writes strings as u32 length and UTF-8", () => {
  assertWire("", "05 00000000");
  assertWire("a", "05 00000001 61");
  assertWire("h\u00e9llo", "05 00000006 68c3a96c6c6f");
  assertWire("\u{1F600}", "05 00000004 f09f9880");
  assertWire("\u{10FFFF}", "05 00000004 f48fbfbf");
});

Deno.test("encodeValue() and decodeValue() handle long and mixed strings", () => {
  for (
    const text of [
      "x".repeat(31),
      "x".repeat(32),
      "x".repeat(33),
      "x".repeat(64),
      "x".repeat(65),
      "x".repeat(100_000),
      "x".repeat(31) + "\u00e9",
      "x".repeat(63) + "\u20ac",
      "\u00e9" + "x".repeat(70),
      "\u{1F600}".repeat(40_000),
    ]
  ) {
    const bytes = encodeValue(text);
    const utf8 = new TextEncoder().encode(text);
    assert.deepStrictEqual(bytes.subarray(5), utf8);
    assert.equal(new DataView(bytes.buffer).getUint32(1), utf8.length);
    assert.equal(decodeValue(bytes), text);
  }
});

Deno.test("decodeValue() keeps a leading U+FEFF", () => {
  assertWire("\uFEFFa", "05 00000004 efbbbf61");
});

Deno.test("encodeValue() throws TypeError for a string with a lone surrogate", () => {
  assert.throws(() => encodeValue("a\uD800"), {
    name: "TypeError",
    message: "Cannot encode value at $: string has a lone surrogate, which has no UTF-8 form",
  });
  assert.throws(() => encodeValue(["\uDC00x"]), TypeError);
  assert.throws(() => encodeValue("\uD800\uD800\uDC00"), TypeError);
  assert.throws(() => encodeValue("x".repeat(100) + "\uDBFF"), TypeError);
  assert.throws(() => encodeValue("\uDC00" + "x".repeat(100)), TypeError);
  assert.equal(decodeValue(encodeValue("\uD800\uDC00")), "\u{10000}");
  assert.throws(() => encodeValue({ "k\uD800": 1 }), {
    name: "TypeError",
    message: 'Cannot encode value at $["k\\ud800"]: key has a lone surrogate, which has no UTF-8 form',
  });
});

Deno.test("decodeValue() rejects a string with an overlong UTF-8 form", () => {
  assertCodecError(() => decodeValue(hex("05 00000002 c080")), "bad_utf8", 5);
});

Deno.test("decodeValue() rejects a string with a surrogate code point", () => {
  assertCodecError(() => decodeValue(hex("05 00000003 eda080")), "bad_utf8", 5);
});

Deno.test("decodeValue() rejects a string above U+10FFFF", () => {
  assertCodecError(
    () => decodeValue(hex("05 00000004 f4908080")),
    "bad_utf8",
    5,
  );
});

Deno.test("decodeValue() rejects a string with a truncated UTF-8 sequence", () => {
  assertCodecError(() => decodeValue(hex("05 00000002 e4bd")), "bad_utf8", 5);
});

Deno.test("decodeValue() rejects bad UTF-8 after an ASCII prefix, short or long", () => {
  for (const prefix of [40, 62, 63, 64, 200]) {
    const body = "61".repeat(prefix) + "c0 80";
    const length = (prefix + 2).toString(16).padStart(8, "0");
    assertCodecError(
      () => decodeValue(hex(`05 ${length} ${body}`)),
      "bad_utf8",
      5,
    );
  }
});

Deno.test("decodeValue() wraps the TextDecoder failure as the cause of bad_utf8", () => {
  // Keys over 64 bytes go to TextDecoder; shorter ones are checked in JS.
  const error = assertCodecError(
    () => decodeValue(hex("08 00000001 00000041 " + "61".repeat(64) + "ff 00")),
    "bad_utf8",
    9,
  );
  assert.ok(error.cause instanceof TypeError);
  const short = assertCodecError(
    () => decodeValue(hex("08 00000001 00000001 ff 00")),
    "bad_utf8",
    9,
  );
  assert.equal(short.cause, undefined);
});

Deno.test("encodeValue() writes Uint8Array as bytes", () => {
  assertWire(new Uint8Array(0), "06 00000000");
  assertWire(new Uint8Array([0x00, 0xff]), "06 00000002 00ff");
  // A view writes only its own bytes.
  const view = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
  assert.equal(toHex(encodeValue(view)), "06000000020203");
});

Deno.test("decodeValue() returns bytes that do not alias the input", () => {
  const input = hex("06 00000002 aabb");
  const bytes = decodeValue(input) as Uint8Array;
  input[5] = 0;
  assert.deepStrictEqual(bytes, new Uint8Array([0xaa, 0xbb]));
  assert.notEqual(bytes.buffer, input.buffer);
  assert.equal(bytes.byteOffset, 0);
  assert.equal(bytes.buffer.byteLength, 2);
});

Deno.test("decodeValue() reads a view that starts inside a larger buffer", () => {
  const buffer = hex("ff ff 03 0000000000000007 ff");
  assert.equal(decodeValue(buffer.subarray(2, 11)), 7);
  assertCodecError(() => decodeValue(buffer.subarray(2, 10)), "truncated", 1);
});

Deno.test("encodeValue() writes arrays as lists", () => {
  assertWire([], "07 00000000");
  assertWire([1, "a", null], "07 00000003 03 0000000000000001 05 00000001 61 00");
  assertWire([[], [[]]], "07 00000002 07 00000000 07 00000001 07 00000000");
});

Deno.test("encodeValue() writes plain objects as maps in key order", () => {
  assertWire({}, "08 00000000");
  assertWire({ a: 1 }, "08 00000001 00000001 61 03 0000000000000001");
  assertWire(
    { list: [true, false], map: { x: null } },
    "08 00000002 00000004 6c697374 07 00000002 02 01 00000003 6d6170 08 00000001 00000001 78 00",
  );
  assertWire({ b: null, a: null }, "08 00000002 00000001 62 00 00000001 61 00");
});

Deno.test("encodeValue() accepts objects without a prototype", () => {
  const map = Object.create(null);
  map.a = true;
  assertWire(map, "08 00000001 00000001 61 02", { a: true });
});

Deno.test("decodeValue() defines a __proto__ key as an own property", () => {
  const map = decodeValue(
    hex("08 00000001 00000009 5f5f70726f746f5f5f 08 00000001 00000001 78 02"),
  ) as Record<string, Value>;
  assert.equal(Object.getPrototypeOf(map), Object.prototype);
  assert.ok(Object.hasOwn(map, "__proto__"));
  assert.deepStrictEqual(Object.keys(map), ["__proto__"]);
  assert.equal((map as { x?: unknown }).x, undefined);
  assert.equal(({} as { x?: unknown }).x, undefined);
  const descriptor = Object.getOwnPropertyDescriptor(map, "__proto__");
  assert.deepStrictEqual(descriptor, {
    value: { x: true },
    enumerable: true,
    writable: true,
    configurable: true,
  });
  // And it encodes back to the same bytes.
  assert.equal(
    toHex(encodeValue(map)),
    "0800000001000000095f5f70726f746f5f5f08000000010000000178" + "02",
  );
});

Deno.test("decodeValue() defines keys named like Object.prototype members as own properties", () => {
  const map = decodeValue(
    encodeValue(JSON.parse('{"constructor":1,"toString":2,"hasOwnProperty":3}')),
  ) as Record<string, Value>;
  assert.deepStrictEqual(Object.keys(map), [
    "constructor",
    "toString",
    "hasOwnProperty",
  ]);
  assert.equal(map.constructor, 1);
  assert.equal(map.toString, 2);
  assert.equal(Object.getPrototypeOf(map), Object.prototype);
});

Deno.test("decodeValue() rejects a map that repeats a key", () => {
  assertCodecError(
    () => decodeValue(hex("08 00000002 00000001 61 00 00000001 61 01")),
    "duplicate_key",
    11,
  );
  assertCodecError(
    () =>
      decodeValue(
        hex(
          "08 00000002 00000009 5f5f70726f746f5f5f 00 00000009 5f5f70726f746f5f5f 00",
        ),
      ),
    "duplicate_key",
    19,
  );
});

Deno.test("decodeValue() treats keys that differ only in normalisation as distinct", () => {
  const map = decodeValue(
    hex("08 00000002 00000002 c3a9 00 00000003 65cc81 01"),
  );
  assert.deepStrictEqual(map, { "\u00e9": null, "e\u0301": false });
});

Deno.test("encodeValue() names the path of an unsupported type", () => {
  const cases: [unknown, string][] = [
    [{ a: [0, 1, () => 0] }, "$.a[2]: unsupported type function"],
    [Symbol("s"), "$: unsupported type symbol"],
    [undefined, "$: unsupported type undefined"],
    [{ a: undefined }, "$.a: unsupported type undefined"],
    [[1, , 3], "$[1]: unsupported type undefined"],
    [{ when: new Date(0) }, "$.when: unsupported type Date"],
    [[new Map()], "$[0]: unsupported type Map"],
    [new Int16Array(2), "$: unsupported type Int16Array"],
    [{ "a b": { c: new (class Point {})() } }, '$["a b"].c: unsupported type Point'],
    [{ x: { y: [[{ z: 1n }, new Set()]] } }, "$.x.y[0][1]: unsupported type Set"],
  ];
  for (const [value, suffix] of cases) {
    assert.throws(() => encodeValue(value as Value), {
      name: "TypeError",
      message: `Cannot encode value at ${suffix}`,
    });
  }
});

Deno.test("encodeValue() accepts 32 levels of nesting and rejects 33", () => {
  const bytes = encodeValue(nestedLists(32));
  assert.deepStrictEqual(bytes, nestedListBytes(32, "00"));
  assert.throws(() => encodeValue(nestedLists(33)), {
    name: "RangeError",
    message: `Cannot encode value at $${"[0]".repeat(32)}: nesting deeper than 32`,
  });
});

Deno.test("encodeValue() rejects very deep nesting without overflowing the stack", () => {
  assert.throws(() => encodeValue(nestedLists(100_000)), RangeError);
});

Deno.test("encodeValue() throws RangeError naming the path of a cycle", () => {
  const root: Record<string, Value> = { name: "root" };
  const child: Record<string, Value> = { up: root };
  root.child = child;
  assert.throws(() => encodeValue({ list: [root] }), {
    name: "RangeError",
    message: "Cannot encode value at $.list[0].child.up: circular reference",
  });
  const self: Value[] = [];
  self.push(self);
  assert.throws(() => encodeValue(self), {
    name: "RangeError",
    message: "Cannot encode value at $[0]: circular reference",
  });
});

Deno.test("encodeValue() writes a shared but acyclic object each time it appears", () => {
  const shared = { a: 1 };
  const bytes = encodeValue([shared, shared]);
  assert.deepStrictEqual(decodeValue(bytes), [{ a: 1 }, { a: 1 }]);
});

Deno.test("encodeValue() accepts 65536 items in total and rejects 65537", () => {
  const full = new Array<Value>(65_536).fill(null);
  assert.equal(encodeValue(full).length, 5 + 65_536);
  assert.throws(() => encodeValue([new Array<Value>(65_536).fill(null)]), {
    name: "RangeError",
    message: "Cannot encode value at $[0]: more than 65536 list items and map entries",
  });
});

Deno.test("encodeValue() gives each result its own buffer, also when re-entered", () => {
  const first = encodeValue("first");
  const big = encodeValue(new Uint8Array(200_000));
  const second = encodeValue("second");
  assert.equal(decodeValue(first), "first");
  assert.equal((decodeValue(big) as Uint8Array).length, 200_000);
  assert.equal(decodeValue(second), "second");
  // A getter that encodes while an encoding is in progress.
  const tricky = {
    get inner() {
      return encodeValue("nested");
    },
  };
  assert.deepStrictEqual(decodeValue(encodeValue(tricky)), {
    inner: encodeValue("nested"),
  });
});

Deno.test("decodeValue() decodes lists and maps from hand-written hex", () => {
  assert.deepStrictEqual(
    decodeValue(hex("07 00000003 03 0000000000000001 05 00000001 61 00")),
    [1, "a", null],
  );
  assert.deepStrictEqual(
    decodeValue(hex("08 00000002 00000001 62 00 00000001 31 06 00000001 ff")),
    { b: null, "1": new Uint8Array([0xff]) },
  );
});

Deno.test("decodeValue() reports truncation at the field that runs past the end", () => {
  assertCodecError(() => decodeValue(new Uint8Array(0)), "truncated", 0);
  assertCodecError(() => decodeValue(hex("03 00000000000000")), "truncated", 1);
  assertCodecError(() => decodeValue(hex("04")), "truncated", 1);
  assertCodecError(() => decodeValue(hex("05 000000")), "truncated", 1);
  assertCodecError(() => decodeValue(hex("05 00000005 6162")), "truncated", 5);
  assertCodecError(() => decodeValue(hex("06 00000003 00")), "truncated", 5);
  assertCodecError(() => decodeValue(hex("07 00000002 00")), "truncated", 5);
  assertCodecError(
    () => decodeValue(hex("08 00000001 00000000")),
    "truncated",
    5,
  );
  assertCodecError(
    () => decodeValue(hex("08 00000001 00000001 61")),
    "truncated",
    10,
  );
});

Deno.test("decodeValue() rejects a huge count before allocating for it", () => {
  assertCodecError(() => decodeValue(hex("07 ffffffff")), "truncated", 5);
  assertCodecError(() => decodeValue(hex("08 ffffffff 00")), "truncated", 5);
  assertCodecError(() => decodeValue(hex("05 ffffffff 00")), "truncated", 5);
  assertCodecError(() => decodeValue(hex("06 ffffffff 00")), "truncated", 5);
});

Deno.test("decodeValue() rejects an unknown tag", () => {
  const error = assertCodecError(
    () => decodeValue(hex("07 00000002 00 09")),
    "bad_tag",
    6,
  );
  assert.equal(
    error.message,
    "Cannot decode value: unknown tag 0x09 at offset 6",
  );
  for (let tag = 0x09; tag <= 0xff; tag++) {
    assertCodecError(() => decodeValue(new Uint8Array([tag])), "bad_tag", 0);
  }
});

Deno.test("decodeValue() accepts 32 levels of nesting", () => {
  assert.deepStrictEqual(
    decodeValue(nestedListBytes(32, "00")),
    nestedLists(32),
  );
  // An empty map at depth 31 is the deepest container allowed.
  let expected: Value = {};
  for (let i = 0; i < 31; i++) expected = [expected];
  assert.deepStrictEqual(
    decodeValue(nestedListBytes(31, "08 00000000")),
    expected,
  );
});

Deno.test("decodeValue() rejects a container at depth 32 with too_deep at its tag", () => {
  assertCodecError(() => decodeValue(nestedListBytes(33, "00")), "too_deep", 160);
  assertCodecError(
    () => decodeValue(nestedListBytes(32, "07 00000000")),
    "too_deep",
    160,
  );
  assertCodecError(
    () => decodeValue(nestedListBytes(32, "08 00000000")),
    "too_deep",
    160,
  );
});

Deno.test("decodeValue() rejects 10,000 nested lists with too_deep", () => {
  assertCodecError(
    () => decodeValue(nestedListBytes(10_000, "00")),
    "too_deep",
    160,
  );
});

Deno.test("decodeValue() applies a lower depth limit", () => {
  assert.equal(decodeValue(hex("00"), { maxDepth: 0 }), null);
  assertCodecError(
    () => decodeValue(hex("07 00000000"), { maxDepth: 0 }),
    "too_deep",
    0,
  );
  assertCodecError(
    () => decodeValue(hex("07 00000001 07 00000000"), { maxDepth: 1 }),
    "too_deep",
    5,
  );
});

Deno.test("decodeValue() accepts a deeper limit when asked", () => {
  assert.deepStrictEqual(
    decodeValue(nestedListBytes(40, "00"), { maxDepth: 40 }),
    nestedLists(40),
  );
});

Deno.test("decodeValue() counts list items and map entries of the whole value", () => {
  const nulls = (n: number) => "00".repeat(n);
  assert.equal(
    (decodeValue(hex("07 00010000 " + nulls(65_536))) as Value[]).length,
    65_536,
  );
  assertCodecError(
    () => decodeValue(hex("07 00010001 " + nulls(65_537))),
    "too_many",
    0,
  );
  // 2 + 65,535 items across two lists: the second list's tag is at offset 5.
  assertCodecError(
    () => decodeValue(hex("07 00000002 07 0000ffff " + nulls(65_535) + "00")),
    "too_many",
    5,
  );
  assertCodecError(
    () =>
      decodeValue(hex("08 00000002 00000001 61 00 00000001 62 00"), {
        maxItems: 1,
      }),
    "too_many",
    0,
  );
  assert.deepStrictEqual(decodeValue(hex("07 00000000"), { maxItems: 0 }), []);
});

Deno.test("decodeValue() rejects bytes after the value", () => {
  const error = assertCodecError(() => decodeValue(hex("00 00")), "trailing", 1);
  assert.equal(
    error.message,
    "Cannot decode value: 1 bytes follow the value at offset 1",
  );
  assertCodecError(() => decodeValue(hex("05 00000000 ff")), "trailing", 5);
});

Deno.test("decodeValue() throws TypeError for input that is not a Uint8Array", () => {
  assert.throws(
    () => decodeValue([0] as unknown as Uint8Array),
    TypeError,
  );
  assert.throws(
    () => decodeValue(new ArrayBuffer(1) as unknown as Uint8Array),
    TypeError,
  );
});

Deno.test("decodeValue() throws RangeError for invalid limits", () => {
  for (
    const limits of [
      { maxDepth: -1 },
      { maxDepth: 1.5 },
      { maxDepth: 1025 },
      { maxDepth: NaN },
      { maxItems: -1 },
      { maxItems: Infinity },
    ]
  ) {
    assert.throws(() => decodeValue(hex("00"), limits), RangeError);
  }
});

Deno.test("CodecError carries its name, code, offset and message", () => {
  const error = assertCodecError(
    () => decodeValue(hex("05 00000003 6162")),
    "truncated",
    5,
  );
  assert.ok(error instanceof Error);
  assert.ok(error instanceof CodecError);
  assert.equal(error.name, "CodecError");
  assert.equal(
    error.message,
    "Cannot decode value: string needs 3 bytes but 2 remain at offset 5",
  );
});
