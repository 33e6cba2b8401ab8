// Known-answer tests from the Wycheproof subsets in tests/vectors/wycheproof/, run on both providers and both paths.

import assert from "node:assert/strict";
import { AeadError, KexError } from "./errors.ts";
import { concatBytes, fromHex, hex } from "../../bytes/mod.ts";
import type { Aead, AeadId, HashId, SigId } from "./types.ts";
import { nobleAead } from "./_aead.ts";
import { webCryptoAesGcm } from "./_webcrypto_aead.ts";
import { webCryptoDerive } from "./_webcrypto_kex.ts";
import { P256_PKCS8_PREFIX } from "./_webcrypto_probe.ts";
import { x25519SharedSecret } from "./_x25519.ts";
import { p256SharedSecret } from "./_p256.ts";
import { PROVIDERS } from "./_test_utils.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

async function load(name: string): Promise<Json> {
  const text = await Deno.readTextFile(new URL(`../../../tests/vectors/wycheproof/${name}`, import.meta.url));
  const file = JSON.parse(text);
  const count = file.testGroups.reduce((n: number, g: Json) => n + g.tests.length, 0);
  assert.equal(file.numberOfTests, count, `${name}: numberOfTests must match the tests kept`);
  return file;
}

function* cases(file: Json): Generator<[Json, Json]> {
  for (const group of file.testGroups) for (const test of group.tests) yield [group, test];
}

const X25519_PKCS8_PREFIX = fromHex("302e020100300506032b656e04220420");
const subtle = crypto.subtle;

// --- AEAD -----------------------------------------------------------------------------------------

const aeadFiles: [string, (keyBits: number) => AeadId][] = [
  ["aes_gcm_test.json", (bits) => bits === 128 ? "aes-128-gcm" : "aes-256-gcm"],
  ["chacha20_poly1305_test.json", () => "chacha20-poly1305"],
];

for (const [name, idOf] of aeadFiles) {
  const file = await load(name);
  // Each provider's own Aead, plus WebCrypto forced on for every size (the vectors are short records,
  // which the WebCrypto provider would otherwise send to noble).
  const variants: [string, (id: AeadId) => Aead][] = [
    ...PROVIDERS.map((p) => [p.name, (id: AeadId) => p.aead(id)] as [string, (id: AeadId) => Aead]),
    ["webcrypto-always", (id) => id === "chacha20-poly1305" ? nobleAead(id) : webCryptoAesGcm(subtle, id, 0)],
  ];
  for (const [label, aeadFor] of variants) {
    Deno.test(`wycheproof ${name} (${file.numberOfTests} cases) on ${label}`, async () => {
      for (const [group, t] of cases(file)) {
        const what = `tcId ${t.tcId} (${t.flags.join(",")})`;
        const aead = aeadFor(idOf(group.keySize));
        const key = await aead.importKey(fromHex(t.key));
        const [iv, aad, msg, sealed] = [fromHex(t.iv), fromHex(t.aad), fromHex(t.msg), fromHex(t.ct + t.tag)];
        if (iv.length !== 12) {
          // Our API takes 12-byte nonces only (RFC 5116 §5.1, RFC 8439 §2.8): other sizes are programmer errors.
          assert.equal(t.result, "invalid", what);
          await assert.rejects(key.open(iv, sealed, aad), RangeError, what);
          await assert.rejects(key.seal(iv, msg, aad), RangeError, what);
        } else if (t.result === "valid") {
          assert.equal(hex(await key.seal(iv, msg, aad)), t.ct + t.tag, what);
          assert.equal(hex(await key.open(iv, sealed, aad)), t.msg, what);
        } else {
          await assert.rejects(key.open(iv, sealed, aad), AeadError, what);
        }
      }
    });
  }
}

// --- HKDF -----------------------------------------------------------------------------------------

for (const [name, id] of [["hkdf_sha256_test.json", "sha256"], ["hkdf_sha384_test.json", "sha384"]] as const) {
  const file = await load(name);
  for (const provider of PROVIDERS) {
    Deno.test(`wycheproof ${name} (${file.numberOfTests} cases) on ${provider.name}`, () => {
      const hash = provider.hash(id as HashId);
      for (const [, t] of cases(file)) {
        const what = `tcId ${t.tcId} (${t.flags.join(",")})`;
        const prk = hash.hkdfExtract(fromHex(t.salt), fromHex(t.ikm));
        if (t.result === "valid") {
          assert.equal(hex(hash.hkdfExpand(prk, fromHex(t.info), t.size)), t.okm, what);
        } else {
          assert.deepEqual(t.flags, ["SizeTooLarge"], what);
          assert.throws(() => hash.hkdfExpand(prk, fromHex(t.info), t.size), RangeError, what);
        }
      }
    });
  }
}

