// The SQLite store: opens the database safely, migrates it, and implements the repositories with cached statements.

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { FriendRequestExistsError, messageOf, RecordNotFoundError, StoreError, UsernameTakenError } from "./errors.ts";
import { assertSchemaSupported, migrate, schemaVersion } from "./migrations/mod.ts";
import type {
  FriendRequestRecord,
  InviteRecord,
  InviteRepository,
  NewUser,
  RoomRecord,
  SocialRepository,
  Store,
  UserRecord,
  UserRepository,
} from "./types.ts";

/** SQLite extended result code for a UNIQUE constraint failure. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/**
 * Opens a SQLite database configured the way the store needs it, and
 * migrates it to the newest schema. Pragmas are per connection, so they are
 * set on every open:
 *
 * - `busy_timeout=5000`: wait for another connection's lock instead of failing at once.
 * - `foreign_keys=ON`: SQLite leaves foreign keys unenforced unless asked.
 * - `synchronous=FULL`: a commit is fsynced before it returns, so a write
 *   acknowledged to a client survives a crash of the process and, in WAL
 *   mode, also a power loss (NORMAL would only survive the former).
 * - `journal_mode=WAL`: readers do not block the writer. Set after the
 *   schema check so a database from a newer Mimi is refused untouched.
 * - A write transaction is begun and committed once, so that a database
 *   another program keeps locked fails here (`SQLITE_BUSY`).
 *
 * Exported for tests that inspect the connection; the services use
 * {@linkcode openSqliteStore}.
 *
 * @param path File path, or `:memory:` for a private in-memory database.
 * @returns The open, migrated database.
 * @throws {SchemaTooNewError} The database was written by a newer Mimi.
 * @throws {StoreError} The file cannot be opened or configured.
 *
 * @example
 * ```ts
 * import { openDatabase } from "./sqlite.ts";
 * const db = openDatabase(":memory:");
 * db.close();
 * ```
 */
export function openDatabase(path: string): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (err) {
    throw new StoreError(`Cannot open database ${path}: ${messageOf(err)}`, { cause: err });
  }
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA synchronous = FULL");
    // A build without foreign key support ignores the pragma silently; refuse rather than run unenforced.
    if (db.prepare("PRAGMA foreign_keys").get()?.foreign_keys !== 1) {
      throw new StoreError(`Cannot enable foreign keys on ${path}`);
    }
    assertSchemaSupported(db);
    const mode = db.prepare("PRAGMA journal_mode = WAL").get()?.journal_mode;
    // In-memory databases report "memory": they have no journal file to put in WAL mode.
    if (mode !== "wal" && !(isInMemory(path) && mode === "memory")) {
      throw new StoreError(`Cannot switch ${path} to WAL journal mode: it stays in ${String(mode)} mode`);
    }
    migrate(db);
    // Take the write lock once now: a database another program holds (busy_timeout and all) is reported at start,
    // not at the first registration. In WAL mode reading it would succeed and hide the problem.
    db.exec("BEGIN IMMEDIATE");
    db.exec("COMMIT");
    return db;
  } catch (err) {
    db.close();
    throw err instanceof StoreError
      ? err
      : new StoreError(`Cannot prepare database ${path}: ${messageOf(err)}`, { cause: err });
  }
}

/**
 * Opens (creating if needed) the Mimi store in a SQLite file and migrates it.
 * The store is synchronous and owns its connection until {@linkcode Store.close}.
 *
 * @param path File path, or `:memory:` for a throwaway store (tests).
 * @returns The open store.
 * @throws {SchemaTooNewError} The database was written by a newer Mimi.
 * @throws {StoreError} The file cannot be opened, configured or migrated.
 *
 * @example
 * ```ts
 * import { openSqliteStore } from "./sqlite.ts";
 * const store = openSqliteStore(":memory:");
 * const alice = store.users.create({
 *   username: "Alice",
 *   usernameKey: "alice",
 *   nickname: "爱丽丝",
 *   registrationRecord: new Uint8Array([1, 2, 3]),
 *   createdAt: Date.now(),
 * });
 * store.users.findByKey("alice")?.id === alice.id; // true
 * store.close();
 * ```
 */
