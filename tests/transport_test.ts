// One behaviour suite run against both transports (TCP, WebSocket): echo, ordering, and bad input at every
// layer — outer frames before the handshake, record contents and envelopes inside the secure channel.

import assert from "node:assert/strict";
import { encodeEnvelope } from "../core/codec/envelope.ts";
import { encodeFrame } from "../core/codec/frame.ts";
import { encodeValue } from "../core/codec/value.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { startTestServer, type TestServer } from "./_harness.ts";
import { type RawClient, type RawClientFactory, rawTcp, rawWs } from "./_raw_client.ts";

const TRANSPORTS: [string, RawClientFactory][] = [["TCP", rawTcp], ["WebSocket", rawWs]];

/** An envelope frame whose body is given as raw value bytes. */
function frameWithBody(opcode: number, id: number, bodyBytes: Uint8Array): Uint8Array {
  const payload = new Uint8Array(6 + bodyBytes.length);
  const view = new DataView(payload.buffer);
  view.setUint16(0, opcode);
  view.setUint32(2, id);
  payload.set(bodyBytes, 6);
  return encodeFrame(payload);
}

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.replace(/\s+/g, "").match(/../g)!.map((b) => parseInt(b, 16)));
}

/** Runs `fn` with a server, a client of the transport under test and an honest TCP bystander. */
async function withServer(
  open: RawClientFactory,
  fn: (client: RawClient, server: TestServer) => Promise<void>,
  options: { handshake?: boolean } = {},
): Promise<void> {
  const server = await startTestServer();
  const bystander = await rawTcp(server);
  const client = await open(server, options);
  try {
    await fn(client, server);
    // Whatever the client did, another connection is still served.
    await bystander.request(Op.echo, 7, "still here");
    assert.deepEqual(await bystander.next(), { opcode: Op.echo, id: 7, body: "still here" });
  } finally {
    client.close();
    bystander.close();
    await server.close();
  }
}

/** Expects an error envelope with `code` inside the channel, then the server closing the connection. */
async function expectErrorAndClose(client: RawClient, code: string, id = 0): Promise<void> {
  const envelope = await client.next();
  assert.equal(envelope.opcode, Op.error);
  assert.equal(envelope.id, id);
  assert.equal((envelope.body as { code: string }).code, code);
  await client.closedByServer();
}

/** Expects a plaintext alert with `code` (before the channel exists), then the close. */
async function expectAlertAndClose(client: RawClient, code: string): Promise<void> {
  assert.equal((await client.nextAlert()).code, code);
  await client.closedByServer();
}

