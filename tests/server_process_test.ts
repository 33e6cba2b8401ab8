// The server as a process, started as users start it: it survives running out of descriptors, releases every
// socket it closes, stops cleanly on Ctrl-C's signals, and explains in one line why it cannot start.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { login, register } from "../core/client/accounts.ts";
import { connect } from "./_accounts_helpers.ts";
import { runServerToExit, type ServerProcess, spawnServer } from "./_server_process.ts";
import { deadline, until } from "./_harness.ts";
import { writeAll } from "../server/transport/tcp.ts";
import { rawTcp } from "./_raw_client.ts";

const PASSWORD = "correct horse battery staple";
const LINUX = Deno.build.os === "linux";

/** Opens a plain TCP socket to `port` and holds it; the server's writes are never read after `reads` bytes. */
/** Reads `conn` until the peer closes it (end of stream or a reset); what arrives before is dropped. */
async function readsToEnd(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(4096);
  try {
    while (await conn.read(buffer) !== null) { /* the server's answer, if any, then its close */ }
  } catch (error) {
    // A reset is the server closing too (with data unread on its side); anything else is a failure.
    if (!(error instanceof Deno.errors.ConnectionReset)) throw error;
  }
}

async function holdSocket(port: number, send?: string): Promise<Deno.TcpConn | undefined> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    if (send) await writeAll(conn, new TextEncoder().encode(send));
    return conn;
  } catch (error) {
    // Refused or reset by a server that is full: the attack just gets fewer sockets.
    if (error instanceof Deno.errors.ConnectionRefused || error instanceof Deno.errors.ConnectionReset) {
      return undefined;
    }
    throw error;
  }
}

function closeAll(conns: (Deno.Conn | undefined)[]): void {
  for (const conn of conns) {
    try {
      conn?.close();
    } catch (error) {
      // Closed by the server already.
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }
}

/** An honest request to both ports: an echo over TCP and the page over HTTP. */
async function serves(server: ServerProcess): Promise<void> {
  const client = await rawTcp(server);
  try {
    await client.request(0x0002, 1, "honest");
    assert.equal((await client.next(10_000)).body, "honest");
  } finally {
    client.close();
  }
  const page = await fetch(`http://127.0.0.1:${server.httpPort}/`);
  assert.equal(page.status, 200);
  await page.body?.cancel();
}

/**
 * {@link serves}, tried again as a client does after `server_busy` (PROTOCOL.md §11.1): right after a flood the
 * server may still be accepting connections the attacker left in the kernel's queue, and those make room too.
 */
async function servesAgain(server: ServerProcess, ms = 15_000): Promise<void> {
  const started = Date.now();
  while (true) {
    try {
      return await serves(server);
    } catch (error) {
      if (Date.now() - started > ms) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200)); // back off, as a client retrying should
    }
  }
}

Deno.test({
  name: "with few descriptors, hundreds of idle sockets neither end the server nor keep it from serving again",
  ignore: !LINUX,
  async fn() {
    const server = await spawnServer({ openFiles: 100, flags: ["--server.limits.connectionsPerIpPerMinute=100000"] });
    const attack: (Deno.Conn | undefined)[] = [];
    try {
      const before = server.descriptors();
      for (let i = 0; i < 300; i++) attack.push(await holdSocket(i % 2 ? server.httpPort : server.tcpPort));
      await server.waitForLog((l) => l.event === "accept_failed"); // the descriptors did run out
      await server.waitForLog((l) => l.event === "connection_cap"); // and the cap came down to what fits
      closeAll(attack);
      await until(() => server.descriptors() <= before + 2, 15_000, () => `${server.descriptors()} descriptors`);
      await servesAgain(server); // the same process: it survived
      const elsewhere = await connect({ ...server }, "tcp", { from: "127.0.0.2" });
      assert.equal(await elsewhere.client.echo("elsewhere"), "elsewhere");
      elsewhere.client.close();
      assert.doesNotMatch(server.stderr(), /Uncaught|error:/);
    } finally {
      closeAll(attack);
      await server.stop();
    }
  },
});

