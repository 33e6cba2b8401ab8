// Codec speed relative to JSON in the same run (deno bench prints the ratio to the baseline).

import { decodeEnvelope, encodeEnvelope } from "../core/codec/envelope.ts";
import { encodeFrame, FrameDecoder } from "../core/codec/frame.ts";

const message = {
  opcode: 0x0002,
  id: 42,
  body: {
    room: 7,
    from: "alice",
    text: "你好！今晚八点开会，别忘了带电脑。\nSee you at 8.",
    sentAt: 1_763_800_000_000,
  },
};
const json = new TextEncoder().encode(JSON.stringify(message));
const binary = encodeEnvelope(message);
const burst = (() => {
  const frames = Array.from({ length: 100 }, () => encodeFrame(binary));
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  frames.reduce((at, f) => (out.set(f, at), at + f.length), 0);
  return out;
})();

Deno.bench("encode: JSON.stringify + TextEncoder", { group: "encode", baseline: true }, () => {
  new TextEncoder().encode(JSON.stringify(message));
});
Deno.bench("encode: encodeEnvelope", { group: "encode" }, () => {
  encodeEnvelope(message);
});
Deno.bench("decode: TextDecoder + JSON.parse", { group: "decode", baseline: true }, () => {
  JSON.parse(new TextDecoder().decode(json));
});
Deno.bench("decode: decodeEnvelope", { group: "decode" }, () => {
  decodeEnvelope(binary);
});
Deno.bench("frames: 100 frames in one chunk, JSON per frame (baseline)", { group: "burst", baseline: true }, () => {
  for (let i = 0; i < 100; i++) JSON.parse(new TextDecoder().decode(json));
});
Deno.bench("frames: 100 frames in one chunk, FrameDecoder + decodeEnvelope", { group: "burst" }, () => {
  for (const payload of new FrameDecoder().push(burst)) decodeEnvelope(payload);
});
