// The SQLite store: opens the database safely, migrates it, and implements the async repositories over node:sqlite's
// synchronous statements, with a lock that keeps the one connection to one transaction at a time.

import { AsyncLocalStorage } from "node:async_hooks";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { DeviceKeyTakenError, messageOf, StoreError, UsernameTakenError } from "./errors.ts";
import { GroupCommit } from "./group_commit.ts";
import { AsyncLock } from "./lock.ts";
import { openWalSync, type WalSync } from "./wal_sync.ts";
import { assertSchemaSupported, migrate, schemaVersion } from "./migrations/mod.ts";
import {
  bytes,
  expectChanged,
  integer,
  integerOrNull,
  isUniqueViolation,
  returned,
  type Row,
  text,
  toUser,
} from "./_sqlite_rows.ts";
import { prepareBlobStatements, SqliteBlobRepository } from "./sqlite_blobs.ts";
import { prepareRoomStatements, SqliteRoomRepository } from "./sqlite_rooms.ts";
import {
  appendBatch,
  type ConversationStatements,
  type PendingAppend,
  prepareConversationStatements,
  SqliteConversationRepository,
} from "./sqlite_conversations.ts";
import { type FriendStatements, prepareFriendStatements, SqliteFriendRepository } from "./sqlite_friends.ts";
import type {
  AppendResult,
  BlobRepository,
  ConversationRepository,
  DeviceRecord,
  DeviceRepository,
  FriendRepository,
  InviteRecord,
  InviteRepository,
  NewDevice,
  NewMessage,
  NewUser,
  RoomRepository,
  Store,
  Transaction,
  UserRecord,
  UserRepository,
} from "./types.ts";

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
 * Every write is durable when its promise resolves: the connection commits with `synchronous=NORMAL` (no fsync in
 * COMMIT) and the store syncs the write-ahead log on another thread before it releases the lock (wal_sync.ts), so
 * the event loop is not blocked in fsync.
 *
 * `conversations.append` on the store is the one call that does not run alone: the appends made while the store is busy
 * or in the same turn of the event loop are committed together in one transaction (group commit, group_commit.ts),
 * each in its own savepoint, and each resolves once that transaction has committed.
 *
 * @param path File path, or `:memory:` for a throwaway store (tests).
 * @param options `onGroupCommit`: told the size of each group commit.
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
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const db = openDatabase(path);
  let wal: WalSync;
  try {
    wal = options.walSync ?? openWalSync(path);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteStore(db, wal, options);
}

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Told the size of each group commit of `conversations.append` (tests and statistics): one call, one transaction. */
  onGroupCommit?: (size: number) => void;
  /**
   * Runs the next group commit later (default: a timer of 0 ms, see group_commit.ts). Tests pass one that holds the
   * commit, to act between a send being checked and its batch being committed.
   */
  scheduleGroupCommit?: (run: () => void) => void;
  /** Replaces the sync of the write-ahead log after each group commit (tests that hold or fail it). */
  walSync?: WalSync;
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
    // The ids come as one JSON array, so a list of any length is one prepared statement.
    usersByIds: db.prepare("SELECT * FROM users WHERE id IN (SELECT value FROM json_each(:ids)) ORDER BY id"),
    setNickname: db.prepare("UPDATE users SET nickname = :nickname WHERE id = :id"),
    setRegistrationRecord: db.prepare("UPDATE users SET registration_record = :record WHERE id = :id"),
    setFont: db.prepare("UPDATE users SET font_family = :family, font_size = :size WHERE id = :id"),
    setLastSeen: db.prepare("UPDATE users SET last_seen_at = :at WHERE id = :id"),

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
  /** The statements of the repositories that live in their own files, prepared once like the others. */
  readonly friendStatements: FriendStatements;
  readonly conversationStatements: ConversationStatements;
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

  findByIds(ids: readonly number[]): Promise<UserRecord[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#run("find users", (s) => s.usersByIds.all({ ids: JSON.stringify(ids) }).map(toUser));
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

/** The repositories over one way of running statements. */
class SqliteRepositories {
  readonly users: UserRepository;
  readonly friends: FriendRepository;
  readonly rooms: RoomRepository;
  readonly invites: InviteRepository;
  readonly devices: DeviceRepository;
  readonly blobs: BlobRepository;
  readonly conversations: ConversationRepository;

  /**
   * @param run Runs one operation under the store's lock, or in a transaction.
   * @param conn The connection, for the statements of the repositories in their own files.
   * @param append The group commit of `conversations.append`: the store's; absent in a transaction.
   */
  constructor(
    run: Run,
    conn: Connection,
    append?: (conversationId: number, message: NewMessage) => Promise<AppendResult>,
  ) {
    this.users = new SqliteUserRepository(run);
    this.friends = new SqliteFriendRepository(run, conn.friendStatements);
    this.rooms = new SqliteRoomRepository(run);
    this.invites = new SqliteInviteRepository(run);
    this.devices = new SqliteDeviceRepository(run);
    this.blobs = new SqliteBlobRepository(run);
    this.conversations = new SqliteConversationRepository(run, conn.conversationStatements, append);
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
    super(
      (action, fn) =>
        new Promise((resolve) => {
          this.assertUsable(action);
          resolve(guard(conn, action, fn));
        }),
      conn,
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
  /** The group commit of `conversations.append` on the store. */
  readonly #appends: GroupCommit<PendingAppend, AppendResult>;
  readonly #wal: WalSync;
  /** SQLite's count of rows changed on the connection so far: whether a call wrote. */
  readonly #changes: () => number;
  #closing: Promise<void> | undefined;

  constructor(db: DatabaseSync, wal: WalSync, options: SqliteStoreOptions) {
    let conn: Connection;
    try {
      conn = {
        db,
        statements: prepareStatements(db),
        friendStatements: prepareFriendStatements(db),
        conversationStatements: prepareConversationStatements(db),
        open: true,
      };
    } catch (err) {
      db.close();
      throw new StoreError(`Cannot prepare statements: ${messageOf(err)}`, { cause: err });
    }
    const lock = new AsyncLock();
    const current = new AsyncLocalStorage<SqliteTransaction>();
    // In WAL mode with synchronous=NORMAL a COMMIT writes the log without fsync; every write is then made durable by
    // an fsync of the log on another thread (wal_sync.ts) before the store's lock goes and before its caller hears of
    // it. So "acknowledged once durable" holds as with FULL, no one reads a row before it is durable (the lock), and
    // the event loop serves other connections during the 3-6 ms of each fsync instead of blocking in it.
    db.exec("PRAGMA synchronous = NORMAL");
    const totalChanges = db.prepare("SELECT total_changes() AS n");
    // The last count read, kept by every call of changes(): see the store's run below.
    let changesSeen = 0;
    const changes = () => changesSeen = Number(totalChanges.get()?.n);
    changes();
    // Each batch is taken and committed under the lock, like any call: it never lands inside a transaction, and
    // gathers the appends made while it waited for the lock.
    const appends = new GroupCommit<PendingAppend, AppendResult>(
      async (items) => {
        const outcomes = guard(conn, "append messages", () => appendBatch(db, conn.conversationStatements, items));
        // Read once per batch, so that the reads that follow need not read it before they run.
        changes();
        // A failed sync rejects the whole batch: its rows are committed but may not survive a power loss, so none is
        // acknowledged. A writer's resend with the same client id finds its row (a duplicate) once it is durable.
        await wal.sync();
        return outcomes;
      },
      { onBatch: options.onGroupCommit, schedule: options.scheduleGroupCommit, exclusive: (fn) => lock.run(fn) },
    );
    super(
      async (action, fn) => {
        refuseInsideTransaction(current, action);
        return await lock.run(async () => {
          let before: number | undefined;
          const result = guard(conn, action, (statements) => {
            // The count as last read (after the last call, batch or transaction): it saves a statement per call, as
            // most calls only read. total_changes() only grows, so a count gone stale (a write whose count was not
            // read, as after a failed transaction) is lower than now: a needless sync at most, never a missing one.
            before = changesSeen;
            return fn(statements);
          });
          // A write (one statement commits on its own): durable before anyone hears of it.
          if (before !== undefined && changes() !== before) await wal.sync();
          return result;
        });
      },
      conn,
      (conversationId, message) => {
        // Checked now, not when the batch runs: the caller's transaction would be waiting for this very append.
        refuseInsideTransaction(current, "append message");
        return appends.submit({ conversationId, message });
      },
    );
    this.#changes = changes;
    this.#conn = conn;
    this.#lock = lock;
    this.#current = current;
    this.#appends = appends;
    this.#wal = wal;
    this.version = schemaVersion(db);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    refuseInsideTransaction(this.#current, "begin transaction");
    return await this.#lock.run(async () => {
      const before = this.#conn.open ? this.#changes() : undefined;
      const result = await this.runTransaction(fn, undefined);
      // Committed without fsync (see the constructor): durable before the lock goes and the caller hears of it.
      if (before !== undefined && this.#changes() !== before) await this.#wal.sync();
      return result;
    });
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
    // Appends already made are committed first: each was promised a commit or an error, not a closed store.
    this.#closing ??= this.#appends.flush().then(() =>
      this.#lock.run(() => {
        if (!this.#conn.open) return;
        this.#conn.open = false;
        this.#conn.db.close();
        this.#wal.close();
      })
    );
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
