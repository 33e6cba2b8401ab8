// An initials avatar: the letters that stand for a name, and one of a few colours chosen by the user's id.

/** How many avatar colours the stylesheet has (`.avatar.c0` … `.avatar.c7`), each readable with white text. */
export const AVATAR_COLOURS = 8;

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function firstGrapheme(word: string): string {
  for (const { segment } of segmenter.segment(word)) return segment;
  return "";
}

/**
 * The initials of a name: the first letters of its first two words ("Ada Lovelace" → "AL"), or its first character
 * for a name of one word ("小明" → "小", "bob" → "B"). Emoji and combined characters stay whole.
 *
 * @param name A nickname.
 * @returns One or two characters, upper-cased; "?" for a name of only white space.
 *
 * @example
 * ```ts
 * import { initials } from "./_avatar.ts";
 * initials("grace  hopper"); // "GH"
 * ```
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((word) => word !== "");
  if (words.length === 0) return "?";
  const letters = words.length === 1 ? firstGrapheme(words[0]) : firstGrapheme(words[0]) + firstGrapheme(words[1]);
  return letters.toLocaleUpperCase();
}

/**
 * The colour class of a user's avatar: the same user always gets the same one.
 *
 * @param userId The user's id.
 * @returns `c0` to `c7`.
 */
export function avatarColour(userId: number): string {
  return `c${Math.abs(Math.trunc(userId)) % AVATAR_COLOURS}`;
}
