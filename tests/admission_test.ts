// Connection caps over real sockets (PROTOCOL.md §11.1): the total cap and the per-address cap, where connections
// that have not logged in make room for new ones, the per-address rate of new connections, and the refusals.

import assert from "node:assert/strict";
import { login, register } from "../core/client/accounts.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { connect, type Connected } from "./_accounts_helpers.ts";
import { startTestServer, type TestServer } from "./_harness.ts";
import { type RawClient, rawTcp, rawWs } from "./_raw_client.ts";

const PASSWORD = "correct horse battery staple";

/** Registers `username` and logs in on a new TCP connection. */
async function loggedIn(server: TestServer, username: string): Promise<Connected> {
  const connected = await connect(server, "tcp");
  await register(connected.client, username, username, PASSWORD);
  await login(connected.client, username, PASSWORD);
  return connected;
}

/** Expects the connection to be told `code` in its channel, then closed. */
async function toldAndClosed(client: RawClient, code: string): Promise<void> {
  const envelope = await client.next();
  assert.equal(envelope.opcode, Op.error);
  assert.equal(envelope.id, 0);
  assert.equal((envelope.body as { code: string }).code, code);
  await client.closedByServer();
}

async function echoes(client: RawClient, id: number, body: string): Promise<void> {
  await client.request(Op.echo, id, body);
  assert.deepEqual(await client.next(), { opcode: Op.echo, id, body });
}

Deno.test("a full server makes room by closing its oldest connection that is not logged in, on TCP and WebSocket", async () => {
  const server = await startTestServer(["--server.limits.maxConnections=2"]);
  const clients: RawClient[] = [];
  try {
    const oldest = await rawTcp(server);
    const older = await rawWs(server);
    clients.push(oldest, older);
    await echoes(oldest, 1, "a");
    await echoes(older, 1, "b");
    const newcomer = await rawWs(server);
    clients.push(newcomer);
    await echoes(newcomer, 1, "room was made");
    await toldAndClosed(oldest, "server_busy");
    await echoes(older, 2, "still here");
    const another = await rawTcp(server);
    clients.push(another);
    await echoes(another, 1, "and again");
    await toldAndClosed(older, "server_busy");
    assert.equal(older.closeCode(), 1013, "WebSocket status for server_busy (§6)");
    await server.waitForLog((r) => r.event === "evicted");
  } finally {
    for (const client of clients) client.close();
    await server.close();
  }
});

Deno.test("a server full of logged-in users refuses a newcomer: a server_busy alert on TCP, 503 on the HTTP port", async () => {
  const server = await startTestServer(["--server.limits.maxConnections=2"]);
  const users: Connected[] = [];
  try {
    users.push(await loggedIn(server, "alice"));
    users.push(await loggedIn(server, "bob"));
    const refused = await rawTcp(server, { handshake: false });
    assert.equal((await refused.nextAlert()).code, "server_busy");
    await refused.closedByServer();
    const page = await fetch(`http://127.0.0.1:${server.httpPort}/`);
    assert.equal(page.status, 503);
    assert.match(await page.text(), /^server_busy: /);
    await assert.rejects(rawWs(server, { handshake: false }), /WebSocket failed to open/);
    // The logged-in users were not touched.
    for (const user of users) assert.equal(await user.client.echo("fine"), "fine");
  } finally {
    for (const user of users) user.client.close();
    await server.close();
  }
});

Deno.test("a logged-in user reconnects into a server that silent handshaked connections have filled", async () => {
  const server = await startTestServer(["--server.limits.maxConnections=6"]);
  const silent: RawClient[] = [];
  try {
    const alice = await loggedIn(server, "alice");
    for (let i = 0; i < 5; i++) silent.push(await rawTcp(server)); // handshake done, then nothing: the attack
    assert.equal(server.server.openConnections, 6);
    alice.client.close();
    await alice.client.closed;
    await server.waitForLog((r) => r.event === "disconnect" && r.reason === "peer_closed");
    for (let i = 0; i < 3; i++) silent.push(await rawTcp(server)); // and more of them meanwhile
    const again = await connect(server, "tcp");
    const bundle = await login(again.client, "alice", PASSWORD);
    assert.equal(bundle.user.username, "alice");
    assert.equal(await again.client.echo("back"), "back");
    again.client.close();
  } finally {
    for (const client of silent) client.close();
    await server.close();
  }
});

Deno.test("one address at its connection cap makes room among its own connections, then is refused when all are logged in", async () => {
  const server = await startTestServer(["--server.limits.maxConnectionsPerIp=2"]);
  const users: Connected[] = [];
  try {
    const idle = await rawTcp(server);
    users.push(await loggedIn(server, "alice"));
    users.push(await loggedIn(server, "bob"));
    await toldAndClosed(idle, "server_busy");
    const refused = await rawTcp(server, { handshake: false });
    const alert = await refused.nextAlert();
    assert.equal(alert.code, "too_many_connections");
    assert.match(alert.message, /already has 2 connections/);
    await refused.closedByServer();
  } finally {
    for (const user of users) user.client.close();
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
      await echoes(c, 1, String(i));
    }
    const refused = await rawTcp(server, { handshake: false });
    clients.push(refused);
    const alert = await refused.nextAlert();
    assert.equal(alert.code, "rate_limited");
    assert.ok(alert.retryAfterMs! > 0 && alert.retryAfterMs! <= 20_000, `retryAfterMs ${alert.retryAfterMs}`);
    await refused.closedByServer();
    const page = await fetch(`http://127.0.0.1:${server.httpPort}/`);
    assert.equal(page.status, 429);
    assert.ok(Number(page.headers.get("retry-after")) >= 1);
    await page.body?.cancel();
  } finally {
    for (const c of clients) c.close();
    await server.close();
  }
});
