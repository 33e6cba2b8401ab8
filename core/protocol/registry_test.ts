// Tests for the registry: unique opcodes and names, lookups, and every body schema against a sample (PROTOCOL.md §5).

import assert from "node:assert/strict";
import { decodeValue, encodeValue, type Value } from "../codec/value.ts";
import { ERROR_CODES, GENERIC_ERRORS } from "./errors.ts";
import { parseValue } from "./parse.ts";
import { opByCode, OPS, pushByCode, PUSHES } from "./registry.ts";
import { isMap } from "./schema.ts";
import { OP_SAMPLES, PUSH_SAMPLES } from "./_samples.ts";
import type * as v from "valibot";

const ops = Object.values(OPS);
const pushes = Object.values(PUSHES);
const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

Deno.test("every operation has its own opcode and name, and so does every push", () => {
  assert.equal(new Set(ops.map((op) => op.opcode)).size, ops.length);
  assert.equal(new Set(ops.map((op) => op.name)).size, ops.length);
  assert.equal(new Set(pushes.map((push) => push.opcode)).size, pushes.length);
  assert.equal(new Set(pushes.map((push) => push.name)).size, pushes.length);
});

Deno.test("a push shares an opcode only with the operation of the same name (ping)", () => {
  for (const push of pushes) {
    const op = opByCode(push.opcode);
    if (op) assert.equal(op.name, push.name, `push ${push.name} and op ${op.name} share ${push.opcode}`);
  }
  assert.equal(OPS.ping.opcode, PUSHES.ping.opcode);
});

Deno.test("opcodes are u16 other than 0x0000 (error), names snake_case, keys their camelCase", () => {
  for (const [key, def] of [...Object.entries(OPS), ...Object.entries(PUSHES)]) {
    assert.ok(Number.isInteger(def.opcode) && def.opcode > 0 && def.opcode <= 0xffff, def.name);
    assert.match(def.name, /^[a-z]+(_[a-z]+)*$/);
    assert.equal(key, camel(def.name));
  }
});

Deno.test("existing opcodes keep their numbers and the new ones have theirs", () => {
  const numbers = Object.fromEntries(ops.map((op) => [op.name, op.opcode]));
  assert.deepEqual(numbers, {
    ping: 0x0001,
    echo: 0x0002,
    register_start: 0x0010,
    register_finish: 0x0011,
    login_start: 0x0012,
    login_finish: 0x0013,
    logout: 0x0014,
    set_nickname: 0x0015,
    set_font: 0x0016,
    password_start: 0x0017,
    password_finish: 0x0018,
    resume: 0x0019,
    list_devices: 0x001a,
    revoke_device: 0x001b,
    watch_presence: 0x0020,
    upload_start: 0x0060,
    upload_chunk: 0x0061,
    upload_status: 0x0062,
    upload_finish: 0x0063,
    download: 0x0064,
    find_user: 0x0030,
    send_friend_request: 0x0031,
    answer_friend_request: 0x0032,
    remove_friend: 0x0033,
    block_user: 0x0034,
    unblock_user: 0x0035,
    list_blocked: 0x0036,
    send_message: 0x0050,
    history: 0x0051,
    sync: 0x0052,
    mark_read: 0x0053,
    recall_message: 0x0054,
  });
  assert.deepEqual(Object.fromEntries(pushes.map((push) => [push.name, push.opcode])), {
    ping: 0x0001,
    kicked: 0x0100,
    presence: 0x0101,
    friend_request: 0x0110,
    friend_added: 0x0111,
    friend_removed: 0x0112,
    message: 0x0120,
    message_recalled: 0x0121,
    conversation_added: 0x0122,
    conversation_removed: 0x0123,
  });
});

Deno.test("opByCode() and pushByCode() find every definition and nothing else", () => {
  for (const op of ops) assert.equal(opByCode(op.opcode), op);
  for (const push of pushes) assert.equal(pushByCode(push.opcode), push);
  assert.equal(opByCode(0x0000), undefined, "error is not a request");
  assert.equal(opByCode(PUSHES.kicked.opcode), undefined, "a push is not a request");
  assert.equal(pushByCode(OPS.echo.opcode), undefined);
  assert.equal(opByCode(0x7777), undefined);
});

Deno.test("every error an operation lists is a known code, not a generic one", () => {
  for (const op of ops) {
    for (const code of op.errors) {
      assert.ok(code in ERROR_CODES, `${op.name}: ${code}`);
      assert.equal(GENERIC_ERRORS.includes(code), false, `${op.name} lists the generic ${code}`);
      assert.notEqual(code, "not_logged_in", `${op.name}: implied by auth "user"`);
    }
  }
  for (const code of GENERIC_ERRORS) assert.ok(code in ERROR_CODES, code);
});

Deno.test("device_unknown answers without closing the connection", () => {
  assert.deepEqual(ERROR_CODES.device_unknown, { closes: false });
  assert.deepEqual(OPS.resume.errors.includes("device_unknown"), true);
});

