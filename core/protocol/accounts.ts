// Account rules shared by clients and server: username and nickname syntax (PROTOCOL.md §10.1).

/** Characters a username may hold: ASCII letters, digits, `_`, `.` and `-`. */
const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;

/** Control and format characters and line breaks never belong in a display name (nickname, device name). */
export const NOT_IN_DISPLAY_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

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
  if (NOT_IN_DISPLAY_NAME.test(nickname)) return { error: "A nickname cannot hold control characters or line breaks" };
  return { nickname };
}

/** Limits of `set_font` (PROTOCOL.md §10.6). */
export const FONT_LIMITS = { maxFamily: 64, minSize: 8, maxSize: 72 } as const;

/**
 * Checks chat font preferences as `set_font` carries them: a family of 1 to 64 characters or null, a whole size from
 * 8 to 72 or null (null: the client's default).
 *
 * @param family The family name, or null.
 * @param size The size in pixels, or null.
 * @returns `{ font }` with the family trimmed, or `{ error }`.
 *
 * @example
 * ```ts
 * import { checkFont } from "./accounts.ts";
 * checkFont(" Noto Sans SC ", 14); // { font: { family: "Noto Sans SC", size: 14 } }
 * checkFont(null, 100); // { error: "A font size is a whole number from 8 to 72" }
 * ```
 */
export function checkFont(
  family: unknown,
  size: unknown,
): { font: { family: string | null; size: number | null } } | { error: string } {
  const name = typeof family === "string" ? family.trim() : family;
  if (name !== null && (typeof name !== "string" || name === "" || [...name].length > FONT_LIMITS.maxFamily)) {
    return { error: `A font family is 1 to ${FONT_LIMITS.maxFamily} characters, or the default` };
  }
  if (
    size !== null &&
    (typeof size !== "number" || !Number.isInteger(size) || size < FONT_LIMITS.minSize || size > FONT_LIMITS.maxSize)
  ) {
    return { error: `A font size is a whole number from ${FONT_LIMITS.minSize} to ${FONT_LIMITS.maxSize}` };
  }
  return { font: { family: name, size } };
}
