// Login throttling with exponential back-off per (account, address) and per address (PROTOCOL.md §10.7).

/** Failures before back-off starts, and the cap on the wait. */
export interface ThrottleRules {
  pairFree: number;
  addressFree: number;
  maxWaitMs: number;
}

/** The rules of PROTOCOL.md §10.7. */
export const DEFAULT_THROTTLE_RULES: ThrottleRules = { pairFree: 3, addressFree: 20, maxWaitMs: 15 * 60_000 };

interface Entry {
  failures: number;
  last: number;
}

/**
 * Counts login failures and says how long an address must wait. The real
 * user's address is counted apart from an attacker's, so a guesser elsewhere
 * cannot lock them out; the per-address count slows one address spraying many
 * accounts. Entries idle for longer than the longest wait are forgotten.
 */
export class LoginThrottle {
  readonly #pairs = new Map<string, Entry>();
  readonly #addresses = new Map<string, Entry>();
  readonly #rules: ThrottleRules;
  readonly #now: () => number;

  /**
   * @param rules Thresholds and cap.
   * @param now Clock in milliseconds; tests pass a fake one.
   */
  constructor(rules: ThrottleRules = DEFAULT_THROTTLE_RULES, now: () => number = Date.now) {
    this.#rules = rules;
    this.#now = now;
  }

  /**
   * How long `address` must still wait before trying `account` again.
   *
   * @param account The username key.
   * @param address The client's host.
   * @returns Milliseconds; 0 when an attempt is allowed now.
   *
   * @example
   * ```ts
   * import { LoginThrottle } from "./throttle.ts";
   * const throttle = new LoginThrottle();
   * throttle.waitMs("alice", "10.0.0.9"); // 0
   * ```
   */
  waitMs(account: string, address: string): number {
    const now = this.#now();
    return Math.max(
      this.#wait(this.#pairs.get(`${account}\u0000${address}`), this.#rules.pairFree, now),
      this.#wait(this.#addresses.get(address), this.#rules.addressFree, now),
    );
  }

  /** Records a failed (or not yet completed) attempt. */
  fail(account: string, address: string): void {
    const now = this.#now();
    this.#bump(this.#pairs, `${account}\u0000${address}`, now);
    this.#bump(this.#addresses, address, now);
    this.#prune(now);
  }

  /** Undoes the failure counted for an attempt that then succeeded, and clears the pair. */
  succeed(account: string, address: string): void {
    this.#pairs.delete(`${account}\u0000${address}`);
    const entry = this.#addresses.get(address);
    if (entry && --entry.failures <= 0) this.#addresses.delete(address);
  }

  #wait(entry: Entry | undefined, free: number, now: number): number {
    if (!entry || entry.failures < free) return 0;
    const wait = Math.min(this.#rules.maxWaitMs, 1000 * 2 ** (entry.failures - free));
    return Math.max(0, entry.last + wait - now);
  }

  #bump(map: Map<string, Entry>, key: string, now: number): void {
    const entry = map.get(key) ?? { failures: 0, last: now };
    entry.failures++;
    entry.last = now;
    map.set(key, entry);
  }

  #prune(now: number): void {
    for (const map of [this.#pairs, this.#addresses]) {
      if (map.size < 10_000) continue;
      for (const [key, entry] of map) if (now - entry.last > this.#rules.maxWaitMs) map.delete(key);
    }
  }
}
