// Tests for resumeProof(); the message and the check are tested in core/crypto/resume_binding_test.ts.

import assert from "node:assert/strict";
import { generateNobleDeviceKey } from "./device_key_noble.ts";
import { resumeMessage, resumeProof, verifyResumeProof } from "./resume_proof.ts";

Deno.test("resumeProof() signs the resume message with the given sign function", async () => {
  const seen: Uint8Array[] = [];
  const proof = await resumeProof((message) => {
    seen.push(message);
    return Promise.resolve(new Uint8Array(64).fill(1));
  }, new Uint8Array([5]));
  assert.deepEqual(seen, [resumeMessage(new Uint8Array([5]))]);
  assert.deepEqual(proof, new Uint8Array(64).fill(1));
});

Deno.test("verifyResumeProof() accepts a noble key's proof and refuses it on another channel", async () => {
  const key = generateNobleDeviceKey();
  const exporter = new Uint8Array(32).fill(3);
  const proof = await resumeProof(key.sign, exporter);
  assert.equal(await verifyResumeProof(key.publicKey, exporter, proof), true);
  assert.equal(await verifyResumeProof(key.publicKey, new Uint8Array(32).fill(4), proof), false);
  assert.equal(await verifyResumeProof(key.publicKey, new Uint8Array(0), proof), false);
});
