// Tests for SecureChannel: batching frames per tick, splitting at frame boundaries, close_notify and failures.

import assert from "node:assert/strict";
import { CodecError } from "../codec/error.ts";
import { encodeFrame } from "../codec/frame.ts";
import { SecureChannel } from "./channel.ts";
import { RecordError } from "./errors.ts";
import { InnerType, type RecordOptions, RecordSealer } from "./record.ts";
import { utf8 } from "../bytes/mod.ts";
import { nobleProvider } from "./primitives/noble.ts";
import { syncNobleProvider } from "./primitives/_test_utils.ts";
import type { CryptoProvider } from "./primitives/types.ts";
import type { Suite } from "./suites.ts";

const SUITE: Suite = { kex: "x25519", aead: "chacha20-poly1305", hash: "sha256", sig: "ed25519" };
const CLIENT_SECRET = new Uint8Array(32).fill(0x0c);
const SERVER_SECRET = new Uint8Array(32).fill(0x05);
const RECORDS: RecordOptions = { padding: 32, rekeyAfterRecords: 1_000_000, rekeyAfterBytes: 1 << 30 };

interface End {
  channel: SecureChannel;
  written: Uint8Array[];
  errors: unknown[];
}

/** One side of a channel whose written records are collected, with the peer's secrets crossed. */
async function end(
  role: "client" | "server",
  options: { records?: Partial<RecordOptions>; maxFrameBytes?: number; provider?: CryptoProvider } = {},
): Promise<End> {
  const written: Uint8Array[] = [];
  const errors: unknown[] = [];
  const channel = await SecureChannel.create({
    provider: options.provider ?? nobleProvider,
    suite: SUITE,
    sendSecret: role === "client" ? CLIENT_SECRET : SERVER_SECRET,
    receiveSecret: role === "client" ? SERVER_SECRET : CLIENT_SECRET,
    records: { ...RECORDS, ...options.records },
    maxFrameBytes: options.maxFrameBytes ?? 1024,
    write: (payload) => written.push(payload),
    onError: (error) => errors.push(error),
  });
  return { channel, written, errors };
}

/** Feeds every record to `receiver` and returns the frames they carried, in order. */
async function deliver(records: Uint8Array[], receiver: SecureChannel): Promise<Uint8Array[]> {
  const payloads: Uint8Array[] = [];
  for (const record of records) payloads.push(...(await receiver.receive(record)).payloads);
  return payloads;
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function frames(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new Uint8Array(size).fill(i + 1));
}

Deno.test("SecureChannel.send() called several times in one tick writes one record", async () => {
  const client = await end("client");
  const server = await end("server");
  const sent = [utf8("one"), utf8("two"), utf8("three"), new Uint8Array(0)];
  for (const payload of sent) client.channel.send(payload);
  assert.equal(client.written.length, 0, "nothing is written synchronously");
  await client.channel.flushed();
  assert.equal(client.written.length, 1);
  assert.deepEqual(await deliver(client.written, server.channel), sent);
});

Deno.test("SecureChannel.send() in different ticks writes one record per tick", async () => {
  const client = await end("client");
  const server = await end("server");
  client.channel.send(utf8("first"));
  await nextTask();
  client.channel.send(utf8("second"));
  client.channel.send(utf8("third"));
  await nextTask();
  client.channel.send(utf8("fourth"));
  await client.channel.flushed();
  assert.equal(client.written.length, 3);
  assert.deepEqual((await server.channel.receive(client.written[0])).payloads, [utf8("first")]);
  assert.deepEqual((await server.channel.receive(client.written[1])).payloads, [utf8("second"), utf8("third")]);
  assert.deepEqual((await server.channel.receive(client.written[2])).payloads, [utf8("fourth")]);
});

Deno.test("SecureChannel.cork() holds frames across ticks until uncork(), which sends them in one record", async () => {
  const client = await end("client");
  const server = await end("server");
  client.channel.cork();
  client.channel.send(utf8("a"));
  await nextTask();
  client.channel.send(utf8("b"));
  await nextTask();
  assert.equal(client.written.length, 0);
  client.channel.uncork();
  await client.channel.flushed();
  assert.equal(client.written.length, 1);
  assert.deepEqual(await deliver(client.written, server.channel), [utf8("a"), utf8("b")]);
});

Deno.test("SecureChannel.close() sends corked frames before close_notify", async () => {
  const client = await end("client");
  const server = await end("server");
  client.channel.cork();
  client.channel.send(utf8("held"));
  await client.channel.close();
  assert.equal(client.written.length, 2);
  assert.deepEqual((await server.channel.receive(client.written[0])).payloads, [utf8("held")]);
  assert.equal((await server.channel.receive(client.written[1])).closeNotify, true);
});

