// The client's side of the handshake: one function per message (PROTOCOL.md §7).

import { HandshakeError } from "./errors.ts";
import {
  ContentType,
  encodeClientFinished,
  encodeClientHello,
  parseAlert,
  parseServerHello,
  RANDOM_BYTES,
} from "./handshake_messages.ts";
import { fingerprint, type IdentityKeys } from "./identity.ts";
import { type ChannelSecrets, deriveSecrets } from "./key_schedule.ts";
import { KexError } from "./primitives/errors.ts";
import type { CryptoProvider, KexGroupParams, KexId, RandomSource } from "./primitives/types.ts";
import type { Suite, SuitePart, SuitePreferences } from "./suites.ts";
import { signatureInput, transcriptHash } from "./_transcript.ts";

/** What the client offers and with what. */
export interface ClientHandshakeOptions {
  provider: CryptoProvider;
  offer: SuitePreferences;
  /** The finite-field group; required when `offer.kex` includes `ffdhe`. */
  group?: KexGroupParams;
  /** Fixed randomness, for deterministic test vectors only. */
  random?: RandomSource;
}

/** The client's state between its first and second message. */
export interface ClientHelloSent {
  readonly payload: Uint8Array;
  readonly options: ClientHandshakeOptions;
  readonly finishers: Map<KexId, (serverShare: Uint8Array) => Promise<Uint8Array>>;
}

/** What a completed handshake established. */
export interface HandshakeResult {
  suite: Suite;
  secrets: ChannelSecrets;
  /** The server's public keys, as it presented them. */
  identity: IdentityKeys;
  /** Fingerprint of `identity`, to compare with a pin. */
  fingerprint: string;
  /** The largest envelope the server accepts, as it announced it. */
  serverMaxFrameBytes: number;
  /** The server's finite-field group, when it accepts ffdhe. */
  serverGroup?: { p: bigint; g: bigint };
}

/**
 * Message 1: a fresh random and one fresh ephemeral key share per offered key exchange.
 *
 * @param options Offer, provider and, with ffdhe, the group.
 * @returns The frame payload to send and the state for {@link readServerHello}.
 */
export async function writeClientHello(options: ClientHandshakeOptions): Promise<ClientHelloSent> {
  const { provider, offer } = options;
  const random = options.random ?? provider.random;
  if (offer.kex.includes("ffdhe") && !options.group) throw new TypeError("Offering ffdhe needs a group");
  const shares = new Map<KexId, Uint8Array>();
  const finishers = new Map<KexId, (serverShare: Uint8Array) => Promise<Uint8Array>>();
  for (const kex of offer.kex) {
    const started = await provider.kex(kex, kex === "ffdhe" ? options.group : undefined).start(options.random);
    shares.set(kex, started.share);
    finishers.set(kex, started.finish);
  }
  const group = offer.kex.includes("ffdhe") ? { p: options.group!.p, g: options.group!.g } : undefined;
  const payload = encodeClientHello({ random: random(RANDOM_BYTES), offer, shares, group });
  return { payload, options, finishers };
}

/**
 * Message 2, received: checks the choice against the offer, the signature
 * against the transcript, finishes the key exchange and derives the secrets.
 * Pinning the identity is the caller's job (it knows where pins live).
 *
 * @param sent State from {@link writeClientHello}.
 * @param payload The server's first frame payload.
 * @returns The handshake's result; throws {@link HandshakeError}.
 */
export async function readServerHello(sent: ClientHelloSent, payload: Uint8Array): Promise<HandshakeResult> {
  if (payload[0] === ContentType.alert) {
    const alert = parseAlert(payload);
    throw new HandshakeError("alert", `Server refused the connection (${alert.code}): ${alert.message}`);
  }
  const { signedBody, signature, body } = parseServerHello(payload);
  const { provider, offer } = sent.options;
  for (const part of ["kex", "aead", "hash", "sig"] as SuitePart[]) {
    if (!(offer[part] as readonly string[]).includes(body.suite[part])) {
      throw new HandshakeError("downgrade", `Server chose ${part} ${body.suite[part]}, which was not offered`);
    }
  }
  const hash = provider.hash(body.suite.hash);
  const publicKey = body.identity[body.suite.sig];
  // PROTOCOL.md §7.3: no key for the chosen scheme is a failed authentication, like a bad signature.
  if (!publicKey) throw new HandshakeError("bad_signature", `Server sent no ${body.suite.sig} key`);
  const input = signatureInput(hash, sent.payload, signedBody);
  if (!await provider.signature(body.suite.sig).verify(publicKey, input, signature)) {
    throw new HandshakeError(
      "bad_signature",
      "The server's signature does not verify: the handshake was altered in transit (a downgrade or a man in the middle)",
    );
  }
  let sharedSecret: Uint8Array;
  try {
    sharedSecret = await sent.finishers.get(body.suite.kex)!(body.share);
  } catch (error) {
    if (error instanceof KexError) throw new HandshakeError("bad_share", error.message, { cause: error });
    throw error;
  }
  const secrets = deriveSecrets(hash, sharedSecret, transcriptHash(hash, sent.payload, payload));
  sharedSecret.fill(0);
  return {
    suite: body.suite,
    secrets,
    identity: body.identity,
    fingerprint: fingerprint(provider, body.identity),
    serverMaxFrameBytes: body.maxFrameBytes,
    serverGroup: body.group,
  };
}

/**
 * Message 3: the client's Finished, a MAC over the transcript that proves it derived the same keys.
 *
 * @param sent State from {@link writeClientHello}.
 * @param result From {@link readServerHello}.
 * @param serverHello The server's first frame payload.
 * @returns The frame payload to send.
 */
export function writeClientFinished(
  sent: ClientHelloSent,
  result: HandshakeResult,
  serverHello: Uint8Array,
): Uint8Array {
  const hash = sent.options.provider.hash(result.suite.hash);
  return encodeClientFinished(
    hash.hmac(result.secrets.clientFinished, transcriptHash(hash, sent.payload, serverHello)),
  );
}
