// The SQLite store: opens the database safely, migrates it, and implements the async repositories over node:sqlite's
// synchronous statements, with a lock that keeps the one connection to one transaction at a time.

import { AsyncLocalStorage } from "node:async_hooks";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  DeviceKeyTakenError,
  FriendRequestExistsError,
  messageOf,
  RecordNotFoundError,
  StoreError,
  UsernameTakenError,
} from "./errors.ts";
import { AsyncLock } from "./lock.ts";
import { assertSchemaSupported, migrate, schemaVersion } from "./migrations/mod.ts";
import { prepareBlobStatements, SqliteBlobRepository } from "./sqlite_blobs.ts";
import { prepareRoomStatements, SqliteRoomRepository } from "./sqlite_rooms.ts";
import type {
  BlobRepository,
  DeviceRecord,
  DeviceRepository,
  FriendRepository,
  FriendRequestRecord,
  InviteRecord,
  InviteRepository,
  NewDevice,
  NewUser,
  RoomRepository,
  Store,
  Transaction,
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
 * Opens (creating if needed) the Mimi store in a SQLite file and migrates it. Opening is synchronous; the store's
 * methods return promises (the contract in types.ts), and it owns its connection until {@linkcode Store.close}.
 *
 * How the async face sits on one synchronous connection: each call runs its statement synchronously, under an
 * {@linkcode AsyncLock} that a transaction holds from BEGIN to COMMIT. So calls and transactions run one at a time,
 * in the order they were made, and no call lands inside another's open transaction. The `tx` a transaction's
 * function gets runs its statements without the lock (the transaction holds it already), which is why using `tx`
 * inside never waits and using the store itself there is refused (it would wait for itself).
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
 * const alice = await store.transaction(async (tx) => {
 *   const user = await tx.users.create({
 *     username: "Alice",
 *     usernameKey: "alice",
 *     nickname: "爱丽丝",
 *     registrationRecord: new Uint8Array([1, 2, 3]),
 *     createdAt: Date.now(),
 *   });
 *   await tx.users.setLastSeen(user.id, Date.now());
 *   return user;
 * });
 * (await store.users.findByKey("alice"))?.id === alice.id; // true
 * await store.close();
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

    createDevice: db.prepare(
      `INSERT INTO devices (user_id, name, public_key, created_at, last_used_at)
       VALUES (:userId, :name, :publicKey, :createdAt, :createdAt) RETURNING *`,
    ),
    deviceIdByKey: db.prepare("SELECT id FROM devices WHERE public_key = :publicKey"),
    deviceById: db.prepare("SELECT * FROM devices WHERE id = :id"),
    devicesOf: db.prepare("SELECT * FROM devices WHERE user_id = :userId ORDER BY id"),
    touchDevice: db.prepare("UPDATE devices SET last_used_at = :at WHERE id = :id"),
    deleteDevice: db.prepare("DELETE FROM devices WHERE id = :id AND user_id = :userId"),
    ...prepareBlobStatements(db),
    ...prepareRoomStatements(db),
  } satisfies Record<string, StatementSync>;
}

type Statements = ReturnType<typeof prepareStatements>;

/** Connection state shared by the store, its transactions and their repositories. */
interface Connection {
  readonly db: DatabaseSync;
  readonly statements: Statements;
  open: boolean;
}

/**
 * How a repository runs one synchronous store operation: under the store's lock, or directly inside a transaction.
 * `action` names it for error messages ("create user").
 */
type Run = <T>(action: string, fn: (statements: Statements) => T) => Promise<T>;

/**
 * Runs one store operation, turning anything SQLite throws into a
 * StoreError (with the original as `cause`); typed store errors pass through.
 */
