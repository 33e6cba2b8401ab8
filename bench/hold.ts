// Server memory per idle connection and server CPU per handshake, read from /proc while separate client processes
// load a separately running server. Linux only. See bench/README.md ("hold.ts") for what is measured and how to run it.

import type { KexId } from "../core/crypto/primitives/types.ts";
import type { ClientJob, ClientReport, ConnectionKind } from "./_hold_client.ts";
import { knownConfigLeaves, liftedLimitFlags, type ServerProcess, startServerProcess } from "./_hold_server.ts";
import {
  clockTicksPerSecond,
  countDescriptors,
  countSockets,
  type MemoryReading,
  readCpuTicks,
  readMemory,
} from "./_proc.ts";

const USAGE = `Usage: deno task bench:hold [--only memory|cpu] [--phases a,b,c] [--connections N]
                        [--handshakes M] [--clients P] [--server-root DIR] [--out FILE]

  --only          run one of the two measurements (default: both)
  --phases        memory phases to run, of a (TCP silent), b (TCP handshake), c (WebSocket handshake);
                  default a,b,c
  --connections   idle connections held per memory phase (default 10000)
  --handshakes    handshakes per key exchange (default 200; ffdhe a quarter, the TCP baseline ten times)
  --clients       load-generating processes per memory phase (default 2; the CPU runs always use 2)
  --server-root   checkout whose main.ts is measured (default: this one)
  --out           JSON file the results are merged into, keyed by the server's commit
                  (default: bench/results_hold.json)`;

const BENCH_ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

interface Options {
  only: "memory" | "cpu" | undefined;
  phases: string[];
  connections: number;
  handshakes: number;
  clients: number;
  serverRoot: string;
  out: string;
}

function parseOptions(args: string[]): Options {
  const options: Options = {
    only: undefined,
    phases: ["a", "b", "c"],
    connections: 10_000,
    handshakes: 200,
    clients: 2,
    serverRoot: BENCH_ROOT,
    out: `${BENCH_ROOT}/bench/results_hold.json`,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new TypeError(`Option ${name} needs a value`);
    const count = (min: number, max: number) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        throw new RangeError(`Option ${name} must be an integer from ${min} to ${max}, got ${value}`);
      }
      return n;
    };
    switch (name) {
      case "--only":
        if (value !== "memory" && value !== "cpu") throw new TypeError(`Option --only takes memory or cpu`);
        options.only = value;
        break;
      case "--phases":
        options.phases = value.split(",").map((phase) => phase.trim());
        if (options.phases.some((phase) => !["a", "b", "c"].includes(phase))) {
          throw new TypeError(`Option --phases takes a comma-separated list of a, b and c, got ${value}`);
        }
        break;
      case "--connections":
        options.connections = count(1, 90_000);
        break;
      case "--handshakes":
        options.handshakes = count(10, 100_000);
        break;
      case "--clients":
        options.clients = count(1, 64);
        break;
      case "--server-root":
        options.serverRoot = Deno.realPathSync(value);
        break;
      case "--out":
        options.out = value;
        break;
      default:
        throw new TypeError(`Unknown option ${name}\n${USAGE}`);
    }
  }
  return options;
}

// ---- Processes this run started ----

/** Every server still running, so that a signal can stop it too. */
const liveServers = new Set<ServerProcess>();

async function startServer(root: string, flags: string[]): Promise<ServerProcess> {
  const server = await startServerProcess(root, flags);
  liveServers.add(server);
  return server;
}

async function stopServer(server: ServerProcess): Promise<void> {
  await server.stop();
  liveServers.delete(server);
}

// ---- Load-generating processes ----

/** Every generator still running, so that any exit path can end them. */
const liveGenerators = new Set<Generator>();

/** One `_hold_client.ts` process and its reports. */
class Generator {
  readonly count: number;
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reports: ClientReport[] = [];
  #ended = false;
  #wake: (() => void) | undefined;
  #finished: Promise<void> | undefined;