export function openSqliteStore(path: string): Store {
  return new SqliteStore(openDatabase(path));
}

function isInMemory(path: string): boolean {
  return path === ":memory:" || path === "";
}

/** Every statement the repositories run, prepared once per connection. */
function prepareStatements(db: DatabaseSync) {
  return {
    insertUser: db.prepare(
      `INSERT INTO users (username, username_key, nickname, registration_record, created_at)
       VALUES (:username, :usernameKey, :nickname, :registrationRecord, :createdAt)
       RETURNING *`,
    ),
    userByKey: db.prepare("SELECT * FROM users WHERE username_key = :usernameKey"),
    userById: db.prepare("SELECT * FROM users WHERE id = :id"),
    setNickname: db.prepare("UPDATE users SET nickname = :nickname WHERE id = :id"),
    setRegistrationRecord: db.prepare("UPDATE users SET registration_record = :record WHERE id = :id"),
    setFont: db.prepare("UPDATE users SET font_family = :family, font_size = :size WHERE id = :id"),
    setLastSeen: db.prepare("UPDATE users SET last_seen_at = :at WHERE id = :id"),

    friendsOf: db.prepare(
      `SELECT * FROM users WHERE id IN (
         SELECT user_b FROM friendships WHERE user_a = :userId
         UNION SELECT user_a FROM friendships WHERE user_b = :userId
       ) ORDER BY id`,
    ),
    roomsOf: db.prepare(
      `SELECT rooms.* FROM rooms JOIN room_members ON room_members.room_id = rooms.id
       WHERE room_members.user_id = :userId ORDER BY rooms.id`,
    ),
    openRequestsFor: db.prepare(
      `SELECT * FROM friend_requests WHERE to_user = :userId AND status IN ('pending', 'deferred')
       ORDER BY created_at, id`,
    ),
    // UNION (not UNION ALL) removes duplicates: a friend who is also a room co-member appears once.
    contactsOf: db.prepare(
      `SELECT user_b AS id FROM friendships WHERE user_a = :userId
       UNION SELECT user_a FROM friendships WHERE user_b = :userId
       UNION SELECT other.user_id FROM room_members AS mine
         JOIN room_members AS other ON other.room_id = mine.room_id
         WHERE mine.user_id = :userId AND other.user_id <> :userId
       ORDER BY id`,
    ),
    // ON CONFLICT DO NOTHING, not INSERT OR IGNORE: OR IGNORE would also swallow CHECK and NOT NULL failures.
    addFriendship: db.prepare(
      `INSERT INTO friendships (user_a, user_b, created_at) VALUES (:a, :b, :at)
       ON CONFLICT (user_a, user_b) DO NOTHING`,
    ),
    createRoom: db.prepare(
      `INSERT INTO rooms (name, kind, created_by, created_at) VALUES (:name, :kind, :createdBy, :at) RETURNING *`,
    ),
    addMember: db.prepare(
      `INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (:roomId, :userId, :role, :at)
       ON CONFLICT (room_id, user_id) DO NOTHING`,
    ),
    createFriendRequest: db.prepare(
      `INSERT INTO friend_requests (from_user, to_user, status, created_at, updated_at)
       VALUES (:fromUser, :toUser, 'pending', :at, :at) RETURNING *`,
    ),
    friendRequestIdByPair: db.prepare(
      "SELECT id FROM friend_requests WHERE from_user = :fromUser AND to_user = :toUser",
    ),
    setFriendRequestStatus: db.prepare(
      "UPDATE friend_requests SET status = :status, updated_at = :at WHERE id = :id",
    ),

    createInvite: db.prepare(
      `INSERT INTO invites (code_hash, created_at, expires_at) VALUES (:codeHash, :createdAt, :expiresAt)
       RETURNING *`,
    ),
    usableInvite: db.prepare(
      "SELECT * FROM invites WHERE code_hash = :codeHash AND used_at IS NULL AND expires_at > :now",
    ),
    // One statement checks and spends the code, so no other writer can spend it in between.
    consumeInvite: db.prepare(
      `UPDATE invites SET used_at = :at, used_by = :userId
       WHERE code_hash = :codeHash AND used_at IS NULL AND expires_at > :at`,
    ),
  } satisfies Record<string, StatementSync>;
}