Deno.test("login, session, friendship changes, sends and upload steps are ordered; reads, revocations and read marks are not", () => {
  const ordered = ops.filter((op) => op.ordered).map((op) => op.name).sort();
  assert.deepEqual(ordered, [
    "answer_friend_request",
    "block_user",
    "login_finish",
    "login_start",
    "logout",
    "password_finish",
    "password_start",
    "register_finish",
    "register_start",
    "remove_friend",
    "resume",
    "send_friend_request",
    "send_message",
    "set_font",
    "set_nickname",
    "unblock_user",
    "upload_chunk",
    "upload_finish",
    "upload_start",
    "watch_presence",
  ]);
});

Deno.test("only the login ways and ping and echo are open to anonymous connections", () => {
  const anonymous = ops.filter((op) => op.auth === "anonymous").map((op) => op.name).sort();
  assert.deepEqual(anonymous, [
    "echo",
    "login_finish",
    "login_start",
    "ping",
    "register_finish",
    "register_start",
    "resume",
  ]);
});

/** Every path to a leaf or container in a sample, with a value of another codec type in its place. */
function mistypings(value: Value, path: string[] = []): { path: string; body: (root: Value) => Value }[] {
  const out: { path: string; body: (root: Value) => Value }[] = [];
  if (path.length > 0) out.push({ path: path.join("."), body: (root) => replaceAt(root, path, wrongKind(value)) });
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...mistypings(item, [...path, String(i)])));
  else if (isMap(value)) {
    for (const [key, item] of Object.entries(value)) out.push(...mistypings(item, [...path, key]));
  }
  return out;
}

/** A value the codec can carry whose type differs from `value`'s. */
function wrongKind(value: Value): Value {
  if (typeof value === "string") return 42;
  if (typeof value === "number" || typeof value === "bigint") return "42";
  if (typeof value === "boolean") return 1;
  if (value === null) return true;
  if (value instanceof Uint8Array) return "AAAA";
  return "not a container";
}

function replaceAt(root: Value, path: string[], replacement: Value): Value {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(root)) return root.map((item, i) => String(i) === head ? replaceAt(item, rest, replacement) : item);
  const map = root as { [key: string]: Value };
  return { ...map, [head]: replaceAt(map[head], rest, replacement) };
}

/** Sends a body through the codec, so the schemas see exactly what a decoder gives them. */
const wire = (value: Value) => decodeValue(encodeValue(value));

/** Checks a schema against a sample and each of its mistypings; returns how many fields it mistyped. */
function assertSchemaTakesSample(schema: v.GenericSchema, sample: Value, what: string): number {
  let checked = 0;
  assert.deepEqual(parseValue(schema, wire(sample)), { ok: true, value: sample }, what);
  if (schema === OPS.echo.request || schema === OPS.echo.response) return 0; // any value fits echo
  assert.equal(parseValue(schema, wire([])).ok, false, `${what}: a list is not a map`);
  for (const { path, body } of mistypings(sample)) {
    checked++;
    const result = parseValue(schema, wire(body(sample)));
    assert.equal(result.ok, false, `${what}: ${path} mistyped is refused`);
    assert.equal(!result.ok && result.path, path, `${what}: the failure names ${path}`);
    assert.ok(!result.ok && result.message.startsWith(`Field ${path} `), `${what}: the message names ${path}`);
  }
  return checked;
}

Deno.test("every operation's request schema takes its sample and refuses each field mistyped, naming its path", () => {
  assert.deepEqual(Object.keys(OP_SAMPLES).sort(), Object.keys(OPS).sort(), "a sample for every operation");
  let checked = 0;
  for (const [key, op] of Object.entries(OPS)) {
    checked += assertSchemaTakesSample(op.request, OP_SAMPLES[key as keyof typeof OPS].request as Value, op.name);
  }
  assert.ok(checked >= 20, `${checked} request fields mistyped`);
});

Deno.test("every operation's response schema takes its sample and refuses each field mistyped, naming its path", () => {
  let checked = 0;
  for (const [key, op] of Object.entries(OPS)) {
    checked += assertSchemaTakesSample(op.response, OP_SAMPLES[key as keyof typeof OPS].response as Value, op.name);
  }
  assert.ok(checked >= 70, `${checked} response fields mistyped`);
});

Deno.test("every push's schema takes its sample and refuses each field mistyped, naming its path", () => {
  assert.deepEqual(Object.keys(PUSH_SAMPLES).sort(), Object.keys(PUSHES).sort(), "a sample for every push");
  let checked = 0;
  for (const [key, push] of Object.entries(PUSHES)) {
    checked += assertSchemaTakesSample(push.body, PUSH_SAMPLES[key as keyof typeof PUSHES] as Value, push.name);
  }
  assert.ok(checked >= 7, `${checked} push fields mistyped`);
});

Deno.test("echo takes any value, not only a map", () => {
  for (const value of [null, 1, "text", new Uint8Array(2), [1, [2]], { a: { b: null } }]) {
    assert.deepEqual(parseValue(OPS.echo.request, wire(value)), { ok: true, value });
  }
});

Deno.test("every body ignores keys a newer peer may add", () => {
  for (const [key, op] of Object.entries(OPS)) {
    if (op === OPS.echo) continue;
    const { request, response } = OP_SAMPLES[key as keyof typeof OPS];
    for (const [schema, sample] of [[op.request, request], [op.response, response]] as const) {
      const result = parseValue(schema, { ...sample as object, fromTheFuture: 1 });
      assert.deepEqual(result, { ok: true, value: sample }, op.name);
    }
  }
});
