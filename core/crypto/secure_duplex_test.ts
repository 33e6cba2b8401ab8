// The secure channel as a Duplex: the contract suite, then what a broken or truncated channel reports.

import assert from "node:assert/strict";
import { CodecError } from "../codec/error.ts";
import { type Duplex, TransportError } from "../transport/duplex.ts";
import { runDuplexSuite } from "../transport/duplex_suite.ts";
import { duplexPair } from "../transport/pair.ts";
import { RecordError } from "./errors.ts";
import type { ServerKeys } from "./identity.ts";
import { performClientHandshake, performServerHandshake, type ServerSecureOptions } from "./perform_handshake.ts";
import { FFDHE_GROUPS } from "./primitives/ffdhe.ts";
import { nobleProvider } from "./primitives/noble.ts";
import { withAeadKeys } from "./primitives/_test_utils.ts";
import type { HandshakeResult } from "./handshake_client.ts";
import { InnerType, RecordSealer } from "./record.ts";
import type { SecureDuplex } from "./secure_duplex.ts";
import type { SuitePreferences } from "./suites.ts";

const KEYS: ServerKeys = { ed25519: nobleProvider.signature("ed25519").generateKeyPair() };
const SMALL: SuitePreferences = { kex: ["x25519"], aead: ["aes-256-gcm"], hash: ["sha256"], sig: ["ed25519"] };
const RECORDS = { padding: 32, rekeyAfterRecords: 1 << 20, rekeyAfterBytes: 2 ** 30 };

/** The client's transport as the test sees it: `tamper` rewrites what the client writes, `sent` counts it. */
interface Tap {
  tamper?: (payload: Uint8Array) => Uint8Array;
  sent: Uint8Array[];
}

/** A client and a server secured over an in-memory pair; the client's writes pass through `tap`. */
async function securedPair(channel: ServerSecureOptions["channel"] = {}, serverProvider = nobleProvider): Promise<{
  client: SecureDuplex;
  server: SecureDuplex;
  clientRaw: Duplex;
  clientResult: HandshakeResult;
  tap: Tap;
}> {
  const [c, s] = duplexPair();
  const tap: Tap = { sent: [] };
  const tapped: Duplex = {
    read: () => c.read(),
    write(payload) {
      tap.sent.push(payload);
      c.write(tap.tamper ? tap.tamper(payload) : payload);
    },
    close: () => c.close(),
  };
  const [client, server] = await Promise.all([
    performClientHandshake(tapped, {
      provider: nobleProvider,
      offer: SMALL,
      records: RECORDS,
      maxFrameBytes: 1 << 20,
      handshakeTimeoutMs: 10_000,
      verify: () => {},
    }),
    performServerHandshake(s, {
      provider: serverProvider,
      accept: SMALL,
      group: FFDHE_GROUPS.ffdhe2048,
      keys: KEYS,
      maxFrameBytes: 1 << 20,
      records: RECORDS,
      channel,
    }),
  ]);
  return { client: client.duplex, server: server.duplex, clientRaw: tapped, clientResult: client.result, tap };
}

runDuplexSuite({
  name: "SecureDuplex",
  async pair() {
    const { client, server } = await securedPair();
    return { near: client, far: server };
  },
  test: Deno.test,
});

Deno.test("SecureDuplex rejects a tampered record as bad_message with the RecordError as cause, and sends no close_notify", async () => {
  const { client, server, tap } = await securedPair();
  tap.tamper = (payload) => payload.map((byte, i) => i === payload.length - 1 ? byte ^ 1 : byte);
  client.write(Uint8Array.of(1));
  const error = await server.read().then(() => assert.fail("read() resolved"), (e) => e);
  assert.ok(error instanceof TransportError && error.kind === "bad_message", String(error));
  assert.match(error.message, /tampered with or corrupted/);
  assert.ok(error.cause instanceof RecordError);
  await assert.rejects(server.read(), TransportError, "every later read reports it too");
  tap.tamper = undefined;
  const before = tap.sent.length;
  await server.close();
  assert.equal(await client.read().catch((e) => e.kind), "lost", "the server closed without a close_notify");
  await client.close();
  assert.equal(tap.sent.length, before, "a channel cut short ends without a close_notify on either side");
});

Deno.test("SecureDuplex reports a transport that ends without close_notify as lost and cutOff", async () => {
  const { client, server, clientRaw } = await securedPair();
  client.write(Uint8Array.of(7));
  assert.deepEqual(await server.read(), Uint8Array.of(7));
  await clientRaw.close(); // the transport ends; the channel never said goodbye
  await assert.rejects(server.read(), (e) => e instanceof TransportError && e.kind === "lost");
  assert.equal(server.cutOff, true);
  await server.close();
});

Deno.test("SecureDuplex reports record content that is not whole frames as bad_frame with the CodecError as cause", async () => {
  const { server, clientRaw, clientResult } = await securedPair();
  // Sealed as the client would seal its first record, but holding a length prefix and two bytes of a 16-byte frame.
  const sealer = await RecordSealer.create(
    nobleProvider,
    clientResult.suite,
    clientResult.secrets.clientTraffic,
    RECORDS,
  );
  for (const record of await sealer.seal(InnerType.data, Uint8Array.of(0, 0, 0, 16, 0, 2))) clientRaw.write(record);
  const error = await server.read().then(() => assert.fail("read() resolved"), (e) => e);
  assert.ok(error instanceof TransportError && error.kind === "bad_frame", String(error));
  assert.ok(error.cause instanceof CodecError);
  await server.close();
});

Deno.test("SecureDuplex with corkPerRecord sends the answers to one record's payloads in one record", async () => {
  const { client, server } = await securedPair({ corkPerRecord: true });
  client.write(Uint8Array.of(1));
  client.write(Uint8Array.of(2)); // one tick: one record with two payloads
  const records: number[] = [];
  const counting = (async () => {
    for (let n = 0; n < 2; n++) {
      records.push((await client.read())![0]);
    }
  })();
  for (let n = 0; n < 2; n++) {
    const payload = (await server.read())!;
    await Promise.resolve(); // an answer computed in a later tick still waits for the next read
    server.write(payload);
  }
  const pending = server.read(); // asks for more: what was held leaves now
  await counting;
  assert.deepEqual(records, [1, 2]);
  await client.close();
  assert.equal(await pending, null);
  await server.close();
});

Deno.test("SecureDuplex reports a record that cannot be sealed through read() as write_failed", async () => {
  let failing = false;
  const flaky = withAeadKeys(nobleProvider, (key) => ({
    seal: (nonce, plaintext, ad) =>
      failing ? Promise.reject(new Error("The sealing device is gone")) : key.seal(nonce, plaintext, ad),
    open: (nonce, ciphertext, ad) => key.open(nonce, ciphertext, ad),
  }));
  let heard: unknown;
  const { client, server } = await securedPair({ onSealError: (error) => heard = error }, flaky);
  failing = true;
  const pending = server.read();
  server.write(Uint8Array.of(1));
  const error = await pending.then(() => assert.fail("read() resolved"), (e) => e);
  assert.ok(error instanceof TransportError && error.kind === "write_failed", String(error));
  assert.match((heard as Error).message, /sealing device is gone/);
  assert.throws(() => client.write(new Uint8Array((1 << 20) + 1)), RangeError, "over the limit: a programmer error");
  await Promise.all([client.close(), server.close()]);
});