type Statements = ReturnType<typeof prepareStatements>;

/** Connection state shared by the store and its repositories. */
interface Connection {
  readonly db: DatabaseSync;
  readonly statements: Statements;
  open: boolean;
}

/**
 * Runs one store operation, turning anything SQLite throws into a
 * StoreError (with the original as `cause`); typed store errors pass through.
 */
function guard<T>(conn: Connection, action: string, fn: () => T): T {
  if (!conn.open) throw new StoreError(`Cannot ${action}: the store is closed`);
  try {
    return fn();
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError(`Cannot ${action}: ${messageOf(err)}`, { cause: err });
  }
}

function isUniqueViolation(err: unknown, columns: string): boolean {
  return err instanceof Error && (err as { errcode?: unknown }).errcode === SQLITE_CONSTRAINT_UNIQUE &&
    err.message.endsWith(`UNIQUE constraint failed: ${columns}`);
}

/** Throws RecordNotFoundError when an UPDATE by id touched nothing. */
function expectChanged(result: { changes: number | bigint }, table: string, id: number): void {
  if (Number(result.changes) === 0) throw new RecordNotFoundError(table, id);
}

// Rows arrive as null-prototype objects of SQLite values; these readers check each column's type so a
// schema drift fails loudly instead of leaking `undefined` or a string into a record.
type Row = Record<string, unknown>;

function integer(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== "number" || !Number.isInteger(value)) throw unexpected(column, value);
  return value;
}

function integerOrNull(row: Row, column: string): number | null {
  return row[column] === null ? null : integer(row, column);
}

function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== "string") throw unexpected(column, value);
  return value;
}

function textOrNull(row: Row, column: string): string | null {
  return row[column] === null ? null : text(row, column);
}

function bytes(row: Row, column: string): Uint8Array {
  const value = row[column];
  if (!(value instanceof Uint8Array)) throw unexpected(column, value);
  return value;
}

function oneOf<const T extends string>(row: Row, column: string, allowed: readonly T[]): T {
  const value = text(row, column);
  if (!(allowed as readonly string[]).includes(value)) throw unexpected(column, value);
  return value as T;
}

function unexpected(column: string, value: unknown): StoreError {
  const shown = value instanceof Uint8Array ? `${value.length} bytes` : JSON.stringify(value) ?? String(value);
  return new StoreError(`Unexpected value in column ${column}: ${shown}`);
}

function toUser(row: Row): UserRecord {
  return {
    id: integer(row, "id"),
    username: text(row, "username"),
    nickname: text(row, "nickname"),
    registrationRecord: bytes(row, "registration_record"),
    createdAt: integer(row, "created_at"),
    lastSeenAt: integerOrNull(row, "last_seen_at"),
    fontFamily: textOrNull(row, "font_family"),
    fontSize: integerOrNull(row, "font_size"),
  };
}

function toRoom(row: Row): RoomRecord {
  return {
    id: integer(row, "id"),
    name: text(row, "name"),
    kind: oneOf(row, "kind", ["group", "lobby"]),
    createdBy: integerOrNull(row, "created_by"),
    createdAt: integer(row, "created_at"),
  };
}

function toFriendRequest(row: Row): FriendRequestRecord {
  return {
    id: integer(row, "id"),
    fromUser: integer(row, "from_user"),
    toUser: integer(row, "to_user"),
    status: oneOf(row, "status", ["pending", "accepted", "rejected", "deferred"]),
    createdAt: integer(row, "created_at"),
    updatedAt: integer(row, "updated_at"),
  };
}

function toInvite(row: Row): InviteRecord {
  return {
    codeHash: bytes(row, "code_hash"),
    createdAt: integer(row, "created_at"),
    expiresAt: integer(row, "expires_at"),
    usedAt: integerOrNull(row, "used_at"),
    usedBy: integerOrNull(row, "used_by"),
  };
}

