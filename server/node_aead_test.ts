import assert from "node:assert/strict";
import { nobleProvider } from "../core/crypto/primitives/noble.ts";
import { AeadError } from "../core/crypto/primitives/errors.ts";
import { detectProvider } from "../core/crypto/primitives/detect.ts";
import { nodeAesGcm, withNodeAesGcm } from "./node_aead.ts";

Deno.test("nodeAesGcm() seals exactly as noble does and opens noble's output, for both key sizes and many lengths", async () => {
  for (const id of ["aes-128-gcm", "aes-256-gcm"] as const) {
    const raw = crypto.getRandomValues(new Uint8Array(id === "aes-128-gcm" ? 16 : 32));
    const node = await nodeAesGcm(id).importKey(raw);
    const noble = await nobleProvider.aead(id).importKey(raw);
    for (const size of [0, 1, 15, 16, 17, 64, 255, 256, 4096, 65_536]) {
      const nonce = crypto.getRandomValues(new Uint8Array(12));
      const ad = crypto.getRandomValues(new Uint8Array(13));
      const plaintext = crypto.getRandomValues(new Uint8Array(size));
      const sealed = await node.seal(nonce, plaintext, ad);
      assert.deepEqual(sealed, await noble.seal(nonce, plaintext, ad), `${id}, ${size} bytes`);
      assert.deepEqual(await node.open(nonce, sealed, ad), plaintext);
      assert.deepEqual(await noble.open(nonce, sealed, ad), plaintext);
    }
  }
});

Deno.test("nodeAesGcm() refuses a tampered tag, ciphertext, AD or nonce with AeadError and no detail", async () => {
  const key = await nodeAesGcm("aes-256-gcm").importKey(new Uint8Array(32).fill(9));
  const nonce = new Uint8Array(12);
  const ad = new Uint8Array(13);
  const sealed = await key.seal(nonce, new Uint8Array(40).fill(1), ad);
  const flip = (bytes: Uint8Array, at: number) => {
    const copy = bytes.slice();
    copy[at] ^= 1;
    return copy;
  };
  for (
    const [what, attempt] of [
      ["tag", () => key.open(nonce, flip(sealed, sealed.length - 1), ad)],
      ["ciphertext", () => key.open(nonce, flip(sealed, 0), ad)],
      ["ad", () => key.open(nonce, sealed, flip(ad, 3))],
      ["nonce", () => key.open(flip(nonce, 11), sealed, ad)],
      ["truncated", () => key.open(nonce, sealed.subarray(0, 15), ad)],
    ] as const
  ) {
    await assert.rejects(attempt(), (error) => error instanceof AeadError && error.cause === undefined, what);
  }
});

Deno.test("nodeAesGcm() refuses a key of the wrong length and a nonce that is not 12 bytes", async () => {
  await assert.rejects(nodeAesGcm("aes-256-gcm").importKey(new Uint8Array(16)), RangeError);
  const key = await nodeAesGcm("aes-128-gcm").importKey(new Uint8Array(16));
  await assert.rejects(key.seal(new Uint8Array(8), new Uint8Array(1), new Uint8Array(0)), TypeError);
});

Deno.test("withNodeAesGcm() replaces only AES-GCM and keeps the provider's other algorithms", async () => {
  const base = await detectProvider();
  const provider = withNodeAesGcm(base);
  assert.equal(provider.aead("chacha20-poly1305"), base.aead("chacha20-poly1305"));
  assert.notEqual(provider.aead("aes-256-gcm"), base.aead("aes-256-gcm"));
  assert.equal(provider.kex("x25519"), base.kex("x25519"));
  assert.match(provider.name, /\+node-aes-gcm$/);
});

Deno.test("nodeAesGcm() keys seal and open synchronously with the same output, and throw AeadError on tampering", async () => {
  const key = await nodeAesGcm("aes-256-gcm").importKey(new Uint8Array(32).fill(3));
  const nonce = new Uint8Array(12).fill(1);
  const ad = new Uint8Array(13).fill(2);
  for (const size of [0, 1, 64, 1000]) {
    const plaintext = new Uint8Array(size).fill(5);
    const sealed = key.sealSync!(nonce, plaintext, ad);
    assert.deepEqual(sealed, await key.seal(nonce, plaintext, ad));
    assert.deepEqual(key.openSync!(nonce, sealed, ad), plaintext);
    const tampered = sealed.slice();
    tampered[0] ^= 1;
    assert.throws(() => key.openSync!(nonce, tampered, ad), (error) => error instanceof AeadError);
  }
});

Deno.test("nodeAesGcm() keys seal synchronously after the headroom asked for, zeroed", async () => {
  const key = await nodeAesGcm("aes-128-gcm").importKey(new Uint8Array(16).fill(4));
  const nonce = new Uint8Array(12);
  const ad = new Uint8Array(13);
  const plaintext = new Uint8Array(70).fill(9);
  const out = key.sealSync!(nonce, plaintext, ad, 5);
  assert.deepEqual(out.subarray(0, 5), new Uint8Array(5));
  assert.deepEqual(out.subarray(5), await key.seal(nonce, plaintext, ad));
});