Deno.test("SecureChannel splits a batch larger than one record at frame boundaries, in order", async () => {
  // maxFrameBytes 100: a record holds at most 104 bytes of frames, so three 30-byte payloads (34 framed).
  const client = await end("client", { maxFrameBytes: 100 });
  const server = await end("server", { maxFrameBytes: 100 });
  const sent = frames(10, 30);
  for (const payload of sent) client.channel.send(payload);
  await client.channel.flushed();
  assert.equal(client.written.length, 4);
  const perRecord = [];
  for (const record of client.written) perRecord.push((await server.channel.receive(record)).payloads);
  assert.deepEqual(perRecord.map((p) => p.length), [3, 3, 3, 1]);
  assert.deepEqual(perRecord.flat(), sent);
});

Deno.test("SecureChannel sends a frame of exactly maxFrameBytes in a record of its own", async () => {
  const client = await end("client", { maxFrameBytes: 100 });
  const server = await end("server", { maxFrameBytes: 100 });
  const sent = [new Uint8Array(1).fill(1), new Uint8Array(100).fill(2), new Uint8Array(1).fill(3)];
  for (const payload of sent) client.channel.send(payload);
  await client.channel.flushed();
  assert.equal(client.written.length, 3);
  assert.deepEqual(await deliver(client.written, server.channel), sent);
});

Deno.test("SecureChannel.send() throws a RangeError for a frame over maxFrameBytes and sends nothing", async () => {
  const client = await end("client", { maxFrameBytes: 100 });
  assert.throws(() => client.channel.send(new Uint8Array(101)), {
    name: "RangeError",
    message: "Cannot send a frame of 101 bytes: the limit is 100",
  });
  await client.channel.flushed();
  assert.equal(client.written.length, 0);
});

Deno.test("SecureChannel.close() flushes pending frames, then sends close_notify", async () => {
  const client = await end("client");
  const server = await end("server");
  client.channel.send(utf8("a"));
  client.channel.send(utf8("b"));
  await client.channel.close();
  assert.equal(client.written.length, 2);
  assert.deepEqual(await server.channel.receive(client.written[0]), {
    payloads: [utf8("a"), utf8("b")],
    closeNotify: false,
  });
  assert.deepEqual(await server.channel.receive(client.written[1]), { payloads: [], closeNotify: true });
});

Deno.test("SecureChannel sends nothing after close(), and close() twice sends one close_notify", async () => {
  const client = await end("client");
  await client.channel.close();
  await client.channel.close();
  client.channel.send(utf8("too late"));
  await client.channel.flushed();
  assert.equal(client.written.length, 1);
});

Deno.test("SecureChannel.receive() throws CodecError truncated for a record that ends inside a frame", async () => {
  const server = await end("server");
  const sealer = await RecordSealer.create(nobleProvider, SUITE, CLIENT_SECRET, RECORDS);
  const whole = encodeFrame(utf8("a complete frame"));
  const body = new Uint8Array([...encodeFrame(utf8("ok")), ...whole.subarray(0, whole.length - 3)]);
  const [record] = await sealer.seal(InnerType.data, body);
  await assert.rejects(server.channel.receive(record), (error: unknown) => {
    assert.ok(error instanceof CodecError);
    assert.equal(error.code, "truncated");
    return true;
  });
});

Deno.test("SecureChannel.receive() throws CodecError too_large for a frame over maxFrameBytes inside a record", async () => {
  const server = await end("server", { maxFrameBytes: 10 });
  const sealer = await RecordSealer.create(nobleProvider, SUITE, CLIENT_SECRET, RECORDS);
  const [record] = await sealer.seal(InnerType.data, encodeFrame(new Uint8Array(11)));
  await assert.rejects(server.channel.receive(record), (error: unknown) => {
    assert.ok(error instanceof CodecError);
    assert.equal(error.code, "too_large");
    return true;
  });
});

Deno.test("SecureChannel hides key updates from the caller", async () => {
  const client = await end("client", { records: { rekeyAfterRecords: 2 } });
  const server = await end("server");
  const sent = frames(10, 5);
  for (const payload of sent) {
    client.channel.send(payload);
    await nextTask();
  }
  await client.channel.flushed();
  assert.equal(client.written.length, 15, "10 data records and 5 key updates");
  const results = [];
  for (const record of client.written) results.push(await server.channel.receive(record));
  assert.ok(results.every((r) => !r.closeNotify));
  assert.deepEqual(results.flatMap((r) => r.payloads), sent);
});

