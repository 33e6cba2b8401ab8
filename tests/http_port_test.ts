// The HTTP port holds nothing forever and counts every socket (PROTOCOL.md §11.1-11.2): request headers have a
// deadline, idle keep-alive connections close, HTTP sockets take part in admission, and only the server's own pages
// (or configured origins) may open its WebSocket.

import assert from "node:assert/strict";
import { Op } from "../core/protocol/opcodes.ts";
import { FakeClock } from "../core/time/clock.ts";
import { SWEEP_INTERVAL_MS } from "../server/deadlines.ts";
import { startTestServer, type TestServer, until } from "./_harness.ts";
import { rawTcp } from "./_raw_client.ts";
import { writeAll } from "../server/transport/tcp.ts";

const HEADERS_MS = 10_000;
const IDLE_MS = 5_000;

async function withClockedServer(flags: string[], fn: (server: TestServer, clock: FakeClock) => Promise<void>) {
  const clock = new FakeClock();
  const server = await startTestServer(
    [`--server.limits.headersTimeoutMs=${HEADERS_MS}`, `--server.limits.httpIdleTimeoutMs=${IDLE_MS}`, ...flags],
    { clock },
  );
  try {
    await fn(server, clock);
  } finally {
    await server.close();
  }
}

type RawHttp = Awaited<ReturnType<typeof rawHttp>>;

/** A raw socket to the HTTP port that records what it reads and when the server closes it. */
async function rawHttp(server: TestServer) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.httpPort });
  let text = "";
  let closed = false;
  const reading = (async () => {
    const buffer = new Uint8Array(65536);
    try {
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) break;
        text += new TextDecoder().decode(buffer.subarray(0, n));
      }
    } catch (error) {
      // A reset is the server closing too.
      const gone = error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BadResource ||
        error instanceof Deno.errors.Interrupted;
      if (!gone) throw error;
    }
    closed = true;
  })();
  return {
    async send(line: string) {
      try {
        await writeAll(conn, new TextEncoder().encode(line));
      } catch (error) {
        // Writing to a socket the server has closed: the test looks at `closed`.
        if (!(error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset)) throw error;
      }
    },
    get text() {
      return text;
    },
    get closed() {
      return closed;
    },
    async close() {
      try {
        conn.close();
      } catch (error) {
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
      await reading;
    },
  };
}

Deno.test("an HTTP connection that sends nothing is closed at headersTimeoutMs and its socket released", () =>
  withClockedServer([], async (server, clock) => {
    const idle = await rawHttp(server);
    await until(() => server.server.openSockets === 1, 5000, "the socket to be accepted");
    clock.tick(HEADERS_MS - SWEEP_INTERVAL_MS);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(idle.closed, false, "still open before the deadline");
    clock.tick(2 * SWEEP_INTERVAL_MS);
    await until(() => idle.closed, 5000, "the server to close the idle socket");
    await until(() => server.server.openSockets === 0, 5000, "the socket to be released");
    await idle.close();
  }));

Deno.test("request headers dribbled in one byte at a time are cut off at the deadline", () =>
  withClockedServer([], async (server, clock) => {
    const dribbler = await rawHttp(server);
    const request = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(100);
    for (let i = 0; i < request.length && !dribbler.closed; i++) {
      await dribbler.send(request[i]);
      clock.tick(HEADERS_MS / 50); // bytes keep coming, but the whole head is due in HEADERS_MS
    }
    await until(() => dribbler.closed, 5000, "the server to cut the dribbler off");
    assert.equal(dribbler.text, "", "no response to an unfinished request");
    await dribbler.close();
  }));

