// The hub of one server process, in memory: who is logged in where, who watches whom, presence with a grace period.

import { encodeEnvelope } from "../../core/codec/envelope.ts";
import { PUSHES } from "../../core/protocol/registry.ts";
import type { Clock, TimerHandle } from "../../core/time/clock.ts";
import type { Logger } from "../log.ts";
import { errorFields } from "../rpc/errors.ts";
import { push } from "./push.ts";
import type { Hub, HubConnection, KickReason, LastSeenWriter, Push, Release } from "./types.ts";

/** Options of {@link LocalHub}. */
export interface LocalHubOptions {
  /** Time and timers; tests pass a FakeClock. */
  clock: Clock;
  /** How long a user stays online after their connection closed without logout (`server.presenceGraceMs`). */
  graceMs: number;
  /** Where going offline is recorded (the store's users). */
  lastSeen: LastSeenWriter;
  logger: Logger;
}

interface Claim {
  readonly connection: HubConnection;
  readonly deviceId: number | null;
}

/**
 * A {@link Hub} for one process: every connection is local, so delivery is a map lookup and a send.
 *
 * @example
 * ```ts
 * import { FakeClock } from "../../core/time/clock.ts";
 * import { createLogger } from "../log.ts";
 * import { LocalHub } from "./local.ts";
 * const hub = new LocalHub({
 *   clock: new FakeClock(),
 *   graceMs: 0,
 *   lastSeen: { setLastSeen: () => Promise.resolve() },
 *   logger: createLogger("silent"),
 * });
 * await hub.isOnline(1); // false
 * ```
 */
export class LocalHub implements Hub {
  readonly #claims = new Map<number, Claim>();
  readonly #userOf = new Map<HubConnection, number>();
  /** Who watches a user, and whom a connection watches: the two directions of one relation. */
  readonly #watchers = new Map<number, Set<HubConnection>>();
  readonly #watching = new Map<HubConnection, Set<number>>();
  readonly #graceTimers = new Map<number, TimerHandle>();
  /** Presence work started where nobody can await it (a closed connection, a grace timer), until it settles. */
  readonly #background = new Set<Promise<void>>();
  readonly #clock: Clock;
  readonly #graceMs: number;
  readonly #lastSeen: LastSeenWriter;
  readonly #logger: Logger;

  /**
   * @param options Clock, grace period, last-seen writer and logger.
   * @throws {RangeError} When `graceMs` is negative or not a number.
   */
  constructor(options: LocalHubOptions) {
    if (!(options.graceMs >= 0)) throw new RangeError(`graceMs must be 0 or more, not ${options.graceMs}`);
    this.#clock = options.clock;
    this.#graceMs = options.graceMs;
    this.#lastSeen = options.lastSeen;
    this.#logger = options.logger;
  }

  deliver(userIds: Iterable<number>, message: Push): Promise<void> {
    // Encoded once for everyone, and only if someone is logged in; one recipient (a 1:1 push) needs no set.
    let bytes: Uint8Array | undefined;
    const once = Array.isArray(userIds) && userIds.length < 2 ? userIds : new Set(userIds);
    for (const userId of once) {
      const claim = this.#claims.get(userId);
      if (claim) claim.connection.write(bytes ??= frame(message));
    }
    return Promise.resolve();
  }

  claim(userId: number, connection: HubConnection, deviceId: number | null): Promise<void> {
    const older = this.#claims.get(userId);
    const wasOnline = this.#isOnline(userId);
    const grace = this.#graceTimers.get(userId);
    if (grace !== undefined) {
      this.#clock.clearTimeout(grace);
      this.#graceTimers.delete(userId);
    }
    this.#claims.set(userId, { connection, deviceId });
    this.#userOf.set(connection, userId);
    if (older && older.connection !== connection) {
      this.#userOf.delete(older.connection);
      this.#unwatch(older.connection);
      const fields = { user: userId, old: older.connection.remoteAddress, new: connection.remoteAddress };
      if (deviceId !== null && older.deviceId === deviceId) {
        // The device reconnected before the server noticed its old connection was gone: nobody to tell.
        this.#logger.info("audit", { action: "replace", device: deviceId, ...fields });
        void older.connection.close("replaced");
      } else {
        this.#logger.info("audit", { action: "kick", ...fields });
        this.#kick(older.connection, connection.remoteAddress, "elsewhere");
      }
    }
    if (!wasOnline) this.#announce(userId, true, null);
    return Promise.resolve();
  }

