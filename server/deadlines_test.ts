// Tests for the one sweep that checks every connection's deadlines.

import assert from "node:assert/strict";
import { FakeClock } from "../core/time/clock.ts";
import { Deadlines, SWEEP_INTERVAL_MS } from "./deadlines.ts";

Deno.test("Deadlines checks every watched item once per sweep, with the time of the sweep", () => {
  const clock = new FakeClock(0);
  const deadlines = new Deadlines(clock);
  const seen: number[] = [];
  deadlines.add({ check: (now) => seen.push(now) });
  deadlines.add({ check: (now) => seen.push(-now) });
  clock.tick(2 * SWEEP_INTERVAL_MS);
  assert.deepEqual(seen, [250, -250, 500, -500]);
  deadlines.stop();
});

Deno.test("Deadlines lets an item leave during a sweep, and leaves no timer once nothing is watched", () => {
  const clock = new FakeClock(0);
  const deadlines = new Deadlines(clock);
  const item = { check: () => deadlines.delete(item) };
  deadlines.add(item);
  clock.tick(SWEEP_INTERVAL_MS);
  assert.equal(deadlines.size, 0);
  assert.equal(clock.pending, 0, "an idle server has no pending timer");
  deadlines.add({ check: () => {} });
  assert.equal(clock.pending, 1, "watching again arms the sweep");
  deadlines.stop();
  assert.equal(clock.pending, 0);
});

Deno.test("Deadlines looks at an item again when its check said, not on every sweep", () => {
  const clock = new FakeClock(0);
  const deadlines = new Deadlines(clock);
  const seen: number[] = [];
  deadlines.add({ check: (now) => (seen.push(now), now + 1000) });
  clock.tick(3 * SWEEP_INTERVAL_MS + 1000);
  assert.deepEqual(seen, [250, 1250]);
  deadlines.stop();
});

Deno.test("Deadlines rechecks a watched item on the next sweep, and ignores one no longer watched", () => {
  const clock = new FakeClock(0);
  const deadlines = new Deadlines(clock);
  const seen: number[] = [];
  const item = { check: (now: number) => (seen.push(now), now + 60_000) };
  deadlines.add(item);
  clock.tick(SWEEP_INTERVAL_MS);
  deadlines.recheck(item);
  clock.tick(SWEEP_INTERVAL_MS);
  assert.deepEqual(seen, [250, 500]);
  deadlines.delete(item);
  deadlines.recheck(item);
  assert.equal(deadlines.size, 0);
  assert.equal(clock.pending, 1, "the armed sweep finds nothing and stops");
  clock.tick(SWEEP_INTERVAL_MS);
  assert.equal(clock.pending, 0);
  deadlines.stop();
});
