// Finds, once, which algorithms a SubtleCrypto implements correctly, by running a known answer for each.

import { fromHex } from "../../bytes/mod.ts";
import { probeMlKem768 } from "./_webcrypto_mlkem.ts";

/** What a SubtleCrypto was found to support; everything else falls back to noble. */
export interface WebCryptoSupport {
  /** AES-GCM with 128- and 256-bit keys (SP 800-38D). */
  readonly aesGcm: boolean;
  /** X25519 key agreement (RFC 7748). */
  readonly x25519: boolean;
  /** Ed25519 signing and verification (RFC 8032), passing the RFC's TEST 1. */
  readonly ed25519: boolean;
  /** ECDSA P-256 signing that is RFC 6979 deterministic (browsers may randomise k; then noble signs). */
  readonly ecdsaP256Sign: boolean;
  /** ECDSA P-256 verification, passing RFC 6979 §A.2.5. */
  readonly ecdsaP256Verify: boolean;
  /** ECDH on P-256. */
  readonly ecdhP256: boolean;
  /** ML-KEM-768 (FIPS 203), agreeing with noble both ways (`_webcrypto_mlkem.ts`). */
  readonly mlKem768: boolean;
}

/** Nothing supported: the answer when there is no SubtleCrypto at all. */
export const NO_WEBCRYPTO: WebCryptoSupport = Object.freeze({
  aesGcm: false,
  x25519: false,
  ed25519: false,
  ecdsaP256Sign: false,
  ecdsaP256Verify: false,
  ecdhP256: false,
  mlKem768: false,
});

/** PKCS #8 prefix of an Ed25519 private key (RFC 8410 §7): the 32-byte seed follows. */
export const ED25519_PKCS8_PREFIX = fromHex("302e020100300506032b657004220420");
/**
 * PKCS #8 prefix of a P-256 private key without its optional public key (RFC 5915 §3 inside
 * RFC 5208 §5, curve named in the AlgorithmIdentifier per RFC 5480 §2.1.1): the 32-byte scalar follows.
 */
export const P256_PKCS8_PREFIX = fromHex(
  "3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420",
);

// Known answers. AES-GCM: NIST GCM spec (McGrew-Viega) test cases 1 and 13: zero key, zero IV, empty input.
const GCM_128_TAG = "58e2fccefa7e3061367f1d57a4e7455a";
const GCM_256_TAG = "530f8afbc74536b9a963b4f1c4cb738b";
// RFC 8032 §7.1 TEST 1.
const ED_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const ED_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const ED_SIGNATURE =
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
// RFC 6979 §A.2.5, P-256 with SHA-256, message "sample".
const ECDSA_KEY = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
const ECDSA_PUBLIC = "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6" +
  "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
const ECDSA_SIGNATURE = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716" +
  "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";

function sameBytes(a: ArrayBuffer, expectedHex: string): boolean {
  const bytes = new Uint8Array(a);
  const expected = fromHex(expectedHex);
  return bytes.length === expected.length && bytes.every((byte, i) => byte === expected[i]);
}

function withPrefix(prefix: Uint8Array, keyHex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(prefix.length + 32);
  out.set(prefix);
  out.set(fromHex(keyHex), prefix.length);
  return out;
}

/** Runs `probe`; any rejection or wrong answer means "unsupported". */
async function attempt(probe: () => Promise<boolean>): Promise<boolean> {
  try {
    return await probe();
  } catch {
    // A rejection is the platform saying "not supported" (NotSupportedError and friends): noble takes over.
    return false;
  }
}

async function probeAesGcm(subtle: SubtleCrypto): Promise<boolean> {
  for (const [length, tag] of [[16, GCM_128_TAG], [32, GCM_256_TAG]] as const) {
    const key = await subtle.importKey("raw", new Uint8Array(length), "AES-GCM", false, ["encrypt", "decrypt"]);
    const sealed = await subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, key, new Uint8Array(0));
    if (!sameBytes(sealed, tag)) return false;
  }
  return true;
}

async function probeEcdh(subtle: SubtleCrypto, algorithm: EcKeyGenParams | Algorithm, bits: number) {
  const pair = await subtle.generateKey(algorithm, false, ["deriveBits"]) as CryptoKeyPair;
  const raw = await subtle.exportKey("raw", pair.publicKey);
  const peer = await subtle.importKey("raw", raw, algorithm, true, []);
  const secret = await subtle.deriveBits(
    { name: algorithm.name, public: peer } as EcdhKeyDeriveParams,
    pair.privateKey,
    bits,
  );
  return secret.byteLength === bits / 8;
}

async function probeEd25519(subtle: SubtleCrypto): Promise<boolean> {
  const key = await subtle.importKey("pkcs8", withPrefix(ED25519_PKCS8_PREFIX, ED_SEED), "Ed25519", false, ["sign"]);
  const signature = await subtle.sign("Ed25519", key, new Uint8Array(0));
  const publicKey = await subtle.importKey("raw", fromHex(ED_PUBLIC) as Uint8Array<ArrayBuffer>, "Ed25519", false, [
    "verify",
  ]);
  return sameBytes(signature, ED_SIGNATURE) &&
    await subtle.verify("Ed25519", publicKey, signature, new Uint8Array(0));
}

const ECDSA = { name: "ECDSA", namedCurve: "P-256" } as const;
const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" } as const;
const SAMPLE = new TextEncoder().encode("sample");

async function probeEcdsaVerify(subtle: SubtleCrypto): Promise<boolean> {
  const publicKey = await subtle.importKey("raw", fromHex(ECDSA_PUBLIC) as Uint8Array<ArrayBuffer>, ECDSA, false, [
    "verify",
  ]);
  const good = fromHex(ECDSA_SIGNATURE) as Uint8Array<ArrayBuffer>;
  const bad = good.slice();
  bad[63] ^= 1;
  return await subtle.verify(ECDSA_SHA256, publicKey, good, SAMPLE) &&
    !await subtle.verify(ECDSA_SHA256, publicKey, bad, SAMPLE);
}

async function probeEcdsaSign(subtle: SubtleCrypto): Promise<boolean> {
  const key = await subtle.importKey("pkcs8", withPrefix(P256_PKCS8_PREFIX, ECDSA_KEY), ECDSA, false, ["sign"]);
  return sameBytes(await subtle.sign(ECDSA_SHA256, key, SAMPLE), ECDSA_SIGNATURE);
}

/**
 * Probes `subtle` for each algorithm the providers can hand to it. Each probe is a known-answer test
 * where the answer is deterministic, so a platform that computes something else is not trusted.
 */
export async function probeWebCrypto(subtle: SubtleCrypto): Promise<WebCryptoSupport> {
  const [aesGcm, x25519, ed25519, ecdsaP256Sign, ecdsaP256Verify, ecdhP256, mlKem768] = await Promise.all([
    attempt(() => probeAesGcm(subtle)),
    attempt(() => probeEcdh(subtle, { name: "X25519" }, 256)),
    attempt(() => probeEd25519(subtle)),
    attempt(() => probeEcdsaSign(subtle)),
    attempt(() => probeEcdsaVerify(subtle)),
    attempt(() => probeEcdh(subtle, { name: "ECDH", namedCurve: "P-256" }, 256)),
    attempt(() => probeMlKem768(subtle)),
  ]);
  return Object.freeze({ aesGcm, x25519, ed25519, ecdsaP256Sign, ecdsaP256Verify, ecdhP256, mlKem768 });
}
