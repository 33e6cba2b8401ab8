// LoginThrottle against a fake clock: the back-off per (account, address) and per address (PROTOCOL.md §10.7).

import assert from "node:assert/strict";
import { DEFAULT_THROTTLE_RULES, LoginThrottle } from "./throttle.ts";

const A = "192.0.2.1";
const B = "198.51.100.7";

/** A throttle whose clock only moves when the test says so. */
function fakeClock() {
  const clock = { now: 1_700_000_000_000 };
  const throttle = new LoginThrottle(DEFAULT_THROTTLE_RULES, () => clock.now);
  return { clock, throttle };
}

Deno.test("LoginThrottle lets three failures for a pair through, then the next attempt waits 1 s", () => {
  const { throttle } = fakeClock();
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.waitMs("alice", A), 0, `attempt ${i + 1} is free`);
    throttle.fail("alice", A);
  }
  assert.equal(throttle.waitMs("alice", A), 1000);
});

Deno.test("LoginThrottle doubles the wait with every further failure: 1 s, 2 s, 4 s, 8 s", () => {
  const { clock, throttle } = fakeClock();
  for (let i = 0; i < 3; i++) throttle.fail("alice", A);
  for (const expected of [1000, 2000, 4000, 8000]) {
    assert.equal(throttle.waitMs("alice", A), expected);
    clock.now += expected;
    assert.equal(throttle.waitMs("alice", A), 0, "allowed once the wait is over");
    throttle.fail("alice", A);
  }
  assert.equal(throttle.waitMs("alice", A), 16_000);
});

Deno.test("LoginThrottle counts the wait down from the last failure", () => {
  const { clock, throttle } = fakeClock();
  for (let i = 0; i < 4; i++) throttle.fail("alice", A);
  assert.equal(throttle.waitMs("alice", A), 2000);
  clock.now += 1500;
  assert.equal(throttle.waitMs("alice", A), 500);
  clock.now += 499;
  assert.equal(throttle.waitMs("alice", A), 1);
  clock.now += 1;
  assert.equal(throttle.waitMs("alice", A), 0);
});

Deno.test("LoginThrottle caps the wait at 15 minutes", () => {
  const { clock, throttle } = fakeClock();
  // 3 free failures, then 2^10 s = 1024 s would exceed the cap of 900 s.
  for (let i = 0; i < 13; i++) {
    clock.now += throttle.waitMs("alice", A);
    throttle.fail("alice", A);
  }
  assert.equal(throttle.waitMs("alice", A), 15 * 60_000);
  clock.now += 15 * 60_000;
  throttle.fail("alice", A);
  assert.equal(throttle.waitMs("alice", A), 15 * 60_000, "still capped one failure later");
});

Deno.test("LoginThrottle does not slow the same account from another address", () => {
  const { throttle } = fakeClock();
  for (let i = 0; i < 10; i++) throttle.fail("alice", A);
  assert.ok(throttle.waitMs("alice", A) > 0);
  assert.equal(throttle.waitMs("alice", B), 0, "the real user elsewhere is not locked out");
  assert.equal(throttle.waitMs("bob", A), 0, "another account from the guesser's address is not slowed yet");
});

Deno.test("LoginThrottle slows an address after 20 failures across accounts, and that address only", () => {
  const { clock, throttle } = fakeClock();
  for (let i = 0; i < 19; i++) throttle.fail(`user${i}`, A);
  assert.equal(throttle.waitMs("fresh", A), 0, "19 failures are free");
  throttle.fail("user19", A);
  assert.equal(throttle.waitMs("fresh", A), 1000, "the 21st attempt, on an account never tried, waits");
  assert.equal(throttle.waitMs("fresh", B), 0);
  clock.now += 1000;
  throttle.fail("user20", A);
  assert.equal(throttle.waitMs("another", A), 2000, "and the address wait doubles too");
});

Deno.test("LoginThrottle.succeed clears the pair and takes back the attempt's address failure", () => {
  const { throttle } = fakeClock();
  for (let i = 0; i < 3; i++) throttle.fail("alice", A);
  assert.equal(throttle.waitMs("alice", A), 1000);
  throttle.succeed("alice", A);
  assert.equal(throttle.waitMs("alice", A), 0);
  // The address kept 2 of its 3 failures: 18 more reach the limit of 20, 17 do not.
  for (let i = 0; i < 17; i++) throttle.fail(`user${i}`, A);
  assert.equal(throttle.waitMs("fresh", A), 0);
  throttle.fail("user17", A);
  assert.equal(throttle.waitMs("fresh", A), 1000);
});

Deno.test("LoginThrottle.succeed on a clean pair leaves other pairs alone", () => {
  const { throttle } = fakeClock();
  for (let i = 0; i < 3; i++) throttle.fail("alice", A);
  throttle.succeed("bob", A);
  throttle.succeed("alice", B);
  assert.equal(throttle.waitMs("alice", A), 1000);
});
