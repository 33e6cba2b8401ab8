// A man-in-the-middle TCP relay for tests: sits between a client and the server, parses the frames of both
// directions and lets a test read, rewrite, drop, duplicate, reorder or inject them; every raw byte is recorded.

import { writeAll } from "../server/transport/tcp.ts";
import { encodeFrame, FrameDecoder } from "../core/codec/frame.ts";
import { SecureChannel } from "../core/crypto/channel.ts";
import {
  type ClientHelloSent,
  readServerHello,
  writeClientFinished,
  writeClientHello,
} from "../core/crypto/handshake_client.ts";
import {
  readClientFinished,
  readClientHello,
  type ServerHandshakeOptions,
  type ServerHelloSent,
  writeServerHello,
} from "../core/crypto/handshake_server.ts";
import { fingerprint, publicKeys, type ServerKeys } from "../core/crypto/identity.ts";
import { concatBytes } from "../core/bytes/mod.ts";
import { FFDHE_GROUPS } from "../core/crypto/primitives/ffdhe.ts";
import { nobleProvider } from "../core/crypto/primitives/noble.ts";
import type { RecordOptions } from "../core/crypto/record.ts";
import { DEFAULT_PREFERENCES, type Suite } from "../core/crypto/suites.ts";
import { formatAddress } from "../server/transport/tcp.ts";
import { isConnectionGone } from "./_raw_client.ts";

/** `c2s`: from the client towards the server; `s2c`: the other way. */
export type Direction = "c2s" | "s2c";

/** One frame as the relay received it. */
export interface RelayedFrame {
  readonly direction: Direction;
  /** Position of the frame in its direction, from 0 (the ClientHello for `c2s`, the ServerHello for `s2c`). */
  readonly index: number;
  /** The payload as received, length prefix stripped; hooks may change a copy, never this. */
  readonly payload: Uint8Array;
  readonly link: RelayLink;
}

/**
 * Decides what the relay forwards for one frame: the payloads to send on in its direction, in order
 * (`[]` drops it, two entries duplicate or reorder it). Returning nothing forwards the frame unchanged.
 * Frames of one direction reach the hook one at a time, in order, even when it is async.
 */
export type FrameHook = (frame: RelayedFrame) => Uint8Array[] | void | Promise<Uint8Array[] | void>;

/** Forwards every frame unchanged. */
export const passThrough: FrameHook = () => {};

/** One client connection through the relay and its own connection to the server. */
export class RelayLink {
  readonly id: number;
  /** Frame payloads as they arrived, per direction, before any hook changed them. */
  readonly frames: Record<Direction, Uint8Array[]> = { c2s: [], s2c: [] };
  /**
   * The relay's address on its connection to the server, as the server logs it (`remote`). The kernel reuses
   * ephemeral ports, so after many connections an address no longer names one of them.
   */
  readonly upstreamAddress: string;
  /** Settles once both sockets are closed. */
  readonly done: Promise<void>;
  /** The error a hook threw, if one did; the link was closed because of it. */
  failure: unknown;
  readonly #received: Record<Direction, Uint8Array[]> = { c2s: [], s2c: [] };
  readonly #sent: Record<Direction, Uint8Array[]> = { c2s: [], s2c: [] };
  /** Writes towards the server (`c2s`) and the client (`s2c`) are chained so frames never interleave. */
  readonly #writing: Record<Direction, Promise<void>> = { c2s: Promise.resolve(), s2c: Promise.resolve() };
  readonly #client: Deno.Conn;
  readonly #server: Deno.Conn;
  readonly #hook: FrameHook;
  #closed = false;

