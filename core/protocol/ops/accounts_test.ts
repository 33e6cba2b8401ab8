// Tests for the accounts operations' limits and rules (PROTOCOL.md §10.2, §10.3, §10.6).

import assert from "node:assert/strict";
import { parseValue } from "../parse.ts";
import {
  loginFinish,
  loginStart,
  MAX_INVITE,
  MAX_OPAQUE_MESSAGE,
  registerStart,
  setFont,
  setNickname,
} from "./accounts.ts";

const start = { username: "alice", nickname: "爱丽丝", request: "AAAA" };

Deno.test("register_start takes an invite absent, null or a string of at most 256 characters", () => {
  assert.equal(parseValue(registerStart.request, start).ok, true);
  assert.equal(parseValue(registerStart.request, { ...start, invite: null }).ok, true);
  assert.equal(parseValue(registerStart.request, { ...start, invite: "x".repeat(MAX_INVITE) }).ok, true);
  assert.deepEqual(parseValue(registerStart.request, { ...start, invite: "x".repeat(MAX_INVITE + 1) }), {
    ok: false,
    path: "invite",
    message: "Field invite must be at most 256 characters",
  });
  assert.equal(parseValue(registerStart.request, { ...start, invite: 42 }).ok, false);
});

Deno.test("OPAQUE messages are strings of at most 8192 characters", () => {
  assert.equal(parseValue(loginStart.request, { username: "a", request: "A".repeat(MAX_OPAQUE_MESSAGE) }).ok, true);
  const long = parseValue(loginStart.request, { username: "a", request: "A".repeat(MAX_OPAQUE_MESSAGE + 1) });
  assert.deepEqual(long, { ok: false, path: "request", message: "Field request must be at most 8192 characters" });
  assert.equal(parseValue(loginStart.request, { username: "a", request: new Uint8Array(4) }).ok, false);
});

Deno.test("usernames and nicknames need only be strings here: their rules answer username_invalid and nickname_invalid", () => {
  assert.equal(parseValue(registerStart.request, { ...start, username: "张三丰", nickname: "" }).ok, true);
  assert.equal(parseValue(setNickname.request, { nickname: "a\nb" }).ok, true);
  assert.deepEqual(parseValue(registerStart.request, { ...start, username: 42 }), {
    ok: false,
    path: "username",
    message: "Field username must be a string, not the number 42",
  });
});

Deno.test("login_finish wants a 32-byte proof and takes a device to remember or none", () => {
  const finish = { finish: "AAAA", proof: new Uint8Array(32) };
  assert.equal(parseValue(loginFinish.request, finish).ok, true);
  assert.equal(parseValue(loginFinish.request, { ...finish, device: null }).ok, true);
  assert.deepEqual(parseValue(loginFinish.request, { ...finish, proof: new Uint8Array(31) }), {
    ok: false,
    path: "proof",
    message: "Field proof must be 32 bytes, not 31",
  });
  assert.deepEqual(parseValue(loginFinish.request, { ...finish, device: { name: "Phone" } }), {
    ok: false,
    path: "device.publicKey",
    message: "Field device.publicKey is missing",
  });
});

Deno.test("set_font takes a family of 1 to 64 characters and a whole size from 8 to 72, each or null", () => {
  for (
    const font of [{ family: " Noto Sans SC ", size: 8 }, { family: "𠮷".repeat(64), size: 72 }, {
      family: null,
      size: null,
    }]
  ) {
    assert.equal(parseValue(setFont.request, font).ok, true, JSON.stringify(font));
  }
  const refused: [unknown, string, string][] = [
    [{ family: "x", size: 7 }, "size", "Field size must be from 8 to 72, or null"],
    [{ family: "x", size: 73 }, "size", "Field size must be from 8 to 72, or null"],
    [{ family: "x", size: 14.5 }, "size", "Field size must be a whole number or null, not the number 14.5"],
    [{ family: "x", size: "14" }, "size", "Field size must be a whole number or null, not a string"],
    [
      { family: "   ", size: 14 },
      "family",
      "Field family must be 1 to 64 characters (white space around it aside), or null",
    ],
    [
      { family: "x".repeat(65), size: 14 },
      "family",
      "Field family must be 1 to 64 characters (white space around it aside), or null",
    ],
    [{ family: 12, size: 14 }, "family", "Field family must be a string or null, not the number 12"],
    [{ family: "x" }, "size", "Field size is missing"],
  ];
  for (const [font, path, message] of refused) {
    assert.deepEqual(parseValue(setFont.request, font), { ok: false, path, message }, JSON.stringify(font));
  }
});