function guard<T>(conn: Connection, action: string, fn: (statements: Statements) => T): T {
  if (!conn.open) throw new StoreError(`Cannot ${action}: the store is closed`);
  try {
    return fn(conn.statements);
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
    usernameKey: text(row, "username_key"),
    nickname: text(row, "nickname"),
    registrationRecord: bytes(row, "registration_record"),
    createdAt: integer(row, "created_at"),
    lastSeenAt: integerOrNull(row, "last_seen_at"),
    fontFamily: textOrNull(row, "font_family"),
    fontSize: integerOrNull(row, "font_size"),
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

function toDevice(row: Row): DeviceRecord {
  return {
    id: integer(row, "id"),
    userId: integer(row, "user_id"),
    name: text(row, "name"),
    publicKey: bytes(row, "public_key"),
    createdAt: integer(row, "created_at"),
    lastUsedAt: integer(row, "last_used_at"),
  };
}

/** A statement that must return a row (INSERT … RETURNING). */
function returned(row: Row | undefined): Row {
  if (row === undefined) throw new StoreError("Statement returned no row");
  return row;
}

function ids(rows: Row[]): number[] {
  return rows.map((row) => integer(row, "id"));
}

class SqliteUserRepository implements UserRepository {
  readonly #run: Run;

  constructor(run: Run) {
    this.#run = run;
  }

  create(user: NewUser): Promise<UserRecord> {
    return this.#run("create user", (s) => {
      try {
        const { username, usernameKey, nickname, registrationRecord, createdAt } = user;
        return toUser(returned(s.insertUser.get({ username, usernameKey, nickname, registrationRecord, createdAt })));
      } catch (err) {
        if (isUniqueViolation(err, "users.username_key")) {
          throw new UsernameTakenError(user.usernameKey, { cause: err });
        }
        throw err;
      }
    });
  }

  findByKey(usernameKey: string): Promise<UserRecord | undefined> {
    return this.#run("find user", (s) => {
      const row = s.userByKey.get({ usernameKey });
      return row === undefined ? undefined : toUser(row);
    });
  }

  findById(id: number): Promise<UserRecord | undefined> {
    return this.#run("find user", (s) => {
      const row = s.userById.get({ id });
      return row === undefined ? undefined : toUser(row);
    });
  }

  setNickname(id: number, nickname: string): Promise<void> {
    return this.#run("set nickname", (s) => expectChanged(s.setNickname.run({ id, nickname }), "users", id));
  }

  setRegistrationRecord(id: number, record: Uint8Array): Promise<void> {
    return this.#run(
      "set registration record",
      (s) => expectChanged(s.setRegistrationRecord.run({ id, record }), "users", id),
    );
  }

  setFont(id: number, family: string | null, size: number | null): Promise<void> {
    return this.#run("set font", (s) => expectChanged(s.setFont.run({ id, family, size }), "users", id));
  }

  setLastSeen(id: number, at: number): Promise<void> {
    return this.#run("set last seen", (s) => expectChanged(s.setLastSeen.run({ id, at }), "users", id));
  }
}

class SqliteFriendRepository implements FriendRepository {
  readonly #run: Run;

  constructor(run: Run) {
    this.#run = run;
  }

  friendsOf(userId: number): Promise<UserRecord[]> {
    return this.#run("list friends", (s) => s.friendsOf.all({ userId }).map(toUser));
  }

  friendIdsOf(userId: number): Promise<number[]> {
    return this.#run("list friends", (s) => ids(s.friendIdsOf.all({ userId })));
  }

  openRequestsFor(userId: number): Promise<FriendRequestRecord[]> {
    return this.#run("list friend requests", (s) => s.openRequestsFor.all({ userId }).map(toFriendRequest));
  }

  addFriendship(a: number, b: number, at: number): Promise<void> {
    return this.#run("add friendship", (s) => {
      s.addFriendship.run({ a: Math.min(a, b), b: Math.max(a, b), at });
    });
  }

  createFriendRequest(fromUser: number, toUser: number, at: number): Promise<FriendRequestRecord> {
    return this.#run("create friend request", (s) => {
      try {
        return toFriendRequest(returned(s.createFriendRequest.get({ fromUser, toUser, at })));
      } catch (err) {
        if (!isUniqueViolation(err, "friend_requests.from_user, friend_requests.to_user")) throw err;
        const existing = s.friendRequestIdByPair.get({ fromUser, toUser });
        throw new FriendRequestExistsError(fromUser, toUser, integer(returned(existing), "id"), { cause: err });
      }
    });
  }

  setFriendRequestStatus(id: number, status: FriendRequestRecord["status"], at: number): Promise<void> {
    return this.#run(
      "set friend request status",
      (s) => expectChanged(s.setFriendRequestStatus.run({ id, status, at }), "friend_requests", id),
    );
  }
}

class SqliteInviteRepository implements InviteRepository {
  readonly #run: Run;

  constructor(run: Run) {
    this.#run = run;
  }

