// The shared suite every CryptoProvider runs (noble and WebCrypto), then cross-provider interop.

import assert from "node:assert/strict";
import { p256 } from "@noble/curves/nist.js";
import { AEAD_ERROR_MESSAGE, AeadError, KexError } from "./errors.ts";
import { concatBytes, fromHex, hex, utf8 } from "../../bytes/mod.ts";
import type { AeadId, CryptoProvider, KexGroupParams, KexId, SigId } from "./types.ts";
import { FFDHE_GROUPS } from "./ffdhe.ts";
import { flip, PROVIDERS, seededRandom } from "./_test_utils.ts";

const AEAD_IDS: AeadId[] = ["aes-128-gcm", "aes-256-gcm", "chacha20-poly1305"];
const KEXES: [KexId, KexGroupParams | undefined][] = [
  ["x25519", undefined],
  ["p256", undefined],
  ["x25519-mlkem768", undefined],
  ["ffdhe", FFDHE_GROUPS.ffdhe2048],
];
const SIG_IDS: SigId[] = ["ed25519", "ecdsa-p256"];
const SHARE_LENGTHS: Record<KexId, [client: number, server: number, secret: number]> = {
  "x25519": [32, 32, 32],
  "p256": [65, 65, 32],
  "x25519-mlkem768": [1216, 1120, 64],
  "ffdhe": [256, 256, 256],
};

async function rejectsAead(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AeadError);
    assert.equal(error.name, "AeadError");
    assert.equal(error.message, AEAD_ERROR_MESSAGE);
    assert.equal(error.cause, undefined);
    return true;
  });
}