for (const [name, open] of TRANSPORTS) {
  Deno.test(`${name}: echo returns the same value with the request's id`, () =>
    withServer(open, async (client) => {
      const body = { text: "你好\n世界", n: 42, big: 2n ** 60n, bytes: new Uint8Array([0, 255]), list: [null, true] };
      await client.request(Op.echo, 99, body);
      assert.deepEqual(await client.next(), { opcode: Op.echo, id: 99, body });
    }));

  Deno.test(`${name}: ping answers with the server clock`, () =>
    withServer(open, async (client) => {
      const before = Date.now();
      await client.request(Op.ping, 1, {});
      const reply = await client.next();
      assert.equal(reply.opcode, Op.ping);
      const time = (reply.body as { time: number }).time;
      assert.ok(time >= before && time <= Date.now(), `server time ${time} outside the request window`);
    }));

  Deno.test(`${name}: pipelined requests are all answered, each matched to its request by id`, () =>
    withServer(open, async (client) => {
      // echo is not an ordered operation (PROTOCOL.md §3): its answers may come in any order, so they are sorted here.
      for (let id = 1; id <= 50; id++) await client.request(Op.echo, id, id * 3);
      const answers = [];
      for (let id = 1; id <= 50; id++) answers.push(await client.next());
      answers.sort((a, b) => a.id - b.id);
      for (let id = 1; id <= 50; id++) assert.deepEqual(answers[id - 1], { opcode: Op.echo, id, body: id * 3 });
    }));

  Deno.test(`${name}: a request with id 0 gets bad_request and the connection stays open`, () =>
    withServer(open, async (client) => {
      await client.request(Op.echo, 0, "x");
      const error = await client.next();
      assert.equal(error.opcode, Op.error);
      assert.equal((error.body as { code: string }).code, "bad_request");
      await client.request(Op.echo, 5, "after");
      assert.deepEqual(await client.next(), { opcode: Op.echo, id: 5, body: "after" });
    }));

  Deno.test(`${name}: a malformed ping body gets bad_request and the connection stays open`, () =>
    withServer(open, async (client) => {
      await client.request(Op.ping, 3, "not a map");
      const error = await client.next();
      assert.deepEqual([error.opcode, error.id, (error.body as { code: string }).code], [Op.error, 3, "bad_request"]);
      await client.request(Op.ping, 4, {});
      assert.equal((await client.next()).id, 4);
    }));

  Deno.test(`${name}: an unknown opcode gets unknown_opcode with its id and the connection is closed`, () =>
    withServer(open, async (client, server) => {
      await client.request(0x7777, 12, null);
      await expectErrorAndClose(client, "unknown_opcode", 12);
      await server.waitForLog((r) => r.event === "disconnect" && r.reason === "unknown_opcode");
    }));

  Deno.test(`${name}: an error or push opcode sent by a client gets unknown_opcode with its id and the connection closes`, async () => {
    for (const opcode of [Op.error, Op.kicked, Op.presence]) {
      await withServer(open, async (client) => {
        await client.request(opcode, 9, {});
        await expectErrorAndClose(client, "unknown_opcode", 9);
      });
    }
  });

  Deno.test(`${name}: a 4 GiB length prefix before the handshake is refused with an alert`, () =>
    withServer(open, async (client, server) => {
      await client.sendOuter(hex("ffffffff 0001"));
      await expectAlertAndClose(client, "frame_too_large");
      const logged = await server.waitForLog((r) => r.event === "security");
      assert.equal(logged.kind, "bad_frame");
    }, { handshake: false }));

  Deno.test(`${name}: a 4 GiB length prefix inside the channel is refused as frame_too_large`, () =>
    withServer(open, async (client, server) => {
      await client.sendRecordBody(hex("ffffffff 0001"));
      await expectErrorAndClose(client, "frame_too_large");
      const logged = await server.waitForLog((r) => r.event === "protocol_error");
      assert.equal(logged.code, "frame_too_large");
    }));

  Deno.test(`${name}: a frame over the configured limit is refused`, () =>
    withServer(open, async (client, server) => {
      const body = encodeValue("x".repeat(server.config.server.limits.maxFrameBytes));
      await client.sendRecordBody(frameWithBody(Op.echo, 1, body));
      await expectErrorAndClose(client, "frame_too_large");
    }));

  Deno.test(`${name}: 10,000-deep nesting is refused as bad_frame`, () =>
    withServer(open, async (client) => {
      const body = new Uint8Array(10_000 * 5 + 1);
      for (let i = 0; i < 10_000; i++) body.set([0x07, 0, 0, 0, 1], i * 5);
      await client.sendRecordBody(frameWithBody(Op.echo, 1, body));
      await expectErrorAndClose(client, "bad_frame");
    }));

  Deno.test(`${name}: invalid UTF-8 in a string is refused as bad_frame`, () =>
    withServer(open, async (client, server) => {
      await client.sendRecordBody(frameWithBody(Op.echo, 1, hex("05 00000002 c080")));
      await expectErrorAndClose(client, "bad_frame");
      const logged = await server.waitForLog((r) => r.event === "protocol_error");
      assert.equal(logged.offset, 11, "offset of the string body within the envelope");
    }));

  Deno.test(`${name}: garbage inside a record is refused as bad_frame`, () =>
    withServer(open, async (client) => {
      await client.sendRecordBody(hex("00000004 deadbeef"));
      await expectErrorAndClose(client, "bad_frame");
    }));

  Deno.test(`${name}: a record that ends inside a frame is refused as bad_frame`, () =>
    withServer(open, async (client) => {
      await client.sendRecordBody(hex("00000010 0002 00000001"));
      await expectErrorAndClose(client, "bad_frame");
    }));

  Deno.test(`${name}: garbage instead of a ClientHello is refused with a handshake_failed alert`, () =>
    withServer(open, async (client, server) => {
      await client.sendOuter(encodeFrame(hex("deadbeef")));
      await expectAlertAndClose(client, "handshake_failed");
      await server.waitForLog((r) => r.event === "security" && r.kind === "unexpected_message");
    }, { handshake: false }));

  Deno.test(`${name}: a value followed by trailing bytes is refused as bad_frame`, () =>
    withServer(open, async (client) => {
      await client.sendRecordBody(frameWithBody(Op.echo, 1, hex("00 00")));
      await expectErrorAndClose(client, "bad_frame");
    }));
}

