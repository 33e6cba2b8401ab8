// Who is logged in where, and presence with a grace period (PROTOCOL.md §10.4-10.5).

import { encodeEnvelope } from "../../core/codec/envelope.ts";
import type { Value } from "../../core/codec/value.ts";
import { Op } from "../../core/protocol/opcodes.ts";
import { type Clock, systemClock, type TimerHandle } from "../../core/time/clock.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/types.ts";
import type { Connection } from "../transport/connection.ts";

/** Told when a connection logs in or out. */
export interface SessionListener {
  loggedIn(connection: Connection): void;
  loggedOut(connection: Connection): void;
}

/**
 * The logged-in connection of every online account, and the presence that
 * follows from it. One login per account: `attach` replaces and kicks an older
 * connection.
 */
export class Sessions {
  readonly #byUser = new Map<number, Connection>();
  readonly #userOf = new Map<Connection, number>();
  readonly #graceTimers = new Map<number, TimerHandle>();
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #graceMs: number;
  readonly #clock: Clock;
  readonly #listener: SessionListener | undefined;

  /**
   * @param options `store`, `logger`, `graceMs` (presence grace period), `clock` (time and timers; tests pass a fake
   *   one) and `listener` (told when a connection logs in or out: the server's admission and deadlines treat
   *   logged-in connections differently).
   */
  constructor(
    options: { store: Store; logger: Logger; graceMs: number; clock?: Clock; listener?: SessionListener },
  ) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#graceMs = options.graceMs;
    this.#clock = options.clock ?? systemClock;
    this.#listener = options.listener;
  }

  /** The user logged in on `connection`, if any. */
  userOf(connection: Connection): number | undefined {
    return this.#userOf.get(connection);
  }

  /** Whether the account counts as online (logged in, or within the grace period after a drop). */
  isOnline(userId: number): boolean {
    return this.#byUser.has(userId) || this.#graceTimers.has(userId);
  }

  /** The logged-in connection of a user, if any. */
  connectionOf(userId: number): Connection | undefined {
    return this.#byUser.get(userId);
  }

  /**
   * Logs `userId` in on `connection`. An older connection of the same account is told why and closed; presence
   * goes online only if the account was offline.
   */
  attach(userId: number, connection: Connection): void {
    const older = this.#byUser.get(userId);
    const wasOnline = this.isOnline(userId);
    const grace = this.#graceTimers.get(userId);
    if (grace !== undefined) {
      this.#clock.clearTimeout(grace);
      this.#graceTimers.delete(userId);
    }
    this.#byUser.set(userId, connection);
    this.#userOf.set(connection, userId);
    this.#listener?.loggedIn(connection);
    if (older && older !== connection) {
      this.#userOf.delete(older);
      this.#logger.info("audit", {
        action: "kick",
        user: userId,
        old: older.remoteAddress,
        new: connection.remoteAddress,
      });
      older.write(encodeEnvelope({
        opcode: Op.kicked,
        id: 0,
        body: { at: this.#clock.now(), address: connection.remoteAddress },
      }));
      void older.close("kicked");
    }
    if (!wasOnline) this.#broadcast(userId, true, null);
  }

  /** Explicit logout: offline at once. */
  logout(connection: Connection): void {
    const userId = this.#detach(connection);
    if (userId === undefined) return;
    this.#listener?.loggedOut(connection);
    this.#offline(userId);
  }

  /** The connection ended: offline after the grace period unless the user logs in again meanwhile. */
  dropped(connection: Connection): void {
    const userId = this.#detach(connection);
    if (userId === undefined) return;
    if (this.#graceMs === 0) return this.#offline(userId);
    this.#graceTimers.set(
      userId,
      this.#clock.setTimeout(() => {
        this.#graceTimers.delete(userId);
        if (!this.#byUser.has(userId)) this.#offline(userId);
      }, this.#graceMs),
    );
  }

  /** Cancels timers (server shutdown); users are marked as last seen now. */
  close(): void {
    for (const [userId, timer] of this.#graceTimers) {
      this.#clock.clearTimeout(timer);
      this.#store.users.setLastSeen(userId, this.#clock.now());
    }
    this.#graceTimers.clear();
    for (const userId of this.#byUser.keys()) this.#store.users.setLastSeen(userId, this.#clock.now());
  }

  /** Sends a push to every logged-in contact of `userId`. */
  pushToContacts(userId: number, opcode: number, body: Value): void {
    const frame = encodeEnvelope({ opcode, id: 0, body });
    for (const contact of this.#store.social.contactsOf(userId)) this.#byUser.get(contact)?.write(frame);
  }

  #detach(connection: Connection): number | undefined {
    const userId = this.#userOf.get(connection);
    if (userId === undefined) return undefined;
    this.#userOf.delete(connection);
    if (this.#byUser.get(userId) === connection) this.#byUser.delete(userId);
    return userId;
  }

  #offline(userId: number): void {
    if (this.#byUser.has(userId)) return;
    const at = this.#clock.now();
    this.#store.users.setLastSeen(userId, at);
    this.#broadcast(userId, false, at);
  }

  #broadcast(userId: number, online: boolean, lastSeenAt: number | null): void {
    this.pushToContacts(userId, Op.presence, { userId, online, lastSeenAt });
  }
}
