// The ceiling for bench/run.ts: a bare Deno server in its own process, without crypto, storage or protocol. Over
// WebSocket it broadcasts every text message to every other socket, one send() per copy (what the room fan-out is
// compared against), and echoes binary messages; over TCP it echoes bytes (what the record path is compared against).
// It prints one JSON line with its ports, then serves until killed.

const sockets = new Set<WebSocket>();

const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
  if (request.headers.get("upgrade") !== "websocket") return new Response("bare bench server", { status: 200 });
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.binaryType = "arraybuffer";
  socket.onopen = () => sockets.add(socket);
  socket.onclose = () => sockets.delete(socket);
  // An error is followed by a close event, which forgets the socket.
  socket.onerror = () => {};
  socket.onmessage = (event) => {
    if (typeof event.data !== "string") {
      socket.send(event.data);
      return;
    }
    for (const other of sockets) if (other !== socket && other.readyState === WebSocket.OPEN) other.send(event.data);
  };
  return response;
});

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });

async function echo(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  // A small buffer per connection, as the Mimi server's read buffers start small (server/transport/socket.ts).
  const buffer = new Uint8Array(2048);
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      for (let done = 0; done < n;) done += await conn.write(buffer.subarray(done, n));
    }
  } catch (error) {
    // A client that resets its connection at the end of a run ends this echo like a close does.
    if (!(error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe)) throw error;
  }
  try {
    conn.close();
  } catch (error) {
    // Closed already by a failed read or write.
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}

console.log(
  JSON.stringify({ event: "ready", httpPort: http.addr.port, tcpPort: (listener.addr as Deno.NetAddr).port }),
);
for await (const conn of listener) void echo(conn as Deno.TcpConn);
