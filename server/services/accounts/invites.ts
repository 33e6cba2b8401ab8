// Invite codes: made at random, shown once, stored only as SHA-256 hashes (PROTOCOL.md §10.2).

import { sha256 } from "@noble/hashes/sha2.js";
import { utf8 } from "../../../core/bytes/mod.ts";
import type { Store } from "../../store/types.ts";

/** Random bytes in a code: 160 bits, written as 32 base32 characters. */
const CODE_BYTES = 20;
/** RFC 4648 §6 base32, in lower case: no 0, 1, 8 or 9, so a code read aloud or copied by hand survives. */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const CODE_PATTERN = /^[a-z2-7]{32}$/;

/** How long a code works unless `mimi invite --days N` says otherwise. */
export const DEFAULT_INVITE_DAYS = 7;
/** Bounds of `--count` and `--days`. */
export const INVITE_LIMITS = { maxCount: 1000, maxDays: 365 } as const;

/**
 * Makes a fresh invite code from `crypto.getRandomValues`: 32 base32 characters in groups of four.
 *
 * @returns A code such as `k3mv-q7ra-…`.
 *
 * @example
 * ```ts
 * import { newInviteCode } from "./invites.ts";
 * newInviteCode().length; // 39
 * ```
 */
export function newInviteCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_BYTES));
  let bits = 0;
  let value = 0;
  let text = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += ALPHABET[(value >> bits) & 31];
    }
    value &= (1 << bits) - 1; // only the bits not yet written, so the shift never overflows
  }
  bytes.fill(0);
  return text.match(/.{4}/g)!.join("-");
}

/**
 * The hash a code is stored and looked up under. Case, hyphens and white space do not matter, so a code typed by hand
 * or copied with its line break still works.
 *
 * @param code The code as the user gave it.
 * @returns SHA-256 of the normalised code, or `undefined` when it cannot be a code (which the caller answers exactly
 *   as it answers an unknown code).
 *
 * @example
 * ```ts
 * import { inviteCodeHash, newInviteCode } from "./invites.ts";
 * const code = newInviteCode();
 * inviteCodeHash(code.toUpperCase())?.length; // 32
 * inviteCodeHash("nope"); // undefined
 * ```
 */
export function inviteCodeHash(code: string): Uint8Array | undefined {
  const normalised = code.toLowerCase().replace(/[\s-]/g, "");
  return CODE_PATTERN.test(normalised) ? sha256(utf8(normalised)) : undefined;
}

/**
 * Makes `count` codes that work for `days` days and stores their hashes in one transaction.
 *
 * @param store The open store.
 * @param options `count` codes, valid for `days` days from `now`.
 * @returns The codes (shown once: only their hashes are kept) and when they expire.
 * @throws {RangeError} `count` or `days` is not a whole number within {@linkcode INVITE_LIMITS}.
 *
 * @example
 * ```ts
 * import { openSqliteStore } from "../../store/sqlite.ts";
 * import { createInvites } from "./invites.ts";
 * const store = openSqliteStore(":memory:");
 * const { codes } = await createInvites(store, { count: 2, days: 7, now: Date.now() });
 * codes.length; // 2
 * await store.close();
 * ```
 */
export async function createInvites(
  store: Store,
  options: { count: number; days: number; now: number },
): Promise<{ codes: string[]; expiresAt: number }> {
  const { count, days, now } = options;
  if (!Number.isInteger(count) || count < 1 || count > INVITE_LIMITS.maxCount) {
    throw new RangeError(`Cannot make invites: the count must be a whole number from 1 to ${INVITE_LIMITS.maxCount}`);
  }
  if (!Number.isInteger(days) || days < 1 || days > INVITE_LIMITS.maxDays) {
    throw new RangeError(`Cannot make invites: the days must be a whole number from 1 to ${INVITE_LIMITS.maxDays}`);
  }
  const expiresAt = now + days * 24 * 3600_000;
  const codes = Array.from({ length: count }, newInviteCode);
  await store.transaction(async (tx) => {
    for (const code of codes) await tx.invites.create(inviteCodeHash(code)!, now, expiresAt);
  });
  return { codes, expiresAt };
}
