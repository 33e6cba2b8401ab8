// Finite-field Diffie-Hellman (RFC 7919): the named groups, custom-group checks and the key exchange.

import { Field } from "@noble/curves/abstract/modular.js";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { KexError } from "./errors.ts";
import type { KexGroupParams, KeyExchange, RandomSource } from "./types.ts";
import { defaultRandom, draw, promised, singleUse } from "./_util.ts";

/** Reads a prime written as in the RFC: hex words separated by white space. */
function rfcHex(text: string): bigint {
  return BigInt("0x" + text.replace(/\s+/g, ""));
}

/**
 * The RFC 7919 Appendix A groups (A.1-A.3), g = 2, copied from the RFC text in its own layout so a
 * reader can diff them. `ffdhe_test.ts` re-derives each p from the RFC's formula
 * p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1 and checks that p and (p-1)/2 are prime.
 *
 * @example Agreeing on a secret over ffdhe3072
 * ```ts
 * import { constantTimeEqual, FFDHE_GROUPS, nobleProvider } from "./mod.ts";
 *
 * const kex = nobleProvider.kex("ffdhe", FFDHE_GROUPS.ffdhe3072);
 * const client = await kex.start();
 * const server = await kex.respond(client.share);
 * const secret = await client.finish(server.share);
 * if (!constantTimeEqual(secret, server.sharedSecret)) throw new Error("both sides must agree");
 * console.log(secret.length); // 384: the byte length of p
 * ```
 */
export const FFDHE_GROUPS: Readonly<Record<"ffdhe2048" | "ffdhe3072" | "ffdhe4096", KexGroupParams>> = Object.freeze({
  // RFC 7919 A.1: p = 2^2048 - 2^1984 + {[2^1918 * e] + 560316 } * 2^64 - 1
  ffdhe2048: Object.freeze({
    name: "ffdhe2048",
    g: 2n,
    p: rfcHex(`
      FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1
      D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9
      7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561
      2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935
      984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735
      30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB
      B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19
      0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61
      9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73
      3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA
      886B4238 61285C97 FFFFFFFF FFFFFFFF`),
  }),
  // RFC 7919 A.2: p = 2^3072 - 2^3008 + {[2^2942 * e] + 2625351} * 2^64 - 1
  ffdhe3072: Object.freeze({
    name: "ffdhe3072",
    g: 2n,
    p: rfcHex(`
      FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1
      D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9
      7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561
      2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935
      984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735
      30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB
      B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19
      0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61
      9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73
      3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA
      886B4238 611FCFDC DE355B3B 6519035B BC34F4DE F99C0238
      61B46FC9 D6E6C907 7AD91D26 91F7F7EE 598CB0FA C186D91C
      AEFE1309 85139270 B4130C93 BC437944 F4FD4452 E2D74DD3
      64F2E21E 71F54BFF 5CAE82AB 9C9DF69E E86D2BC5 22363A0D
      ABC52197 9B0DEADA 1DBF9A42 D5C4484E 0ABCD06B FA53DDEF
      3C1B20EE 3FD59D7C 25E41D2B 66C62E37 FFFFFFFF FFFFFFFF`),
  }),
  // RFC 7919 A.3: p = 2^4096 - 2^4032 + {[2^3966 * e] + 5736041} * 2^64 - 1
  ffdhe4096: Object.freeze({
    name: "ffdhe4096",
    g: 2n,
    p: rfcHex(`
      FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1
      D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9
      7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561
      2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935
      984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735
      30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB
      B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19
      0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61
      9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73
      3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA
      886B4238 611FCFDC DE355B3B 6519035B BC34F4DE F99C0238
      61B46FC9 D6E6C907 7AD91D26 91F7F7EE 598CB0FA C186D91C
      AEFE1309 85139270 B4130C93 BC437944 F4FD4452 E2D74DD3
      64F2E21E 71F54BFF 5CAE82AB 9C9DF69E E86D2BC5 22363A0D
      ABC52197 9B0DEADA 1DBF9A42 D5C4484E 0ABCD06B FA53DDEF
      3C1B20EE 3FD59D7C 25E41D2B 669E1EF1 6E6F52C3 164DF4FB
      7930E9E4 E58857B6 AC7D5F42 D69F6D18 7763CF1D 55034004
      87F55BA5 7E31CC7A 7135C886 EFB4318A ED6A1E01 2D9E6832
      A907600A 918130C4 6DC778F9 71AD0038 092999A3 33CB8B7A
      1A1DB93D 7140003C 2A4ECEA9 F98D0ACC 0A8291CD CEC97DCF
      8EC9B55A 7F88A46B 4DB5A851 F44182E1 C68A007E 5E655F6A
      FFFFFFFF FFFFFFFF`),
  }),
});

/** The smallest modulus accepted: RFC 7919 §1 and NIST SP 800-131A retire anything below 2048 bits. */
export const FFDHE_MIN_BITS = 2048;
/**
 * The largest modulus accepted, ffdhe8192's size (RFC 7919 A.5): a bound on the work one peer
 * can make another do, since the cost of the exponentiation grows with the modulus.
 */
export const FFDHE_MAX_BITS = 8192;

/**
 * Private exponent size in bits. RFC 7919 Appendix A asks for at least 225/275/325/375/400 bits for
 * ffdhe2048/3072/4096/6144/8192, and NIST SP 800-56A Rev. 3 §5.6.1.1.4 for at least 2s bits where s is
 * the group's security strength (at most 200 for 8192 bits, SP 800-57 Part 1 Table 2). One figure,
 * 512 = 2 x 256, exceeds all of them for every group ffdheGroup() admits.
 */
