// Tests for suite negotiation: the server's preference wins, every category must overlap.

import assert from "node:assert/strict";
import { ALGORITHMS, DEFAULT_PREFERENCES, isAlgorithm, negotiate, suiteName, type SuitePreferences } from "./suites.ts";

const EVERYTHING: SuitePreferences = ALGORITHMS;

Deno.test("ALGORITHMS lists 4 key exchanges, 3 AEADs, 2 hashes and 2 signature schemes: 48 suites", () => {
  assert.deepEqual([...ALGORITHMS.kex], ["x25519-mlkem768", "x25519", "p256", "ffdhe"]);
  assert.deepEqual([...ALGORITHMS.aead], ["aes-256-gcm", "chacha20-poly1305", "aes-128-gcm"]);
  assert.deepEqual([...ALGORITHMS.hash], ["sha256", "sha384"]);
  assert.deepEqual([...ALGORITHMS.sig], ["ed25519", "ecdsa-p256"]);
  const count = ALGORITHMS.kex.length * ALGORITHMS.aead.length * ALGORITHMS.hash.length * ALGORITHMS.sig.length;
  assert.equal(count, 48);
});

Deno.test("DEFAULT_PREFERENCES offers every algorithm in ALGORITHMS order", () => {
  assert.deepEqual(DEFAULT_PREFERENCES, ALGORITHMS);
});

Deno.test("negotiate() picks the server's most preferred algorithm per category, whatever the client's order", () => {
  const offer: SuitePreferences = {
    kex: ["p256", "x25519"],
    aead: ["aes-128-gcm", "chacha20-poly1305"],
    hash: ["sha256", "sha384"],
    sig: ["ecdsa-p256", "ed25519"],
  };
  const accept: SuitePreferences = {
    kex: ["x25519-mlkem768", "x25519", "p256"],
    aead: ["chacha20-poly1305", "aes-128-gcm"],
    hash: ["sha384", "sha256"],
    sig: ["ed25519", "ecdsa-p256"],
  };
  assert.deepEqual(negotiate(offer, accept), {
    ok: true,
    suite: { kex: "x25519", aead: "chacha20-poly1305", hash: "sha384", sig: "ed25519" },
  });
});

Deno.test("negotiate() restricts to what the client offered even when the server prefers something else", () => {
  const offer: SuitePreferences = { kex: ["ffdhe"], aead: ["aes-128-gcm"], hash: ["sha256"], sig: ["ecdsa-p256"] };
  assert.deepEqual(negotiate(offer, EVERYTHING), {
    ok: true,
    suite: { kex: "ffdhe", aead: "aes-128-gcm", hash: "sha256", sig: "ecdsa-p256" },
  });
});

for (const part of ["kex", "aead", "hash", "sig"] as const) {
  Deno.test(`negotiate() names ${part} when that category has nothing in common`, () => {
    const offer: SuitePreferences = { ...EVERYTHING, [part]: [ALGORITHMS[part][0]] };
    const accept: SuitePreferences = { ...EVERYTHING, [part]: ALGORITHMS[part].slice(1) };
    assert.deepEqual(negotiate(offer, accept), { ok: false, part });
  });

  Deno.test(`negotiate() names ${part} when the client offers no ${part} at all`, () => {
    assert.deepEqual(negotiate({ ...EVERYTHING, [part]: [] }, EVERYTHING), { ok: false, part });
  });
}

Deno.test("negotiate() reports the first failing category in the order kex, aead, hash, sig", () => {
  const none: SuitePreferences = { kex: [], aead: [], hash: [], sig: [] };
  assert.deepEqual(negotiate(none, EVERYTHING), { ok: false, part: "kex" });
  assert.deepEqual(negotiate({ ...none, kex: ["x25519"] }, EVERYTHING), { ok: false, part: "aead" });
  assert.deepEqual(negotiate({ ...none, kex: ["x25519"], aead: ["aes-128-gcm"] }, EVERYTHING), {
    ok: false,
    part: "hash",
  });
});

Deno.test("suiteName() joins kex, aead, hash and sig with slashes", () => {
  assert.equal(
    suiteName({ kex: "x25519-mlkem768", aead: "chacha20-poly1305", hash: "sha384", sig: "ecdsa-p256" }),
    "x25519-mlkem768/chacha20-poly1305/sha384/ecdsa-p256",
  );
});

Deno.test("isAlgorithm() accepts every listed name in its own category only", () => {
  for (const part of ["kex", "aead", "hash", "sig"] as const) {
    for (const id of ALGORITHMS[part]) {
      assert.equal(isAlgorithm(part, id), true, `${part} ${id}`);
      for (const other of ["kex", "aead", "hash", "sig"] as const) {
        if (other !== part) assert.equal(isAlgorithm(other, id), false, `${other} ${id}`);
      }
    }
  }
});

Deno.test("isAlgorithm() refuses unknown names, other spellings and Object.prototype keys", () => {
  for (const id of ["", "X25519", "x25519 ", "aes-512-gcm", "toString", "__proto__", "constructor", "hasOwnProperty"]) {
    for (const part of ["kex", "aead", "hash", "sig"] as const) assert.equal(isAlgorithm(part, id), false, id);
  }
});