// --- signatures -----------------------------------------------------------------------------------

const sigFiles: [string, SigId, (group: Json) => string][] = [
  ["ed25519_test.json", "ed25519", (g) => g.publicKey.pk],
  ["ecdsa_secp256r1_sha256_p1363_test.json", "ecdsa-p256", (g) => g.publicKey.uncompressed],
];

for (const [name, id, keyOf] of sigFiles) {
  const file = await load(name);
  for (const provider of PROVIDERS) {
    Deno.test(`wycheproof ${name} (${file.numberOfTests} cases) on ${provider.name}`, async () => {
      const scheme = provider.signature(id);
      for (const [group, t] of cases(file)) {
        const what = `tcId ${t.tcId} (${t.flags.join(",")}): ${t.comment}`;
        const ok = await scheme.verify(fromHex(keyOf(group)), fromHex(t.msg), fromHex(t.sig));
        // No "acceptable" results in these subsets: strict Ed25519 and standard ECDSA match Wycheproof exactly.
        assert.equal(ok, t.result === "valid", what);
      }
    });
  }
}

// --- X25519 ---------------------------------------------------------------------------------------

{
  const file = await load("x25519_test.json");
  const zero = "00".repeat(32);
  const paths: [string, (priv: Uint8Array, pub: Uint8Array) => Promise<Uint8Array>][] = [
    ["noble", (priv, pub) => Promise.resolve().then(() => x25519SharedSecret(priv, pub))],
    ["webcrypto", async (priv, pub) => {
      const key = await subtle.importKey(
        "pkcs8",
        concatBytes(X25519_PKCS8_PREFIX, priv) as Uint8Array<ArrayBuffer>,
        {
          name: "X25519",
        },
        false,
        ["deriveBits"],
      );
      return webCryptoDerive(subtle, "x25519", key, pub);
    }],
    ["provider API", async (priv, pub) => {
      // start() takes the secret from the RandomSource, so the public API can replay a known answer.
      const client = await PROVIDERS[1].kex("x25519").start(() => priv);
      return client.finish(pub);
    }],
  ];
  for (const [label, agree] of paths) {
    Deno.test(`wycheproof x25519_test.json (${file.numberOfTests} cases) on the ${label} path`, async () => {
      for (const [, t] of cases(file)) {
        const what = `tcId ${t.tcId} (${t.flags.join(",")})`;
        const [priv, pub] = [fromHex(t.private), fromHex(t.public)];
        if (t.shared === zero) {
          // RFC 7748 §6.1: every low-order share (canonical or not) is refused before the ladder runs.
          assert.ok(t.flags.includes("ZeroSharedSecret"), what);
          await assert.rejects(agree(priv, pub), new KexError("X25519 share is a low-order point"), what);
        } else {
          // Twist points and non-canonical encodings are accepted and reduced as RFC 7748 §5 says.
          assert.equal(hex(await agree(priv, pub)), t.shared, what);
        }
      }
    });
  }
}

// --- P-256 ECDH -----------------------------------------------------------------------------------

{
  const file = await load("ecdh_secp256r1_ecpoint_test.json");
  const scalar = (text: string) => fromHex(BigInt("0x" + text).toString(16).padStart(64, "0"));
  const paths: [string, (priv: Uint8Array, pub: Uint8Array) => Promise<Uint8Array>][] = [
    ["noble", (priv, pub) => Promise.resolve().then(() => p256SharedSecret(priv, pub))],
    ["webcrypto", async (priv, pub) => {
      const der = concatBytes(P256_PKCS8_PREFIX, priv) as Uint8Array<ArrayBuffer>;
      const key = await subtle.importKey("pkcs8", der, { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
      return webCryptoDerive(subtle, "p256", key, pub);
    }],
  ];
  for (const [label, agree] of paths) {
    Deno.test(`wycheproof ecdh_secp256r1_ecpoint_test.json (${file.numberOfTests} cases) on the ${label} path`, async () => {
      for (const [, t] of cases(file)) {
        const what = `tcId ${t.tcId} (${t.flags.join(",")}): ${t.comment}`;
        const [priv, pub] = [scalar(t.private), fromHex(t.public)];
        if (t.result === "valid") {
          assert.equal(hex(await agree(priv, pub)), t.shared, what);
        } else {
          // Invalid, and "acceptable" compressed points: Mimi takes uncompressed shares only.
          await assert.rejects(agree(priv, pub), KexError, what);
        }
      }
    });
  }
}
