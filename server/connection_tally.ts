// Counts connections instead of logging each: one summary line per interval at info level.

import type { Clock, TimerHandle } from "../core/time/clock.ts";
import type { Logger } from "./log.ts";

/** How often the summary is written while connections come and go. */
export const TALLY_INTERVAL_MS = 60_000;

/**
 * Counts what happens to connections and writes one `connections` line per {@link TALLY_INTERVAL_MS} in which
 * something happened: a line per connect, handshake and disconnect cost the server about 5 % of a handshake's CPU
 * (issue 12's profile), and the lines said little one by one. Each connection's own lines are still there at debug
 * level; warnings and errors are logged as they happen, never counted.
 *
 * With nothing counted the timer stops, so an idle server (and a test's process) has no pending timer.
 *
 * @example
 * ```ts
 * import { ConnectionTally } from "./connection_tally.ts";
 * import { createLogger } from "./log.ts";
 * import { FakeClock } from "../core/time/clock.ts";
 * const clock = new FakeClock(0);
 * const tally = new ConnectionTally(createLogger("info"), clock);
 * tally.opened("tcp");
 * tally.closed("peer_closed");
 * clock.tick(60_000); // {"event":"connections","opened":{"tcp":1},"closed":{"peer_closed":1},...}
 * tally.stop();
 * ```
 */
export class ConnectionTally {
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  #opened: Record<string, number> = {};
  #closed: Record<string, number> = {};
  #secured = 0;
  #open = 0;
  #counted = false;
  #timer: TimerHandle | undefined;
  #stopped = false;

  /**
   * @param logger Where the summary goes (info level).
   * @param clock Time and timers; tests pass a fake clock.
   * @param intervalMs Time between summaries.
   * @throws {RangeError} When `intervalMs` is not a positive number.
   */
  constructor(logger: Logger, clock: Clock, intervalMs = TALLY_INTERVAL_MS) {
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be positive, not ${intervalMs}`);
    this.#logger = logger;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /** A connection was accepted, over `transport`. */
  opened(transport: string): void {
    this.#opened[transport] = (this.#opened[transport] ?? 0) + 1;
    this.#open++;
    this.#count();
  }

  /** A connection completed its handshake. */
  secured(): void {
    this.#secured++;
    this.#count();
  }

  /** A connection ended, for `reason` (`peer_closed`, `keepalive_timeout`…). */
  closed(reason: string): void {
    this.#closed[reason] = (this.#closed[reason] ?? 0) + 1;
    this.#open--;
    this.#count();
  }

  /** Writes the summary now if anything was counted since the last one. */
  flush(): void {
    if (!this.#counted) return;
    this.#logger.info("connections", {
      opened: this.#opened,
      secured: this.#secured,
      closed: this.#closed,
      open: this.#open,
    });
    this.#opened = {};
    this.#closed = {};
    this.#secured = 0;
    this.#counted = false;
  }

  /** Writes what is counted and stops the timer for good (server shutdown). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.flush();
  }

  #count(): void {
    this.#counted = true;
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#intervalMs);
  }
}
