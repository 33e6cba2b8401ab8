// RegistrationLimiter against a fake clock: token buckets per address (IPv6 /64) and for the server.

import assert from "node:assert/strict";
import { RegistrationLimiter } from "./registration_limit.ts";

const A = "192.0.2.1";
const B = "198.51.100.7";
const HOUR = 3_600_000;

function fakeClock(perAddressPerHour: number, perHour: number, maxAddresses?: number) {
  const clock = { now: 1_700_000_000_000 };
  const limiter = new RegistrationLimiter({ perAddressPerHour, perHour }, () => clock.now, maxAddresses);
  return { clock, limiter };
}

Deno.test("RegistrationLimiter lets an address create its hourly number at once, then one per share of the hour", () => {
  const { clock, limiter } = fakeClock(3, 600);
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.waitMs(A), 0, `account ${i + 1}`);
    limiter.charge(A);
  }
  assert.equal(limiter.waitMs(A), HOUR / 3, "the 4th waits for a third of an hour");
  assert.equal(limiter.waitMs(B), 0, "another address is not limited");
  clock.now += HOUR / 3 - 1;
  assert.equal(limiter.waitMs(A), 1);
  clock.now += 1;
  assert.equal(limiter.waitMs(A), 0);
  limiter.charge(A);
  assert.equal(limiter.waitMs(A), HOUR / 3);
});

Deno.test("RegistrationLimiter refills to the hourly number and no further", () => {
  const { clock, limiter } = fakeClock(2, 600);
  limiter.charge(A);
  clock.now += 10 * HOUR;
  for (let i = 0; i < 2; i++) {
    assert.equal(limiter.waitMs(A), 0);
    limiter.charge(A);
  }
  assert.equal(limiter.waitMs(A), HOUR / 2, "a long pause saved up no more than 2");
});

Deno.test("RegistrationLimiter counts every address of one IPv6 /64 as one", () => {
  const { limiter } = fakeClock(1, 600);
  limiter.charge("2001:db8:5:6::1");
  assert.equal(limiter.waitMs("2001:db8:5:6:ffff::2"), HOUR);
  assert.equal(limiter.waitMs("2001:db8:5:7::1"), 0);
});

Deno.test("RegistrationLimiter limits all addresses together by the global rate", () => {
  const { clock, limiter } = fakeClock(60, 4);
  for (const address of ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]) {
    assert.equal(limiter.waitMs(address), 0);
    limiter.charge(address);
  }
  assert.equal(limiter.waitMs("10.0.0.5"), HOUR / 4, "a fresh address waits for the server's bucket");
  clock.now += HOUR / 4;
  assert.equal(limiter.waitMs("10.0.0.5"), 0);
});

Deno.test("RegistrationLimiter only counts what is charged: asking does not use a token", () => {
  const { limiter } = fakeClock(1, 1);
  for (let i = 0; i < 100; i++) assert.equal(limiter.waitMs(A), 0);
  limiter.charge(A);
  assert.equal(limiter.waitMs(A), HOUR);
});

Deno.test("RegistrationLimiter keeps at most maxAddresses buckets, forgetting full ones first", () => {
  const { clock, limiter } = fakeClock(2, 1_000_000, 10);
  limiter.charge(A);
  limiter.charge(A);
  clock.now += HOUR; // A is full again: a bucket that may be forgotten
  limiter.charge(B);
  limiter.charge(B);
  for (let i = 0; i < 9; i++) limiter.charge(`10.1.0.${i}`);
  assert.ok(limiter.waitMs(B) > 0, "B, empty and charged recently, is still counted");
  for (let i = 0; i < 1000; i++) limiter.charge(`10.2.${i >> 8}.${i & 255}`);
  assert.equal(limiter.waitMs("10.2.3.231"), 0, "the newest address has a token left");
});

Deno.test("RegistrationLimiter refuses rates that are not positive integers with RangeError", () => {
  assert.throws(() => new RegistrationLimiter({ perAddressPerHour: 0, perHour: 10 }), RangeError);
  assert.throws(() => new RegistrationLimiter({ perAddressPerHour: 1, perHour: 1.5 }), RangeError);
  assert.throws(() => new RegistrationLimiter({ perAddressPerHour: 1, perHour: 1 }, Date.now, 0), RangeError);
});
