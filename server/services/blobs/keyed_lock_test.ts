// Tests of KeyedLock: one holder per key in arrival order, keys independent, release on failure, idle keys forgotten.

import assert from "node:assert/strict";
import { KeyedLock } from "./keyed_lock.ts";

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => open = resolve);
  return { promise, open };
}

Deno.test("KeyedLock runs the holders of one key one at a time, in the order they came", async () => {
  const locks = new KeyedLock<string>();
  const order: string[] = [];
  const first = gate();
  const a = locks.run("k", async () => {
    await first.promise;
    order.push("a");
  });
  const b = locks.run("k", () => order.push("b"));
  const c = locks.run("k", () => order.push("c"));
  await Promise.resolve();
  assert.deepEqual(order, []);
  first.open();
  await Promise.all([a, b, c]);
  assert.deepEqual(order, ["a", "b", "c"]);
});

Deno.test("KeyedLock lets another key run while one is held", async () => {
  const locks = new KeyedLock<number>();
  const held = gate();
  const slow = locks.run(1, () => held.promise);
  assert.equal(await locks.run(2, () => "other"), "other");
  held.open();
  await slow;
});

Deno.test("KeyedLock releases a key whose holder throws, and passes the rejection on", async () => {
  const locks = new KeyedLock<number>();
  await assert.rejects(locks.run(1, () => Promise.reject(new Error("boom"))), /boom/);
  await assert.rejects(
    locks.run(1, () => {
      throw new Error("sync boom");
    }),
    /sync boom/,
  );
  assert.equal(await locks.run(1, () => 5), 5);
});

Deno.test("KeyedLock forgets a key once nobody holds or waits for it", async () => {
  const locks = new KeyedLock<number>();
  const held = gate();
  const a = locks.run(1, () => held.promise);
  const b = locks.run(1, () => undefined);
  assert.equal(locks.size, 1);
  held.open();
  await Promise.all([a, b]);
  assert.equal(locks.size, 0);
});
