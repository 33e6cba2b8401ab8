// Display width for the terminal screen: text measured, cut, padded and wrapped in columns (CJK and emoji take two),
// with string-width, the measure Ink lays its boxes out by, so what is cut here fits the box it is drawn in.

import stringWidth from "string-width";

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The grapheme clusters of `text`: what a user sees as one character, never split. */
function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * How many terminal columns `text` takes.
 *
 * @param text One line of text.
 * @returns Its width: 2 for each CJK character or emoji, 0 for combining marks.
 *
 * @example
 * ```ts
 * import { textWidth } from "./width.ts";
 * textWidth("爱丽丝 ok"); // 9
 * ```
 */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/**
 * Cuts `text` to at most `width` columns, ending in "…" when it was cut, and pads it with spaces to exactly `width`,
 * so that cells of a column line up whatever script they hold.
 *
 * @param text One line of text (line breaks are shown as spaces).
 * @param width Columns, 0 or more.
 * @returns The text in exactly `width` columns.
 *
 * @example
 * ```ts
 * import { fitToWidth } from "./width.ts";
 * fitToWidth("爱丽丝", 5); // "爱丽…"
 * fitToWidth("bob", 5); // "bob  "
 * ```
 */
export function fitToWidth(text: string, width: number): string {
  if (!Number.isInteger(width) || width < 0) {
    throw new RangeError(`Cannot fit text as 'width' must be a whole number from 0: current value is ${width}`);
  }
  const line = text.replace(/[\n\r\t]/g, " ");
  const full = textWidth(line);
  if (full <= width) return line + " ".repeat(width - full);
  if (width === 0) return "";
  let out = "";
  let used = 0;
  for (const cluster of graphemes(line)) {
    const w = textWidth(cluster);
    if (used + w > width - 1) break;
    out += cluster;
    used += w;
  }
  // A wide character that does not fit before the ellipsis leaves one column, filled so the width is exact.
  return out + "…" + " ".repeat(width - 1 - used);
}

/**
 * Wraps text into lines of at most `width` columns: at its own line breaks, then between words where a line is full,
 * and inside a word (or between CJK characters, which have no spaces) where a word is longer than a line.
 *
 * @param text Any text, several lines included.
 * @param width Columns per line, 1 or more.
 * @returns The lines, none wider than `width` (but for a single character wider than it, alone on its line); an
 *   empty text gives one empty line.
 *
 * @example
 * ```ts
 * import { wrapToWidth } from "./width.ts";
 * wrapToWidth("你好世界 hello", 6); // ["你好世", "界", "hello"]
 * ```
 */
export function wrapToWidth(text: string, width: number): string[] {
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`Cannot wrap text as 'width' must be a whole number from 1: current value is ${width}`);
  }
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, "\n").replace(/\t/g, "  ").split("\n")) {
    let line = "";
    let used = 0;
    // Words keep the spaces before them; a space at the start of a wrapped line is dropped.
    for (const word of paragraph.match(/\s*\S+|\s+$/g) ?? [""]) {
      const w = textWidth(word);
      if (used + w <= width) {
        line += word;
        used += w;
        continue;
      }
      const bare = word.trimStart();
      if (used > 0 && textWidth(bare) <= width) {
        lines.push(line.trimEnd());
        line = bare;
        used = textWidth(bare);
        continue;
      }
      for (const cluster of graphemes(used === 0 ? bare : word)) {
        const cw = textWidth(cluster);
        if (used + cw > width) {
          lines.push(line.trimEnd());
          line = cluster.trimStart();
          used = textWidth(line);
        } else {
          line += cluster;
          used += cw;
        }
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
