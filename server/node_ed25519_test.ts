import assert from "node:assert/strict";
import { nobleEd25519 } from "../core/crypto/primitives/_ed25519.ts";
import { nodeEd25519Sign } from "./node_ed25519.ts";

Deno.test("nodeEd25519Sign() signs byte for byte as noble does, switching keys and messages", async () => {
  const sign = nodeEd25519Sign();
  const keys = [nobleEd25519.generateKeyPair(), nobleEd25519.generateKeyPair()];
  for (let i = 0; i < 12; i++) {
    const { secretKey, publicKey } = keys[i % 3 === 0 ? 1 : 0];
    const message = crypto.getRandomValues(new Uint8Array(i * 37));
    const signature = await sign(secretKey, message);
    assert.deepEqual(signature, await nobleEd25519.sign(secretKey, message));
    assert.equal(await nobleEd25519.verify(publicKey, message, signature), true);
  }
});

Deno.test("nodeEd25519Sign() refuses a secret key of the wrong length as noble does", async () => {
  const sign = nodeEd25519Sign();
  await assert.rejects(sign(new Uint8Array(31), new Uint8Array(1)), RangeError);
  await assert.rejects(nobleEd25519.sign(new Uint8Array(31), new Uint8Array(1)), RangeError);
});
