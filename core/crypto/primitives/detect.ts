// Picks the best provider the runtime allows: WebCrypto where crypto.subtle exists, noble elsewhere.

import type { CryptoProvider } from "./types.ts";
import { type NativePrimitives, webCryptoProvider } from "./webcrypto.ts";

/**
 * Tells whether `crypto.subtle` exists. It does not in a page served over plain http from another
 * machine (not a secure context), which is a supported way to run Mimi on a LAN.
 *
 * @returns `true` if `globalThis.crypto.subtle` is present.
 *
 * @example
 * ```ts
 * import { isSecureCryptoAvailable } from "./mod.ts";
 *
 * if (!isSecureCryptoAvailable()) console.warn("No crypto.subtle here: every primitive will run on noble");
 * ```
 */
export function isSecureCryptoAvailable(): boolean {
  const subtle = globalThis.crypto?.subtle;
  return subtle !== undefined && subtle !== null && typeof subtle.importKey === "function";
}

/**
 * Returns `webCryptoProvider()` when `crypto.subtle` exists, else `nobleProvider` (loaded only then). Call it
 * once at start-up: the WebCrypto provider probes the platform when it is created.
 *
 * @param native Faster primitives of the runtime to use instead of WebCrypto's (the server's `node:crypto`).
 * @returns The provider to hand to the handshake and record layer.
 *
 * @example
 * ```ts
 * import { detectProvider } from "./mod.ts";
 *
 * const provider = await detectProvider();
 * console.log(provider.name); // e.g. webcrypto(aesGcm,x25519,ed25519,ecdsaP256Sign,ecdsaP256Verify,ecdhP256)
 * ```
 */
export async function detectProvider(native: NativePrimitives = {}): Promise<CryptoProvider> {
  if (isSecureCryptoAvailable()) return await webCryptoProvider(globalThis.crypto.subtle, native);
  // Imported here, not above: a bundler then puts the all-noble provider in a chunk of its own, which a browser with
  // WebCrypto never loads.
  return (await import("./noble.ts")).nobleProvider;
}
