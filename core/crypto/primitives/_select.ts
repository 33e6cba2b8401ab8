// Looks algorithm ids up in a provider's tables, with the argument checks both providers share.

import type { KexGroupParams, KexId, KeyExchange } from "./types.ts";
import { ffdheKeyExchange } from "./ffdhe.ts";

/** Looks `id` up in `table`, throwing a TypeError naming `what` for an unknown id. */
export function pick<T>(table: Record<string, T>, id: string, what: string): T {
  if (typeof id !== "string" || !Object.hasOwn(table, id)) throw new TypeError(`Unknown ${what}: ${String(id)}`);
  return table[id];
}

/**
 * Builds the key exchange for `id` from a table of the fixed ones; ffdhe needs a group.
 *
 * @throws {TypeError} For an unknown id, ffdhe without a group, or a group given to another exchange.
 * @throws {RangeError} For an ffdhe group that fails `ffdheGroup()`'s checks.
 */
export function kexFrom(
  table: Record<Exclude<KexId, "ffdhe">, KeyExchange>,
  id: KexId,
  group?: KexGroupParams,
): KeyExchange {
  if (id !== "ffdhe" && group !== undefined) throw new TypeError(`Only ffdhe takes a group, not ${String(id)}`);
  if (id === "ffdhe") {
    if (group === undefined) {
      throw new TypeError("The ffdhe key exchange needs a group: FFDHE_GROUPS.ffdhe3072 or one from ffdheGroup()");
    }
    return ffdheKeyExchange(group);
  }
  return pick(table, id, "key exchange");
}
