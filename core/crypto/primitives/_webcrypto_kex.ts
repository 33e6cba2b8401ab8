// X25519 and P-256 ECDH on WebCrypto, with peer shares validated by the same checks as the noble path.

import type { KeyExchange, RandomSource } from "./types.ts";
import { bufferSource, singleUse } from "./_util.ts";
import { checkX25519Secret, checkX25519Share, nobleX25519 } from "./_x25519.ts";
import { checkP256Share, nobleP256 } from "./_p256.ts";

interface Curve {
  id: "x25519" | "p256";
  algorithm: Algorithm | EcKeyGenParams;
  /** Throws KexError for a share the noble path would refuse too. */
  check(share: Uint8Array): void;
  /** Post-derivation check (RFC 7748 §6.1 for X25519). */
  checkSecret(secret: Uint8Array): Uint8Array;
  /** The noble exchange, used whenever a RandomSource is given: WebCrypto cannot take a seed. */
  noble: KeyExchange;
}

const X25519: Curve = {
  id: "x25519",
  algorithm: { name: "X25519" },
  check: checkX25519Share,
  checkSecret: checkX25519Secret,
  noble: nobleX25519,
};
const P256: Curve = {
  id: "p256",
  algorithm: { name: "ECDH", namedCurve: "P-256" },
  check: checkP256Share,
  // SP 800-56A §5.7.1.2: the shared secret is x(P); deriveBits(256) returns exactly that.
  checkSecret: (secret) => secret,
  noble: nobleP256,
};

const CURVES = { x25519: X25519, p256: P256 } as const;

/**
 * Derives the shared secret of `privateKey` (a WebCrypto key) and a peer share, after the same
 * checks as the noble path. Exported for the known-answer tests, which import fixed private keys.
 */
export async function webCryptoDerive(
  subtle: SubtleCrypto,
  id: "x25519" | "p256",
  privateKey: CryptoKey,
  peerShare: Uint8Array,
): Promise<Uint8Array> {
  const curve = CURVES[id];
  // Validate with noble first: platforms differ (Deno imports an off-curve P-256 point without complaint).
  curve.check(peerShare);
  return curve.checkSecret(await deriveFrom(subtle, curve, privateKey, await importShare(subtle, curve, peerShare)));
}

/** Imports a peer share that {@link Curve.check} has passed. */
function importShare(subtle: SubtleCrypto, curve: Curve, peerShare: Uint8Array): Promise<CryptoKey> {
  return subtle.importKey("raw", bufferSource(peerShare), curve.algorithm, true, []);
}

/** The raw shared secret, before {@link Curve.checkSecret}. */
async function deriveFrom(subtle: SubtleCrypto, curve: Curve, privateKey: CryptoKey, peer: CryptoKey) {
  const bits = await subtle.deriveBits(
    { name: curve.algorithm.name, public: peer } as EcdhKeyDeriveParams,
    privateKey,
    256,
  );
  return new Uint8Array(bits);
}

function webCryptoEcdh(subtle: SubtleCrypto, curve: Curve): KeyExchange {
  // The private key is a non-extractable CryptoKey: script never sees it, so there is nothing to wipe.
  const generate = () => subtle.generateKey(curve.algorithm, false, ["deriveBits"]) as Promise<CryptoKeyPair>;
  const exportShare = async (pair: CryptoKeyPair) => new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  const derive = (privateKey: CryptoKey, peerShare: Uint8Array) =>
    webCryptoDerive(subtle, curve.id, privateKey, peerShare);
  return Object.freeze(
    {
      id: curve.id,
      async start(random?: RandomSource) {
        if (random !== undefined) return curve.noble.start(random);
        const pair = await generate();
        return {
          share: await exportShare(pair),
          finish: singleUse((serverShare) => derive(pair.privateKey, serverShare)),
        };
      },
      async respond(clientShare: Uint8Array, random?: RandomSource) {
        if (random !== undefined) return curve.noble.respond(clientShare, random);
        curve.check(clientShare); // before generating anything
        // Four WebCrypto calls, but two rounds of two: each awaited call costs a trip through the event loop, and
        // on the server's handshake path the sequential four cost about 1.5x the CPU of these (bench/README.md).
        const [pair, peer] = await Promise.all([generate(), importShare(subtle, curve, clientShare)]);
        const [share, bits] = await Promise.all([exportShare(pair), deriveFrom(subtle, curve, pair.privateKey, peer)]);
        return { share, sharedSecret: curve.checkSecret(bits) };
      },
    } as const,
  );
}

/** X25519 (RFC 7748) on WebCrypto; with a RandomSource, noble. */
export function webCryptoX25519(subtle: SubtleCrypto): KeyExchange {
  return webCryptoEcdh(subtle, X25519);
}

/** P-256 ECDH on WebCrypto; with a RandomSource, noble. */
export function webCryptoP256(subtle: SubtleCrypto): KeyExchange {
  return webCryptoEcdh(subtle, P256);
}
