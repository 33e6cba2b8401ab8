// What every scenario of bench/run.ts shares: a Mimi server in its own process on a seeded data directory, the bare
// ceiling server, load generator processes, and server CPU read from /proc around a piece of work.

import { knownConfigLeaves, liftedLimitFlags, type ServerProcess, startServerProcess } from "./_hold_server.ts";
import { readCpuTicks, readMemory } from "./_proc.ts";
import { seedDataDir, type Seeded, type SeedOptions } from "./_seed.ts";
import type { LoadCommand, LoadJob, Target } from "./_load_client.ts";
import { Histogram, type Timeline, TIMELINE_SLOT_MS } from "./_histogram.ts";

/** The checkout this file is in: the server measured is always this one. */
export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** One figure of a scenario, as results.json holds it. */
export interface Figure {
  scenario: string;
  name: string;
  value: number | null;
  unit: string;
  /** The target, if it sets one: `>=` for at least, `<=` for at most. */
  target?: { op: ">=" | "<="; value: number };
  /** value / target (for `>=`) or target / value (for `<=`): 1 or more passes. */
  ratio?: number;
  pass?: boolean;
  note?: string;
}

/** Builds a figure, with its ratio and pass/miss when it has a target. */
export function figure(
  scenario: string,
  name: string,
  value: number | null,
  unit: string,
  target?: Figure["target"],
  note?: string,
): Figure {
  // A latency past the histogram's last bucket (2 s) has no value to print; JSON has no Infinity either.
  const overflow = value === Infinity;
  const out: Figure = { scenario, name, value: value === null || overflow ? null : round(value), unit };
  if (overflow) note = note ? `${note}; above 2000 ms` : "above 2000 ms";
  if (target) {
    out.target = target;
    if (value !== null && Number.isFinite(value)) {
      out.ratio = round(target.op === ">=" ? value / target.value : value === 0 ? Infinity : target.value / value);
      out.pass = target.op === ">=" ? value >= target.value : value <= target.value;
    } else {
      out.pass = false;
    }
  }
  if (note) out.note = note;
  return out;
}

function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : Math.abs(n) >= 1 ? 2 : 4;
  return Number(n.toFixed(digits));
}

/** What a scenario gets from the runner. */
export interface RunContext {
  quick: boolean;
  ticksPerSecond: number;
  /** Progress lines (stderr). */
  log(message: string): void;
}

/** A scenario: a name for `deno task bench <name>`, and what it measures. */
export interface Scenario {
  name: string;
  describe: string;
  run(ctx: RunContext): Promise<Figure[]>;
}

/** Server CPU in milliseconds of `pid` while `work` runs, with the work's result. */
export async function cpuDuring<T>(
  ctx: RunContext,
  pids: number[],
  work: () => Promise<T>,
): Promise<{ result: T; cpuMs: number[]; wallMs: number }> {
  const before = pids.map(readCpuTicks);
  const startedAt = performance.now();
  const result = await work();
  const wallMs = performance.now() - startedAt;
  const cpuMs = pids.map((pid, i) => (readCpuTicks(pid) - before[i]) * 1000 / ctx.ticksPerSecond);
  return { result, cpuMs, wallMs };
}

/** A Mimi server started by {@link startMimi}, with what was seeded into it. */
export interface Mimi extends ServerProcess {
  seeded: Seeded;
  dataDir: string;
  target(transport: "tcp" | "ws"): Target;
}

/**
 * Seeds a fresh data directory and starts this checkout's server on it, every limit that would refuse the load lifted
 * and registration open. The directory goes when the server stops unless `keepData`.
 */
