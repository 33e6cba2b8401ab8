// Typed errors raised by the Mimi store, so callers can react without parsing SQLite messages.

/** Options shared by every store error. */
export interface StoreErrorOptions {
  /** The underlying error, usually the one thrown by `node:sqlite`. */
  cause?: unknown;
}

/**
 * Base class of every error the store throws on purpose; anything SQLite
 * reports that has no more specific class arrives as a plain `StoreError`.
 *
 * @example Telling store failures apart from programming errors
 * ```ts
 * import { StoreError } from "./errors.ts";
 * const err: unknown = new StoreError("Cannot add member: FOREIGN KEY constraint failed");
 * if (err instanceof StoreError) console.log(err.name, err.sqliteCode);
 * ```
 */
export class StoreError extends Error {
  /** SQLite's extended result code (e.g. 787 for a foreign key failure), when SQLite raised the error. */
  readonly sqliteCode: number | undefined;

  constructor(message: string, options: StoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StoreError";
    this.sqliteCode = sqliteCodeOf(options.cause);
  }
}

/**
 * A user with this normalised username already exists.
 *
 * @example
 * ```ts
 * import { UsernameTakenError } from "./errors.ts";
 * const err = new UsernameTakenError("alice");
 * console.log(err.usernameKey); // "alice"
 * ```
 */
export class UsernameTakenError extends StoreError {
  /** The normalised key that collided. */
  readonly usernameKey: string;

  constructor(usernameKey: string, options: StoreErrorOptions = {}) {
    super(`Username is taken: ${JSON.stringify(usernameKey)}`, options);
    this.name = "UsernameTakenError";
    this.usernameKey = usernameKey;
  }
}

/**
 * A friend request from `fromUser` to `toUser` already exists (whatever its
 * status); `requestId` names it so the caller can update it instead.
 *
 * @example
 * ```ts
 * import { FriendRequestExistsError } from "./errors.ts";
 * const err = new FriendRequestExistsError(1, 2, 7);
 * console.log(err.requestId); // 7
 * ```
 */
export class FriendRequestExistsError extends StoreError {
  readonly fromUser: number;
  readonly toUser: number;
  /** Id of the request already stored for this pair. */
  readonly requestId: number;

  constructor(fromUser: number, toUser: number, requestId: number, options: StoreErrorOptions = {}) {
    super(`Friend request from user ${fromUser} to user ${toUser} already exists (request ${requestId})`, options);
    this.name = "FriendRequestExistsError";
    this.fromUser = fromUser;
    this.toUser = toUser;
    this.requestId = requestId;
  }
}

/**
 * Another device already has this public key; `deviceId` names it, so the caller can tell the user's own device
 * (a client that registers its key again) from a key that is someone else's.
 *
 * @example
 * ```ts
 * import { DeviceKeyTakenError } from "./errors.ts";
 * const err = new DeviceKeyTakenError(3);
 * console.log(err.deviceId); // 3
 * ```
 */
export class DeviceKeyTakenError extends StoreError {
  /** Id of the device that has the key. */
  readonly deviceId: number;

  constructor(deviceId: number, options: StoreErrorOptions = {}) {
    super(`Another device (${deviceId}) already has this public key`, options);
    this.name = "DeviceKeyTakenError";
    this.deviceId = deviceId;
  }
}

/**
 * An update named a row that does not exist.
 *
 * @example
 * ```ts
 * import { RecordNotFoundError } from "./errors.ts";
 * const err = new RecordNotFoundError("users", 42);
 * console.log(err.message); // "No row in users with id 42"
 * ```
 */
export class RecordNotFoundError extends StoreError {
  /** Table that was searched. */
  readonly table: string;
  readonly id: number;

  constructor(table: string, id: number, options: StoreErrorOptions = {}) {
    super(`No row in ${table} with id ${id}`, options);
    this.name = "RecordNotFoundError";
    this.table = table;
    this.id = id;
  }
}

