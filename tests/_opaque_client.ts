// An OPAQUE-3DH client written from PROTOCOL.md §10.8 alone, on audited @noble primitives. Mimi does not use it: it
// exists to show that the section is enough to interoperate (tests/opaque_independent_test.ts).

import { ristretto255, ristretto255_hasher, ristretto255_oprf } from "@noble/curves/ed25519.js";
import { argon2idAsync } from "@noble/hashes/argon2.js";
import { expand, extract } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { concatBytes, randomBytes, utf8ToBytes } from "@noble/hashes/utils.js";

const Point = ristretto255.Point;
type Element = InstanceType<typeof Point>;

/** Sizes of §10.8.1, in bytes. */
const Nh = 64;
const Nn = 32;
const Npk = 32;
const Nm = 64;
const KE1_BYTES = 96;
const KE2_BYTES = 320;
const REGISTRATION_RESPONSE_BYTES = 64;

const ascii = utf8ToBytes;
/** RFC 9497 §3.1: "OPRFV1-" || I2OSP(mode, 1) || "-" || identifier, with mode 00 (modeOPRF). */
const CONTEXT_STRING = concatBytes(ascii("OPRFV1-"), Uint8Array.of(0x00), ascii("-ristretto255-SHA512"));
const HASH_TO_GROUP_DST = concatBytes(ascii("HashToGroup-"), CONTEXT_STRING);

/** What differs between Mimi and the RFC 9807 Appendix C vectors: the context and the KSF. */
export interface OpaqueConfig {
  /** The preamble's context (RFC 9807 §6.4.2.1). */
  context: Uint8Array;
  /** The KSF: `Stretch(oprf_output)`, 64 bytes. */
  stretch(oprfOutput: Uint8Array): Promise<Uint8Array>;
}

/** PROTOCOL.md §10.8.1: empty context; Argon2id with the RFC 9106 §3.1 inputs of the table there. */
export const MIMI_OPAQUE: OpaqueConfig = {
  context: new Uint8Array(0),
  stretch: (oprfOutput) =>
    argon2idAsync(oprfOutput, new Uint8Array(16), { p: 4, dkLen: 64, m: 65536, t: 3, version: 0x13 }),
};

/** RFC 9807 §4: identities a party may pin; unset, each is that party's public key (Mimi sets neither). */
export interface Identities {
  client?: Uint8Array;
  server?: Uint8Array;
}

/** Why a registration or login failed on the client (PROTOCOL.md §10.8.5). */
export type OpaqueFailure = "malformed" | "reflected" | "envelope" | "server_mac";

/** The client's OPAQUE failure; `envelope` and `server_mac` are what a wrong password or unknown name look like. */
export class OpaqueClientError extends Error {
  override name = "OpaqueClientError";
  readonly reason: OpaqueFailure;

