// The resume proof: a device key's signature binding a `resume` to one secure channel (design: remembered devices).

import { concatBytes, utf8 } from "../crypto/primitives/bytes.ts";
import { nobleProvider } from "../crypto/primitives/noble.ts";
import type { CryptoProvider } from "../crypto/primitives/types.ts";

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
 * import { resumeMessage } from "./resume_proof.ts";
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
 * The proof sent with `resume`: ECDSA P-256 over SHA-256, IEEE P1363 (`r ‖ s`, 64 bytes), of
 * {@link resumeMessage}.
 *
 * @param sign The device key's `sign` (a `DeviceCredential`'s).
 * @param exporter The secure channel's exporter secret.
 * @returns The 64-byte signature.
 *
 * @example
 * ```ts
 * import { resumeProof } from "./resume_proof.ts";
 * import { MemoryDeviceKeyStore } from "./device_key_memory.ts";
 * const key = await new MemoryDeviceKeyStore().create();
 * (await resumeProof(key.sign, new Uint8Array(32))).length; // 64
 * ```
 */
export async function resumeProof(
  sign: (message: Uint8Array) => Promise<Uint8Array>,
  exporter: Uint8Array,
): Promise<Uint8Array> {
  return await sign(resumeMessage(exporter));
}

/**
 * Checks a resume proof as the server does: with the crypto provider's `ecdsa-p256` scheme, which accepts exactly
 * what WebCrypto makes (prehash SHA-256, compact `r ‖ s`).
 *
 * @param publicKey The device's stored public key (65 bytes).
 * @param exporter This channel's exporter secret.
 * @param proof The proof from `resume`.
 * @param provider The crypto provider; default the noble one.
 * @returns Whether the proof is valid; `false`, never a throw, for malformed input.
 *
 * @example
 * ```ts
 * import { resumeProof, verifyResumeProof } from "./resume_proof.ts";
 * import { MemoryDeviceKeyStore } from "./device_key_memory.ts";
 * const key = await new MemoryDeviceKeyStore().create();
 * const exporter = new Uint8Array(32).fill(1);
 * await verifyResumeProof(key.publicKey, exporter, await resumeProof(key.sign, exporter)); // true
 * ```
 */
export async function verifyResumeProof(
  publicKey: Uint8Array,
  exporter: Uint8Array,
  proof: Uint8Array,
  provider: CryptoProvider = nobleProvider,
): Promise<boolean> {
  if (!(exporter instanceof Uint8Array) || exporter.length === 0) return false;
  return await provider.signature("ecdsa-p256").verify(publicKey, resumeMessage(exporter), proof);
}
