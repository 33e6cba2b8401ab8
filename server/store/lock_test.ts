// Tests of AsyncLock: one holder at a time, first come first served, released whatever the holder does.

import assert from "node:assert/strict";
import { AsyncLock } from "./lock.ts";

/** A promise with its resolver, to hold a lock open until the test lets go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => open = resolve);
  return { promise, open };
}

Deno.test("AsyncLock.run() starts a holder only after the one before it has settled", async () => {
  const lock = new AsyncLock();
  const events: string[] = [];
  const first = gate();
  const a = lock.run(async () => {
    events.push("a start");
    await first.promise;
    events.push("a end");
    return "a";
  });
  const b = lock.run(() => {
    events.push("b");
    return "b";
  });
  // Let every pending reaction run: b must still be waiting for a.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(events, ["a start"]);
  first.open();
  assert.deepEqual(await Promise.all([a, b]), ["a", "b"]);
  assert.deepEqual(events, ["a start", "a end", "b"]);
});

Deno.test("AsyncLock.run() serves holders in the order they asked", async () => {
  const lock = new AsyncLock();
  const order: number[] = [];
  await Promise.all(Array.from({ length: 20 }, (_, i) =>
    lock.run(async () => {
      if (i % 3 === 0) await Promise.resolve();
      order.push(i);
    })));
  assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => i));
});

Deno.test("AsyncLock.run() passes on a holder's rejection or throw and releases the lock", async () => {
  const lock = new AsyncLock();
  const boom = new Error("boom");
  await assert.rejects(lock.run(() => Promise.reject(boom)), (err) => err === boom);
  await assert.rejects(
    lock.run(() => {
      throw boom;
    }),
    (err) => err === boom,
  );
  assert.equal(await lock.run(() => 7), 7);
});
