// Tests for parseValue and the op-level checks: the first problem, named by its dotted path (PROTOCOL.md §5).

import assert from "node:assert/strict";
import * as v from "valibot";
import { checkPush, checkRequest, checkResponse, parseValue } from "./parse.ts";
import { OPS, PUSHES } from "./registry.ts";
import { bytes, int, list, map, string } from "./schema.ts";

const schema = map({
  name: string,
  count: int,
  key: bytes(4),
  device: map({ publicKey: bytes(4), tags: list(string) }),
});
const good = { name: "n", count: 3, key: new Uint8Array(4), device: { publicKey: new Uint8Array(4), tags: ["a"] } };

Deno.test("parseValue() returns the value typed when it fits", () => {
  assert.deepEqual(parseValue(schema, good), { ok: true, value: good });
});

Deno.test("parseValue() says so when the body is not a map", () => {
  for (
    const [body, kind] of [[[], "a list"], [new Uint8Array(1), "bytes"], ["x", "a string"], [null, "null"]] as const
  ) {
    assert.deepEqual(parseValue(schema, body), {
      ok: false,
      path: "",
      message: `The body must be a map, not ${kind}`,
    });
  }
});

Deno.test("parseValue() names a missing field", () => {
  const { count: _count, ...rest } = good;
  assert.deepEqual(parseValue(schema, rest), { ok: false, path: "count", message: "Field count is missing" });
});

Deno.test("parseValue() names a field of the wrong type", () => {
  assert.deepEqual(parseValue(schema, { ...good, name: 7 }), {
    ok: false,
    path: "name",
    message: "Field name must be a string, not the number 7",
  });
});

Deno.test("parseValue() gives a nested field's dotted path, list indices included", () => {
  assert.deepEqual(parseValue(schema, { ...good, device: { ...good.device, publicKey: "AAAA" } }), {
    ok: false,
    path: "device.publicKey",
    message: "Field device.publicKey must be bytes, not a string",
  });
  assert.deepEqual(parseValue(schema, { ...good, device: { ...good.device, tags: ["a", 2] } }), {
    ok: false,
    path: "device.tags.1",
    message: "Field device.tags.1 must be a string, not the number 2",
  });
});

Deno.test("parseValue() tells bytes from a string both ways, without quoting the string", () => {
  const secret = "do not echo me";
  const asString = parseValue(schema, { ...good, key: secret });
  assert.equal(asString.ok, false);
  assert.equal(!asString.ok && asString.message, "Field key must be bytes, not a string");
  assert.equal(!asString.ok && asString.message.includes(secret), false);
  assert.deepEqual(parseValue(schema, { ...good, name: new Uint8Array(2) }), {
    ok: false,
    path: "name",
    message: "Field name must be a string, not bytes",
  });
});

Deno.test("parseValue() refuses a number that is not an integer", () => {
  assert.deepEqual(parseValue(schema, { ...good, count: 2.5 }), {
    ok: false,
    path: "count",
    message: "Field count must be a whole number, not the number 2.5",
  });
  assert.deepEqual(parseValue(schema, { ...good, count: 2n ** 60n }), {
    ok: false,
    path: "count",
    message: "Field count must be a whole number, not an integer outside the safe range",
  });
});

Deno.test("parseValue() reports only the first problem", () => {
  const result = parseValue(schema, { name: 1, count: "x" });
  assert.deepEqual(result, { ok: false, path: "name", message: "Field name must be a string, not the number 1" });
});

Deno.test("parseValue() runs any valibot schema", () => {
  assert.deepEqual(parseValue(v.literal(1), 1), { ok: true, value: 1 });
});

Deno.test("checkRequest(), checkResponse() and checkPush() use the definition's own schema", () => {
  assert.deepEqual(checkRequest(OPS.ping, {}), { ok: true, value: {} });
  assert.deepEqual(checkResponse(OPS.ping, { time: 5 }), { ok: true, value: { time: 5 } });
  assert.deepEqual(checkResponse(OPS.ping, { time: "5" }), {
    ok: false,
    path: "time",
    message: "Field time must be a whole number, not a string",
  });
  assert.deepEqual(checkPush(PUSHES.kicked, { at: 1, address: "198.51.100.7", reason: "away" }), {
    ok: false,
    path: "reason",
    message: 'Field reason must be one of "elsewhere", "revoked"',
  });
});