export const FFDHE_EXPONENT_BITS = 512;

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/**
 * Checks a finite-field group read from configuration and returns it frozen.
 *
 * The checks are structural (size, parity, generator range); primality is not tested here (that costs
 * seconds for a 4096-bit modulus), so prefer the RFC 7919 groups in {@linkcode FFDHE_GROUPS}.
 *
 * @param p The modulus: odd, 2048 to 8192 bits.
 * @param g The generator: 2 <= g <= p-2.
 * @param name A name for logs; defaults to `ffdhe-custom-<bits>`.
 * @returns The validated group.
 * @throws {RangeError} If p is under 2048 bits (`FFDHE group of N bits is too small: at least 2048 are required`),
 * over 8192 bits, even, or g is out of range.
 *
 * @example Refusing a small group
 * ```ts
 * import { ffdheGroup } from "./mod.ts";
 *
 * try {
 *   ffdheGroup(2n ** 1023n + 1n, 2n);
 *   throw new Error("a 1024-bit group must be refused");
 * } catch (error) {
 *   if (!(error instanceof RangeError)) throw error;
 *   console.log(error.message); // FFDHE group of 1024 bits is too small: at least 2048 are required
 * }
 * ```
 */
export function ffdheGroup(p: bigint, g: bigint, name?: string): KexGroupParams {
  if (typeof p !== "bigint" || typeof g !== "bigint") throw new TypeError("FFDHE group p and g must be bigints");
  if (name !== undefined && typeof name !== "string") throw new TypeError("FFDHE group name must be a string");
  const bits = p > 0n ? bitLength(p) : 0;
  if (bits < FFDHE_MIN_BITS) {
    throw new RangeError(`FFDHE group of ${bits} bits is too small: at least ${FFDHE_MIN_BITS} are required`);
  }
  if (bits > FFDHE_MAX_BITS) {
    throw new RangeError(`FFDHE group of ${bits} bits is too large: at most ${FFDHE_MAX_BITS} are supported`);
  }
  if ((p & 1n) === 0n) throw new RangeError("FFDHE group modulus must be odd");
  if (g < 2n || g > p - 2n) throw new RangeError("FFDHE group generator must satisfy 2 <= g <= p-2");
  return Object.freeze({ p, g, name: name ?? `ffdhe-custom-${bits}` });
}

/**
 * SP 800-56A Rev. 3 §5.6.1.1.4 ("testing candidates") with N = 512 and M = 2^N: draw N bits c,
 * retry while c > M-2, take x = c+1, so 1 <= x <= 2^N - 1 < q for any group of 2048 bits or more.
 */
function privateExponent(random: RandomSource): bigint {
  const bytes = FFDHE_EXPONENT_BITS / 8;
  const max = (1n << BigInt(FFDHE_EXPONENT_BITS)) - 2n;
  // A real source repeats all-ones 512 bits with probability 2^-512; a broken one must not loop forever.
  for (let attempt = 0; attempt < 8; attempt++) {
    const c = bytesToNumberBE(draw(random, bytes));
    if (c <= max) return c + 1n;
  }
  throw new Error("RandomSource keeps returning all-ones: it is broken");
}

/**
 * The RFC 7919 key exchange over `group` (validated again here, since a caller may build one by hand).
 * Shares and the shared secret are big-endian and left-padded to the byte length of p
 * (RFC 7919 §5 and RFC 8446 §4.2.8.1 / §7.4.1). Modular exponentiation is noble's `Field(p).pow`.
 */
export function ffdheKeyExchange(group: KexGroupParams): KeyExchange {
  if (group === undefined || group === null || typeof group !== "object") {
    throw new TypeError("The ffdhe key exchange needs a group: FFDHE_GROUPS.ffdhe3072 or one from ffdheGroup()");
  }
  const { p, g } = ffdheGroup(group.p, group.g, group.name);
  const field = Field(p);
  const length = field.BYTES;

  function checkShare(share: Uint8Array): bigint {
    if (!(share instanceof Uint8Array)) throw new TypeError("FFDHE share must be a Uint8Array");
    if (share.length !== length) throw new KexError(`FFDHE share must be ${length} bytes, got ${share.length}`);
    const y = bytesToNumberBE(share);
    // RFC 7919 §5.1: 1 < Y < p-1. For a safe prime this leaves only elements of order q or 2q.
    if (y <= 1n || y >= p - 1n) throw new KexError("FFDHE share is out of range (must be 1 < Y < p-1)");
    return y;
  }

  function agree(x: bigint, y: bigint): Uint8Array {
    const z = field.pow(y, x);
    // SP 800-56A Rev. 3 §5.7.1.1: a shared value of 1 is an error (unreachable for a safe prime and 1 < Y < p-1).
    if (z <= 1n) throw new KexError("FFDHE shared secret is degenerate");
    return numberToBytesBE(z, length);
  }

  function keyPair(random: RandomSource | undefined): { x: bigint; share: Uint8Array } {
    const x = privateExponent(random ?? defaultRandom);
    return { x, share: numberToBytesBE(field.pow(g, x), length) };
  }

  return Object.freeze(
    {
      id: "ffdhe",
      start(random?: RandomSource) {
        return promised(() => {
          // BigInts cannot be wiped; the exponent becomes unreachable once finish() has run.
          let { x, share } = keyPair(random);
          const finish = singleUse((serverShare) =>
            promised(() => {
              const secret = x;
              x = 0n;
              return agree(secret, checkShare(serverShare));
            })
          );
          return { share, finish };
        });
      },
      respond(clientShare: Uint8Array, random?: RandomSource) {
        return promised(() => {
          const y = checkShare(clientShare);
          const { x, share } = keyPair(random);
          return { share, sharedSecret: agree(x, y) };
        });
      },
    } as const,
  );
}
