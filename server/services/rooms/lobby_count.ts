// The lobby's online count for the connections that watch it, pushed at most once per interval (PROTOCOL.md §13.4).

import { PUSHES } from "../../../core/protocol/registry.ts";
import type { Clock, TimerHandle } from "../../../core/time/clock.ts";
import { push } from "../../hub/push.ts";
import type { Hub, HubConnection } from "../../hub/types.ts";

/** What {@link LobbyCount} needs. */
export interface LobbyCountOptions {
  /** Where the count comes from (`onlineCount`) and the pushes go (`deliver`). */
  hub: Pick<Hub, "onlineCount" | "deliver">;
  /** Time and timers; tests pass a FakeClock. */
  clock: Clock;
  /** The count is looked at, and pushed if it changed, once per this many milliseconds while anyone watches. */
  intervalMs: number;
  /** Told when looking at the count or pushing it failed; the next interval tries again. */
  onError: (error: unknown) => void;
}

interface Watcher {
  readonly connection: HubConnection;
  /** The count this watcher was last told: in the answer to its watch, or in a push. */
  known: number;
}

/**
 * Who watches the lobby, and the timer that tells them its count. However many users log in or out, a watcher hears at
 * most one `lobby_count` per interval, and only when the count differs from what it was last told. The timer runs only
 * while someone watches.
 *
 * A watcher is a user's connection: pushes go through the hub to the user's one login, and a watch ends when that
 * connection logs out or closes (a newer login of the account does not inherit it).
 *
 * @example
 * ```ts
 * import { FakeClock } from "../../../core/time/clock.ts";
 * import { LobbyCount } from "./lobby_count.ts";
 * const hub = { onlineCount: () => Promise.resolve(3), deliver: () => Promise.resolve() };
 * const lobby = new LobbyCount({ hub, clock: new FakeClock(), intervalMs: 5000, onError: console.error });
 * await lobby.onlineCount(); // 3
 * ```
 */
export class LobbyCount {
  readonly #hub: LobbyCountOptions["hub"];
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #watchers = new Map<number, Watcher>();
  #timer: TimerHandle | undefined;
  /** The look at the count that a timer started, until it settles. */
  #running: Promise<void> = Promise.resolve();

  /**
   * @param options Hub, clock, interval and error sink.
   * @throws {RangeError} When `intervalMs` is not a positive number.
   */
  constructor(options: LobbyCountOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be more than 0, not ${options.intervalMs}`);
    this.#hub = options.hub;
    this.#clock = options.clock;
    this.#intervalMs = options.intervalMs;
    this.#onError = options.onError;
  }

  /** How many users are online now. */
  onlineCount(): Promise<number> {
    return this.#hub.onlineCount();
  }

  /** How many connections watch. */
  get watchers(): number {
    return this.#watchers.size;
  }

  /** The users whose connection watches, in the order they began. */
  userIds(): number[] {
    return [...this.#watchers.keys()];
  }

  /**
   * Makes `connection`, the login of `userId`, a watcher that was just told `known`; replaces an earlier watch of the
   * user's. Starts the timer if nobody watched.
   */
  watch(userId: number, connection: HubConnection, known: number): void {
    this.#watchers.set(userId, { connection, known });
    if (this.#timer === undefined) this.#schedule();
  }

  /**
   * Ends the watch of `userId` if `connection` holds it (or whichever connection does, when none is given). Stops the
   * timer when nobody watches any more.
   */
  unwatch(userId: number, connection?: HubConnection): void {
    const watcher = this.#watchers.get(userId);
    if (!watcher || (connection !== undefined && watcher.connection !== connection)) return;
    this.#watchers.delete(userId);
    if (this.#watchers.size === 0 && this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Settles once the look at the count that the last timer started has finished (for tests and shutdown). */
  idle(): Promise<void> {
    return this.#running;
  }

  /** Stops the timer and forgets every watcher. */
  close(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watchers.clear();
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#tell().catch(this.#onError).finally(() => {
        if (this.#watchers.size > 0 && this.#timer === undefined) this.#schedule();
      });
    }, this.#intervalMs);
  }

  /** Pushes the count to each watcher that was told another one, in one delivery. */
  async #tell(): Promise<void> {
    const count = await this.#hub.onlineCount();
    const stale: number[] = [];
    for (const [userId, watcher] of this.#watchers) {
      if (watcher.known === count) continue;
      watcher.known = count;
      stale.push(userId);
    }
    if (stale.length > 0) await this.#hub.deliver(stale, push(PUSHES.lobbyCount, { onlineCount: count }));
  }
}