  async release(connection: HubConnection, how: Release): Promise<void> {
    this.#unwatch(connection);
    const userId = this.#userOf.get(connection);
    if (userId === undefined) return;
    this.#userOf.delete(connection);
    if (this.#claims.get(userId)?.connection === connection) this.#claims.delete(userId);
    if (how === "logout") return await this.#offline(userId);
    if (this.#graceMs === 0) return this.#inBackground(userId, this.#offline(userId));
    const earlier = this.#graceTimers.get(userId);
    if (earlier !== undefined) this.#clock.clearTimeout(earlier);
    this.#graceTimers.set(
      userId,
      this.#clock.setTimeout(() => {
        this.#graceTimers.delete(userId);
        if (!this.#claims.has(userId)) this.#inBackground(userId, this.#offline(userId));
      }, this.#graceMs),
    );
  }

  kick(userId: number, deviceId: number, reason: KickReason, address: string): Promise<boolean> {
    const claim = this.#claims.get(userId);
    if (!claim || claim.deviceId !== deviceId) return Promise.resolve(false);
    this.#logger.info("audit", { action: "kick", user: userId, device: deviceId, reason, by: address });
    this.#kick(claim.connection, address, reason);
    return Promise.resolve(true);
  }

  isOnline(userId: number): Promise<boolean> {
    return Promise.resolve(this.#isOnline(userId));
  }

  onlineCount(): Promise<number> {
    // A claim cancels the user's grace timer and a grace timer starts only once the claim is gone, so the two never
    // hold the same user; counting the overlap anyway keeps the answer right should that ever change.
    let count = this.#claims.size;
    for (const userId of this.#graceTimers.keys()) if (!this.#claims.has(userId)) count++;
    return Promise.resolve(count);
  }

  watch(connection: HubConnection, userIds: readonly number[]): Promise<void> {
    this.#unwatch(connection);
    // A connection without a login would never be released, so what it watched would never be forgotten.
    if (!this.#userOf.has(connection) || userIds.length === 0) return Promise.resolve();
    const watched = new Set(userIds);
    this.#watching.set(connection, watched);
    for (const userId of watched) {
      let watchers = this.#watchers.get(userId);
      if (!watchers) this.#watchers.set(userId, watchers = new Set());
      watchers.add(connection);
    }
    return Promise.resolve();
  }

  unwatchPair(a: number, b: number): Promise<void> {
    for (const [user, other] of [[a, b], [b, a]]) {
      const connection = this.#claims.get(user)?.connection;
      if (!connection) continue;
      this.#watching.get(connection)?.delete(other);
      this.#watchers.get(other)?.delete(connection);
    }
    return Promise.resolve();
  }

  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.all(this.#background);
  }

  async close(): Promise<void> {
    const online = new Set([...this.#graceTimers.keys(), ...this.#claims.keys()]);
    for (const timer of this.#graceTimers.values()) this.#clock.clearTimeout(timer);
    this.#graceTimers.clear();
    await this.idle();
    const at = this.#clock.now();
    for (const userId of online) await this.#lastSeen.setLastSeen(userId, at);
  }

  #isOnline(userId: number): boolean {
    return this.#claims.has(userId) || this.#graceTimers.has(userId);
  }

  /** Tells the connection who took its place and why (the `kicked` push), then closes it. */
  #kick(connection: HubConnection, address: string, reason: KickReason): void {
    connection.write(frame(push(PUSHES.kicked, { at: this.#clock.now(), address, reason })));
    void connection.close("kicked");
  }

  #unwatch(connection: HubConnection): void {
    const watched = this.#watching.get(connection);
    if (!watched) return;
    this.#watching.delete(connection);
    for (const userId of watched) {
      const watchers = this.#watchers.get(userId);
      watchers?.delete(connection);
      if (watchers?.size === 0) this.#watchers.delete(userId);
    }
  }

  /** Pushes a presence change to the connections that watch the user. */
  #announce(userId: number, online: boolean, lastSeenAt: number | null): void {
    const watchers = this.#watchers.get(userId);
    if (!watchers) return;
    const bytes = frame(push(PUSHES.presence, { userId, online, lastSeenAt }));
    for (const connection of watchers) connection.write(bytes);
  }

  /**
   * Marks the user offline: the last-seen time is stored, then the change pushed, unless it has stopped being true
   * while the store answered (the user came back): a push that lost that race would leave watchers with the wrong
   * state, while the push of the change that won tells them the right one.
   */
  async #offline(userId: number): Promise<void> {
    if (this.#isOnline(userId)) return;
    const at = this.#clock.now();
    await this.#lastSeen.setLastSeen(userId, at);
    if (this.#isOnline(userId)) return;
    this.#announce(userId, false, at);
  }

  /** Tracks work nobody awaits, so idle() and close() can, and logs its failure: there is no caller to tell. */
  #inBackground(userId: number, work: Promise<void>): void {
    // Logged, not rethrown: a closed connection or a timer has no caller to tell, and the next change pushes again.
    const tracked = work.catch((error) =>
      this.#logger.error("presence_failed", { user: userId, ...errorFields(error) })
    ).finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }
}

/** The bytes of a push: an envelope with id 0 (PROTOCOL.md §3). */
function frame(message: Push): Uint8Array {
  return encodeEnvelope({ opcode: message.opcode, id: 0, body: message.body });
}
