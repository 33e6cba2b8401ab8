// Tests for ping, echo, the keep-alive push and kicked (PROTOCOL.md §5, §10.4, §11.3).

import assert from "node:assert/strict";
import { parseValue } from "../parse.ts";
import { echo, keepAlive, kicked, ping } from "./session.ts";

Deno.test("ping takes a map, ignoring keys it does not know, and refuses anything else", () => {
  assert.deepEqual(parseValue(ping.request, {}), { ok: true, value: {} });
  assert.deepEqual(parseValue(ping.request, { later: true }), { ok: true, value: {} });
  assert.equal(parseValue(ping.request, "not a map").ok, false);
  assert.equal(parseValue(ping.response, { time: 1.5 }).ok, false, "the clock is whole milliseconds");
});

Deno.test("echo answers with any value, and the keep-alive ping shares the ping opcode", () => {
  assert.deepEqual(parseValue(echo.response, "anything"), { ok: true, value: "anything" });
  assert.equal(keepAlive.opcode, ping.opcode);
  assert.deepEqual(parseValue(keepAlive.body, { time: 5 }), { ok: true, value: { time: 5 } });
});

Deno.test("kicked carries when, from where and why, the why being elsewhere or revoked", () => {
  for (const reason of ["elsewhere", "revoked"]) {
    assert.equal(parseValue(kicked.body, { at: 1, address: "203.0.113.9", reason }).ok, true, reason);
  }
  assert.deepEqual(parseValue(kicked.body, { at: 1, address: "203.0.113.9" }), {
    ok: false,
    path: "reason",
    message: "Field reason is missing",
  });
});
