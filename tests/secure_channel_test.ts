// The secure channel under attack, over real sockets: every suite end to end, a man-in-the-middle relay that
// tampers with, strips, substitutes, replays, reorders, drops and reflects; invalid key shares both ways;
// handshake timeouts, key updates, close notices and what an eavesdropper records. Through every attack an
// honest TCP connection to the same server keeps working.

import assert from "node:assert/strict";
import { p256 } from "@noble/curves/nist.js";
import { decodeEnvelope, encodeEnvelope } from "../core/codec/envelope.ts";
import { encodeFrame } from "../core/codec/frame.ts";
import type { Value } from "../core/codec/value.ts";
import { MimiClient } from "../core/client/client.ts";
import { clientFrameLimit } from "../core/client/secure.ts";
import {
  type ClientSecureOptions,
  type ClientSession,
  performClientHandshake,
} from "../core/crypto/perform_handshake.ts";
import { TransportError } from "../core/transport/duplex.ts";
import { connectWebSocket } from "../core/transport/websocket_client.ts";
import { HandshakeError } from "../core/crypto/errors.ts";
import {
  bigintToBytes,
  ContentType,
  encodeClientHello,
  encodeServerHello,
  encodeServerHelloBody,
  parseClientFinished,
  parseClientHello,
  parseServerHello,
} from "../core/crypto/handshake_messages.ts";
import { readClientHello } from "../core/crypto/handshake_server.ts";
import { fingerprint, publicKeys, type ServerKeys } from "../core/crypto/identity.ts";
import { fromHex, utf8 } from "../core/bytes/mod.ts";
import { FFDHE_GROUPS } from "../core/crypto/primitives/ffdhe.ts";
import { nobleProvider } from "../core/crypto/primitives/noble.ts";
import type { KexId } from "../core/crypto/primitives/types.ts";
import {
  ALGORITHMS,
  DEFAULT_PREFERENCES,
  type Suite,
  suiteName,
  type SuitePreferences,
} from "../core/crypto/suites.ts";
import { signatureInput } from "../core/crypto/_transcript.ts";
import { Op } from "../core/protocol/opcodes.ts";
import type { LogRecord } from "../server/log.ts";
import { connectTcp } from "../cli/tcp.ts";
import { deadline, startTestServer, type TestServer, until } from "./_harness.ts";
import { FakeClock } from "../core/time/clock.ts";
import { InnerType } from "../core/crypto/record.ts";
import { type RawClient, type RawClientFactory, rawTcp, rawWs } from "./_raw_client.ts";
import {
  type Direction,
  flipBit,
  type FrameHook,
  keySubstitution,
  onFrame,
  type RelayLink,
  startRelay,
} from "./_relay.ts";

const TRANSPORTS: [string, RawClientFactory][] = [["TCP", rawTcp], ["WebSocket", rawWs]];

/** Hundreds of connections from 127.0.0.1 per test: lift the per-address rate limit. */
/** Every connection of these tests comes from 127.0.0.1: the per-address limits would throttle the tests themselves. */
const NO_RATE_LIMIT = [
  "--server.limits.connectionsPerIpPerMinute=1000000",
  "--server.limits.handshakeUnitsPerIpPerMinute=1000000",
  "--server.limits.maxConnectionsPerIp=100000",
  "--server.limits.maxHandshakesPerIp=100000",
];
/** ffdhe is off by default (PROTOCOL.md §8.1); the tests that cover every key exchange turn it on. */
const ALL_KEX = `--crypto.kex=${ALGORITHMS.kex.join(",")}`;

/** The smallest suite, so the handshake messages whose every byte is flipped stay short. */
const SMALL: SuitePreferences = { kex: ["x25519"], aead: ["aes-256-gcm"], hash: ["sha256"], sig: ["ed25519"] };

/** The client's record options: the server's default padding; keys updated only where a test says so. */
const RECORDS = { padding: 32, rekeyAfterRecords: 1 << 20, rekeyAfterBytes: 2 ** 30 };
const MAX_FRAME_BYTES = 1 << 20;
const FRAME_LIMIT = clientFrameLimit({ maxFrameBytes: MAX_FRAME_BYTES, records: RECORDS });

const TAG_BYTES = 16;

/** Kinds the server logs for a handshake that failed, whatever was tampered with. */
const HANDSHAKE_KINDS = new Set([
  "malformed",
  "unexpected_message",
  "unsupported_version",
  "no_common_suite",
  "bad_share",
  "bad_finished",
  "handshake_abandoned",
]);

/** Accepts exactly the server that has fingerprint `expected`, as a client with a pin does. */
function pinTo(expected: string): ClientSecureOptions["verify"] {
  return (result) => {
    if (result.fingerprint !== expected) {
      throw new HandshakeError(
        "key_changed",
        `The server's key changed: expected ${expected}, got ${result.fingerprint}`,
      );
    }
  };
}