Deno.test("a keep-alive connection serves requests and is closed httpIdleTimeoutMs after its last response", () =>
  withClockedServer([], async (server, clock) => {
    const client = await rawHttp(server);
    await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await until(() => client.text.includes("</html>"), 5000, "the page");
    assert.match(client.text, /^HTTP\/1\.1 200 OK/);
    clock.tick(IDLE_MS - SWEEP_INTERVAL_MS);
    await client.send("GET /?again HTTP/1.1\r\nHost: x\r\n\r\n");
    await until(() => client.text.split("HTTP/1.1 200").length === 3, 5000, "the second response");
    clock.tick(IDLE_MS - SWEEP_INTERVAL_MS);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(client.closed, false, "a request resets the idle time");
    clock.tick(2 * SWEEP_INTERVAL_MS);
    await until(() => client.closed, 5000, "the idle keep-alive connection to close");
    await client.close();
  }));

Deno.test("idle HTTP sockets count against maxConnections and make room for a TCP client", () =>
  withClockedServer(["--server.limits.maxConnections=5"], async (server) => {
    const idle: RawHttp[] = [];
    for (let i = 0; i < 5; i++) idle.push(await rawHttp(server));
    await until(() => server.server.openSockets === 5, 5000, "five sockets");
    const client = await rawTcp(server);
    await client.request(Op.echo, 1, "room");
    assert.equal((await client.next()).body, "room");
    await until(() => idle[0].closed, 5000, "the oldest idle socket to make room");
    assert.equal(server.server.openSockets, 5);
    client.close();
    for (const socket of idle) await socket.close();
  }));

Deno.test("HTTP sockets over maxConnectionsPerIp make room among themselves; the page still loads", () =>
  withClockedServer(["--server.limits.maxConnectionsPerIp=3"], async (server) => {
    const idle: RawHttp[] = [];
    for (let i = 0; i < 10; i++) idle.push(await rawHttp(server));
    await until(() => idle.filter((s) => s.closed).length === 7, 5000, "seven to make room");
    const page = await fetch(`http://127.0.0.1:${server.httpPort}/`);
    assert.equal(page.status, 200);
    await page.body?.cancel();
    for (const socket of idle) await socket.close();
  }));

/** Tries a WebSocket upgrade with `origin` (or none) by hand and returns the response's status line. */
async function upgradeStatus(server: TestServer, origin?: string, host = `127.0.0.1:${server.httpPort}`) {
  const client = await rawHttp(server);
  await client.send(
    [
      "GET /ws HTTP/1.1",
      `Host: ${host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      ...(origin === undefined ? [] : [`Origin: ${origin}`]),
      "",
      "",
    ].join("\r\n"),
  );
  await until(() => client.text.includes("\r\n"), 5000, "a status line");
  await client.close();
  return client.text.split("\r\n")[0];
}

Deno.test("a WebSocket upgrade from a foreign page is refused with 403; the server's own pages and configured origins may connect", () =>
  withClockedServer(["--server.allowedOrigins=https://chat.example.org"], async (server) => {
    const own = `http://127.0.0.1:${server.httpPort}`;
    assert.equal(await upgradeStatus(server, own), "HTTP/1.1 101 Switching Protocols");
    assert.equal(await upgradeStatus(server, "https://chat.example.org"), "HTTP/1.1 101 Switching Protocols");
    assert.equal(await upgradeStatus(server), "HTTP/1.1 101 Switching Protocols", "no Origin: not a browser");
    assert.equal(await upgradeStatus(server, "https://evil.example"), "HTTP/1.1 403 Forbidden");
    assert.equal(await upgradeStatus(server, "http://192.168.1.9:8080"), "HTTP/1.1 403 Forbidden");
    assert.equal(await upgradeStatus(server, "null"), "HTTP/1.1 403 Forbidden");
    await server.waitForLog((r) => r.event === "origin_refused" && r.origin === "https://evil.example");
  }));

Deno.test("a browser pointed at the TCP port gets a plain-text answer naming the web client's address", async () => {
  const server = await startTestServer();
  try {
    const response = await fetch(`http://127.0.0.1:${server.tcpPort}/`);
    assert.equal(response.status, 400);
    const text = await response.text();
    assert.match(text, /This is Mimi's TCP port for terminal clients/);
    assert.ok(text.includes(`:${server.httpPort}/`), text);
  } finally {
    await server.close();
  }
});
