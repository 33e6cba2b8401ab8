// tests/vectors/README.md ("From random bytes to keys") is enough to reproduce the handshake vectors: every key share,
// random, server key pair and exporter is recomputed here from the seeds with @noble primitives, without core/crypto/.

import assert from "node:assert/strict";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { p256 } from "@noble/curves/nist.js";
import { expand, extract } from "@noble/hashes/hkdf.js";
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import type { CHash } from "@noble/hashes/utils.js";
import { bytesToHex as hex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { decodeValue } from "../core/codec/value.ts";

type Draw = (length: number) => Uint8Array;

/** README "The RandomSource": SHA-256(UTF-8(seed) || u32be counter) blocks, read in order. */
function stream(seed: string): Draw {
  const seedBytes = utf8ToBytes(seed);
  let counter = 0;
  let buffered = new Uint8Array(0);
  return (length) => {
    while (buffered.length < length) {
      const block = new Uint8Array(4);
      new DataView(block.buffer).setUint32(0, counter++);
      buffered = concatBytes(buffered, sha256(concatBytes(seedBytes, block)));
    }
    const out = buffered.slice(0, length);
    buffered = buffered.slice(length);
    return out;
  };
}

const integer = (bytes: Uint8Array) => BigInt("0x" + (hex(bytes) || "0"));
const bytesOf = (value: bigint, length: number) => {
  const hex = value.toString(16).padStart(length * 2, "0");
  return Uint8Array.from({ length }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
};
function power(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  for (; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = result * base % modulus;
    base = base * base % modulus;
  }
  return result;
}

/** README table, `p256` row: d = (c mod (n-1)) + 1 from 48 bytes (FIPS 186-5 §A.2.1's formula). */
function p256Secret(draw: Draw): bigint {
  return integer(draw(48)) % (p256.Point.Fn.ORDER - 1n) + 1n;
}

/** README table, `ffdhe` row: x = c + 1, drawing 64 bytes again while c > 2^512 - 2. */
function ffdheExponent(draw: Draw): bigint {
  for (;;) {
    const c = integer(draw(64));
    if (c <= (1n << 512n) - 2n) return c + 1n;
  }
}

/** PROTOCOL.md §7.4 ExpandLabel. */
function expandLabel(hash: CHash, secret: Uint8Array, label: string, context: Uint8Array, length: number) {
  const full = utf8ToBytes("mimi/1 " + label);
  const info = concatBytes(
    Uint8Array.of(length >> 8, length & 0xff, full.length),
    full,
    Uint8Array.of(context.length),
    context,
  );
  return expand(hash, secret, info, length);
}

/** The parts of the hello maps (PROTOCOL.md §7.2, §7.3) this test reads. */
interface ClientHello {
  random: Uint8Array;
  shares: Record<string, Uint8Array>;
  group: { p: Uint8Array; g: Uint8Array };
}
interface SignedBody {
  random: Uint8Array;
  share: Uint8Array;
}

Deno.test("every handshake vector follows the README's recipe from seeds to key shares, keys and exporter", async () => {
  const file = JSON.parse(await Deno.readTextFile(new URL("./vectors/handshake_transcripts.json", import.meta.url)));
  assert.equal(file.vectors.length, 48);
  for (const vector of file.vectors) {
    const { kex } = vector.suite;
    const hash: CHash = vector.suite.hash === "sha256" ? sha256 : sha384;
    const clientHelloBytes = hexToBytes(vector.clientHello);
    const serverHelloBytes = hexToBytes(vector.serverHello);
    const clientHello = decodeValue(clientHelloBytes.subarray(1)) as unknown as ClientHello;
    const serverHello = decodeValue(serverHelloBytes.subarray(1)) as { hello: Uint8Array };
    const signed = decodeValue(serverHello.hello) as unknown as SignedBody;
    const clientShare: Uint8Array = clientHello.shares[kex];
    const serverShare: Uint8Array = signed.share;
    const client = stream(vector.seeds.client);
    const server = stream(vector.seeds.server);
    const what = vector.name;

    let shared: Uint8Array;
    if (kex === "x25519") {
      const [c, s] = [client(32), server(32)];
      assert.equal(hex(x25519.getPublicKey(c)), hex(clientShare), what);
      assert.equal(hex(x25519.getPublicKey(s)), hex(serverShare), what);
      shared = x25519.getSharedSecret(c, serverShare);
    } else if (kex === "p256") {
      const [c, s] = [p256Secret(client), p256Secret(server)];
      assert.equal(hex(p256.Point.BASE.multiply(c).toBytes(false)), hex(clientShare), what);
      assert.equal(hex(p256.Point.BASE.multiply(s).toBytes(false)), hex(serverShare), what);
      shared = p256.Point.fromBytes(serverShare).multiply(c).toBytes(false).slice(1, 33);
    } else if (kex === "ffdhe") {
      // The group travels in the ClientHello (PROTOCOL.md §7.2).
      const [p, g] = [integer(clientHello.group.p), integer(clientHello.group.g)];
      const length = clientHello.group.p.length;
      const [c, s] = [ffdheExponent(client), ffdheExponent(server)];
      assert.equal(hex(bytesOf(power(g, c, p), length)), hex(clientShare), what);
      assert.equal(hex(bytesOf(power(g, s, p), length)), hex(serverShare), what);
      shared = bytesOf(power(integer(serverShare), c, p), length);
    } else {
      assert.equal(kex, "x25519-mlkem768");
      const keys = ml_kem768.keygen(client(64));
      const c = client(32);
      assert.equal(hex(concatBytes(keys.publicKey, x25519.getPublicKey(c))), hex(clientShare), what);
      const encapsulated = ml_kem768.encapsulate(keys.publicKey, server(32));
      const s = server(32);
      assert.equal(hex(concatBytes(encapsulated.cipherText, x25519.getPublicKey(s))), hex(serverShare), what);
      shared = concatBytes(encapsulated.sharedSecret, x25519.getSharedSecret(c, serverShare.subarray(1088)));
    }
    assert.equal(hex(client(32)), hex(clientHello.random), `${what}: ClientHello random`);
    assert.equal(hex(server(32)), hex(signed.random), `${what}: ServerHello random`);

    const transcript = hash(concatBytes(clientHelloBytes, serverHelloBytes));
    const prk = extract(hash, shared, new Uint8Array(hash.outputLen));
    assert.equal(hex(expandLabel(hash, prk, "exporter", transcript, hash.outputLen)), vector.secrets.exporter, what);

    const edSecret = stream(vector.seeds.ed25519)(32);
    assert.equal(hex(edSecret), vector.serverKeys.ed25519.secretKey, what);
    assert.equal(hex(ed25519.getPublicKey(edSecret)), vector.serverKeys.ed25519.publicKey, what);
    const ecdsaSecret = p256Secret(stream(vector.seeds["ecdsa-p256"]));
    assert.equal(hex(bytesOf(ecdsaSecret, 32)), vector.serverKeys["ecdsa-p256"].secretKey, what);
    assert.equal(
      hex(p256.Point.BASE.multiply(ecdsaSecret).toBytes(false)),
      vector.serverKeys["ecdsa-p256"].publicKey,
      what,
    );
  }
});
