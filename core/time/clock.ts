// Time and timers as one small port (now, set, clear), so deadlines, throttles and back-off can be driven by hand in tests.

/** A timer handle; opaque to its users. */
export type TimerHandle = unknown;

/**
 * Time and timers as the server's deadline code uses them. The system clock
 * is the default; tests pass a {@link FakeClock} and move time with `tick()`.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as number),
};

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that stands still until told to move, as `FakeTime` in Deno std:
 * `tick(ms)` advances time and runs every timer that falls due, in order of
 * due time, including timers those timers set.
 *
 * @example
 * ```ts
 * import { FakeClock } from "./clock.ts";
 * const clock = new FakeClock(0);
 * let fired = false;
 * clock.setTimeout(() => fired = true, 1000);
 * clock.tick(999); // fired is still false
 * clock.tick(1); // fired is now true
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, FakeTimer>();

  /** @param start The initial time in milliseconds since the epoch. */
  constructor(start = Date.UTC(2026, 10, 30)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const seq = ++this.#seq;
    this.#timers.set(seq, { at: this.#now + Math.max(0, ms), seq, fn });
    return seq;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** Timers set and not yet run or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /**
   * Moves time forward by `ms`, running due timers in order.
   *
   * @param ms Milliseconds to advance; must not be negative.
   */
  tick(ms: number): void {
    if (ms < 0) throw new RangeError(`Cannot move a clock backwards: tick(${ms})`);
    const end = this.#now + ms;
    while (true) {
      let next: FakeTimer | undefined;
      for (const timer of this.#timers.values()) {
        if (timer.at <= end && (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) {
          next = timer;
        }
      }
      if (!next) break;
      this.#timers.delete(next.seq);
      this.#now = next.at;
      next.fn();
    }
    this.#now = end;
  }
}
