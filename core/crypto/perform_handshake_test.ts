// The handshake of each role as one function over a Duplex: the two run against each other in memory.

import assert from "node:assert/strict";
import { type Duplex, TransportError } from "../transport/duplex.ts";
import { duplexPair } from "../transport/pair.ts";
import { FakeClock } from "../time/clock.ts";
import { HandshakeError } from "./errors.ts";
import { encodeAlert } from "./handshake_messages.ts";
import { fingerprint, publicKeys, type ServerKeys } from "./identity.ts";
import {
  type ClientSecureOptions,
  HandshakeRefusal,
  performClientHandshake,
  performServerHandshake,
  type ServerSecureOptions,
} from "./perform_handshake.ts";
import { FFDHE_GROUPS } from "./primitives/ffdhe.ts";
import { nobleProvider } from "./primitives/noble.ts";
import type { SuitePreferences } from "./suites.ts";

const KEYS: ServerKeys = { ed25519: nobleProvider.signature("ed25519").generateKeyPair() };
const SMALL: SuitePreferences = { kex: ["x25519"], aead: ["chacha20-poly1305"], hash: ["sha256"], sig: ["ed25519"] };
const RECORDS = { padding: 32, rekeyAfterRecords: 1 << 20, rekeyAfterBytes: 2 ** 30 };

function clientOptions(overrides: Partial<ClientSecureOptions> = {}): ClientSecureOptions {
  return {
    provider: nobleProvider,
    offer: SMALL,
    records: RECORDS,
    maxFrameBytes: 1 << 16,
    handshakeTimeoutMs: 10_000,
    verify: () => {},
    ...overrides,
  };
}

function serverOptions(overrides: Partial<ServerSecureOptions> = {}): ServerSecureOptions {
  return {
    provider: nobleProvider,
    accept: SMALL,
    group: FFDHE_GROUPS.ffdhe2048,
    keys: KEYS,
    maxFrameBytes: 1 << 16,
    records: RECORDS,
    ...overrides,
  };
}

/** The error `promise` rejects with. */
function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => assert.fail("resolved"), (error) => error);
}

Deno.test("performClientHandshake() and performServerHandshake() agree on the suite and exporter and carry payloads both ways", async () => {
  const [c, s] = duplexPair();
  const [client, server] = await Promise.all([
    performClientHandshake(c, clientOptions()),
    performServerHandshake(s, serverOptions()),
  ]);
  assert.deepEqual(client.result.suite, server.suite);
  assert.deepEqual(client.result.secrets.exporter, server.exporter);
  assert.equal(client.result.fingerprint, fingerprint(nobleProvider, publicKeys(KEYS)));
  client.duplex.write(Uint8Array.of(1, 2, 3));
  assert.deepEqual(await server.duplex.read(), Uint8Array.of(1, 2, 3));
  server.duplex.write(Uint8Array.of(4));
  assert.deepEqual(await client.duplex.read(), Uint8Array.of(4));
  await client.duplex.close();
  assert.equal(await server.duplex.read(), null, "the client's close_notify is a clean end");
  await server.duplex.close();
});

Deno.test("performClientHandshake() gives up after handshakeTimeoutMs on the injected clock and closes the transport", async () => {
  const clock = new FakeClock();
  const [c, s] = duplexPair();
  const handshake = rejection(performClientHandshake(c, clientOptions({ clock, handshakeTimeoutMs: 500 })));
  assert.ok(await s.read(), "the ClientHello arrived"); // the silent server answers nothing
  clock.tick(499);
  assert.equal(clock.pending, 1, "not given up before the deadline");
  clock.tick(1);
  const error = await handshake;
  assert.ok(error instanceof HandshakeError && error.kind === "timeout", String(error));
  assert.equal(await s.read(), null, "the client closed its transport");
  assert.equal(clock.pending, 0);
});