/** A statement that must return a row (INSERT … RETURNING). */
function returned(row: Row | undefined): Row {
  if (row === undefined) throw new StoreError("Statement returned no row");
  return row;
}

class SqliteUserRepository implements UserRepository {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  create(user: NewUser): UserRecord {
    return guard(this.#conn, "create user", () => {
      try {
        const { username, usernameKey, nickname, registrationRecord, createdAt } = user;
        const params = { username, usernameKey, nickname, registrationRecord, createdAt };
        return toUser(returned(this.#conn.statements.insertUser.get(params)));
      } catch (err) {
        if (isUniqueViolation(err, "users.username_key")) {
          throw new UsernameTakenError(user.usernameKey, { cause: err });
        }
        throw err;
      }
    });
  }

  findByKey(usernameKey: string): UserRecord | undefined {
    return guard(this.#conn, "find user", () => {
      const row = this.#conn.statements.userByKey.get({ usernameKey });
      return row === undefined ? undefined : toUser(row);
    });
  }

  findById(id: number): UserRecord | undefined {
    return guard(this.#conn, "find user", () => {
      const row = this.#conn.statements.userById.get({ id });
      return row === undefined ? undefined : toUser(row);
    });
  }

  setNickname(id: number, nickname: string): void {
    guard(this.#conn, "set nickname", () => {
      expectChanged(this.#conn.statements.setNickname.run({ id, nickname }), "users", id);
    });
  }

  setRegistrationRecord(id: number, record: Uint8Array): void {
    guard(this.#conn, "set registration record", () => {
      expectChanged(this.#conn.statements.setRegistrationRecord.run({ id, record }), "users", id);
    });
  }

  setFont(id: number, family: string | null, size: number | null): void {
    guard(this.#conn, "set font", () => {
      expectChanged(this.#conn.statements.setFont.run({ id, family, size }), "users", id);
    });
  }

  setLastSeen(id: number, at: number): void {
    guard(this.#conn, "set last seen", () => {
      expectChanged(this.#conn.statements.setLastSeen.run({ id, at }), "users", id);
    });
  }
}

class SqliteSocialRepository implements SocialRepository {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  friendsOf(userId: number): UserRecord[] {
    return guard(this.#conn, "list friends", () => this.#conn.statements.friendsOf.all({ userId }).map(toUser));
  }

  roomsOf(userId: number): RoomRecord[] {
    return guard(this.#conn, "list rooms", () => this.#conn.statements.roomsOf.all({ userId }).map(toRoom));
  }

  openRequestsFor(userId: number): FriendRequestRecord[] {
    return guard(
      this.#conn,
      "list friend requests",
      () => this.#conn.statements.openRequestsFor.all({ userId }).map(toFriendRequest),
    );
  }

  contactsOf(userId: number): number[] {
    return guard(
      this.#conn,
      "list contacts",
      () => this.#conn.statements.contactsOf.all({ userId }).map((row) => integer(row, "id")),
    );
  }

  addFriendship(a: number, b: number, at: number): void {
    guard(this.#conn, "add friendship", () => {
      this.#conn.statements.addFriendship.run({ a: Math.min(a, b), b: Math.max(a, b), at });
    });
  }