/** The real client's options, pinned to `server`, offering `offer`. */
function clientOptions(
  server: TestServer,
  overrides: Partial<ClientSecureOptions> = {},
): ClientSecureOptions {
  return {
    provider: nobleProvider,
    offer: DEFAULT_PREFERENCES,
    group: FFDHE_GROUPS.ffdhe3072,
    records: RECORDS,
    maxFrameBytes: MAX_FRAME_BYTES,
    handshakeTimeoutMs: 5000,
    verify: pinTo(server.server.fingerprint),
    ...overrides,
  };
}

/** Connects the real client stack (transport, handshake) to a TCP port or a WebSocket URL. */
async function connectSecure(to: number | string, options: ClientSecureOptions): Promise<ClientSession> {
  const raw = typeof to === "number"
    ? await connectTcp("127.0.0.1", to, { maxFrameBytes: FRAME_LIMIT })
    : await connectWebSocket(to, { maxFrameBytes: FRAME_LIMIT });
  return await performClientHandshake(raw, options);
}

/** Runs `fn` with a server and an honest TCP bystander, which must still echo once `fn` is done. */
async function withServer(
  flags: string[],
  fn: (server: TestServer) => Promise<void>,
  clock?: FakeClock,
): Promise<void> {
  const server = await startTestServer([...NO_RATE_LIMIT, ...flags], { clock });
  const bystander = await rawTcp(server, { offer: SMALL });
  try {
    await bystander.request(Op.echo, 1, "before");
    assert.deepEqual(await bystander.next(), { opcode: Op.echo, id: 1, body: "before" });
    await fn(server);
    // Whatever the attack did, the honest connection opened before it is still served.
    await bystander.request(Op.echo, 2, "still here");
    assert.deepEqual(await bystander.next(), { opcode: Op.echo, id: 2, body: "still here" });
  } finally {
    bystander.close();
    await server.close();
  }
}

/** The error `promise` rejects with; fails if it resolves. */
async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail(`${what} succeeded`);
}

/** Asserts `error` is a HandshakeError of `kind`. */
function assertHandshakeError(error: unknown, kind: HandshakeError["kind"]): void {
  assert.ok(error instanceof HandshakeError, `expected a HandshakeError, got ${String(error)}`);
  assert.equal(error.kind, kind, error.message);
}

/** Runs `fn` on every item, at most `limit` at a time; throws the first failure once all have settled. */
async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (error) {
        // Collected, so the other workers finish before the server shuts down; reported below.
        failures.push(error);
      }
    }
  }));
  if (failures.length > 0) throw failures[0];
}

/**
 * The server's connection id of a relay link (its `connect` line names the relay's address). Unambiguous only
 * for a relay's first few connections: the kernel reuses the relay's ephemeral ports.
 */
async function connOf(server: TestServer, link: RelayLink): Promise<number> {
  const record = await server.waitForLog((r) => r.event === "connect" && r.remote === link.upstreamAddress);
  return record.conn as number;
}

/** The server's connection id of the connection that echoed `marker`. */
async function connOfEcho(server: TestServer, marker: string): Promise<number> {
  return (await server.waitForLog((r) => r.event === "echo" && r.body === marker)).conn as number;
}

/** The first `security` line of connection `conn`. */
function securityOf(server: TestServer, conn: number): Promise<LogRecord> {
  return server.waitForLog((r) => r.event === "security" && r.conn === conn);
}

/** One echo envelope, framed, as the content of a record. */
function echoFrame(id: number, body: Value): Uint8Array {
  return encodeFrame(encodeEnvelope({ opcode: Op.echo, id, body }));
}

/** Where `needle` first occurs in `haystack`, or -1. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Whether `needle` occurs in `haystack`. */
function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return indexOfBytes(haystack, needle) >= 0;
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Every suite, end to end
// ---------------------------------------------------------------------------------------------------------------

Deno.test("every suite (4 kex × 3 aead × 2 hash × 2 sig) completes and echoes over TCP and WebSocket with the client stack", () =>
  withServer([ALL_KEX], async (server) => {
    const suites: Suite[] = [];
    for (const kex of ALGORITHMS.kex) {
      for (const aead of ALGORITHMS.aead) {
        for (const hash of ALGORITHMS.hash) for (const sig of ALGORITHMS.sig) suites.push({ kex, aead, hash, sig });
      }
    }
    assert.equal(suites.length, 48);
    const runs = suites.flatMap((suite) => (["tcp", "ws"] as const).map((transport) => ({ suite, transport })));
    await inParallel(runs, 6, async ({ suite, transport }) => {
      const offer = { kex: [suite.kex], aead: [suite.aead], hash: [suite.hash], sig: [suite.sig] };
      const { duplex: secured, result } = await connectSecure(
        transport === "tcp" ? server.tcpPort : server.wsUrl,
        clientOptions(server, { offer }),
      );
      assert.deepEqual(result.suite, suite);
      const client = new MimiClient(secured);
      const marker = `${transport} ${suiteName(suite)} 你好`;
      assert.equal(await deadline(client.echo(marker), 10_000, `echo over ${marker}`), marker);
      client.close();
      const conn = await connOfEcho(server, marker);
      const secure = await server.waitForLog((r) => r.event === "secure" && r.conn === conn);
      assert.equal(secure.suite, suiteName(suite));
      const connect = await server.waitForLog((r) => r.event === "connect" && r.conn === conn);
      assert.equal(connect.transport, transport);
    });
  }));

