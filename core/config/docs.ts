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
      code(showDefault(getLeaf(DEFAULT_CONFIG, leaf.path))),
      leaf.type === "list" || leaf.type === "origins"
        ? `${expectation(leaf)}; comma-separated in the variable or flag`
        : expectation(leaf),
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

/** JSON, with a space after each comma of a list as in the rest of the table. */
function showDefault(value: unknown): string {
  return Array.isArray(value) ? `[${value.map((item) => JSON.stringify(item)).join(", ")}]` : JSON.stringify(value);
}

function code(text: string): string {
  return "`" + text + "`";
}

/** A `|` would end the cell early, even inside a code span. */
function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|");
}
