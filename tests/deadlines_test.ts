// Nothing held forever (PROTOCOL.md §11.3), over real sockets with the server's clock in the test's hand: a secured
// connection must log in in time, and a silent one is pinged, then closed.

import assert from "node:assert/strict";
import { login, register } from "../core/client/accounts.ts";
import { logout } from "../core/client/profile.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { FakeClock } from "../core/time/clock.ts";
import { SWEEP_INTERVAL_MS } from "../server/deadlines.ts";
import { connect } from "./_accounts_helpers.ts";
import { startTestServer, type TestServer } from "./_harness.ts";
import { type RawClient, type RawClientFactory, rawTcp, rawWs } from "./_raw_client.ts";

const TRANSPORTS: [string, RawClientFactory][] = [["TCP", rawTcp], ["WebSocket", rawWs]];
const LOGIN_MS = 60_000;
const KEEP_ALIVE_MS = 30_000;
const PASSWORD = "correct horse battery staple";

async function withClockedServer(flags: string[], fn: (server: TestServer, clock: FakeClock) => Promise<void>) {
  const clock = new FakeClock();
  const server = await startTestServer(
    [`--server.limits.loginTimeoutMs=${LOGIN_MS}`, `--server.limits.keepAliveMs=${KEEP_ALIVE_MS}`, ...flags],
    { clock },
  );
  try {
    await fn(server, clock);
  } finally {
    await server.close();
  }
}

/** Expects an error envelope with `code` and id 0, then the close. */
async function endedWith(client: RawClient, code: string): Promise<string> {
  const envelope = await client.next();
  assert.equal(envelope.opcode, Op.error);
  assert.equal(envelope.id, 0);
  const body = envelope.body as { code: string; message: string };
  assert.equal(body.code, code);
  await client.closedByServer();
  return body.message;
}

async function echoes(client: RawClient, id: number): Promise<void> {
  await client.request(Op.echo, id, id);
  assert.deepEqual(await client.next(), { opcode: Op.echo, id, body: id });
}

for (const [name, open] of TRANSPORTS) {
  Deno.test(`${name}: a connection that does not log in within loginTimeoutMs is closed with login_timeout`, () =>
    withClockedServer([], async (server, clock) => {
      const client = await open(server);
      // Being busy is not logging in: requests every 20 s keep the keep-alive quiet, not the login deadline.
      for (let id = 1; id <= 3; id++) {
        await echoes(client, id);
        clock.tick(Math.min(20_000, LOGIN_MS - SWEEP_INTERVAL_MS - (id - 1) * 20_000));
      }
      await echoes(client, 4);
      clock.tick(2 * SWEEP_INTERVAL_MS);
      assert.match(await endedWith(client, "login_timeout"), /Not logged in within 60 s; connect again to log in/);
      await server.waitForLog((r) => r.event === "disconnect" && r.reason === "login_timeout");
      if (name === "WebSocket") assert.equal(client.closeCode(), 1008, "WebSocket status for a timeout (§6)");
      client.close();
    }));
}

Deno.test("a logged-in connection has no login deadline, and one that logs out must log in again in time", () =>
  withClockedServer([], async (server, clock) => {
    const { client } = await connect(server, "tcp");
    await register(client, "alice", "Alice", PASSWORD);
    await login(client, "alice", PASSWORD);
    for (let i = 0; i < 5; i++) {
      clock.tick(LOGIN_MS / 2);
      assert.equal(await client.echo(i), i, "logged in: still open"); // the echo also keeps it alive
    }
    await logout(client);
    clock.tick(LOGIN_MS + SWEEP_INTERVAL_MS);
    const error = await client.closed;
    assert.match(String(error), /Not logged in within 60 s/);
  }));

Deno.test("a silent connection is pinged after keepAliveMs, stays open when it answers, and is closed when it does not", () =>
  withClockedServer([`--server.limits.loginTimeoutMs=${10 * LOGIN_MS}`], async (server, clock) => {
    const answering = await rawTcp(server);
    const silent = await rawWs(server);
    await echoes(answering, 1);
    await echoes(silent, 1);
    clock.tick(KEEP_ALIVE_MS + SWEEP_INTERVAL_MS);
    for (const client of [answering, silent]) {
      const ping = await client.next();
      assert.deepEqual([ping.opcode, ping.id], [Op.ping, 0]);
      const time = (ping.body as { time: number }).time;
      assert.ok(time > clock.now() - KEEP_ALIVE_MS && time <= clock.now(), "the server's clock at the ping");
    }
    // Any request answers the ping; the cheap one is ping itself.
    await answering.request(Op.ping, 7, {});
    assert.equal((await answering.next()).id, 7);
    clock.tick(KEEP_ALIVE_MS);
    assert.match(await endedWith(silent, "timeout"), /No answer to the server's ping/);
    await server.waitForLog((r) => r.event === "disconnect" && r.reason === "keepalive_timeout");
    // The answering one was last heard 30 s ago: pinged again, not closed.
    assert.equal((await answering.next()).opcode, Op.ping);
    await echoes(answering, 2);
    answering.close();
  }));

Deno.test("a connection that completed the handshake counts as not logged in when the server makes room", () =>
  withClockedServer(["--server.limits.maxConnections=2"], async (server) => {
    const { client } = await connect(server, "tcp");
    await register(client, "bob", "Bob", PASSWORD);
    await login(client, "bob", PASSWORD);
    const idle = await rawTcp(server);
    await echoes(idle, 1); // the server has the handshake done: idle is in its channel
    const newcomer = await rawTcp(server);
    await endedWith(idle, "server_busy");
    await echoes(newcomer, 1);
    assert.equal(await client.echo("bob stays"), "bob stays");
    client.close();
    newcomer.close();
  }));
