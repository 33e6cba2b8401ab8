// Tests of the group commit: one transaction per tick, acknowledgements after the commit, failures kept apart.

import assert from "node:assert/strict";
import { GroupCommit, type Outcome } from "./group_commit.ts";

/** A promise with its resolver, to hold a commit open until the test lets go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => open = resolve);
  return { promise, open };
}

/** Lets every pending promise reaction and timer run once. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("GroupCommit: N items submitted in one tick are committed as one batch, in order", async () => {
  const batches: number[][] = [];
  const batcher = new GroupCommit<number, string>((items) => {
    batches.push([...items]);
    return Promise.resolve(items.map((n) => ({ ok: true, value: `#${n}` })));
  });
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => batcher.submit(i)));
  assert.deepEqual(batches, [Array.from({ length: 50 }, (_, i) => i)]);
  assert.deepEqual(results, Array.from({ length: 50 }, (_, i) => `#${i}`));
});

Deno.test("GroupCommit: no promise resolves before its batch's commit has finished", async () => {
  const commit = gate();
  let committed = false;
  const batcher = new GroupCommit<number, number>(async (items) => {
    await commit.promise;
    committed = true;
    return items.map((n) => ({ ok: true, value: n }));
  });
  const settled: number[] = [];
  const all = [1, 2, 3].map((n) => batcher.submit(n).then((value) => settled.push(value)));
  await settle();
  await settle();
  assert.deepEqual(settled, [], "nothing is acknowledged while the transaction is open");
  commit.open();
  await Promise.all(all);
  assert.equal(committed, true);
  assert.deepEqual(settled, [1, 2, 3]);
});

Deno.test("GroupCommit: one failing item rejects alone and the others of its batch resolve", async () => {
  const batcher = new GroupCommit<number, number>((items) =>
    Promise.resolve(items.map((n): Outcome<number> =>
      n === 2 ? { ok: false, error: new RangeError("two") } : {
        ok: true,
        value: n * 10,
      }
    ))
  );
  const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
  assert.deepEqual([results[0], results[2]].map((r) => r.status === "fulfilled" && r.value), [10, 30]);
  assert.ok(results[1].status === "rejected" && results[1].reason instanceof RangeError);
});

Deno.test("GroupCommit: a failed commit rejects every item of its batch with its error, and the next batch runs", async () => {
  let calls = 0;
  const failure = new Error("disk full");
  const batcher = new GroupCommit<number, number>((items) => {
    calls++;
    return calls === 1 ? Promise.reject(failure) : Promise.resolve(items.map((n) => ({ ok: true, value: n })));
  });
  const first = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
  assert.deepEqual(first.map((r) => r.status === "rejected" && r.reason), [failure, failure]);
  assert.equal(await batcher.submit(3), 3);
});

Deno.test("GroupCommit: items submitted while a batch commits go together into the next one", async () => {
  const commit = gate();
  const batches: number[][] = [];
  const batcher = new GroupCommit<number, number>(async (items) => {
    batches.push([...items]);
    if (batches.length === 1) await commit.promise;
    return items.map((n) => ({ ok: true, value: n }));
  });
  const first = batcher.submit(1);
  await settle();
  const later = [2, 3, 4].map((n) => batcher.submit(n));
  await settle();
  assert.deepEqual(batches, [[1]], "the second batch waits for the first");
  commit.open();
  await Promise.all([first, ...later]);
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
});

Deno.test("GroupCommit: with exclusive, the batch is taken once the lock is held, with what came while it waited", async () => {
  const batches: number[][] = [];
  const held = gate();
  const batcher = new GroupCommit<number, number>((items) => {
    batches.push([...items]);
    return Promise.resolve(items.map((n) => ({ ok: true, value: n })));
  }, { exclusive: (fn) => held.promise.then(fn) });
  const first = batcher.submit(1);
  await settle();
  const second = batcher.submit(2);
  await settle();
  assert.deepEqual(batches, [], "nothing is taken before the lock is held");
  held.open();
  assert.deepEqual(await Promise.all([first, second]), [1, 2]);
  assert.deepEqual(batches, [[1, 2]]);
});

Deno.test("GroupCommit: a queue larger than maxBatch is committed in several batches, in order", async () => {
  const sizes: number[] = [];
  const batcher = new GroupCommit<number, number>(
    (items) => Promise.resolve(items.map((n) => ({ ok: true, value: n }))),
    { maxBatch: 4, onBatch: (size) => sizes.push(size) },
  );
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(i)));
  assert.deepEqual(sizes, [4, 4, 2]);
  assert.deepEqual(results, Array.from({ length: 10 }, (_, i) => i));
});

Deno.test("GroupCommit: flush() commits what is queued without waiting for the scheduled turn", async () => {
  const scheduled: (() => void)[] = [];
  const batcher = new GroupCommit<number, number>(
    (items) => Promise.resolve(items.map((n) => ({ ok: true, value: n }))),
    { schedule: (run) => scheduled.push(run) },
  );
  const pending = [batcher.submit(1), batcher.submit(2)];
  assert.equal(scheduled.length, 1);
  await batcher.flush();
  assert.deepEqual(await Promise.all(pending), [1, 2]);
  scheduled[0](); // The turn that was scheduled finds nothing left to do.
  await batcher.flush();
});

Deno.test("GroupCommit: a commit answering the wrong number of outcomes fails its batch", async () => {
  const batcher = new GroupCommit<number, number>(() => Promise.resolve([]));
  await assert.rejects(batcher.submit(1), TypeError);
});

Deno.test("GroupCommit rejects a maxBatch that is not a whole number from 1", () => {
  for (const maxBatch of [0, -1, 1.5, NaN]) {
    assert.throws(() => new GroupCommit(() => Promise.resolve([]), { maxBatch }), RangeError);
  }
});
