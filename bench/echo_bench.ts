// Echo round trips through the secure channel over real loopback sockets: TCP against WebSocket, in the same run.
// Async benchmarks time themselves with b.start()/b.end() (see handshake_bench.ts for why).

import { MimiClient } from "../core/client/client.ts";
import { secureOptionsFromConfig, secureTransport } from "../core/client/secure.ts";
import { connectWebSocket } from "../core/client/websocket.ts";
import { DEFAULT_CONFIG } from "../core/config/schema.ts";
import { webCryptoProvider } from "../core/crypto/primitives/webcrypto.ts";
import { connectTcp } from "../cli/tcp.ts";
import { startTestServer } from "../tests/_harness.ts";

const server = await startTestServer(["--server.limits.connectionsPerIpPerMinute=100000", "--log.level=silent"]);
const options = secureOptionsFromConfig(
  DEFAULT_CONFIG.crypto,
  DEFAULT_CONFIG.server.limits.maxFrameBytes,
  await webCryptoProvider(),
  () => {},
);
const tcp = new MimiClient((await secureTransport(await connectTcp("127.0.0.1", server.tcpPort), options)).transport);
const ws = new MimiClient((await secureTransport(await connectWebSocket(server.wsUrl), options)).transport);
const text = "你好".repeat(50);

for (const [name, client, baseline] of [["TCP", tcp, true], ["WebSocket", ws, false]] as const) {
  Deno.bench(`echo round trip: ${name}`, { group: "echo", baseline }, async (b) => {
    b.start();
    await client.echo(text);
    b.end();
  });
  Deno.bench(`100 pipelined echoes: ${name}`, { group: "pipelined", baseline }, async (b) => {
    b.start();
    await Promise.all(Array.from({ length: 100 }, () => client.echo(text)));
    b.end();
  });
}

globalThis.addEventListener("unload", () => {
  tcp.close();
  ws.close();
});