  constructor(job: ClientJob) {
    this.count = job.count;
    this.#child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--config=${BENCH_ROOT}/deno.json`,
        "--allow-net=127.0.0.1",
        `${BENCH_ROOT}/bench/_hold_client.ts`,
        JSON.stringify(job),
      ],
      cwd: BENCH_ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    liveGenerators.add(this);
    this.#writer = this.#child.stdin.getWriter();
    void this.#read();
  }

  async #read(): Promise<void> {
    let pending = "";
    for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      pending += chunk;
      let at: number;
      while ((at = pending.indexOf("\n")) >= 0) {
        this.#reports.push(JSON.parse(pending.slice(0, at)));
        pending = pending.slice(at + 1);
        this.#wake?.();
      }
    }
    this.#ended = true;
    this.#wake?.();
  }

  /** Waits for the next report, which must be `event`. */
  async expect<E extends ClientReport["event"]>(event: E): Promise<Extract<ClientReport, { event: E }>> {
    while (this.#reports.length === 0) {
      if (this.#ended) throw new Error(`A load generator exited before reporting "${event}"`);
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    const report = this.#reports.shift()!;
    if (report.event !== event) throw new Error(`A load generator reported "${report.event}", not "${event}"`);
    return report as Extract<ClientReport, { event: E }>;
  }

  async send(line: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(line + "\n"));
  }

  /** Ends the process: closes its stdin (it exits on that), then kills it if it lingers. */
  finish(): Promise<void> {
    return this.#finished ??= (async () => {
      // Closing can fail only if the process is gone already, which is the goal.
      await this.#writer.close().catch(() => {});
      const timer = setTimeout(() => {
        try {
          this.#child.kill("SIGKILL");
        } catch (error) {
          // It exited in the meantime.
          if (!(error instanceof TypeError)) throw error;
        }
      }, 10_000);
      await this.#child.status;
      clearTimeout(timer);
      liveGenerators.delete(this);
    })();
  }
}

/** Splits `total` connections over `processes` generators, starts them and waits until each is ready. */
async function startGenerators(
  server: ServerProcess,
  job: Omit<ClientJob, "count" | "host" | "tcpPort" | "wsUrl">,
  total: number,
  processes: number,
): Promise<Generator[]> {
  const generators: Generator[] = [];
  for (let i = 0; i < processes; i++) {
    const count = Math.floor(total / processes) + (i < total % processes ? 1 : 0);
    if (count === 0) continue;
    generators.push(
      new Generator({ ...job, count, host: "127.0.0.1", tcpPort: server.tcpPort, wsUrl: server.wsUrl }),
    );
  }
  await Promise.all(generators.map((generator) => generator.expect("ready")));
  return generators;
}

interface Outcome {
  ok: number;
  failed: number;
  errors: Record<string, number>;
}

function sumOutcomes(reports: Outcome[]): Outcome {
  const errors: Record<string, number> = {};
  for (const report of reports) {
    for (const [message, n] of Object.entries(report.errors)) errors[message] = (errors[message] ?? 0) + n;
  }
  return {
    ok: reports.reduce((sum, report) => sum + report.ok, 0),
    failed: reports.reduce((sum, report) => sum + report.failed, 0),
    errors,
  };
}

function warnFailures(what: string, outcome: Outcome): void {
  if (outcome.failed === 0) return;
  console.error(`  ${what}: ${outcome.failed} connections failed: ${JSON.stringify(outcome.errors)}`);
}

// ---- Waiting for the server to settle ----

const runStarted = performance.now();

