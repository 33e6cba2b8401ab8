// Tests for the key schedule: the HkdfLabel-shaped info byte by byte, lengths, SHA-384, and separation of outputs.

import assert from "node:assert/strict";
import { expand, extract } from "@noble/hashes/hkdf.js";
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import { deriveSecrets, expandLabel, nextTrafficSecret, trafficKey } from "./key_schedule.ts";
import { fromHex, hex, utf8 } from "../bytes/mod.ts";
import { nobleProvider } from "./primitives/noble.ts";
import type { Hash } from "./primitives/types.ts";

const SHA256 = nobleProvider.hash("sha256");
const SHA384 = nobleProvider.hash("sha384");
const SECRET = Uint8Array.from({ length: 32 }, (_, i) => i);
const SECRET_48 = Uint8Array.from({ length: 48 }, (_, i) => 0xff - i);

/** A Hash that records every info passed to hkdfExpand and otherwise behaves like `inner`. */
function spy(inner: Hash): { hash: Hash; infos: Uint8Array[] } {
  const infos: Uint8Array[] = [];
  const hash: Hash = {
    id: inner.id,
    outputLength: inner.outputLength,
    digest: (data) => inner.digest(data),
    hmac: (key, data) => inner.hmac(key, data),
    hkdfExtract: (salt, ikm) => inner.hkdfExtract(salt, ikm),
    hkdfExpand: (prk, info, length) => {
      infos.push(info.slice());
      return inner.hkdfExpand(prk, info, length);
    },
  };
  return { hash, infos };
}

/** The info of PROTOCOL.md §8.4, typed out field by field: u16 length, u8 label length, label, u8 context length, context. */
function handInfo(length: string, labelLength: string, label: string, contextLength: string, context = ""): string {
  return length + labelLength + hex(utf8(label)) + contextLength + context;
}

Deno.test("expandLabel() passes info = u16 length || u8 label length || 'mimi/1 ' label || u8 0 for an empty context", () => {
  const { hash, infos } = spy(SHA256);
  expandLabel(hash, SECRET, "key", new Uint8Array(0), 32);
  // 0020: 32 output bytes; 0a: "mimi/1 key" is 10 bytes; 00: no context.
  assert.equal(hex(infos[0]), "0020" + "0a" + "6d696d692f31206b6579" + "00");
});

Deno.test("expandLabel() passes the context after its one-byte length", () => {
  const { hash, infos } = spy(SHA256);
  const context = fromHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  expandLabel(hash, SECRET, "c traffic", context, 32);
  assert.equal(hex(infos[0]), handInfo("0020", "10", "mimi/1 c traffic", "20", hex(context)));
  assert.equal(infos[0].length, 2 + 1 + 16 + 1 + 32);
});

Deno.test("expandLabel() writes lengths over 255 in both bytes of the u16", () => {
  const { hash, infos } = spy(SHA256);
  expandLabel(hash, SECRET, "iv", new Uint8Array(0), 0x0123);
  assert.equal(hex(infos[0]), handInfo("0123", "09", "mimi/1 iv", "00"));
});

Deno.test("expandLabel() equals RFC 5869 HKDF-Expand over the hand-built info (SHA-256 and SHA-384)", () => {
  const context = utf8("transcript");
  assert.equal(
    hex(expandLabel(SHA256, SECRET, "exporter", context, 32)),
    hex(expand(sha256, SECRET, fromHex(handInfo("0020", "0f", "mimi/1 exporter", "0a", hex(context))), 32)),
  );
  assert.equal(
    hex(expandLabel(SHA384, SECRET_48, "exporter", context, 48)),
    hex(expand(sha384, SECRET_48, fromHex(handInfo("0030", "0f", "mimi/1 exporter", "0a", hex(context))), 48)),
  );
});

Deno.test("expandLabel() returns exactly the requested number of bytes", () => {
  for (const length of [1, 12, 16, 32, 48, 64, 100, 255 * 32]) {
    assert.equal(expandLabel(SHA256, SECRET, "key", new Uint8Array(0), length).length, length);
  }
});

Deno.test("expandLabel() gives different keys for different labels, contexts and lengths", () => {
  const empty = new Uint8Array(0);
  const outputs = [
    expandLabel(SHA256, SECRET, "key", empty, 32),
    expandLabel(SHA256, SECRET, "kez", empty, 32),
    expandLabel(SHA256, SECRET, "key", Uint8Array.of(0), 32),
    expandLabel(SHA256, SECRET, "key", Uint8Array.of(1), 32),
    // The length is part of the info, so a shorter output is not a prefix of a longer one.
    expandLabel(SHA256, SECRET, "key", empty, 33).subarray(0, 32),
    expandLabel(SHA256, SECRET.map((b, i) => i === 31 ? b ^ 1 : b), "key", empty, 32),
  ].map(hex);
  assert.equal(new Set(outputs).size, outputs.length);
});

