// A client that stops reading is disconnected once its outbound queue passes the limit, on both transports.

import assert from "node:assert/strict";
import { encodeEnvelope } from "../core/codec/envelope.ts";
import { encodeFrame } from "../core/codec/frame.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { startTestServer } from "./_harness.ts";
import { rawTcp, rawWs } from "./_raw_client.ts";

const LIMIT = 65536;
const BODY = new Uint8Array(60_000);
const LIMIT_FLAGS = [`--server.limits.maxFrameBytes=${LIMIT}`, `--server.limits.outboundQueueBytes=${LIMIT}`];

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}

/** Sends echo requests until the server gives up on us, never reading a byte of the answers. */
async function floodWithoutReading(conn: Deno.Conn, wrap: (frame: Uint8Array) => Uint8Array): Promise<number> {
  let sent = 0;
  try {
    // Enough answers to fill both kernels' socket buffers many times over; the server must cut us off first.
    for (let id = 1; id <= 2000; id++) {
      await writeAll(conn, wrap(encodeFrame(encodeEnvelope({ opcode: Op.echo, id, body: BODY }))));
      sent++;
    }
  } catch {
    // The server closed the connection on us: exactly what the test waits for.
  }
  return sent;
}

Deno.test("TCP: a client that stops reading is disconnected with outbound_overflow", async () => {
  const server = await startTestServer(LIMIT_FLAGS);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.tcpPort });
  const bystander = await rawTcp(server);
  try {
    const flood = floodWithoutReading(conn, (frame) => frame);
    const logged = await server.waitForLog((r) => r.event === "disconnect" && r.reason === "outbound_overflow", 20_000);
    assert.equal(logged.transport, "tcp");
    conn.close();
    await flood;
    await bystander.request(Op.echo, 1, "fine");
    assert.deepEqual(await bystander.next(), { opcode: Op.echo, id: 1, body: "fine" });
  } finally {
    bystander.close();
    await server.close();
  }
});

/** RFC 6455 §5.2 client frame: FIN + binary opcode, masked with an all-zero key (payload unchanged). */
function wsBinaryFrame(payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const header = n < 126 ? [0x82, 0x80 | n] : n < 65536 ? [0x82, 0x80 | 126, n >> 8, n & 0xff] : [
    0x82,
    0x80 | 127,
    0,
    0,
    0,
    0,
    (n >>> 24) & 0xff,
    (n >>> 16) & 0xff,
    (n >>> 8) & 0xff,
    n & 0xff,
  ];
  const out = new Uint8Array(header.length + 4 + n);
  out.set(header);
  out.set(payload, header.length + 4);
  return out;
}

Deno.test("WebSocket: a client that stops reading is disconnected with outbound_overflow", async () => {
  const server = await startTestServer(LIMIT_FLAGS);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.httpPort });
  try {
    const request = [
      "GET /ws HTTP/1.1",
      `Host: 127.0.0.1:${server.httpPort}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      "",
      "",
    ].join("\r\n");
    await writeAll(conn, new TextEncoder().encode(request));
    // Read only the 101 response; after that this client never reads again.
    const head = new Uint8Array(1024);
    const n = await conn.read(head);
    assert.match(new TextDecoder().decode(head.subarray(0, n ?? 0)), /^HTTP\/1\.1 101/);

    const flood = floodWithoutReading(conn, wsBinaryFrame);
    const logged = await server.waitForLog((r) => r.event === "disconnect" && r.reason === "outbound_overflow", 20_000);
    assert.equal(logged.transport, "ws");
    conn.close();
    await flood;
  } finally {
    await server.close();
  }
});

for (const [name, open] of [["TCP", rawTcp], ["WebSocket", rawWs]] as const) {
  Deno.test(`${name}: a client that reads keeps its connection under the same limit`, async () => {
    const server = await startTestServer(LIMIT_FLAGS);
    const client = await open(server);
    try {
      for (let id = 1; id <= 50; id++) {
        await client.request(Op.echo, id, BODY);
        assert.equal((await client.next()).id, id);
      }
      assert.equal(server.logs.some((r) => r.event === "disconnect"), false);
    } finally {
      client.close();
      await server.close();
    }
  });
}
