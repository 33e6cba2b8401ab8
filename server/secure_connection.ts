// Wraps a transport Connection in the secure channel: handshake first, then every frame inside records (PROTOCOL.md §7-9).

import { CodecError } from "../core/codec/error.ts";
import { encodeEnvelope } from "../core/codec/envelope.ts";
import { SecureChannel } from "../core/crypto/channel.ts";
import { HandshakeError, RecordError } from "../core/crypto/errors.ts";
import { type Alert, encodeAlert } from "../core/crypto/handshake_messages.ts";
import {
  readClientFinished,
  readClientHello,
  type ServerHandshakeOptions,
  writeServerHello,
} from "../core/crypto/handshake_server.ts";
import type { KexId } from "../core/crypto/primitives/types.ts";
import type { RecordOptions } from "../core/crypto/record.ts";
import { suiteName } from "../core/crypto/suites.ts";
import { errorBody, type ErrorCode } from "../core/protocol/errors.ts";
import { Op } from "../core/protocol/opcodes.ts";
import type { Logger } from "./log.ts";
import { type CloseInfo, type Connection, FrameError } from "./transport/connection.ts";

/** What every secured connection shares. */
export interface SecureContext {
  handshake: ServerHandshakeOptions;
  records: RecordOptions;
  maxFrameBytes: number;
  logger: Logger;
}

/** What the server's policy hears from one secured connection. */
export interface SecureHooks {
  /**
   * The ClientHello chose `kex`; the expensive part of the handshake comes next. Return an alert to refuse instead
   * (the server's handshake work is rationed per address, PROTOCOL.md §8.1).
   */
  beforeKeyExchange?(kex: KexId): Alert | undefined;
  /** The handshake completed: records flow from now on. */
  established?(): void;
  /** A record arrived from the peer (any record: data, key update or close). */
  heard?(): void;
}

/**
 * Secures a connection. The result is again a {@link Connection}, so the
 * session handler neither knows nor cares: its `frames()` runs the handshake
 * first and then yields decrypted envelopes; its `send()` seals.
 *
 * @param raw A transport connection, before any byte was read.
 * @param context Keys, policy, limits and logger.
 * @param hooks What the server's policy wants to hear.
 * @returns The secured connection.
 */
export function secureConnection(raw: Connection, context: SecureContext, hooks: SecureHooks = {}): SecureConnection {
  return new SecureConnection(raw, context, hooks);
}

/** A connection in the secure channel (see {@link secureConnection}). */
export class SecureConnection implements Connection {
  readonly id: number;
  readonly transport;
  readonly remoteAddress: string;
  readonly remoteHost: string;
  readonly #raw: Connection;
  readonly #context: SecureContext;
  readonly #hooks: SecureHooks;
  #channel: SecureChannel | undefined;
  #exporter: Uint8Array | undefined;
  /** Set when the peer ended the stream: `closed` after a close notice, `cut_off` without one. */
  #peerEnd: string | undefined;
  #closing: Promise<void> | undefined;

  constructor(raw: Connection, context: SecureContext, hooks: SecureHooks) {
    this.#raw = raw;
    this.#context = context;
    this.#hooks = hooks;
    this.id = raw.id;
    this.transport = raw.transport;
    this.remoteAddress = raw.remoteAddress;
    this.remoteHost = raw.remoteHost;
  }

  get channelBinding(): Uint8Array | undefined {
    return this.#exporter;
  }

  /** Whether the handshake has completed. */
  get established(): boolean {
    return this.#channel !== undefined;
  }

  get closed(): Promise<CloseInfo> {
    return this.#raw.closed;
  }

