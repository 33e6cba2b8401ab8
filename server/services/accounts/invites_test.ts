// Invite codes: their shape, the hash they are kept under, and making them in a store.

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8 } from "../../../core/bytes/mod.ts";
import { openSqliteStore } from "../../store/sqlite.ts";
import { createInvites, inviteCodeHash, newInviteCode } from "./invites.ts";

Deno.test("newInviteCode() gives 32 base32 characters in groups of four, different every time", () => {
  const codes = new Set(Array.from({ length: 1000 }, newInviteCode));
  assert.equal(codes.size, 1000);
  for (const code of codes) assert.match(code, /^([a-z2-7]{4}-){7}[a-z2-7]{4}$/);
  // 160 random bits: every character position takes many values.
  const firsts = new Set([...codes].map((code) => code[0]));
  assert.ok(firsts.size >= 30, `first characters seen: ${firsts.size}`);
});

Deno.test("inviteCodeHash() is SHA-256 of the code in lower case without hyphens or white space", () => {
  const code = "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23-4567";
  const expected = sha256(utf8("abcdefghijklmnopqrstuvwxyz234567"));
  assert.deepEqual(inviteCodeHash(code), expected);
  assert.deepEqual(inviteCodeHash(" ABCD EFGH-ijkl\nmnopqrstuvwxyz234567 "), expected);
});

Deno.test("inviteCodeHash() is undefined for what cannot be a code", () => {
  for (
    const text of [
      "",
      "abcd",
      "a".repeat(31),
      "a".repeat(33),
      "0".repeat(32),
      "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23-4568",
    ]
  ) {
    assert.equal(inviteCodeHash(text), undefined, JSON.stringify(text));
  }
});

Deno.test("createInvites() stores only the hashes, unused, expiring after the given days", async () => {
  const store = openSqliteStore(":memory:");
  try {
    const now = 1_700_000_000_000;
    const { codes, expiresAt } = await createInvites(store, { count: 3, days: 7, now });
    assert.equal(codes.length, 3);
    assert.equal(expiresAt, now + 7 * 86_400_000);
    for (const code of codes) {
      const stored = await store.invites.findUsable(inviteCodeHash(code)!, now);
      assert.deepEqual(stored, {
        codeHash: inviteCodeHash(code),
        createdAt: now,
        expiresAt,
        usedAt: null,
        usedBy: null,
      });
      assert.equal(await store.invites.findUsable(inviteCodeHash(code)!, expiresAt), undefined);
    }
  } finally {
    await store.close();
  }
});

Deno.test("createInvites() refuses a count or days out of range with RangeError", async () => {
  const store = openSqliteStore(":memory:");
  try {
    for (const [count, days] of [[0, 7], [1001, 7], [1.5, 7], [1, 0], [1, 366]]) {
      await assert.rejects(createInvites(store, { count, days, now: 0 }), RangeError, `${count} codes, ${days} days`);
    }
  } finally {
    await store.close();
  }
});
