import assert from "node:assert/strict";
import { KexError } from "../core/crypto/primitives/errors.ts";
import { nobleX25519 } from "../core/crypto/primitives/_x25519.ts";
import { nodeX25519 } from "./node_x25519.ts";

Deno.test("nodeX25519 agrees with noble's X25519 as server and as client", async () => {
  for (let i = 0; i < 20; i++) {
    const client = await nobleX25519.start();
    const server = await nodeX25519.respond(client.share);
    assert.equal(server.share.length, 32);
    assert.deepEqual(await client.finish(server.share), server.sharedSecret);

    const nodeClient = await nodeX25519.start();
    const nobleServer = await nobleX25519.respond(nodeClient.share);
    assert.deepEqual(await nodeClient.finish(nobleServer.share), nobleServer.sharedSecret);
  }
});

Deno.test("nodeX25519 refuses low-order and wrong-length shares with KexError, as noble does", async () => {
  const zero = new Uint8Array(32);
  const one = new Uint8Array(32);
  one[0] = 1;
  for (const share of [zero, one, new Uint8Array(31)]) {
    await assert.rejects(nodeX25519.respond(share), KexError);
    await assert.rejects(nobleX25519.respond(share), KexError);
    const client = await nodeX25519.start();
    await assert.rejects(client.finish(share), KexError);
  }
});

Deno.test("nodeX25519 finishes a started exchange only once", async () => {
  const client = await nodeX25519.start();
  const server = await nobleX25519.respond(client.share);
  await client.finish(server.share);
  await assert.rejects(client.finish(server.share), /twice/);
});

Deno.test("nodeX25519 with a RandomSource is noble's deterministic exchange", async () => {
  const random = (length: number) => new Uint8Array(length).fill(7);
  const client = await nobleX25519.start(() => new Uint8Array(32).fill(3));
  const a = await nodeX25519.respond(client.share, random);
  const b = await nobleX25519.respond(client.share, random);
  assert.deepEqual(a, b);
});
