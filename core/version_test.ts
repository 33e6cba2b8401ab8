import assert from "node:assert/strict";
import { VERSION } from "./version.ts";

Deno.test("VERSION is a semantic version without a leading v", () => {
  assert.match(VERSION, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
});
