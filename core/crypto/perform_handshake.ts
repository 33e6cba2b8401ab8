// The handshake as one function per role over a pull Duplex (PROTOCOL.md §7), as js-libp2p-noise performs its own.

import type { Duplex } from "../transport/duplex.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import { HandshakeError } from "./errors.ts";
import {
  type ClientHandshakeOptions,
  type HandshakeResult,
  readServerHello,
  writeClientFinished,
  writeClientHello,
} from "./handshake_client.ts";
import type { Alert } from "./handshake_messages.ts";
import {
  readClientFinished,
  readClientHello,
  type ServerHandshakeOptions,
  writeServerHello,
} from "./handshake_server.ts";
import type { KexId } from "./primitives/types.ts";
import type { RecordOptions } from "./record.ts";
import { SecureDuplex, type SecureDuplexOptions } from "./secure_duplex.ts";
import type { Suite } from "./suites.ts";

/** How the client secures a connection. */
export interface ClientSecureOptions extends ClientHandshakeOptions {
  records: RecordOptions;
  /** Largest envelope in either direction. */
  maxFrameBytes: number;
  /** Give up on a server that does not complete the handshake by then. */
  handshakeTimeoutMs: number;
  /** Times the handshake; the system clock by default. */
  clock?: Clock;
  /**
   * Decides whether to trust the server that answered: throw a
   * {@link HandshakeError} `key_changed` to refuse (a changed pin, a
   * fingerprint different from the page's). Runs before the client's Finished
   * is sent, so a refused server never sees a record.
   */
  verify(result: HandshakeResult): void | Promise<void>;
  /** Told of every record the server sends once the channel is established (tests count records with it). */
  onRecord?(): void;
}

/** A secured client connection and what its handshake established. */
export interface ClientSession {
  /** Plaintext payloads (envelopes) in and out. */
  duplex: SecureDuplex;
  result: HandshakeResult;
}

/**
 * Runs the client's side of the handshake: ClientHello, ServerHello, the
 * identity check, ClientFinished, each an `await` in turn.
 *
 * @param raw An open transport on which nothing was read or written yet; the session owns it from now on.
 * @param options Offer, provider, identity check, limits and timeout.
 * @returns The session; rejects with {@link HandshakeError} (`timeout` after `handshakeTimeoutMs`; `closed` when the
 *   server hangs up first; `alert` when it refuses) or the transport's `TransportError`. On failure `raw` is closed.
 *
 * @example
 * ```ts ignore
 * import { performClientHandshake } from "./perform_handshake.ts";
 * const { duplex, result } = await performClientHandshake(raw, options);
 * console.log("server", result.fingerprint);
 * duplex.write(envelope);
 * ```
 */
export async function performClientHandshake(raw: Duplex, options: ClientSecureOptions): Promise<ClientSession> {
  const clock = options.clock ?? systemClock;
  let timer: unknown;
  const late = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(
      () =>
        reject(
          new HandshakeError(
            "timeout",
            `The server did not complete the handshake in ${options.handshakeTimeoutMs} ms`,
          ),
        ),
      options.handshakeTimeoutMs,
    );
  });
  const handshake = clientHandshake(raw, options);
  try {
    return await Promise.race([handshake, late]);
  } catch (error) {
    // Closing the transport ends the handshake's pending read too; its own outcome no longer matters.
    handshake.catch(() => {});
    await raw.close();
    throw error;
  } finally {
    clock.clearTimeout(timer);
  }
}

async function clientHandshake(raw: Duplex, options: ClientSecureOptions): Promise<ClientSession> {
  const sent = await writeClientHello(options);
  raw.write(sent.payload);
  const serverHello = await raw.read();
  if (serverHello === null) {
    throw new HandshakeError("closed", "The server closed the connection during the handshake");
  }
  const result = await readServerHello(sent, serverHello);
  await options.verify(result);
  raw.write(writeClientFinished(sent, result, serverHello));
  const duplex = await SecureDuplex.create(raw, {
    provider: options.provider,
    suite: result.suite,
    sendSecret: result.secrets.clientTraffic,
    receiveSecret: result.secrets.serverTraffic,
    records: options.records,
    maxFrameBytes: options.maxFrameBytes,
    alertBeforeFirstRecord: true,
    onRecord: options.onRecord,
  });
  return { duplex, result };
}

/** How the server secures a connection. */
export interface ServerSecureOptions extends ServerHandshakeOptions {
  records: RecordOptions;
  /**
   * The ClientHello chose `kex`; the expensive part of the handshake comes next. Return an alert to refuse instead:
   * the handshake then rejects with {@link HandshakeRefusal} carrying it (PROTOCOL.md §8.1).
   */
  beforeKeyExchange?(kex: KexId): Alert | undefined;
  /** Hooks and habits of the channel once established. */
  channel?: Pick<SecureDuplexOptions, "corkPerRecord" | "onRecord" | "onSealError">;
}

/** A secured server connection and what its handshake established. */
export interface ServerSession {
  /** Plaintext payloads (envelopes) in and out. */
  duplex: SecureDuplex;
  suite: Suite;
  /** The channel's exporter (PROTOCOL.md §7.4), which logins bind to. */
  exporter: Uint8Array;
}

/** The server's policy refused the client before the key exchange; `alert` is what to tell it. */
export class HandshakeRefusal extends HandshakeError {
  override name = "HandshakeRefusal";
  readonly alert: Alert;

  /** @param alert The refusal to send. */
  constructor(alert: Alert) {
    super("refused", alert.message);
    this.alert = alert;
  }
}

/**
 * Runs the server's side of the handshake: ClientHello, ServerHello, ClientFinished, each an `await` in turn.
 * Timing it is the caller's job (the server sweeps every connection's deadlines at once): closing `raw` ends it.
 *
 * @param raw An accepted transport on which nothing was read yet.
 * @param options Policy, keys, limits and hooks.
 * @returns The session; rejects with {@link HandshakeError} (`closed` when the client leaves before its hello,
 *   `abandoned` when it leaves after the server's; {@link HandshakeRefusal} when `beforeKeyExchange` refused) or the
 *   transport's `TransportError`. On failure `raw` stays open: what to tell the client (an alert) is the caller's
 *   choice, and so is closing.
 */
export async function performServerHandshake(raw: Duplex, options: ServerSecureOptions): Promise<ServerSession> {
  const hello = await raw.read();
  if (hello === null) throw new HandshakeError("closed", "The client closed the connection before its hello");
  const received = readClientHello(options, hello);
  const refusal = options.beforeKeyExchange?.(received.suite.kex);
  if (refusal) throw new HandshakeRefusal(refusal);
  const sent = await writeServerHello(options, received);
  raw.write(sent.payload);
  const finished = await raw.read();
  if (finished === null) {
    throw new HandshakeError(
      "abandoned",
      "The client left after the server's hello (possible downgrade or man in the middle)",
    );
  }
  readClientFinished(options, sent, finished);
  const duplex = await SecureDuplex.create(raw, {
    provider: options.provider,
    suite: sent.suite,
    sendSecret: sent.secrets.serverTraffic,
    receiveSecret: sent.secrets.clientTraffic,
    records: options.records,
    maxFrameBytes: options.maxFrameBytes,
    ...options.channel,
  });
  return { duplex, suite: sent.suite, exporter: sent.secrets.exporter };
}