// ---------------------------------------------------------------------------------------------------------------
// 2. Bit flips through a relay
// ---------------------------------------------------------------------------------------------------------------

/** What happened to one client that went through a tampering relay. */
interface Outcome {
  /** The handshake's rejection, if it was rejected. */
  handshakeError?: unknown;
  /** The echo's rejection, if the handshake completed and the echo then failed. */
  echoError?: unknown;
  /** The echo came back: the tampering went unnoticed. */
  echoed: boolean;
  link: RelayLink;
}

/** Runs the real client (small suite, pinned) through a relay with `hook` and tries one echo. */
async function throughRelay(server: TestServer, hook: FrameHook): Promise<Outcome> {
  const relay = startRelay(server.tcpPort, hook);
  try {
    let session: ClientSession;
    try {
      session = await connectSecure(relay.port, clientOptions(server, { offer: SMALL }));
    } catch (error) {
      // The expected end of most attacks; the caller inspects it.
      return { handshakeError: error, echoed: false, link: await relay.link() };
    }
    const client = new MimiClient(session.duplex);
    try {
      await deadline(client.echo("x"), 5000, "echo through the relay");
      return { echoed: true, link: await relay.link() };
    } catch (error) {
      // The expected end of a tampered record or Finished; the caller inspects it.
      return { echoError: error, echoed: false, link: await relay.link() };
    } finally {
      client.close();
    }
  } finally {
    await relay.close();
  }
}

/** One flip: which frame, which byte. */
interface Flip {
  message: string;
  direction: Direction;
  index: number;
  at: number;
  /** The bits flipped: 0x01 (a length or count off by one) or 0xff (the whole byte). */
  mask: number;
}

/** Two flips of every byte of a `length`-byte frame: its lowest bit, and all its bits. */
function everyByte(message: string, direction: Direction, index: number, length: number): Flip[] {
  return [0x01, 0xff].flatMap((mask) => Array.from({ length }, (_, at) => ({ message, direction, index, at, mask })));
}

/** The frames of an untouched exchange of the small suite: where the flips go. */
async function measureExchange(server: TestServer) {
  const outcome = await throughRelay(server, () => {});
  assert.ok(outcome.echoed, "an untouched relay must pass the echo");
  const { c2s, s2c } = outcome.link.frames;
  return {
    clientHello: c2s[0],
    serverHello: s2c[0],
    clientFinished: c2s[1],
    clientRecord: c2s[2],
    serverRecord: s2c[1],
  };
}

/** Byte offsets `[start, end)` of `part` inside `whole`. */
function span(whole: Uint8Array, part: Uint8Array): [number, number] {
  const start = indexOfBytes(whole, part);
  assert.ok(start >= 0);
  return [start, start + part.length];
}

/** How many `security` lines of each kind the server wrote, once there are `expected` of them. */
async function securityTally(server: TestServer, expected: number): Promise<Record<string, number>> {
  const lines = () => server.logs.filter((r) => r.event === "security");
  await until(() => lines().length >= expected, 10_000, `${expected} security lines`);
  assert.equal(lines().length, expected, "one security line per attacked connection");
  const tally: Record<string, number> = {};
  for (const { kind } of lines()) tally[String(kind)] = (tally[String(kind)] ?? 0) + 1;
  return tally;
}

// Server lines are checked in aggregate: the relay's ephemeral ports are reused from one connection to the
// next, so a `connect` line's address does not name one connection once hundreds have come and gone.

Deno.test("flipping the low bit or all bits of any payload byte of the ClientHello, ServerHello or ClientFinished fails the handshake", () =>
  withServer([], async (server) => {
    const exchange = await measureExchange(server);
    const cases = [
      ...everyByte("ClientHello", "c2s", 0, exchange.clientHello.length),
      ...everyByte("ServerHello", "s2c", 0, exchange.serverHello.length),
      ...everyByte("ClientFinished", "c2s", 1, exchange.clientFinished.length),
    ];
    // Where the flip lands decides which defence must catch it.
    const random = span(exchange.clientHello, parseClientHello(exchange.clientHello).random);
    const signature = span(exchange.serverHello, parseServerHello(exchange.serverHello).signature);
    const mac = span(exchange.clientFinished, parseClientFinished(exchange.clientFinished));
    const inside = (at: number, [start, end]: [number, number]) => at >= start && at < end;
    await inParallel(cases, 8, async (flip) => {
      const where = `${flip.message} byte ${flip.at} ^ ${flip.mask}`;
      const outcome = await throughRelay(server, flipBit(flip.direction, flip.index, flip.at, flip.mask));
      assert.ok(!outcome.echoed, `${where}: the tampered handshake established a channel`);
      // The client cannot know its Finished was altered: the server refuses it, so the echo after it fails.
      const error = flip.message === "ClientFinished"
        ? outcome.handshakeError ?? outcome.echoError
        : outcome.handshakeError;
      assert.ok(error instanceof HandshakeError || error instanceof TransportError, `${where}: ${String(error)}`);
      if (
        (flip.message === "ClientHello" && inside(flip.at, random)) ||
        (flip.message === "ServerHello" && inside(flip.at, signature))
      ) {
        assertHandshakeError(error, "bad_signature");
      }
    });

    const tally = await securityTally(server, cases.length);
    for (const kind of Object.keys(tally)) assert.ok(HANDSHAKE_KINDS.has(kind), `server logged ${kind}`);
    assert.equal(tally.bad_finished, 2 * (mac[1] - mac[0]), "every flipped bit of the MAC is a bad_finished");
    const signatureCaught = 2 * (random[1] - random[0] + signature[1] - signature[0]);
    assert.ok(tally.handshake_abandoned >= signatureCaught, "the client hung up on every bad signature");
    // Only the bystander and the untouched measuring connection ever completed a handshake.
    assert.equal(server.logs.filter((r) => r.event === "secure").length, 2);
  }));

