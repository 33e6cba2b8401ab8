// Keeps a connection open: reconnects with back-off after a drop, stops for good after a kick, a fatal error or close.

import { type Clock, systemClock, type TimerHandle } from "../time/clock.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import { Emitter, type EmitterOptions } from "./emitter.ts";
import type { Kick } from "./events.ts";

export type { Kick, KickReason } from "./events.ts";

/**
 * Where the connection stands, as a screen shows it:
 * - `connecting`: an attempt is under way;
 * - `open`: a session is established;
 * - `retrying`: the last attempt failed or the session dropped; attempt number `attempt` (counted since the last
 *   success, from 1) starts at `retryAt` (milliseconds since the epoch, on the injected clock) unless `retryNow()`;
 * - `idle`: the server closed a session nobody was using (see {@link SessionEnd.idle}); nothing happens until
 *   `retryNow()`, which a caller makes when it needs the connection again;
 * - `kicked`: the server handed the session to another login; final, never reconnects;
 * - `closed`: final; `error` says why when it was not asked for (a fatal error), absent after `close()` or abort.
 */
export type ConnectionStatus =
  | { state: "connecting" }
  | { state: "open" }
  | { state: "retrying"; attempt: number; retryAt: number; error?: Error }
  | { state: "idle" }
  | ({ state: "kicked" } & Kick)
  | { state: "closed"; error?: Error };

/** How a session ended. */
export interface SessionEnd {
  /** Set when the server kicked the session (its `kicked` push); no reconnect follows. */
  kicked?: Kick;
  /** Why the session broke; absent for a clean end (e.g. the server shut down), after which it reconnects too. */
  error?: Error;
  /** Retrying cannot help (e.g. the server's key changed, resume refused): stop with `closed` and this `error`. */
  fatal?: boolean;
  /**
   * The server closed a session that was not logged in, for not logging in in time or to make room for others
   * (PROTOCOL.md §11.1, §11.3): no failure, and connecting again at once would only be closed again. Wait in `idle`
   * until `retryNow()`.
   */
  idle?: boolean;
}

/** One established connection, as {@link ReconnectOptions.open} makes it. */
export interface Session {
  /** Settles once, when the session is over. */
  readonly closed: Promise<SessionEnd>;
}

/** Options of {@link Reconnector}. */
export interface ReconnectOptions<S extends Session> {
  /**
   * Makes one connection and resolves once it is established (handshake done, session resumed), or rejects.
   * `signal` stays meaningful for the session's whole life: when it aborts (on `close()` or the outer abort), the
   * attempt must give up and an established session must close. A session resolved after the abort is ignored.
   */
  open: (signal: AbortSignal) => Promise<S>;
  /** Time and timers for the back-off. Default {@link systemClock}. */
  clock?: Clock;
  /** The back-off, or options for a new one. Default `new Backoff()`. */
  backoff?: Backoff | BackoffOptions;
  /** Aborting it is the same as `close()`. */
  signal?: AbortSignal;
  /** Whether a rejection of `open` is final (wrong server key, resume refused…). Default: none is. */
  isFatal?: (error: Error) => boolean;
  /** Where a throwing status subscriber is reported (see {@link EmitterOptions.onError}). */
  onError?: EmitterOptions["onError"];
}

/** The events of a {@link Reconnector}. */
export interface ReconnectEvents<S extends Session> {
  /** Every change of {@link Reconnector.status}. */
  status: ConnectionStatus;
  /** A new session is established (after the `open` status): resend the outbox, refresh presence… */
  open: S;
}

/** Turns whatever an attempt rejected with into an Error, keeping the original as `cause`. */
function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error("The connection attempt failed", { cause: value });
}

/**
 * The reconnect state machine (after Signal-Desktop's `SocketManager`): it calls `open` at once, and whenever a
 * session drops or an attempt fails it waits a back-off delay on the clock and tries again. Success resets the
 * back-off. It never reconnects after a kick (the user signed in elsewhere: reconnecting would kick that login in
 * turn) nor after a fatal error; `close()` or the abort signal stops it.
 *
 * Every status change happens after construction returns (in a promise callback or a timer), so subscribing right
 * after `new` sees them all; the first status, `connecting`, is the initial value.
 *
 * @example
 * ```ts
 * import { Reconnector, type SessionEnd } from "./reconnect.ts";
 * import { FakeClock } from "../time/clock.ts";
 *
 * const connection = new Reconnector({
 *   open: () => Promise.resolve({ closed: new Promise<SessionEnd>(() => {}) }),
 *   clock: new FakeClock(0),
 * });
 * connection.on("status", (status) => console.log(status.state));
 * await new Promise((resolve) => connection.on("open", resolve)); // logs "open"
 * connection.close(); // logs "closed"
 * ```
 */