Deno.test({
  name: "idle and dribbling HTTP sockets, silent WebSockets that ignore the close frame and silent handshaked " +
    "connections are all closed, and their descriptors released",
  ignore: !LINUX,
  async fn() {
    const server = await spawnServer({
      flags: [
        "--server.limits.headersTimeoutMs=500",
        "--crypto.handshakeTimeoutMs=500",
        "--server.limits.loginTimeoutMs=1000",
        // Each connection's end is a debug line (the info level counts them once a minute); this test reads them.
        "--log.level=debug",
        "--server.limits.connectionsPerIpPerMinute=100000",
        "--server.limits.handshakeUnitsPerIpPerMinute=100000",
        "--server.limits.maxHandshakesPerIp=1000",
        "--server.limits.maxConnectionsPerIp=1000",
      ],
    });
    const held: (Deno.Conn | undefined)[] = [];
    const silent = [];
    try {
      const before = server.descriptors();
      const upgrade = (port: number) =>
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
      for (let i = 0; i < 20; i++) {
        held.push(await holdSocket(server.httpPort)); // idle HTTP
        held.push(await holdSocket(server.httpPort, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a")); // headers never end
        held.push(await holdSocket(server.httpPort, upgrade(server.httpPort))); // WebSocket, then silence
        silent.push(await rawTcp(server)); // handshake done, then silence
      }
      // Nobody here answers: the server must close each kind by itself, at the socket. Each held socket reads to its
      // end (the server closed it); counting descriptors first would race the 500 ms timeouts on a loaded machine.
      const open = held.filter((conn) => conn !== undefined);
      assert.ok(open.length >= 50, `only ${open.length} of 60 sockets opened`);
      await Promise.all(open.map((conn) => deadline(readsToEnd(conn), 20_000, "a held socket to be closed")));
      await until(() => server.descriptors() <= before + 2, 20_000, () => `${server.descriptors()} descriptors left`);
      // (HTTP sockets close without a log line at this level; the descriptor count above is their proof.)
      for (const reason of ["handshake_timeout", "login_timeout"]) {
        assert.ok(
          server.logs.some((l) => l.reason === reason || l.kind === reason),
          `${reason} in ${JSON.stringify(server.logs.map((l) => l.reason ?? l.kind).filter(Boolean))}`,
        );
      }
      await serves(server);
    } finally {
      closeAll(held);
      for (const client of silent) client.close();
      await server.stop();
    }
  },
});

Deno.test({
  name: "deno task start stops with exit 0 on two SIGINTs to its process group, leaving a clean store",
  ignore: !LINUX,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "mimi_stop_" });
    const server = await spawnServer({ task: true, dataDir });
    try {
      const { client } = await connect({ ...server }, "tcp");
      await register(client, "alice", "爱丽丝", PASSWORD);
      await login(client, "alice", PASSWORD);
      const closed = client.closed;
      // Ctrl-C in a terminal: the whole foreground group gets SIGINT, and impatient users press it twice.
      server.signal("SIGINT");
      server.signal("SIGINT");
      const status = await server.status;
      assert.equal(status.code, 0, server.stderr());
      assert.doesNotMatch(server.stderr(), /Uncaught|BadResource|error:/);
      assert.match(String(await closed), /shutting down/, "the client was told why");
      const names = [...Deno.readDirSync(dataDir)].map((e) => e.name);
      assert.ok(!names.includes("mimi.db-wal"), `the log was checkpointed and removed: ${names}`);
      const db = new DatabaseSync(`${dataDir}/mimi.db`);
      try {
        assert.deepEqual({ ...db.prepare("PRAGMA integrity_check").get() }, { integrity_check: "ok" });
        assert.equal(db.prepare("SELECT username FROM users").get()?.username, "alice");
      } finally {
        db.close();
      }
    } finally {
      await server.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "deno task start under umask 022 makes the data directory and its folders 0700 and every file in it 0600",
  ignore: !LINUX,
  async fn() {
    const parent = await Deno.makeTempDir({ prefix: "mimi_umask_" });
    const dataDir = `${parent}/data`;
    const server = await spawnServer({ task: true, dataDir, shellPrefix: "umask 022;" });
    try {
      const { client } = await connect({ ...server }, "tcp");
      await register(client, "bob", "Bob", PASSWORD); // a write, so the WAL files exist
      assert.equal(Deno.statSync(dataDir).mode! & 0o777, 0o700);
      const entries = [...Deno.readDirSync(dataDir)];
      const files = entries.map((e) => e.name);
      for (
        const name of ["mimi.db", "mimi.db-wal", "mimi.db-shm", "server_identity.json", "opaque_server_setup", "blobs"]
      ) {
        assert.ok(files.includes(name), `${name} in ${files}`);
      }
      for (const { name, isDirectory } of entries) {
        assert.equal(Deno.statSync(`${dataDir}/${name}`).mode! & 0o777, isDirectory ? 0o700 : 0o600, name);
      }
      client.close();
    } finally {
      await server.stop();
      await Deno.remove(parent, { recursive: true });
    }
  },
});

Deno.test({
  name: "deno task start on a port in use prints one line naming the port and its setting, and exits 2",
  ignore: !LINUX,
  async fn() {
    const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const port = (busy.addr as Deno.NetAddr).port;
      const result = await runServerToExit({ task: true, env: { MIMI_SERVER_HTTP_PORT: String(port) } });
      assert.equal(result.code, 2, result.stderr);
      const lines = result.stderr.trimEnd().split("\n").filter((line) => !/^Task |^\s*$/.test(line));
      assert.equal(lines.length, 1, result.stderr);
      assert.match(
        lines[0],
        new RegExp(
          `^mimi: Cannot listen on 127\\.0\\.0\\.1:${port} \\(server\\.httpPort\\): the port is already in use`,
        ),
      );
      await Deno.remove(result.dataDir, { recursive: true });
    } finally {
      busy.close();
    }
  },
});

