// Checks the codec against the hand-written vectors in tests/vectors/ (PROTOCOL.md §2-4.1).

import assert from "node:assert/strict";
import type { CodecErrorCode } from "./error.ts";
import { decodeEnvelope, encodeEnvelope } from "./envelope.ts";
import { encodeFrame, FrameDecoder } from "./frame.ts";
import { type DecodeLimits, decodeValue, encodeValue, type Value } from "./value.ts";
import { assertCodecError, hex, toHex } from "./_test_utils.ts";

interface ValueVector {
  name: string;
  hex: string;
  value: unknown;
  decodeOnly?: boolean;
  limits?: DecodeLimits;
}

interface InvalidVector {
  name: string;
  hex: string;
  layer: "value" | "envelope" | "frame";
  code: CodecErrorCode;
  offset: number;
  limits?: DecodeLimits;
  maxFrameBytes?: number;
}

interface EnvelopeVector {
  name: string;
  hex: string;
  opcode: number;
  id: number;
  body: unknown;
}

interface FrameVector {
  name: string;
  chunks: string[];
  payloads: string[];
  maxFrameBytes?: number;
}

async function load<T>(name: string): Promise<T[]> {
  const url = new URL(`../../tests/vectors/${name}`, import.meta.url);
  return JSON.parse(await Deno.readTextFile(url));
}

const values = await load<ValueVector>("codec_values.json");
const invalid = await load<InvalidVector>("codec_invalid.json");
const envelopes = await load<EnvelopeVector>("codec_envelopes.json");
const frames = await load<FrameVector>("codec_frames.json");

/** Turns a vector's JSON value into a codec value (see tests/vectors/README.md). */
function fromJson(json: unknown): Value {
  if (json === null || typeof json !== "object") return json as Value;
  if (Array.isArray(json)) return json.map(fromJson);
  const keys = Object.keys(json);
  const entries = json as Record<string, unknown>;
  if (keys.length === 1) {
    const inner = entries[keys[0]];
    switch (keys[0]) {
      case "$bigint":
        return BigInt(inner as string);
      case "$bytes":
        return hex(inner as string);
      case "$float":
        return typeof inner === "number" ? inner : Number(inner);
      case "$map":
        return mapFromJson(inner as Record<string, unknown>);
    }
  }
  return mapFromJson(entries);
}

function mapFromJson(json: Record<string, unknown>): Value {
  const map: Record<string, Value> = {};
  for (const key of Object.keys(json)) {
    Object.defineProperty(map, key, {
      value: fromJson(json[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return map;
}

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks = [];
  for (let i = 0; i < bytes.length; i += size) {
    chunks.push(bytes.subarray(i, i + size));
  }
  return chunks;
}

Deno.test("codec_values.json: decodeValue() reads every vector", () => {
  for (const vector of values) {
    assert.deepStrictEqual(
      decodeValue(hex(vector.hex), vector.limits),
      fromJson(vector.value),
      vector.name,
    );
  }
});

Deno.test("codec_values.json: encodeValue() reproduces every vector not marked decodeOnly", () => {
  for (const vector of values) {
    const encoded = toHex(encodeValue(fromJson(vector.value)));
    const expected = toHex(hex(vector.hex));
    if (vector.decodeOnly) {
      // Marked decode-only because the encoder writes another form.
      assert.notEqual(encoded, expected, vector.name);
    } else {
      assert.equal(encoded, expected, vector.name);
    }
  }
});

Deno.test("codec_invalid.json: every vector fails with its code and offset", () => {
  for (const vector of invalid) {
    const bytes = hex(vector.hex);
    const message = `${vector.name}: `;
    try {
      switch (vector.layer) {
        case "value":
          assertCodecError(
            () => decodeValue(bytes, vector.limits),
            vector.code,
            vector.offset,
          );
          break;
        case "envelope":
          assertCodecError(
            () => decodeEnvelope(bytes, vector.limits),
            vector.code,
            vector.offset,
          );
          break;
        case "frame":
          // The same failure whether the stream comes whole or byte by byte.
          for (const size of [Math.max(bytes.length, 1), 1]) {
            const decoder = new FrameDecoder({
              maxFrameBytes: vector.maxFrameBytes,
            });
            assertCodecError(
              () => {
                for (const chunk of chunksOf(bytes, size)) decoder.push(chunk);
                decoder.end();
              },
              vector.code,
              vector.offset,
            );
          }
          break;
      }
    } catch (error) {
      throw new Error(`${message}${(error as Error).message}`, { cause: error });
    }
  }
});

Deno.test("codec_invalid.json: covers every error code", () => {
  const codes = new Set(invalid.map((vector) => vector.code));
  const all: CodecErrorCode[] = [
    "truncated",
    "bad_tag",
    "bad_utf8",
    "duplicate_key",
    "too_deep",
    "too_many",
    "too_large",
    "trailing",
  ];
  assert.deepStrictEqual([...codes].sort(), [...all].sort());
});

Deno.test("codec_envelopes.json: decodeEnvelope() and encodeEnvelope() agree with every vector", () => {
  for (const vector of envelopes) {
    const envelope = {
      opcode: vector.opcode,
      id: vector.id,
      body: fromJson(vector.body),
    };
    assert.deepStrictEqual(decodeEnvelope(hex(vector.hex)), envelope, vector.name);
    assert.equal(
      toHex(encodeEnvelope(envelope)),
      toHex(hex(vector.hex)),
      vector.name,
    );
  }
});

Deno.test("codec_frames.json: FrameDecoder returns the payloads for the given, whole and single-byte chunking", () => {
  for (const vector of frames) {
    const chunks = vector.chunks.map(hex);
    const stream = chunks.flatMap((chunk) => [...chunk]);
    for (
      const feed of [
        chunks,
        [new Uint8Array(stream)],
        chunksOf(new Uint8Array(stream), 1),
      ]
    ) {
      const decoder = new FrameDecoder({ maxFrameBytes: vector.maxFrameBytes });
      const payloads = feed.flatMap((chunk) => decoder.push(chunk));
      decoder.end();
      assert.deepStrictEqual(
        payloads.map(toHex),
        vector.payloads.map((payload) => toHex(hex(payload))),
        vector.name,
      );
    }
  }
});

Deno.test("codec_frames.json: encodeFrame() reproduces every stream", () => {
  for (const vector of frames) {
    const expected = vector.chunks.map((chunk) => toHex(hex(chunk))).join("");
    const encoded = vector.payloads.map((payload) => toHex(encodeFrame(hex(payload))))
      .join("");
    assert.equal(encoded, expected, vector.name);
  }
});
