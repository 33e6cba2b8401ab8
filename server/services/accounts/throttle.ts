// Login throttling: exponential waits per (account, address), per address and per account, with decay (PROTOCOL.md §10.7).

import { addressKey } from "../../address_key.ts";

/** Thresholds, waits, decay and memory bounds of the login throttle. */
export interface ThrottleRules {
  /** Failures for one (account, address) pair before its attempts wait. */
  pairFree: number;
  /** Failures from one address (all accounts, and `register_start` answers "taken") before its attempts wait. */
  addressFree: number;
  /** Failures for one account from all addresses before its attempts wait (except from its known addresses). */
  accountFree: number;
  /** The first wait once past a threshold; each further failure doubles it. */
  baseWaitMs: number;
  /** The longest wait. Never a lock-out: after it, one more attempt is always allowed. */
  maxWaitMs: number;
  /** One failure of a count is forgiven for every full period of this length since the count's last failure. */
  forgiveMs: number;
  /** Addresses remembered per account as ones it logged in from; they skip the account-wide wait. */
  knownAddresses: number;
  /** Entries kept per table (pairs, addresses, accounts, known addresses); the least recently counted go first. */
  maxEntries: number;
}

/** The rules of PROTOCOL.md §10.7. */
export const DEFAULT_THROTTLE_RULES: Readonly<ThrottleRules> = Object.freeze({
  pairFree: 3,
  addressFree: 20,
  accountFree: 10,
  baseWaitMs: 1000,
  maxWaitMs: 15 * 60_000,
  forgiveMs: 15 * 60_000,
  knownAddresses: 8,
  maxEntries: 100_000,
});

interface Entry {
  /** The count as of `last`; forgiveness is applied when it is read or bumped. */
  failures: number;
  last: number;
}

/**
 * Counts login failures and says how long an attempt must wait. Three counts apply to every attempt:
 *
 * - per (account, address): the real user's address is counted apart from a guesser's;
 * - per address, across accounts: one address spraying many accounts slows down;
 * - per account, across addresses: many addresses guessing one account slow down together, except the addresses the
 *   account has logged in from before, so a guesser elsewhere cannot keep the real user out.
 *
 * Addresses are counted by {@linkcode addressKey} (an IPv6 /64 is one address). Every table is bounded: when one is
 * full, the entry counted least recently is forgotten.
 */
export class LoginThrottle {
  readonly #pairs = new Map<string, Entry>();
  readonly #addresses = new Map<string, Entry>();
  readonly #accounts = new Map<string, Entry>();
  /** Per account, the address keys it logged in from, oldest first. */
  readonly #known = new Map<string, string[]>();
  readonly #rules: Readonly<ThrottleRules>;
  readonly #now: () => number;

  /**
   * @param rules Thresholds, waits, decay and bounds; checked here.
   * @param now Clock in milliseconds; tests pass a fake one.
   * @throws {RangeError} A rule is out of range, or `forgiveMs` is shorter than `maxWaitMs` (a count would then decay
   *   while its wait runs, and the wait would no longer follow from the count).
   */
  constructor(rules: Readonly<ThrottleRules> = DEFAULT_THROTTLE_RULES, now: () => number = Date.now) {
    for (const [name, value] of Object.entries(rules)) {
      const least = name.endsWith("Free") ? 0 : 1;
      if (!Number.isSafeInteger(value) || value < least) {
        throw new RangeError(
          `Cannot use throttle rule ${name}: expected an integer of at least ${least}, got ${value}`,
        );
      }
    }
    if (rules.maxWaitMs < rules.baseWaitMs) {
      throw new RangeError(`Cannot use throttle rules: maxWaitMs ${rules.maxWaitMs} is below baseWaitMs`);
    }
    if (rules.forgiveMs < rules.maxWaitMs) {
      throw new RangeError(`Cannot use throttle rules: forgiveMs ${rules.forgiveMs} is below maxWaitMs`);
    }
    this.#rules = rules;
    this.#now = now;
  }