Deno.test("SecureChannel.receive() throws RecordError reflect for the channel's own record sent back", async () => {
  const client = await end("client");
  client.channel.send(utf8("mine"));
  await client.channel.flushed();
  await assert.rejects(client.channel.receive(client.written[0]), (error: unknown) => {
    assert.ok(error instanceof RecordError);
    assert.equal(error.kind, "reflect");
    return true;
  });
});

Deno.test("SecureChannel.receive() throws RecordError replay for a record received twice", async () => {
  const client = await end("client");
  const server = await end("server");
  client.channel.send(utf8("once"));
  await client.channel.flushed();
  await server.channel.receive(client.written[0]);
  await assert.rejects(server.channel.receive(client.written[0]), (error: unknown) => {
    assert.ok(error instanceof RecordError);
    assert.equal(error.kind, "replay");
    return true;
  });
});

Deno.test("SecureChannel.receive() throws RecordError tamper for a flipped byte, then refuses everything", async () => {
  const client = await end("client");
  const server = await end("server");
  client.channel.send(utf8("one"));
  await nextTask();
  client.channel.send(utf8("two"));
  await client.channel.flushed();
  const tampered = client.written[0].slice();
  tampered[10] ^= 0x20;
  await assert.rejects(server.channel.receive(tampered), { name: "RecordError", kind: "tamper" });
  await assert.rejects(server.channel.receive(client.written[0]), { name: "RecordError", kind: "tamper" });
});

/** nobleProvider, except that sealing always fails. */
const FAILING_SEAL: CryptoProvider = {
  ...nobleProvider,
  aead: (id) => {
    const inner = nobleProvider.aead(id);
    return {
      ...inner,
      importKey: async (key) => {
        const imported = await inner.importKey(key);
        return { seal: () => Promise.reject(new Error("seal failed")), open: (...args) => imported.open(...args) };
      },
    };
  },
};

Deno.test("SecureChannel reports a failed seal to onError once, without an unhandled rejection", async () => {
  const client = await end("client", { provider: FAILING_SEAL });
  client.channel.send(utf8("lost"));
  await client.channel.flushed();
  await nextTask();
  assert.equal(client.errors.length, 1);
  assert.match(String(client.errors[0]), /seal failed/);
  assert.equal(client.written.length, 0);
});

Deno.test("SecureChannel reports a throwing write to onError, without an unhandled rejection", async () => {
  const errors: unknown[] = [];
  const channel = await SecureChannel.create({
    provider: nobleProvider,
    suite: SUITE,
    sendSecret: CLIENT_SECRET,
    receiveSecret: SERVER_SECRET,
    records: RECORDS,
    maxFrameBytes: 1024,
    write: () => {
      throw new Error("socket closed");
    },
    onError: (error) => errors.push(error),
  });
  channel.send(utf8("lost"));
  await channel.flushed();
  await nextTask();
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /socket closed/);
});

Deno.test("SecureChannel with keys that seal synchronously batches one tick into one record and follows key updates", async () => {
  const client = await end("client", { provider: syncNobleProvider, records: { rekeyAfterRecords: 2 } });
  const server = await end("server", { provider: syncNobleProvider });
  const sent: Uint8Array[] = [];
  for (let tick = 0; tick < 5; tick++) {
    const batch = frames(3, 10 + tick);
    for (const frame of batch) client.channel.send(frame);
    sent.push(...batch);
    await client.channel.flushed();
  }
  // Five data records; the second and fourth reach the limit and are followed by a key update each.
  assert.equal(client.written.length, 7);
  const received: Uint8Array[] = [];
  for (const record of client.written) {
    const got = server.channel.receiveSync(record) ?? await server.channel.receive(record);
    received.push(...got.payloads);
  }
  assert.deepEqual(received, sent);
  assert.deepEqual(client.errors, []);
});

Deno.test("SecureChannel with writeFrame sends records sealed at once as whole frames, as encodeFrame() makes them", async () => {
  const framed: Uint8Array[] = [];
  const client = await SecureChannel.create({
    provider: syncNobleProvider,
    suite: SUITE,
    sendSecret: CLIENT_SECRET,
    receiveSecret: SERVER_SECRET,
    records: RECORDS,
    maxFrameBytes: 1024,
    write: () => assert.fail("records sealed at once leave through writeFrame"),
    writeFrame: (frame) => framed.push(frame),
    onError: (error) => assert.fail(String(error)),
  });
  const server = await end("server", { provider: syncNobleProvider });
  client.send(utf8("one"));
  client.send(utf8("two"));
  await client.flushed();
  assert.equal(framed.length, 1);
  const length = new DataView(framed[0].buffer, framed[0].byteOffset).getUint32(0);
  assert.equal(length, framed[0].length - 4);
  assert.deepEqual((await server.channel.receive(framed[0].subarray(4))).payloads, [utf8("one"), utf8("two")]);
});