  create(codeHash: Uint8Array, createdAt: number, expiresAt: number): Promise<InviteRecord> {
    return this.#run(
      "create invite",
      (s) => toInvite(returned(s.createInvite.get({ codeHash, createdAt, expiresAt }))),
    );
  }

  findUsable(codeHash: Uint8Array, now: number): Promise<InviteRecord | undefined> {
    return this.#run("find invite", (s) => {
      const row = s.usableInvite.get({ codeHash, now });
      return row === undefined ? undefined : toInvite(row);
    });
  }

  consume(codeHash: Uint8Array, userId: number, at: number): Promise<boolean> {
    return this.#run("use invite", (s) => Number(s.consumeInvite.run({ codeHash, userId, at }).changes) === 1);
  }
}

class SqliteDeviceRepository implements DeviceRepository {
  readonly #run: Run;

  constructor(run: Run) {
    this.#run = run;
  }

  create(device: NewDevice): Promise<DeviceRecord> {
    return this.#run("create device", (s) => {
      const { userId, name, publicKey, createdAt } = device;
      try {
        return toDevice(returned(s.createDevice.get({ userId, name, publicKey, createdAt })));
      } catch (err) {
        if (!isUniqueViolation(err, "devices.public_key")) throw err;
        const existing = s.deviceIdByKey.get({ publicKey });
        throw new DeviceKeyTakenError(integer(returned(existing), "id"), { cause: err });
      }
    });
  }

  findById(id: number): Promise<DeviceRecord | undefined> {
    return this.#run("find device", (s) => {
      const row = s.deviceById.get({ id });
      return row === undefined ? undefined : toDevice(row);
    });
  }

  listFor(userId: number): Promise<DeviceRecord[]> {
    return this.#run("list devices", (s) => s.devicesOf.all({ userId }).map(toDevice));
  }

  touch(id: number, at: number): Promise<void> {
    return this.#run("touch device", (s) => expectChanged(s.touchDevice.run({ id, at }), "devices", id));
  }

  delete(id: number, userId: number): Promise<boolean> {
    return this.#run("delete device", (s) => Number(s.deleteDevice.run({ id, userId }).changes) === 1);
  }
}

/** The five repositories over one way of running statements. */
class SqliteRepositories {
  readonly users: UserRepository;
  readonly friends: FriendRepository;
  readonly rooms: RoomRepository;
  readonly invites: InviteRepository;
  readonly devices: DeviceRepository;
  readonly blobs: BlobRepository;

  constructor(run: Run) {
    this.users = new SqliteUserRepository(run);
    this.friends = new SqliteFriendRepository(run);
    this.rooms = new SqliteRoomRepository(run);
    this.invites = new SqliteInviteRepository(run);
    this.devices = new SqliteDeviceRepository(run);
    this.blobs = new SqliteBlobRepository(run);
  }
}

/**
 * One open transaction or savepoint. Its repositories run statements directly: the store's lock is already held by
 * the outermost transaction, so taking it again would wait forever.
 */
class SqliteTransaction extends SqliteRepositories implements Transaction {
  /** `open` while its function runs; `nested` while a savepoint inside it is open; `ended` afterwards. */
  state: "open" | "nested" | "ended" = "open";
  /** The transaction this one is a savepoint of; undefined for the outermost. */
  readonly parent: SqliteTransaction | undefined;
  /** The savepoint's name; undefined for the outermost transaction (BEGIN … COMMIT). */
  readonly savepoint: string | undefined;
  readonly #store: SqliteStore;

  constructor(store: SqliteStore, conn: Connection, parent: SqliteTransaction | undefined) {
    // Runs at once, not a turn later; the promise executor turns a throw into a rejection.
    super((action, fn) =>
      new Promise((resolve) => {
        this.assertUsable(action);
        resolve(guard(conn, action, fn));
      })
    );
    this.#store = store;
    this.parent = parent;
    let depth = 1;
    for (let up = parent; up; up = up.parent) depth++;
    this.savepoint = parent ? `mimi_${depth}` : undefined;
  }

  /**
   * Whether this transaction is still part of an open one: every enclosing transaction is still waiting for it. A
   * savepoint its parent stopped awaiting is cut off once the parent ends, so it never writes outside the lock.
   */
  get live(): boolean {
    for (let up = this.parent; up; up = up.parent) if (up.state !== "nested") return false;
    return true;
  }

