// Encoding and strict parsing of the handshake messages and alerts (PROTOCOL.md §7).

import { CodecError } from "../codec/error.ts";
import { decodeValue, encodeValue, type Value } from "../codec/value.ts";
import { HandshakeError } from "./errors.ts";
import { identityValue } from "./identity.ts";
import { concatBytes } from "../bytes/mod.ts";
import type { SuitePreferences } from "./suites.ts";
import type { Suite } from "./suites.ts";
import { ALGORITHMS, isAlgorithm } from "./suites.ts";
import type { AeadId, HashId, KexId, SigId } from "./primitives/types.ts";

/** The first byte of every frame payload once the channel is in use (PROTOCOL.md §7.1). */
export const ContentType = { handshake: 0x01, record: 0x02, alert: 0x03 } as const;

/** The protocol version this implementation speaks. */
export const PROTOCOL_VERSION = 1;

/** Length of the client and server randoms. */
export const RANDOM_BYTES = 32;

/** Upper bounds that keep a hostile hello cheap to parse. */
const MAX_OFFER_ENTRIES = 16;
const MAX_NAME_LENGTH = 64;
const MAX_SHARE_BYTES = 2048;
const MAX_GROUP_BYTES = 1024;

/** A ClientHello as parsed by the server. Unknown algorithm names are dropped, not refused. */
export interface ClientHello {
  random: Uint8Array;
  offer: SuitePreferences;
  /** Key share per offered key exchange. */
  shares: Map<KexId, Uint8Array>;
  /** The finite-field group, present exactly when `ffdhe` is offered. */
  group?: { p: bigint; g: bigint };
}

/** The signed part of a ServerHello. */
export interface ServerHelloBody {
  random: Uint8Array;
  suite: Suite;
  share: Uint8Array;
  /** The server's long-term public keys, one per signature scheme it has. */
  identity: Partial<Record<SigId, Uint8Array>>;
  /** The largest envelope the server accepts (`server.limits.maxFrameBytes`), which a client cannot learn otherwise. */
  maxFrameBytes: number;
  /** The server's finite-field group, present exactly when it accepts ffdhe: the group a client must offer. */
  group?: { p: bigint; g: bigint };
}

/** Bounds on the announced frame limit: the config's range (PROTOCOL.md §7.3). */
const MIN_ANNOUNCED_FRAME = 1024;
const MAX_ANNOUNCED_FRAME = 64 * 1024 * 1024;

/** An alert: a plaintext error sent before keys exist, then the sender closes. */
export interface Alert {
  code: string;
  message: string;
  retryAfterMs?: number;
}

/**
 * Encodes a ClientHello frame payload.
 *
 * @param hello Random, offer, shares and (with ffdhe) the group.
 * @returns `0x01 || value`, to be sent as one frame and hashed as it is.
 */
export function encodeClientHello(hello: ClientHello): Uint8Array {
  const shares: Record<string, Value> = {};
  for (const kex of hello.offer.kex) {
    const share = hello.shares.get(kex);
    if (!share) throw new TypeError(`Cannot encode ClientHello: no share for ${kex}`);
    shares[kex] = share;
  }
  const body: Record<string, Value> = {
    type: "client_hello",
    version: PROTOCOL_VERSION,
    random: hello.random,
    kex: [...hello.offer.kex],
    aead: [...hello.offer.aead],
    hash: [...hello.offer.hash],
    sig: [...hello.offer.sig],
    shares,
  };
  if (hello.group) body.group = { p: bigintToBytes(hello.group.p), g: bigintToBytes(hello.group.g) };
  return withType(ContentType.handshake, encodeValue(body));
}

/**
 * Parses a ClientHello frame payload.
 *
 * @param payload The first frame from the client.
 * @returns The hello; throws {@link HandshakeError} `malformed` or `unsupported_version`.
 */
export function parseClientHello(payload: Uint8Array): ClientHello {
  const map = readHandshake(payload, "client_hello");
  requireVersion(map);
  const random = bytesField(map, "random", RANDOM_BYTES);
  const offer = {
    kex: offerList(map, "kex") as KexId[],
    aead: offerList(map, "aead") as AeadId[],
    hash: offerList(map, "hash") as HashId[],
    sig: offerList(map, "sig") as SigId[],
  };
  const sharesValue = map.shares;
  if (!isMap(sharesValue)) throw malformed("ClientHello shares must be a map");
  const shares = new Map<KexId, Uint8Array>();
  for (const kex of offer.kex) {
    const share = sharesValue[kex];
    if (!(share instanceof Uint8Array) || share.length === 0 || share.length > MAX_SHARE_BYTES) {
      throw malformed(`ClientHello has no valid share for ${kex}`);
    }
    shares.set(kex, share);
  }
  let group: ClientHello["group"];
  if (offer.kex.includes("ffdhe")) {
    const g = map.group;
    if (!isMap(g)) throw malformed("ClientHello offers ffdhe without a group");
    group = {
      p: bytesToBigint(bytesField(g, "p", undefined, MAX_GROUP_BYTES)),
      g: bytesToBigint(bytesField(g, "g", undefined, MAX_GROUP_BYTES)),
    };
  }
  return { random, offer, shares, group };
}

