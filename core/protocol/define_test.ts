// Tests for defineOp and definePush: identity helpers that only fill defaults and freeze.

import assert from "node:assert/strict";
import { defineOp, definePush } from "./define.ts";
import { int, map } from "./schema.ts";

Deno.test("defineOp() keeps the definition and makes ordered false unless declared", () => {
  const request = map({});
  const response = map({ time: int });
  const def = defineOp({ opcode: 7, name: "seven", request, response, errors: ["throttled"], auth: "user" });
  assert.equal(def.opcode, 7);
  assert.equal(def.name, "seven");
  assert.equal(def.request, request);
  assert.equal(def.response, response);
  assert.deepEqual(def.errors, ["throttled"]);
  assert.equal(def.auth, "user");
  assert.equal(def.ordered, false);
  const ordered = defineOp({ opcode: 8, name: "eight", request, response, errors: [], auth: "user", ordered: true });
  assert.equal(ordered.ordered, true);
});

Deno.test("defineOp() and definePush() return frozen definitions", () => {
  const errors = ["throttled" as const];
  const def = defineOp({ opcode: 7, name: "seven", request: map({}), response: map({}), errors, auth: "anonymous" });
  assert.equal(Object.isFrozen(def), true);
  assert.equal(Object.isFrozen(def.errors), true);
  errors.push("throttled");
  assert.equal(def.errors.length, 1, "a later change to the caller's array does not reach the definition");
  assert.equal(Object.isFrozen(definePush({ opcode: 9, name: "nine", body: map({}) })), true);
});
