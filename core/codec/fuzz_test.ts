// Property tests: random and mutated input never escapes as anything but a CodecError (PROTOCOL.md §4.1).

import assert from "node:assert/strict";
import { CodecError } from "./error.ts";
import { decodeEnvelope, encodeEnvelope } from "./envelope.ts";
import { encodeFrame, FrameDecoder } from "./frame.ts";
import { decodeValue, encodeValue, type Value } from "./value.ts";
import { mulberry32, toHex } from "./_test_utils.ts";

const RANDOM_INPUTS = 5_000;
const MUTATED_INPUTS = 5_000;
const ROUND_TRIPS = 2_000;
const UTF8_SAMPLES = 20_000;

/** Bytes at the edges of the UTF-8 ranges of RFC 3629 §4. */
const UTF8_EDGE_BYTES = [
  0x00,
  0x41,
  0x7f,
  0x80,
  0x8f,
  0x90,
  0x9f,
  0xa0,
  0xbf,
  0xc0,
  0xc1,
  0xc2,
  0xdf,
  0xe0,
  0xe1,
  0xec,
  0xed,
  0xee,
  0xef,
  0xf0,
  0xf1,
  0xf3,
  0xf4,
  0xf5,
  0xff,
];

type Random = () => number;

function int(random: Random, below: number): number {
  return Math.floor(random() * below);
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[int(random, items.length)];
}

function randomBytes(random: Random, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = int(random, 256);
  return bytes;
}

const SPECIAL_NUMBERS = [
  0,
  -0,
  1,
  -1,
  NaN,
  Infinity,
  -Infinity,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  0.1,
  2 ** 32,
  -(2 ** 32),
];

function randomNumber(random: Random): number {
  switch (int(random, 4)) {
    case 0:
      return pick(random, SPECIAL_NUMBERS);
    case 1:
      return int(random, 2_000) - 1_000;
    case 2:
      return (random() - 0.5) * 10 ** int(random, 30);
    default: {
      // Any bit pattern; NaNs come back as NaN, which deepStrictEqual accepts.
      const view = new DataView(randomBytes(random, 8).buffer);
      return view.getFloat64(0);
    }
  }
}