  constructor(id: number, client: Deno.Conn, server: Deno.Conn<Deno.NetAddr>, hook: FrameHook) {
    this.id = id;
    this.#client = client;
    this.#server = server;
    this.#hook = hook;
    this.upstreamAddress = formatAddress(server.localAddr.hostname, server.localAddr.port);
    this.done = Promise.all([this.#pump("c2s"), this.#pump("s2c")]).then(() => {});
  }

  /**
   * Raw bytes exactly as the relay read them from the client (`c2s`) or the server (`s2c`).
   *
   * @param direction Which side's bytes.
   */
  received(direction: Direction): Uint8Array {
    return concatBytes(...this.#received[direction]);
  }

  /**
   * Raw bytes the relay wrote towards the server (`c2s`) or the client (`s2c`).
   *
   * @param direction Which side's bytes.
   */
  sent(direction: Direction): Uint8Array {
    return concatBytes(...this.#sent[direction]);
  }

  /**
   * Sends a frame of the relay's own making: towards the server for `c2s`, the client for `s2c`.
   *
   * @param direction Where it goes.
   * @param payload The frame payload; the length prefix is added here.
   */
  inject(direction: Direction, payload: Uint8Array): Promise<void> {
    return this.#write(direction, encodeFrame(payload));
  }

  /** Closes both sockets at once; what is still queued is dropped. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of [this.#client, this.#server]) {
      try {
        conn.close();
      } catch (error) {
        // Closed already (by the runtime after a reset): nothing left to release.
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
    }
  }

  #write(direction: Direction, bytes: Uint8Array): Promise<void> {
    const conn = direction === "c2s" ? this.#server : this.#client;
    this.#writing[direction] = this.#writing[direction].then(async () => {
      if (this.#closed) return;
      this.#sent[direction].push(bytes);
      try {
        await writeAll(conn, bytes);
      } catch (error) {
        // The receiving side went away mid-write: the link is ending, which the read side notices.
        if (!isConnectionGone(error) && !this.#closed) throw error;
      }
    });
    return this.#writing[direction];
  }

  async #pump(direction: Direction): Promise<void> {
    const from = direction === "c2s" ? this.#client : this.#server;
    const decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024 * 1024 });
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (!this.#closed) {
        let n: number | null;
        try {
          n = await from.read(buffer);
        } catch (error) {
          // A reset, or our own close() interrupting the read: the stream is over either way.
          if (isConnectionGone(error) || this.#closed) break;
          throw error;
        }
        if (n === null) break;
        const chunk = buffer.slice(0, n);
        this.#received[direction].push(chunk);
        for (const payload of decoder.push(chunk)) {
          const index = this.frames[direction].length;
          this.frames[direction].push(payload);
          const verdict = await this.#hook({ direction, index, payload: payload.slice(), link: this });
          for (const out of verdict ?? [payload]) await this.#write(direction, encodeFrame(out));
        }
      }
      // Let what was already accepted for the other side leave before cutting it.
      await this.#writing[direction];
    } catch (error) {
      // A hook threw (a bug in the test) or the frames were not frames: keep it for Relay.close() to report.
      this.failure ??= error;
    } finally {
      this.close();
    }
  }
}

/** A listening relay; every accepted client gets its own {@link RelayLink}. */
export interface Relay {
  /** Where clients connect (127.0.0.1). */
  readonly port: number;
  /** The relay as an endpoint for the raw clients (TCP only). */
  readonly endpoint: { tcpPort: number; wsUrl: string };
  readonly links: RelayLink[];
  /** Resolves with the `n`th link (from 0) once that client has connected. */
  link(n?: number): Promise<RelayLink>;
  /** Stops listening, closes every link and throws if a hook failed. */
  close(): Promise<void>;
}

/**
 * Starts a relay on a free loopback port in front of a server's TCP port.
 *
 * @param serverPort The real server's TCP port.
 * @param hook Sees every frame of both directions and decides what is forwarded (default: everything).
 * @returns The relay.
 *
 * @example
 * ```ts
 * const relay = startRelay(server.tcpPort, flipBit("c2s", 0, 10));
 * const raw = await connectTcp("127.0.0.1", relay.port); // the ClientHello arrives with bit 0 of byte 10 flipped
 * ```
 */
export function startRelay(serverPort: number, hook: FrameHook = passThrough): Relay {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0, transport: "tcp" });
  const port = (listener.addr as Deno.NetAddr).port;
  const links: RelayLink[] = [];
  const waiters: (() => void)[] = [];
  const accepting = (async () => {
    while (true) {
      let client: Deno.TcpConn;
      try {
        client = await listener.accept() as Deno.TcpConn;
      } catch (error) {
        // close() stops the listener, which ends the pending accept.
        if (error instanceof Deno.errors.BadResource) return;
        throw error;
      }
      const server = await Deno.connect({ hostname: "127.0.0.1", port: serverPort, transport: "tcp" });
      client.setNoDelay(true);
      server.setNoDelay(true);
      links.push(new RelayLink(links.length, client, server, hook));
      for (const wake of waiters.splice(0)) wake();
    }
  })();
  return {
    port,
    endpoint: { tcpPort: port, wsUrl: "" },
    links,
    async link(n = 0) {
      while (links.length <= n) await new Promise<void>((resolve) => waiters.push(resolve));
      return links[n];
    },
    async close() {
      listener.close();
      await accepting;
      for (const link of links) link.close();
      await Promise.all(links.map((link) => link.done));
      const failures = links.filter((link) => link.failure !== undefined).map((link) => link.failure);
      if (failures.length > 0) throw new AggregateError(failures, "A relay hook failed");
    },
  };
}

/**
 * A hook that rewrites one frame and forwards every other one unchanged.
 *
 * @param direction The frame's direction.
 * @param index The frame's position in that direction.
 * @param edit Gets a copy of the payload; returns what to forward instead.
 */
export function onFrame(
  direction: Direction,
  index: number,
  edit: (payload: Uint8Array, frame: RelayedFrame) => Uint8Array[] | Promise<Uint8Array[]>,
): FrameHook {
  return (frame) => frame.direction === direction && frame.index === index ? edit(frame.payload, frame) : undefined;
}

/**
 * A hook that flips bits of one byte of one frame's payload.
 *
 * @param direction The frame's direction.
 * @param index The frame's position in that direction.
 * @param position Byte offset in the payload (0 is the content type).
 * @param mask Bits to flip.
 */
export function flipBit(direction: Direction, index: number, position: number, mask = 0x01): FrameHook {
  return onFrame(direction, index, (payload) => {
    if (position >= payload.length) throw new RangeError(`Frame has ${payload.length} bytes, no byte ${position}`);
    payload[position] ^= mask;
    return [payload];
  });
}

/** What a key-substituting relay exposes to the test. */
export interface KeySubstitution {
  hook: FrameHook;
  /** The relay's own identity, which the client sees instead of the server's. */
  fingerprint: string;
  /** Envelopes the relay decrypted from the client: what it could read and forward. */
  readonly plaintext: Uint8Array[];
}

/**
 * A full man in the middle: it answers the client's handshake with its OWN identity and fresh keys, opens
 * its own secure channel to the real server, and forwards decrypted envelopes between the two. A client
 * that does not check the server's fingerprint talks to the server through it without noticing.
 *
 * @param records Record options of both of the relay's channels.
 * @returns The hook for {@link startRelay}, the relay's fingerprint and what it read.
 */
export function keySubstitution(
  records: RecordOptions = { padding: 32, rekeyAfterRecords: 1 << 20, rekeyAfterBytes: 2 ** 30 },
): KeySubstitution {
  const provider = nobleProvider;
  const keys: ServerKeys = {
    "ed25519": provider.signature("ed25519").generateKeyPair(),
    "ecdsa-p256": provider.signature("ecdsa-p256").generateKeyPair(),
  };
  const asServer: ServerHandshakeOptions = {
    provider,
    accept: DEFAULT_PREFERENCES,
    group: FFDHE_GROUPS.ffdhe3072,
    keys,
    maxFrameBytes: 1 << 20,
  };
  const plaintext: Uint8Array[] = [];
  interface State {
    toClient?: ServerHelloSent;
    toServer?: ClientHelloSent;
    down?: SecureChannel;
    up: Promise<SecureChannel>;
    resolveUp(channel: SecureChannel): void;
  }
  const states = new WeakMap<RelayLink, State>();
  const stateOf = (link: RelayLink): State => {
    let state = states.get(link);
    if (!state) {
      let resolveUp!: (channel: SecureChannel) => void;
      const up = new Promise<SecureChannel>((resolve) => resolveUp = resolve);
      state = { up, resolveUp };
      states.set(link, state);
    }
    return state;
  };
  const channel = (link: RelayLink, toward: Direction, suite: Suite, send: Uint8Array, receive: Uint8Array) =>
    SecureChannel.create({
      provider,
      suite,
      sendSecret: send,
      receiveSecret: receive,
      records,
      maxFrameBytes: 1 << 20,
      write: (payload) => void link.inject(toward, payload),
      onError: (error) => {
        link.failure ??= error;
        link.close();
      },
    });

  const hook: FrameHook = async ({ direction, index, payload, link }) => {
    const state = stateOf(link);
    if (direction === "c2s") {
      if (index === 0) {
        // Answer the client as if we were the server...
        state.toClient = await writeServerHello(asServer, readClientHello(asServer, payload));
        await link.inject("s2c", state.toClient.payload);
        // ...and become a client of the real server.
        state.toServer = await writeClientHello({
          provider,
          offer: DEFAULT_PREFERENCES,
          group: FFDHE_GROUPS.ffdhe3072,
        });
        await link.inject("c2s", state.toServer.payload);
        return [];
      }
      const toClient = state.toClient!;
      if (index === 1) {
        readClientFinished(asServer, toClient, payload);
        const { serverTraffic, clientTraffic } = toClient.secrets;
        state.down = await channel(link, "s2c", toClient.suite, serverTraffic, clientTraffic);
        return [];
      }
      const { payloads } = await state.down!.receive(payload);
      const up = await state.up;
      for (const envelope of payloads) {
        plaintext.push(envelope);
        up.send(envelope);
      }
      return [];
    }
    if (index === 0) {
      const result = await readServerHello(state.toServer!, payload);
      await link.inject("c2s", writeClientFinished(state.toServer!, result, payload));
      const { clientTraffic, serverTraffic } = result.secrets;
      state.resolveUp(await channel(link, "c2s", result.suite, clientTraffic, serverTraffic));
      return [];
    }
    const { payloads } = await (await state.up).receive(payload);
    for (const envelope of payloads) state.down?.send(envelope);
    return [];
  };
  return { hook, fingerprint: fingerprint(provider, publicKeys(keys)), plaintext };
}
