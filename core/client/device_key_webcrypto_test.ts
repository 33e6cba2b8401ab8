import assert from "node:assert/strict";
import { nobleProvider } from "../crypto/primitives/noble.ts";
import { generateNobleDeviceKey } from "./device_key_noble.ts";
import { generateWebCryptoDeviceKey, webCryptoDeviceKey } from "./device_key_webcrypto.ts";
import { resumeMessage, resumeProof, verifyResumeProof } from "./resume_proof.ts";

const exporter = crypto.getRandomValues(new Uint8Array(32));

Deno.test("generateWebCryptoDeviceKey() makes a non-extractable P-256 key with a 65-byte raw public key", async () => {
  const key = await generateWebCryptoDeviceKey();
  assert.equal(key.privateKey.extractable, false);
  assert.deepEqual(key.privateKey.algorithm, { name: "ECDSA", namedCurve: "P-256" });
  assert.equal(key.publicKey.length, 65);
  assert.equal(key.publicKey[0], 0x04);
  await assert.rejects(crypto.subtle.exportKey("pkcs8", key.privateKey));
});

Deno.test("a WebCrypto resume proof verifies with nobleProvider's ecdsa-p256, as the server checks it", async () => {
  const key = await generateWebCryptoDeviceKey();
  const proof = await resumeProof(key.sign, exporter);
  assert.equal(proof.length, 64, "IEEE P1363: r ‖ s");
  assert.ok(await nobleProvider.signature("ecdsa-p256").verify(key.publicKey, resumeMessage(exporter), proof));
  assert.ok(await verifyResumeProof(key.publicKey, exporter, proof));
});

Deno.test("a WebCrypto key survives a structured clone still non-extractable and still signing", async () => {
  // IndexedDB stores a CryptoKey by structured clone; this is that step without a database.
  const key = await generateWebCryptoDeviceKey();
  const cloned = structuredClone(key.privateKey);
  assert.equal(cloned.extractable, false);
  const restored = webCryptoDeviceKey(cloned, key.publicKey);
  assert.ok(await verifyResumeProof(key.publicKey, exporter, await resumeProof(restored.sign, exporter)));
});

Deno.test("webCryptoDeviceKey() signs a message that is a view into a larger buffer", async () => {
  const key = await generateWebCryptoDeviceKey();
  const buffer = new Uint8Array([9, 9, 1, 2, 3, 9]);
  const message = buffer.subarray(2, 5);
  const signature = await key.sign(message);
  assert.ok(await nobleProvider.signature("ecdsa-p256").verify(key.publicKey, new Uint8Array([1, 2, 3]), signature));
});

Deno.test("webCryptoDeviceKey() throws a TypeError for a key that cannot sign with ECDSA P-256", async () => {
  const key = await generateWebCryptoDeviceKey();
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, false, ["sign", "verify"]);
  const hmac = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const publicKey = await crypto.subtle.importKey(
    "raw",
    key.publicKey.slice(),
    { name: "ECDSA", namedCurve: "P-256" },
    true,
    [
      "verify",
    ],
  );
  for (const wrong of [pair.privateKey, hmac, publicKey]) {
    assert.throws(() => webCryptoDeviceKey(wrong as CryptoKey, key.publicKey), TypeError);
  }
});

Deno.test("a proof relayed from another channel or made by another key does not verify", async () => {
  const key = await generateWebCryptoDeviceKey();
  const proof = await resumeProof(key.sign, exporter);
  const otherChannel = crypto.getRandomValues(new Uint8Array(32));
  assert.equal(await verifyResumeProof(key.publicKey, otherChannel, proof), false);
  assert.equal(await verifyResumeProof(generateNobleDeviceKey().publicKey, exporter, proof), false);
  assert.equal(await verifyResumeProof(key.publicKey, exporter, proof.subarray(1)), false);
});