/** A random int64 as the decoder returns it: a number if safe, else a bigint. */
function randomInt64(random: Random): number | bigint {
  const view = new DataView(randomBytes(random, 8).buffer);
  const value = view.getBigInt64(0) >> BigInt(int(random, 64));
  return value >= BigInt(Number.MIN_SAFE_INTEGER) &&
      value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

function randomString(random: Random): string {
  const length = random() < 0.05 ? 60 + int(random, 100) : int(random, 12);
  let text = "";
  for (let i = 0; i < length; i++) {
    switch (int(random, 5)) {
      case 0:
      case 1:
        text += String.fromCharCode(0x20 + int(random, 0x5f));
        break;
      case 2:
        text += String.fromCharCode(0x80 + int(random, 0x780));
        break;
      case 3: {
        const unit = 0x800 + int(random, 0xf800);
        // Surrogates alone cannot be encoded; use a character either side.
        text += String.fromCharCode(
          unit >= 0xd800 && unit <= 0xdfff ? unit - 0x800 : unit,
        );
        break;
      }
      default:
        text += String.fromCodePoint(0x10000 + int(random, 0x100000));
    }
  }
  return text;
}

function randomValue(random: Random, depth = 0): Value {
  const kinds = depth >= 4 ? 7 : 9;
  switch (int(random, kinds)) {
    case 0:
      return pick(random, [null, true, false]);
    case 1:
    case 2:
      return randomNumber(random);
    case 3:
      return randomInt64(random);
    case 4:
    case 5:
      return randomString(random);
    case 6:
      return randomBytes(random, int(random, 10));
    case 7: {
      const list: Value[] = [];
      for (let n = int(random, 6); n > 0; n--) {
        list.push(randomValue(random, depth + 1));
      }
      return list;
    }
    default: {
      const map: Record<string, Value> = {};
      for (let n = int(random, 6); n > 0; n--) {
        const key = random() < 0.05 ? "__proto__" : randomString(random);
        Object.defineProperty(map, key, {
          value: randomValue(random, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return map;
    }
  }
}

/** Changes `bytes` in one to three random ways. */
function mutate(random: Random, input: Uint8Array): Uint8Array {
  let bytes = Array.from(input);
  for (let n = 1 + int(random, 3); n > 0; n--) {
    const at = int(random, bytes.length + 1);
    switch (int(random, 6)) {
      case 0: // bit flip
        if (at < bytes.length) bytes[at] ^= 1 << int(random, 8);
        break;
      case 1: // insert a byte
        bytes.splice(at, 0, int(random, 256));
        break;
      case 2: // delete a byte
        bytes.splice(at, 1);
        break;
      case 3: // truncate
        bytes = bytes.slice(0, at);
        break;
      case 4: { // overwrite what may be a length or count field
        const remaining = bytes.length - at - 4;
        const length = pick(random, [
          0,
          1,
          remaining - 1,
          remaining,
          remaining + 1,
          0x7fff_ffff,
          0xffff_ffff,
          int(random, 0x1_0000),
        ]) >>> 0;
        const field = [length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff];
        bytes.splice(at, 4, ...field);
        break;
      }
      default: // overwrite what may be a tag
        if (at < bytes.length) bytes[at] = int(random, 11);
    }
  }
  return new Uint8Array(bytes);
}

/** Calls `fn`; fails unless it returns or throws a CodecError within [0, length]. */
function expectReturnOrCodecError(
  fn: () => unknown,
  length: number,
  context: () => string,
): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (!(error instanceof CodecError)) {
      assert.fail(`${context()}: threw ${error}`);
    }
    if (
      !Number.isInteger(error.offset) || error.offset < 0 ||
      error.offset > length
    ) {
      assert.fail(`${context()}: offset ${error.offset} outside [0, ${length}]`);
    }
    return false;
  }
}

/** Feeds `decodeValue`, `decodeEnvelope` and a `FrameDecoder` with `bytes`. */
function feedAllDecoders(random: Random, bytes: Uint8Array, label: string) {
  const context = () => `${label} ${toHex(bytes)}`;
  let decoded: Value = null;
  const ok = expectReturnOrCodecError(
    () => decoded = decodeValue(bytes),
    bytes.length,
    context,
  );
  if (ok) {
    // Whatever the decoder accepts, the encoder can write back.
    assert.deepStrictEqual(decodeValue(encodeValue(decoded)), decoded, context());
  }
  expectReturnOrCodecError(() => decodeEnvelope(bytes), bytes.length, context);

  const decoder = new FrameDecoder({
    maxFrameBytes: pick(random, [0, 4, 64, 1_048_576]),
  });
  let fed = 0;
  let failed = false;
  while (fed < bytes.length && !failed) {
    const chunk = bytes.subarray(fed, fed + 1 + int(random, 16));
    fed += chunk.length;
    failed = !expectReturnOrCodecError(() => decoder.push(chunk), fed, context);
  }
  if (!failed) expectReturnOrCodecError(() => decoder.end(), fed, context);
}

Deno.test("decoders return or throw a CodecError for random bytes", () => {
  const random = mulberry32(0x6d696d69);
  for (let i = 0; i < RANDOM_INPUTS; i++) {
    const bytes = randomBytes(random, int(random, 48));
    // Favour known tags so that inputs get past the first byte.
    if (bytes.length > 0 && random() < 0.7) bytes[0] = int(random, 9);
    // And plausible lengths, so that string, list and map bodies get read.
    if (bytes.length >= 5 && random() < 0.5) {
      new DataView(bytes.buffer).setUint32(1, int(random, bytes.length - 4));
    }
    feedAllDecoders(random, bytes, `random input ${i}`);
  }
});

Deno.test("decoders return or throw a CodecError for mutated encodings", () => {
  const random = mulberry32(0xc0dec);
  for (let i = 0; i < MUTATED_INPUTS; i++) {
    const value = randomValue(random);
    let valid: Uint8Array;
    switch (i % 3) {
      case 0:
        valid = encodeValue(value);
        break;
      case 1:
        valid = encodeEnvelope({ opcode: int(random, 4), id: i, body: value });
        break;
      default:
        valid = encodeFrame(
          encodeEnvelope({ opcode: 2, id: i, body: value }),
        );
    }
    feedAllDecoders(random, mutate(random, valid), `mutation ${i}`);
  }
});

Deno.test("random values round-trip through every layer", () => {
  const random = mulberry32(42);
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const value = randomValue(random);
    const bytes = encodeValue(value);
    assert.deepStrictEqual(decodeValue(bytes), value);
    // Encoding is deterministic: a decoded value encodes to the same bytes.
    assert.deepStrictEqual(encodeValue(decodeValue(bytes)), bytes);

    const envelope = { opcode: int(random, 0x1_0000), id: i, body: value };
    const frame = encodeFrame(encodeEnvelope(envelope));
    const decoder = new FrameDecoder();
    const payloads: Uint8Array[] = [];
    for (let fed = 0; fed < frame.length;) {
      const chunk = frame.subarray(fed, fed + 1 + int(random, 32));
      fed += chunk.length;
      payloads.push(...decoder.push(chunk));
    }
    decoder.end();
    assert.equal(payloads.length, 1);
    assert.deepStrictEqual(decodeEnvelope(payloads[0]), envelope);
  }
});

const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes `body` as a string value and compares with a fatal TextDecoder. */
function assertSameUtf8Verdict(body: Uint8Array) {
  const input = new Uint8Array(5 + body.length);
  input[0] = 0x05;
  new DataView(input.buffer).setUint32(1, body.length);
  input.set(body, 5);
  let expected: string | undefined;
  try {
    expected = strictDecoder.decode(body);
  } catch {
    // Malformed: decodeValue must then fail with bad_utf8 at the body.
    expected = undefined;
  }
  try {
    const actual = decodeValue(input);
    assert.equal(actual, expected, toHex(body));
  } catch (error) {
    if (expected !== undefined || !(error instanceof CodecError)) throw error;
    assert.equal(error.code, "bad_utf8", toHex(body));
    assert.equal(error.offset, 5, toHex(body));
  }
}

Deno.test("decodeValue() accepts exactly the UTF-8 that a fatal TextDecoder accepts", () => {
  // Every sequence of up to three edge bytes, then random longer ones.
  const edges = UTF8_EDGE_BYTES;
  for (const a of edges) {
    assertSameUtf8Verdict(new Uint8Array([a]));
    for (const b of edges) {
      assertSameUtf8Verdict(new Uint8Array([a, b]));
      for (const c of edges) assertSameUtf8Verdict(new Uint8Array([a, b, c]));
    }
  }
  const random = mulberry32(0xf4908080);
  for (let i = 0; i < UTF8_SAMPLES; i++) {
    const length = 4 + int(random, i % 10 === 0 ? 90 : 8);
    const body = new Uint8Array(length);
    for (let j = 0; j < length; j++) {
      body[j] = random() < 0.8 ? pick(random, edges) : int(random, 256);
    }
    assertSameUtf8Verdict(body);
    // And the same with a valid sequence in place, to get past the start.
    const text = randomString(random);
    assertSameUtf8Verdict(new TextEncoder().encode(text));
  }
});

Deno.test("encodeValue() writes the UTF-8 of TextEncoder and rejects lone surrogates", () => {
  const random = mulberry32(0xd800);
  const encoder = new TextEncoder();
  for (let i = 0; i < UTF8_SAMPLES; i++) {
    const length = int(random, i % 10 === 0 ? 150 : 70);
    let text = "";
    for (let j = 0; j < length; j++) {
      text += String.fromCharCode(
        random() < 0.1 ? 0xd800 + int(random, 0x800) : int(random, 0x1_0000),
      );
    }
    if (text.isWellFormed()) {
      const bytes = encodeValue(text);
      assert.deepStrictEqual(bytes.subarray(5), encoder.encode(text));
      assert.equal(decodeValue(bytes), text);
    } else {
      assert.throws(() => encodeValue(text), TypeError);
      assert.throws(() => encodeValue({ [text]: 1 }), TypeError);
    }
  }
});
