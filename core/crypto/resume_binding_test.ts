// Tests for the resume proof's message, its verification and the device public key check (PROTOCOL.md §10.9).

import assert from "node:assert/strict";
import { p256 } from "@noble/curves/nist.js";
import { nobleProvider } from "./primitives/noble.ts";
import { webCryptoProvider } from "./primitives/webcrypto.ts";
import { isDevicePublicKey, resumeMessage, verifyResumeProof } from "./resume_binding.ts";

const ecdsa = nobleProvider.signature("ecdsa-p256");

Deno.test("resumeMessage() is the label followed by the exporter", () => {
  const exporter = new Uint8Array([0xaa, 0xbb]);
  assert.deepEqual(resumeMessage(exporter), new Uint8Array([...new TextEncoder().encode("mimi/1 resume"), 0xaa, 0xbb]));
});

Deno.test("resumeMessage() throws a TypeError without an exporter", () => {
  assert.throws(() => resumeMessage(new Uint8Array(0)), TypeError);
  assert.throws(() => resumeMessage(undefined as unknown as Uint8Array), TypeError);
});

Deno.test("verifyResumeProof() accepts a proof over this exporter and refuses it over another or a tampered one", async () => {
  const { secretKey, publicKey } = ecdsa.generateKeyPair();
  const exporter = new Uint8Array(32).fill(3);
  const proof = await ecdsa.sign(secretKey, resumeMessage(exporter));
  assert.equal(await verifyResumeProof(publicKey, exporter, proof), true);
  assert.equal(await verifyResumeProof(publicKey, new Uint8Array(32).fill(4), proof), false, "another channel");
  assert.equal(await verifyResumeProof(publicKey, new Uint8Array(0), proof), false, "no channel");
  assert.equal(await verifyResumeProof(publicKey, exporter, proof.with(5, proof[5] ^ 1)), false, "tampered");
  assert.equal(await verifyResumeProof(publicKey, exporter, proof.subarray(0, 63)), false, "truncated");
  const other = ecdsa.generateKeyPair().publicKey;
  assert.equal(await verifyResumeProof(other, exporter, proof), false, "another device's key");
});

Deno.test("verifyResumeProof() accepts what WebCrypto signs, on either provider", async () => {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const exporter = new Uint8Array(48).fill(9);
  const message = resumeMessage(exporter);
  const proof = new Uint8Array(
    await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, message as Uint8Array<ArrayBuffer>),
  );
  assert.equal(await verifyResumeProof(publicKey, exporter, proof), true);
  assert.equal(await verifyResumeProof(publicKey, exporter, proof, await webCryptoProvider()), true);
});

Deno.test("isDevicePublicKey() takes an uncompressed P-256 point on the curve and nothing else", () => {
  const { publicKey } = ecdsa.generateKeyPair();
  assert.equal(isDevicePublicKey(publicKey), true);
  const compressed = p256.Point.fromBytes(publicKey).toBytes(true);
  assert.equal(isDevicePublicKey(compressed), false, "compressed");
  assert.equal(isDevicePublicKey(publicKey.with(64, publicKey[64] ^ 1)), false, "off the curve");
  assert.equal(isDevicePublicKey(new Uint8Array(65).fill(4)), false, "x and y out of range");
  assert.equal(isDevicePublicKey(publicKey.subarray(0, 64)), false, "truncated");
});