  createRoom(name: string, kind: "group" | "lobby", createdBy: number | null, at: number): RoomRecord {
    return guard(
      this.#conn,
      "create room",
      () => toRoom(returned(this.#conn.statements.createRoom.get({ name, kind, createdBy, at }))),
    );
  }

  addMember(roomId: number, userId: number, role: "owner" | "admin" | "member", at: number): void {
    guard(this.#conn, "add room member", () => {
      this.#conn.statements.addMember.run({ roomId, userId, role, at });
    });
  }

  createFriendRequest(fromUser: number, toUser: number, at: number): FriendRequestRecord {
    return guard(this.#conn, "create friend request", () => {
      try {
        return toFriendRequest(returned(this.#conn.statements.createFriendRequest.get({ fromUser, toUser, at })));
      } catch (err) {
        if (!isUniqueViolation(err, "friend_requests.from_user, friend_requests.to_user")) throw err;
        const existing = this.#conn.statements.friendRequestIdByPair.get({ fromUser, toUser });
        throw new FriendRequestExistsError(fromUser, toUser, integer(returned(existing), "id"), { cause: err });
      }
    });
  }

  setFriendRequestStatus(id: number, status: FriendRequestRecord["status"], at: number): void {
    guard(this.#conn, "set friend request status", () => {
      expectChanged(this.#conn.statements.setFriendRequestStatus.run({ id, status, at }), "friend_requests", id);
    });
  }
}

class SqliteInviteRepository implements InviteRepository {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  create(codeHash: Uint8Array, createdAt: number, expiresAt: number): InviteRecord {
    return guard(
      this.#conn,
      "create invite",
      () => toInvite(returned(this.#conn.statements.createInvite.get({ codeHash, createdAt, expiresAt }))),
    );
  }

  findUsable(codeHash: Uint8Array, now: number): InviteRecord | undefined {
    return guard(this.#conn, "find invite", () => {
      const row = this.#conn.statements.usableInvite.get({ codeHash, now });
      return row === undefined ? undefined : toInvite(row);
    });
  }

  consume(codeHash: Uint8Array, userId: number, at: number): boolean {
    return guard(
      this.#conn,
      "use invite",
      () => Number(this.#conn.statements.consumeInvite.run({ codeHash, userId, at }).changes) === 1,
    );
  }
}

class SqliteStore implements Store {
  readonly users: UserRepository;
  readonly social: SocialRepository;
  readonly invites: InviteRepository;
  readonly version: number;
  readonly #conn: Connection;
  /** Open transactions: 0 outside, 1 in BEGIN, more inside nested savepoints. */
  #depth = 0;

  constructor(db: DatabaseSync) {
    let statements: Statements;
    try {
      statements = prepareStatements(db);
    } catch (err) {
      db.close();
      throw new StoreError(`Cannot prepare statements: ${messageOf(err)}`, { cause: err });
    }
    this.#conn = { db, statements, open: true };
    this.users = new SqliteUserRepository(this.#conn);
    this.social = new SqliteSocialRepository(this.#conn);
    this.invites = new SqliteInviteRepository(this.#conn);
    this.version = schemaVersion(db);
  }

  transaction<T>(fn: () => T): T {
    if (fn.constructor.name === "AsyncFunction") {
      throw new TypeError("Cannot run an async function in a store transaction: it would commit before it finishes");
    }
    const db = this.#conn.db;
    const savepoint = this.#depth === 0 ? undefined : `mimi_${this.#depth}`;
    guard(this.#conn, "begin transaction", () => db.exec(savepoint ? `SAVEPOINT ${savepoint}` : "BEGIN IMMEDIATE"));
    this.#depth++;
    let result: T;
    try {
      result = fn();
      if (result instanceof Promise) {
        throw new TypeError("Cannot run an async function in a store transaction: it returned a promise");
      }
    } catch (err) {
      this.#depth--;
      this.#rollback(savepoint);
      throw err;
    }
    this.#depth--;
    try {
      db.exec(savepoint ? `RELEASE ${savepoint}` : "COMMIT");
    } catch (err) {
      this.#rollback(savepoint);
      throw new StoreError(`Cannot commit transaction: ${messageOf(err)}`, { cause: err });
    }
    return result;
  }

  #rollback(savepoint: string | undefined): void {
    const db = this.#conn.db;
    // Some errors (SQLITE_FULL, SQLITE_IOERR…) make SQLite roll back by itself; a second ROLLBACK would throw.
    if (!this.#conn.open || !db.isTransaction) return;
    guard(this.#conn, "roll back transaction", () => {
      if (savepoint) db.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      else db.exec("ROLLBACK");
    });
  }

  close(): void {
    if (!this.#conn.open) return;
    this.#conn.open = false;
    this.#conn.db.close();
  }
}
