import assert from "node:assert/strict";
import { generateNobleDeviceKey } from "./device_key_noble.ts";
import { resumeMessage, resumeProof, verifyResumeProof } from "./resume_proof.ts";

Deno.test("resumeMessage() is the label followed by the exporter", () => {
  const exporter = new Uint8Array([0xaa, 0xbb]);
  assert.deepEqual(resumeMessage(exporter), new Uint8Array([...new TextEncoder().encode("mimi/1 resume"), 0xaa, 0xbb]));
});

Deno.test("resumeMessage() throws a TypeError without an exporter", () => {
  assert.throws(() => resumeMessage(new Uint8Array(0)), TypeError);
  assert.throws(() => resumeMessage(undefined as unknown as Uint8Array), TypeError);
});

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
