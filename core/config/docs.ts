// Generates the Markdown reference of every configuration setting from the schema table.

import { expectation } from "./_leaf.ts";
import { CONFIG_LEAVES, DEFAULT_CONFIG, envVarName, getLeaf } from "./schema.ts";

/**
 * Renders every setting as a Markdown table: key (also the `--flag` name),
 * default, allowed values, environment variable and description.
 *
 * @returns The table, ending with a newline.
 *
 * @example
 * ```ts
 * import { describeConfig } from "./docs.ts";
 * const table = describeConfig();
 * table.includes("`MIMI_SERVER_TCP_PORT`"); // true
 * ```
 */
export function describeConfig(): string {
  const rows = CONFIG_LEAVES.map((leaf) =>
    [
      code(leaf.path),
      code(JSON.stringify(getLeaf(DEFAULT_CONFIG, leaf.path))),
      expectation(leaf),
      code(envVarName(leaf.path)),
      leaf.description,
    ].map(escapeCell)
  );
  return [
    ["Key", "Default", "Allowed values", "Environment variable", "Description"],
    ["---", "---", "---", "---", "---"],
    ...rows,
  ].map((cells) => `| ${cells.join(" | ")} |\n`).join("");
}

function code(text: string): string {
  return "`" + text + "`";
}

/** A `|` would end the cell early, even inside a code span. */
function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|");
}