/** Progress on stderr, so that stdout holds only the report. */
function progress(message: string): void {
  console.error(`[${((performance.now() - runStarted) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the server holds `predicate`-many sockets; gives up after `ms`, saying so. */
async function waitForSockets(pid: number, predicate: (n: number) => boolean, ms = 30_000): Promise<number> {
  const until = Date.now() + ms;
  let n = countSockets(pid);
  while (!predicate(n) && Date.now() < until) {
    await sleep(200);
    n = countSockets(pid);
  }
  if (!predicate(n)) progress(`the server still holds ${n} sockets after ${ms} ms; going on`);
  return n;
}

/** Waits until RSS stays within max(256 KiB, 0.5%) over 2 s (at least 3 s, at most 20 s), and reads it. */
async function settledMemory(pid: number): Promise<MemoryReading & { settledMs: number; stable: boolean }> {
  const started = Date.now();
  const samples: MemoryReading[] = [];
  while (true) {
    samples.push(readMemory(pid));
    const recent = samples.slice(-5).map((sample) => sample.rssKiB);
    const spread = Math.max(...recent) - Math.min(...recent);
    const last = samples.at(-1)!;
    const stable = recent.length === 5 && spread <= Math.max(256, last.rssKiB * 0.005);
    const waited = Date.now() - started;
    if ((stable && waited >= 3000) || waited >= 20_000) return { ...last, settledMs: waited, stable };
    await sleep(500);
  }
}

// ---- Memory per idle connection ----

interface MemoryPhase {
  name: string;
  kind: ConnectionKind;
  connections: number;
  held: number;
  failed: number;
  /** Connections the server closed while they were held (there should be none). */
  lost: number;
  openMs: number;
  /** Server CPU time spent while the connections were being opened, per connection. */
  openCpuMsPerConnection: number;
  serverSocketsBefore: number;
  serverSocketsHeld: number;
  before: MemoryReading;
  after: MemoryReading;
  released: MemoryReading;
  deltaKiB: number;
  perConnectionKiB: number;
  anonPerConnectionKiB: number;
  settled: boolean;
  /** How long each reading waited for RSS to settle. */
  settledMs: { before: number; after: number; released: number };
  serverWarnings: Record<string, number>;
}

const MEMORY_PHASES: { id: string; name: string; kind: ConnectionKind }[] = [
  { id: "a", name: "(a) TCP, connected, silent", kind: "tcp-silent" },
  { id: "b", name: "(b) TCP, handshake done (x25519)", kind: "tcp-handshake" },
  { id: "c", name: "(c) WebSocket, handshake done (x25519)", kind: "ws-handshake" },
];

/**
 * Connections the generators may have opened beyond those the server has accepted, all together: below the listen
 * backlog (511 for Deno), so that no SYN is dropped and no connection waits a second for its retry.
 */
const ACCEPT_WINDOW = 256;

/**
 * Holds `count` connections of `kind` from `processes` generators, paced by how many the server has accepted (its
 * descriptor count). Returns once all are open, with the server CPU spent opening them and a way to close them.
 */
async function hold(
  server: ServerProcess,
  ticksPerSecond: number,
  kind: ConnectionKind,
  count: number,
  processes: number,
) {
  const generators = await startGenerators(
    server,
    { mode: "hold", kind, concurrency: kind === "tcp-silent" ? 64 : 16, kex: "x25519" },
    count,
    processes,
  );
  const idle = countDescriptors(server.pid);
  const allowFor = (accepted: number) =>
    generators.map((generator) => Math.min(generator.count, Math.ceil((accepted + ACCEPT_WINDOW) / processes)));
  let allowed = allowFor(0);
  const started = performance.now();
  const ticks = readCpuTicks(server.pid);
  await Promise.all(generators.map((generator, i) => generator.send(`go ${allowed[i]}`)));
  let finished = false;
  const held = Promise.all(generators.map((generator) => generator.expect("held")));
  held.then(() => finished = true, () => finished = true);
  let accepted = 0;
  let progressAt = Date.now();
  while (!finished) {
    await Promise.race([sleep(20), held]);
    const now = countDescriptors(server.pid) - idle;
    if (now !== accepted) progressAt = Date.now();
    accepted = now;
    // Connections that failed never reach the server: after 2 s without progress, let the rest go.
    const next = Date.now() - progressAt > 2000 ? generators.map((g) => g.count) : allowFor(accepted);
    for (const [i, generator] of generators.entries()) {
      if (next[i] > allowed[i]) await generator.send(`allow ${next[i]}`);
    }
    allowed = next.map((n, i) => Math.max(n, allowed[i]));
  }
  const outcome = sumOutcomes(await held);
  const openMs = Math.round(performance.now() - started);
  const openCpuMs = (readCpuTicks(server.pid) - ticks) * 1000 / ticksPerSecond;
  return {
    outcome,
    openMs,
    openCpuMs,
    async release(): Promise<number> {
      await Promise.all(generators.map((generator) => generator.send("close")));
      const closed = await Promise.all(generators.map((generator) => generator.expect("closed")));
      await Promise.all(generators.map((generator) => generator.finish()));
      return closed.reduce((sum, report) => sum + report.lost, 0);
    },
  };
}

async function measureMemoryPhase(
  phase: { id: string; name: string; kind: ConnectionKind },
  options: Options,
  flags: string[],
  ticksPerSecond: number,
): Promise<MemoryPhase> {
  const server = await startServer(options.serverRoot, flags);
  try {
    const idleSockets = countSockets(server.pid);
    // Warm up: the first connections load and compile code, which is paid once, not per connection.
    const warm = await hold(server, ticksPerSecond, phase.kind, Math.min(200, options.connections), 1);
    await warm.release();
    await waitForSockets(server.pid, (n) => n <= idleSockets);
    const before = await settledMemory(server.pid);
    const serverSocketsBefore = countSockets(server.pid);

    progress(`${phase.name}: opening ${options.connections} connections from ${options.clients} processes`);
    const held = await hold(server, ticksPerSecond, phase.kind, options.connections, options.clients);
    warnFailures(phase.name, held.outcome);
    const serverSocketsHeld = await waitForSockets(
      server.pid,
      (n) => n >= serverSocketsBefore + held.outcome.ok,
      10_000,
    );
    progress(`${phase.name}: ${held.outcome.ok} open in ${held.openMs} ms; waiting for RSS to settle`);
    const after = await settledMemory(server.pid);
    progress(`${phase.name}: closing`);
    const lost = await held.release();
    await waitForSockets(server.pid, (n) => n <= idleSockets);
    const released = await settledMemory(server.pid);
    const deltaKiB = after.rssKiB - before.rssKiB;
    const count = held.outcome.ok;
    return {
      ...phase,
      connections: options.connections,
      held: count,
      failed: held.outcome.failed,
      lost,
      openMs: held.openMs,
      openCpuMsPerConnection: round(held.openCpuMs / count, 3),
      serverSocketsBefore,
      serverSocketsHeld,
      before: pick(before),
      after: pick(after),
      released: pick(released),
      deltaKiB,
      perConnectionKiB: round(deltaKiB / count, 1),
      anonPerConnectionKiB: round((after.anonKiB - before.anonKiB) / count, 1),
      settled: before.stable && after.stable && released.stable,
      settledMs: { before: before.settledMs, after: after.settledMs, released: released.settledMs },
      serverWarnings: Object.fromEntries(server.warnings),
    };
  } finally {
    await stopServer(server);
  }
}

function pick(reading: MemoryReading): MemoryReading {
  return { rssKiB: reading.rssKiB, anonKiB: reading.anonKiB, fileKiB: reading.fileKiB, hwmKiB: reading.hwmKiB };
}

// ---- CPU per handshake ----

interface CpuStep {
  name: string;
  kind: ConnectionKind;
  kex: KexId | null;
  count: number;
  failed: number;
  cpuMs: number;
  wallMs: number;
  msPerConnection: number;
  /** Per connection, minus the bare TCP connect+close: what the handshake itself costs the server. */
  msNetOfTcp: number | null;
  ratioToX25519: number | null;
  netRatioToX25519: number | null;
}

const CPU_PROCESSES = 2;
const CPU_CONCURRENCY = 4;

/** Cycles `count` connections of `kind` through the server and returns the server's CPU time and the wall time. */
async function cycle(
  server: ServerProcess,
  ticksPerSecond: number,
  kind: ConnectionKind,
  kex: KexId,
  count: number,
  processes: number,
): Promise<{ cpuMs: number; wallMs: number; outcome: Outcome }> {
  const idleSockets = countSockets(server.pid);
  const generators = await startGenerators(
    server,
    { mode: "cycle", kind, kex, concurrency: CPU_CONCURRENCY },
    count,
    processes,
  );
  await sleep(200);
  const ticks = readCpuTicks(server.pid);
  const started = performance.now();
  await Promise.all(generators.map((generator) => generator.send("go")));
  const outcome = sumOutcomes(await Promise.all(generators.map((generator) => generator.expect("done"))));
  await waitForSockets(server.pid, (n) => n <= idleSockets, 10_000);
  const wallMs = performance.now() - started;
  const cpuMs = (readCpuTicks(server.pid) - ticks) * 1000 / ticksPerSecond;
  await Promise.all(generators.map((generator) => generator.finish()));
  return { cpuMs, wallMs, outcome };
}

async function measureCpu(options: Options, flags: string[], ticksPerSecond: number) {
  const server = await startServer(options.serverRoot, [
    ...flags,
    "--crypto.kex=x25519-mlkem768,x25519,p256,ffdhe",
  ]);
  try {
    const idleTicks = readCpuTicks(server.pid);
    await sleep(2000);
    const idleMsPerSecond = (readCpuTicks(server.pid) - idleTicks) * 1000 / ticksPerSecond / 2;
    const m = options.handshakes;
    const plan: { name: string; kind: ConnectionKind; kex: KexId; count: number; warmup: number }[] = [
      { name: "TCP connect+close, no handshake", kind: "tcp-connect-close", kex: "x25519", count: 10 * m, warmup: 50 },
      { name: "x25519", kind: "tcp-handshake", kex: "x25519", count: m, warmup: 20 },
      { name: "p256", kind: "tcp-handshake", kex: "p256", count: m, warmup: 20 },
      { name: "x25519-mlkem768", kind: "tcp-handshake", kex: "x25519-mlkem768", count: m, warmup: 20 },
      { name: "ffdhe (ffdhe3072)", kind: "tcp-handshake", kex: "ffdhe", count: Math.ceil(m / 4), warmup: 5 },
    ];
    const steps: CpuStep[] = [];
    for (const step of plan) {
      progress(`${step.name}: ${step.count} connections`);
      // Warm up in the same way, so compiling the code paths is not charged to the measured connections.
      warnFailures(
        `${step.name} (warm-up)`,
        (await cycle(server, ticksPerSecond, step.kind, step.kex, step.warmup, 1)).outcome,
      );
      const run = await cycle(server, ticksPerSecond, step.kind, step.kex, step.count, CPU_PROCESSES);
      warnFailures(step.name, run.outcome);
      steps.push({
        name: step.name,
        kind: step.kind,
        kex: step.kind === "tcp-handshake" ? step.kex : null,
        count: run.outcome.ok,
        failed: run.outcome.failed,
        cpuMs: run.cpuMs,
        wallMs: Math.round(run.wallMs),
        msPerConnection: round(run.cpuMs / run.outcome.ok, 3),
        msNetOfTcp: null,
        ratioToX25519: null,
        netRatioToX25519: null,
      });
    }
    const tcp = steps[0].msPerConnection;
    const x25519 = steps.find((step) => step.kex === "x25519")!;
    for (const step of steps) {
      step.ratioToX25519 = round(step.msPerConnection / x25519.msPerConnection, 2);
      if (step.kex === null) continue;
      step.msNetOfTcp = round(step.msPerConnection - tcp, 3);
      step.netRatioToX25519 = round(step.msNetOfTcp / (x25519.msPerConnection - tcp), 2);
    }
    return { idleMsPerSecond, steps, serverWarnings: Object.fromEntries(server.warnings) };
  } finally {
    await stopServer(server);
  }
}

// ---- Reporting ----

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

async function run(command: string, args: string[], cwd?: string): Promise<string> {
  const output = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "null" }).output();
  return output.success ? new TextDecoder().decode(output.stdout).trim() : "";
}

async function describeTree(root: string) {
  return {
    root,
    commit: await run("git", ["rev-parse", "HEAD"], root),
    subject: await run("git", ["log", "-1", "--format=%s"], root),
    dirty: (await run("git", ["status", "--porcelain", "--untracked-files=no"], root)) !== "",
  };
}

async function describeMachine() {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  return {
    nproc: Number(await run("nproc", [])),
    cpu: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown",
    memTotalKiB: Number(Deno.readTextFileSync("/proc/meminfo").match(/^MemTotal:\s+(\d+)/m)?.[1]),
    kernel: await run("uname", ["-r"]),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
}

const kib = (n: number) => n >= 10240 ? `${(n / 1024).toFixed(1)} MiB` : `${n} KiB`;

function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((row) => row.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]));
  return [
    line(cells[0]).join("  "),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.slice(1).map((r) => line(r).join("  ")),
  ]
    .join("\n");
}

interface RunEntry {
  server: Awaited<ReturnType<typeof describeTree>>;
  memory?: unknown;
  cpu?: unknown;
}

/** Merges this run into the results file: one entry per server commit, each measurement replaced when re-run. */
function mergeResults(path: string, entry: RunEntry): void {
  let file: { runs: RunEntry[] } = { runs: [] };
  try {
    file = JSON.parse(Deno.readTextFileSync(path));
  } catch (error) {
    // A missing file is a first run; anything else (a broken file) must not be overwritten silently.
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const key = (e: RunEntry) => `${e.server.commit}${e.server.dirty ? "+dirty" : ""}`;
  const existing = file.runs.find((e) => key(e) === key(entry));
  if (existing) Object.assign(existing, entry);
  else file.runs.push(entry);
  Deno.writeTextFileSync(path, JSON.stringify(file, null, 2) + "\n");
}

/** The soft limit on open files (`ulimit -n`), which the server and every generator inherit from this process. */
async function openFileLimit(): Promise<number> {
  // Deno asks for --allow-all to read /proc/self, so ask the shell, which inherits the same limit.
  const text = await run("sh", ["-c", "ulimit -n"]);
  return text === "" || text === "unlimited" ? Infinity : Number(text);
}

async function main(options: Options): Promise<void> {
  const limit = await openFileLimit();
  // A few dozen descriptors go to the runtime itself (listeners, the database, pipes, event fds).
  if (options.only !== "cpu" && options.connections + 64 > limit) {
    throw new RangeError(
      `Cannot hold ${options.connections} connections: the server may open ${limit} files (ulimit -n)`,
    );
  }
  if (options.only !== "cpu" && Math.ceil(options.connections / options.clients) + 64 > limit) {
    throw new RangeError(`Cannot hold ${options.connections} connections from ${options.clients} processes: use more`);
  }
  const known = knownConfigLeaves(options.serverRoot);
  const flags = liftedLimitFlags(known, options.connections);
  const [server, machine, benchCommit, ticksPerSecond] = await Promise.all([
    describeTree(options.serverRoot),
    describeMachine(),
    run("git", ["rev-parse", "HEAD"], BENCH_ROOT),
    clockTicksPerSecond(),
  ]);
  const common = { date: new Date().toISOString(), machine, benchCommit, flags };
  const entry: RunEntry = { server };
  console.log(
    `server ${server.commit.slice(0, 7)}${server.dirty ? " (with uncommitted changes)" : ""}: ${server.subject}`,
  );
  console.log(`${machine.nproc} CPUs (${machine.cpu}), Deno ${machine.deno}; server flags: ${flags.join(" ")}\n`);

  if (options.only !== "cpu") {
    progress(`memory: ${options.connections} connections per phase, a fresh server each`);
    const phases: MemoryPhase[] = [];
    for (const phase of MEMORY_PHASES) {
      if (options.phases.includes(phase.id)) {
        phases.push(await measureMemoryPhase(phase, options, flags, ticksPerSecond));
      }
    }
    entry.memory = { ...common, connections: options.connections, clientProcesses: options.clients, phases };
    console.log(`Server memory per idle connection (N = ${options.connections}, RSS from /proc/<pid>/status)`);
    console.log(table(
      ["phase", "held", "RSS before", "RSS after", "ΔRSS", "per conn", "anon per conn", "RSS after close"],
      phases.map((p) => [
        p.name,
        p.held,
        kib(p.before.rssKiB),
        kib(p.after.rssKiB),
        kib(p.deltaKiB),
        `${p.perConnectionKiB} KiB`,
        `${p.anonPerConnectionKiB} KiB`,
        kib(p.released.rssKiB),
      ]),
    ));
    for (const p of phases) {
      const notes = [
        p.failed ? `${p.failed} failed to open` : "",
        p.lost ? `${p.lost} closed by the server while held` : "",
        p.settled ? "" : "RSS had not settled within 20 s",
        Object.keys(p.serverWarnings).length ? `server warnings ${JSON.stringify(p.serverWarnings)}` : "",
      ].filter(Boolean);
      if (notes.length) console.log(`  ${p.name}: ${notes.join("; ")}`);
    }
    console.log();
  }

  if (options.only !== "memory") {
    progress(`cpu: ${options.handshakes} handshakes per key exchange`);
    const cpu = await measureCpu(options, flags, ticksPerSecond);
    entry.cpu = {
      ...common,
      handshakes: options.handshakes,
      clientProcesses: CPU_PROCESSES,
      concurrencyPerProcess: CPU_CONCURRENCY,
      clockTicksPerSecond: ticksPerSecond,
      ...cpu,
    };
    console.log(`Server CPU per connection (utime+stime from /proc/<pid>/stat, ${ticksPerSecond} ticks/s)`);
    console.log(table(
      ["connection", "count", "server CPU", "per conn", "× x25519", "net of TCP", "net × x25519"],
      cpu.steps.map((s) => [
        s.name,
        s.count,
        `${Math.round(s.cpuMs)} ms`,
        `${s.msPerConnection.toFixed(2)} ms`,
        s.ratioToX25519 === null ? "" : `${s.ratioToX25519.toFixed(2)}`,
        s.msNetOfTcp === null ? "" : `${s.msNetOfTcp.toFixed(2)} ms`,
        s.netRatioToX25519 === null ? "" : `${s.netRatioToX25519.toFixed(2)}`,
      ]),
    ));
    console.log(`  idle server: ${cpu.idleMsPerSecond.toFixed(1)} ms CPU per second`);
    if (Object.keys(cpu.serverWarnings).length) console.log(`  server warnings ${JSON.stringify(cpu.serverWarnings)}`);
    console.log();
  }

  mergeResults(options.out, entry);
  console.log(`results merged into ${options.out}`);
}

if (import.meta.main) {
  let options: Options;
  try {
    options = parseOptions(Deno.args);
  } catch (error) {
    console.error(`hold: ${(error as Error).message}`);
    Deno.exit(2);
  }
  const stopAll = () =>
    Promise.all([
      ...[...liveGenerators].map((generator) => generator.finish()),
      ...[...liveServers].map((server) => stopServer(server)),
    ]);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => void stopAll().then(() => Deno.exit(130)));
  }
  try {
    await main(options);
  } catch (error) {
    // Report and fail; the finally below still ends every process this run started.
    console.error(`hold: ${error instanceof Error ? error.stack : error}`);
    Deno.exitCode = 1;
  } finally {
    await stopAll();
  }
}