  /**
   * How long an attempt on `account` from `address` must still wait.
   *
   * @param account The username key.
   * @param address The client's host; counted by its {@linkcode addressKey}.
   * @returns Milliseconds; 0 when an attempt is allowed now.
   *
   * @example
   * ```ts
   * import { LoginThrottle } from "./throttle.ts";
   * const throttle = new LoginThrottle();
   * throttle.waitMs("alice", "2001:db8:1:2::7"); // 0
   * ```
   */
  waitMs(account: string, address: string): number {
    const now = this.#now();
    const key = addressKey(address);
    const { pairFree, addressFree, accountFree } = this.#rules;
    const known = this.#known.get(account)?.includes(key) ?? false;
    return Math.max(
      this.#wait(this.#pairs.get(pairKey(account, key)), pairFree, now),
      this.#wait(this.#addresses.get(key), addressFree, now),
      known ? 0 : this.#wait(this.#accounts.get(account), accountFree, now),
    );
  }

  /**
   * How long anything counted against `address` alone (a `register_start` for a taken name) must still wait.
   *
   * @param address The client's host.
   * @returns Milliseconds; 0 when allowed now.
   */
  addressWaitMs(address: string): number {
    return this.#wait(this.#addresses.get(addressKey(address)), this.#rules.addressFree, this.#now());
  }

  /** Records a failed (or not yet completed) login attempt in all three counts. */
  fail(account: string, address: string): void {
    const now = this.#now();
    const key = addressKey(address);
    this.#bump(this.#pairs, pairKey(account, key), now);
    this.#bump(this.#addresses, key, now);
    this.#bump(this.#accounts, account, now);
  }

  /** Records a failure that names no account (a `register_start` answered "taken") against the address only. */
  failAddress(address: string): void {
    this.#bump(this.#addresses, addressKey(address), this.#now());
  }

  /**
   * A login that `fail` counted has succeeded: clears the pair, takes the attempt's failure back from the address
   * and the account, and remembers the address as one the account logs in from.
   */
  succeed(account: string, address: string): void {
    const now = this.#now();
    const key = addressKey(address);
    this.#pairs.delete(pairKey(account, key));
    this.#unbump(this.#addresses, key, now);
    this.#unbump(this.#accounts, account, now);
    const known = (this.#known.get(account) ?? []).filter((k) => k !== key);
    known.push(key);
    if (known.length > this.#rules.knownAddresses) known.shift();
    this.#touch(this.#known, account, known);
  }

  /** How many entries each table holds; for tests and metrics. */
  sizes(): { pairs: number; addresses: number; accounts: number; known: number } {
    return {
      pairs: this.#pairs.size,
      addresses: this.#addresses.size,
      accounts: this.#accounts.size,
      known: this.#known.size,
    };
  }

  /** The wait a count imposes: none below `free` failures, then `baseWaitMs · 2^(n − free)`, capped, from the last. */
  #wait(entry: Entry | undefined, free: number, now: number): number {
    if (!entry || entry.failures < free) return 0;
    const { baseWaitMs, maxWaitMs } = this.#rules;
    // 2^40 s already exceeds any sane cap; the exponent is bounded so the product stays finite.
    const wait = Math.min(maxWaitMs, baseWaitMs * 2 ** Math.min(40, entry.failures - free));
    // forgiveMs >= maxWaitMs: no failure is forgiven while a wait runs, so the count at `last` is the count now.
    return Math.max(0, entry.last + wait - now);
  }

  /** The count after forgiveness: one failure less for every full `forgiveMs` since the last one. */
  #current(entry: Entry, now: number): number {
    return Math.max(0, entry.failures - Math.floor(Math.max(0, now - entry.last) / this.#rules.forgiveMs));
  }

  #bump(map: Map<string, Entry>, key: string, now: number): void {
    const entry = map.get(key);
    this.#touch(map, key, { failures: (entry ? this.#current(entry, now) : 0) + 1, last: now });
  }

  /** Takes one failure back without moving `last` (the wait of any remaining failures still runs from it). */
  #unbump(map: Map<string, Entry>, key: string, now: number): void {
    const entry = map.get(key);
    if (!entry) return;
    if (this.#current(entry, now) <= 1) map.delete(key);
    else entry.failures--; // forgiveness still counts from `last`, so the count read later is one lower
  }

  /** Sets `key` as the most recently used entry, forgetting the least recently used one when the table is full. */
  #touch<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.#rules.maxEntries) map.delete(map.keys().next().value!);
  }
}

function pairKey(account: string, address: string): string {
  return `${account}\u0000${address}`;
}
