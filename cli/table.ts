// Plain-text tables for the terminal: columns aligned by display width, so Chinese, Japanese and emoji line up.

import { displayWidth } from "../core/client/mod.ts";

/**
 * Lays rows out in columns: each column but the last is padded to its widest cell, as a terminal shows it (a CJK
 * character or an emoji takes two columns), with two spaces between columns and no trailing spaces.
 *
 * @param rows The cells of each row; rows may have fewer cells than others.
 * @returns One line per row.
 *
 * @example
 * ```ts
 * import { formatTable } from "./table.ts";
 * formatTable([["爱丽丝", "alice"], ["Bob", "bob"]]); // ["爱丽丝  alice", "Bob     bob"]
 * ```
 */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell)));
  }
  return rows.map((row) =>
    row.map((cell, i) => i === row.length - 1 ? cell : cell + " ".repeat(widths[i] - displayWidth(cell)))
      .join("  ")
      .trimEnd()
  );
}