  /** Throws StoreError unless statements may run in this transaction now. */
  assertUsable(action: string): void {
    if (this.state === "open" && this.live) return;
    throw new StoreError(
      this.state === "nested"
        ? `Cannot ${action}: a nested transaction is open; use its tx`
        : `Cannot ${action}: its transaction has ended`,
    );
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.assertUsable("begin a nested transaction");
    this.state = "nested";
    try {
      return await this.#store.runTransaction(fn, this);
    } finally {
      // Only back from `nested`: if this transaction ended meanwhile, it stays ended.
      if (this.state === "nested") this.state = "open";
    }
  }
}

class SqliteStore extends SqliteRepositories implements Store {
  readonly version: number;
  readonly #conn: Connection;
  /** Held by each call on the store and by a transaction from BEGIN to COMMIT or ROLLBACK. */
  readonly #lock: AsyncLock;
  /** The transaction whose function is running in the current async context, to refuse the store's own calls there. */
  readonly #current: AsyncLocalStorage<SqliteTransaction>;
  #closing: Promise<void> | undefined;

  constructor(db: DatabaseSync) {
    let statements: Statements;
    try {
      statements = prepareStatements(db);
    } catch (err) {
      db.close();
      throw new StoreError(`Cannot prepare statements: ${messageOf(err)}`, { cause: err });
    }
    const conn: Connection = { db, statements, open: true };
    const lock = new AsyncLock();
    const current = new AsyncLocalStorage<SqliteTransaction>();
    super(async (action, fn) => {
      refuseInsideTransaction(current, action);
      return await lock.run(() => guard(conn, action, fn));
    });
    this.#conn = conn;
    this.#lock = lock;
    this.#current = current;
    this.version = schemaVersion(db);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    refuseInsideTransaction(this.#current, "begin transaction");
    return await this.#lock.run(() => this.runTransaction(fn, undefined));
  }

  /**
   * BEGIN (or SAVEPOINT inside `parent`), `fn`, then COMMIT (RELEASE), or ROLLBACK (ROLLBACK TO) when `fn` rejects.
   * The caller holds the lock: {@linkcode transaction} for the outermost, the enclosing transaction for the others.
   */
  async runTransaction<T>(fn: (tx: Transaction) => Promise<T>, parent: SqliteTransaction | undefined): Promise<T> {
    const db = this.#conn.db;
    const tx = new SqliteTransaction(this, this.#conn, parent);
    const savepoint = tx.savepoint;
    guard(this.#conn, "begin transaction", () => db.exec(savepoint ? `SAVEPOINT ${savepoint}` : "BEGIN IMMEDIATE"));
    let result: T;
    try {
      result = await this.#current.run(tx, () => fn(tx));
      if (tx.state === "nested") {
        // Committing now would commit the nested transaction's writes before it has decided on them.
        throw new StoreError("Cannot commit transaction: a nested transaction it began has not finished");
      }
    } catch (err) {
      tx.state = "ended";
      if (tx.live) this.#rollback(savepoint);
      throw err;
    }
    tx.state = "ended";
    // An enclosing transaction that ended without waiting for this one has already committed or rolled back, and
    // the lock may be someone else's by now: touching the database here would act on their transaction.
    if (!tx.live) throw new StoreError("Cannot commit transaction: the enclosing transaction has already ended");
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

  async close(): Promise<void> {
    refuseInsideTransaction(this.#current, "close the store");
    // Queued behind every call and transaction begun before it, so none is cut off half-way.
    this.#closing ??= this.#lock.run(() => {
      if (!this.#conn.open) return;
      this.#conn.open = false;
      this.#conn.db.close();
    });
    await this.#closing;
  }
}

/**
 * Throws TypeError when called from the function of a transaction that is still open: the lock that call would
 * wait for is held by that very transaction, so it would never run. Work the function started without awaiting it,
 * and that outlives the transaction, is not refused once the transaction has ended.
 */
function refuseInsideTransaction(current: AsyncLocalStorage<SqliteTransaction>, action: string): void {
  const tx = current.getStore();
  if (tx !== undefined && tx.state !== "ended") {
    throw new TypeError(`Cannot ${action} on the store inside its own transaction: use the transaction's tx`);
  }
}