Deno.test("flipping the low bit or all bits of any byte of the first record in either direction closes the connection", () =>
  withServer([], async (server) => {
    const exchange = await measureExchange(server);
    const cases = [
      ...everyByte("client record", "c2s", 2, exchange.clientRecord.length),
      ...everyByte("server record", "s2c", 1, exchange.serverRecord.length),
    ];
    await inParallel(cases, 8, async ({ message, direction, index, at, mask }) => {
      const where = `${message} byte ${at} ^ ${mask}`;
      const outcome = await throughRelay(server, flipBit(direction, index, at, mask));
      assert.equal(outcome.handshakeError, undefined, `${where}: the handshake was not touched`);
      assert.ok(outcome.echoError instanceof TransportError, `${where}: ${String(outcome.echoError)}`);
      if (direction === "s2c") {
        assert.match(outcome.echoError.message, /tampered with or corrupted/, where);
      } else {
        // A record failure closes without a word: nothing followed the ServerHello.
        assert.equal(outcome.link.frames.s2c.length, 1, `${where}: the server answered a tampered record`);
      }
    });
    // Byte 0 is the outer content type: a record that no longer says it is one is malformed rather than forged.
    const tally = await securityTally(server, 2 * exchange.clientRecord.length);
    assert.deepEqual(tally, { malformed: 2, tamper: 2 * (exchange.clientRecord.length - 1) });
    // No tampered request reached the service: the echoes are the measuring one and those whose answer was hit.
    const echoes = server.logs.filter((r) => r.event === "echo" && r.body === "x").length;
    assert.equal(echoes, 1 + 2 * exchange.serverRecord.length);
  }));

// ---------------------------------------------------------------------------------------------------------------
// 3-4. Downgrade by stripping the offer, and key substitution
// ---------------------------------------------------------------------------------------------------------------

Deno.test("a relay that strips the offer to aes-128-gcm is caught by the signature and logged as handshake_abandoned", () =>
  withServer([], async (server) => {
    const relay = startRelay(
      server.tcpPort,
      onFrame("c2s", 0, (payload) => {
        const hello = parseClientHello(payload);
        return [encodeClientHello({ ...hello, offer: { ...hello.offer, aead: ["aes-128-gcm"] } })];
      }),
    );
    try {
      const error = await rejection(connectSecure(relay.port, clientOptions(server)), "the stripped handshake");
      assertHandshakeError(error, "bad_signature");
      const link = await relay.link();
      // The strip worked on the server, which chose the weakest cipher: only the signature gave it away.
      assert.equal(parseServerHello(link.frames.s2c[0]).body.suite.aead, "aes-128-gcm");
      assert.equal(link.frames.c2s.length, 1, "the client sent no Finished");
      const logged = await securityOf(server, await connOf(server, link));
      assert.equal(logged.kind, "handshake_abandoned");
    } finally {
      await relay.close();
    }
  }));

Deno.test("a relay that substitutes its own keys fools an unpinned client but is refused with key_changed by a pinning one", () =>
  withServer([], async (server) => {
    const mitm = keySubstitution();
    const relay = startRelay(server.tcpPort, mitm.hook);
    try {
      // Control: a client that trusts any key talks to the server through the relay, which reads everything.
      const fooled = await connectSecure(relay.port, clientOptions(server, { verify: () => {} }));
      assert.equal(fooled.result.fingerprint, mitm.fingerprint);
      assert.notEqual(mitm.fingerprint, server.server.fingerprint);
      const control = new MimiClient(fooled.duplex);
      assert.equal(await control.echo("read by the relay"), "read by the relay");
      assert.ok(mitm.plaintext.some((p) => decodeEnvelope(p).body === "read by the relay"));
      control.close();

      const error = await rejection(connectSecure(relay.port, clientOptions(server)), "the substituted handshake");
      assertHandshakeError(error, "key_changed");
      const link = await relay.link(1);
      await link.done;
      // The client stopped before its Finished: its ClientHello is all it sent, and the relay never forwarded it.
      assert.equal(link.frames.c2s.length, 1);
      assert.ok(!contains(link.sent("c2s"), link.frames.c2s[0]), "the client's hello reached the server");
      const echoes = server.logs.filter((r) => r.event === "echo").map((r) => r.body);
      assert.deepEqual(echoes, ["before", "read by the relay"]);
    } finally {
      await relay.close();
    }
  }));

