import assert from "node:assert/strict";
import { Op } from "../protocol/opcodes.ts";
import type { Push } from "./client.ts";
import { readPush } from "./events.ts";

Deno.test("readPush() reads a kicked push with its reason", () => {
  const body = { at: 1_700_000_000_000, address: "10.0.0.2:5000", reason: "revoked" };
  assert.deepEqual(readPush({ opcode: Op.kicked, body }), { type: "kicked", ...body });
});

Deno.test("readPush() reads a kicked push without a reason, from an older server, as a login elsewhere", () => {
  assert.deepEqual(readPush({ opcode: Op.kicked, body: { at: 1_700_000_000_000, address: "10.0.0.2:5000" } }), {
    type: "kicked",
    at: 1_700_000_000_000,
    address: "10.0.0.2:5000",
    reason: "elsewhere",
  });
});

Deno.test("readPush() reads presence pushes, online and offline", () => {
  assert.deepEqual(readPush({ opcode: Op.presence, body: { userId: 3, online: true, lastSeenAt: null } }), {
    type: "presence",
    userId: 3,
    online: true,
    lastSeenAt: null,
  });
  assert.deepEqual(readPush({ opcode: Op.presence, body: { userId: 3, online: false, lastSeenAt: 42 } }), {
    type: "presence",
    userId: 3,
    online: false,
    lastSeenAt: 42,
  });
});

Deno.test("readPush() ignores unknown opcodes", () => {
  assert.equal(readPush({ opcode: 0x7777, body: { at: 1, address: "x" } }), undefined);
});

Deno.test("readPush() ignores malformed bodies", () => {
  const malformed: Push[] = [
    { opcode: Op.kicked, body: null },
    { opcode: Op.kicked, body: [1, 2] },
    { opcode: Op.kicked, body: new Uint8Array(2) },
    { opcode: Op.kicked, body: { at: "now", address: "x" } },
    { opcode: Op.kicked, body: { at: 1 } },
    { opcode: Op.kicked, body: { at: 1, address: "x", reason: "bored" } },
    { opcode: Op.presence, body: { userId: "3", online: true, lastSeenAt: null } },
    { opcode: Op.presence, body: { userId: 3, online: 1, lastSeenAt: null } },
    { opcode: Op.presence, body: { userId: 3, online: false, lastSeenAt: "yesterday" } },
    { opcode: Op.presence, body: { userId: 3, online: false } },
  ];
  for (const push of malformed) assert.equal(readPush(push), undefined, JSON.stringify(push.body));
});