for (const provider of PROVIDERS) {
  const p = provider.name;

  // --- hashes -------------------------------------------------------------------------------------

  Deno.test(`${p}: hash() digests "abc" to the FIPS 180-4 answers`, () => {
    assert.equal(
      hex(provider.hash("sha256").digest(utf8("abc"))),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    assert.equal(
      hex(provider.hash("sha384").digest(utf8("abc"))),
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    );
    assert.equal(provider.hash("sha256").outputLength, 32);
    assert.equal(provider.hash("sha384").outputLength, 48);
  });

  Deno.test(`${p}: hash().hmac() matches RFC 4231 test case 2`, () => {
    const key = utf8("Jefe");
    const data = utf8("what do ya want for nothing?");
    assert.equal(
      hex(provider.hash("sha256").hmac(key, data)),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    assert.equal(
      hex(provider.hash("sha384").hmac(key, data)),
      "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
    );
  });

  Deno.test(`${p}: hash().hkdfExpand() allows 0 to 255*HashLen bytes and refuses more (RFC 5869 §2.3)`, () => {
    for (const id of ["sha256", "sha384"] as const) {
      const hash = provider.hash(id);
      const prk = hash.hkdfExtract(new Uint8Array(0), utf8("ikm"));
      assert.equal(hash.hkdfExpand(prk, new Uint8Array(0), 0).length, 0);
      assert.equal(hash.hkdfExpand(prk, new Uint8Array(0), 255 * hash.outputLength).length, 255 * hash.outputLength);
      assert.throws(() => hash.hkdfExpand(prk, new Uint8Array(0), 255 * hash.outputLength + 1), RangeError);
      assert.throws(() => hash.hkdfExpand(prk, new Uint8Array(0), -1), RangeError);
      assert.throws(() => hash.hkdfExpand(prk, new Uint8Array(0), 1.5), RangeError);
    }
  });

  Deno.test(`${p}: hash().hkdfExpand() refuses a PRK shorter than HashLen`, () => {
    assert.throws(() => provider.hash("sha256").hkdfExpand(new Uint8Array(31), new Uint8Array(0), 16), {
      name: "RangeError",
      message: "HKDF-Expand needs a PRK of at least 32 bytes, got 31",
    });
  });

  Deno.test(`${p}: unknown algorithm ids throw a TypeError`, () => {
    assert.throws(() => provider.hash("md5" as never), TypeError);
    assert.throws(() => provider.aead("aes-256-cbc" as never), TypeError);
    assert.throws(() => provider.kex("dh" as never), TypeError);
    assert.throws(() => provider.signature("rsa" as never), TypeError);
    assert.throws(() => provider.kex("toString" as never), TypeError);
  });

  Deno.test(`${p}: random() returns the requested number of bytes, beyond one getRandomValues call`, () => {
    assert.equal(provider.random(0).length, 0);
    assert.equal(provider.random(100_000).length, 100_000);
    assert.notDeepEqual(provider.random(32), provider.random(32));
  });

  // --- AEAD ---------------------------------------------------------------------------------------

  for (const id of AEAD_IDS) {
    const aead = provider.aead(id);

    Deno.test(`${p}: ${id} seals and opens records of every size around block and threshold edges`, async () => {
      const key = await aead.importKey(provider.random(aead.keyLength));
      const ad = utf8("record header");
      for (const size of [0, 1, 15, 16, 17, 255, 256, 257, 1000, 5000]) {
        const nonce = provider.random(12);
        const plaintext = provider.random(size);
        const sealed = await key.seal(nonce, plaintext, ad);
        assert.equal(sealed.length, size + 16);
        assert.deepEqual(await key.open(nonce, sealed, ad), plaintext);
      }
      assert.equal(aead.nonceLength, 12);
      assert.equal(aead.tagLength, 16);
    });

    Deno.test(`${p}: ${id} open() rejects any tampered byte of ciphertext, tag, AD or nonce with one message`, async () => {
      const key = await aead.importKey(provider.random(aead.keyLength));
      const nonce = provider.random(12);
      const ad = utf8("header");
      for (const size of [0, 20, 300]) {
        const sealed = await key.seal(nonce, provider.random(size), ad);
        for (let i = 0; i < sealed.length; i += Math.max(1, Math.floor(sealed.length / 40))) {
          await rejectsAead(key.open(nonce, flip(sealed, i, i % 8), ad));
        }
        await rejectsAead(key.open(nonce, flip(sealed, sealed.length - 1, 7), ad)); // last tag bit
        for (let i = 0; i < ad.length; i++) await rejectsAead(key.open(nonce, sealed, flip(ad, i)));
        for (let i = 0; i < 12; i++) await rejectsAead(key.open(flip(nonce, i), sealed, ad));
        await rejectsAead(key.open(nonce, sealed, concatBytes(ad, new Uint8Array(1))));
      }
    });

    Deno.test(`${p}: ${id} open() rejects a truncated record or another key with AeadError`, async () => {
      const key = await aead.importKey(provider.random(aead.keyLength));
      const other = await aead.importKey(provider.random(aead.keyLength));
      const nonce = provider.random(12);
      const sealed = await key.seal(nonce, utf8("hello"), new Uint8Array(0));
      await rejectsAead(key.open(nonce, sealed.subarray(0, 15), new Uint8Array(0)));
      await rejectsAead(key.open(nonce, new Uint8Array(0), new Uint8Array(0)));
      await rejectsAead(key.open(nonce, sealed.subarray(0, sealed.length - 1), new Uint8Array(0)));
      await rejectsAead(other.open(nonce, sealed, new Uint8Array(0)));
    });

    Deno.test(`${p}: ${id} throws RangeError/TypeError for a wrong key, nonce or argument type`, async () => {
      await assert.rejects(aead.importKey(new Uint8Array(aead.keyLength - 1)), RangeError);
      await assert.rejects(aead.importKey("key" as never), TypeError);
      const key = await aead.importKey(provider.random(aead.keyLength));
      await assert.rejects(key.seal(new Uint8Array(8), new Uint8Array(1), new Uint8Array(0)), RangeError);
      await assert.rejects(key.open(new Uint8Array(16), new Uint8Array(32), new Uint8Array(0)), RangeError);
      await assert.rejects(key.seal(new Uint8Array(12), [1] as never, new Uint8Array(0)), TypeError);
      await assert.rejects(key.seal(new Uint8Array(12), new Uint8Array(1), "ad" as never), TypeError);
    });

    Deno.test(`${p}: ${id} importKey() copies the key, so later changes to the caller's array do not apply`, async () => {
      const raw = provider.random(aead.keyLength);
      const key = await aead.importKey(raw);
      const nonce = new Uint8Array(12);
      const before = await key.seal(nonce, utf8("x"), new Uint8Array(0));
      raw.fill(0);
      assert.deepEqual(await key.seal(nonce, utf8("x"), new Uint8Array(0)), before);
    });
  }

  // --- key exchange -------------------------------------------------------------------------------

  for (const [id, group] of KEXES) {
    const kex = () => provider.kex(id, group);
    const [clientLength, serverLength, secretLength] = SHARE_LENGTHS[id];

    Deno.test(`${p}: ${id} client and server agree on a secret of the specified sizes`, async () => {
      const client = await kex().start();
      const server = await kex().respond(client.share);
      const secret = await client.finish(server.share);
      assert.equal(client.share.length, clientLength);
      assert.equal(server.share.length, serverLength);
      assert.equal(secret.length, secretLength);
      assert.deepEqual(secret, server.sharedSecret);
      assert.equal(kex().id, id);
    });

    Deno.test(`${p}: ${id} is deterministic with a seeded RandomSource and fresh without one`, async () => {
      const run = async (seed: string) => {
        const client = await kex().start(seededRandom(`${seed}/client`));
        const server = await kex().respond(client.share, seededRandom(`${seed}/server`));
        return { client: client.share, server: server.share, secret: await client.finish(server.share) };
      };
      assert.deepEqual(await run("a"), await run("a"));
      assert.notDeepEqual((await run("a")).secret, (await run("b")).secret);
      assert.notDeepEqual((await kex().start()).share, (await kex().start()).share);
    });

    Deno.test(`${p}: ${id} finish() refuses to run twice: the ephemeral secret is single-use`, async () => {
      const client = await kex().start();
      const server = await kex().respond(client.share);
      await client.finish(server.share);
      await assert.rejects(client.finish(server.share), /Cannot finish a key exchange twice/);
    });

    Deno.test(`${p}: ${id} rejects peer shares of the wrong length with KexError on both sides`, async () => {
      for (const length of [0, clientLength - 1, clientLength + 1]) {
        await assert.rejects(kex().respond(new Uint8Array(length)), KexError);
      }
      for (const length of [0, serverLength - 1, serverLength + 1]) {
        const client = await kex().start();
        await assert.rejects(client.finish(new Uint8Array(length)), KexError);
      }
    });

    Deno.test(`${p}: ${id} throws a TypeError for a share that is not a Uint8Array`, async () => {
      await assert.rejects(kex().respond("share" as never), TypeError);
    });
  }

  Deno.test(`${p}: x25519 rejects low-order and all-zero shares with "X25519 share is a low-order point"`, async () => {
    const lowOrder = [
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
      // Non-canonical encodings of 0 and 1 (p and p+1) and with the masked top bit set.
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "0000000000000000000000000000000000000000000000000000000000000080",
    ];
    for (const share of lowOrder) {
      const message = "X25519 share is a low-order point";
      await assert.rejects(provider.kex("x25519").respond(fromHex(share)), new KexError(message));
      const client = await provider.kex("x25519").start();
      await assert.rejects(client.finish(fromHex(share)), new KexError(message));
    }
  });

  Deno.test(`${p}: p256 rejects compressed, infinity and off-curve shares with precise KexErrors`, async () => {
    const publicKey = p256.getPublicKey(p256.utils.randomSecretKey(), false);
    const compressed = p256.getPublicKey(p256.utils.randomSecretKey(), true);
    const uncompressedMessage = "P-256 share must be an uncompressed point (65 bytes starting 0x04)";
    await assert.rejects(provider.kex("p256").respond(compressed), new KexError(uncompressedMessage));
    await assert.rejects(provider.kex("p256").respond(new Uint8Array([0])), new KexError(uncompressedMessage));
    await assert.rejects(
      provider.kex("p256").respond(concatBytes(new Uint8Array([0x05]), publicKey.subarray(1))),
      new KexError(uncompressedMessage),
    );
    const offCurve = flip(publicKey, 64);
    await assert.rejects(provider.kex("p256").respond(offCurve), new KexError("P-256 share is not on the curve"));
    const client = await provider.kex("p256").start();
    await assert.rejects(client.finish(offCurve), new KexError("P-256 share is not on the curve"));
    // x = p (not a field element) with a y that would satisfy the equation for x = 0 mod p.
    const xIsP = fromHex(
      "04ffffffff00000001000000000000000000000000ffffffffffffffffffffffff" +
        "99b7a386f1d07c29dbcc42a27b5f9449abe3d50de25178e8d7407a95e8b06c0b",
    );
    await assert.rejects(provider.kex("p256").respond(xIsP), KexError);
  });

  Deno.test(`${p}: x25519-mlkem768 rejects a bad X25519 half before doing any ML-KEM work`, async () => {
    const client = await provider.kex("x25519-mlkem768").start();
    const bad = concatBytes(client.share.subarray(0, 1184), new Uint8Array(32));
    await assert.rejects(
      provider.kex("x25519-mlkem768").respond(bad),
      new KexError("X25519 share is a low-order point"),
    );
  });

  // --- signatures ---------------------------------------------------------------------------------

  for (const id of SIG_IDS) {
    const scheme = () => provider.signature(id);
    const [secretLength, publicLength] = id === "ed25519" ? [32, 32] : [32, 65];

    Deno.test(`${p}: ${id} signs and verifies, with the specified key and signature sizes`, async () => {
      const { secretKey, publicKey } = scheme().generateKeyPair();
      assert.equal(secretKey.length, secretLength);
      assert.equal(publicKey.length, publicLength);
      const message = utf8("transcript hash");
      const signature = await scheme().sign(secretKey, message);
      assert.equal(signature.length, 64);
      assert.equal(await scheme().verify(publicKey, message, signature), true);
      assert.equal(scheme().id, id);
    });

    Deno.test(`${p}: ${id} signing is deterministic (RFC 8032 / RFC 6979)`, async () => {
      const { secretKey } = scheme().generateKeyPair();
      const message = utf8("same input");
      assert.deepEqual(await scheme().sign(secretKey, message), await scheme().sign(secretKey, message));
    });

    Deno.test(`${p}: ${id} generateKeyPair() derives the key from a seeded RandomSource`, () => {
      const a = scheme().generateKeyPair(seededRandom("key"));
      const b = scheme().generateKeyPair(seededRandom("key"));
      assert.deepEqual(a, b);
      assert.notDeepEqual(a.publicKey, scheme().generateKeyPair(seededRandom("other")).publicKey);
    });

    Deno.test(`${p}: ${id} verify() is false for a changed message, signature or key`, async () => {
      const { secretKey, publicKey } = scheme().generateKeyPair();
      const other = scheme().generateKeyPair().publicKey;
      const message = utf8("hello");
      const signature = await scheme().sign(secretKey, message);
      assert.equal(await scheme().verify(publicKey, utf8("hellp"), signature), false);
      assert.equal(await scheme().verify(other, message, signature), false);
      for (const index of [0, 31, 32, 63]) {
        assert.equal(await scheme().verify(publicKey, message, flip(signature, index)), false);
      }
    });

    Deno.test(`${p}: ${id} verify() returns false, never throws, for malformed inputs`, async () => {
      const { secretKey, publicKey } = scheme().generateKeyPair();
      const message = utf8("hello");
      const signature = await scheme().sign(secretKey, message);
      const cases: [unknown, unknown, unknown][] = [
        [publicKey, message, signature.subarray(0, 63)],
        [publicKey, message, concatBytes(signature, new Uint8Array(1))],
        [publicKey, message, new Uint8Array(0)],
        [publicKey.subarray(1), message, signature],
        [new Uint8Array(publicKey.length), message, signature],
        [publicKey, "hello", signature],
        [null, message, signature],
        [publicKey, message, undefined],
      ];
      for (const [key, msg, sig] of cases) {
        assert.equal(await scheme().verify(key as never, msg as never, sig as never), false);
      }
    });

    Deno.test(`${p}: ${id} sign() throws for a secret key of the wrong length or type`, async () => {
      await assert.rejects(scheme().sign(new Uint8Array(31), utf8("m")), RangeError);
      await assert.rejects(scheme().sign("key" as never, utf8("m")), TypeError);
      await assert.rejects(scheme().sign(new Uint8Array(32).fill(1), "m" as never), TypeError);
    });
  }

  Deno.test(`${p}: ed25519 verify() refuses a non-canonical S (S + L) that verifies mod L`, async () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const { secretKey, publicKey } = provider.signature("ed25519").generateKeyPair();
    const message = utf8("malleable?");
    const signature = await provider.signature("ed25519").sign(secretKey, message);
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i]);
    const malleated = signature.slice();
    let sPlusL = s + L; // still < 2^253: fits the 32-byte field
    for (let i = 32; i < 64; i++, sPlusL >>= 8n) malleated[i] = Number(sPlusL & 0xffn);
    assert.equal(await provider.signature("ed25519").verify(publicKey, message, signature), true);
    assert.equal(await provider.signature("ed25519").verify(publicKey, message, malleated), false);
  });

  Deno.test(`${p}: ed25519 verify() refuses a small-order public key`, async () => {
    // The identity point (y = 1) with S = 0 and R = identity satisfies the equation for any message.
    const identity = fromHex("0100000000000000000000000000000000000000000000000000000000000000");
    const signature = concatBytes(identity, new Uint8Array(32));
    assert.equal(await provider.signature("ed25519").verify(identity, utf8("any"), signature), false);
  });

  Deno.test(`${p}: ecdsa-p256 verify() accepts the high-S twin (r, n-s) as standard ECDSA does`, async () => {
    const n = p256.Point.CURVE().n;
    const { secretKey, publicKey } = provider.signature("ecdsa-p256").generateKeyPair();
    const message = utf8("either s");
    const signature = await provider.signature("ecdsa-p256").sign(secretKey, message);
    const s = BigInt("0x" + hex(signature.subarray(32)));
    const twin = concatBytes(signature.subarray(0, 32), fromHex((n - s).toString(16).padStart(64, "0")));
    assert.equal(await provider.signature("ecdsa-p256").verify(publicKey, message, twin), true);
  });

  Deno.test(`${p}: ecdsa-p256 verify() is false for r or s equal to 0 or n`, async () => {
    const n = fromHex(p256.Point.CURVE().n.toString(16));
    const { publicKey } = provider.signature("ecdsa-p256").generateKeyPair();
    const one = fromHex("00".repeat(31) + "01");
    for (const signature of [concatBytes(new Uint8Array(32), one), concatBytes(one, n), concatBytes(n, one)]) {
      assert.equal(await provider.signature("ecdsa-p256").verify(publicKey, utf8("m"), signature), false);
    }
  });

  Deno.test(`${p}: ecdsa-p256 sign() refuses a zero or too-large scalar with RangeError`, async () => {
    await assert.rejects(provider.signature("ecdsa-p256").sign(new Uint8Array(32), utf8("m")), RangeError);
    await assert.rejects(provider.signature("ecdsa-p256").sign(new Uint8Array(32).fill(0xff), utf8("m")), RangeError);
  });
}