/** Starts a server that must refuse to start; returns its single stderr line. */
async function refusesToStart(dataDir: string, flags: string[] = []): Promise<string> {
  const result = await runServerToExit({ dataDir, flags });
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.doesNotMatch(lines[0], /\s+at\s|Uncaught/);
  return lines[0];
}

Deno.test("a second server on the same data directory is refused in one line naming server.dataDir", async () => {
  const first = await spawnServer();
  try {
    const line = await refusesToStart(first.dataDir);
    assert.match(line, /^mimi: Another Mimi server is already using the data directory .* \(server\.dataDir\)/);
    await first.waitForLog((l) => l.event === "ready"); // the first one is unharmed
    const page = await fetch(`http://127.0.0.1:${first.httpPort}/`);
    await page.body?.cancel();
    assert.equal(page.status, 200);
  } finally {
    await first.stop();
  }
});

Deno.test("a database locked by another program stops the start in one line", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mimi_locked_" });
  const first = await spawnServer({ dataDir });
  await first.stop();
  const db = new DatabaseSync(`${dataDir}/mimi.db`);
  try {
    db.exec("BEGIN EXCLUSIVE"); // another program holds the database and does not let go
    const line = await refusesToStart(dataDir);
    assert.match(line, /^mimi: The database .*mimi\.db is locked by another program \(server\.dataDir\)/);
  } finally {
    db.exec("ROLLBACK");
    db.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a damaged database stops the start in one line saying to restore it", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mimi_damaged_" });
  try {
    await Deno.writeTextFile(
      `${dataDir}/mimi.db`,
      "this is not a database, and it is long enough to look like one".repeat(100),
    );
    const line = await refusesToStart(dataDir);
    assert.match(line, /^mimi: The database .*mimi\.db is damaged or is not a Mimi database \(server\.dataDir\)/);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a data directory that cannot be made stops the start in one line naming server.dataDir", async () => {
  const parent = await Deno.makeTempDir({ prefix: "mimi_nodir_" });
  try {
    await Deno.writeTextFile(`${parent}/file`, "in the way");
    const line = await refusesToStart(`${parent}/file/data`);
    assert.match(line, /^mimi: Cannot use the data directory .*file\/data \(server\.dataDir\): /);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
