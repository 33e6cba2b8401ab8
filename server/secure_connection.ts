// Wraps a transport Connection in the secure channel: handshake first, then every frame inside records (PROTOCOL.md §7-9).

import { CodecError } from "../core/codec/error.ts";
import { SecureChannel } from "../core/crypto/channel.ts";
import { HandshakeError, RecordError } from "../core/crypto/errors.ts";
import { encodeAlert } from "../core/crypto/handshake_messages.ts";
import {
  readClientFinished,
  readClientHello,
  type ServerHandshakeOptions,
  writeServerHello,
} from "../core/crypto/handshake_server.ts";
import type { RecordOptions } from "../core/crypto/record.ts";
import { suiteName } from "../core/crypto/suites.ts";
import type { Logger } from "./log.ts";
import { type CloseInfo, type Connection, FrameError } from "./transport/connection.ts";

/** What every secured connection shares. */
export interface SecureContext {
  handshake: ServerHandshakeOptions;
  records: RecordOptions;
  handshakeTimeoutMs: number;
  maxFrameBytes: number;
  logger: Logger;
}

/**
 * Secures a connection. The result is again a {@link Connection}, so the
 * session handler neither knows nor cares: its `frames()` runs the handshake
 * first and then yields decrypted envelopes; its `send()` seals.
 *
 * @param raw A transport connection, before any byte was read.
 * @param context Keys, policy, limits and logger.
 * @returns The secured connection.
 */
export function secureConnection(raw: Connection, context: SecureContext): Connection {
  return new SecureConnection(raw, context);
}

class SecureConnection implements Connection {
  readonly id: number;
  readonly transport;
  readonly remoteAddress: string;
  readonly remoteHost: string;
  readonly #raw: Connection;
  readonly #context: SecureContext;
  #channel: SecureChannel | undefined;
  #exporter: Uint8Array | undefined;
  /** Set when the peer ended the stream: `closed` after a close notice, `cut_off` without one. */
  #peerEnd: string | undefined;
  #closing: Promise<void> | undefined;

  constructor(raw: Connection, context: SecureContext) {
    this.#raw = raw;
    this.#context = context;
    this.id = raw.id;
    this.transport = raw.transport;
    this.remoteAddress = raw.remoteAddress;
    this.remoteHost = raw.remoteHost;
  }

  get channelBinding(): Uint8Array | undefined {
    return this.#exporter;
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
        this.#peerEnd ??= "cut_off";
        this.#context.logger.info("cut_off", { conn: this.id, message: "The stream ended without a close notice" });
        return;
      }
      let received;
      try {
        received = await channel.receive(next.value);
      } catch (error) {
        if (error instanceof RecordError) {
          // Every record failure looks the same to the peer: the connection just closes.
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
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.#security("handshake_timeout", `No handshake within ${this.#context.handshakeTimeoutMs} ms`);
      this.#alertAndClose("timeout", "The handshake took too long", "handshake_timeout", 1002);
    }, this.#context.handshakeTimeoutMs);
    try {
      const hello = await incoming.next();
      if (hello.done || timedOut) return false;
      const received = readClientHello(handshake, hello.value);
      const sent = await writeServerHello(handshake, received);
      this.#raw.send(sent.payload);
      const finished = await incoming.next();
      if (finished.done || timedOut) {
        if (!timedOut) {
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
          logger.error("seal_failed", { conn: this.id, error: String(error) });
          void this.#raw.close("seal_failed", 1011);
        },
      });
      logger.info("secure", { conn: this.id, suite: suiteName(sent.suite) });
      return true;
    } catch (error) {
      if (timedOut) return false;
      if (error instanceof HandshakeError) {
        this.#security(error.kind, error.message);
        // A precise reason helps an honest client with a config mismatch; a tampered Finished gets none.
        const message = error.kind === "bad_finished" ? "Handshake failed" : error.message;
        this.#alertAndClose("handshake_failed", message, `handshake_${error.kind}`, 1002);
        return false;
      }
      if (error instanceof FrameError) {
        this.#security("bad_frame", error.message);
        this.#alertAndClose(error.code, error.message, error.code, error.wsCode);
        return false;
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  #alertAndClose(code: string, message: string, reason: string, wsCode: number): void {
    this.#raw.send(encodeAlert({ code, message }));
    void this.#raw.close(reason, wsCode);
  }

  send(payload: Uint8Array): void {
    // Before the handshake completes there is nothing the session may say.
    this.#channel?.send(payload);
  }

  close(reason: string, wsCode?: number): Promise<void> {
    this.#closing ??= (async () => {
      if (reason === "peer_closed" && this.#peerEnd) reason = this.#peerEnd;
      if (this.#channel && reason !== "cut_off") await this.#channel.close();
      await this.#raw.close(reason, wsCode);
    })();
    return this.#closing;
  }
}
