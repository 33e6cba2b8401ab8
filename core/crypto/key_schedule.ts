// The key schedule: from the key-exchange secret and the transcript to traffic keys (PROTOCOL.md §8.4).

import { utf8 } from "../bytes/mod.ts";
import type { Hash } from "./primitives/types.ts";

/** Prefix of every label, so Mimi's keys can never equal another protocol's. */
const LABEL_PREFIX = "mimi/1 ";

/**
 * HKDF-Expand with a structured info, shaped like TLS 1.3's HkdfLabel
 * (RFC 8446 §7.1): u16 length, u8 label length, `"mimi/1 " + label`, u8
 * context length, context.
 *
 * @param hash The negotiated hash.
 * @param secret A pseudorandom key (RFC 5869 §2.3 PRK).
 * @param label A short ASCII label from PROTOCOL.md §8.4.
 * @param context Usually a transcript hash; may be empty.
 * @param length Output bytes.
 * @returns `length` bytes of key material.
 */
export function expandLabel(
  hash: Hash,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const fullLabel = labelBytes(label);
  if (fullLabel.length > 255 || context.length > 255 || length > 0xffff) {
    throw new RangeError("Cannot expand label: label, context or length too long");
  }
  // Written into one buffer: a handshake expands nine labels, and the parts' copies were a fifth of each call.
  const info = new Uint8Array(4 + fullLabel.length + context.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = fullLabel.length;
  info.set(fullLabel, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return hash.hkdfExpand(secret, info, length);
}

/** `"mimi/1 " + label` in UTF-8, encoded once per label (the labels are the few constants of PROTOCOL.md §8.4). */
const LABELS = new Map<string, Uint8Array>();

function labelBytes(label: string): Uint8Array {
  let bytes = LABELS.get(label);
  if (bytes === undefined) {
    bytes = utf8(LABEL_PREFIX + label);
    // Bounded: callers pass literals; a label from elsewhere is encoded each time rather than kept.
    if (LABELS.size < 64) LABELS.set(label, bytes);
  }
  return bytes;
}

/** Secrets of one connection, derived once the server's flight is known. */
export interface ChannelSecrets {
  /** Client-to-server traffic secret, epoch 0. */
  clientTraffic: Uint8Array;
  /** Server-to-client traffic secret, epoch 0. */
  serverTraffic: Uint8Array;
  /** Key of the client's Finished MAC. */
  clientFinished: Uint8Array;
  /** Channel binding for the layers above (login proves it): unique to this connection. */
  exporter: Uint8Array;
}

/**
 * Derives the channel's secrets (PROTOCOL.md §8.4).
 *
 * @param hash The negotiated hash.
 * @param sharedSecret The key exchange's output.
 * @param transcriptHash `H(ClientHello || ServerHello)`, whole frame payloads.
 * @returns The secrets.
 */
export function deriveSecrets(hash: Hash, sharedSecret: Uint8Array, transcriptHash: Uint8Array): ChannelSecrets {
  // RFC 5869 §2.2: an all-zero salt of hash length when there is none.
  const prk = hash.hkdfExtract(new Uint8Array(hash.outputLength), sharedSecret);
  const n = hash.outputLength;
  return {
    clientTraffic: expandLabel(hash, prk, "c traffic", transcriptHash, n),
    serverTraffic: expandLabel(hash, prk, "s traffic", transcriptHash, n),
    clientFinished: expandLabel(hash, prk, "c finished", transcriptHash, n),
    exporter: expandLabel(hash, prk, "exporter", transcriptHash, n),
  };
}

/**
 * The AEAD key and IV of a traffic secret (RFC 8446 §7.3 shape).
 *
 * @param hash The negotiated hash.
 * @param secret A traffic secret.
 * @param keyLength The AEAD's key length.
 * @returns Key and 12-byte IV.
 */
export function trafficKey(hash: Hash, secret: Uint8Array, keyLength: number): { key: Uint8Array; iv: Uint8Array } {
  return {
    key: expandLabel(hash, secret, "key", new Uint8Array(0), keyLength),
    iv: expandLabel(hash, secret, "iv", new Uint8Array(0), 12),
  };
}

/**
 * The next epoch's traffic secret after a key update (RFC 8446 §7.2 shape).
 *
 * @param hash The negotiated hash.
 * @param secret The current traffic secret.
 * @returns The next one.
 */
export function nextTrafficSecret(hash: Hash, secret: Uint8Array): Uint8Array {
  return expandLabel(hash, secret, "traffic upd", new Uint8Array(0), hash.outputLength);
}
