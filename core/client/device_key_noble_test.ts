import assert from "node:assert/strict";
import { nobleProvider } from "../crypto/primitives/noble.ts";
import { generateNobleDeviceKey, nobleDeviceKey } from "./device_key_noble.ts";

Deno.test("nobleDeviceKey() derives the public key of a stored secret and signs verifiably", async () => {
  const made = generateNobleDeviceKey();
  const again = nobleDeviceKey(made.secretKey);
  assert.deepEqual(again.publicKey, made.publicKey);
  const message = new Uint8Array([1, 2, 3]);
  const signature = await again.sign(message);
  assert.equal(signature.length, 64);
  assert.ok(await nobleProvider.signature("ecdsa-p256").verify(made.publicKey, message, signature));
});

Deno.test("nobleDeviceKey() copies the secret it is given", () => {
  const secret = generateNobleDeviceKey().secretKey;
  const key = nobleDeviceKey(secret);
  secret.fill(0);
  assert.notDeepEqual(key.secretKey, secret);
});

Deno.test("nobleDeviceKey() throws a TypeError for a secret that is not a P-256 scalar", () => {
  assert.throws(() => nobleDeviceKey(new Uint8Array(32)), TypeError);
  assert.throws(() => nobleDeviceKey(new Uint8Array(31).fill(1)), TypeError);
  assert.throws(() => nobleDeviceKey(new Uint8Array(32).fill(0xff)), TypeError);
});

Deno.test("generateNobleDeviceKey() draws from the random source it is given", () => {
  const seeded = (n: number) => new Uint8Array(n).fill(7);
  assert.deepEqual(generateNobleDeviceKey(seeded).publicKey, generateNobleDeviceKey(seeded).publicKey);
  assert.notDeepEqual(generateNobleDeviceKey().publicKey, generateNobleDeviceKey().publicKey);
});