/**
 * Encodes the signed part of a ServerHello.
 *
 * @param body Random, chosen suite, key share, identity keys.
 * @returns The bytes the server signs (after hashing with the ClientHello) and embeds.
 */
export function encodeServerHelloBody(body: ServerHelloBody): Uint8Array {
  // The same map the fingerprint hashes (PROTOCOL.md §8.4), so both come from one function.
  const identity = identityValue(body.identity);
  const map: Record<string, Value> = {
    version: PROTOCOL_VERSION,
    random: body.random,
    kex: body.suite.kex,
    aead: body.suite.aead,
    hash: body.suite.hash,
    sig: body.suite.sig,
    share: body.share,
    identity,
    maxFrameBytes: body.maxFrameBytes,
  };
  if (body.group) map.group = { p: bigintToBytes(body.group.p), g: bigintToBytes(body.group.g) };
  return encodeValue(map);
}

/**
 * Encodes a ServerHello frame payload.
 *
 * @param signedBody From {@link encodeServerHelloBody}.
 * @param signature The server's signature over the transcript (PROTOCOL.md §7.3).
 * @returns `0x01 || value`.
 */
export function encodeServerHello(signedBody: Uint8Array, signature: Uint8Array): Uint8Array {
  return withType(ContentType.handshake, encodeValue({ type: "server_hello", hello: signedBody, signature }));
}

/**
 * Parses a ServerHello frame payload.
 *
 * @param payload The server's first frame.
 * @returns The signed bytes as received, the signature, and the parsed body.
 */
export function parseServerHello(
  payload: Uint8Array,
): { signedBody: Uint8Array; signature: Uint8Array; body: ServerHelloBody } {
  const map = readHandshake(payload, "server_hello");
  const signedBody = bytesField(map, "hello", undefined, 64 * 1024);
  const signature = bytesField(map, "signature", undefined, 256);
  const inner = decodeMap(signedBody, "ServerHello body");
  requireVersion(inner);
  const suite = {
    kex: choice(inner, "kex") as KexId,
    aead: choice(inner, "aead") as AeadId,
    hash: choice(inner, "hash") as HashId,
    sig: choice(inner, "sig") as SigId,
  };
  const identityValue = inner.identity;
  if (!isMap(identityValue)) throw malformed("ServerHello identity must be a map");
  const identity: ServerHelloBody["identity"] = {};
  for (const [name, key] of Object.entries(identityValue)) {
    if (!isAlgorithm("sig", name) || !(key instanceof Uint8Array) || key.length > 256) {
      throw malformed(`ServerHello identity has an invalid entry ${JSON.stringify(name)}`);
    }
    identity[name as SigId] = key;
  }
  const maxFrameBytes = inner.maxFrameBytes;
  if (
    typeof maxFrameBytes !== "number" || !Number.isInteger(maxFrameBytes) || maxFrameBytes < MIN_ANNOUNCED_FRAME ||
    maxFrameBytes > MAX_ANNOUNCED_FRAME
  ) {
    throw malformed(
      `ServerHello maxFrameBytes must be an integer from ${MIN_ANNOUNCED_FRAME} to ${MAX_ANNOUNCED_FRAME}`,
    );
  }
  let group: ServerHelloBody["group"];
  if (inner.group !== undefined) {
    if (!isMap(inner.group)) throw malformed("ServerHello group must be a map");
    group = {
      p: bytesToBigint(bytesField(inner.group, "p", undefined, MAX_GROUP_BYTES)),
      g: bytesToBigint(bytesField(inner.group, "g", undefined, MAX_GROUP_BYTES)),
    };
  }
  return {
    signedBody,
    signature,
    body: {
      random: bytesField(inner, "random", RANDOM_BYTES),
      suite,
      share: bytesField(inner, "share", undefined, MAX_SHARE_BYTES),
      identity,
      maxFrameBytes,
      group,
    },
  };
}

/**
 * Encodes the client's Finished message.
 *
 * @param mac HMAC over the transcript (PROTOCOL.md §7.4).
 * @returns `0x01 || value`.
 */
export function encodeClientFinished(mac: Uint8Array): Uint8Array {
  return withType(ContentType.handshake, encodeValue({ type: "client_finished", mac }));
}

