import assert from "node:assert/strict";
import { noOtherOptions, takeCount, takeFlag, takeOption } from "./args.ts";
import { UsageError } from "./exit_codes.ts";

Deno.test("takeOption() takes a value after the option or after =, and says when it is missing", () => {
  assert.deepEqual(takeOption(["a", "--limit", "5", "b"], "--limit"), { value: "5", rest: ["a", "b"] });
  assert.deepEqual(takeOption(["--limit=7", "a"], "--limit"), { value: "7", rest: ["a"] });
  assert.deepEqual(takeOption(["a", "--limit"], "--limit"), { value: "", rest: ["a"] });
  assert.deepEqual(takeOption(["a"], "--limit"), { value: undefined, rest: ["a"] });
});

Deno.test("takeFlag() takes every copy of a flag wherever it stands", () => {
  assert.deepEqual(takeFlag(["--json", "a", "--json"], "--json"), { present: true, rest: ["a"] });
  assert.deepEqual(takeFlag(["a"], "--json"), { present: false, rest: ["a"] });
});

Deno.test("takeCount() accepts whole numbers in range and refuses anything else as a usage error", () => {
  assert.deepEqual(takeCount(["--before", "12"], "--before"), { value: 12, rest: [] });
  assert.deepEqual(takeCount([], "--before"), { value: undefined, rest: [] });
  for (const bad of ["0", "-1", "1.5", "x", "", "201"]) {
    assert.throws(() => takeCount(["--limit", bad], "--limit", 200), UsageError, bad);
  }
});

Deno.test("noOtherOptions() refuses an unknown option but lets a lone - or -- through", () => {
  noOtherOptions("send", ["alice", "-", "--"]);
  assert.throws(() => noOtherOptions("send", ["alice", "--jsn"]), /send has no option --jsn/);
});
