// Ed25519 and ECDSA P-256 signing and verification on WebCrypto, behind the same checks as noble.

import type { SignatureScheme } from "./types.ts";
import { bufferSource, wipe } from "./_util.ts";
import { checkEd25519SignArgs, ed25519KeyPair, ed25519Precheck, nobleEd25519 } from "./_ed25519.ts";
import { checkEcdsaSignArgs, ecdsaKeyPair, ecdsaPrecheck, nobleEcdsaP256 } from "./_ecdsa.ts";
import { ED25519_PKCS8_PREFIX, P256_PKCS8_PREFIX } from "./_webcrypto_probe.ts";
import { concatBytes } from "../../bytes/mod.ts";

const ECDSA = { name: "ECDSA", namedCurve: "P-256" } as const;
const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" } as const;

interface Scheme {
  algorithm: Algorithm | EcKeyImportParams;
  signParams: Algorithm | EcdsaParams;
  pkcs8Prefix: Uint8Array;
  checkSign(secretKey: Uint8Array, message: Uint8Array): void;
  precheck(publicKey: Uint8Array, signature: Uint8Array): boolean;
}

function importSecret(subtle: SubtleCrypto, scheme: Scheme, secretKey: Uint8Array): Promise<CryptoKey> {
  const pkcs8 = concatBytes(scheme.pkcs8Prefix, secretKey) as Uint8Array<ArrayBuffer>;
  return subtle.importKey("pkcs8", pkcs8, scheme.algorithm, false, ["sign"]).finally(() => wipe(pkcs8));
}

function webSign(subtle: SubtleCrypto, scheme: Scheme) {
  return async (secretKey: Uint8Array, message: Uint8Array): Promise<Uint8Array> => {
    scheme.checkSign(secretKey, message);
    const key = await importSecret(subtle, scheme, secretKey);
    return new Uint8Array(await subtle.sign(scheme.signParams, key, bufferSource(message)));
  };
}

function webVerify(subtle: SubtleCrypto, scheme: Scheme) {
  return async (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> => {
    // The noble prechecks make WebCrypto refuse exactly the encodings the noble path refuses.
    if (!(message instanceof Uint8Array) || !scheme.precheck(publicKey, signature)) return false;
    try {
      const key = await subtle.importKey("raw", bufferSource(publicKey), scheme.algorithm, false, ["verify"]);
      return await subtle.verify(scheme.signParams, key, bufferSource(signature), bufferSource(message));
    } catch {
      // The interface promises false, never a throw, for any bad input.
      return false;
    }
  };
}

const ED25519: Scheme = {
  algorithm: { name: "Ed25519" },
  signParams: { name: "Ed25519" },
  pkcs8Prefix: ED25519_PKCS8_PREFIX,
  checkSign: checkEd25519SignArgs,
  precheck: ed25519Precheck,
};
const ECDSA_P256: Scheme = {
  algorithm: ECDSA,
  signParams: ECDSA_SHA256,
  pkcs8Prefix: P256_PKCS8_PREFIX,
  checkSign: checkEcdsaSignArgs,
  precheck: ecdsaPrecheck,
};

/**
 * Ed25519 on WebCrypto. Key generation stays on noble (the interface is synchronous).
 *
 * Residual difference, by design of RFC 8032 §5.1.7 which allows both: noble checks the cofactored
 * equation [8][S]B = [8]R + [8][k]A, platforms may check the cofactorless one. They disagree only on
 * a signature whose R carries a small-order component, which only the key's owner can make; no
 * honest signer produces one, and the prechecks already align every encoding rule.
 */
export function webCryptoEd25519(subtle: SubtleCrypto, sign: boolean, verify: boolean): SignatureScheme {
  return Object.freeze(
    {
      id: "ed25519",
      generateKeyPair: ed25519KeyPair,
      sign: sign ? webSign(subtle, ED25519) : nobleEd25519.sign,
      verify: verify ? webVerify(subtle, ED25519) : nobleEd25519.verify,
    } as const,
  );
}

/** ECDSA P-256 on WebCrypto: signing only where the probe saw RFC 6979 output, else noble signs. */
export function webCryptoEcdsaP256(subtle: SubtleCrypto, sign: boolean, verify: boolean): SignatureScheme {
  return Object.freeze(
    {
      id: "ecdsa-p256",
      generateKeyPair: ecdsaKeyPair,
      sign: sign ? webSign(subtle, ECDSA_P256) : nobleEcdsaP256.sign,
      verify: verify ? webVerify(subtle, ECDSA_P256) : nobleEcdsaP256.verify,
    } as const,
  );
}