/**
 * A message appended `asMember` whose sender is not a member of the conversation when it is stored: the membership
 * ended (a friendship ended, a block, a room left or a removal) after the sender was checked, before the commit.
 *
 * @example
 * ```ts
 * import { NotMemberError } from "./errors.ts";
 * const err = new NotMemberError(3, 7);
 * console.log(err.message); // "User 7 is not a member of conversation 3"
 * ```
 */
export class NotMemberError extends StoreError {
  readonly conversationId: number;
  readonly userId: number;

  constructor(conversationId: number, userId: number, options: StoreErrorOptions = {}) {
    super(`User ${userId} is not a member of conversation ${conversationId}`, options);
    this.name = "NotMemberError";
    this.conversationId = conversationId;
    this.userId = userId;
  }
}

/**
 * The database was written by a newer Mimi; opening it could corrupt data
 * this version does not understand, so the store refuses.
 *
 * @example
 * ```ts
 * import { SchemaTooNewError } from "./errors.ts";
 * const err = new SchemaTooNewError(7, 2);
 * console.log(err.message); // "Database schema version 7 is newer than this Mimi understands (2); use a newer Mimi"
 * ```
 */
export class SchemaTooNewError extends StoreError {
  /** `user_version` found in the database. */
  readonly found: number;
  /** Newest schema version this build can migrate to. */
  readonly supported: number;

  constructor(found: number, supported: number, options: StoreErrorOptions = {}) {
    super(
      `Database schema version ${found} is newer than this Mimi understands (${supported}); use a newer Mimi`,
      options,
    );
    this.name = "SchemaTooNewError";
    this.found = found;
    this.supported = supported;
  }
}

/**
 * A migration failed; its transaction was rolled back, so the database is
 * still at `version - 1`.
 *
 * @example
 * ```ts
 * import { MigrationError } from "./errors.ts";
 * const err = new MigrationError(2, "profile", new Error("duplicate column name: last_seen_at"));
 * console.log(err.version, err.migration); // 2 "profile"
 * ```
 */
export class MigrationError extends StoreError {
  readonly version: number;
  /** The migration's name. */
  readonly migration: string;

  constructor(version: number, migration: string, cause: unknown) {
    super(`Migration ${version} (${migration}) failed: ${messageOf(cause)}`, { cause });
    this.name = "MigrationError";
    this.version = version;
    this.migration = migration;
  }
}

/**
 * The message of an unknown thrown value, for building wrapping messages.
 *
 * @param err Anything that was thrown.
 * @returns `err.message` for an Error, otherwise `String(err)`.
 *
 * @example
 * ```ts
 * import { messageOf } from "./errors.ts";
 * console.log(messageOf(new Error("disk I/O error"))); // "disk I/O error"
 * ```
 */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sqliteCodeOf(cause: unknown): number | undefined {
  if (typeof cause !== "object" || cause === null || !("errcode" in cause)) return undefined;
  const code = (cause as { errcode: unknown }).errcode;
  return typeof code === "number" ? code : undefined;
}

/**
 * Tells the two failures to open a database that the person running the server can act on: another program holds
 * it (SQLite's BUSY or LOCKED), or the file is damaged or not a database (CORRUPT, NOTADB). Deno's `node:sqlite`
 * reports neither the result code nor anything but SQLite's own message, so the message (`sqlite3_errstr`'s fixed
 * text) decides when the code is missing.
 *
 * @param error What opening the database threw.
 * @returns `locked`, `damaged`, or `undefined` for anything else.
 *
 * @example
 * ```ts
 * import { openFailureKind, StoreError } from "./errors.ts";
 * openFailureKind(new StoreError("Cannot prepare database x: database is locked")); // "locked"
 * ```
 */
export function openFailureKind(error: unknown): "locked" | "damaged" | undefined {
  const code = error instanceof StoreError && error.sqliteCode !== undefined ? error.sqliteCode & 0xff : undefined;
  const text = error instanceof Error ? error.message : String(error);
  // Primary result codes: 5 BUSY, 6 LOCKED, 11 CORRUPT, 26 NOTADB.
  if (code === 5 || code === 6 || /database (table )?is locked/.test(text)) return "locked";
  if (code === 11 || code === 26 || /file is not a database|database disk image is malformed/.test(text)) {
    return "damaged";
  }
  return undefined;
}
