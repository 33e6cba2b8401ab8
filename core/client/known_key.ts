// The server key a client trusted last time, remembered per server, so a page served with another key is refused until
// the user accepts it: without this a reload would pin whatever key the (possibly impostor) server writes into the page.

/** Where the trusted key is kept: `localStorage` in a browser, any map elsewhere. */
export interface KnownKeyStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The storage key the trusted fingerprint of `server` lives under. */
export const knownKeyName = (server: string): string => `mimi.serverKey:${server}`;

/** What {@link checkKnownKey} found. */
export type KnownKeyCheck =
  /** No key was trusted for this server yet: trust on first use, once the connection opens. */
  | { state: "first" }
  /** The key is the one trusted. */
  | { state: "same" }
  /** Another key was trusted: refuse until the user, having checked, accepts the new one. */
  | { state: "changed"; trusted: string; presented: string };

/**
 * Compares the key a server presents (or the page was served with) with the one trusted for it.
 *
 * @param storage Where trusted keys are kept.
 * @param server Which server (the page's origin).
 * @param fingerprint The key's fingerprint now.
 * @returns First use, the same key, or a changed one with both fingerprints.
 *
 * @example
 * ```ts
 * import { checkKnownKey, trustKey } from "./known_key.ts";
 * const storage = new Map<string, string>();
 * const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v) };
 * trustKey(store, "https://chat.example", "SHA256:a");
 * checkKnownKey(store, "https://chat.example", "SHA256:b").state; // "changed"
 * ```
 */
export function checkKnownKey(storage: KnownKeyStorage, server: string, fingerprint: string): KnownKeyCheck {
  const trusted = storage.getItem(knownKeyName(server));
  if (trusted === null || trusted === "") return { state: "first" };
  return trusted === fingerprint ? { state: "same" } : { state: "changed", trusted, presented: fingerprint };
}

/**
 * Trusts `fingerprint` for `server` from now on: after a first connection, or once the user accepted a changed key.
 *
 * @throws {TypeError} If the fingerprint is empty.
 */
export function trustKey(storage: KnownKeyStorage, server: string, fingerprint: string): void {
  if (typeof fingerprint !== "string" || fingerprint === "") {
    throw new TypeError("Cannot trust a server key: the fingerprint is empty");
  }
  storage.setItem(knownKeyName(server), fingerprint);
}
