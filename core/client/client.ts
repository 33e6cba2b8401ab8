// MimiClient: typed requests over any Duplex, with responses matched to requests by id.

import { CodecError } from "../codec/error.ts";
import { decodeEnvelope, encodeEnvelope } from "../codec/envelope.ts";
import type { Value } from "../codec/value.ts";
import type { OpDef, RequestOf, ResponseOf } from "../protocol/define.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { Op } from "../protocol/opcodes.ts";
import { checkResponse } from "../protocol/parse.ts";
import { OPS } from "../protocol/registry.ts";
import { type Duplex, TransportError } from "../transport/duplex.ts";

interface Pending {
  opcode: number;
  resolve: (body: Value) => void;
  reject: (error: Error) => void;
}

/**
 * What a request body may be for an operation whose request is `T`: the same shape, with bytes of any buffer and
 * lists that may be read-only (the schema's output type asks for `Uint8Array<ArrayBuffer>` and mutable arrays, which
 * a caller holding a signature or a frozen list need not have).
 */
export type Sendable<T> = T extends Uint8Array ? Uint8Array
  : T extends readonly (infer U)[] ? readonly Sendable<U>[]
  : T extends object ? { [K in keyof T]: Sendable<T[K]> }
  : T;

/** A server push: an envelope with id 0 that is not an error (PROTOCOL.md §3). */
export interface Push {
  opcode: number;
  body: Value;
}

/**
 * A connection to a Mimi server from the client's side: sends requests,
 * matches responses by id (PROTOCOL.md §3), rejects with {@link ProtocolError}
 * when the server answers with an error.
 */
export class MimiClient {
  readonly #duplex: Duplex;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closedError: Error | undefined;
  #isClosed = false;
  #resolveClosed!: (error: Error | undefined) => void;
  /** Settles when the connection ends, with the reason when it was not a clean close. */
  readonly closed: Promise<Error | undefined>;
  /** Called for every push from the server. */
  onPush: ((push: Push) => void) | undefined;
  /** The secure channel's exporter, which logins bind to (PROTOCOL.md §10.3). */
  readonly channelBinding: Uint8Array | undefined;

  /**
   * @param duplex An open duplex of envelopes (the secured one from `performClientHandshake`); the client reads it
   *   from now on and owns it.
   * @param options `channelBinding`: the handshake's exporter (`result.secrets.exporter` from
   *   `performClientHandshake`).
   */
  constructor(duplex: Duplex, options: { channelBinding?: Uint8Array } = {}) {
    this.#duplex = duplex;
    this.channelBinding = options.channelBinding;
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    void this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    let failure: Error | undefined;
    try {
      while (!this.#isClosed) {
        const payload = await this.#duplex.read();
        if (payload === null) break;
        this.#receive(payload);
      }
    } catch (error) {
      // A broken connection is this client's end, reported through `closed` and to every pending request.
      failure = error instanceof Error ? error : new TransportError("lost", String(error));
    }
    // The server's own word on why it closed (an error envelope with id 0) says more than what the transport saw next.
    this.#finish(this.#closedError ?? failure);
    await this.#duplex.close();
  }

  /**
   * Sends a request and waits for its response.
   *
   * @param opcode The operation (see `Op`).
   * @param body The request body.
   * @returns The response body; rejects with {@link ProtocolError} or {@link TransportError}.
   */
  request(opcode: number, body: Value): Promise<Value> {
    if (this.#isClosed) {
      return Promise.reject(this.#closedError ?? new TransportError("closed", "The connection is closed"));
    }
    const id = this.#nextId;
    this.#nextId = this.#nextId >= 0xffff_ffff ? 1 : this.#nextId + 1;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { opcode, resolve, reject });
      this.#duplex.write(encodeEnvelope({ opcode, id, body }));
    });
  }

  /**
   * Sends a request of a registered operation and checks the answer against the operation's response schema.
   *
   * @param def The operation, from the registry (`OPS.setNickname`).
   * @param body The request body, typed by the operation's request schema.
   * @returns The response body, typed and with keys the schema does not name left out; rejects with
   *   {@link ProtocolError} when the server answers with an error, and with {@link TransportError} `bad_message`
   *   naming the field when the answer does not fit the schema (the connection stays open: one bad answer is that
   *   request's failure).
   *
   * @example
   * ```ts ignore
   * import { OPS } from "../protocol/registry.ts";
   * const { user } = await client.call(OPS.setNickname, { nickname: "小明" });
   * ```
   */
  async call<D extends OpDef>(def: D, body: Sendable<RequestOf<D>>): Promise<ResponseOf<D>> {
    const answer = await this.request(def.opcode, body as Value);
    const checked = checkResponse(def, answer);
    if (!checked.ok) {
      throw new TransportError("bad_message", `Server sent a malformed ${def.name} answer: ${checked.message}`);
    }
    return checked.value;
  }

  /**
   * Measures liveness.
   *
   * @returns The server clock, in milliseconds since the epoch.
   */
  async ping(): Promise<number> {
    return (await this.call(OPS.ping, {})).time;
  }

  /**
   * Sends a value to the server, which sends it back.
   *
   * @param value Any value.
   * @returns The value as the server returned it.
   */
  echo(value: Value): Promise<Value> {
    return this.request(Op.echo, value);
  }

  /**
   * Closes the connection; pending requests are rejected.
   *
   * @returns Resolves once the connection is closed.
   */
  close(): Promise<void> {
    return this.#duplex.close();
  }

  #receive(payload: Uint8Array): void {
    let envelope;
    try {
      envelope = decodeEnvelope(payload);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      this.#closedError = new TransportError("bad_message", `Server sent a bad envelope: ${error.message}`, {
        cause: error,
      });
      void this.#duplex.close();
      return;
    }
    const { opcode, id, body } = envelope;
    if (id === 0) {
      if (opcode === Op.error) {
        // A connection-level error: the server closes next, so this is why.
        this.#closedError = ProtocolError.fromBody(body);
        return;
      }
      if (opcode === Op.ping) {
        // The server's keep-alive (PROTOCOL.md §11.3): any request answers it. The reply carries nothing we need, and
        // a failure means the connection is closing, which `closed` reports: the promise's outcome is dropped.
        this.request(Op.ping, {}).catch(() => {});
        return;
      }
      this.onPush?.({ opcode, body });
      return;
    }
    const pending = this.#pending.get(id);
    if (!pending) return; // An answer to nothing we asked: ignore rather than fail the connection.
    this.#pending.delete(id);
    if (opcode === Op.error) pending.reject(ProtocolError.fromBody(body));
    else pending.resolve(body);
  }

  #finish(error: Error | undefined): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#closedError = error;
    for (const pending of this.#pending.values()) {
      pending.reject(error ?? new TransportError("closed", "The connection closed before the server answered"));
    }
    this.#pending.clear();
    this.#resolveClosed(error);
  }
}