// --- interop between providers ---------------------------------------------------------------------

const [noble, web] = PROVIDERS;
const pairs: [CryptoProvider, CryptoProvider][] = [[noble, web], [web, noble]];

for (const [a, b] of pairs) {
  for (const [id, group] of KEXES) {
    Deno.test(`interop: ${id} ${a.name} client with ${b.name} server agree`, async () => {
      const client = await a.kex(id, group).start();
      const server = await b.kex(id, group).respond(client.share);
      assert.deepEqual(await client.finish(server.share), server.sharedSecret);
    });
  }

  for (const id of AEAD_IDS) {
    Deno.test(`interop: ${id} records sealed by ${a.name} open with ${b.name}`, async () => {
      const raw = a.random(a.aead(id).keyLength);
      const sealer = await a.aead(id).importKey(raw);
      const opener = await b.aead(id).importKey(raw);
      for (const size of [0, 100, 255, 256, 4096]) {
        const nonce = a.random(12);
        const plaintext = a.random(size);
        const sealed = await sealer.seal(nonce, plaintext, utf8("ad"));
        assert.deepEqual(await opener.open(nonce, sealed, utf8("ad")), plaintext);
      }
    });
  }

  for (const id of SIG_IDS) {
    Deno.test(`interop: ${id} signatures by ${a.name} verify with ${b.name} and are byte-identical`, async () => {
      const { secretKey, publicKey } = a.signature(id).generateKeyPair();
      for (const message of [new Uint8Array(0), utf8("hello"), a.random(1000)]) {
        const signature = await a.signature(id).sign(secretKey, message);
        assert.equal(await b.signature(id).verify(publicKey, message, signature), true);
        assert.deepEqual(await b.signature(id).sign(secretKey, message), signature);
      }
    });
  }
}
