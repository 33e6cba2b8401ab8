// A device key made and used by WebCrypto: ECDSA P-256 whose private half cannot be exported, even by the page.

import { type DeviceKey, DeviceKeyStoreError } from "./device_key.ts";

/** A device key whose private half is a non-extractable WebCrypto key. */
export interface WebCryptoDeviceKey extends DeviceKey {
  /** The signing key, `extractable: false`: IndexedDB can keep it, script cannot read its bytes. */
  readonly privateKey: CryptoKey;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
/** ECDSA over SHA-256; WebCrypto's ECDSA signatures are IEEE P1363 (r ‖ s), which the server expects. */
const SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;

/** The platform's SubtleCrypto, or a clear error where there is none (a page on plain http other than localhost). */
function platformSubtle(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new DeviceKeyStoreError("Cannot make a device key: WebCrypto is not available (not a secure context)");
  }
  return subtle;
}

/**
 * A device key around a stored WebCrypto key.
 *
 * @param privateKey The ECDSA P-256 private key.
 * @param publicKey Its raw public key (65 bytes).
 * @param subtle The SubtleCrypto to sign with; default the platform's.
 * @returns The key.
 * @throws {TypeError} If `privateKey` is not an ECDSA P-256 private key allowed to sign.
 *
 * @example
 * ```ts
 * import { generateWebCryptoDeviceKey, webCryptoDeviceKey } from "./device_key_webcrypto.ts";
 * const made = await generateWebCryptoDeviceKey();
 * const again = webCryptoDeviceKey(made.privateKey, made.publicKey); // as after loading it from storage
 * (await again.sign(new Uint8Array([1]))).length; // 64
 * ```
 */
export function webCryptoDeviceKey(
  privateKey: CryptoKey,
  publicKey: Uint8Array,
  subtle: SubtleCrypto = platformSubtle(),
): WebCryptoDeviceKey {
  const algorithm = privateKey?.algorithm as Partial<EcKeyAlgorithm> | undefined;
  if (
    privateKey?.type !== "private" || algorithm?.name !== "ECDSA" || algorithm.namedCurve !== "P-256" ||
    !privateKey.usages.includes("sign")
  ) {
    throw new TypeError("Cannot use the device key: not an ECDSA P-256 private key for signing");
  }
  return {
    privateKey,
    publicKey,
    async sign(message) {
      // A copy whose buffer is a plain ArrayBuffer, as every WebCrypto implementation accepts.
      return new Uint8Array(await subtle.sign(SIGNING, privateKey, message.slice()));
    },
  };
}

/**
 * A new device key: `generateKey` with `extractable: false` (only the public half can be exported), the public key
 * exported raw (SEC1 uncompressed, 65 bytes).
 *
 * @param subtle The SubtleCrypto to use; default the platform's.
 * @returns The key.
 * @throws {DeviceKeyStoreError} Where WebCrypto is not available (with `cause` when generation itself failed).
 *
 * @example
 * ```ts
 * import { generateWebCryptoDeviceKey } from "./device_key_webcrypto.ts";
 * const key = await generateWebCryptoDeviceKey();
 * key.privateKey.extractable; // false
 * key.publicKey.length; // 65
 * ```
 */
export async function generateWebCryptoDeviceKey(
  subtle: SubtleCrypto = platformSubtle(),
): Promise<WebCryptoDeviceKey> {
  let pair: CryptoKeyPair;
  let raw: ArrayBuffer;
  try {
    pair = await subtle.generateKey(ALGORITHM, false, ["sign", "verify"]) as CryptoKeyPair;
    raw = await subtle.exportKey("raw", pair.publicKey);
  } catch (error) {
    throw new DeviceKeyStoreError("Cannot make a device key: WebCrypto refused", { cause: error });
  }
  return webCryptoDeviceKey(pair.privateKey, new Uint8Array(raw), subtle);
}
