// The SQLite friends repository: friendships, friend requests with their notes, and blocks.

import type { DatabaseSync, StatementSync } from "node:sqlite";
import { FriendRequestExistsError } from "./errors.ts";
import {
  expectChanged,
  ids,
  integer,
  isUniqueViolation,
  oneOf,
  returned,
  type Row,
  type RunSync,
  textOrNull,
  toUser,
} from "./_sqlite_rows.ts";
import type { BlockedUserRecord, FriendRepository, FriendRequestRecord, UserRecord } from "./types.ts";

/**
 * Prepares the friends repository's statements on a connection, once.
 *
 * @param db The store's connection.
 * @returns The statements.
 */
export function prepareFriendStatements(db: DatabaseSync) {
  return {
    friendsOf: db.prepare(
      `SELECT * FROM users WHERE id IN (
         SELECT user_b FROM friendships WHERE user_a = :userId
         UNION SELECT user_a FROM friendships WHERE user_b = :userId
       ) ORDER BY id`,
    ),
    friendIdsOf: db.prepare(
      `SELECT user_b AS id FROM friendships WHERE user_a = :userId
       UNION SELECT user_a FROM friendships WHERE user_b = :userId
       ORDER BY id`,
    ),
    openRequestsFor: db.prepare(
      `SELECT * FROM friend_requests WHERE to_user = :userId AND status IN ('pending', 'deferred')
       ORDER BY created_at, id`,
    ),
    // ON CONFLICT DO NOTHING, not INSERT OR IGNORE: OR IGNORE would also swallow CHECK and NOT NULL failures.
    addFriendship: db.prepare(
      `INSERT INTO friendships (user_a, user_b, created_at) VALUES (:a, :b, :at)
       ON CONFLICT (user_a, user_b) DO NOTHING`,
    ),
    areFriends: db.prepare("SELECT 1 AS yes FROM friendships WHERE user_a = :a AND user_b = :b"),
    removeFriendship: db.prepare("DELETE FROM friendships WHERE user_a = :a AND user_b = :b"),
    createFriendRequest: db.prepare(
      `INSERT INTO friend_requests (from_user, to_user, status, note, created_at, updated_at)
       VALUES (:fromUser, :toUser, 'pending', :note, :at, :at) RETURNING *`,
    ),
    friendRequestById: db.prepare("SELECT * FROM friend_requests WHERE id = :id"),
    friendRequestByPair: db.prepare("SELECT * FROM friend_requests WHERE from_user = :fromUser AND to_user = :toUser"),
    setFriendRequestStatus: db.prepare(
      "UPDATE friend_requests SET status = :status, updated_at = :at WHERE id = :id",
    ),
    reopenFriendRequest: db.prepare(
      `UPDATE friend_requests SET status = 'pending', note = :note, created_at = :at, updated_at = :at
       WHERE id = :id RETURNING *`,
    ),
    deleteOpenRequestsBetween: db.prepare(
      `DELETE FROM friend_requests WHERE status IN ('pending', 'deferred')
       AND ((from_user = :a AND to_user = :b) OR (from_user = :b AND to_user = :a))`,
    ),
    block: db.prepare(
      `INSERT INTO blocks (blocker, blocked, created_at) VALUES (:blocker, :blocked, :at)
       ON CONFLICT (blocker, blocked) DO NOTHING`,
    ),
    unblock: db.prepare("DELETE FROM blocks WHERE blocker = :blocker AND blocked = :blocked"),
    isBlocked: db.prepare("SELECT 1 AS yes FROM blocks WHERE blocker = :blocker AND blocked = :blocked"),
    blockedBy: db.prepare(
      `SELECT users.*, blocks.created_at AS blocked_at FROM blocks JOIN users ON users.id = blocks.blocked
       WHERE blocks.blocker = :blocker ORDER BY blocks.created_at DESC, users.id`,
    ),
    blockedEither: db.prepare(
      `SELECT blocked AS id FROM blocks WHERE blocker = :user UNION SELECT blocker FROM blocks WHERE blocked = :user
       ORDER BY id`,
    ),
  } satisfies Record<string, StatementSync>;
}

/** The friends repository's statements on one connection. */
export type FriendStatements = ReturnType<typeof prepareFriendStatements>;

function toFriendRequest(row: Row): FriendRequestRecord {
  return {
    id: integer(row, "id"),
    fromUser: integer(row, "from_user"),
    toUser: integer(row, "to_user"),
    status: oneOf(row, "status", ["pending", "accepted", "rejected", "deferred"]),
    note: textOrNull(row, "note"),
    createdAt: integer(row, "created_at"),
    updatedAt: integer(row, "updated_at"),
  };
}

/** A friendship's row holds the smaller id first. */
function pair(a: number, b: number): { a: number; b: number } {
  return { a: Math.min(a, b), b: Math.max(a, b) };
}

