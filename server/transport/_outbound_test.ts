import assert from "node:assert/strict";
import { FAIR_SHARE_BYTES, OutboundBudget, OutboundQueue } from "./_outbound.ts";

function stalledWriter() {
  const writes: Uint8Array[] = [];
  let release: () => void = () => {};
  const write = (bytes: Uint8Array) => {
    writes.push(bytes);
    return new Promise<void>((resolve) => release = resolve);
  };
  return { writes, write, release: () => release() };
}

Deno.test("OutboundQueue coalesces frames queued during a write into one write", async () => {
  const writer = stalledWriter();
  const queue = new OutboundQueue(writer.write, 1000, () => assert.fail("overflow"), () => assert.fail("error"));
  queue.push(Uint8Array.of(1));
  queue.push(Uint8Array.of(2));
  queue.push(Uint8Array.of(3, 4));
  assert.equal(queue.queuedBytes, 4);
  writer.release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  writer.release();
  await queue.drained();
  assert.deepEqual(writer.writes, [Uint8Array.of(1), Uint8Array.of(2, 3, 4)]);
  assert.equal(queue.queuedBytes, 0);
});

Deno.test("OutboundQueue calls onOverflow once past the limit and drops what is queued", () => {
  const writer = stalledWriter();
  let overflows = 0;
  const queue = new OutboundQueue(writer.write, 10, () => overflows++, () => assert.fail("error"));
  queue.push(new Uint8Array(6));
  queue.push(new Uint8Array(4));
  assert.equal(overflows, 0, "exactly at the limit is allowed");
  queue.push(new Uint8Array(1));
  queue.push(new Uint8Array(1));
  assert.equal(overflows, 1);
  assert.equal(writer.writes.length, 1, "nothing more is written after overflow");
});

Deno.test("OutboundQueue reports a failed write and stops", async () => {
  const errors: unknown[] = [];
  const queue = new OutboundQueue(() => Promise.reject(new Error("gone")), 100, () => {}, (e) => errors.push(e));
  queue.push(Uint8Array.of(1));
  await queue.drained();
  queue.push(Uint8Array.of(2));
  await queue.drained();
  assert.equal(errors.length, 1);
});

Deno.test("OutboundQueue over a shared budget drops a queue past its fair share and keeps one below it", () => {
  const budget = new OutboundBudget(FAIR_SHARE_BYTES * 2);
  const slow = stalledWriter();
  const fast = stalledWriter();
  let slowOverflows = 0;
  const slowQueue = new OutboundQueue(slow.write, 1 << 30, () => slowOverflows++, () => {}, budget);
  const fastQueue = new OutboundQueue(
    fast.write,
    1 << 30,
    () => assert.fail("the small queue overflowed"),
    () => {},
    budget,
  );
  slowQueue.push(new Uint8Array(FAIR_SHARE_BYTES));
  slowQueue.push(new Uint8Array(FAIR_SHARE_BYTES));
  assert.equal(budget.queued, 2 * FAIR_SHARE_BYTES);
  fastQueue.push(new Uint8Array(100)); // over the budget, but this queue holds little: it stays
  assert.equal(slowOverflows, 0);
  slowQueue.push(new Uint8Array(1)); // over the budget and over its fair share: it goes
  assert.equal(slowOverflows, 1);
  assert.equal(
    budget.queued,
    FAIR_SHARE_BYTES + 100,
    "what the dropped queue held is given back, but for the write in flight",
  );
});

Deno.test("OutboundQueue gives its bytes back to the shared budget once written", async () => {
  const budget = new OutboundBudget(1 << 20);
  const writer = stalledWriter();
  const queue = new OutboundQueue(writer.write, 1 << 20, () => assert.fail("overflow"), () => {}, budget);
  queue.push(new Uint8Array(10));
  queue.push(new Uint8Array(20));
  assert.equal(budget.queued, 30);
  writer.release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  writer.release();
  await queue.drained();
  assert.equal(budget.queued, 0);
});
