// The server's side of the handshake: one function per message (PROTOCOL.md §7).

import { HandshakeError } from "./errors.ts";
import {
  encodeServerHello,
  encodeServerHelloBody,
  parseClientFinished,
  parseClientHello,
  RANDOM_BYTES,
} from "./handshake_messages.ts";
import { publicKeys, type ServerKeys } from "./identity.ts";
import { type ChannelSecrets, deriveSecrets } from "./key_schedule.ts";
import { constantTimeEqual } from "../bytes/mod.ts";
import { KexError } from "./primitives/errors.ts";
import type { CryptoProvider, KexGroupParams, RandomSource, SigId } from "./primitives/types.ts";
import { negotiate, type Suite, type SuitePreferences } from "./suites.ts";
import { signatureInput, transcriptHash } from "./_transcript.ts";

/** What the server accepts and who it is. */
export interface ServerHandshakeOptions {
  provider: CryptoProvider;
  accept: SuitePreferences;
  /** The configured finite-field group; ffdhe is chosen only when the client offers this same group. */
  group: KexGroupParams;
  keys: ServerKeys;
  /** The server's frame limit, announced in the ServerHello (PROTOCOL.md §7.3). */
  maxFrameBytes: number;
  /** Fixed randomness, for deterministic test vectors only. */
  random?: RandomSource;
}

/** The server's state after the ClientHello. */
export interface ClientHelloReceived {
  readonly payload: Uint8Array;
  readonly suite: Suite;
  readonly clientShare: Uint8Array;
}

/** The server's state after sending its ServerHello. */
export interface ServerHelloSent {
  readonly payload: Uint8Array;
  readonly suite: Suite;
  readonly secrets: ChannelSecrets;
  /** `H(ClientHello || ServerHello)`. */
  readonly transcript: Uint8Array;
}

/**
 * Message 1, received: parses the offer and picks the suite by the server's preferences.
 *
 * @param options The server's policy.
 * @param payload The client's first frame payload.
 * @returns The choice; throws {@link HandshakeError} (`malformed`, `unsupported_version`, `no_common_suite`).
 */
export function readClientHello(options: ServerHandshakeOptions, payload: Uint8Array): ClientHelloReceived {
  const hello = parseClientHello(payload);
  const sameGroup = hello.group !== undefined && hello.group.p === options.group.p && hello.group.g === options.group.g;
  const accept = {
    ...options.accept,
    // A different finite-field group is no common ground; neither is a scheme we hold no key for.
    kex: options.accept.kex.filter((kex) => kex !== "ffdhe" || sameGroup),
    sig: options.accept.sig.filter((sig: SigId) => options.keys[sig] !== undefined),
  };
  const result = negotiate(hello.offer, accept);
  if (!result.ok) {
    throw new HandshakeError(
      "no_common_suite",
      `No common ${result.part}: the server accepts ${accept[result.part].join(", ") || "nothing"}`,
    );
  }
  return { payload, suite: result.suite, clientShare: hello.shares.get(result.suite.kex)! };
}

/**
 * Message 2: the server's key share, its public keys and its signature over the transcript.
 *
 * @param options The server's policy and keys.
 * @param received From {@link readClientHello}.
 * @returns The frame payload to send and the derived secrets.
 */
export async function writeServerHello(
  options: ServerHandshakeOptions,
  received: ClientHelloReceived,
): Promise<ServerHelloSent> {
  const { provider } = options;
  const { suite } = received;
  let response: { share: Uint8Array; sharedSecret: Uint8Array };
  try {
    response = await provider.kex(suite.kex, suite.kex === "ffdhe" ? options.group : undefined)
      .respond(received.clientShare, options.random);
  } catch (error) {
    if (error instanceof KexError) throw new HandshakeError("bad_share", error.message, { cause: error });
    throw error;
  }
  const random = (options.random ?? provider.random)(RANDOM_BYTES);
  const signedBody = encodeServerHelloBody({
    random,
    suite,
    share: response.share,
    identity: publicKeys(options.keys),
    maxFrameBytes: options.maxFrameBytes,
    // Announced when the server would accept ffdhe, so a client can learn the group it would have to offer.
    group: options.accept.kex.includes("ffdhe") ? { p: options.group.p, g: options.group.g } : undefined,
  });
  const hash = provider.hash(suite.hash);
  const signature = await provider.signature(suite.sig).sign(
    options.keys[suite.sig]!.secretKey,
    signatureInput(hash, received.payload, signedBody),
  );
  const payload = encodeServerHello(signedBody, signature);
  const transcript = transcriptHash(hash, received.payload, payload);
  const secrets = deriveSecrets(hash, response.sharedSecret, transcript);
  response.sharedSecret.fill(0);
  return { payload, suite, secrets, transcript };
}

/**
 * Message 3, received: checks the client's Finished MAC in constant time.
 *
 * @param options Supplies the hash.
 * @param sent From {@link writeServerHello}.
 * @param payload The client's second frame payload.
 */
export function readClientFinished(options: ServerHandshakeOptions, sent: ServerHelloSent, payload: Uint8Array): void {
  const mac = parseClientFinished(payload);
  const expected = options.provider.hash(sent.suite.hash).hmac(sent.secrets.clientFinished, sent.transcript);
  if (!constantTimeEqual(mac, expected)) {
    throw new HandshakeError(
      "bad_finished",
      "The client's Finished does not match: the handshake was altered in transit",
    );
  }
}
