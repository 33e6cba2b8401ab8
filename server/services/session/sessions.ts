// Who is logged in where, and presence with a grace period (PROTOCOL.md §10.4-10.5).

import { encodeEnvelope } from "../../../core/codec/envelope.ts";
import type { Value } from "../../../core/codec/value.ts";
import { Op } from "../../../core/protocol/opcodes.ts";
import { type Clock, systemClock, type TimerHandle } from "../../../core/time/clock.ts";
import type { Logger } from "../../log.ts";
import type { Store } from "../../store/types.ts";
import type { Connection } from "../../transport/connection.ts";

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
  /** Presence work started where nobody can await it (a dropped connection, a grace timer), until it settles. */
  readonly #background = new Set<Promise<void>>();
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
   * goes online only if the account was offline. Who is logged in where changes at once; the returned promise
   * settles once the presence push has gone out.
   */
  async attach(userId: number, connection: Connection): Promise<void> {
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
      older.send(encodeEnvelope({
        opcode: Op.kicked,
        id: 0,
        body: { at: this.#clock.now(), address: connection.remoteAddress },
      }));
      void older.close("kicked");
    }
    if (!wasOnline) await this.#broadcast(userId, true, null);
  }

  /** Explicit logout: offline at once (the returned promise settles once last-seen is stored and pushed). */
  async logout(connection: Connection): Promise<void> {
    const userId = this.#detach(connection);
    if (userId === undefined) return;
    this.#listener?.loggedOut(connection);
    await this.#offline(userId);
  }

  /** The connection ended: offline after the grace period unless the user logs in again meanwhile. */
  dropped(connection: Connection): void {
    const userId = this.#detach(connection);
    if (userId === undefined) return;
    if (this.#graceMs === 0) return this.#inBackground(userId, this.#offline(userId));
    this.#graceTimers.set(
      userId,
      this.#clock.setTimeout(() => {
        this.#graceTimers.delete(userId);
        if (!this.#byUser.has(userId)) this.#inBackground(userId, this.#offline(userId));
      }, this.#graceMs),
    );
  }

  /**
   * Settles once the presence work that `dropped` and grace timers started so far has finished: what a caller that
   * drops a connection (or moves a fake clock) awaits before looking at pushes or last-seen times.
   */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.all(this.#background);
  }

  /** Cancels timers and finishes presence work (server shutdown); users still online are marked as last seen now. */
  async close(): Promise<void> {
    const online = [...this.#graceTimers.keys(), ...this.#byUser.keys()];
    for (const timer of this.#graceTimers.values()) this.#clock.clearTimeout(timer);
    this.#graceTimers.clear();
    await this.idle();
    const at = this.#clock.now();
    for (const userId of online) await this.#store.users.setLastSeen(userId, at);
  }

  /**
   * Sends a push to every logged-in contact of `userId`: friends and room co-members. Who counts as a contact is
   * this service's rule, so it asks the store for both and joins them here.
   */
  async pushToContacts(userId: number, opcode: number, body: Value): Promise<void> {
    this.#pushTo(await this.#contactsOf(userId), encodeEnvelope({ opcode, id: 0, body }));
  }

  async #contactsOf(userId: number): Promise<Set<number>> {
    const [friends, coMembers] = await Promise.all([
      this.#store.friends.friendIdsOf(userId),
      this.#store.rooms.coMemberIdsOf(userId),
    ]);
    return new Set([...friends, ...coMembers]);
  }

  #pushTo(userIds: Iterable<number>, frame: Uint8Array): void {
    for (const contact of userIds) this.#byUser.get(contact)?.send(frame);
  }

  /** Tracks work nobody awaits, so idle() and close() can, and logs its failure: there is no caller to tell. */
  #inBackground(userId: number, work: Promise<void>): void {
    // Logged, not rethrown: a dropped connection or a timer has no caller to tell, and the next change pushes again.
    const tracked = work.catch((error) => this.#logger.error("presence_failed", { user: userId, error: String(error) }))
      .finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }

  #detach(connection: Connection): number | undefined {
    const userId = this.#userOf.get(connection);
    if (userId === undefined) return undefined;
    this.#userOf.delete(connection);
    if (this.#byUser.get(userId) === connection) this.#byUser.delete(userId);
    return userId;
  }

  async #offline(userId: number): Promise<void> {
    if (this.#byUser.has(userId)) return;
    const at = this.#clock.now();
    await this.#store.users.setLastSeen(userId, at);
    await this.#broadcast(userId, false, at);
  }

  /**
   * Pushes a presence change once the contacts are known, unless it has stopped being true meanwhile (the user came
   * back, or left again, while the store answered): a push that lost the race would leave contacts with the
   * wrong state, while the push of the change that won tells them the right one.
   */
  async #broadcast(userId: number, online: boolean, lastSeenAt: number | null): Promise<void> {
    const contacts = await this.#contactsOf(userId);
    if (this.isOnline(userId) !== online) return;
    this.#pushTo(contacts, encodeEnvelope({ opcode: Op.presence, id: 0, body: { userId, online, lastSeenAt } }));
  }
}