Deno.test("TCP: frames reassemble from one byte at a time and from many frames in one write", () =>
  withServer(rawTcp, async (client) => {
    const one = encodeFrame(
      await client.sealRecord(encodeFrame(encodeEnvelope({ opcode: Op.echo, id: 1, body: "逐字节" }))),
    );
    for (const byte of one) await client.sendOuter(Uint8Array.of(byte));
    assert.deepEqual(await client.next(), { opcode: Op.echo, id: 1, body: "逐字节" });

    const many = [];
    for (const id of [2, 3, 4, 5]) {
      many.push(encodeFrame(await client.sealRecord(encodeFrame(encodeEnvelope({ opcode: Op.echo, id, body: id })))));
    }
    const joined = new Uint8Array(many.reduce((n, f) => n + f.length, 0));
    many.reduce((at, f) => (joined.set(f, at), at + f.length), 0);
    await client.sendOuter(joined);
    for (const id of [2, 3, 4, 5]) assert.deepEqual(await client.next(), { opcode: Op.echo, id, body: id });
  }));

Deno.test("TCP: a stream that ends inside a frame is logged as truncated", () =>
  withServer(rawTcp, async (client, server) => {
    await client.sendOuter(hex("00000010 02 0000"));
    client.close();
    const logged = await server.waitForLog((r) => r.event === "protocol_error");
    assert.equal(logged.code, "bad_frame");
    assert.match(String(logged.message), /truncat|end/i);
  }));

Deno.test("WebSocket: a text message is refused with bad_frame and close status 1003", () =>
  withServer(rawWs, async (client) => {
    client.sendText("hello");
    await expectErrorAndClose(client, "bad_frame");
    assert.equal(client.closeCode(), 1003);
  }));

Deno.test("WebSocket: a message holding two frames is refused as bad_frame", () =>
  withServer(rawWs, async (client) => {
    const a = encodeFrame(await client.sealRecord(encodeFrame(encodeEnvelope({ opcode: Op.echo, id: 1, body: 1 }))));
    const both = new Uint8Array(a.length * 2);
    both.set(a);
    both.set(a, a.length);
    await client.sendOuter(both);
    await expectErrorAndClose(client, "bad_frame");
  }));

Deno.test("WebSocket: a message holding part of a frame is refused as bad_frame", () =>
  withServer(rawWs, async (client) => {
    const a = encodeFrame(await client.sealRecord(encodeFrame(encodeEnvelope({ opcode: Op.echo, id: 1, body: "p" }))));
    await client.sendOuter(a.subarray(0, a.length - 2));
    await expectErrorAndClose(client, "bad_frame");
  }));

Deno.test("HTTP: /ws without an upgrade header answers 426", async () => {
  const server = await startTestServer();
  try {
    const response = await fetch(`http://127.0.0.1:${server.httpPort}/ws`);
    await response.body?.cancel();
    assert.equal(response.status, 426);
  } finally {
    await server.close();
  }
});
