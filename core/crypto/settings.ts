// Turns the `crypto` section of the config into what the handshake and record layer take.

import { bytesToBigint } from "./handshake_messages.ts";
import { FFDHE_GROUPS, ffdheGroup } from "./primitives/ffdhe.ts";
import { fromHex } from "../bytes/mod.ts";
import type { AeadId, HashId, KexGroupParams, KexId, SigId } from "./primitives/types.ts";
import type { RecordOptions } from "./record.ts";
import type { SuitePreferences } from "./suites.ts";

/** The secure channel: suite preferences (most preferred first) and record-layer settings. */
export interface CryptoConfig {
  readonly kex: readonly KexId[];
  readonly aead: readonly AeadId[];
  readonly hash: readonly HashId[];
  readonly sig: readonly SigId[];
  /** Finite-field DH modulus: `ffdhe2048`, `ffdhe3072`, `ffdhe4096` (RFC 7919) or a prime in hexadecimal. */
  readonly modulus: string;
  /** Finite-field DH generator. */
  readonly base: number;
  readonly handshakeTimeoutMs: number;
  readonly rekeyAfterRecords: number;
  readonly rekeyAfterBytes: number;
  readonly padding: number;
}

/** The channel settings of one side. */
export interface CryptoSettings {
  preferences: SuitePreferences;
  group: KexGroupParams;
  records: RecordOptions;
  handshakeTimeoutMs: number;
}

/**
 * The finite-field group named by `crypto.modulus` and `crypto.base`.
 *
 * @param modulus An RFC 7919 group name or a prime in hexadecimal (`0x` optional).
 * @param base The generator.
 * @returns The group; throws `RangeError` naming what is wrong (too small, not hexadecimal, bad generator).
 *
 * @example
 * ```ts
 * import { groupFromConfig } from "./settings.ts";
 * groupFromConfig("ffdhe3072", 2).name; // "ffdhe3072"
 * ```
 */
export function groupFromConfig(modulus: string, base: number): KexGroupParams {
  // hasOwn: "toString" must not find Object.prototype's.
  const named = Object.hasOwn(FFDHE_GROUPS, modulus) ? FFDHE_GROUPS[modulus as keyof typeof FFDHE_GROUPS] : undefined;
  if (named) {
    if (BigInt(base) !== named.g) throw new RangeError(`${modulus} has generator ${named.g}, not ${base}`);
    return named;
  }
  const digits = modulus.replace(/^0x/i, "");
  if (!/^[0-9a-f]+$/i.test(digits)) {
    throw new RangeError(
      `expected ffdhe2048, ffdhe3072, ffdhe4096 or a hexadecimal prime, got ${JSON.stringify(modulus.slice(0, 40))}`,
    );
  }
  return ffdheGroup(bytesToBigint(fromHex(digits.length % 2 ? "0" + digits : digits)), BigInt(base), "custom");
}

/**
 * Reads the channel settings from the `crypto` section.
 *
 * @param crypto A validated `crypto` section.
 * @returns Preferences, group, record options and handshake timeout.
 */
export function cryptoSettings(crypto: CryptoConfig): CryptoSettings {
  return {
    preferences: { kex: crypto.kex, aead: crypto.aead, hash: crypto.hash, sig: crypto.sig },
    group: groupFromConfig(crypto.modulus, crypto.base),
    records: {
      padding: crypto.padding,
      rekeyAfterRecords: crypto.rekeyAfterRecords,
      rekeyAfterBytes: crypto.rekeyAfterBytes,
    },
    handshakeTimeoutMs: crypto.handshakeTimeoutMs,
  };
}
