// Reconnect delays: exponential back-off with full jitter, so clients cut off together do not return together.

/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** The ceiling of the first retry's delay, in milliseconds. Default 1000. */
  baseMs?: number;
  /** The largest delay, in milliseconds, whatever the attempt. Default 30 000. */
  capMs?: number;
  /** How much the ceiling grows from one attempt to the next. Default 2. */
  multiplier?: number;
  /** A uniform random number in [0, 1); injected so tests choose the jitter. Default `Math.random`. */
  random?: () => number;
}

/** The validated options, with defaults filled in. */
export type BackoffPolicy = Required<BackoffOptions>;

/**
 * Fills in the defaults and checks the options before any use, as Deno std's `retry()` does.
 *
 * @param options The options; all optional.
 * @returns The policy.
 * @throws {RangeError} If `baseMs` is not a positive finite number, `capMs` is below `baseMs` or not finite, or
 *   `multiplier` is below 1 or not finite.
 * @throws {TypeError} If `random` is not a function.
 *
 * @example
 * ```ts
 * import { backoffPolicy } from "./backoff.ts";
 * backoffPolicy({ baseMs: 500 }).capMs; // 30000
 * ```
 */
export function backoffPolicy(options: BackoffOptions = {}): BackoffPolicy {
  const { baseMs = 1000, capMs = 30_000, multiplier = 2, random = Math.random } = options;
  if (!(baseMs > 0) || !Number.isFinite(baseMs)) {
    throw new RangeError(`Cannot back off as 'baseMs' must be a positive finite number: current value is ${baseMs}`);
  }
  if (!Number.isFinite(capMs) || !(capMs >= baseMs)) {
    throw new RangeError(
      `Cannot back off as 'capMs' must be finite and at least 'baseMs': current values 'baseMs=${baseMs}', 'capMs=${capMs}'`,
    );
  }
  if (!Number.isFinite(multiplier) || !(multiplier >= 1)) {
    throw new RangeError(`Cannot back off as 'multiplier' must be at least 1: current value is ${multiplier}`);
  }
  if (typeof random !== "function") throw new TypeError("Cannot back off as 'random' is not a function");
  return { baseMs, capMs, multiplier, random };
}

/**
 * The largest delay before a retry: `min(capMs, baseMs × multiplier^(attempt − 1))`.
 *
 * @param attempt Which retry since the last success, from 1.
 * @param policy The policy.
 * @returns The ceiling, in milliseconds.
 * @throws {RangeError} If `attempt` is not a whole number of at least 1.
 *
 * @example
 * ```ts
 * import { backoffCeiling, backoffPolicy } from "./backoff.ts";
 * const policy = backoffPolicy({ baseMs: 1000, capMs: 5000 });
 * [1, 2, 3, 4].map((n) => backoffCeiling(n, policy)); // [1000, 2000, 4000, 5000]
 * ```
 */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`Cannot back off as 'attempt' must be a whole number from 1: current value is ${attempt}`);
  }
  // A huge attempt makes the power Infinity, which min() turns into the cap.
  return Math.min(policy.capMs, policy.baseMs * policy.multiplier ** (attempt - 1));
}

/**
 * The delay before a retry with "full jitter": uniform in [0, ceiling). Spreading the whole range, not just a band
 * around the ceiling, is what keeps a crowd of clients dropped by one server restart from coming back in waves
 * (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015).
 *
 * @param attempt Which retry since the last success, from 1.
 * @param policy The policy; its `random` is called once.
 * @returns Whole milliseconds, at least 0 and below the ceiling.
 * @throws {RangeError} If `random` returns something outside [0, 1).
 *
 * @example
 * ```ts
 * import { backoffPolicy, fullJitterDelay } from "./backoff.ts";
 * fullJitterDelay(3, backoffPolicy({ baseMs: 1000, random: () => 0.5 })); // 2000
 * ```
 */
export function fullJitterDelay(attempt: number, policy: BackoffPolicy): number {
  const ceiling = backoffCeiling(attempt, policy);
  const r = policy.random();
  if (!(r >= 0 && r < 1)) {
    throw new RangeError(`Cannot back off as 'random' must return a number in [0, 1): it returned ${r}`);
  }
  return Math.floor(r * ceiling);
}

/**
 * The reconnect policy with its attempt count: `next()` for each failure, `reset()` on success.
 *
 * @example
 * ```ts
 * import { Backoff } from "./backoff.ts";
 * const backoff = new Backoff({ baseMs: 1000, random: () => 0.999 });
 * backoff.next(); // 999 (ceiling 1000)
 * backoff.next(); // 1998 (ceiling 2000)
 * backoff.reset();
 * backoff.next(); // 999 again
 * ```
 */
export class Backoff {
  readonly policy: BackoffPolicy;
  #attempt = 0;

  /**
   * @param options See {@link BackoffOptions}; checked here.
   * @throws {RangeError} For options out of range (see {@link backoffPolicy}).
   */
  constructor(options: BackoffOptions = {}) {
    this.policy = backoffPolicy(options);
  }

  /** Retries counted since the last success (0 before the first failure). */
  get attempt(): number {
    return this.#attempt;
  }

  /**
   * Counts one more retry and draws its delay.
   *
   * @returns The delay in milliseconds (see {@link fullJitterDelay}).
   */
  next(): number {
    const delay = fullJitterDelay(this.#attempt + 1, this.policy);
    this.#attempt++;
    return delay;
  }

  /** Starts counting again: the next delay is drawn under the base ceiling. */
  reset(): void {
    this.#attempt = 0;
  }
}
