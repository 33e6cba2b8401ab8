// LoginThrottle against a fake clock: the back-off per (account, address), per address and per account, decay,
// exemptions and bounds (PROTOCOL.md §10.7).

import assert from "node:assert/strict";
import { DEFAULT_THROTTLE_RULES, LoginThrottle, type ThrottleRules } from "./throttle.ts";

const A = "192.0.2.1";
const B = "198.51.100.7";

const MINUTE = 60_000;

/** A throttle whose clock only moves when the test says so. */
function fakeClock(rules: Partial<ThrottleRules> = {}) {
  const clock = { now: 1_700_000_000_000 };
  const throttle = new LoginThrottle({ ...DEFAULT_THROTTLE_RULES, ...rules }, () => clock.now);
  return { clock, throttle };
}

/** `n` distinct IPv4 addresses. */
function addresses(n: number, prefix = "203.0"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}.${i >> 8}.${i & 255}`);
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

Deno.test("LoginThrottle does not slow the same account from another address below the account-wide threshold", () => {
  const { throttle } = fakeClock();
  for (let i = 0; i < 9; i++) throttle.fail("alice", A);
  assert.ok(throttle.waitMs("alice", A) > 0);
  assert.equal(throttle.waitMs("alice", B), 0, "the real user elsewhere is not slowed by 9 failures");
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

Deno.test("LoginThrottle counts every address of one IPv6 /64 as one address, for the pair and the address", () => {
  const { throttle } = fakeClock();
  for (let i = 1; i <= 3; i++) throttle.fail("alice", `2001:db8:1:2::${i}`);
  assert.equal(throttle.waitMs("alice", "2001:db8:1:2:ffff:ffff:ffff:ffff"), 1000, "the pair counts the /64");
  assert.equal(throttle.waitMs("alice", "2001:db8:1:3::1"), 0, "the next /64 is another address");
  for (let i = 0; i < 17; i++) throttle.fail(`user${i}`, `2001:db8:1:2:${i.toString(16)}::9`);
  assert.equal(throttle.waitMs("fresh", "2001:db8:1:2:abcd::1"), 1000, "20 failures from the /64");
  assert.equal(throttle.addressWaitMs("[2001:db8:1:2::77]"), 1000);
});

Deno.test("LoginThrottle slows an account after 10 failures from any addresses: 1 s, doubling, capped at 15 minutes", () => {
  const { clock, throttle } = fakeClock();
  const many = addresses(40);
  for (let i = 0; i < 9; i++) throttle.fail("alice", many[i]);
  assert.equal(throttle.waitMs("alice", many[30]), 0, "9 failures are free");
  throttle.fail("alice", many[9]);
  assert.equal(throttle.waitMs("alice", many[30]), 1000, "the 11th attempt waits, from an address never seen");
  assert.equal(throttle.waitMs("bob", many[30]), 0, "other accounts are not slowed");
  for (const [i, expected] of [[10, 2000], [11, 4000], [12, 8000]]) {
    clock.now += throttle.waitMs("alice", many[i]);
    throttle.fail("alice", many[i]);
    assert.equal(throttle.waitMs("alice", many[30]), expected);
  }
  for (let i = 13; i < 25; i++) {
    clock.now += throttle.waitMs("alice", many[i]);
    throttle.fail("alice", many[i]);
  }
  assert.equal(throttle.waitMs("alice", many[30]), 15 * MINUTE, "never more than 15 minutes");
  clock.now += 15 * MINUTE;
  assert.equal(throttle.waitMs("alice", many[30]), 0, "never a lock-out: the next attempt is allowed");
});

Deno.test("LoginThrottle exempts addresses the account logged in from before from the account-wide wait", () => {
  const { throttle } = fakeClock();
  throttle.fail("alice", A);
  throttle.succeed("alice", A);
  throttle.fail("alice", "2001:db8:7:7::1");
  throttle.succeed("alice", "2001:db8:7:7::1");
  for (const address of addresses(30)) throttle.fail("alice", address);
  assert.ok(throttle.waitMs("alice", B) > 0, "a new address waits");
  assert.equal(throttle.waitMs("alice", A), 0, "the real user's address does not");
  assert.equal(throttle.waitMs("alice", "2001:db8:7:7:1234::5"), 0, "nor another address of its IPv6 /64");
  assert.ok(throttle.waitMs("bob", B) === 0 && throttle.waitMs("alice", "2001:db8:7:8::1") > 0);
});

Deno.test("LoginThrottle keeps the pair and address counts for a known address", () => {
  const { throttle } = fakeClock();
  throttle.fail("alice", A);
  throttle.succeed("alice", A);
  for (let i = 0; i < 3; i++) throttle.fail("alice", A);
  assert.equal(throttle.waitMs("alice", A), 1000, "a guesser behind the user's own address is still slowed");
});

Deno.test("LoginThrottle.succeed takes back one account-wide failure, not the guessers' ones", () => {
  const { throttle } = fakeClock();
  for (const address of addresses(12)) throttle.fail("alice", address);
  assert.equal(throttle.waitMs("alice", B), 4000, "12 failures: 2^(12-10) s");
  throttle.fail("alice", A); // the real user's attempt, from a known address
  throttle.succeed("alice", A);
  assert.equal(throttle.waitMs("alice", B), 4000, "still 12: the guessers gain nothing from the real user's login");
});

Deno.test("LoginThrottle remembers at most 8 addresses per account, forgetting the one used least recently", () => {
  const { throttle } = fakeClock();
  const known = addresses(9, "198.18");
  throttle.succeed("alice", known[0]);
  for (const address of known.slice(1)) throttle.succeed("alice", address);
  for (const address of addresses(20)) throttle.fail("alice", address);
  assert.ok(throttle.waitMs("alice", known[0]) > 0, "the oldest of 9 was forgotten");
  for (const address of known.slice(1)) assert.equal(throttle.waitMs("alice", address), 0, address);
  throttle.succeed("alice", known[1]); // used again: now the most recent
  throttle.succeed("alice", known[0]); // remembered again, pushing out known[2]
  assert.equal(throttle.waitMs("alice", known[1]), 0);
  assert.ok(throttle.waitMs("alice", known[2]) > 0);
});

Deno.test("LoginThrottle forgives one failure per 15 minutes without a failure", () => {
  const { clock, throttle } = fakeClock();
  for (let i = 0; i < 5; i++) throttle.fail("alice", A);
  assert.equal(throttle.waitMs("alice", A), 4000, "5 failures: 2^(5-3) s");
  clock.now += 30 * MINUTE - 1;
  throttle.fail("alice", A);
  assert.equal(throttle.waitMs("alice", A), 4000, "29:59 forgave one: 4 + 1 = 5 failures");
  clock.now += 30 * MINUTE;
  throttle.fail("alice", A);
  assert.equal(throttle.waitMs("alice", A), 2000, "30 minutes forgave two: 5 - 2 + 1 = 4 failures");
  clock.now += 4 * 15 * MINUTE;
  for (let i = 0; i < 2; i++) throttle.fail("alice", A);
  assert.equal(throttle.waitMs("alice", A), 0, "an hour forgave all four: two fresh failures are free");
});

Deno.test("LoginThrottle forgives address and account counts the same way", () => {
  const { clock, throttle } = fakeClock();
  for (const address of addresses(12)) throttle.fail("alice", address);
  for (let i = 0; i < 20; i++) throttle.fail(`user${i}`, A);
  assert.ok(throttle.waitMs("alice", B) > 0 && throttle.addressWaitMs(A) > 0);
  clock.now += 3 * 15 * MINUTE;
  throttle.fail("alice", B);
  assert.equal(throttle.waitMs("alice", "192.0.2.99"), 1000, "12 - 3 + 1 = 10 account failures");
  for (let i = 0; i < 2; i++) throttle.failAddress(A);
  assert.equal(throttle.addressWaitMs(A), 0, "20 - 3 + 2 = 19 address failures are free");
  throttle.failAddress(A);
  assert.equal(throttle.addressWaitMs(A), 1000, "the 20th counts again");
});

Deno.test("LoginThrottle holds a guesser at the cap to one attempt per 15 minutes", () => {
  const { clock, throttle } = fakeClock();
  for (let i = 0; i < 13; i++) {
    clock.now += throttle.waitMs("alice", A);
    throttle.fail("alice", A);
  }
  const start = clock.now;
  let attempts = 0;
  while (clock.now - start < 24 * 60 * MINUTE) {
    clock.now += Math.max(1, throttle.waitMs("alice", A));
    throttle.fail("alice", A);
    attempts++;
  }
  assert.equal(attempts, 96, "24 hours at one attempt per 15 minutes");
});

Deno.test("register probes and login failures share one address budget", () => {
  const { throttle } = fakeClock();
  for (let i = 0; i < 10; i++) throttle.fail(`user${i}`, A);
  for (let i = 0; i < 9; i++) throttle.failAddress(A);
  assert.equal(throttle.addressWaitMs(A), 0, "19 failures are free");
  throttle.failAddress(A);
  assert.equal(throttle.addressWaitMs(A), 1000);
  assert.equal(throttle.waitMs("fresh", A), 1000, "and the address's logins wait too");
  assert.equal(throttle.addressWaitMs(B), 0);
});

Deno.test("LoginThrottle keeps every table within maxEntries under a flood of distinct keys", () => {
  const { throttle } = fakeClock({ maxEntries: 50 });
  const flood = addresses(5000);
  flood.forEach((address, i) => {
    throttle.fail(`name${i}`, address);
    throttle.succeed(`name${i}`, address);
    throttle.fail(`other${i}`, address);
  });
  const sizes = throttle.sizes();
  for (const [table, size] of Object.entries(sizes)) assert.ok(size <= 50, `${table}: ${size}`);
  // The tables forget the least recently counted entries: the latest failures are still counted.
  for (let i = 0; i < 2; i++) throttle.fail("victim", A);
  for (let i = 0; i < 40; i++) throttle.fail(`late${i}`, B);
  throttle.fail("victim", A);
  assert.equal(throttle.waitMs("victim", A), 1000);
});

Deno.test("LoginThrottle refuses rules out of range with RangeError", () => {
  for (
    const rules of [
      { pairFree: -1 },
      { baseWaitMs: 0 },
      { maxWaitMs: 500 },
      { forgiveMs: 60_000 },
      { knownAddresses: 1.5 },
      { maxEntries: 0 },
    ]
  ) {
    assert.throws(() => new LoginThrottle({ ...DEFAULT_THROTTLE_RULES, ...rules }), RangeError, JSON.stringify(rules));
  }
});
