// One periodic sweep checks every connection's deadlines, instead of one timer per connection.

import type { Clock, TimerHandle } from "../core/time/clock.ts";

/** Something with deadlines: `check` looks at the time and acts on whatever has expired. */
export interface Watched {
  check(now: number): void;
}

/** How often the sweep runs; deadlines are kept to within this. */
export const SWEEP_INTERVAL_MS = 250;

/**
 * Runs `check(now)` on every watched item every {@link SWEEP_INTERVAL_MS}.
 * A timer per connection would cost a timer (and its wake-ups) per idle
 * socket; one sweep over ten thousand connections costs well under a
 * millisecond.
 *
 * @example
 * ```ts
 * import { Deadlines } from "./deadlines.ts";
 * import { FakeClock } from "../core/time/clock.ts";
 * const clock = new FakeClock(0);
 * const deadlines = new Deadlines(clock);
 * deadlines.add({ check: (now) => console.log("checked at", now) });
 * clock.tick(250); // checked at 250
 * deadlines.stop();
 * ```
 */
export class Deadlines {
  readonly #items = new Set<Watched>();
  readonly #clock: Clock;
  #timer: TimerHandle | undefined;
  #stopped = false;

  /** @param clock Time and timers; tests pass a fake clock. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Items watched now. */
  get size(): number {
    return this.#items.size;
  }

  /** Starts watching `item`; the sweep runs while anything is watched. */
  add(item: Watched): void {
    this.#items.add(item);
    this.#arm();
  }

  /** Stops watching `item`. */
  delete(item: Watched): void {
    this.#items.delete(item);
  }

  /** Stops the sweep for good (server shutdown). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => this.#sweep(), SWEEP_INTERVAL_MS);
  }

  #sweep(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    // A copy: a check may end its connection, which deletes the item while we iterate.
    for (const item of [...this.#items]) item.check(now);
    // With nothing to watch the timer stops, so an idle server (and a test's process) has no pending timer.
    if (this.#items.size > 0) this.#arm();
  }
}
