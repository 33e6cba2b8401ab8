// Registration rate limits: a token bucket per address and one for the whole server (PROTOCOL.md §10.2).

import { addressKey } from "../../address_key.ts";

/** How many accounts may be created per hour. */
export interface RegistrationRates {
  /** From one address (IPv6: one /64); also the burst one address may use at once. */
  perAddressPerHour: number;
  /** In total; also the burst all addresses together may use at once. */
  perHour: number;
}

interface Bucket {
  /** Tokens times HOUR_MS. */
  units: number;
  at: number;
}

const HOUR_MS = 3_600_000;

/**
 * Two token buckets that refill continuously: one per address key, holding at most `perAddressPerHour` tokens, and one
 * for the server, holding at most `perHour`. A registration may start while both hold a whole token, and takes one from
 * each once the account exists. Buckets start full.
 *
 * Address buckets are only made by `charge`, which the global bucket limits, so the table stays small; it is bounded
 * anyway: full buckets are forgotten first, then the oldest.
 */
export class RegistrationLimiter {
  readonly #addresses = new Map<string, Bucket>();
  #global: Bucket;
  readonly #rates: RegistrationRates;
  readonly #now: () => number;
  readonly #maxAddresses: number;

  /**
   * @param rates Accounts per hour per address and in total (the config's `server.limits.registrationsPer…`).
   * @param now Clock in milliseconds; tests pass a fake one.
   * @param maxAddresses Address buckets kept at most.
   * @throws {RangeError} A rate is not a positive integer.
   */
  constructor(rates: RegistrationRates, now: () => number = Date.now, maxAddresses = 100_000) {
    for (const [name, value] of Object.entries({ ...rates, maxAddresses })) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(`Cannot limit registrations: ${name} must be a positive integer, got ${value}`);
      }
    }
    this.#rates = rates;
    this.#now = now;
    this.#maxAddresses = maxAddresses;
    this.#global = { units: rates.perHour * HOUR_MS, at: now() };
  }

  /**
   * How long a registration from `address` must wait before it may start.
   *
   * @param address The client's host; counted by its {@linkcode addressKey}.
   * @returns Milliseconds until both buckets hold a whole token; 0 when one may start now.
   *
   * @example
   * ```ts
   * import { RegistrationLimiter } from "./registration_limit.ts";
   * const limiter = new RegistrationLimiter({ perAddressPerHour: 1, perHour: 600 });
   * limiter.waitMs("192.0.2.1"); // 0
   * limiter.charge("192.0.2.1");
   * limiter.waitMs("192.0.2.1"); // 3600000
   * ```
   */
  waitMs(address: string): number {
    const now = this.#now();
    const own = this.#addresses.get(addressKey(address));
    return Math.max(
      own ? waitFor(refilled(own, this.#rates.perAddressPerHour, now), this.#rates.perAddressPerHour) : 0,
      waitFor(refilled(this.#global, this.#rates.perHour, now), this.#rates.perHour),
    );
  }

  /** Takes one token from the address's bucket and the global one: an account from `address` was created. */
  charge(address: string): void {
    const now = this.#now();
    const key = addressKey(address);
    const own = this.#addresses.get(key) ?? { units: this.#rates.perAddressPerHour * HOUR_MS, at: now };
    this.#addresses.delete(key);
    this.#addresses.set(key, take(refilled(own, this.#rates.perAddressPerHour, now)));
    this.#global = take(refilled(this.#global, this.#rates.perHour, now));
    if (this.#addresses.size > this.#maxAddresses) this.#prune(now);
  }

  /** Forgets full buckets (they behave as absent ones), then the oldest until the table is within bounds. */
  #prune(now: number): void {
    const rate = this.#rates.perAddressPerHour;
    for (const [key, bucket] of this.#addresses) {
      if (refilled(bucket, rate, now).units >= rate * HOUR_MS) this.#addresses.delete(key);
    }
    for (const key of this.#addresses.keys()) {
      if (this.#addresses.size <= this.#maxAddresses) break;
      this.#addresses.delete(key);
    }
  }
}

// Tokens are counted in units of 1/HOUR_MS token, so refilling (perHour units a millisecond) is exact integer
// arithmetic and a wait comes out to the millisecond.

/** The bucket at `now`, refilled at `perHour` tokens an hour up to `perHour`. */
function refilled(bucket: Bucket, perHour: number, now: number): Bucket {
  const elapsed = Math.max(0, now - bucket.at);
  return { units: Math.min(perHour * HOUR_MS, bucket.units + elapsed * perHour), at: now };
}

/** Milliseconds until a refilled bucket holds a whole token. */
function waitFor(bucket: Bucket, perHour: number): number {
  return bucket.units >= HOUR_MS ? 0 : Math.ceil((HOUR_MS - bucket.units) / perHour);
}

/** The bucket less one token; callers check `waitMs` in the same synchronous step, so it stays at zero or above. */
function take(bucket: Bucket): Bucket {
  return { units: bucket.units - HOUR_MS, at: bucket.at };
}