/** The friends repository over one way of running statements (the store's lock, or a transaction). */
export class SqliteFriendRepository implements FriendRepository {
  readonly #run: RunSync;
  readonly #s: FriendStatements;

  /**
   * @param run Runs a statement under the store's lock or in a transaction.
   * @param statements Prepared by {@link prepareFriendStatements} on the store's connection.
   */
  constructor(run: RunSync, statements: FriendStatements) {
    this.#run = run;
    this.#s = statements;
  }

  friendsOf(userId: number): Promise<UserRecord[]> {
    return this.#run("list friends", () => this.#s.friendsOf.all({ userId }).map(toUser));
  }

  friendIdsOf(userId: number): Promise<number[]> {
    return this.#run("list friends", () => ids(this.#s.friendIdsOf.all({ userId })));
  }

  openRequestsFor(userId: number): Promise<FriendRequestRecord[]> {
    return this.#run("list friend requests", () => this.#s.openRequestsFor.all({ userId }).map(toFriendRequest));
  }

  addFriendship(a: number, b: number, at: number): Promise<void> {
    return this.#run("add friendship", () => {
      this.#s.addFriendship.run({ ...pair(a, b), at });
    });
  }

  areFriends(a: number, b: number): Promise<boolean> {
    return this.#run("check friendship", () => this.#s.areFriends.get(pair(a, b)) !== undefined);
  }

  removeFriendship(a: number, b: number): Promise<boolean> {
    return this.#run("remove friendship", () => Number(this.#s.removeFriendship.run(pair(a, b)).changes) === 1);
  }

  createFriendRequest(
    fromUser: number,
    toUser: number,
    at: number,
    note: string | null = null,
  ): Promise<FriendRequestRecord> {
    return this.#run("create friend request", () => {
      try {
        return toFriendRequest(returned(this.#s.createFriendRequest.get({ fromUser, toUser, note, at })));
      } catch (err) {
        if (!isUniqueViolation(err, "friend_requests.from_user, friend_requests.to_user")) throw err;
        const existing = this.#s.friendRequestByPair.get({ fromUser, toUser });
        throw new FriendRequestExistsError(fromUser, toUser, integer(returned(existing), "id"), { cause: err });
      }
    });
  }

  setFriendRequestStatus(id: number, status: FriendRequestRecord["status"], at: number): Promise<void> {
    return this.#run(
      "set friend request status",
      () => expectChanged(this.#s.setFriendRequestStatus.run({ id, status, at }), "friend_requests", id),
    );
  }

  findRequest(id: number): Promise<FriendRequestRecord | undefined> {
    return this.#run("find friend request", () => {
      const row = this.#s.friendRequestById.get({ id });
      return row === undefined ? undefined : toFriendRequest(row);
    });
  }

  requestBetween(fromUser: number, toUser: number): Promise<FriendRequestRecord | undefined> {
    return this.#run("find friend request", () => {
      const row = this.#s.friendRequestByPair.get({ fromUser, toUser });
      return row === undefined ? undefined : toFriendRequest(row);
    });
  }

  reopenFriendRequest(id: number, note: string | null, at: number): Promise<FriendRequestRecord> {
    return this.#run("reopen friend request", () => {
      const row = this.#s.reopenFriendRequest.get({ id, note, at });
      if (row === undefined) expectChanged({ changes: 0 }, "friend_requests", id);
      return toFriendRequest(returned(row));
    });
  }

  deleteOpenRequestsBetween(a: number, b: number): Promise<number> {
    return this.#run("delete friend requests", () => Number(this.#s.deleteOpenRequestsBetween.run({ a, b }).changes));
  }

  block(blocker: number, blocked: number, at: number): Promise<void> {
    return this.#run("block user", () => {
      this.#s.block.run({ blocker, blocked, at });
    });
  }

  unblock(blocker: number, blocked: number): Promise<boolean> {
    return this.#run("unblock user", () => Number(this.#s.unblock.run({ blocker, blocked }).changes) === 1);
  }

  isBlocked(blocker: number, blocked: number): Promise<boolean> {
    return this.#run("check block", () => this.#s.isBlocked.get({ blocker, blocked }) !== undefined);
  }

  blockedEither(userId: number): Promise<number[]> {
    return this.#run(
      "list blocks either way",
      () => this.#s.blockedEither.all({ user: userId }).map((row) => integer(row, "id")),
    );
  }

  blockedBy(blocker: number): Promise<BlockedUserRecord[]> {
    return this.#run(
      "list blocked users",
      () =>
        this.#s.blockedBy.all({ blocker }).map((row) => ({
          user: toUser(row),
          blockedAt: integer(row, "blocked_at"),
        })),
    );
  }
}
