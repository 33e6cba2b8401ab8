// The executable as users run it: `main.ts serve`, `main.ts client`, and config errors, in real processes.

import assert from "node:assert/strict";
import { Op } from "../core/protocol/opcodes.ts";
import { VERSION } from "../core/version.ts";
import { deadline, startTestServer } from "./_harness.ts";
import { rawTcp } from "./_raw_client.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const ROOT = new URL("../", import.meta.url).pathname;

/** Each run pins keys in its own file, never the user's ~/.mimi/known_servers; `input` goes to stdin. */
async function run(args: string[], env: Record<string, string> = {}, input?: string) {
  const knownServers = env.MIMI_CLIENT_KNOWN_SERVERS_FILE ?? await Deno.makeTempFile({ prefix: "mimi_known_" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd: ROOT,
    env: { MIMI_CLIENT_KNOWN_SERVERS_FILE: knownServers, ...env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  if (input !== undefined) await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const output = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("mimi client echo prints the server's echo over TCP", async () => {
  const server = await startTestServer();
  try {
    const { code, stdout, stderr } = await run(["client", `--client.tcpPort=${server.tcpPort}`, "echo", "你好"]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, "你好\n");
    await server.waitForLog((r) => r.event === "echo" && r.body === "你好");
  } finally {
    await server.close();
  }
});

Deno.test("mimi client ping reports the round trip", async () => {
  const server = await startTestServer();
  try {
    const { code, stdout } = await run(["client", "ping"], { MIMI_CLIENT_TCP_PORT: String(server.tcpPort) });
    assert.equal(code, 0);
    assert.match(stdout, /^pong from 127\.0\.0\.1:\d+ in [\d.]+ ms/);
  } finally {
    await server.close();
  }
});

Deno.test("mimi client exits 3 (no connection) with a clear message when no server listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const { code, stderr } = await run(["client", `--client.tcpPort=${port}`, "echo", "x"]);
  assert.equal(code, 3);
  assert.match(stderr, new RegExp(`Cannot connect to 127\\.0\\.0\\.1:${port}`));
});

Deno.test("mimi exits 2 with one line naming the key of an out-of-range config value", async () => {
  for (
    const [args, env, key] of [
      [["--server.tcpPort=70000"], {}, "server.tcpPort"],
      [[], { MIMI_SERVER_LIMITS_MAX_FRAME_BYTES: "lots" }, "server.limits.maxFrameBytes"],
    ] as const
  ) {
    const { code, stderr } = await run([...args], { ...env });
    assert.equal(code, 2, stderr);
    assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
    assert.match(stderr, new RegExp(key.replaceAll(".", "\\.")));
  }
});

Deno.test("mimi names the closest command in one line when one is mistyped", async () => {
  const { code, stdout, stderr } = await run(["serv"]);
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.equal(stderr, 'mimi: unknown command "serv"; did you mean "serve"? mimi --help lists them\n');
});

Deno.test("mimi -h, --help and help print the usage; --version prints the version", async () => {
  for (const flag of ["-h", "--help", "help"]) {
    const { code, stdout } = await run([flag]);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: mimi \[serve\]/);
  }
  const { code, stdout } = await run(["--version"]);
  assert.equal(code, 0);
  assert.equal(stdout, `mimi ${VERSION}\n`);
});

Deno.test("mimi exits 2 naming an unknown key in the config file", async () => {
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(file, JSON.stringify({ server: { prot: 1 } }));
    const { code, stderr } = await run(["--config", file]);
    assert.equal(code, 2);
    assert.match(stderr, /server\.prot/);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("mimi serve logs JSON lines, prints where it listens, serves, and stops on SIGTERM", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mimi_serve_" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--server.tcpPort=0", "--server.httpPort=0", `--server.dataDir=${dataDir}/d`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const nextLine = async (): Promise<string> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stdout ended; got ${JSON.stringify(lines)}`);
      buffered += value;
    }
    const at = buffered.indexOf("\n");
    const line = buffered.slice(0, at);
    buffered = buffered.slice(at + 1);
    lines.push(line);
    return line;
  };
  try {
    let ready: Record<string, string> | undefined;
    while (!ready) {
      const record = JSON.parse(await deadline(nextLine(), 15_000, "ready line"));
      if (record.event === "ready") ready = record;
    }
    assert.equal(ready.dataDir, await Deno.realPath(`${dataDir}/d`));
    assert.match(ready.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    const keyFile = await Deno.stat(`${dataDir}/d/server_identity.json`);
    assert.equal(keyFile.mode! & 0o777, 0o600, "the signing key is readable by its owner only");
    const tcpPort = Number(ready.tcp.split(":").at(-1));
    const client = await rawTcp({ tcpPort, wsUrl: "" });
    await client.request(Op.echo, 1, "from a test");
    assert.deepEqual(await client.next(), { opcode: Op.echo, id: 1, body: "from a test" });
    client.close();
    const page = await fetch(ready.web);
    assert.match(await page.text(), /Mimi/);

    child.kill("SIGTERM");
    const status = await deadline(child.status, 10_000, "exit after SIGTERM");
    assert.equal(status.code, 0);
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
    }
    for (const line of [...lines, ...buffered.split("\n").filter(Boolean)]) JSON.parse(line); // every line is JSON
    const stderr = new TextDecoder().decode((await new Response(child.stderr).arrayBuffer()) as ArrayBuffer);
    assert.match(stderr, /Web client: +http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(stderr, new RegExp(`Fingerprint: +${escape(ready.fingerprint)}`));
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited, as it should have.
    }
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("mimi client takes config flags after the -- that deno task passes through", async () => {
  const server = await startTestServer();
  try {
    const { code, stdout, stderr } = await run(["client", "--", `--client.tcpPort=${server.tcpPort}`, "echo", "hi"]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, "hi\n");
  } finally {
    await server.close();
  }
});

Deno.test("mimi client pins the server's key on first use and refuses a changed key, naming both", async () => {
  const server = await startTestServer();
  const known = await Deno.makeTempFile({ prefix: "mimi_known_" });
  try {
    const env = { MIMI_CLIENT_KNOWN_SERVERS_FILE: known, MIMI_CLIENT_TCP_PORT: String(server.tcpPort) };
    const first = await run(["client", "echo", "one"], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /first connection/);
    assert.match(
      await Deno.readTextFile(known),
      new RegExp(`127\\.0\\.0\\.1:${server.tcpPort} ${escape(server.server.fingerprint)}`),
    );

    const again = await run(["client", "echo", "two"], env);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /first connection/);

    // Another key at the same address: what a man in the middle, or a reinstalled server, presents.
    const other = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    await Deno.writeTextFile(known, `127.0.0.1:${server.tcpPort} ${other}\n`);
    const refused = await run(["client", "echo", "three"], env);
    assert.equal(refused.code, 3, "a security failure");
    assert.equal(refused.stdout, "");
    assert.match(refused.stderr, new RegExp(escape(server.server.fingerprint)));
    assert.match(refused.stderr, new RegExp(escape(other)));
    assert.match(refused.stderr, /forget 127\.0\.0\.1:\d+/);
    assert.equal(server.logs.some((r) => r.event === "echo" && r.body === "three"), false, "nothing was sent");

    const forgot = await run(["client", "forget", `127.0.0.1:${server.tcpPort}`], env);
    assert.equal(forgot.code, 0, forgot.stderr);
    const accepted = await run(["client", "echo", "four"], env);
    assert.equal(accepted.code, 0, accepted.stderr);
  } finally {
    await Deno.remove(known);
    await server.close();
  }
});

Deno.test("mimi client suites lists every algorithm and what the config offers", async () => {
  const { code, stdout } = await run(["client", "suites", "--crypto.aead=chacha20-poly1305"]);
  assert.equal(code, 0);
  for (const id of ["x25519-mlkem768", "ffdhe", "aes-256-gcm", "chacha20-poly1305", "sha384", "ecdsa-p256"]) {
    assert.match(stdout, new RegExp(id));
  }
  assert.match(stdout, /chacha20-poly1305 +offered, preference 1/);
  assert.match(stdout, /aes-256-gcm +not offered/);
});

Deno.test("mimi client flags choose the suite of one connection and both sides log it", async () => {
  const server = await startTestServer();
  try {
    const suite = ["--crypto.kex=p256", "--crypto.aead=aes-128-gcm", "--crypto.hash=sha384", "--crypto.sig=ecdsa-p256"];
    const { code, stderr } = await run(["client", `--client.tcpPort=${server.tcpPort}`, ...suite, "ping"]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /p256\/aes-128-gcm\/sha384\/ecdsa-p256/);
    await server.waitForLog((r) => r.event === "secure" && r.suite === "p256/aes-128-gcm/sha384/ecdsa-p256");
  } finally {
    await server.close();
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

Deno.test("mimi client registers, logs in and changes the password, reading passwords from stdin", async () => {
  const server = await startTestServer();
  try {
    const env = { MIMI_CLIENT_TCP_PORT: String(server.tcpPort) };
    const registered = await run(["client", "register", "Carol", "卡罗尔", "C."], env, "first pw\n");
    assert.equal(registered.code, 0, registered.stderr);
    assert.match(registered.stdout, /Registered Carol \(卡罗尔 C\.\)/);
    // The hint carries the port this command used, so it works as copied.
    assert.match(registered.stdout, new RegExp(`login Carol --client\\.tcpPort=${server.tcpPort}$`, "m"));

    const loggedIn = await run(["client", "login", "carol"], env, "first pw\n");
    assert.equal(loggedIn.code, 0, loggedIn.stderr);
    assert.match(loggedIn.stdout, /Logged in as 卡罗尔 C\. \(Carol\)/);

    const wrong = await run(["client", "login", "carol"], env, "not it\n");
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Wrong username or password/);

    const changed = await run(["client", "passwd", "carol"], env, "first pw\nsecond pw\n");
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal((await run(["client", "login", "carol"], env, "first pw\n")).code, 1);
    assert.equal((await run(["client", "login", "carol"], env, "second pw\n")).code, 0);

    for (const line of server.logs.map((r) => JSON.stringify(r))) {
      assert.doesNotMatch(line, /first pw|second pw/, "no password in any log line");
    }
  } finally {
    await server.close();
  }
});

Deno.test("mimi client register without a nickname explains its usage and exits 2", async () => {
  const { code, stderr } = await run(["client", "register", "dave"]);
  assert.equal(code, 2);
  assert.match(stderr, /usage: register <user> <nickname…>/);
});
