// Wraps a transport Connection in the secure channel: handshake first, then every frame inside records (PROTOCOL.md §7-9).

import { CodecError } from "../core/codec/error.ts";
import { encodeEnvelope } from "../core/codec/envelope.ts";
import { HandshakeError, RecordError } from "../core/crypto/errors.ts";
import { type Alert, encodeAlert } from "../core/crypto/handshake_messages.ts";
import type { ServerHandshakeOptions } from "../core/crypto/handshake_server.ts";
import { HandshakeRefusal, performServerHandshake } from "../core/crypto/perform_handshake.ts";
import type { KexId } from "../core/crypto/primitives/types.ts";
import type { RecordOptions } from "../core/crypto/record.ts";
import type { SecureDuplex } from "../core/crypto/secure_duplex.ts";
import { suiteName } from "../core/crypto/suites.ts";
import { errorBody, type ErrorCode } from "../core/protocol/errors.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { TransportError } from "../core/transport/duplex.ts";
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
 * session handler neither knows nor cares: its `read()` runs the handshake
 * first and then answers decrypted envelopes; its `write()` seals.
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
  #handshake: Promise<SecureDuplex | undefined> | undefined;
  #secure: SecureDuplex | undefined;
  #exporter: Uint8Array | undefined;
  /** Set when the peer ended the stream: `peer_closed` after a close notice, `cut_off` without one. */
  #peerEnd: string | undefined;
  #ended = false;
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
    return this.#secure !== undefined;
  }

  get closed(): Promise<CloseInfo> {
    return this.#raw.closed;
  }

  #security(kind: string, message: string): void {
    this.#context.logger.warn("security", { conn: this.id, remote: this.remoteAddress, kind, message });
  }

  /**
   * The next envelope. The first call runs the handshake. A `FrameError` from the transport, or record content that
   * is not whole frames, rejects (the session answers it, now encrypted); every other end resolves `null`.
   */
  async read(): Promise<Uint8Array | null> {
    // Once established, no await on the settled handshake: one trip through the microtask queue less per read.
    const secure = this.#secure ?? await (this.#handshake ??= this.#runHandshake());
    if (!secure || this.#ended) return null;
    let payload: Uint8Array | null;
    try {
      // Answers to the requests of one record leave together: the channel holds what is written until the session
      // asks for the next envelope, that is after it has answered the last one (corkPerRecord).
      payload = await secure.read();
    } catch (error) {
      if (error instanceof FrameError) throw error;
      if (!(error instanceof TransportError)) throw error;
      this.#ended = true;
      if (this.#closing) return null;
      if (secure.cutOff) {
        this.#peerEnd ??= "cut_off";
        this.#context.logger.debug("cut_off", { conn: this.id, message: "The stream ended without a close notice" });
        return null;
      }
      if (error.cause instanceof RecordError) {
        // Every record failure looks the same to the peer: the connection just closes (PROTOCOL.md §9.4).
        this.#security(error.cause.kind, error.cause.message);
        await this.#raw.close(`record_${error.cause.kind}`, 1002);
        return null;
      }
      if (error.cause instanceof CodecError) throw FrameError.fromCodec(error.cause);
      throw error;
    }
    if (payload === null) {
      this.#ended = true;
      if (!this.#closing) this.#peerEnd = "peer_closed";
    }
    return payload;
  }

  /** Runs the server's side of the handshake; the secured duplex, or undefined when the connection is over. */
  async #runHandshake(): Promise<SecureDuplex | undefined> {
    const { handshake, logger } = this.#context;
    let session;
    try {
      session = await performServerHandshake(this.#raw, {
        ...handshake,
        records: this.#context.records,
        maxFrameBytes: this.#context.maxFrameBytes,
        beforeKeyExchange: this.#hooks.beforeKeyExchange,
        channel: {
          corkPerRecord: true,
          onRecord: this.#hooks.heard,
          onSealError: (error) => {
            logger.error("seal_failed", { conn: this.id, error: String(error), stack: (error as Error).stack });
            void this.#raw.close("seal_failed", 1011);
          },
        },
      });
    } catch (error) {
      if (this.#closing) return undefined;
      if (error instanceof HandshakeRefusal) {
        this.#security("handshake_refused", error.alert.message);
        this.#alertAndClose(error.alert, `handshake_${error.alert.code}`, 1013);
        return undefined;
      }
      if (error instanceof HandshakeError) {
        // The client hung up before saying anything: nothing to log beyond the disconnect.
        if (error.kind === "closed") return undefined;
        if (error.kind === "abandoned") {
          this.#security("handshake_abandoned", error.message);
          return undefined;
        }
        this.#security(error.kind, error.message);
        // A precise reason helps an honest client with a config mismatch; a tampered Finished gets none.
        const message = error.kind === "bad_finished" ? "Handshake failed" : error.message;
        this.#alertAndClose({ code: "handshake_failed", message }, `handshake_${error.kind}`, 1002);
        return undefined;
      }
      if (error instanceof FrameError) {
        this.#security("bad_frame", error.message);
        this.#alertAndClose({ code: error.code, message: error.message }, error.code, error.wsCode);
        return undefined;
      }
      throw error;
    }
    if (this.#closing) return undefined;
    this.#secure = session.duplex;
    this.#exporter = session.exporter;
    logger.debug("secure", { conn: this.id, suite: suiteName(session.suite) });
    this.#hooks.established?.();
    return session.duplex;
  }

  #alertAndClose(alert: Alert, reason: string, wsCode: number): void {
    this.#raw.write(encodeAlert(alert));
    this.#closing ??= this.#raw.close(reason, wsCode);
  }

  write(payload: Uint8Array): void {
    // Before the handshake completes there is nothing the session may say.
    this.#secure?.write(payload);
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
    if (!this.#secure) {
      this.#alertAndClose({ code, message, retryAfterMs }, reason, wsCode);
      return this.#closing!;
    }
    this.write(encodeEnvelope({ opcode: Op.error, id: 0, body: errorBody(code, message, retryAfterMs) }));
    return this.close(reason, wsCode);
  }

  close(reason = "closed", wsCode?: number): Promise<void> {
    this.#closing ??= (async () => {
      if (reason === "peer_closed" && this.#peerEnd) reason = this.#peerEnd;
      // The server answers a close_notify with its own, and sends one before every close it starts (§9.4).
      if (this.#secure && reason !== "cut_off") await this.#secure.closeNotify();
      await this.#raw.close(reason, wsCode);
    })();
    return this.#closing;
  }
}
