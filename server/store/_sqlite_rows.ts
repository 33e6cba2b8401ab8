// What the SQLite repositories share: typed readers of result rows, constraint helpers, and how they run statements.

import { RecordNotFoundError, StoreError } from "./errors.ts";
import type { UserRecord } from "./types.ts";

/**
 * How a repository runs one synchronous store operation: under the store's lock, or directly inside a transaction
 * (sqlite.ts decides which). `action` names it for error messages ("create user"); anything `fn` throws that is not a
 * StoreError arrives as one, with the original as its cause.
 */
export type RunSync = <T>(action: string, fn: () => T) => Promise<T>;

/** SQLite extended result code for a UNIQUE constraint failure. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/**
 * Whether `err` is SQLite's UNIQUE constraint failure on exactly these columns.
 *
 * @param err What a statement threw.
 * @param columns As SQLite names them: `"friend_requests.from_user, friend_requests.to_user"`.
 * @returns True for that failure.
 */
export function isUniqueViolation(err: unknown, columns: string): boolean {
  return err instanceof Error && (err as { errcode?: unknown }).errcode === SQLITE_CONSTRAINT_UNIQUE &&
    err.message.endsWith(`UNIQUE constraint failed: ${columns}`);
}

/**
 * Throws RecordNotFoundError when an UPDATE by id touched nothing.
 *
 * @param result The statement's result.
 * @param table The table, for the error.
 * @param id The id, for the error.
 */
export function expectChanged(result: { changes: number | bigint }, table: string, id: number): void {
  if (Number(result.changes) === 0) throw new RecordNotFoundError(table, id);
}

// Rows arrive as null-prototype objects of SQLite values; these readers check each column's type so a
// schema drift fails loudly instead of leaking `undefined` or a string into a record.

/** A result row. */
export type Row = Record<string, unknown>;

/** The column's integer; StoreError for anything else. */
export function integer(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== "number" || !Number.isInteger(value)) throw unexpected(column, value);
  return value;
}

/** The column's integer or null. */
export function integerOrNull(row: Row, column: string): number | null {
  return row[column] === null ? null : integer(row, column);
}

/** The column's text; StoreError for anything else. */
export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== "string") throw unexpected(column, value);
  return value;
}

/** The column's text or null. */
export function textOrNull(row: Row, column: string): string | null {
  return row[column] === null ? null : text(row, column);
}

/** The column's bytes; StoreError for anything else. */
export function bytes(row: Row, column: string): Uint8Array {
  const value = row[column];
  if (!(value instanceof Uint8Array)) throw unexpected(column, value);
  return value;
}

/** The column's bytes or null. */
export function bytesOrNull(row: Row, column: string): Uint8Array | null {
  return row[column] === null ? null : bytes(row, column);
}

/** The column's text, one of `allowed`; StoreError for anything else. */
export function oneOf<const T extends string>(row: Row, column: string, allowed: readonly T[]): T {
  const value = text(row, column);
  if (!(allowed as readonly string[]).includes(value)) throw unexpected(column, value);
  return value as T;
}

function unexpected(column: string, value: unknown): StoreError {
  const shown = value instanceof Uint8Array ? `${value.length} bytes` : JSON.stringify(value) ?? String(value);
  return new StoreError(`Unexpected value in column ${column}: ${shown}`);
}

/** A `users` row as a record. */
export function toUser(row: Row): UserRecord {
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

/** The row a statement must return (INSERT … RETURNING); StoreError when it returned none. */
export function returned(row: Row | undefined): Row {
  if (row === undefined) throw new StoreError("Statement returned no row");
  return row;
}

/** The `id` column of each row. */
export function ids(rows: Row[]): number[] {
  return rows.map((row) => integer(row, "id"));
}
