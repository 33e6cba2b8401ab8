// The executable as users run it: `main.ts serve`, `main.ts client`, and config errors, in real processes.

import assert from "node:assert/strict";
import { Op } from "../core/protocol/opcodes.ts";
import { deadline, startTestServer } from "./_harness.ts";
import { rawTcp } from "./_raw_client.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const ROOT = new URL("../", import.meta.url).pathname;

async function run(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
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

Deno.test("mimi client exits 1 with a clear message when no server listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const { code, stderr } = await run(["client", `--client.tcpPort=${port}`, "echo", "x"]);
  assert.equal(code, 1);
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
    const tcpPort = Number(ready.tcp.split(":").at(-1));
    const client = await rawTcp({ tcpPort });
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
