// Tests for framing and the streaming frame decoder (PROTOCOL.md §2).

import assert from "node:assert/strict";
import { CodecError } from "./error.ts";
import {
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  FrameDecoder,
  readFrameLength,
  splitFrames,
  writeFrameLength,
} from "./frame.ts";
import { assertCodecError, hex, toHex } from "./_test_utils.ts";

const STREAM = hex("00000001 aa 00000000 00000003 bbccdd 00000002 eeff");
const PAYLOADS = ["aa", "", "bbccdd", "eeff"];

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

Deno.test("encodeFrame() prefixes the payload with its u32 length", () => {
  assert.equal(toHex(encodeFrame(hex("010203"))), "00000003010203");
  assert.equal(toHex(encodeFrame(new Uint8Array(0))), "00000000");
  assert.equal(
    toHex(encodeFrame(new Uint8Array(0x1_0203)).subarray(0, 4)),
    "00010203",
  );
});

Deno.test("encodeFrame() frames only the bytes of a view", () => {
  const view = hex("ff 0102 ff").subarray(1, 3);
  assert.equal(toHex(encodeFrame(view)), "000000020102");
});

Deno.test("encodeFrame() throws RangeError for a payload over 2^32-1 bytes", () => {
  const huge = new Uint8Array(0);
  Object.defineProperty(huge, "length", { value: 2 ** 32 });
  assert.throws(() => encodeFrame(huge), {
    name: "RangeError",
    message: "Cannot encode frame: payload length 4294967296 exceeds 4294967295",
  });
});

Deno.test("encodeFrame() throws TypeError for a payload that is not a Uint8Array", () => {
  assert.throws(() => encodeFrame([1, 2] as never), TypeError);
});

Deno.test("FrameDecoder returns all frames of one chunk in order", () => {
  const decoder = new FrameDecoder();
  assert.deepStrictEqual(decoder.push(STREAM).map(toHex), PAYLOADS);
  assert.equal(decoder.bufferedBytes, 0);
  decoder.end();
});

Deno.test("FrameDecoder reassembles frames fed one byte at a time", () => {
  const decoder = new FrameDecoder();
  const payloads: string[] = [];
  for (let i = 0; i < STREAM.length; i++) {
    payloads.push(...decoder.push(STREAM.subarray(i, i + 1)).map(toHex));
  }
  assert.deepStrictEqual(payloads, PAYLOADS);
  decoder.end();
});

Deno.test("FrameDecoder reassembles a stream cut at every pair of points", () => {
  for (let a = 0; a <= STREAM.length; a++) {
    for (let b = a; b <= STREAM.length; b++) {
      const decoder = new FrameDecoder();
      const payloads = [
        ...decoder.push(STREAM.subarray(0, a)),
        ...decoder.push(STREAM.subarray(a, b)),
        ...decoder.push(STREAM.subarray(b)),
      ];
      assert.deepStrictEqual(payloads.map(toHex), PAYLOADS, `cut at ${a}, ${b}`);
      decoder.end();
    }
  }
});

Deno.test("FrameDecoder reads a length prefix split across chunks", () => {
  for (let cut = 1; cut < 4; cut++) {
    const decoder = new FrameDecoder();
    const frame = hex("00000002 abcd");
    assert.deepStrictEqual(decoder.push(frame.subarray(0, cut)), []);
    assert.equal(decoder.bufferedBytes, cut);
    assert.deepStrictEqual(decoder.push(frame.subarray(cut)).map(toHex), [
      "abcd",
    ]);
  }
});

Deno.test("FrameDecoder counts the buffered bytes of the incomplete frame", () => {
  const decoder = new FrameDecoder();
  assert.equal(decoder.bufferedBytes, 0);
  decoder.push(hex("0000"));
  assert.equal(decoder.bufferedBytes, 2);
  decoder.push(hex("0003 aa"));
  assert.equal(decoder.bufferedBytes, 5);
  decoder.push(hex("bb"));
  assert.equal(decoder.bufferedBytes, 6);
  decoder.push(hex("cc"));
  assert.equal(decoder.bufferedBytes, 0);
});

Deno.test("FrameDecoder returns payloads that do not alias the chunks", () => {
  const decoder = new FrameDecoder();
  const chunk = hex("00000002 aabb 00000000 00000001 cc 00000002 dd");
  const whole = decoder.push(chunk);
  chunk.fill(0);
  const [split] = decoder.push(hex("ee"));
  assert.deepStrictEqual(whole.map(toHex), ["aabb", "", "cc"]);
  assert.equal(toHex(split), "ddee");
  for (const payload of [...whole, split]) {
    assert.notEqual(payload.buffer, chunk.buffer);
  }
  // Whole frames of one push share one copy; a split frame has its own.
  assert.equal(whole[0].buffer, whole[2].buffer);
  assert.equal(split.buffer.byteLength, 2);
});

Deno.test("FrameDecoder keeps a large frame open across chunks", () => {
  const decoder = new FrameDecoder();
  assert.deepStrictEqual(decoder.push(hex("000fffff")), []);
  assert.equal(decoder.bufferedBytes, 4);
  assert.deepStrictEqual(decoder.push(hex("01")), []);
  assert.equal(decoder.bufferedBytes, 5);
});

Deno.test("FrameDecoder reassembles a 1 MiB frame from small chunks", () => {
  const payload = new Uint8Array(DEFAULT_MAX_FRAME_BYTES);
  for (let i = 0; i < payload.length; i++) payload[i] = i * 7;
  const stream = concat([encodeFrame(payload), encodeFrame(hex("01"))]);
  const decoder = new FrameDecoder();
  const payloads: Uint8Array[] = [];
  for (let i = 0; i < stream.length; i += 1000) {
    payloads.push(...decoder.push(stream.subarray(i, i + 1000)));
  }
  assert.equal(payloads.length, 2);
  assert.deepStrictEqual(payloads[0], payload);
  assert.equal(payloads[0].buffer.byteLength, payload.length);
  assert.equal(toHex(payloads[1]), "01");
});