export async function startMimi(
  seed: SeedOptions,
  options: { connections?: number; flags?: string[]; keepData?: boolean; inspect?: boolean } = {},
): Promise<Mimi> {
  const dataDir = await Deno.makeTempDir({ prefix: "mimi-bench-data-" });
  const seeded = await seedDataDir(dataDir, seed);
  const known = knownConfigLeaves(ROOT);
  // A flag the scenario gives replaces the lifted one of the same path (the default keep-alive, for instance).
  const given = new Set((options.flags ?? []).map((flag) => flag.slice(0, flag.indexOf("="))));
  const flags = [
    ...liftedLimitFlags(known, options.connections ?? 1000).filter((flag) =>
      !given.has(flag.slice(0, flag.indexOf("=")))
    ),
    "--server.registration=open",
    "--server.limits.registrationsPerIpPerHour=1000000",
    "--server.limits.registrationsPerHour=1000000",
    "--server.limits.outboundQueueBytes=1073741824",
    "--server.limits.outboundTotalBytes=1073741824",
    ...options.flags ?? [],
  ].filter((flag) => known.has(flag.slice(2, flag.indexOf("="))));
  const server = await startServerProcess(ROOT, flags, { dataDir, inspect: options.inspect });
  return {
    ...server,
    seeded,
    dataDir,
    async stop() {
      await server.stop();
      if (!options.keepData) await Deno.remove(dataDir, { recursive: true });
    },
    target: (transport) => ({
      kind: "mimi",
      transport,
      host: "127.0.0.1",
      tcpPort: server.tcpPort,
      wsUrl: server.wsUrl,
    }),
  };
}

/** The bare ceiling server of bench/_bare_server.ts. */
export interface BareServer {
  pid: number;
  httpPort: number;
  tcpPort: number;
  stop(): Promise<void>;
}

/** Starts bench/_bare_server.ts and waits for its ports. */
export async function startBare(): Promise<BareServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", `${ROOT}/bench/_bare_server.ts`],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = readLines(child.stdout);
  const first = await lines.next();
  if (first.done) throw new Error("The bare server exited before it printed its ports");
  const { httpPort, tcpPort } = JSON.parse(first.value);
  return {
    pid: child.pid,
    httpPort,
    tcpPort,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await lines.return(undefined);
    },
  };
}

async function* readLines(stream: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<string, void, undefined> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let at: number;
    while ((at = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, at);
      pending = pending.slice(at + 1);
    }
  }
}

