// Account rules shared by clients and server: username and nickname syntax (PROTOCOL.md §10.1).

/** Characters a username may hold: ASCII letters, digits, `_`, `.` and `-`. */
const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;

/** Control and format characters never belong in a display name. */
const NOT_IN_NICKNAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Longest nickname, in characters (code points, so 32 Chinese characters fit). */
export const MAX_NICKNAME = 32;

/**
 * Checks and normalises a username.
 *
 * @param input What the user typed.
 * @returns `{ username, key }`: the trimmed name as typed, and its lower-case key that uniqueness is checked on;
 *   or `{ error }` saying what is wrong.
 *
 * @example
 * ```ts
 * import { parseUsername } from "./accounts.ts";
 * parseUsername("  Alice_01 "); // { username: "Alice_01", key: "alice_01" }
 * parseUsername("张三"); // { error: "A username is 3 to 32 letters, digits, _ . or -" }
 * ```
 */
export function parseUsername(input: unknown): { username: string; key: string } | { error: string } {
  if (typeof input !== "string") return { error: "A username is text" };
  const username = input.trim();
  if (!USERNAME_PATTERN.test(username)) return { error: "A username is 3 to 32 letters, digits, _ . or -" };
  return { username, key: username.toLowerCase() };
}

/**
 * Checks and normalises a nickname: any script, trimmed, 1 to 32 characters, no control characters.
 *
 * @param input What the user typed.
 * @returns `{ nickname }` (NFC-normalised) or `{ error }`.
 *
 * @example
 * ```ts
 * import { parseNickname } from "./accounts.ts";
 * parseNickname(" 小明 "); // { nickname: "小明" }
 * ```
 */
export function parseNickname(input: unknown): { nickname: string } | { error: string } {
  if (typeof input !== "string") return { error: "A nickname is text" };
  const nickname = input.trim().normalize("NFC");
  const length = [...nickname].length;
  if (length === 0 || length > MAX_NICKNAME) return { error: `A nickname is 1 to ${MAX_NICKNAME} characters` };
  if (NOT_IN_NICKNAME.test(nickname)) return { error: "A nickname cannot hold control characters or line breaks" };
  return { nickname };
}
