import assert from "node:assert/strict";
import { CodecError } from "../codec/error.ts";
import { encodeFrame } from "../codec/frame.ts";
import { TransportError } from "./duplex.ts";
import { frameOfMessage, messageOfFrame } from "./message_framing.ts";

const isKind = (kind: TransportError["kind"], pattern?: RegExp) => (error: unknown) =>
  error instanceof TransportError && error.kind === kind && (!pattern || pattern.test(error.message));

Deno.test("frameOfMessage() returns the payload of a message holding exactly one frame", () => {
  assert.deepEqual(frameOfMessage(messageOfFrame(Uint8Array.of(7, 8)), 2), Uint8Array.of(7, 8));
  assert.deepEqual(frameOfMessage(messageOfFrame(new Uint8Array(0)).buffer, 0), new Uint8Array(0));
});

Deno.test("frameOfMessage() refuses a text message as bad_frame", () => {
  assert.throws(() => frameOfMessage("hello", 100), isKind("bad_frame", /text message/));
});

Deno.test("frameOfMessage() refuses two frames in one message and part of a frame as bad_frame", () => {
  const one = encodeFrame(Uint8Array.of(1, 2, 3));
  const two = new Uint8Array([...one, ...one]);
  assert.throws(() => frameOfMessage(two, 100), isKind("bad_frame", /more than one frame/));
  assert.throws(() => frameOfMessage(one.subarray(0, 5), 100), isKind("bad_frame", /part of a frame/));
  assert.throws(() => frameOfMessage(one.subarray(0, 3), 100), isKind("bad_frame", /no whole frame/));
});

Deno.test("frameOfMessage() refuses a length over the limit as frame_too_large, before looking further", () => {
  assert.throws(() => frameOfMessage(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0), 1 << 20), (error) => {
    assert.ok(isKind("frame_too_large", /exceeds limit 1048576/)(error));
    assert.ok((error as Error).cause instanceof CodecError);
    return true;
  });
});
