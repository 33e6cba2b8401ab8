// Known answers from the RFCs themselves (tests/vectors/wycheproof/rfc_vectors.json), on both providers.

import assert from "node:assert/strict";
import { concatBytes, fromHex, hex } from "../../bytes/mod.ts";
import { webCryptoDerive } from "./_webcrypto_kex.ts";
import { x25519SharedSecret } from "./_x25519.ts";
import { PROVIDERS } from "./_test_utils.ts";

const vectors = JSON.parse(
  await Deno.readTextFile(new URL("../../../tests/vectors/wycheproof/rfc_vectors.json", import.meta.url)),
);
const fixed = (bytes: string) => () => fromHex(bytes);

for (const provider of PROVIDERS) {
  const p = provider.name;

  Deno.test(`${p}: X25519 matches RFC 7748 §5.2 scalar-multiplication vectors`, async () => {
    for (const v of vectors.x25519) {
      const client = await provider.kex("x25519").start(fixed(v.scalar));
      assert.equal(hex(await client.finish(fromHex(v.u))), v.output, v.section);
    }
  });

  Deno.test(`${p}: X25519 key exchange matches RFC 7748 §6.1 (Alice and Bob)`, async () => {
    for (const v of vectors.x25519Exchange) {
      const alice = await provider.kex("x25519").start(fixed(v.alicePrivate));
      assert.equal(hex(alice.share), v.alicePublic, v.section);
      const bob = await provider.kex("x25519").respond(alice.share, fixed(v.bobPrivate));
      assert.equal(hex(bob.share), v.bobPublic, v.section);
      assert.equal(hex(bob.sharedSecret), v.shared, v.section);
      assert.equal(hex(await alice.finish(bob.share)), v.shared, v.section);
    }
  });

  Deno.test(`${p}: Ed25519 matches RFC 8032 §7.1 TEST 1-3 (keys, signatures, verification)`, async () => {
    const scheme = provider.signature("ed25519");
    for (const v of vectors.ed25519) {
      const { secretKey, publicKey } = scheme.generateKeyPair(fixed(v.secretKey));
      assert.equal(hex(publicKey), v.publicKey, v.section);
      assert.equal(hex(await scheme.sign(secretKey, fromHex(v.message))), v.signature, v.section);
      assert.equal(await scheme.verify(publicKey, fromHex(v.message), fromHex(v.signature)), true, v.section);
    }
  });

  Deno.test(`${p}: ECDSA P-256 signs exactly as RFC 6979 §A.2.5 (deterministic k, no low-s rewrite)`, async () => {
    const scheme = provider.signature("ecdsa-p256");
    for (const v of vectors.ecdsaP256) {
      assert.equal(hex(await scheme.sign(fromHex(v.secretKey), fromHex(v.message))), v.signature, v.section);
      assert.equal(await scheme.verify(fromHex(v.publicKey), fromHex(v.message), fromHex(v.signature)), true);
    }
  });

  Deno.test(`${p}: ChaCha20-Poly1305 matches RFC 8439 §2.8.2`, async () => {
    for (const v of vectors.chacha20Poly1305) {
      const key = await provider.aead("chacha20-poly1305").importKey(fromHex(v.key));
      const sealed = await key.seal(fromHex(v.nonce), fromHex(v.plaintext), fromHex(v.aad));
      assert.equal(hex(sealed), v.ciphertext + v.tag, v.section);
      assert.equal(hex(await key.open(fromHex(v.nonce), sealed, fromHex(v.aad))), v.plaintext, v.section);
    }
  });

  Deno.test(`${p}: HKDF-SHA256 matches RFC 5869 A.1-A.3 (PRK and OKM)`, () => {
    const hash = provider.hash("sha256");
    for (const v of vectors.hkdfSha256) {
      const prk = hash.hkdfExtract(fromHex(v.salt), fromHex(v.ikm));
      assert.equal(hex(prk), v.prk, v.section);
      assert.equal(hex(hash.hkdfExpand(prk, fromHex(v.info), v.length)), v.okm, v.section);
    }
  });
}

Deno.test("X25519 iterated RFC 7748 §5.2 vector holds after 1 and 1,000 iterations", () => {
  let k: Uint8Array = new Uint8Array(32);
  k[0] = 9;
  let u: Uint8Array = k.slice();
  const wanted = new Map(vectors.x25519Iterated.map((v: { iterations: number; output: string }) => [v.iterations, v]));
  for (let i = 1; i <= 1000; i++) {
    const next = x25519SharedSecret(k, u);
    u = k;
    k = next;
    const v = wanted.get(i) as { output: string; section: string } | undefined;
    if (v) assert.equal(hex(k), v.output, v.section);
  }
});

Deno.test("X25519 on the WebCrypto path matches RFC 7748 §5.2 with an imported private key", async () => {
  const prefix = fromHex("302e020100300506032b656e04220420");
  for (const v of vectors.x25519) {
    const der = concatBytes(prefix, fromHex(v.scalar)) as Uint8Array<ArrayBuffer>;
    const key = await crypto.subtle.importKey("pkcs8", der, { name: "X25519" }, false, ["deriveBits"]);
    assert.equal(hex(await webCryptoDerive(crypto.subtle, "x25519", key, fromHex(v.u))), v.output, v.section);
  }
});