Deno.test("expandLabel() throws a RangeError for a label over 255 bytes, a context over 255 bytes or length over 65535", () => {
  const empty = new Uint8Array(0);
  // "mimi/1 " is 7 bytes, so a 248-byte label is the longest that fits.
  assert.equal(expandLabel(SHA256, SECRET, "x".repeat(248), empty, 16).length, 16);
  assert.throws(() => expandLabel(SHA256, SECRET, "x".repeat(249), empty, 16), RangeError);
  assert.equal(expandLabel(SHA256, SECRET, "key", new Uint8Array(255), 16).length, 16);
  assert.throws(() => expandLabel(SHA256, SECRET, "key", new Uint8Array(256), 16), RangeError);
  assert.throws(() => expandLabel(SHA256, SECRET, "key", empty, 0x10000), RangeError);
});

Deno.test("deriveSecrets() equals HKDF-Extract with a zero salt then four labelled expansions", () => {
  for (const [hash, nobleHash, n] of [[SHA256, sha256, 32], [SHA384, sha384, 48]] as const) {
    const shared = utf8("shared secret from the key exchange");
    const transcript = nobleHash(utf8("ClientHello || ServerHello"));
    const prk = extract(nobleHash, shared, new Uint8Array(n));
    const want = (label: string) => {
      const fullLabel = utf8("mimi/1 " + label);
      const info = Uint8Array.of(0, n, fullLabel.length, ...fullLabel, transcript.length, ...transcript);
      return hex(expand(nobleHash, prk, info, n));
    };
    const secrets = deriveSecrets(hash, shared, transcript);
    assert.equal(hex(secrets.clientTraffic), want("c traffic"), hash.id);
    assert.equal(hex(secrets.serverTraffic), want("s traffic"), hash.id);
    assert.equal(hex(secrets.clientFinished), want("c finished"), hash.id);
    assert.equal(hex(secrets.exporter), want("exporter"), hash.id);
  }
});

Deno.test("deriveSecrets() returns four distinct secrets of the hash's length", () => {
  for (const hash of [SHA256, SHA384]) {
    const secrets = deriveSecrets(hash, SECRET, hash.digest(utf8("t")));
    const values = [secrets.clientTraffic, secrets.serverTraffic, secrets.clientFinished, secrets.exporter];
    for (const value of values) assert.equal(value.length, hash.outputLength);
    assert.equal(new Set(values.map(hex)).size, 4);
  }
});

Deno.test("deriveSecrets() gives different secrets for a different transcript or shared secret", () => {
  const base = deriveSecrets(SHA256, SECRET, SHA256.digest(utf8("a")));
  const otherTranscript = deriveSecrets(SHA256, SECRET, SHA256.digest(utf8("b")));
  const otherSecret = deriveSecrets(SHA256, SECRET.map((b) => b ^ 0x80), SHA256.digest(utf8("a")));
  for (const key of ["clientTraffic", "serverTraffic", "clientFinished", "exporter"] as const) {
    assert.notEqual(hex(base[key]), hex(otherTranscript[key]), key);
    assert.notEqual(hex(base[key]), hex(otherSecret[key]), key);
  }
});

Deno.test("trafficKey() derives a key of the AEAD's length and a 12-byte IV with labels 'key' and 'iv'", () => {
  for (const keyLength of [16, 32]) {
    const { key, iv } = trafficKey(SHA256, SECRET, keyLength);
    assert.equal(key.length, keyLength);
    assert.equal(iv.length, 12);
    assert.equal(
      hex(key),
      hex(
        expand(sha256, SECRET, fromHex(handInfo(`00${keyLength.toString(16)}`, "0a", "mimi/1 key", "00")), keyLength),
      ),
    );
    assert.equal(hex(iv), hex(expand(sha256, SECRET, fromHex(handInfo("000c", "09", "mimi/1 iv", "00")), 12)));
  }
  const { key, iv } = trafficKey(SHA384, SECRET_48, 32);
  assert.equal(hex(key), hex(expand(sha384, SECRET_48, fromHex(handInfo("0020", "0a", "mimi/1 key", "00")), 32)));
  assert.equal(hex(iv), hex(expand(sha384, SECRET_48, fromHex(handInfo("000c", "09", "mimi/1 iv", "00")), 12)));
});

Deno.test("nextTrafficSecret() derives a hash-length secret with label 'traffic upd', different each step", () => {
  const next = nextTrafficSecret(SHA256, SECRET);
  assert.equal(hex(next), hex(expand(sha256, SECRET, fromHex(handInfo("0020", "12", "mimi/1 traffic upd", "00")), 32)));
  const seen = new Set([hex(SECRET)]);
  let secret: Uint8Array = SECRET;
  for (let i = 0; i < 10; i++) {
    secret = nextTrafficSecret(SHA256, secret);
    seen.add(hex(secret));
  }
  assert.equal(seen.size, 11);
  assert.equal(nextTrafficSecret(SHA384, SECRET_48).length, 48);
});
