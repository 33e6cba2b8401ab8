// Stopping the server in order (PROTOCOL.md §6, §9.4): every client is told, plain sockets close, and stopping twice
// (or hurrying) is one shutdown.

import assert from "node:assert/strict";
import { Op } from "../core/protocol/opcodes.ts";
import { startTestServer } from "./_harness.ts";
import { rawTcp, rawWs } from "./_raw_client.ts";

for (const hurry of [false, true]) {
  Deno.test(`stopping tells every client server_shutdown before closing${hurry ? ", also when hurried at once" : ""}`, async () => {
    const server = await startTestServer();
    const clients = [await rawTcp(server), await rawWs(server)];
    const idleHttp = await Deno.connect({ hostname: "127.0.0.1", port: server.httpPort });
    for (const client of clients) {
      await client.request(Op.echo, 1, "up");
      assert.equal((await client.next()).body, "up");
    }
    const stopping = [server.server.close(), server.server.close()];
    if (hurry) server.server.hurry();
    for (const client of clients) {
      const notice = await client.next();
      assert.deepEqual([notice.opcode, notice.id, (notice.body as { code: string }).code], [
        Op.error,
        0,
        "server_shutdown",
      ]);
      await client.closedByServer();
    }
    assert.equal(clients[1].closeCode(), 1001, "WebSocket status for server_shutdown (§6)");
    await Promise.all(stopping);
    assert.equal(server.server.openSockets, 0);
    assert.equal(await idleHttp.read(new Uint8Array(16)), null, "the plain HTTP socket was closed");
    idleHttp.close();
    await Deno.remove(server.server.dataDir, { recursive: true });
  });
}