/**
 * Parses the client's Finished message.
 *
 * @param payload The client's second frame.
 * @returns The MAC it carries.
 */
export function parseClientFinished(payload: Uint8Array): Uint8Array {
  return bytesField(readHandshake(payload, "client_finished"), "mac", undefined, 64);
}

/**
 * Encodes an alert frame payload (PROTOCOL.md §7.5).
 *
 * @param alert Code and message; `retryAfterMs` for `rate_limited`.
 * @returns `0x03 || value`.
 */
export function encodeAlert(alert: Alert): Uint8Array {
  const body: Record<string, Value> = { code: alert.code, message: alert.message };
  if (alert.retryAfterMs !== undefined) body.retryAfterMs = alert.retryAfterMs;
  return withType(ContentType.alert, encodeValue(body));
}

/**
 * Parses an alert frame payload, tolerating odd content (it is read only to tell the user why).
 *
 * @param payload A frame payload starting with `0x03`.
 * @returns The alert.
 */
export function parseAlert(payload: Uint8Array): Alert {
  let map: Record<string, Value> = {};
  try {
    const value = decodeValue(payload.subarray(1));
    if (isMap(value)) map = value;
  } catch (error) {
    // A garbled alert still means the peer is closing; report it without its text.
    if (!(error instanceof CodecError)) throw error;
  }
  return {
    code: typeof map.code === "string" ? map.code : "unknown",
    message: typeof map.message === "string" ? map.message : "The server closed the connection",
    retryAfterMs: typeof map.retryAfterMs === "number" ? map.retryAfterMs : undefined,
  };
}

/** Big-endian, minimal-length bytes of a non-negative bigint. */
export function bigintToBytes(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError("Cannot encode a negative integer");
  let hexText = value.toString(16);
  if (hexText.length % 2) hexText = "0" + hexText;
  return Uint8Array.from(hexText.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** The non-negative bigint of big-endian bytes. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  let hexText = "";
  for (const b of bytes) hexText += b.toString(16).padStart(2, "0");
  return hexText === "" ? 0n : BigInt("0x" + hexText);
}

function withType(type: number, body: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(type), body);
}

function malformed(message: string): HandshakeError {
  return new HandshakeError("malformed", message);
}

function isMap(value: Value | undefined): value is Record<string, Value> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function decodeMap(bytes: Uint8Array, what: string): Record<string, Value> {
  let value: Value;
  try {
    value = decodeValue(bytes);
  } catch (error) {
    if (error instanceof CodecError) throw malformed(`Cannot decode ${what}: ${error.message}`);
    throw error;
  }
  if (!isMap(value)) throw malformed(`${what} must be a map`);
  return value;
}

function readHandshake(payload: Uint8Array, type: string): Record<string, Value> {
  if (payload.length === 0 || payload[0] !== ContentType.handshake) {
    throw new HandshakeError("unexpected_message", `Expected a handshake message (${type})`);
  }
  const map = decodeMap(payload.subarray(1), type);
  if (map.type !== type) {
    throw new HandshakeError("unexpected_message", `Expected ${type}, got ${JSON.stringify(String(map.type))}`);
  }
  return map;
}

function requireVersion(map: Record<string, Value>): void {
  if (map.version !== PROTOCOL_VERSION) {
    throw new HandshakeError("unsupported_version", `Unsupported protocol version ${String(map.version)}`);
  }
}

function bytesField(map: Record<string, Value>, key: string, exact?: number, max = 4096): Uint8Array {
  const value = map[key];
  if (!(value instanceof Uint8Array)) throw malformed(`Field ${key} must be bytes`);
  if (exact !== undefined ? value.length !== exact : value.length > max) {
    throw malformed(`Field ${key} has the wrong length ${value.length}`);
  }
  return value;
}

/** An offer list: non-empty, short, unique strings; names this version does not know are dropped. */
function offerList(map: Record<string, Value>, part: keyof typeof ALGORITHMS): string[] {
  const value = map[part];
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_OFFER_ENTRIES) {
    throw malformed(`Offer ${part} must be a list of 1 to ${MAX_OFFER_ENTRIES} names`);
  }
  const seen = new Set<string>();
  for (const name of value) {
    if (typeof name !== "string" || name.length > MAX_NAME_LENGTH || seen.has(name)) {
      throw malformed(`Offer ${part} has an invalid or repeated entry`);
    }
    seen.add(name);
  }
  return [...seen].filter((name) => isAlgorithm(part, name));
}

function choice(map: Record<string, Value>, part: keyof typeof ALGORITHMS): string {
  const value = map[part];
  if (typeof value !== "string" || !isAlgorithm(part, value)) {
    throw malformed(`ServerHello names an unknown ${part}`);
  }
  return value;
}
