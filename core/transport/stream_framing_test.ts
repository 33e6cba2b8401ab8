import assert from "node:assert/strict";
import { encodeFrame } from "../codec/frame.ts";
import { TransportError } from "./duplex.ts";
import { runDuplexSuite } from "./duplex_suite.ts";
import { PayloadQueue } from "./payload_queue.ts";
import { type ByteStream, framedStream, FrameReader } from "./stream_framing.ts";

/** Two byte streams joined in memory; `split` cuts every write into chunks of at most that many bytes. */
function streamPair(split = Infinity): [ByteStream, ByteStream] {
  const toA = new PayloadQueue();
  const toB = new PayloadQueue();
  const side = (inbound: PayloadQueue, outbound: PayloadQueue): ByteStream => ({
    read: () => inbound.read(),
    write(bytes) {
      for (let at = 0; at < bytes.length; at += Math.min(split, bytes.length)) {
        outbound.push(bytes.slice(at, at + Math.min(split, bytes.length)));
      }
    },
    close() {
      inbound.close();
      outbound.end();
    },
  });
  return [side(toA, toB), side(toB, toA)];
}

const isKind = (kind: TransportError["kind"], pattern?: RegExp) => (error: unknown) =>
  error instanceof TransportError && error.kind === kind && (!pattern || pattern.test(error.message));

function chunks(...list: number[][]): () => Promise<Uint8Array | null> {
  return () => Promise.resolve(list.length > 0 ? Uint8Array.from(list.shift()!) : null);
}

Deno.test("FrameReader reassembles frames from any chunking and answers many frames in one chunk one by one", async () => {
  const reader = new FrameReader(chunks([0], [0, 0, 1], [5, 0, 0, 0, 2, 6, 7, 0, 0, 0, 0]), { maxFrameBytes: 8 });
  assert.deepEqual(await reader.read(), Uint8Array.of(5));
  assert.deepEqual(await reader.read(), Uint8Array.of(6, 7));
  assert.deepEqual(await reader.read(), new Uint8Array(0));
  assert.equal(await reader.read(), null);
  assert.equal(await reader.read(), null);
});

Deno.test("FrameReader reports a length over the limit as frame_too_large, to every later read", async () => {
  const reader = new FrameReader(chunks([0, 0, 0, 9]), { maxFrameBytes: 8 });
  await assert.rejects(reader.read(), isKind("frame_too_large", /length 9 exceeds limit 8/));
  await assert.rejects(reader.read(), isKind("frame_too_large"));
});

Deno.test("FrameReader reports a stream that ends inside a frame as lost, unless this side ended it", async () => {
  await assert.rejects(
    new FrameReader(chunks([0, 0, 0, 4, 1]), { maxFrameBytes: 8 }).read(),
    isKind("lost", /ended inside a frame/),
  );
  assert.equal(await new FrameReader(chunks([0, 0, 0, 4, 1]), { maxFrameBytes: 8 }, () => true).read(), null);
});

Deno.test("FrameReader wraps a failed read as lost and passes a TransportError through", async () => {
  const reset = new FrameReader(() => Promise.reject(new Error("Connection reset by peer")), { maxFrameBytes: 8 });
  await assert.rejects(reset.read(), isKind("lost", /^Connection lost: Connection reset by peer$/));
  const typed = new FrameReader(
    () => Promise.reject(new TransportError("bad_frame", "Not Mimi")),
    { maxFrameBytes: 8 },
  );
  await assert.rejects(typed.read(), isKind("bad_frame", /^Not Mimi$/));
});

Deno.test("framedStream() reports a failed write through read() as write_failed and closes the stream", async () => {
  let closed = false;
  const duplex = framedStream({
    read: () => new Promise(() => {}), // never answers: only the failure may end the read
    write: () => Promise.reject(new Error("Broken pipe")),
    close: () => void (closed = true),
  }, { maxFrameBytes: 8 });
  const pending = duplex.read();
  duplex.write(Uint8Array.of(1));
  await assert.rejects(pending, isKind("write_failed", /Broken pipe/));
  await assert.rejects(duplex.read(), isKind("write_failed"));
  assert.ok(closed);
  await duplex.close();
});

Deno.test("framedStream() sends frames that cross chunk boundaries whole", async () => {
  const [a, b] = streamPair(3);
  const near = framedStream(a, { maxFrameBytes: 100 });
  const far = framedStream(b, { maxFrameBytes: 100 });
  near.write(Uint8Array.of(1, 2, 3, 4, 5, 6, 7));
  assert.deepEqual(await far.read(), Uint8Array.of(1, 2, 3, 4, 5, 6, 7));
  b.write(encodeFrame(Uint8Array.of(9)).subarray(0, 3));
  await far.close();
  await assert.rejects(near.read(), isKind("lost"), "the peer's close cut the frame short");
  await near.close();
});

for (const [label, split] of [["whole writes", Infinity], ["7-byte chunks", 7]] as const) {
  runDuplexSuite({
    name: `framedStream() over an in-memory stream in ${label}`,
    pair: () => {
      const [a, b] = streamPair(split);
      return Promise.resolve({
        near: framedStream(a, { maxFrameBytes: 1 << 20 }),
        far: framedStream(b, { maxFrameBytes: 1 << 20 }),
      });
    },
    test: Deno.test,
  });
}
