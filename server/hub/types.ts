// The hub: delivery of pushes to users, the one login of each account, and presence by subscription.
//
// One process holds its connections; the hub is what knows which user is logged in on which of them and who watches
// whom. The local hub (local.ts) keeps that in memory; a hub over a message bus (NATS) implements the same interface
// for several server processes, which is why every method returns a promise. Both run hub_suite.ts.

import type { Value } from "../../core/codec/value.ts";
import type { KICK_REASONS } from "../../core/protocol/ops/session.ts";

/** A connection as the hub sees it: where its pushes go, and how it ends. */
export interface HubConnection {
  /** Unique per server process, for logs. */
  readonly id: number;
  /** The peer's `host:port`, told to a connection that is kicked by a login from there. */
  readonly remoteAddress: string;
  /** Queues one envelope; never blocks, does nothing once the connection is closing. */
  write(payload: Uint8Array): void;
  /** Sends what is queued, then closes; the first reason wins. */
  close(reason: string, wsCode?: number): Promise<void>;
}

/** A push ready for delivery: an opcode of the registry's PUSHES and its body (see push.ts). */
export interface Push {
  readonly opcode: number;
  readonly body: Value;
}

/** Why a login is ended by the server (PROTOCOL.md §10.4). */
export type KickReason = (typeof KICK_REASONS)[number];

/** How a connection lets go of its login: `logout` goes offline at once, `closed` after the grace period. */
export type Release = "logout" | "closed";

/** Where the hub writes when a user was last seen (the store's users). */
export interface LastSeenWriter {
  setLastSeen(userId: number, at: number): Promise<void>;
}

/**
 * Delivery, logins and presence for every connection of the server.
 *
 * Presence (PROTOCOL.md §10.5): a user is online from a claim until a `logout` release, or until the grace period
 * after a `closed` release unless a new claim comes first. Each change is pushed as `presence` to the connections that
 * watch the user, and to nobody else; going offline writes the last-seen time first.
 */
export interface Hub {
  /** Sends `push` to the logged-in connection of each of `userIds` (users not logged in are skipped). */
  deliver(userIds: Iterable<number>, push: Push): Promise<void>;
  /**
   * Makes `connection` the one login of `userId` (PROTOCOL.md §10.4). An older connection of the account is closed:
   * silently when it holds the same remembered device (`deviceId` not null), which replaces its stale connection;
   * otherwise told first with a `kicked` push `{ at, address: connection.remoteAddress, reason: "elsewhere" }`.
   * Presence goes online only if the account was offline; the returned promise settles once that is pushed.
   */
  claim(userId: number, connection: HubConnection, deviceId: number | null): Promise<void>;
  /**
   * The connection lets go of its login and of what it watches. Nothing happens to presence when it holds no login
   * (never logged in, or kicked). `logout` settles once the offline change is stored and pushed.
   */
  release(connection: HubConnection, how: Release): Promise<void>;
  /**
   * Ends the login that `userId` holds with the remembered device `deviceId`, if any: a `kicked` push with `reason`,
   * `at` now and `address`, then the close. The login is let go when the connection's close releases it.
   *
   * @returns Whether a connection was kicked.
   */
  kick(userId: number, deviceId: number, reason: KickReason, address: string): Promise<boolean>;
  /** Whether the user counts as online: logged in, or within the grace period after a close. */
  isOnline(userId: number): Promise<boolean>;
  /** How many users count as online, as `isOnline` counts them: the lobby's count (PROTOCOL.md §13.4). */
  onlineCount(): Promise<number>;
  /**
   * Replaces the set of users `connection` watches (an empty list watches nobody). Only a connection that holds a
   * login may watch; for any other this does nothing.
   */
  watch(connection: HubConnection, userIds: readonly number[]): Promise<void>;
  /**
   * Stops the logged-in connection of each of the two users from watching the other (a block between them,
   * PROTOCOL.md §12.3): what each watches otherwise stays.
   */
  unwatchPair(a: number, b: number): Promise<void>;
  /** Settles once the presence work started by grace timers and `closed` releases so far has finished. */
  idle(): Promise<void>;
  /** Shutdown: timers cancelled, and every user still online (or in a grace period) marked as last seen now. */
  close(): Promise<void>;
}