/** One generator process and the answers it gives, one per command. */
export interface Generator {
  pid: number;
  ask(command: LoadCommand): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts a bench/_load_client.ts process for `job` and waits until it is ready. */
export async function startGenerator(job: LoadJob): Promise<Generator> {
  // In a file, not on the command line: 5,000 users' device keys exceed the kernel's limit for one argument (E2BIG).
  const jobFile = await Deno.makeTempFile({ prefix: "mimi-bench-job-", suffix: ".json" });
  await Deno.writeTextFile(jobFile, JSON.stringify(job));
  // MIMI_BENCH_GENERATOR_PROFILE=<dir>: each generator writes a V8 CPU profile there when it stops.
  const profileDir = Deno.env.get("MIMI_BENCH_GENERATOR_PROFILE");
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", ...profile, `${ROOT}/bench/_load_client.ts`, jobFile],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = readLines(child.stdout);
  const writer = child.stdin.getWriter();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error("A load generator exited early");
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  try {
    await next();
  } finally {
    await Deno.remove(jobFile);
  }
  let queue: Promise<unknown> = Promise.resolve();
  return {
    pid: child.pid,
    ask(command) {
      const answer = queue.then(async () => {
        await writer.write(new TextEncoder().encode(JSON.stringify(command) + "\n"));
        return await next();
      });
      queue = answer.catch(() => {}); // the caller gets the error; the queue only keeps order
      return answer;
    },
    async stop() {
      await writer.close();
      await child.status;
      await lines.return(undefined);
    },
  };
}

/**
 * Starts `processes` generators for `target` and spreads `users` (or `bareSessions`) over them, in order: process p
 * gets users p·k to (p+1)·k−1, so user 0 is always process 0's session 0.
 */
export async function startGenerators(
  target: Target,
  processes: number,
  spread: { users?: Seeded["users"]; bareSessions?: number; concurrency?: number },
): Promise<Generator[]> {
  const users = spread.users ?? [];
  const per = Math.ceil(Math.max(users.length, spread.bareSessions ?? 0) / processes);
  return await Promise.all(Array.from({ length: processes }, (_, p) =>
    startGenerator({
      target,
      users: users.slice(p * per, (p + 1) * per),
      bareSessions: spread.bareSessions === undefined ? 0 : Math.max(0, Math.min(per, spread.bareSessions - p * per)),
      concurrency: spread.concurrency ?? 32,
    })));
}

/**
 * Starts generator processes as {@link startGenerators} does, opens their sessions, runs `fn` with them, and stops
 * them however `fn` ends: the start, open, try and stop every scenario would otherwise write out.
 *
 * @returns What `fn` resolved to.
 */
export async function withGenerators<T>(
  target: Target,
  processes: number,
  spread: Parameters<typeof startGenerators>[2],
  fn: (generators: Generator[]) => Promise<T>,
): Promise<T> {
  const generators = await startGenerators(target, processes, spread);
  try {
    await askAll(generators, { cmd: "open" });
    return await fn(generators);
  } finally {
    await stopAll(...generators);
  }
}

/** Asks every generator `command` at once and checks that none failed to open what it was given. */
export async function askAll(generators: Generator[], command: LoadCommand): Promise<Record<string, unknown>[]> {
  const answers = await Promise.all(generators.map((g) => g.ask(command)));
  for (const answer of answers) {
    if (typeof answer.failed === "number" && answer.failed > 0) {
      throw new Error(`A generator failed ${answer.failed} of its work: ${JSON.stringify(answer.errors)}`);
    }
  }
  return answers;
}

/** Collects and resets the delivery counters of every generator: total, span and the merged latency histogram. */
export async function deliveries(generators: Generator[]) {
  const answers = await Promise.all(generators.map((g) => g.ask({ cmd: "stats" })));
  const histogram = new Histogram();
  let delivered = 0;
  let firstAt = Infinity;
  let lastAt = 0;
  const timeline: Timeline = {};
  for (const answer of answers) {
    const n = answer.delivered as number;
    if (n === 0) continue;
    delivered += n;
    firstAt = Math.min(firstAt, answer.firstAt as number);
    lastAt = Math.max(lastAt, answer.lastAt as number);
    histogram.merge(answer.histogram as [number, number][]);
    for (const [slot, [count, sum, max, over]] of Object.entries(answer.timeline as Timeline)) {
      const row = timeline[Number(slot)] ??= [0, 0, 0, 0];
      row[0] += count;
      row[1] += sum;
      row[2] = Math.max(row[2], max);
      row[3] += over;
    }
  }
  return { delivered, spanMs: delivered > 0 ? lastAt - firstAt : 0, histogram, timeline };
}

/**
 * One line per {@link TIMELINE_SLOT_MS} of send time: deliveries, mean and max latency, share over 50 ms. Shows whether
 * a high percentile is a backlog at the start, spikes, or a steady cost.
 */
export function timelineLines(timeline: Timeline): string[] {
  const slots = Object.keys(timeline).map(Number).sort((a, b) => a - b);
  return slots.map((slot) => {
    const [count, sum, max, over] = timeline[slot];
    const at = ((slot - slots[0]) * TIMELINE_SLOT_MS / 1000).toFixed(2);
    return `+${at} s: ${count} deliveries, mean ${(sum / count).toFixed(1)} ms, max ${max.toFixed(1)} ms, ` +
      `${(over / count * 100).toFixed(1)} % over 50 ms`;
  });
}

/** Waits until the generators have been idle for `quietMs`: whatever was sent has arrived. */
export async function untilQuiet(generators: Generator[], quietMs = 500): Promise<void> {
  // Watches the generators' CPU rather than their counters: asking for the counters resets them.
  let last = -1;
  let cpu = generators.map((g) => readCpuTicks(g.pid)).reduce((a, b) => a + b, 0);
  while (true) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = generators.map((g) => readCpuTicks(g.pid)).reduce((a, b) => a + b, 0);
    // Less than one tick per generator in the interval: nothing is arriving any more.
    if (now - cpu <= generators.length && last >= 0) return;
    last = now;
    cpu = now;
  }
}

/** Stops everything given, ignoring what is already stopped. */
export async function stopAll(...things: ({ stop(): Promise<void> } | undefined)[]): Promise<void> {
  for (const thing of things) {
    // Each is stopped even if another failed: a bench must not leave processes behind.
    await thing?.stop().catch((error) => console.error(error));
  }
}

/** RSS of a process in KiB, once it has settled (within 0.5 % over 1 s, at most 20 s). */
export async function settledRss(pid: number): Promise<number> {
  let last = readMemory(pid).rssKiB;
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = readMemory(pid).rssKiB;
    if (Math.abs(now - last) <= last * 0.005) return now;
    last = now;
  }
  return last;
}
