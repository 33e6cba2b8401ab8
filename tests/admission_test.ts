// Connection caps over real sockets: the connection limit and the per-address rate of new connections.
// A refusal comes before any key exists, so it is a plaintext alert (PROTOCOL.md §7.5).

import assert from "node:assert/strict";
import { Op } from "../core/protocol/opcodes.ts";
import { startTestServer } from "./_harness.ts";
import { rawTcp, rawWs } from "./_raw_client.ts";

Deno.test("a connection over maxConnections gets a server_busy alert and is closed, on TCP and WebSocket", async () => {
  const server = await startTestServer(["--server.limits.maxConnections=2"]);
  const a = await rawTcp(server);
  const b = await rawWs(server);
  try {
    await a.request(Op.echo, 1, "a");
    await b.request(Op.echo, 1, "b");
    await a.next();
    await b.next();
    for (const open of [rawTcp, rawWs]) {
      const extra = await open(server, { handshake: false });
      assert.equal((await extra.nextAlert()).code, "server_busy");
      await extra.closedByServer();
    }
    a.close();
    await server.waitForLog((r) => r.event === "disconnect" && r.transport === "tcp");
    const again = await rawTcp(server);
    await again.request(Op.echo, 2, "room again");
    assert.deepEqual(await again.next(), { opcode: Op.echo, id: 2, body: "room again" });
    again.close();
  } finally {
    a.close();
    b.close();
    await server.close();
  }
});

Deno.test("new connections over the per-address rate get a rate_limited alert with retryAfterMs", async () => {
  const server = await startTestServer(["--server.limits.connectionsPerIpPerMinute=3"]);
  const clients = [];
  try {
    for (let i = 0; i < 3; i++) {
      const c = await rawTcp(server);
      clients.push(c);
      await c.request(Op.echo, 1, i);
      assert.equal((await c.next()).body, i);
    }
    const refused = await rawTcp(server, { handshake: false });
    clients.push(refused);
    const alert = await refused.nextAlert();
    assert.equal(alert.code, "rate_limited");
    assert.ok(alert.retryAfterMs! > 0 && alert.retryAfterMs! <= 20_000, `retryAfterMs ${alert.retryAfterMs}`);
    await refused.closedByServer();
  } finally {
    for (const c of clients) c.close();
    await server.close();
  }
});
