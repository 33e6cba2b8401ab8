// A client that stops reading is disconnected once its outbound queue passes the limit, on both transports;
// a client that reads keeps its connection under the same limit.

import assert from "node:assert/strict";
import { Op } from "../core/protocol/opcodes.ts";
import { startTestServer } from "./_harness.ts";
import { isConnectionGone, type RawClient, rawTcp, rawWs } from "./_raw_client.ts";
import { rawWsSocket } from "./_ws_socket_wire.ts";

const LIMIT = 65536;
const BODY = new Uint8Array(60_000);
const LIMIT_FLAGS = [`--server.limits.maxFrameBytes=${LIMIT}`, `--server.limits.outboundQueueBytes=${LIMIT}`];

/** Sends echo requests until the server gives up on us; the client reads not a byte of the answers. */
async function floodWithoutReading(client: RawClient): Promise<void> {
  client.stopReading();
  try {
    // Enough answers to fill both kernels' socket buffers many times over; the server must cut us off first.
    // Paced, so the server's bound on unread WebSocket input (a different limit) is not what trips.
    for (let id = 1; id <= 2000; id++) {
      await client.request(Op.echo, id, BODY);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } catch (error) {
    // The server closed the connection on us: exactly what the test waits for.
    if (!isConnectionGone(error)) throw error;
  }
}

for (const [name, open, transport] of [["TCP", rawTcp, "tcp"], ["WebSocket", rawWsSocket, "ws"]] as const) {
  Deno.test(`${name}: a client that stops reading is disconnected with outbound_overflow`, async () => {
    const server = await startTestServer(LIMIT_FLAGS);
    const client = await open({ ...server, httpPort: server.httpPort });
    const bystander = await rawTcp(server);
    try {
      const flood = floodWithoutReading(client);
      const logged = await server.waitForLog(
        (r) => r.event === "disconnect" && r.reason === "outbound_overflow",
        20_000,
      );
      assert.equal(logged.transport, transport);
      client.close();
      await flood;
      await bystander.request(Op.echo, 1, "fine");
      assert.deepEqual(await bystander.next(), { opcode: Op.echo, id: 1, body: "fine" });
    } finally {
      client.close();
      bystander.close();
      await server.close();
    }
  });
}

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
