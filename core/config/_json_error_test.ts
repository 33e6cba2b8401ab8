// Tests that locateJsonError() agrees with JSON.parse and points at the first error.

import assert from "node:assert/strict";
import { locateJsonError } from "./_json_error.ts";

Deno.test("locateJsonError() points at the line and column of common mistakes", () => {
  const cases: [string, number, number, string][] = [
    ['{\n  "a": 1,\n}', 2, 9, "trailing comma"],
    ["[1, 2,]", 1, 6, "trailing comma"],
    ["{a: 1}", 1, 2, 'unexpected "a", expected a property name in double quotes'],
    ['{"a" 1}', 1, 6, 'unexpected "1", expected ":" after the property name'],
    ['{"a": tru}', 1, 7, 'unexpected "t", expected a value'],
    ['{"a": 1 "b": 2}', 1, 9, 'unexpected "\\"", expected "," or "}"'],
    ['{"a": 01}', 1, 8, 'unexpected "1", expected "," or "}"'],
    ['{"a": -}', 1, 7, "invalid number"],
    ['{"a": "x\\q"}', 1, 9, "invalid escape in string"],
    ['{"a": "\\u12"}', 1, 8, "invalid \\u escape"],
    ['{"a": "x\ny"}', 1, 9, "control character in string"],
    ['{"a": "x', 1, 9, "unterminated string"],
    ["{} x", 1, 4, "unexpected text after the JSON value"],
    ["", 1, 1, "unexpected end of input, expected a value"],
    ['{"名": "值",\n "🌏": x}', 2, 7, 'unexpected "x", expected a value'],
    ["{\r\n  'a': 1}", 2, 3, 'unexpected "\'", expected a property name in double quotes'],
  ];
  for (const [text, line, column, reason] of cases) {
    assert.throws(() => JSON.parse(text), SyntaxError);
    assert.deepEqual(locateJsonError(text), { line, column, reason }, text);
  }
});

Deno.test("locateJsonError() finds no error in valid JSON", () => {
  for (
    const text of [
      "{}",
      "[]",
      ' { "a" : [1, -2.5e+3, true, false, null, {"b": "\\u00e9\\n"}] } ',
      '"s"',
      "0",
      "[[[[]]]]",
    ]
  ) {
    JSON.parse(text);
    assert.equal(locateJsonError(text), undefined, text);
  }
});

Deno.test("locateJsonError() agrees with JSON.parse on mutated config text", () => {
  const base = JSON.stringify(
    { server: { host: "127.0.0.1", tcpPort: 8111, limits: { a: [1, 2.5] } }, log: { level: "info" } },
    null,
    2,
  );
  const alphabet = '{}[]:,"\\ \n0123456789.-+eEtrufalsn';
  // Deterministic xorshift so failures reproduce.
  let seed = 0x9e3779b9;
  const random = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  for (let round = 0; round < 3000; round++) {
    let text = base;
    for (let edits = 1 + random(3); edits > 0; edits--) {
      const at = random(text.length + 1);
      const op = random(3);
      const char = alphabet[random(alphabet.length)];
      text = op === 0
        ? text.slice(0, at) + text.slice(at + 1)
        : op === 1
        ? text.slice(0, at) + char + text.slice(at)
        : text.slice(0, at) + char + text.slice(at + 1);
    }
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      // Expected for most mutations; the scanner must agree either way.
      valid = false;
    }
    assert.equal(locateJsonError(text) === undefined, valid, text);
  }
});