export class Reconnector<S extends Session> {
  readonly #open: (signal: AbortSignal) => Promise<S>;
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  readonly #isFatal: (error: Error) => boolean;
  readonly #events: Emitter<ReconnectEvents<S>>;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.close();
  #status: ConnectionStatus = { state: "connecting" };
  #session: S | undefined;
  /** Aborts the current attempt or session. */
  #controller: AbortController | undefined;
  #timer: TimerHandle | undefined;
  /** Bumped whenever an attempt is abandoned, so its late results are recognised and ignored. */
  #generation = 0;

  /**
   * Starts connecting at once.
   *
   * @param options See {@link ReconnectOptions}.
   * @throws {RangeError} For back-off options out of range.
   */
  constructor(options: ReconnectOptions<S>) {
    if (typeof options.open !== "function") throw new TypeError("Cannot reconnect: 'open' is not a function");
    this.#open = options.open;
    this.#clock = options.clock ?? systemClock;
    this.#backoff = options.backoff instanceof Backoff ? options.backoff : new Backoff(options.backoff);
    this.#isFatal = options.isFatal ?? (() => false);
    this.#events = new Emitter<ReconnectEvents<S>>({ onError: options.onError });
    this.#signal = options.signal;
    if (this.#signal?.aborted) {
      this.#status = { state: "closed" };
      return;
    }
    this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#attempt();
  }

  /** Where the connection stands now. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The established session while the status is `open`; otherwise `undefined`. */
  get session(): S | undefined {
    return this.#session;
  }

  /**
   * Subscribes to status changes or new sessions.
   *
   * @param event `status` or `open`.
   * @param fn Called with the new status or session.
   * @returns The unsubscribe function.
   */
  on<K extends keyof ReconnectEvents<S>>(event: K, fn: (payload: ReconnectEvents<S>[K]) => void): () => void {
    return this.#events.on(event, fn);
  }

  /**
   * Skips the wait of a pending retry (a "Reconnect now" button, or the page coming back online), or connects again
   * when idle (the caller needs the connection now).
   *
   * @returns `true` if a retry was waiting or the connection was idle, and an attempt has started; `false` in any
   *   other status.
   */
  retryNow(): boolean {
    if (this.#status.state !== "retrying" && this.#status.state !== "idle") return false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attempt();
    return true;
  }

  /** Stops for good: cancels a waiting retry, aborts an attempt in progress and closes an open session. */
  close(): void {
    if (this.#isFinal()) return;
    this.#finish({ state: "closed" });
  }

  #isFinal(): boolean {
    return this.#status.state === "kicked" || this.#status.state === "closed";
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.#events.emit("status", status);
  }

  /** Ends in a final status, releasing the timer, the attempt or session, and the outer signal. */
  #finish(status: ConnectionStatus): void {
    this.#generation++;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#controller?.abort();
    this.#controller = undefined;
    this.#session = undefined;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#setStatus(status);
  }

  #attempt(): void {
    if (this.#status.state !== "connecting") {
      this.#setStatus({ state: "connecting" });
      // A subscriber may have closed us on hearing it.
      if (this.#isFinal()) return;
    }
    const generation = ++this.#generation;
    const controller = new AbortController();
    this.#controller = controller;
    let attempt: Promise<S>;
    try {
      attempt = this.#open(controller.signal);
    } catch (error) {
      // A synchronous throw is a failed attempt like a rejection, and is handled the same way below.
      attempt = Promise.reject(error);
    }
    attempt.then(
      (session) => {
        if (generation !== this.#generation) return;
        this.#opened(session, generation);
      },
      (error) => {
        if (generation !== this.#generation) return;
        const failure = asError(error);
        if (this.#isFatal(failure)) this.#finish({ state: "closed", error: failure });
        else this.#retry(failure);
      },
    );
  }

  #opened(session: S, generation: number): void {
    this.#backoff.reset();
    this.#session = session;
    this.#setStatus({ state: "open" });
    // A subscriber of `status` may have closed us already; then this session is not news any more.
    if (generation === this.#generation) this.#events.emit("open", session);
    session.closed.then(
      (end) => {
        if (generation !== this.#generation) return;
        this.#ended(end ?? {});
      },
      (error) => {
        if (generation !== this.#generation) return;
        this.#ended({ error: asError(error) });
      },
    );
  }

  #ended(end: SessionEnd): void {
    this.#session = undefined;
    if (end.kicked) this.#finish({ state: "kicked", ...end.kicked });
    else if (end.fatal) this.#finish(end.error ? { state: "closed", error: end.error } : { state: "closed" });
    else if (end.idle) this.#idle();
    else this.#retry(end.error);
  }

  #idle(): void {
    this.#controller = undefined;
    this.#setStatus({ state: "idle" });
  }

  #retry(error: Error | undefined): void {
    this.#controller = undefined;
    const delay = this.#backoff.next();
    const attempt = this.#backoff.attempt;
    const retryAt = this.#clock.now() + delay;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#attempt();
    }, delay);
    this.#setStatus(error ? { state: "retrying", attempt, retryAt, error } : { state: "retrying", attempt, retryAt });
  }
}
