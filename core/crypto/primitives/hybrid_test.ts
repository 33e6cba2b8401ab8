// X25519MLKEM768: layout of shares and secret, implicit rejection, and the FIPS 203 §7.2 encapsulation-key check.

import assert from "node:assert/strict";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { KexError } from "./errors.ts";
import { concatBytes } from "../../bytes/mod.ts";
import { flip, PROVIDERS, seededRandom } from "./_test_utils.ts";

const MODULUS_MESSAGE = "ML-KEM-768 encapsulation key fails the modulus check (FIPS 203 §7.2)";

/** The encapsulation key with its first 12-bit coefficient set to 4095 >= q = 3329 (ByteEncode12 layout). */
function withBadCoefficient(encapsulationKey: Uint8Array): Uint8Array {
  const bad = encapsulationKey.slice();
  bad[0] = 0xff;
  bad[1] |= 0x0f;
  return bad;
}

Deno.test("noble's ML-KEM-768 encapsulate() itself refuses a coefficient >= q (the check we rely on)", () => {
  const { publicKey } = ml_kem768.keygen();
  assert.throws(() => ml_kem768.encapsulate(withBadCoefficient(publicKey)), /modulus/);
});

for (const provider of PROVIDERS) {
  const p = provider.name;
  const kex = () => provider.kex("x25519-mlkem768");

  Deno.test(`${p}: x25519-mlkem768 puts ML-KEM first in both shares and in the secret (draft-ietf-tls-ecdhe-mlkem §3)`, async () => {
    const x25519Client = await provider.kex("x25519").start(seededRandom("x"));
    const client = await kex().start((n) => n === 64 ? seededRandom("kem")(64) : seededRandom("x")(n));
    // With the same RandomSource bytes, the X25519 half of the hybrid share is the plain X25519 share.
    assert.deepEqual(client.share.subarray(1184), x25519Client.share);
    const { publicKey } = ml_kem768.keygen(seededRandom("kem")(64));
    assert.deepEqual(client.share.subarray(0, 1184), publicKey);

    const server = await kex().respond(client.share);
    const secret = await client.finish(server.share);
    const x25519Secret = await x25519Client.finish(server.share.subarray(1088));
    assert.deepEqual(secret.subarray(32), x25519Secret);
    assert.deepEqual(secret, server.sharedSecret);
  });

  Deno.test(`${p}: x25519-mlkem768 decapsulates a modified ciphertext to an unrelated secret (implicit rejection)`, async () => {
    const client = await kex().start();
    const server = await kex().respond(client.share);
    const tampered = flip(server.share, 100);
    const secret = await client.finish(tampered); // FIPS 203 §6.3: no error, a different key
    assert.equal(secret.length, 64);
    assert.notDeepEqual(secret.subarray(0, 32), server.sharedSecret.subarray(0, 32));
    assert.deepEqual(secret.subarray(32), server.sharedSecret.subarray(32));
  });

  Deno.test(`${p}: x25519-mlkem768 refuses an encapsulation key with a coefficient >= q`, async () => {
    const client = await kex().start();
    const bad = concatBytes(withBadCoefficient(client.share.subarray(0, 1184)), client.share.subarray(1184));
    await assert.rejects(kex().respond(bad), new KexError(MODULUS_MESSAGE));
  });

  Deno.test(`${p}: x25519-mlkem768 refuses shares of the wrong length with precise messages`, async () => {
    await assert.rejects(
      kex().respond(new Uint8Array(1184)),
      new KexError("X25519MLKEM768 client share must be 1216 bytes, got 1184"),
    );
    const client = await kex().start();
    await assert.rejects(
      client.finish(new Uint8Array(1088)),
      new KexError("X25519MLKEM768 server share must be 1120 bytes, got 1088"),
    );
  });

  Deno.test(`${p}: x25519-mlkem768 draws the ML-KEM seed, then the X25519 secret, from the RandomSource`, async () => {
    const requests: number[] = [];
    const random = (n: number) => {
      requests.push(n);
      return seededRandom(`r${requests.length}`)(n);
    };
    const client = await kex().start(random);
    await kex().respond(client.share, random);
    assert.deepEqual(requests, [64, 32, 32, 32]);
  });
}
