// Finds where and why JSON text is invalid, independent of the engine's JSON.parse wording.

/** Where a JSON text first goes wrong. */
export interface JsonErrorLocation {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in code points. */
  readonly column: number;
  /** What is wrong, lower case, no final period. */
  readonly reason: string;
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/**
 * Scans `text` as RFC 8259 JSON and reports the first error. Engines word
 * `JSON.parse` errors differently and some omit the position or echo the
 * whole input, so the position is recomputed here for a one-line message.
 *
 * @param text JSON text that `JSON.parse` rejected.
 * @returns The error's position and reason, or `undefined` if the text is valid.
 *
 * @example
 * ```ts
 * import { locateJsonError } from "./_json_error.ts";
 * locateJsonError('{\n  "a": 1,\n}');
 * // { line: 2, column: 11, reason: "trailing comma" }
 * ```
 */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  const containers: ("{" | "[")[] = [];
  let pos = 0;
  let state: "value" | "key" | "after" = "value";
  // Set when the next value or key follows a comma, to name trailing commas.
  let commaAt = -1;

  const fail = (offset: number, reason: string): JsonErrorLocation => {
    const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
    return {
      line: text.slice(0, lineStart).split("\n").length,
      column: [...text.slice(lineStart, offset)].length + 1,
      reason,
    };
  };
  const unexpected = (what: string): JsonErrorLocation =>
    pos >= text.length
      ? fail(pos, `unexpected end of input, expected ${what}`)
      : fail(pos, `unexpected ${JSON.stringify(text[pos])}, expected ${what}`);
  const skipWhitespace = () => {
    while (pos < text.length && WHITESPACE.has(text[pos])) pos++;
  };
  /** Scans a string starting at the opening quote; returns an error or undefined. */
  const scanString = (): JsonErrorLocation | undefined => {
    pos++;
    for (;;) {
      if (pos >= text.length) return fail(pos, "unterminated string");
      const c = text[pos];
      if (c === '"') {
        pos++;
        return undefined;
      }
      if (c < " ") return fail(pos, "control character in string");
      if (c === "\\") {
        const e = text[pos + 1];
        if (e === "u") {
          HEX4.lastIndex = pos + 2;
          if (!HEX4.test(text)) return fail(pos, "invalid \\u escape");
          pos += 6;
          continue;
        }
        if (e === undefined || !ESCAPES.has(e)) {
          return fail(pos, "invalid escape in string");
        }
        pos += 2;
        continue;
      }
      pos++;
    }
  };

  for (;;) {
    skipWhitespace();
    const c = text[pos];
    if (state === "value" || state === "key") {
      if (commaAt >= 0 && (c === "}" || c === "]")) {
        return fail(commaAt, "trailing comma");
      }
      commaAt = -1;
    }
    if (state === "key") {
      if (c !== '"') return unexpected("a property name in double quotes");
      const error = scanString();
      if (error) return error;
      skipWhitespace();
      if (text[pos] !== ":") return unexpected('":" after the property name');
      pos++;
      state = "value";
    } else if (state === "value") {
      if (c === "{" || c === "[") {
        pos++;
        skipWhitespace();
        const close = c === "{" ? "}" : "]";
        if (text[pos] === close) {
          pos++;
          state = "after";
        } else {
          containers.push(c);
          state = c === "{" ? "key" : "value";
        }
        continue;
      }
      if (c === '"') {
        const error = scanString();
        if (error) return error;
      } else if (c === "-" || (c >= "0" && c <= "9")) {
        NUMBER.lastIndex = pos;
        if (!NUMBER.test(text)) return fail(pos, "invalid number");
        pos = NUMBER.lastIndex;
      } else {
        const literal = ["true", "false", "null"].find((word) => text.startsWith(word, pos));
        if (!literal) return unexpected("a value");
        pos += literal.length;
      }
      state = "after";
    } else {
      const top = containers.at(-1);
      if (top === undefined) {
        return pos < text.length ? fail(pos, "unexpected text after the JSON value") : undefined;
      }
      const close = top === "{" ? "}" : "]";
      if (c === ",") {
        commaAt = pos++;
        state = top === "{" ? "key" : "value";
      } else if (c === close) {
        pos++;
        containers.pop();
      } else {
        return unexpected(`"," or "${close}"`);
      }
    }
  }
}