  constructor(reason: OpaqueFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** What the client keeps between its two steps. */
export interface BlindState {
  password: Uint8Array;
  blind: Uint8Array;
  blinded: Uint8Array;
}

/** Fixed values for known-answer tests; each is random when absent. */
export interface Fixed {
  blind?: Uint8Array;
  envelopeNonce?: Uint8Array;
  clientNonce?: Uint8Array;
  keyshareSeed?: Uint8Array;
}

/**
 * Registration step 1 (§10.8.4): the RegistrationRequest.
 *
 * @param password The password's UTF-8 bytes, unnormalised.
 * @param fixed `blind` for known-answer tests.
 * @returns The 32-byte request and the state for {@link finishRegistration}.
 */
export function startRegistration(password: Uint8Array, fixed: Fixed = {}): { request: Uint8Array; state: BlindState } {
  const state = blind(password, fixed.blind);
  return { request: state.blinded, state };
}

/**
 * Registration steps 2 to 6 (§10.8.4): the RegistrationRecord.
 *
 * @param state From {@link startRegistration}.
 * @param response The 64-byte RegistrationResponse.
 * @param options The configuration, identities (none in Mimi) and a fixed envelope nonce for known-answer tests.
 * @returns The 192-byte record, the export key and the two public keys.
 */
export async function finishRegistration(
  state: BlindState,
  response: Uint8Array,
  options: { config: OpaqueConfig; identities?: Identities; fixed?: Fixed },
): Promise<{ record: Uint8Array; exportKey: Uint8Array; serverPublicKey: Uint8Array; clientPublicKey: Uint8Array }> {
  if (response.length !== REGISTRATION_RESPONSE_BYTES) {
    throw new OpaqueClientError("malformed", `A RegistrationResponse is 64 bytes, got ${response.length}`);
  }
  const evaluated = response.subarray(0, 32);
  const serverPublicKey = response.slice(32, 64);
  deserializeElement(serverPublicKey, "server_public_key");
  const randomizedPassword = await randomize(state, evaluated, options.config);
  const envelopeNonce = options.fixed?.envelopeNonce ?? randomBytes(Nn);
  const maskingKey = expand(sha512, randomizedPassword, ascii("MaskingKey"), Nh);
  const keys = envelopeKeys(randomizedPassword, envelopeNonce);
  try {
    const credentials = cleartextCredentials(serverPublicKey, keys.clientPublicKey, options.identities);
    // RFC 9807 §4.1.2: the tag covers the nonce and the cleartext credentials.
    const authTag = hmac(sha512, keys.authKey, concatBytes(envelopeNonce, credentials));
    return {
      record: concatBytes(keys.clientPublicKey, maskingKey, envelopeNonce, authTag),
      exportKey: keys.exportKey,
      serverPublicKey,
      clientPublicKey: keys.clientPublicKey,
    };
  } finally {
    wipe(randomizedPassword, maskingKey, keys.authKey, keys.clientPrivateKey);
  }
}

/** What the client keeps between KE1 and KE2. */
export interface LoginState extends BlindState {
  ke1: Uint8Array;
  clientSecret: Uint8Array;
}

/**
 * Login step 1 (§10.8.5): KE1.
 *
 * @param password The password's UTF-8 bytes, unnormalised.
 * @param fixed `blind`, `clientNonce` and `keyshareSeed` for known-answer tests.
 * @returns The 96-byte KE1 and the state for {@link finishLogin}.
 */
export function startLogin(password: Uint8Array, fixed: Fixed = {}): { ke1: Uint8Array; state: LoginState } {
  const blinded = blind(password, fixed.blind);
  const clientNonce = fixed.clientNonce ?? randomBytes(Nn);
  const keyshare = deriveKeyPair(fixed.keyshareSeed ?? randomBytes(32), "OPAQUE-DeriveDiffieHellmanKeyPair");
  const ke1 = concatBytes(blinded.blinded, clientNonce, keyshare.publicKey);
  return { ke1, state: { ...blinded, ke1, clientSecret: keyshare.secretKey } };
}

/** Keys a login derives, for known-answer tests. */
export interface LoginKeys {
  randomizedPassword: Uint8Array;
  authKey: Uint8Array;
  clientPublicKey: Uint8Array;
  handshakeSecret: Uint8Array;
  serverMacKey: Uint8Array;
  clientMacKey: Uint8Array;
}

/**
 * Login steps 2 to 5 (§10.8.5): checks KE2 and makes KE3.
 *
 * @param state From {@link startLogin}; usable once.
 * @param ke2 The 320-byte KE2.
 * @param options The configuration and identities (none in Mimi).
 * @returns KE3, the session key `K` of §10.3, the export key, the server's public key and the derived keys.
 * @throws {OpaqueClientError} `envelope` or `server_mac` for a wrong password or an unknown name, `malformed` or
 *   `reflected` for a KE2 no honest server sends.
 */
export async function finishLogin(
  state: LoginState,
  ke2: Uint8Array,
  options: { config: OpaqueConfig; identities?: Identities },
): Promise<
  { ke3: Uint8Array; sessionKey: Uint8Array; exportKey: Uint8Array; serverPublicKey: Uint8Array; keys: LoginKeys }
> {
  if (ke2.length !== KE2_BYTES) throw new OpaqueClientError("malformed", `KE2 is 320 bytes, got ${ke2.length}`);
  if (state.ke1.length !== KE1_BYTES) throw new TypeError("The login state holds no KE1");
  const evaluated = ke2.subarray(0, 32);
  const maskingNonce = ke2.subarray(32, 64);
  const maskedResponse = ke2.subarray(64, 192);
  // Bytes 192 to 223 are server_nonce; it enters the preamble with the rest of KE2[0..256).
  const serverKeyshare = deserializeElement(ke2.subarray(224, 256), "server_public_keyshare");
  const serverMac = ke2.subarray(256, 320);

  const randomizedPassword = await randomize(state, evaluated, options.config);
  const maskingKey = expand(sha512, randomizedPassword, ascii("MaskingKey"), Nh);
  // RFC 9807 §6.3.2.3: unmask server_public_key || envelope.
  const pad = expand(sha512, maskingKey, concatBytes(maskingNonce, ascii("CredentialResponsePad")), Npk + Nn + Nm);
  const unmasked = xor(pad, maskedResponse);
  const serverPublicKeyBytes = unmasked.slice(0, 32);
  const envelopeNonce = unmasked.subarray(32, 64);
  const authTag = unmasked.subarray(64, 128);
  let serverPublicKey: Element;
  try {
    serverPublicKey = deserializeElement(serverPublicKeyBytes, "server_public_key");
  } catch (error) {
    // A wrong password unmasks garbage, which usually fails to decode: the same failure as a bad tag.
    wipe(randomizedPassword, maskingKey, pad);
    throw new OpaqueClientError("envelope", "The envelope does not open: wrong password or unknown name", {
      cause: error,
    });
  }
  const keys = envelopeKeys(randomizedPassword, envelopeNonce);
  try {
    const credentials = cleartextCredentials(serverPublicKeyBytes, keys.clientPublicKey, options.identities);
    // RFC 9807 §4.1.3: Recover.
    if (!constantTimeEqual(hmac(sha512, keys.authKey, concatBytes(envelopeNonce, credentials)), authTag)) {
      throw new OpaqueClientError("envelope", "The envelope does not open: wrong password or unknown name");
    }
    const clientIdentity = options.identities?.client ?? keys.clientPublicKey;
    const serverIdentity = options.identities?.server ?? serverPublicKeyBytes;
    // RFC 9807 §6.4.3 AuthClientFinalize.
    const ikm = concatBytes(
      dh(state.clientSecret, serverKeyshare),
      dh(state.clientSecret, serverPublicKey),
      dh(keys.clientPrivateKey, serverKeyshare),
    );
    // RFC 9807 §6.4.2.1 Preamble; KE2 bytes 0 to 255 are credential_response || server_nonce || server_keyshare.
    const preamble = concatBytes(
      ascii("OPAQUEv1-"),
      lengthPrefixed(options.config.context),
      lengthPrefixed(clientIdentity),
      state.ke1,
      lengthPrefixed(serverIdentity),
      ke2.subarray(0, 256),
    );
    const prk = extract(sha512, ikm);
    const transcriptHash = sha512(preamble);
    // RFC 9807 §6.4.2.2 DeriveKeys.
    const handshakeSecret = expandLabel(prk, "HandshakeSecret", transcriptHash, Nh);
    const sessionKey = expandLabel(prk, "SessionKey", transcriptHash, Nh);
    const serverMacKey = expandLabel(handshakeSecret, "ServerMAC", new Uint8Array(0), Nh);
    const clientMacKey = expandLabel(handshakeSecret, "ClientMAC", new Uint8Array(0), Nh);
    if (!constantTimeEqual(hmac(sha512, serverMacKey, transcriptHash), serverMac)) {
      wipe(sessionKey);
      throw new OpaqueClientError("server_mac", "The server's MAC is wrong: wrong password or unknown name");
    }
    const ke3 = hmac(sha512, clientMacKey, sha512(concatBytes(preamble, serverMac)));
    return {
      ke3,
      sessionKey,
      exportKey: keys.exportKey,
      serverPublicKey: serverPublicKeyBytes,
      keys: {
        randomizedPassword: randomizedPassword.slice(),
        authKey: keys.authKey.slice(),
        clientPublicKey: keys.clientPublicKey,
        handshakeSecret,
        serverMacKey,
        clientMacKey,
      },
    };
  } finally {
    wipe(randomizedPassword, maskingKey, pad, keys.authKey, keys.clientPrivateKey, state.clientSecret);
  }
}

/**
 * RFC 9497 §3.3.1 Blind: `blind * HashToGroup(password)`, HashToGroup being hash_to_ristretto255 (RFC 9380
 * Appendix B) with DST "HashToGroup-" || contextString.
 */
function blind(password: Uint8Array, fixedBlind?: Uint8Array): BlindState {
  // RFC 9497 §2.1 RandomScalar: uniform and non-zero; a fresh OPRF secret key is exactly that.
  const blindScalar = fixedBlind ?? ristretto255_oprf.oprf.generateKeyPair().secretKey;
  const input = ristretto255_hasher.hashToCurve(password, { DST: HASH_TO_GROUP_DST });
  const blinded = input.multiply(Point.Fn.fromBytes(blindScalar)).toBytes();
  return { password, blind: blindScalar, blinded };
}

/** §10.8.4 steps 2 to 4: oprf_output, stretched, then randomized_password = Extract("", both). */
async function randomize(state: BlindState, evaluated: Uint8Array, config: OpaqueConfig): Promise<Uint8Array> {
  deserializeElement(evaluated, "evaluated_message");
  if (constantTimeEqual(evaluated, state.blinded)) {
    throw new OpaqueClientError("reflected", "The server sent back the blinded element");
  }
  // RFC 9497 §3.3.1 Finalize: SHA-512(len || password || len || unblinded || "Finalize").
  const oprfOutput = ristretto255_oprf.oprf.finalize(state.password, state.blind, evaluated);
  const stretched = await config.stretch(oprfOutput);
  try {
    return extract(sha512, concatBytes(oprfOutput, stretched));
  } finally {
    wipe(oprfOutput, stretched);
  }
}

/** RFC 9807 §4.1.2: the keys derived from randomized_password and the envelope nonce. */
function envelopeKeys(randomizedPassword: Uint8Array, envelopeNonce: Uint8Array) {
  const authKey = expand(sha512, randomizedPassword, concatBytes(envelopeNonce, ascii("AuthKey")), Nh);
  const exportKey = expand(sha512, randomizedPassword, concatBytes(envelopeNonce, ascii("ExportKey")), Nh);
  const seed = expand(sha512, randomizedPassword, concatBytes(envelopeNonce, ascii("PrivateKey")), 32);
  const pair = deriveKeyPair(seed, "OPAQUE-DeriveDiffieHellmanKeyPair");
  wipe(seed);
  return { authKey, exportKey, clientPrivateKey: pair.secretKey, clientPublicKey: pair.publicKey };
}

/** RFC 9807 §4 CreateCleartextCredentials, serialized: server_public_key || len-prefixed identities. */
function cleartextCredentials(serverPublicKey: Uint8Array, clientPublicKey: Uint8Array, identities?: Identities) {
  return concatBytes(
    serverPublicKey,
    lengthPrefixed(identities?.server ?? serverPublicKey),
    lengthPrefixed(identities?.client ?? clientPublicKey),
  );
}

/** RFC 9497 §3.2.1 DeriveKeyPair with the modeOPRF contextString, whatever the info (§10.8.1). */
function deriveKeyPair(seed: Uint8Array, info: string): { secretKey: Uint8Array; publicKey: Uint8Array } {
  return ristretto255_oprf.oprf.deriveKeyPair(seed, ascii(info));
}

/** RFC 9807 §6.4.1.1 DiffieHellman: SerializeElement(k * B). */
function dh(secretKey: Uint8Array, element: Element): Uint8Array {
  return element.multiply(Point.Fn.fromBytes(secretKey)).toBytes();
}

/** RFC 9807 §6.4.2.1 Expand-Label with the "OPAQUE-" prefix. */
function expandLabel(secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const fullLabel = ascii("OPAQUE-" + label);
  const info = concatBytes(i2osp(length, 2), i2osp(fullLabel.length, 1), fullLabel, i2osp(context.length, 1), context);
  return expand(sha512, secret, info, length);
}

/**
 * DeserializeElement (§10.8.1): RFC 9496 §4.3.1 decoding refuses non-canonical bytes; RFC 9497 §3.3 then refuses the
 * identity.
 */
function deserializeElement(bytes: Uint8Array, what: string): Element {
  if (bytes.length !== 32) throw new OpaqueClientError("malformed", `${what} must be 32 bytes`);
  let element: Element;
  try {
    element = Point.fromBytes(bytes);
  } catch (error) {
    throw new OpaqueClientError("malformed", `${what} is not a ristretto255 encoding`, { cause: error });
  }
  if (element.equals(Point.ZERO)) throw new OpaqueClientError("malformed", `${what} is the identity element`);
  return element;
}

function i2osp(value: number, length: 1 | 2): Uint8Array {
  if (value >= 256 ** length) throw new RangeError(`${value} does not fit in ${length} bytes`);
  return length === 1 ? Uint8Array.of(value) : Uint8Array.of(value >> 8, value & 0xff);
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  return concatBytes(i2osp(bytes.length, 2), bytes);
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new RangeError("xor needs equal lengths");
  return a.map((byte, i) => byte ^ b[i]);
}

/** Compares in time independent of where the inputs differ (RFC 9807 §1.2 ct_equal). */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

function wipe(...secrets: Uint8Array[]): void {
  for (const secret of secrets) secret.fill(0);
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** §10.8.3: unpadded base64url (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** §10.8.3: decodes unpadded base64url, refusing anything but the canonical form. */
export function fromBase64Url(text: string): Uint8Array {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw new SyntaxError("Not unpadded base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "==".slice(0, (4 - text.length % 4) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  if (toBase64Url(bytes) !== text) throw new SyntaxError("Non-canonical base64url: unused bits are not zero");
  return bytes;
}