  #security(kind: string, message: string): void {
    this.#context.logger.warn("security", { conn: this.id, remote: this.remoteAddress, kind, message });
  }

  async *frames(): AsyncIterable<Uint8Array> {
    const incoming = this.#raw.frames()[Symbol.asyncIterator]();
    if (!await this.#handshake(incoming)) return;
    const channel = this.#channel!;
    while (true) {
      // A FrameError from the transport propagates: the session answers it, now encrypted.
      const next = await incoming.next();
      if (next.done) {
        if (this.#closing) return;
        this.#peerEnd ??= "cut_off";
        this.#context.logger.info("cut_off", { conn: this.id, message: "The stream ended without a close notice" });
        return;
      }
      this.#hooks.heard?.();
      let received;
      try {
        received = await channel.receive(next.value);
      } catch (error) {
        if (error instanceof RecordError) {
          // Every record failure looks the same to the peer: the connection just closes (PROTOCOL.md §9.4).
          this.#security(error.kind, error.message);
          await this.#raw.close(`record_${error.kind}`, 1002);
          return;
        }
        if (error instanceof CodecError) throw FrameError.fromCodec(error);
        throw error;
      }
      // Answers to the requests of one record leave together: the generator resumes only when the
      // session asks for the next frame, that is after it has answered the last one.
      channel.cork();
      yield* received.payloads;
      channel.uncork();
      if (received.closeNotify) {
        this.#peerEnd = "peer_closed";
        return;
      }
    }
  }

  /** Runs the server's side of the handshake; false when the connection is over. */
  async #handshake(incoming: AsyncIterator<Uint8Array>): Promise<boolean> {
    const { handshake, logger } = this.#context;
    try {
      const hello = await incoming.next();
      if (hello.done || this.#closing) return false;
      const received = readClientHello(handshake, hello.value);
      const refusal = this.#hooks.beforeKeyExchange?.(received.suite.kex);
      if (refusal) {
        this.#security("handshake_refused", refusal.message);
        this.#alertAndClose(refusal, `handshake_${refusal.code}`, 1013);
        return false;
      }
      const sent = await writeServerHello(handshake, received);
      if (this.#closing) return false;
      this.#raw.send(sent.payload);
      const finished = await incoming.next();
      if (finished.done || this.#closing) {
        if (!this.#closing) {
          this.#security(
            "handshake_abandoned",
            "The client left after the server's hello (possible downgrade or man in the middle)",
          );
        }
        return false;
      }
      readClientFinished(handshake, sent, finished.value);
      this.#exporter = sent.secrets.exporter;
      this.#channel = await SecureChannel.create({
        provider: handshake.provider,
        suite: sent.suite,
        sendSecret: sent.secrets.serverTraffic,
        receiveSecret: sent.secrets.clientTraffic,
        records: this.#context.records,
        maxFrameBytes: this.#context.maxFrameBytes,
        write: (payload) => this.#raw.send(payload),
        onError: (error) => {
          logger.error("seal_failed", { conn: this.id, error: String(error), stack: (error as Error).stack });
          void this.#raw.close("seal_failed", 1011);
        },
      });
      if (this.#closing) return false;
      logger.info("secure", { conn: this.id, suite: suiteName(sent.suite) });
      this.#hooks.established?.();
      return true;
    } catch (error) {
      if (this.#closing) return false;
      if (error instanceof HandshakeError) {
        this.#security(error.kind, error.message);
        // A precise reason helps an honest client with a config mismatch; a tampered Finished gets none.
        const message = error.kind === "bad_finished" ? "Handshake failed" : error.message;
        this.#alertAndClose({ code: "handshake_failed", message }, `handshake_${error.kind}`, 1002);
        return false;
      }
      if (error instanceof FrameError) {
        this.#security("bad_frame", error.message);
        this.#alertAndClose({ code: error.code, message: error.message }, error.code, error.wsCode);
        return false;
      }
      throw error;
    }
  }

  #alertAndClose(alert: Alert, reason: string, wsCode: number): void {
    this.#raw.send(encodeAlert(alert));
    this.#closing ??= this.#raw.close(reason, wsCode);
  }

  send(payload: Uint8Array): void {
    // Before the handshake completes there is nothing the session may say.
    this.#channel?.send(payload);
  }

  /**
   * Ends the connection with a reason the peer can read: before the channel
   * exists an alert (PROTOCOL.md §7.5), after it an error envelope with id 0
   * (§6) followed by `close_notify` (§9.4).
   *
   * @param code The protocol error code.
   * @param message Sentence case, shown to the user.
   * @param reason Logged reason.
   * @param wsCode WebSocket close status.
   * @param retryAfterMs When the client may try again, if that helps it.
   */
  endWith(code: ErrorCode, message: string, reason: string, wsCode: number, retryAfterMs?: number): Promise<void> {
    if (this.#closing) return this.#closing;
    if (!this.#channel) {
      this.#alertAndClose({ code, message, retryAfterMs }, reason, wsCode);
      return this.#closing!;
    }
    this.send(encodeEnvelope({ opcode: Op.error, id: 0, body: errorBody(code, message, retryAfterMs) }));
    return this.close(reason, wsCode);
  }

  close(reason: string, wsCode?: number): Promise<void> {
    this.#closing ??= (async () => {
      if (reason === "peer_closed" && this.#peerEnd) reason = this.#peerEnd;
      // The server answers a close_notify with its own, and sends one before every close it starts (§9.4).
      if (this.#channel && reason !== "cut_off") await this.#channel.close();
      await this.#raw.close(reason, wsCode);
    })();
    return this.#closing;
  }
}
