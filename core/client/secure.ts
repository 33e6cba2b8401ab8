// Secures any client transport: runs the handshake, checks the server's identity, then seals and opens records.

import { CodecError } from "../codec/error.ts";
import { maxOuterPayload, SecureChannel } from "../crypto/channel.ts";
import { HandshakeError, RecordError } from "../crypto/errors.ts";
import {
  type ClientHandshakeOptions,
  type HandshakeResult,
  readServerHello,
  writeClientFinished,
  writeClientHello,
} from "../crypto/handshake_client.ts";
import type { RecordOptions } from "../crypto/record.ts";
import type { CryptoConfig } from "../config/schema.ts";
import type { CryptoProvider } from "../crypto/primitives/types.ts";
import { cryptoSettings } from "../crypto/settings.ts";
import { type PayloadTransport, TransportError, type TransportSink } from "./transport.ts";

/** How the client secures a connection. */
export interface SecureClientOptions extends ClientHandshakeOptions {
  records: RecordOptions;
  maxFrameBytes: number;
  /** Give up on a server that does not complete the handshake by then. */
  handshakeTimeoutMs: number;
  /**
   * Decides whether to trust the server that answered: throw a
   * {@link HandshakeError} `key_changed` to refuse (a changed pin, a
   * fingerprint different from the page's). Runs before any record is sent.
   */
  verify(result: HandshakeResult): void | Promise<void>;
}

/** A secured transport and what the handshake established. */
export interface SecureSession {
  transport: PayloadTransport;
  result: HandshakeResult;
}

/**
 * Runs the client's handshake on an open transport.
 *
 * @param raw A transport that has not been started yet.
 * @param options Offer, provider, identity check and limits.
 * @returns The secured transport; rejects with {@link HandshakeError} or {@link TransportError}.
 *
 * @example
 * ```ts
 * import { secureTransport } from "./secure.ts";
 * import { connectWebSocket } from "./websocket.ts";
 * import { MimiClient } from "./client.ts";
 * import { nobleProvider } from "../crypto/primitives/noble.ts";
 * import { DEFAULT_PREFERENCES } from "../crypto/suites.ts";
 * import { FFDHE_GROUPS } from "../crypto/primitives/ffdhe.ts";
 * const { transport, result } = await secureTransport(await connectWebSocket("ws://127.0.0.1:8080/ws"), {
 *   provider: nobleProvider,
 *   offer: DEFAULT_PREFERENCES,
 *   group: FFDHE_GROUPS.ffdhe3072,
 *   records: { padding: 32, rekeyAfterRecords: 1 << 20, rekeyAfterBytes: 1 << 30 },
 *   maxFrameBytes: 1 << 20,
 *   handshakeTimeoutMs: 10_000,
 *   verify(result) { console.log("server", result.fingerprint); },
 * });
 * const client = new MimiClient(transport);
 * ```
 */
export function secureTransport(raw: PayloadTransport, options: SecureClientOptions): Promise<SecureSession> {
  return new Promise((resolve, reject) => {
    const secured = new SecuredTransport(raw, options);
    secured.handshake().then((result) => resolve({ transport: secured, result }), reject);
  });
}

class SecuredTransport implements PayloadTransport {
  readonly #raw: PayloadTransport;
  readonly #options: SecureClientOptions;
  #channel: SecureChannel | undefined;
  #sink: TransportSink | undefined;
  /** Frames that arrived before `start()`, and the end if it came too. */
  #early: Uint8Array[] = [];
  #earlyEnd: { error?: Error } | undefined;
  /** Incoming payloads are handled one at a time, in order, though opening is async. */
  #queue: Promise<void> = Promise.resolve();
  #onHandshakePayload: ((payload: Uint8Array) => void) | undefined;
  #onHandshakeEnd: ((error?: Error) => void) | undefined;
  #failure: Error | undefined;
  #ended = false;

  constructor(raw: PayloadTransport, options: SecureClientOptions) {
    this.#raw = raw;
    this.#options = options;
  }

