// The WebCrypto provider: probing, the AES-GCM size threshold, noble fallback, and provider detection.

import assert from "node:assert/strict";
import { hex, utf8 } from "../../bytes/mod.ts";
import { KexError } from "./errors.ts";
import { detectProvider, isSecureCryptoAvailable } from "./detect.ts";
import { nobleProvider } from "./noble.ts";
import { WEBCRYPTO_AEAD_MIN_BYTES, webCryptoProvider } from "./webcrypto.ts";
import { webCryptoAesGcm } from "./_webcrypto_aead.ts";
import { webCryptoP256 } from "./_webcrypto_kex.ts";
import { p256 } from "@noble/curves/nist.js";

/** A SubtleCrypto that forwards to the real one and counts encrypt/decrypt calls. */
function spySubtle(): { subtle: SubtleCrypto; calls: { encrypt: number; decrypt: number } } {
  const real = crypto.subtle;
  const calls = { encrypt: 0, decrypt: 0 };
  const subtle = new Proxy(real, {
    get(target, property) {
      if (property === "encrypt" || property === "decrypt") {
        return (...args: unknown[]) => {
          calls[property]++;
          // deno-lint-ignore no-explicit-any
          return (target[property] as any).apply(target, args);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { subtle, calls };
}

/** A SubtleCrypto that supports nothing, as a stripped-down platform would. */
const refusingSubtle = new Proxy({} as SubtleCrypto, {
  get: () => () => Promise.reject(new DOMException("Algorithm: Unrecognized name", "NotSupportedError")),
});

Deno.test("webCryptoProvider() finds every probed algorithm in Deno and names them", async () => {
  const provider = await webCryptoProvider();
  assert.deepEqual(provider.webCrypto, {
    aesGcm: true,
    x25519: true,
    ed25519: true,
    ecdsaP256Sign: true,
    ecdsaP256Verify: true,
    ecdhP256: true,
    mlKem768: true,
  });
  assert.match(provider.name, /^webcrypto\(aesGcm,x25519,ed25519/);
});

Deno.test("the provider's x25519-mlkem768 encapsulates on WebCrypto, and noble's client decapsulates the same secret", async () => {
  const provider = await webCryptoProvider();
  const client = await nobleProvider.kex("x25519-mlkem768").start();
  const server = await provider.kex("x25519-mlkem768").respond(client.share);
  assert.deepEqual(await client.finish(server.share), server.sharedSecret);
  // Two encapsulations to one key differ: the randomness came from WebCrypto, not from a fixed source.
  const again = await provider.kex("x25519-mlkem768").respond(client.share);
  assert.notDeepEqual(again.share.subarray(0, 1088), server.share.subarray(0, 1088));
});

Deno.test("WEBCRYPTO_AEAD_MIN_BYTES sends every record to WebCrypto, as measured in _webcrypto_aead.ts", () => {
  assert.equal(WEBCRYPTO_AEAD_MIN_BYTES, 0);
});

Deno.test("the provider's AES-GCM keys send records of every size to WebCrypto, with noble's output", async () => {
  const { subtle, calls } = spySubtle();
  const provider = await webCryptoProvider(subtle);
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const web = await provider.aead("aes-256-gcm").importKey(raw);
  const noble = await nobleProvider.aead("aes-256-gcm").importKey(raw);
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  for (const size of [0, 1, 64, 255, 256]) {
    const plaintext = crypto.getRandomValues(new Uint8Array(size));
    const before = { ...calls };
    const sealed = await web.seal(nonce, plaintext, utf8("header"));
    assert.deepEqual(await web.open(nonce, sealed, utf8("header")), plaintext);
    assert.equal(calls.encrypt - before.encrypt, 1, `seal of ${size} bytes`);
    assert.equal(calls.decrypt - before.decrypt, 1, `open of ${size} bytes`);
    assert.equal(hex(sealed), hex(await noble.seal(nonce, plaintext, utf8("header"))), `ciphertext of ${size} bytes`);
  }
});

Deno.test("AES-GCM keys send records below the threshold to noble and the rest to WebCrypto, with identical output", async () => {
  const { subtle, calls } = spySubtle();
  const threshold = 256;
  for (const id of ["aes-128-gcm", "aes-256-gcm"] as const) {
    const aead = webCryptoAesGcm(subtle, id, threshold);
    const raw = crypto.getRandomValues(new Uint8Array(aead.keyLength));
    const web = await aead.importKey(raw);
    const noble = await nobleProvider.aead(id).importKey(raw);
    const nonce = crypto.getRandomValues(new Uint8Array(12));
    const ad = utf8("header");
    for (let size = threshold - 2; size <= threshold + 2; size++) {
      const plaintext = crypto.getRandomValues(new Uint8Array(size));
      const before = { ...calls };
      const sealed = await web.seal(nonce, plaintext, ad);
      const opened = await web.open(nonce, sealed, ad);
      const viaWebCrypto = size >= threshold;
      assert.equal(calls.encrypt - before.encrypt, viaWebCrypto ? 1 : 0, `seal of ${size} bytes`);
      assert.equal(calls.decrypt - before.decrypt, viaWebCrypto ? 1 : 0, `open of ${size} bytes`);
      assert.equal(hex(sealed), hex(await noble.seal(nonce, plaintext, ad)), `ciphertext of ${size} bytes`);
      assert.deepEqual(opened, plaintext);
    }
  }
});

Deno.test("webCryptoAesGcm() refuses ChaCha20-Poly1305, which WebCrypto does not have", () => {
  assert.throws(() => webCryptoAesGcm(crypto.subtle, "chacha20-poly1305"), TypeError);
});

Deno.test("webCryptoProvider() over a SubtleCrypto that supports nothing falls back to noble for everything", async () => {
  const provider = await webCryptoProvider(refusingSubtle);
  assert.ok(Object.values(provider.webCrypto).every((on) => on === false));
  assert.equal(provider.name, "webcrypto()");
  const key = await provider.aead("aes-256-gcm").importKey(new Uint8Array(32));
  const sealed = await key.seal(new Uint8Array(12), new Uint8Array(4096), new Uint8Array(0));
  assert.equal(sealed.length, 4096 + 16);
  for (const id of ["x25519", "p256", "x25519-mlkem768"] as const) {
    const client = await provider.kex(id).start();
    const server = await provider.kex(id).respond(client.share);
    assert.deepEqual(await client.finish(server.share), server.sharedSecret);
  }
  for (const id of ["ed25519", "ecdsa-p256"] as const) {
    const { secretKey, publicKey } = provider.signature(id).generateKeyPair();
    const signature = await provider.signature(id).sign(secretKey, utf8("m"));
    assert.equal(await provider.signature(id).verify(publicKey, utf8("m"), signature), true);
  }
});

Deno.test("Deno's WebCrypto imports an off-curve P-256 point, so the provider validates shares with noble first", async () => {
  const valid = p256.getPublicKey(p256.utils.randomSecretKey(), false);
  const offCurve = valid.slice();
  offCurve[64] ^= 1;
  // The platform alone does not refuse it (the reason for the precheck)...
  await crypto.subtle.importKey("raw", offCurve, { name: "ECDH", namedCurve: "P-256" }, true, []);
  // ...but the WebCrypto key exchange does, with the same error as noble.
  await assert.rejects(webCryptoP256(crypto.subtle).respond(offCurve), new KexError("P-256 share is not on the curve"));
});

Deno.test("isSecureCryptoAvailable() is true where crypto.subtle exists", () => {
  assert.equal(isSecureCryptoAvailable(), true);
});

Deno.test("detectProvider() picks WebCrypto where crypto.subtle exists", async () => {
  const provider = await detectProvider();
  assert.match(provider.name, /^webcrypto/);
});

Deno.test("without crypto.subtle (plain-http page), detection picks noble and everything still works", async () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "crypto")!;
  const real = globalThis.crypto;
  Object.defineProperty(globalThis, "crypto", {
    configurable: true,
    value: { getRandomValues: real.getRandomValues.bind(real) },
  });
  try {
    assert.equal(isSecureCryptoAvailable(), false);
    const provider = await detectProvider();
    assert.equal(provider, nobleProvider);
    const kex = provider.kex("x25519-mlkem768");
    const client = await kex.start();
    const server = await kex.respond(client.share);
    assert.deepEqual(await client.finish(server.share), server.sharedSecret);
    const key = await provider.aead("aes-256-gcm").importKey(provider.random(32));
    const sealed = await key.seal(provider.random(12), utf8("hi"), new Uint8Array(0));
    assert.equal(sealed.length, 18);
    assert.equal((await webCryptoProvider(undefined)).name, "webcrypto()");
  } finally {
    Object.defineProperty(globalThis, "crypto", descriptor);
  }
  assert.equal(isSecureCryptoAvailable(), true);
});
