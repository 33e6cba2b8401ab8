// Nothing held forever: the deadlines of one secured connection, from its first byte to its last ping.

import type { ErrorCode } from "../core/protocol/errors.ts";
import type { Watched } from "./deadlines.ts";

/** The timeouts a connection is held to (`crypto.handshakeTimeoutMs`, `server.limits.*`). */
export interface WatchLimits {
  handshakeTimeoutMs: number;
  loginTimeoutMs: number;
  keepAliveMs: number;
}

/** What the watch does to its connection. */
export interface WatchActions {
  /** Ends the connection, telling the peer why. */
  end(code: ErrorCode, message: string, reason: string): void;
  /** Sends the keep-alive ping push (PROTOCOL.md §11.3). */
  ping(): void;
  /**
   * A deadline may have come closer than `check` last answered (the handshake completed, a logout): the owner has
   * {@link Deadlines} look at the watch on its next sweep.
   */
  recheck?(): void;
}

/**
 * Holds one connection to its deadlines (PROTOCOL.md §11.3):
 *
 * - the handshake must complete within `handshakeTimeoutMs` of the connection;
 * - a secured connection must log in within `loginTimeoutMs` (again after a logout);
 * - after `keepAliveMs` without a record from the peer the server sends a ping push, which the client answers with
 *   any request (`ping` is the cheap one); after twice `keepAliveMs` without a record, the connection is closed.
 *
 * Driven by `check(now)` from the server's one sweep ({@link Deadlines}).
 */
export class ConnectionWatch implements Watched {
  #phase: "handshake" | "open" | "user" = "handshake";
  #since: number;
  #lastHeard: number;
  #pinged = false;
  #ended = false;
  readonly #limits: WatchLimits;
  readonly #actions: WatchActions;

  /**
   * @param limits The timeouts.
   * @param actions What to do when one expires.
   * @param now The time the connection was accepted.
   */
  constructor(limits: WatchLimits, actions: WatchActions, now: number) {
    this.#limits = limits;
    this.#actions = actions;
    this.#since = now;
    this.#lastHeard = now;
  }

  /** The handshake completed. */
  established(now: number): void {
    this.#phase = "open";
    this.#since = now;
    this.#lastHeard = now;
    this.#actions.recheck?.();
  }

  /** A record arrived. */
  heard(now: number): void {
    this.#lastHeard = now;
    this.#pinged = false;
  }

  /** The connection logged in: only the keep-alive applies now. */
  loggedIn(): void {
    this.#phase = "user";
  }

  /** The connection logged out: it must log in again within the login timeout. */
  loggedOut(now: number): void {
    if (this.#phase !== "user") return;
    this.#phase = "open";
    this.#since = now;
    this.#actions.recheck?.();
  }

  /** @returns When the next deadline falls, for {@link Deadlines} to look again then (nothing expires before). */
  check(now: number): number | undefined {
    if (this.#ended) return undefined;
    const limits = this.#limits;
    if (this.#phase === "handshake") {
      if (now - this.#since >= limits.handshakeTimeoutMs) {
        this.#end("timeout", `No completed handshake within ${limits.handshakeTimeoutMs} ms`, "handshake_timeout");
        return undefined;
      }
      return this.#since + limits.handshakeTimeoutMs;
    }
    if (this.#phase === "open" && now - this.#since >= limits.loginTimeoutMs) {
      const seconds = Math.round(limits.loginTimeoutMs / 1000);
      this.#end("login_timeout", `Not logged in within ${seconds} s; connect again to log in`, "login_timeout");
      return undefined;
    }
    const silent = now - this.#lastHeard;
    if (silent >= 2 * limits.keepAliveMs) {
      this.#end("timeout", `No answer to the server's ping for ${Math.round(silent / 1000)} s`, "keepalive_timeout");
      return undefined;
    } else if (silent >= limits.keepAliveMs && !this.#pinged) {
      this.#pinged = true;
      this.#actions.ping();
    }
    // A record heard since only moves these later: looking at the earlier time is enough (heard() needs no call).
    const keepAlive = this.#lastHeard + (this.#pinged ? 2 : 1) * limits.keepAliveMs;
    return this.#phase === "open" ? Math.min(keepAlive, this.#since + limits.loginTimeoutMs) : keepAlive;
  }

  #end(code: ErrorCode, message: string, reason: string): void {
    this.#ended = true;
    this.#actions.end(code, message, reason);
  }
}