// ---------------------------------------------------------------------------------------------------------------
// 5. Replay, reorder, drop, reflect
// ---------------------------------------------------------------------------------------------------------------

/** Expects the server to close without sending any further frame, and a `security` line of `kind`. */
async function expectSilentClose(client: RawClient, server: TestServer, kind: string): Promise<void> {
  await client.closedByServer();
  await assert.rejects(client.nextOuter(200), /closed before/, "the server sent something before closing");
  const logged = await server.waitForLog((r) => r.event === "security");
  assert.equal(logged.kind, kind);
  await server.waitForLog((r) => r.event === "disconnect" && r.reason === `record_${kind}`);
}

for (const [name, open] of TRANSPORTS) {
  Deno.test(`${name}: a replayed record closes the connection and is logged as replay`, () =>
    withServer([], async (server) => {
      const client = await open(server, { offer: SMALL });
      const a = await client.sealRecord(echoFrame(1, "a"));
      await client.sendOuter(encodeFrame(a));
      assert.deepEqual(await client.next(), { opcode: Op.echo, id: 1, body: "a" });
      await client.nextOuter();
      await client.sendOuter(encodeFrame(a));
      await expectSilentClose(client, server, "replay");
      client.close();
    }));

  Deno.test(`${name}: records sent out of order close the connection and are logged as reorder`, () =>
    withServer([], async (server) => {
      const client = await open(server, { offer: SMALL });
      const a = await client.sealRecord(echoFrame(1, "a"));
      const b = await client.sealRecord(echoFrame(2, "b"));
      await client.sendOuter(encodeFrame(b));
      await client.sendOuter(encodeFrame(a));
      await expectSilentClose(client, server, "reorder");
      client.close();
    }));

  Deno.test(`${name}: a dropped record closes the connection at the next one, logged as reorder`, () =>
    withServer([], async (server) => {
      const client = await open(server, { offer: SMALL });
      await client.sealRecord(echoFrame(1, "dropped"));
      const b = await client.sealRecord(echoFrame(2, "b"));
      await client.sendOuter(encodeFrame(b));
      await expectSilentClose(client, server, "reorder");
      assert.ok(!server.logs.some((r) => r.event === "echo" && r.body === "b"));
      client.close();
    }));

  Deno.test(`${name}: a server record sent back to the server closes the connection and is logged as reflect`, () =>
    withServer([], async (server) => {
      const client = await open(server, { offer: SMALL });
      await client.request(Op.echo, 1, "mirror");
      assert.deepEqual(await client.next(), { opcode: Op.echo, id: 1, body: "mirror" });
      const fromServer = await client.nextOuter();
      assert.equal(fromServer[0], ContentType.record);
      await client.sendOuter(encodeFrame(fromServer));
      await expectSilentClose(client, server, "reflect");
      client.close();
    }));
}

// ---------------------------------------------------------------------------------------------------------------
// 5b. Records §9.2 forbids: the server ends the connection, it does not act on them
// ---------------------------------------------------------------------------------------------------------------

const FORBIDDEN_RECORDS = [
  ["a key_update record with content", InnerType.keyUpdate, utf8("x")],
  ["a close_notify record with content", InnerType.closeNotify, utf8("bye")],
  ["an empty data record", InnerType.data, new Uint8Array(0)],
] as const;

