// Echo round trips over real loopback sockets: TCP against WebSocket, in the same run.

import { MimiClient } from "../core/client/client.ts";
import { connectWebSocket } from "../core/client/websocket.ts";
import { connectTcp } from "../cli/tcp.ts";
import { startTestServer } from "../tests/_harness.ts";

const server = await startTestServer(["--server.limits.connectionsPerIpPerMinute=100000"]);
const tcp = new MimiClient(await connectTcp("127.0.0.1", server.tcpPort));
const ws = new MimiClient(await connectWebSocket(server.wsUrl));
const text = "你好".repeat(50);

Deno.bench("echo round trip: TCP", { group: "echo", baseline: true }, async () => {
  await tcp.echo(text);
});
Deno.bench("echo round trip: WebSocket", { group: "echo" }, async () => {
  await ws.echo(text);
});
Deno.bench("100 pipelined echoes: TCP", { group: "pipelined", baseline: true }, async () => {
  await Promise.all(Array.from({ length: 100 }, () => tcp.echo(text)));
});
Deno.bench("100 pipelined echoes: WebSocket", { group: "pipelined" }, async () => {
  await Promise.all(Array.from({ length: 100 }, () => ws.echo(text)));
});

globalThis.addEventListener("unload", () => {
  tcp.close();
  ws.close();
});
