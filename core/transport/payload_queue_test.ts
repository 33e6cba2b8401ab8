import assert from "node:assert/strict";
import { TransportError } from "./duplex.ts";
import { PayloadQueue } from "./payload_queue.ts";

Deno.test("PayloadQueue hands payloads to readers in order, then the end", async () => {
  const queue = new PayloadQueue();
  const early = queue.read();
  queue.push(Uint8Array.of(1));
  queue.push(Uint8Array.of(2, 3));
  assert.equal(queue.bufferedBytes, 2);
  queue.end();
  queue.push(Uint8Array.of(4)); // after the end: dropped
  assert.deepEqual(await early, Uint8Array.of(1));
  assert.deepEqual(await queue.read(), Uint8Array.of(2, 3));
  assert.equal(queue.bufferedBytes, 0);
  assert.equal(await queue.read(), null);
  assert.equal(await queue.read(), null);
});

Deno.test("PayloadQueue reports a failure after the payloads pushed before it, to every later read", async () => {
  const queue = new PayloadQueue();
  queue.push(Uint8Array.of(1));
  queue.fail(new TransportError("bad_frame", "Bad"));
  queue.end(); // the failure stays the outcome
  assert.deepEqual(await queue.read(), Uint8Array.of(1));
  await assert.rejects(queue.read(), (e) => e instanceof TransportError && e.kind === "bad_frame");
  queue.close();
  await assert.rejects(queue.read(), TransportError, "a failure a reader saw is not undone by close()");
});

Deno.test("PayloadQueue.close() drops what is queued and resolves waiting reads with null", async () => {
  const queue = new PayloadQueue();
  const waiting = [queue.read(), queue.read()];
  queue.close();
  assert.deepEqual(await Promise.all(waiting), [null, null]);
  const other = new PayloadQueue();
  other.push(Uint8Array.of(1));
  other.fail(new TransportError("lost", "Lost"));
  other.close();
  assert.equal(await other.read(), null, "an unseen failure gives way to this side's close");
});