for (const [name, open] of TRANSPORTS) {
  for (const [what, type, body] of FORBIDDEN_RECORDS) {
    Deno.test(`${name}: ${what} closes the connection without a word and is logged as malformed`, () =>
      withServer([], async (server) => {
        const client = await open(server, { offer: SMALL });
        await client.request(Op.echo, 1, "before");
        assert.deepEqual(await client.next(), { opcode: Op.echo, id: 1, body: "before" });
        await client.nextOuter();
        await client.sendInner(type, body);
        await expectSilentClose(client, server, "malformed");
        assert.ok(!server.logs.some((r) => r.event === "disconnect" && r.reason === "peer_closed"));
        client.close();
      }));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Invalid key shares, both ways; 8. a downgraded ServerHello
// ---------------------------------------------------------------------------------------------------------------

const P = FFDHE_GROUPS.ffdhe3072.p;
const P_BYTES = 384;

/** `value` big-endian, left-padded to the byte length of p, as FFDHE shares are. */
function ffdheValue(value: bigint): Uint8Array {
  const bytes = bigintToBytes(value);
  assert.ok(bytes.length <= P_BYTES);
  const out = new Uint8Array(P_BYTES);
  out.set(bytes, P_BYTES - bytes.length);
  return out;
}

async function validShare(kex: KexId): Promise<Uint8Array> {
  return (await nobleProvider.kex(kex, kex === "ffdhe" ? FFDHE_GROUPS.ffdhe3072 : undefined).start()).share;
}

/** A valid P-256 point with Y+1: off the curve. */
async function offCurveP256(): Promise<Uint8Array> {
  const share = await validShare("p256");
  for (let i = 64; i >= 33; i--) if (++share[i] !== 0) break; // Y += 1, big-endian with carry
  return share;
}

async function compressedP256(): Promise<Uint8Array> {
  return p256.Point.fromBytes(await validShare("p256")).toBytes(true);
}

/** A hybrid client share whose X25519 half is the all-zero point. */
async function hybridZeroX25519(): Promise<Uint8Array> {
  const share = await validShare("x25519-mlkem768");
  share.fill(0, share.length - 32);
  return share;
}

/** A hybrid client share whose ML-KEM encapsulation key has coefficients >= q (FIPS 203 §7.2). */
async function hybridBadMlKem(): Promise<Uint8Array> {
  const share = await validShare("x25519-mlkem768");
  share.fill(0xff, 0, 1184);
  return share;
}

/** An invalid share, `toServer` in a ClientHello and, where it has the same shape, `toClient` in a ServerHello. */
interface InvalidShare {
  name: string;
  kex: KexId;
  toServer: () => Promise<Uint8Array>;
  toClient?: () => Promise<Uint8Array>;
}

/** A value that is as invalid from a server as from a client (X25519, P-256 and FFDHE shares have one shape). */
function bothWays(name: string, kex: KexId, make: () => Uint8Array | Promise<Uint8Array>): InvalidShare {
  const share = async () => await make();
  return { name, kex, toServer: share, toClient: share };
}

const INVALID_SHARES: InvalidShare[] = [
  bothWays("the all-zero X25519 point", "x25519", () => new Uint8Array(32)),
  bothWays(
    "the order-8 X25519 point",
    "x25519",
    () => fromHex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
  ),
  bothWays("an off-curve P-256 point (Y+1)", "p256", offCurveP256),
  bothWays("a compressed P-256 point", "p256", compressedP256),
  ...([["0", 0n], ["1", 1n], ["p-1", P - 1n], ["p", P], ["p+1", P + 1n]] as const).map(([label, value]) =>
    bothWays(`the FFDHE value ${label}`, "ffdhe", () => ffdheValue(value))
  ),
  {
    name: "an X25519MLKEM768 share with an all-zero X25519 half",
    kex: "x25519-mlkem768",
    toServer: hybridZeroX25519,
    // ML-KEM ciphertext || X25519 share: a wrong ciphertext is no error (implicit rejection), the point is.
    toClient: () => Promise.resolve(new Uint8Array(1088 + 32).fill(0x5a, 0, 1088)),
  },
  { name: "an X25519MLKEM768 share with an out-of-range ML-KEM key", kex: "x25519-mlkem768", toServer: hybridBadMlKem },
];

/** A ClientHello built by hand offering only `kex` with `share`. */
function helloWithShare(kex: KexId, share: Uint8Array): Uint8Array {
  return encodeClientHello({
    random: crypto.getRandomValues(new Uint8Array(32)),
    offer: { ...SMALL, kex: [kex] },
    shares: new Map([[kex, share]]),
    group: kex === "ffdhe" ? FFDHE_GROUPS.ffdhe3072 : undefined,
  });
}

Deno.test("a hand-built ClientHello with a valid share gets a ServerHello for every key exchange (control)", () =>
  withServer([ALL_KEX], async (server) => {
    for (const kex of ALGORITHMS.kex) {
      const client = await rawTcp(server, { handshake: false });
      await client.sendOuter(encodeFrame(helloWithShare(kex, await validShare(kex))));
      assert.equal(parseServerHello(await client.nextOuter()).body.suite.kex, kex);
      client.close();
    }
  }));

for (const entry of INVALID_SHARES) {
  Deno.test(`the server refuses ${entry.name} with a handshake_failed alert and logs bad_share`, () =>
    withServer([ALL_KEX], async (server) => {
      const client = await rawTcp(server, { handshake: false });
      await client.sendOuter(encodeFrame(helloWithShare(entry.kex, await entry.toServer())));
      assert.equal((await client.nextAlert()).code, "handshake_failed");
      await client.closedByServer();
      const logged = await server.waitForLog((r) => r.event === "security");
      assert.equal(logged.kind, "bad_share", String(logged.message));
      client.close();
    }));
}

/** A fake server's long-term keys; it signs properly, so only what a test changes is wrong. */
const FAKE_KEYS: ServerKeys = {
  "ed25519": nobleProvider.signature("ed25519").generateKeyPair(),
  "ecdsa-p256": nobleProvider.signature("ecdsa-p256").generateKeyPair(),
};
const FAKE_FINGERPRINT = fingerprint(nobleProvider, publicKeys(FAKE_KEYS));

/**
 * A relay hook that plays the server itself: it answers the ClientHello with a ServerHello it builds and
 * signs by hand, then drops everything else the client sends (the real server never hears of it).
 */
function fakeServer(change: { suite?: Partial<Suite>; share?: Uint8Array }): FrameHook {
  return async ({ direction, index, payload, link }) => {
    if (direction === "s2c" || index > 0) return [];
    const options = {
      provider: nobleProvider,
      accept: DEFAULT_PREFERENCES,
      group: FFDHE_GROUPS.ffdhe3072,
      keys: FAKE_KEYS,
      maxFrameBytes: 1 << 20,
    };
    const received = readClientHello(options, payload);
    const suite = { ...received.suite, ...change.suite };
    const group = received.suite.kex === "ffdhe" ? FFDHE_GROUPS.ffdhe3072 : undefined;
    const share = change.share ??
      (await nobleProvider.kex(received.suite.kex, group).respond(received.clientShare)).share;
    const body = encodeServerHelloBody({
      random: crypto.getRandomValues(new Uint8Array(32)),
      suite,
      share,
      identity: publicKeys(FAKE_KEYS),
      maxFrameBytes: 1 << 20,
    });
    const input = signatureInput(nobleProvider.hash(suite.hash), payload, body);
    const signature = await nobleProvider.signature(suite.sig).sign(FAKE_KEYS[suite.sig]!.secretKey, input);
    await link.inject("s2c", encodeServerHello(body, signature));
    return [];
  };
}

/** Runs the real client, pinned to the fake, against a fake server making `change`. */
async function againstFake(server: TestServer, offer: SuitePreferences, change: Parameters<typeof fakeServer>[0]) {
  const relay = startRelay(server.tcpPort, fakeServer(change));
  try {
    const options = clientOptions(server, { offer, verify: pinTo(FAKE_FINGERPRINT) });
    const session = await connectSecure(relay.port, options);
    session.duplex.close();
    return session;
  } finally {
    await relay.close();
  }
}

Deno.test("the client completes a handshake with the hand-built ServerHello of the fake server (control)", () =>
  withServer([], async (server) => {
    for (const kex of ALGORITHMS.kex) {
      const { result } = await againstFake(server, { ...SMALL, kex: [kex] }, {});
      assert.equal(result.fingerprint, FAKE_FINGERPRINT);
    }
  }));

for (const entry of INVALID_SHARES) {
  if (!entry.toClient) continue;
  const toClient = entry.toClient;
  Deno.test(`the client refuses ${entry.name} from a server with HandshakeError bad_share`, () =>
    withServer([], async (server) => {
      const error = await rejection(
        againstFake(server, { ...SMALL, kex: [entry.kex] }, { share: await toClient() }),
        "the handshake with a bad server share",
      );
      assertHandshakeError(error, "bad_share");
    }));
}

Deno.test("a validly signed ServerHello that chooses anything not offered is refused with HandshakeError downgrade", () =>
  withServer([], async (server) => {
    const unoffered: Partial<Suite>[] = [{ kex: "p256" }, { aead: "aes-128-gcm" }, { hash: "sha384" }, {
      sig: "ecdsa-p256",
    }];
    for (const change of unoffered) {
      const error = await rejection(
        againstFake(server, SMALL, { suite: change }),
        `choosing ${JSON.stringify(change)}`,
      );
      assertHandshakeError(error, "downgrade");
    }
  }));

// ---------------------------------------------------------------------------------------------------------------
// 7. Handshake timeout
// ---------------------------------------------------------------------------------------------------------------

for (const [name, open] of TRANSPORTS) {
  Deno.test(`${name}: a client that sends nothing is closed after the handshake timeout with a timeout alert`, () => {
    const clock = new FakeClock();
    return withServer(["--crypto.handshakeTimeoutMs=300"], async (server) => {
      const client = await open(server, { handshake: false });
      await server.waitForLog((r) => r.event === "connect" && r.transport === (name === "TCP" ? "tcp" : "ws"));
      clock.tick(299);
      await assert.rejects(client.nextOuter(100), /No frame within 100 ms/, "nothing before the deadline");
      clock.tick(250); // the deadline passed, and the sweep that notices it ran
      assert.equal((await client.nextAlert(5000)).code, "timeout");
      await client.closedByServer(5000);
      const logged = await server.waitForLog((r) => r.event === "security");
      assert.equal(logged.kind, "handshake_timeout");
      client.close();
    }, clock);
  });
}

Deno.test("TCP: a client that stops after its ClientHello is closed after the handshake timeout", () => {
  const clock = new FakeClock();
  return withServer(["--crypto.handshakeTimeoutMs=300"], async (server) => {
    const client = await rawTcp(server, { handshake: false });
    await client.sendOuter(encodeFrame(helloWithShare("x25519", await validShare("x25519"))));
    assert.equal((await client.nextOuter())[0], ContentType.handshake);
    clock.tick(550);
    assert.equal((await client.nextAlert(5000)).code, "timeout");
    await client.closedByServer(5000);
    assert.equal((await server.waitForLog((r) => r.event === "security")).kind, "handshake_timeout");
    client.close();
  }, clock);
});

// ---------------------------------------------------------------------------------------------------------------
// 9. Key updates
// ---------------------------------------------------------------------------------------------------------------

/** 50 sequential echoes, so each request and each answer is a record of its own. */
async function fiftyEchoes(session: ClientSession): Promise<void> {
  const client = new MimiClient(session.duplex);
  for (let i = 0; i < 50; i++) {
    const body = { i, text: `update ${i} 🔑`.repeat(i % 5 + 1) };
    assert.deepEqual(await deadline(client.echo(body), 5000, `echo ${i}`), body);
  }
  client.close();
}

const REKEYING = { ...RECORDS, rekeyAfterRecords: 2 };

Deno.test("TCP: 50 echoes succeed while the client updates its keys every 2 records and the server every 3", () =>
  withServer(["--crypto.rekeyAfterRecords=3"], async (server) => {
    const relay = startRelay(server.tcpPort);
    try {
      await fiftyEchoes(await connectSecure(relay.port, clientOptions(server, { offer: SMALL, records: REKEYING })));
      const link = await relay.link();
      // Counted on the wire: ClientHello, Finished, 50 requests, a key update after every 2nd, then close_notify.
      await until(() => link.frames.c2s.length >= 2 + 50 + 25 + 1, 5000, "the client's records");
      assert.equal(link.frames.c2s.length, 2 + 50 + 25 + 1);
      // ServerHello, 50 answers, a key update after every 3rd (16), and the server's close_notify.
      await until(() => link.frames.s2c.length >= 1 + 50 + 16, 5000, "the server's records");
      assert.ok([1 + 50 + 16, 1 + 50 + 16 + 1].includes(link.frames.s2c.length), `${link.frames.s2c.length} frames`);
    } finally {
      await relay.close();
    }
  }));

Deno.test("WebSocket: 50 echoes succeed while the client updates its keys every 2 records and the server every 3", () =>
  withServer(["--crypto.rekeyAfterRecords=3"], async (server) => {
    await fiftyEchoes(await connectSecure(server.wsUrl, clientOptions(server, { offer: SMALL, records: REKEYING })));
  }));

// ---------------------------------------------------------------------------------------------------------------
// 10. Close notice
// ---------------------------------------------------------------------------------------------------------------

for (const [name, to] of [["TCP", (s: TestServer) => s.tcpPort], ["WebSocket", (s: TestServer) => s.wsUrl]] as const) {
  Deno.test(`${name}: a client that closes cleanly is logged as peer_closed`, () =>
    withServer([], async (server) => {
      const client = new MimiClient(
        (await connectSecure(to(server), clientOptions(server, { offer: SMALL }))).duplex,
      );
      await client.echo("closing cleanly");
      const conn = await connOfEcho(server, "closing cleanly");
      client.close();
      assert.equal(await client.closed, undefined);
      const logged = await server.waitForLog((r) => r.event === "disconnect" && r.conn === conn);
      assert.equal(logged.reason, "peer_closed");
    }));
}

for (const [name, open] of TRANSPORTS) {
  Deno.test({
    name: `${name}: a client whose connection ends without close_notify is logged as cut_off`,
    fn: () =>
      withServer([], async (server) => {
        const client = await open(server, { offer: SMALL });
        await client.request(Op.echo, 1, "cut off");
        await client.next();
        const conn = await connOfEcho(server, "cut off");
        client.close();
        const logged = await server.waitForLog((r) => r.event === "disconnect" && r.conn === conn);
        assert.equal(logged.reason, "cut_off");
      }),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 11. Eavesdropper
// ---------------------------------------------------------------------------------------------------------------

Deno.test("an eavesdropper recording both directions sees no 8-byte window of the messages, and padded records", () =>
  withServer([], async (server) => {
    const relay = startRelay(server.tcpPort);
    const secret = "秘密-" + [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16)).join("");
    const marker = Array.from({ length: 40 }, (_, i) => `MARKER-${i}-${secret.length}`).join(" ");
    try {
      const { duplex } = await connectSecure(relay.port, clientOptions(server));
      const client = new MimiClient(duplex);
      assert.equal(await client.echo(secret), secret);
      assert.equal(await client.echo(marker), marker);
      client.close();
      assert.equal(await client.closed, undefined);
      const link = await relay.link();
      await link.done;

      const windows = (bytes: Uint8Array) => {
        const set = new Set<string>();
        for (let i = 0; i + 8 <= bytes.length; i++) set.add(bytes.subarray(i, i + 8).join(","));
        return set;
      };
      for (const direction of ["c2s", "s2c"] as const) {
        const seen = windows(link.received(direction));
        assert.ok(link.received(direction).length > 0);
        for (const text of [secret, marker]) {
          const bytes = utf8(text);
          assert.ok(!contains(link.received(direction), bytes), `${direction} carries the message in clear`);
          for (let i = 0; i + 8 <= bytes.length; i++) {
            assert.ok(!seen.has(bytes.subarray(i, i + 8).join(",")), `${direction} carries bytes ${i}..${i + 8}`);
          }
        }
      }
      const padding = server.config.crypto.padding;
      assert.equal(padding, 32);
      const records = link.frames.s2c.slice(1);
      assert.ok(records.length >= 2);
      for (const record of records) {
        assert.equal(record[0], ContentType.record);
        assert.equal((record.length - 1 - TAG_BYTES) % padding, 0, `record of ${record.length} bytes`);
      }
    } finally {
      await relay.close();
    }
  }));
