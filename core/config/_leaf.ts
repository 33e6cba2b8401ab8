// Checks one leaf value against its schema row and converts env/flag text to the leaf's type.

import type { LeafSpec } from "./schema.ts";

/** Longest hostname DNS allows (RFC 1035 §2.3.4, without the trailing dot). */
const MAX_HOST_LENGTH = 253;

/** Whitespace and control characters, which no hostname or IP literal contains. */
const NOT_IN_HOST = /[\s\p{Cc}]/u;

/** Integers written plainly: no spaces, exponents, hex, separators or `+`. */
const INTEGER_TEXT = /^-?\d+$/;

/**
 * What a leaf accepts, phrased to follow "expected"; also used in the docs.
 *
 * @param leaf The schema row.
 * @returns E.g. `an integer from 0 to 65535`.
 *
 * @example
 * ```ts
 * import { expectation } from "./_leaf.ts";
 * expectation({ path: "log.level", type: "enum", values: ["a", "b"], description: "" });
 * // 'one of "a", "b"'
 * ```
 */
export function expectation(leaf: LeafSpec): string {
  switch (leaf.type) {
    case "integer":
      return `an integer from ${leaf.min} to ${leaf.max}`;
    case "string":
      return leaf.allowEmpty ? "a string" : "a non-empty string";
    case "boolean":
      return "true or false";
    case "list":
      return "a non-empty list of distinct values from " + leaf.values.map((v) => JSON.stringify(v)).join(", ");
    case "host":
      return `a hostname or IP address (1 to ${MAX_HOST_LENGTH} characters, no spaces)`;
    case "enum":
      return "one of " + leaf.values.map((v) => JSON.stringify(v)).join(", ");
    case "origins":
      return 'a list, possibly empty, of distinct origins such as "https://chat.example.org" (http or https, host, optional port)';
  }
}

/**
 * Renders a value for an error message on one line, shortened if long.
 *
 * @param value Anything parsed from JSON, env or flags.
 * @returns E.g. `70000`, `"big"`, `null`, `an array`, `an object`.
 *
 * @example
 * ```ts
 * import { showValue } from "./_leaf.ts";
 * showValue("big"); // '"big"'
 * ```
 */
export function showValue(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    const text = JSON.stringify(value);
    return text.length > 60 ? text.slice(0, 56) + '…"' : text;
  }
  return String(value);
}

/**
 * Checks a value against a leaf's type and range.
 *
 * @param leaf The schema row.
 * @param value The candidate value.
 * @returns What is wrong, without the key prefix, or `undefined` if valid.
 *
 * @example
 * ```ts
 * import { checkLeaf } from "./_leaf.ts";
 * checkLeaf({ path: "server.tcpPort", type: "integer", min: 0, max: 65535, description: "" }, 70000);
 * // "expected an integer from 0 to 65535, got 70000"
 * ```
 */
export function checkLeaf(leaf: LeafSpec, value: unknown): string | undefined {
  const problem = `expected ${expectation(leaf)}, got ${showValue(value)}`;
  switch (leaf.type) {
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) {
        return `expected an integer, got ${showValue(value)}`;
      }
      return value < leaf.min || value > leaf.max ? problem : undefined;
    case "string":
      return typeof value === "string" && (value !== "" || leaf.allowEmpty) ? undefined : problem;
    case "boolean":
      return typeof value === "boolean" ? undefined : problem;
    case "list":
      return checkList(leaf.values, value, `expected ${expectation(leaf)}, got `);
    case "host":
      return typeof value === "string" && value !== "" &&
          value.length <= MAX_HOST_LENGTH && !NOT_IN_HOST.test(value)
        ? undefined
        : problem;
    case "enum":
      return typeof value === "string" && leaf.values.includes(value) ? undefined : problem;
    case "origins":
      return checkOrigins(value, `expected ${expectation(leaf)}, got `);
  }
}

/**
 * Checks a list of web origins: each exactly what a browser sends in `Origin`, so that comparing strings is enough
 * (lower-case scheme and host, no path, no trailing slash, no default port).
 */
function checkOrigins(value: unknown, expectedGot: string): string | undefined {
  if (!Array.isArray(value)) return expectedGot + showValue(value);
  const seen = new Set<unknown>();
  for (const item of value) {
    if (typeof item !== "string" || !isOrigin(item)) return `${expectedGot}${showValue(item)} in the list`;
    if (seen.has(item)) return `${expectedGot}${showValue(item)} more than once`;
    seen.add(item);
  }
  return undefined;
}

function isOrigin(text: string): boolean {
  if (!/^https?:\/\/[^/?#\s]+$/.test(text)) return false;
  try {
    return new URL(text).origin === text;
  } catch (error) {
    // Not a URL at all: not an origin either.
    if (error instanceof TypeError) return false;
    throw error;
  }
}

/**
 * Checks a list leaf, naming the item at fault: `showValue` would say only
 * "an array", which is what a list leaf asks for and, from env or a flag,
 * not even what the user wrote.
 */
function checkList(values: readonly string[], value: unknown, expectedGot: string): string | undefined {
  if (!Array.isArray(value)) return expectedGot + showValue(value);
  if (value.length === 0) return expectedGot + "an empty list";
  const seen = new Set<unknown>();
  for (const item of value) {
    if (typeof item !== "string" || !values.includes(item)) return `${expectedGot}${showValue(item)} in the list`;
    if (seen.has(item)) return `${expectedGot}${showValue(item)} more than once`;
    seen.add(item);
  }
  return undefined;
}

/**
 * Converts the text of an environment variable or flag to the leaf's type.
 * Text that is not a plain integer stays a string so that `checkLeaf` reports
 * it as the wrong type, quoting what the user wrote.
 *
 * @param leaf The schema row.
 * @param text The raw text.
 * @returns The value to validate.
 *
 * @example
 * ```ts
 * import { fromText } from "./_leaf.ts";
 * fromText({ path: "server.tcpPort", type: "integer", min: 0, max: 65535, description: "" }, "9000"); // 9000
 * ```
 */
export function fromText(leaf: LeafSpec, text: string): unknown {
  switch (leaf.type) {
    case "integer":
      return INTEGER_TEXT.test(text) ? Number(text) : text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "list":
      // Comma-separated, as in MIMI_CRYPTO_AEAD=chacha20-poly1305,aes-256-gcm.
      return text.split(",").map((item) => item.trim());
    case "origins":
      // Comma-separated too; an empty text is the empty list.
      return text.trim() === "" ? [] : text.split(",").map((item) => item.trim());
    default:
      return text;
  }
}
