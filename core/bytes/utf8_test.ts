// Tests for utf8().

import assert from "node:assert/strict";
import { hex } from "./hex.ts";
import { utf8 } from "./utf8.ts";

Deno.test("utf8() encodes non-ASCII text as UTF-8", () => {
  assert.equal(hex(utf8("é€")), "c3a9e282ac");
});

Deno.test("utf8() returns a fresh array on every call", () => {
  const first = utf8("a");
  first[0] = 0;
  assert.deepEqual(utf8("a"), new Uint8Array([0x61]));
});
