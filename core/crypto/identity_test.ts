// Tests for the server identity: the canonical identity map and the SSH-style fingerprint.

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeValue } from "../codec/value.ts";
import { fingerprint, identityValue, publicKeys, type ServerKeys } from "./identity.ts";
import { fromHex, hex } from "../bytes/mod.ts";
import { nobleProvider } from "./primitives/noble.ts";

const ED25519_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
// Not a point on the curve: the fingerprint hashes bytes, it does not check keys.
const ECDSA_KEY = Uint8Array.from({ length: 65 }, (_, i) => i === 0 ? 0x04 : 0x3f + i);

/**
 * The identity map {ed25519, ecdsa-p256} written out by hand from PROTOCOL.md §4: map of 2,
 * then per entry u32 key length, key, tag 06, u32 length, key bytes.
 */
const BOTH_KEYS_ENCODED = [
  "08 00000002",
  "00000007 65643235353139", // "ed25519"
  "06 00000020 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
  "0000000a 65636473612d70323536", // "ecdsa-p256"
  "06 00000041 04 404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f",
  "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f",
].join("").replace(/\s+/g, "");

/** Computed with Python's hashlib and base64 over BOTH_KEYS_ENCODED, not with this code. */
const BOTH_KEYS_FINGERPRINT = "SHA256:NLjEQRRrZ8IPCum/RH63KpbG2k0uXKHwwuNdrsCA4oM";
/** Same, over the map holding only the Ed25519 key. */
const ED25519_ONLY_FINGERPRINT = "SHA256:JnrQxE9AkmuE4VYx1SwHbhV35600pwR6BHNYGOIed5c";

Deno.test("identityValue() encodes to the hand-written identity map, Ed25519 first", () => {
  assert.equal(hex(encodeValue(identityValue({ ed25519: ED25519_KEY, "ecdsa-p256": ECDSA_KEY }))), BOTH_KEYS_ENCODED);
});

Deno.test("fingerprint() is SHA256: and the unpadded base64 of SHA-256 over the encoded identity map", () => {
  const digest = sha256(fromHex(BOTH_KEYS_ENCODED));
  const expected = "SHA256:" + btoa(String.fromCharCode(...digest)).replace(/=+$/, "");
  assert.equal(expected, BOTH_KEYS_FINGERPRINT);
  assert.equal(fingerprint(nobleProvider, { ed25519: ED25519_KEY, "ecdsa-p256": ECDSA_KEY }), BOTH_KEYS_FINGERPRINT);
  assert.equal(fingerprint(nobleProvider, { ed25519: ED25519_KEY }), ED25519_ONLY_FINGERPRINT);
});

Deno.test("fingerprint() has the form SHA256: followed by 43 base64 characters", () => {
  for (const keys of [{ ed25519: ED25519_KEY }, { "ecdsa-p256": ECDSA_KEY }, {}]) {
    const value = fingerprint(nobleProvider, keys);
    assert.match(value, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(value.length, 50);
  }
});

Deno.test("fingerprint() does not depend on the key order of the input object", () => {
  assert.equal(
    fingerprint(nobleProvider, { "ecdsa-p256": ECDSA_KEY, ed25519: ED25519_KEY }),
    fingerprint(nobleProvider, { ed25519: ED25519_KEY, "ecdsa-p256": ECDSA_KEY }),
  );
});

Deno.test("fingerprint() differs for keys that differ in one bit, and for a key under another scheme", () => {
  const base = fingerprint(nobleProvider, { ed25519: ED25519_KEY });
  for (let index = 0; index < ED25519_KEY.length; index++) {
    const other = ED25519_KEY.slice();
    other[index] ^= 0x01;
    assert.notEqual(fingerprint(nobleProvider, { ed25519: other }), base, `byte ${index}`);
  }
  assert.notEqual(fingerprint(nobleProvider, { "ecdsa-p256": ED25519_KEY }), base);
  assert.notEqual(fingerprint(nobleProvider, { ed25519: ED25519_KEY, "ecdsa-p256": ECDSA_KEY }), base);
});

Deno.test("fingerprint() ignores names that are not signature schemes", () => {
  const keys = { ed25519: ED25519_KEY, rsa: new Uint8Array(8) } as unknown as Parameters<typeof fingerprint>[1];
  assert.equal(fingerprint(nobleProvider, keys), ED25519_ONLY_FINGERPRINT);
});

Deno.test("publicKeys() returns the public halves in ALGORITHMS order, skipping absent schemes", () => {
  const keys: ServerKeys = {
    "ecdsa-p256": { secretKey: new Uint8Array(32).fill(9), publicKey: ECDSA_KEY },
    ed25519: { secretKey: new Uint8Array(32).fill(8), publicKey: ED25519_KEY },
  };
  const pub = publicKeys(keys);
  assert.deepEqual(Object.keys(pub), ["ed25519", "ecdsa-p256"]);
  assert.deepEqual(pub, { ed25519: ED25519_KEY, "ecdsa-p256": ECDSA_KEY });
  assert.deepEqual(publicKeys({ ed25519: keys.ed25519 }), { ed25519: ED25519_KEY });
});
