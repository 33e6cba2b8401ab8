// The established secure channel as a Duplex of plaintext payloads, over a Duplex of records (PROTOCOL.md §9).

import { CodecError } from "../codec/error.ts";
import { decodeValue } from "../codec/value.ts";
import { type Duplex, TransportError } from "../transport/duplex.ts";
import { SecureChannel } from "./channel.ts";
import { HandshakeError, RecordError } from "./errors.ts";
import { ContentType } from "./handshake_messages.ts";
import type { CryptoProvider } from "./primitives/types.ts";
import type { RecordOptions } from "./record.ts";
import type { Suite } from "./suites.ts";

/** What a secured duplex needs: the handshake's outcome, the record options, and what its owner wants to hear. */
export interface SecureDuplexOptions {
  provider: CryptoProvider;
  suite: Suite;
  /** This side's traffic secret, and the peer's. */
  sendSecret: Uint8Array;
  receiveSecret: Uint8Array;
  records: RecordOptions;
  /** Largest envelope in either direction (the inner frame limit). */
  maxFrameBytes: number;
  /**
   * Hold what is written while the payloads of one record are being answered, until the next `read()`: the answers
   * to one record leave in one record (the server's habit; PROTOCOL.md §9).
   */
  corkPerRecord?: boolean;
  /**
   * The client's side: an alert in place of the peer's first record is the server's refusal (PROTOCOL.md §7.5). The
   * server may end a connection after its ServerHello but before it has read the client's Finished (it is shutting
   * down, or the handshake deadline passed); it then still speaks in alerts, though the client already has its keys.
   */
  alertBeforeFirstRecord?: boolean;
  /** Told of every record the peer sends (data, key update, close notice), before it is opened. */
  onRecord?(): void;
  /**
   * A record could not be sealed. The next `read()` rejects with `write_failed` whatever this does; without it, the
   * transport under the channel is closed.
   */
  onSealError?(error: unknown): void;
}

/**
 * The secure channel once the handshake is done: writes are sealed into
 * records, records read are opened, and the reader sees plaintext payloads
 * (envelopes) as from any other {@link Duplex}.
 *
 * `read()` resolves `null` after the peer's `close_notify`, and rejects with
 * a {@link TransportError}: `lost` for a stream that ended without one (a
 * truncation is never a clean end, §9.4; {@link cutOff} tells it apart),
 * `bad_message` for a record that fails to open (`cause`: the
 * {@link RecordError}), `bad_frame` or `frame_too_large` for record content
 * that is not whole frames (`cause`: the `CodecError`), or whatever the
 * transport underneath rejected with. After a record that fails to open, a
 * cut-off or a failed seal nothing more is sent; after a frame error the owner
 * may still write why it closes. `close()` sends `close_notify` (unless the
 * records broke) and closes the transport.
 */
export class SecureDuplex implements Duplex {
  readonly #raw: Duplex;
  readonly #channel: SecureChannel;
  readonly #options: SecureDuplexOptions;
  #ready: Uint8Array[] = [];
  #corked = false;
  #outcome: Promise<null> | undefined;
  #broken = false;
  #cutOff = false;
  #failure: TransportError | undefined;
  /** The last read's promise, and how many reads are not yet done: a read waits for the one before it. */
  #lastRead: Promise<unknown> = Promise.resolve();
  #reads = 0;
  /** Ends the transport read in progress with `null` (a seal failed): set while one is. */
  #wake: ((value: null) => void) | undefined;
  #closing: Promise<void> | undefined;
  /** Whether a record from the peer has been read; after one, an alert is no longer the peer's way to refuse. */
  #heardRecord = false;

  private constructor(raw: Duplex, channel: SecureChannel, options: SecureDuplexOptions) {
    this.#raw = raw;
    this.#channel = channel;
    this.#options = options;
  }

  /**
   * Derives the record keys and starts the channel over `raw`.
   *
   * @param raw The transport the handshake ran on; the secured duplex owns it from now on.
   * @param options Keys, limits and hooks.
   * @returns The secured duplex.
   */
  static async create(raw: Duplex, options: SecureDuplexOptions): Promise<SecureDuplex> {
    // The channel reports seal failures to the duplex that is made around it.
    const owner: { duplex?: SecureDuplex } = {};
    const channel = await SecureChannel.create({
      provider: options.provider,
      suite: options.suite,
      sendSecret: options.sendSecret,
      receiveSecret: options.receiveSecret,
      records: options.records,
      maxFrameBytes: options.maxFrameBytes,
      write: (payload) => raw.write(payload),
      writeFrame: raw.writeFrame ? (frame) => raw.writeFrame!(frame) : undefined,
      onError: (error) => owner.duplex!.#sealFailed(error),
    });
    owner.duplex = new SecureDuplex(raw, channel, options);
    return owner.duplex;
  }

  /** The negotiated suite. */
  get suite(): Suite {
    return this.#channel.suite;
  }

  /** Whether the peer ended the stream without a `close_notify` (PROTOCOL.md §9.4: cut off, never a clean end). */
  get cutOff(): boolean {
    return this.#cutOff;
  }

  read(): Promise<Uint8Array | null> {
    // Reads are served in call order: a read waits for the one before it, if that one is not done (each caller
    // handles its own outcome). The usual caller reads one at a time, and then nothing is chained.
    const go = () => this.#readOne();
    const result = this.#reads++ === 0 ? go() : this.#lastRead.then(go, go);
    this.#lastRead = result;
    return result;
  }

