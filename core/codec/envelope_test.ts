// Tests for the envelope: opcode, request id and body (PROTOCOL.md §3).

import assert from "node:assert/strict";
import { decodeEnvelope, encodeEnvelope } from "./envelope.ts";
import { assertCodecError, hex, toHex } from "./_test_utils.ts";

Deno.test("encodeEnvelope() writes u16 opcode, u32 id, then the body", () => {
  assert.equal(
    toHex(encodeEnvelope({ opcode: 0x0001, id: 1, body: {} })),
    "000100000001" + "0800000000",
  );
  assert.equal(
    toHex(encodeEnvelope({ opcode: 0xabcd, id: 0x01020304, body: "hi" })),
    "abcd01020304" + "05000000026869",
  );
});

Deno.test("decodeEnvelope() reads opcode, id and body from hand-written hex", () => {
  assert.deepStrictEqual(
    decodeEnvelope(hex("0002 ffffffff 07 00000001 03 fffffffffffffffe")),
    { opcode: 2, id: 0xffff_ffff, body: [-2] },
  );
});

Deno.test("encodeEnvelope() and decodeEnvelope() round-trip the extreme opcodes and ids", () => {
  for (const opcode of [0, 1, 0xffff]) {
    for (const id of [0, 1, 0xffff_ffff]) {
      const envelope = { opcode, id, body: { n: opcode + id } };
      assert.deepStrictEqual(decodeEnvelope(encodeEnvelope(envelope)), envelope);
    }
  }
});

Deno.test("encodeEnvelope() throws RangeError for an opcode that is not a u16", () => {
  for (const opcode of [-1, 0x1_0000, 1.5, NaN, Infinity]) {
    assert.throws(() => encodeEnvelope({ opcode, id: 1, body: null }), {
      name: "RangeError",
      message: `Cannot encode envelope: opcode must be an integer from 0 to 65535, got ${opcode}`,
    });
  }
});

Deno.test("encodeEnvelope() throws RangeError for an id that is not a u32", () => {
  for (const id of [-1, 2 ** 32, 0.5, NaN]) {
    assert.throws(
      () => encodeEnvelope({ opcode: 1, id, body: null }),
      RangeError,
    );
  }
});

Deno.test("encodeEnvelope() passes on the body's errors with their path", () => {
  assert.throws(
    () =>
      encodeEnvelope({
        opcode: 2,
        id: 1,
        body: { a: [() => 0] } as never,
      }),
    {
      name: "TypeError",
      message: "Cannot encode value at $.a[0]: unsupported type function",
    },
  );
});

Deno.test("decodeEnvelope() rejects payloads shorter than 7 bytes as truncated", () => {
  const offsets = [0, 0, 2, 2, 2, 2, 6];
  for (let length = 0; length < 7; length++) {
    assertCodecError(
      () => decodeEnvelope(hex("0001 00000001").subarray(0, length)),
      "truncated",
      offsets[length],
    );
  }
});

Deno.test("decodeEnvelope() reports body errors at offsets within the payload", () => {
  const error = assertCodecError(
    () => decodeEnvelope(hex("0001 00000001 09")),
    "bad_tag",
    6,
  );
  assert.equal(
    error.message,
    "Cannot decode envelope: unknown tag 0x09 at offset 6",
  );
  assertCodecError(
    () => decodeEnvelope(hex("0002 00000001 05 00000002 c080")),
    "bad_utf8",
    11,
  );
  assertCodecError(
    () => decodeEnvelope(hex("0002 00000001 08 00000002 00000001 61 00 00000001 61 01")),
    "duplicate_key",
    17,
  );
});

Deno.test("decodeEnvelope() rejects bytes after the body", () => {
  assertCodecError(
    () => decodeEnvelope(hex("0001 00000001 00 00")),
    "trailing",
    7,
  );
});

Deno.test("decodeEnvelope() applies the body limits", () => {
  assertCodecError(
    () => decodeEnvelope(hex("0002 00000001 07 00000000"), { maxDepth: 0 }),
    "too_deep",
    6,
  );
  assertCodecError(
    () => decodeEnvelope(hex("0002 00000001 07 00000002 00 00"), { maxItems: 1 }),
    "too_many",
    6,
  );
});

Deno.test("decodeEnvelope() reads a view that starts inside a larger buffer", () => {
  const buffer = hex("ee ee 0002 00000009 05 00000001 7a ee");
  assert.deepStrictEqual(decodeEnvelope(buffer.subarray(2, 14)), {
    opcode: 2,
    id: 9,
    body: "z",
  });
});

Deno.test("decodeEnvelope() throws TypeError for input that is not a Uint8Array", () => {
  assert.throws(() => decodeEnvelope("0001" as never), TypeError);
});
