// The server's WebSocket transport, behind the HTTP port as the server runs it, passes the Duplex contract suite
// with the isomorphic WebSocket client as its peer.

import { DEFAULT_CONFIG } from "../../core/config/schema.ts";
import type { Duplex } from "../../core/transport/duplex.ts";
import { runDuplexSuite } from "../../core/transport/duplex_suite.ts";
import { connectWebSocket } from "../../core/transport/websocket_client.ts";
import { FakeClock } from "../../core/time/clock.ts";
import { AdmissionControl } from "../admission.ts";
import { Deadlines } from "../deadlines.ts";
import { createLogger } from "../log.ts";
import { httpPort } from "./http.ts";
import { Socket } from "./socket.ts";

runDuplexSuite({
  name: "webSocketConnection()",
  async pair() {
    const clock = new FakeClock();
    const deadlines = new Deadlines(clock);
    const admission = new AdmissionControl(DEFAULT_CONFIG.server.limits, () => clock.now());
    let upgraded!: (connection: Duplex) => void;
    const near = new Promise<Duplex>((resolve) => upgraded = resolve);
    const port = httpPort({
      limits: { headersTimeoutMs: 10_000, httpIdleTimeoutMs: 10_000, maxFrameBytes: 1 << 20 },
      wsPath: "/ws",
      allowedOrigins: [],
      pages: () => new Response("not here", { status: 404 }),
      onWebSocket: (connection) => upgraded(connection),
      deadlines,
      now: () => clock.now(),
      logger: createLogger("silent"),
    });
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    void listener.accept().then((conn) => {
      const admitted = admission.admit("127.0.0.1", "http");
      if (!admitted.ok) throw new Error(admitted.message);
      port.serve(new Socket(conn, { outboundQueueBytes: 1 << 22 }), admitted.slot);
    });
    const far = await connectWebSocket(`ws://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/ws`, {
      maxFrameBytes: 1 << 20,
    });
    listener.close();
    return {
      near: await near,
      far,
      dispose: () => Promise.resolve(deadlines.stop()),
    };
  },
  test: Deno.test,
});