Deno.test("performClientHandshake() closes the transport and sends no Finished when verify() refuses the server", async () => {
  const [c, s] = duplexPair();
  const server = rejection(performServerHandshake(s, serverOptions()));
  const error = await rejection(performClientHandshake(
    c,
    clientOptions({
      verify: () => {
        throw new HandshakeError("key_changed", "Not the pinned key");
      },
    }),
  ));
  assert.ok(error instanceof HandshakeError && error.kind === "key_changed");
  const serverError = await server;
  assert.ok(serverError instanceof HandshakeError && serverError.kind === "abandoned", String(serverError));
});

Deno.test("performClientHandshake() reports a server that hangs up as closed, and a refusal as alert", async () => {
  const [c, s] = duplexPair();
  const hangUp = (async () => {
    await s.read();
    await s.close();
  })();
  const closed = await rejection(performClientHandshake(c, clientOptions()));
  assert.ok(closed instanceof HandshakeError && closed.kind === "closed", String(closed));
  await hangUp;

  const [c2, s2] = duplexPair();
  const client = rejection(performClientHandshake(c2, clientOptions()));
  const refusal = await rejection(performServerHandshake(
    s2,
    serverOptions({
      beforeKeyExchange: () => ({ code: "rate_limited", message: "Slow down", retryAfterMs: 5 }),
    }),
  ));
  assert.ok(refusal instanceof HandshakeRefusal, String(refusal));
  assert.deepEqual(refusal.alert, { code: "rate_limited", message: "Slow down", retryAfterMs: 5 });
  s2.write(encodeAlert(refusal.alert)); // what the server's caller does with it
  const alert = await client;
  assert.ok(alert instanceof HandshakeError && alert.kind === "alert", String(alert));
  assert.match(alert.message, /rate_limited.*Slow down/);
  await s2.close();
});

Deno.test("performServerHandshake() reports a client gone before its hello as closed and leaves the transport to its caller", async () => {
  const [c, s] = duplexPair();
  await c.close();
  const error = await rejection(performServerHandshake(s, serverOptions()));
  assert.ok(error instanceof HandshakeError && error.kind === "closed", String(error));
  s.write(Uint8Array.of(1)); // still the caller's to write an alert on, and to close
  await s.close();
});

Deno.test("either handshake passes a broken transport's TransportError through", async () => {
  const broken: Duplex = {
    read: () => Promise.reject(new TransportError("frame_too_large", "Too large")),
    write: () => {},
    close: () => Promise.resolve(),
  };
  for (
    const run of [performClientHandshake(broken, clientOptions()), performServerHandshake(broken, serverOptions())]
  ) {
    const error = await rejection(run);
    assert.ok(error instanceof TransportError && error.kind === "frame_too_large", String(error));
  }
});

Deno.test("the client reads an alert sent in place of the server's first record as the server's refusal", async () => {
  // The server may end the connection (shutting down, a timeout) after its ServerHello and before it has read the
  // client's Finished: it then still speaks in alerts (PROTOCOL.md §7.5), though the client already has its keys.
  const [c, s] = duplexPair();
  const [client] = await Promise.all([
    performClientHandshake(c, clientOptions()),
    performServerHandshake(s, serverOptions()),
  ]);
  s.write(encodeAlert({ code: "server_shutdown", message: "The server is shutting down" }));
  const error = await rejection(client.duplex.read());
  assert.ok(error instanceof HandshakeError && error.kind === "alert", String(error));
  assert.match(error.message, /server_shutdown.*The server is shutting down/);
  await s.close();
});

Deno.test("the client refuses an alert after the server's first record as a broken channel", async () => {
  const [c, s] = duplexPair();
  const [client, server] = await Promise.all([
    performClientHandshake(c, clientOptions()),
    performServerHandshake(s, serverOptions()),
  ]);
  server.duplex.write(new Uint8Array([1, 2, 3]));
  assert.deepEqual(await client.duplex.read(), new Uint8Array([1, 2, 3]));
  s.write(encodeAlert({ code: "server_shutdown", message: "Too late for an alert" }));
  const error = await rejection(client.duplex.read());
  assert.ok(error instanceof TransportError && error.kind === "bad_message", String(error));
  await s.close();
});