Deno.test("FrameDecoder rejects a 4 GiB length prefix as soon as it is read", () => {
  const decoder = new FrameDecoder();
  assert.deepStrictEqual(decoder.push(hex("ffffff")), []);
  const error = assertCodecError(
    () => decoder.push(hex("ff")),
    "too_large",
    0,
  );
  assert.equal(
    error.message,
    "Cannot decode frame: length 4294967295 exceeds limit 1048576 at offset 0",
  );
  assert.ok(decoder.bufferedBytes <= 4);
});

Deno.test("FrameDecoder reports too_large at the stream offset of the prefix", () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 2 });
  assert.deepStrictEqual(decoder.push(hex("00000002 aabb 0000")).map(toHex), [
    "aabb",
  ]);
  assertCodecError(() => decoder.push(hex("0003 00")), "too_large", 6);
});

Deno.test("FrameDecoder accepts a frame exactly at the limit", () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 3 });
  assert.deepStrictEqual(decoder.push(hex("00000003 010203")).map(toHex), [
    "010203",
  ]);
  assertCodecError(
    () => new FrameDecoder({ maxFrameBytes: 0 }).push(hex("00000001")),
    "too_large",
    0,
  );
  assert.deepStrictEqual(
    new FrameDecoder({ maxFrameBytes: 0 }).push(hex("00000000")).map(toHex),
    [""],
  );
});

Deno.test("FrameDecoder rethrows the same error after a failure", () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 1 });
  const error = assertCodecError(
    () => decoder.push(hex("00000002")),
    "too_large",
    0,
  );
  assert.throws(() => decoder.push(hex("00000000")), (e) => e === error);
  assert.throws(() => decoder.push(new Uint8Array(0)), (e) => e === error);
  assert.throws(() => decoder.end(), (e) => e === error);

  const ended = new FrameDecoder();
  ended.push(hex("00"));
  const truncated = assertCodecError(() => ended.end(), "truncated", 0);
  assert.throws(() => ended.push(hex("000001")), (e) => e === truncated);
});

Deno.test("FrameDecoder.end() reports a stream that stops inside a frame", () => {
  const inPrefix = new FrameDecoder();
  inPrefix.push(hex("00000001 aa 000000"));
  assertCodecError(() => inPrefix.end(), "truncated", 5);

  const inPayload = new FrameDecoder();
  inPayload.push(hex("00000001 aa 00000002"));
  inPayload.push(hex("bb"));
  const error = assertCodecError(() => inPayload.end(), "truncated", 9);
  assert.equal(
    error.message,
    "Cannot decode frame: stream ends 1 bytes into a payload of 2 at offset 9",
  );

  const clean = new FrameDecoder();
  clean.end();
  clean.push(hex("00000000"));
  clean.end();
});

Deno.test("FrameDecoder throws RangeError for an invalid maxFrameBytes", () => {
  for (const maxFrameBytes of [-1, 1.5, 2 ** 32, NaN]) {
    assert.throws(() => new FrameDecoder({ maxFrameBytes }), RangeError);
  }
  assert.doesNotThrow(() => new FrameDecoder({ maxFrameBytes: 2 ** 32 - 1 }));
});

Deno.test("FrameDecoder.push() throws TypeError for a chunk that is not a Uint8Array", () => {
  assert.throws(() => new FrameDecoder().push("abc" as never), TypeError);
});

Deno.test("FrameDecoder errors are CodecErrors", () => {
  try {
    new FrameDecoder().push(hex("ffffffff"));
    assert.fail("expected a throw");
  } catch (error) {
    assert.ok(error instanceof CodecError);
  }
});

Deno.test("splitFrames() gives each frame's payload as a view of the bytes, empty frames included", () => {
  const bytes = new Uint8Array([0, 0, 0, 2, 7, 8, 0, 0, 0, 0, 0, 0, 0, 1, 9]);
  const payloads = splitFrames(bytes, 16);
  assert.deepEqual(payloads.map((p) => [...p]), [[7, 8], [], [9]]);
  assert.equal(payloads[0].buffer, bytes.buffer, "not copied");
  assert.deepEqual(splitFrames(new Uint8Array(0), 16), []);
});

Deno.test("splitFrames() refuses a length over the limit as too_large and bytes that end inside a frame as truncated", () => {
  assert.throws(
    () => splitFrames(new Uint8Array([0, 0, 0, 1, 7, 0, 0, 0, 17]), 16),
    (e) => e instanceof CodecError && e.code === "too_large" && e.offset === 5,
  );
  for (const cut of [[0, 0], [0, 0, 0, 2, 7]]) {
    assert.throws(
      () => splitFrames(new Uint8Array([0, 0, 0, 1, 7, ...cut]), 16),
      (e) => e instanceof CodecError && e.code === "truncated",
    );
  }
});

Deno.test("writeFrameLength() and readFrameLength() agree with encodeFrame() up to 2^32-1", () => {
  for (const length of [0, 1, 255, 256, 65_536, 0x7fff_ffff, 0xffff_ffff]) {
    const bytes = new Uint8Array(6);
    writeFrameLength(bytes, 2, length);
    assert.equal(readFrameLength(bytes, 2), length);
  }
  const frame = encodeFrame(new Uint8Array(300));
  assert.equal(readFrameLength(frame, 0), 300);
});
