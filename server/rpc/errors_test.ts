import assert from "node:assert/strict";
import { errorFields, RequestError } from "./errors.ts";

Deno.test("RequestError carries its code, retry time and cause", () => {
  const cause = new Error("underneath");
  const error = new RequestError("throttled", "Too many attempts", { retryAfterMs: 1000, cause });
  assert.deepEqual([error.name, error.code, error.message, error.retryAfterMs], [
    "RequestError",
    "throttled",
    "Too many attempts",
    1000,
  ]);
  assert.equal(error.cause, cause);
  assert.equal(new RequestError("internal", "x").cause, undefined);
});

Deno.test("errorFields() logs the error, its stack and every cause down the chain", () => {
  const error = new Error("outer", { cause: new TypeError("middle", { cause: "a string at the bottom" }) });
  const fields = errorFields(error);
  assert.equal(fields.error, "Error: outer");
  assert.match(fields.stack, /^Error: outer\n\s+at /);
  assert.match(fields.cause, /^TypeError: middle\n[\s\S]*\nCaused by: a string at the bottom$/);
  assert.deepEqual(errorFields("thrown text"), { error: "thrown text" });
});

Deno.test("errorFields() stops on a cycle of causes", () => {
  const a = new Error("a");
  const b = new Error("b", { cause: a });
  (a as { cause?: unknown }).cause = b;
  assert.equal(errorFields(a).cause!.split("Caused by:").length, 5);
});
