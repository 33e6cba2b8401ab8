// Cipher-suite identifiers, preference lists and negotiation (PROTOCOL.md §8).

import type { AeadId, HashId, KexId, SigId } from "./primitives/types.ts";

/** Every algorithm Mimi implements, per category, in the default preference order. */
export const ALGORITHMS = {
  kex: ["x25519-mlkem768", "x25519", "p256", "ffdhe"] as readonly KexId[],
  aead: ["aes-256-gcm", "chacha20-poly1305", "aes-128-gcm"] as readonly AeadId[],
  hash: ["sha256", "sha384"] as readonly HashId[],
  sig: ["ed25519", "ecdsa-p256"] as readonly SigId[],
} as const;

/** A category of suite parameter. */
export type SuitePart = keyof typeof ALGORITHMS;

/** Preference lists, most preferred first: what a client offers or a server accepts. */
export interface SuitePreferences {
  kex: readonly KexId[];
  aead: readonly AeadId[];
  hash: readonly HashId[];
  sig: readonly SigId[];
}

/** One negotiated choice per category. */
export interface Suite {
  kex: KexId;
  aead: AeadId;
  hash: HashId;
  sig: SigId;
}

/** The default preferences: every algorithm, in the order of {@link ALGORITHMS}. */
export const DEFAULT_PREFERENCES: SuitePreferences = ALGORITHMS;

/**
 * Picks, per category, the server's most preferred algorithm that the client
 * offered (the server's policy wins; the client restricts by what it offers).
 *
 * @param offer The client's offer.
 * @param accept The server's preferences.
 * @returns The suite, or the first category with nothing in common.
 *
 * @example
 * ```ts
 * import { negotiate } from "./suites.ts";
 * negotiate(
 *   { kex: ["p256", "x25519"], aead: ["aes-128-gcm"], hash: ["sha256"], sig: ["ed25519"] },
 *   { kex: ["x25519", "p256"], aead: ["aes-256-gcm", "aes-128-gcm"], hash: ["sha384", "sha256"], sig: ["ed25519"] },
 * ); // { ok: true, suite: { kex: "x25519", aead: "aes-128-gcm", hash: "sha256", sig: "ed25519" } }
 * ```
 */
export function negotiate(
  offer: SuitePreferences,
  accept: SuitePreferences,
): { ok: true; suite: Suite } | { ok: false; part: SuitePart } {
  const pick = <T extends string>(offered: readonly T[], accepted: readonly T[]) =>
    accepted.find((id) => offered.includes(id));
  const kex = pick(offer.kex, accept.kex);
  if (!kex) return { ok: false, part: "kex" };
  const aead = pick(offer.aead, accept.aead);
  if (!aead) return { ok: false, part: "aead" };
  const hash = pick(offer.hash, accept.hash);
  if (!hash) return { ok: false, part: "hash" };
  const sig = pick(offer.sig, accept.sig);
  if (!sig) return { ok: false, part: "sig" };
  return { ok: true, suite: { kex, aead, hash, sig } };
}

/**
 * Formats a suite for logs and the terminal, e.g. `x25519/aes-256-gcm/sha256/ed25519`.
 *
 * @param suite The negotiated suite.
 * @returns The suite's parts joined by slashes.
 */
export function suiteName(suite: Suite): string {
  return `${suite.kex}/${suite.aead}/${suite.hash}/${suite.sig}`;
}

/**
 * Tells whether `id` names an algorithm of category `part`.
 *
 * @param part The category.
 * @param id A string from the wire or the config.
 * @returns Whether Mimi implements it.
 */
export function isAlgorithm(part: SuitePart, id: string): boolean {
  return (ALGORITHMS[part] as readonly string[]).includes(id);
}
