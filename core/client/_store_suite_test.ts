import assert from "node:assert/strict";
import { check, rejects } from "./_store_suite.ts";

Deno.test("check() throws its message when the condition is false, and passes when it holds", () => {
  check(1, "unused");
  assert.throws(() => check(0, "zero is falsy"), { message: "zero is falsy" });
});

Deno.test("rejects() passes on a rejection of the named error, and throws otherwise", async () => {
  await rejects(Promise.reject(new TypeError("bad")), "TypeError", "a type error");
  await assert.rejects(rejects(Promise.resolve(1), "TypeError", "resolved"), /resolved: expected a TypeError/);
  await assert.rejects(rejects(Promise.reject(new RangeError("x")), "TypeError", "other"), /got RangeError: x/);
  await assert.rejects(rejects(Promise.reject(undefined), "TypeError", "nothing"), /nothing: expected a TypeError/);
});
