import assert from "node:assert/strict";
import { Backoff, backoffCeiling, backoffPolicy, fullJitterDelay } from "./backoff.ts";

Deno.test("backoffCeiling() doubles from the base and stops at the cap", () => {
  const policy = backoffPolicy({ baseMs: 1000, capMs: 10_000 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffCeiling(n, policy)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
  assert.equal(backoffCeiling(5000, policy), 10_000, "a huge attempt count stays at the cap");
});

Deno.test("backoffCeiling() throws a RangeError for an attempt below 1 or not whole", () => {
  const policy = backoffPolicy();
  assert.throws(() => backoffCeiling(0, policy), RangeError);
  assert.throws(() => backoffCeiling(1.5, policy), RangeError);
});

Deno.test("fullJitterDelay() spreads over [0, ceiling) by the injected random", () => {
  const at = (r: number) => fullJitterDelay(3, backoffPolicy({ baseMs: 1000, random: () => r }));
  assert.equal(at(0), 0);
  assert.equal(at(0.5), 2000);
  assert.equal(at(0.999999), 3999);
});

Deno.test("fullJitterDelay() throws a RangeError when random leaves [0, 1)", () => {
  for (const r of [1, -0.1, NaN]) {
    assert.throws(() => fullJitterDelay(1, backoffPolicy({ random: () => r })), RangeError);
  }
});

Deno.test("backoffPolicy() fills in defaults", () => {
  const policy = backoffPolicy();
  assert.equal(policy.baseMs, 1000);
  assert.equal(policy.capMs, 30_000);
  assert.equal(policy.multiplier, 2);
  assert.equal(policy.random, Math.random);
});

Deno.test("backoffPolicy() rejects out-of-range options with sentence-case RangeErrors", () => {
  const cases: [Parameters<typeof backoffPolicy>[0], RegExp][] = [
    [{ baseMs: 0 }, /^Cannot back off as 'baseMs' must be a positive finite number: current value is 0$/],
    [{ baseMs: Infinity }, /'baseMs'/],
    [{ baseMs: NaN }, /'baseMs'/],
    [{ baseMs: 2000, capMs: 1000 }, /^Cannot back off as 'capMs' must be finite .*'baseMs=2000', 'capMs=1000'$/],
    [{ capMs: Infinity }, /'capMs'/],
    [{ multiplier: 0.5 }, /^Cannot back off as 'multiplier' must be at least 1: current value is 0.5$/],
    [{ multiplier: NaN }, /'multiplier'/],
  ];
  for (const [options, message] of cases) assert.throws(() => backoffPolicy(options), { name: "RangeError", message });
  assert.throws(() => backoffPolicy({ random: 3 as unknown as () => number }), TypeError);
});

Deno.test("Backoff grows with each failure and starts over after reset()", () => {
  const backoff = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0.5 });
  assert.deepEqual([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()], [
    50,
    100,
    200,
    400,
    500,
  ]);
  assert.equal(backoff.attempt, 5);
  backoff.reset();
  assert.equal(backoff.attempt, 0);
  assert.equal(backoff.next(), 50);
});

Deno.test("Backoff does not count an attempt whose delay could not be drawn", () => {
  let r = 1;
  const backoff = new Backoff({ random: () => r });
  assert.throws(() => backoff.next(), RangeError);
  assert.equal(backoff.attempt, 0);
  r = 0;
  assert.equal(backoff.next(), 0);
  assert.equal(backoff.attempt, 1);
});
