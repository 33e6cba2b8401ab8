// Echo round trips through the secure channel over real loopback sockets: TCP against WebSocket, in the same run.
// Async benchmarks time themselves with b.start()/b.end() (see handshake_bench.ts for why).

import { MimiClient } from "../core/client/client.ts";
import { clientFrameLimit, secureOptionsFromConfig } from "../core/client/secure.ts";
import { performClientHandshake } from "../core/crypto/perform_handshake.ts";
import { connectWebSocket } from "../core/transport/websocket_client.ts";
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
const limit = { maxFrameBytes: clientFrameLimit(options) };
const tcp = new MimiClient(
  (await performClientHandshake(await connectTcp("127.0.0.1", server.tcpPort, limit), options)).duplex,
);
const ws = new MimiClient((await performClientHandshake(await connectWebSocket(server.wsUrl, limit), options)).duplex);
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
