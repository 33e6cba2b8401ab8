// What each key exchange costs the server, so that one address's share of handshake work can be rationed.

import type { KexGroupParams, KexId } from "../core/crypto/primitives/types.ts";

/**
 * The cost of each key exchange to the server, in units of one x25519 handshake, charged to the client's address
 * before the work is done (PROTOCOL.md §8.1; measured in bench/).
 *
 * @param kex The chosen key exchange.
 * @param group The server's finite-field group (the cost of ffdhe grows with its size).
 * @returns The units.
 *
 * @example
 * ```ts
 * import { handshakeUnits } from "./handshake_cost.ts";
 * import { FFDHE_GROUPS } from "../core/crypto/primitives/ffdhe.ts";
 * handshakeUnits("ffdhe", FFDHE_GROUPS.ffdhe3072); // 10
 * ```
 */
export function handshakeUnits(kex: KexId, group: KexGroupParams): number {
  switch (kex) {
    case "x25519":
      return 1;
    case "p256": // 1.6 units measured
    case "x25519-mlkem768": // 1.8 units measured
      return 2;
    case "ffdhe":
      // Measured at 9-10 units for ffdhe3072 (bench/README.md). Modular exponentiation with a 512-bit exponent costs
      // about the square of the modulus size: 5 units for 2048 bits, 18 for 4096.
      return Math.ceil(10 * (group.p.toString(16).length * 4 / 3072) ** 2);
  }
}
