// The resume proof that binds a remembered device's signature to one secure channel (PROTOCOL.md §10.9).

import { p256 } from "@noble/curves/nist.js";
import { concatBytes, utf8 } from "../bytes/mod.ts";
import { nobleEcdsaP256 } from "./primitives/_ecdsa.ts";
import type { CryptoProvider } from "./primitives/types.ts";

const LABEL = utf8("mimi/1 resume");

/**
 * What a resume proof signs: `utf8("mimi/1 resume") ‖ exporter`. The exporter differs on every channel
 * (PROTOCOL.md §7.4), so a proof relayed from another connection does not verify on this one.
 *
 * @param exporter The secure channel's exporter secret.
 * @returns The message to sign.
 * @throws {TypeError} If `exporter` is not a non-empty `Uint8Array`.
 *
 * @example
 * ```ts
 * import { resumeMessage } from "./resume_binding.ts";
 * resumeMessage(new Uint8Array(32)).length; // 13 + 32
 * ```
 */
export function resumeMessage(exporter: Uint8Array): Uint8Array {
  if (!(exporter instanceof Uint8Array) || exporter.length === 0) {
    throw new TypeError("Cannot make a resume proof: the channel's exporter is missing");
  }
  return concatBytes(LABEL, exporter);
}

/**
 * Checks a resume proof as the server does: with the crypto provider's `ecdsa-p256` scheme, which accepts exactly
 * what WebCrypto makes (prehash SHA-256, IEEE P1363 `r ‖ s`).
 *
 * @param publicKey The device's stored public key (65 bytes).
 * @param exporter This channel's exporter secret.
 * @param proof The proof from `resume`.
 * @param provider The crypto provider; default the noble one.
 * @returns Whether the proof is valid; `false`, never a throw, for malformed input.
 *
 * @example
 * ```ts
 * import { nobleEcdsaP256 } from "./primitives/_ecdsa.ts";
 * import { resumeMessage, verifyResumeProof } from "./resume_binding.ts";
 * const ecdsa = nobleProvider.signature("ecdsa-p256");
 * const { secretKey, publicKey } = ecdsa.generateKeyPair();
 * const exporter = new Uint8Array(32).fill(1);
 * const proof = await ecdsa.sign(secretKey, resumeMessage(exporter));
 * await verifyResumeProof(publicKey, exporter, proof); // true
 * ```
 */
export async function verifyResumeProof(
  publicKey: Uint8Array,
  exporter: Uint8Array,
  proof: Uint8Array,
  provider?: CryptoProvider,
): Promise<boolean> {
  if (!(exporter instanceof Uint8Array) || exporter.length === 0) return false;
  const ecdsa = provider?.signature("ecdsa-p256") ?? nobleEcdsaP256;
  return await ecdsa.verify(publicKey, resumeMessage(exporter), proof);
}

/**
 * Whether `key` can be a device's public key: an uncompressed SEC1 P-256 point (65 bytes, `04 ‖ X ‖ Y`) that lies on
 * the curve (SP 800-56A §5.6.2.3.3 full public-key validation). The server checks it before remembering a device, so
 * a key no proof could ever verify against is refused at once.
 *
 * @param key The `publicKey` a client sent.
 * @returns Whether it is a valid P-256 public key.
 *
 * @example
 * ```ts
 * import { isDevicePublicKey } from "./resume_binding.ts";
 * isDevicePublicKey(new Uint8Array(65).fill(4)); // false: not on the curve
 * ```
 */
export function isDevicePublicKey(key: Uint8Array): boolean {
  if (!(key instanceof Uint8Array) || key.length !== 65 || key[0] !== 0x04) return false;
  try {
    // noble's fromBytes checks the coordinates are below p and the point is on the curve (assertValidity).
    p256.Point.fromBytes(key);
    return true;
  } catch {
    // fromBytes throws exactly for a point that is not valid: the answer is "no", not an error.
    return false;
  }
}
