// Tests for the fake clock that drives the server's deadlines in tests.

import assert from "node:assert/strict";
import { FakeClock } from "./clock.ts";

Deno.test("FakeClock.tick() runs due timers in order of due time, with now() at each one's time", () => {
  const clock = new FakeClock(1000);
  const seen: [string, number][] = [];
  clock.setTimeout(() => seen.push(["b", clock.now()]), 20);
  clock.setTimeout(() => seen.push(["a", clock.now()]), 10);
  clock.setTimeout(() => seen.push(["c", clock.now()]), 30);
  clock.tick(25);
  assert.deepEqual(seen, [["a", 1010], ["b", 1020]]);
  assert.equal(clock.now(), 1025);
  assert.equal(clock.pending, 1);
});

Deno.test("FakeClock.tick() runs timers that timers set, when they fall due within the tick", () => {
  const clock = new FakeClock(0);
  const seen: number[] = [];
  const again = () => {
    seen.push(clock.now());
    clock.setTimeout(again, 100);
  };
  clock.setTimeout(again, 100);
  clock.tick(350);
  assert.deepEqual(seen, [100, 200, 300]);
});

Deno.test("FakeClock.clearTimeout() cancels a timer, and tick() refuses to go backwards", () => {
  const clock = new FakeClock(0);
  let fired = false;
  const handle = clock.setTimeout(() => fired = true, 5);
  clock.clearTimeout(handle);
  clock.tick(10);
  assert.equal(fired, false);
  assert.throws(() => clock.tick(-1), RangeError);
});
