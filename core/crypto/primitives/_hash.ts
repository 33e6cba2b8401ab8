// SHA-256/384 with HMAC (RFC 2104) and HKDF (RFC 5869) from @noble/hashes: synchronous on every runtime.

import { expand, extract } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import type { Hash, HashId } from "./types.ts";
import { assertBytes } from "./_util.ts";

const FUNCTIONS = { sha256, sha384 } as const;

function makeHash(id: HashId): Hash {
  const fn = FUNCTIONS[id];
  const outputLength = fn.outputLen;
  return Object.freeze({
    id,
    outputLength,
    digest(data: Uint8Array): Uint8Array {
      assertBytes(data, "data");
      return fn(data);
    },
    hmac(key: Uint8Array, data: Uint8Array): Uint8Array {
      assertBytes(key, "key");
      assertBytes(data, "data");
      return hmac(fn, key, data);
    },
    hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
      assertBytes(salt, "salt");
      assertBytes(ikm, "ikm");
      // RFC 5869 §2.2: an empty salt means HashLen zero bytes; noble does the same for length 0.
      return extract(fn, ikm, salt);
    },
    hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
      assertBytes(prk, "prk");
      assertBytes(info, "info");
      // RFC 5869 §2.3: PRK is "at least HashLen octets" and L <= 255*HashLen.
      if (prk.length < outputLength) {
        throw new RangeError(`HKDF-Expand needs a PRK of at least ${outputLength} bytes, got ${prk.length}`);
      }
      if (!Number.isSafeInteger(length) || length < 0 || length > 255 * outputLength) {
        throw new RangeError(`HKDF-Expand length must be 0 to ${255 * outputLength} bytes, got ${length}`);
      }
      return expand(fn, prk, info, length);
    },
  });
}

const HASHES: Record<HashId, Hash> = { sha256: makeHash("sha256"), sha384: makeHash("sha384") };

/** Returns the noble hash for `id`; throws a TypeError for an unknown id. */
export function nobleHash(id: HashId): Hash {
  const hash = Object.hasOwn(HASHES, id) ? HASHES[id] : undefined;
  if (hash === undefined) throw new TypeError(`Unknown hash: ${String(id)}`);
  return hash;
}
