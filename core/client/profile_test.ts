// Tests for parseFont(). The profile calls (setNickname, setFont, logout) are tested against a real server in
// core/client/connect_test.ts and tests/sdk_test.ts, and the checking of their answers in client_test.ts.

import assert from "node:assert/strict";
import { parseFont } from "./profile.ts";

Deno.test("parseFont() trims the family and reads the size", () => {
  assert.deepEqual(parseFont("  Noto Serif CJK SC ", " 18 "), { font: { family: "Noto Serif CJK SC", size: 18 } });
});

Deno.test("parseFont() turns blank fields into the default", () => {
  assert.deepEqual(parseFont(" ", ""), { font: { family: null, size: null } });
});

Deno.test("parseFont() rejects sizes outside 8 to 72 and fractions", () => {
  for (const size of ["7", "73", "12.5", "big"]) assert.ok("error" in parseFont("serif", size), size);
  assert.deepEqual(parseFont("serif", "8"), { font: { family: "serif", size: 8 } });
  assert.deepEqual(parseFont("serif", "72"), { font: { family: "serif", size: 72 } });
});

Deno.test("parseFont() counts the family in characters and rejects more than 64", () => {
  assert.ok("font" in parseFont("宋".repeat(64), ""));
  assert.ok("error" in parseFont("宋".repeat(65), ""));
});
