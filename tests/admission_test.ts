// Connection caps over real sockets: the connection limit and the per-address rate of new connections.

import assert from "node:assert/strict";
import { Op } from "../core/protocol/opcodes.ts";
import { startTestServer } from "./_harness.ts";
import { rawTcp, rawWs } from "./_raw_client.ts";

Deno.test("a connection over maxConnections gets server_busy and is closed, on TCP and WebSocket", async () => {
  const server = await startTestServer(["--server.limits.maxConnections=2"]);
  const a = await rawTcp(server);
  const b = await rawWs(server);
  try {
    await a.request(Op.echo, 1, "a");
    await b.request(Op.echo, 1, "b");
    await a.next();
    await b.next();
    for (const open of [rawTcp, rawWs]) {
      const extra = await open(server);
      const error = await extra.next();
      assert.deepEqual([error.opcode, error.id, (error.body as { code: string }).code], [Op.error, 0, "server_busy"]);
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

Deno.test("new connections over the per-address rate get rate_limited with retryAfterMs", async () => {
  const server = await startTestServer(["--server.limits.connectionsPerIpPerMinute=3"]);
  const clients = [];
  try {
    for (let i = 0; i < 3; i++) {
      const c = await rawTcp(server);
      clients.push(c);
      await c.request(Op.echo, 1, i);
      assert.equal((await c.next()).body, i);
    }
    const refused = await rawTcp(server);
    clients.push(refused);
    const error = await refused.next();
    const body = error.body as { code: string; retryAfterMs: number };
    assert.equal(body.code, "rate_limited");
    assert.ok(body.retryAfterMs > 0 && body.retryAfterMs <= 20_000, `retryAfterMs ${body.retryAfterMs}`);
    await refused.closedByServer();
  } finally {
    for (const c of clients) c.close();
    await server.close();
  }
});