  handshake(): Promise<HandshakeResult> {
    const options = this.#options;
    return new Promise<HandshakeResult>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#raw.close();
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new HandshakeError(
              "timeout",
              `The server did not complete the handshake in ${options.handshakeTimeoutMs} ms`,
            ),
          ),
        options.handshakeTimeoutMs,
      );
      this.#onHandshakeEnd = (error) =>
        fail(
          error ?? new HandshakeError("unexpected_message", "The server closed the connection during the handshake"),
        );
      this.#raw.start({
        payload: (payload) => this.#enqueue(payload),
        closed: (error) => this.#queue = this.#queue.then(() => this.#end(error)),
      });
      writeClientHello(options).then((sent) => {
        this.#raw.send(sent.payload);
        this.#onHandshakePayload = (serverHello) => {
          this.#onHandshakePayload = undefined;
          this.#queue = this.#queue.then(async () => {
            try {
              const result = await readServerHello(sent, serverHello);
              await options.verify(result);
              this.#raw.send(writeClientFinished(sent, result, serverHello));
              this.#channel = await SecureChannel.create({
                provider: options.provider,
                suite: result.suite,
                sendSecret: result.secrets.clientTraffic,
                receiveSecret: result.secrets.serverTraffic,
                records: options.records,
                maxFrameBytes: options.maxFrameBytes,
                write: (payload) => this.#raw.send(payload),
                onError: (error) => this.#abort(new TransportError("Cannot seal a record", { cause: error })),
              });
              this.#onHandshakeEnd = undefined;
              settled = true;
              clearTimeout(timer);
              resolve(result);
            } catch (error) {
              fail(error as Error);
            }
          });
        };
      }, (error) => fail(error));
    });
  }

  #enqueue(payload: Uint8Array): void {
    if (this.#onHandshakePayload) return this.#onHandshakePayload(payload);
    this.#queue = this.#queue.then(() => this.#receive(payload));
  }

  async #receive(payload: Uint8Array): Promise<void> {
    if (this.#ended || this.#failure) return;
    if (!this.#channel) {
      // Anything but the ServerHello before the channel exists breaks the protocol.
      return this.#abort(
        new HandshakeError("unexpected_message", "The server sent data before the handshake completed"),
      );
    }
    try {
      const { payloads, closeNotify } = await this.#channel.receive(payload);
      for (const p of payloads) this.#deliver(p);
      if (closeNotify) this.#raw.close();
    } catch (error) {
      if (error instanceof RecordError || error instanceof CodecError) {
        return this.#abort(
          new TransportError(`The connection was tampered with or corrupted (${error.message})`, { cause: error }),
        );
      }
      throw error;
    }
  }

  #deliver(payload: Uint8Array): void {
    if (this.#sink) this.#sink.payload(payload);
    else this.#early.push(payload);
  }

  #abort(error: Error): void {
    this.#failure ??= error;
    this.#raw.close();
  }

  #end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#onHandshakeEnd) return this.#onHandshakeEnd(error);
    const reason = this.#failure ?? error;
    if (this.#sink) this.#sink.closed(reason);
    else this.#earlyEnd = { error: reason };
  }

  start(sink: TransportSink): void {
    this.#sink = sink;
    for (const payload of this.#early) sink.payload(payload);
    this.#early = [];
    if (this.#earlyEnd) sink.closed(this.#earlyEnd.error);
  }

  send(payload: Uint8Array): void {
    this.#channel?.send(payload);
  }

  close(): void {
    if (!this.#channel) return this.#raw.close();
    // A clean end: flush, close notice, then the transport.
    void this.#channel.close().finally(() => this.#raw.close());
  }
}

/**
 * Client options from the shared config's `crypto` section.
 *
 * @param crypto The `crypto` section (its preferences become the offer).
 * @param maxFrameBytes Largest envelope accepted.
 * @param provider Primitive implementation (see `detectProvider`).
 * @param verify Identity check, see {@link SecureClientOptions.verify}.
 * @returns Options for {@link secureTransport}.
 */
export function secureOptionsFromConfig(
  crypto: CryptoConfig,
  maxFrameBytes: number,
  provider: CryptoProvider,
  verify: SecureClientOptions["verify"],
): SecureClientOptions {
  const settings = cryptoSettings(crypto);
  return {
    provider,
    offer: settings.preferences,
    group: settings.group,
    records: settings.records,
    handshakeTimeoutMs: settings.handshakeTimeoutMs,
    maxFrameBytes,
    verify,
  };
}

/** The largest outer frame the client must accept for its settings (PROTOCOL.md §9.2). */
export function clientFrameLimit(options: { maxFrameBytes: number; records: RecordOptions }): number {
  return maxOuterPayload(options.maxFrameBytes, options.records.padding);
}