  async #readOne(): Promise<Uint8Array | null> {
    try {
      while (true) {
        if (this.#failure) throw this.#failure;
        // This side closed: nothing more is read, but a failure a reader already saw stays the answer.
        if (this.#closing) return this.#outcome ?? null;
        const payload = this.#ready.shift();
        if (payload) return payload;
        if (this.#outcome) return this.#outcome;
        if (this.#corked) {
          // The owner asks for more: it has answered every payload of the last record.
          this.#corked = false;
          this.#channel.uncork();
        }
        await this.#nextRecord();
      }
    } finally {
      this.#reads--;
    }
  }

  /** Reads and opens one record: its payloads become ready, or its end becomes the outcome of every later read. */
  async #nextRecord(): Promise<void> {
    let record: Uint8Array | null;
    try {
      // Not Promise.race() with a promise that settles on a failed seal: each race would leave a reaction on that
      // promise for the connection's lifetime (one per record).
      record = await new Promise<Uint8Array | null>((resolve, reject) => {
        this.#wake = resolve;
        this.#raw.read().then(resolve, reject);
      });
    } catch (error) {
      // The transport's own failure (a bad frame, a lost connection): the channel itself is intact, and its owner
      // may still say why it closes.
      return this.#fail(error as Error, false);
    } finally {
      this.#wake = undefined;
    }
    if (this.#failure) return; // the read loop reports it
    if (record === null) {
      if (this.#closing) return void (this.#outcome = Promise.resolve(null));
      this.#cutOff = true;
      return this.#fail(
        new TransportError("lost", "The connection ended without a close notice: it may have been cut off"),
        true,
      );
    }
    if (this.#options.alertBeforeFirstRecord && !this.#heardRecord && record[0] === ContentType.alert) {
      const refused = refusal(record);
      if (refused) return this.#fail(refused, true);
      // Not a well-formed alert: most likely a record whose content type was altered; opening it reports that.
    }
    this.#heardRecord = true;
    this.#options.onRecord?.();
    let received;
    try {
      // Opened without an await where the key allows it (the server's node:crypto keys).
      received = this.#channel.receiveSync(record) ?? await this.#channel.receive(record);
    } catch (error) {
      if (error instanceof RecordError) {
        return this.#fail(
          new TransportError("bad_message", `The connection was tampered with or corrupted (${error.message})`, {
            cause: error,
          }),
          true,
        );
      }
      if (error instanceof CodecError) {
        return this.#fail(
          new TransportError(error.code === "too_large" ? "frame_too_large" : "bad_frame", error.message, {
            cause: error,
          }),
          false,
        );
      }
      throw error;
    }
    if (received.closeNotify) return void (this.#outcome = Promise.resolve(null));
    if (received.payloads.length > 0 && this.#options.corkPerRecord) {
      this.#corked = true;
      this.#channel.cork();
    }
    this.#ready = received.payloads;
  }

  /**
   * Makes `error` the answer of every later read. `broken`: the records can no longer be trusted (one failed to
   * open, or the stream was cut off), so nothing more is sent, not even `close_notify` (PROTOCOL.md §9.4); after a
   * frame error the owner may still send its reason.
   */
  #fail(error: Error, broken: boolean): void {
    if (broken) this.#broken = true;
    this.#outcome = Promise.reject(error);
    this.#outcome.catch(() => {}); // handed to every reader that asks
  }

  #sealFailed(error: unknown): void {
    this.#broken = true;
    this.#failure ??= new TransportError("write_failed", "Cannot seal a record", { cause: error });
    this.#wake?.(null);
    if (this.#options.onSealError) this.#options.onSealError(error);
    else void this.#raw.close();
  }

  /**
   * Seals one payload; payloads written in the same tick leave in one record.
   *
   * @param payload An envelope.
   * @throws {RangeError} If the payload is over `maxFrameBytes` (the caller's own limit).
   */
  write(payload: Uint8Array): void {
    if (this.#closing || this.#broken) return;
    this.#channel.send(payload);
  }

  /**
   * Sends what is written, then `close_notify`, without closing the transport: for an owner that closes it itself
   * (the server, which gives the transport a reason). Does nothing once the channel broke.
   */
  async closeNotify(): Promise<void> {
    if (this.#broken) return;
    await this.#channel.close();
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.closeNotify();
      await this.#raw.close();
    })();
    return this.#closing;
  }
}

/**
 * The server's alert in place of its first record, as the error a refused handshake gives; undefined unless the
 * payload is a well-formed alert (a map with a string `code` and `message`, §7.5). A lenient reading would let a
 * single flipped bit (record `02` to alert `03`) pass tampering off as the server's refusal.
 */
function refusal(payload: Uint8Array): HandshakeError | undefined {
  let alert;
  try {
    alert = decodeValue(payload.subarray(1));
  } catch (error) {
    if (error instanceof CodecError) return undefined; // not an alert: the record path reports it
    throw error;
  }
  if (alert === null || typeof alert !== "object" || Array.isArray(alert) || alert instanceof Uint8Array) {
    return undefined;
  }
  const { code, message } = alert;
  if (typeof code !== "string" || typeof message !== "string") return undefined;
  return new HandshakeError("alert", `Server refused the connection (${code}): ${message}`);
}
