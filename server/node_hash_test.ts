import assert from "node:assert/strict";
import { nobleHash } from "../core/crypto/primitives/_hash.ts";
import { nobleProvider } from "../core/crypto/primitives/noble.ts";
import type { HashId } from "../core/crypto/primitives/types.ts";
import { withNodeDigest, withNodeDigests } from "./node_hash.ts";

const IDS: HashId[] = ["sha256", "sha384"];
// Around both hashes' block boundaries (64 and 128 bytes, where the length no longer fits the last block) and a
// handshake transcript's size.
const LENGTHS = [0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000, 2900, 70_000];

Deno.test("withNodeDigest's digests are byte for byte noble's, for both hashes and lengths around block edges", () => {
  for (const id of IDS) {
    const noble = nobleHash(id);
    const node = withNodeDigest(noble);
    for (const length of LENGTHS) {
      const data = new Uint8Array(length).map((_, i) => (i * 31 + length) & 0xff);
      const digest = node.digest(data);
      assert.deepEqual(digest, noble.digest(data), `${id}, ${length} bytes`);
      assert.equal(digest.length, noble.outputLength);
      assert.equal(digest.byteOffset, 0);
      assert.equal(digest.buffer.byteLength, noble.outputLength);
    }
    assert.deepEqual(node.digest(new Uint8Array(100).subarray(10, 50)), noble.digest(new Uint8Array(40)));
  }
});

Deno.test("withNodeDigest keeps the hash's id, length, HMAC and HKDF, and refuses what noble refuses", () => {
  for (const id of IDS) {
    const noble = nobleHash(id);
    const node = withNodeDigest(noble);
    assert.equal(node.id, id);
    assert.equal(node.outputLength, noble.outputLength);
    assert.equal(node.hmac, noble.hmac);
    assert.equal(node.hkdfExtract, noble.hkdfExtract);
    assert.equal(node.hkdfExpand, noble.hkdfExpand);
    assert.throws(() => node.digest("abc" as unknown as Uint8Array), new TypeError("data must be a Uint8Array"));
    assert.throws(() => noble.digest("abc" as unknown as Uint8Array), new TypeError("data must be a Uint8Array"));
  }
});

Deno.test("withNodeDigests replaces only the digests of the provider", () => {
  const provider = withNodeDigests(nobleProvider);
  assert.match(provider.name, /\+node-digest$/);
  assert.equal(provider.aead("aes-256-gcm"), nobleProvider.aead("aes-256-gcm"));
  assert.equal(provider.kex("x25519"), nobleProvider.kex("x25519"));
  const data = new Uint8Array(300).fill(9);
  for (const id of IDS) assert.deepEqual(provider.hash(id).digest(data), nobleProvider.hash(id).digest(data));
  assert.throws(() => provider.hash("md5" as HashId), TypeError);
});
