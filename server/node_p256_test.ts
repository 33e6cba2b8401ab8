import assert from "node:assert/strict";
import { p256 } from "@noble/curves/nist.js";
import { KexError } from "../core/crypto/primitives/errors.ts";
import { nobleP256 } from "../core/crypto/primitives/_p256.ts";
import { nodeP256 } from "./node_p256.ts";

Deno.test("nodeP256 agrees with noble's P-256 ECDH as server and as client", async () => {
  for (let i = 0; i < 10; i++) {
    const client = await nobleP256.start();
    const server = await nodeP256.respond(client.share);
    assert.equal(server.share.length, 65);
    assert.equal(server.share[0], 0x04);
    assert.equal(server.sharedSecret.length, 32);
    assert.deepEqual(await client.finish(server.share), server.sharedSecret);

    const nodeClient = await nodeP256.start();
    const nobleServer = await nobleP256.respond(nodeClient.share);
    assert.deepEqual(await nodeClient.finish(nobleServer.share), nobleServer.sharedSecret);
  }
});

Deno.test("nodeP256 refuses compressed, infinity, off-curve and out-of-field shares with noble's KexErrors", async () => {
  const publicKey = p256.getPublicKey(p256.utils.randomSecretKey(), false);
  const compressed = p256.getPublicKey(p256.utils.randomSecretKey(), true);
  const offCurve = publicKey.slice();
  offCurve[64] ^= 1;
  const xIsP = Uint8Array.from(
    ("04ffffffff00000001000000000000000000000000ffffffffffffffffffffffff" +
      "99b7a386f1d07c29dbcc42a27b5f9449abe3d50de25178e8d7407a95e8b06c0b").match(/../g)!.map((h) => parseInt(h, 16)),
  );
  for (const share of [compressed, new Uint8Array([0]), offCurve, xIsP]) {
    const expected = await nobleP256.respond(share).then(() => assert.fail("noble accepted"), (error) => error);
    assert.ok(expected instanceof KexError);
    await assert.rejects(nodeP256.respond(share), { name: expected.name, message: expected.message });
    const client = await nodeP256.start();
    await assert.rejects(client.finish(share), { name: expected.name, message: expected.message });
  }
});

Deno.test("nodeP256 finishes a started exchange only once", async () => {
  const client = await nodeP256.start();
  const server = await nobleP256.respond(client.share);
  await client.finish(server.share);
  await assert.rejects(client.finish(server.share), /twice/);
});

Deno.test("nodeP256 with a RandomSource is noble's deterministic exchange", async () => {
  const random = (length: number) => new Uint8Array(length).fill(7);
  const client = await nobleP256.start(() => new Uint8Array(48).fill(3));
  const a = await nodeP256.respond(client.share, random);
  const b = await nobleP256.respond(client.share, random);
  assert.deepEqual(a, b);
});
