// The resume proof: a device key's signature binding a `resume` to one secure channel (design: remembered devices).

import { resumeMessage } from "../crypto/resume_binding.ts";

// The message and the server's check live in core/crypto beside the login binding; re-exported for clients.
export { resumeMessage, verifyResumeProof } from "../crypto/resume_binding.ts";

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
