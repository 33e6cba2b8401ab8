// The server as a separate process, started the way users start it (`deno task start`, or the same `deno run` line
// with the task's permissions), so tests can count its descriptors, limit them, and signal it.

import { deadline } from "./_harness.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** A running server process. */
export interface ServerProcess {
  readonly pid: number;
  readonly tcpPort: number;
  readonly httpPort: number;
  readonly wsUrl: string;
  readonly fingerprint: string;
  readonly dataDir: string;
  /** Every JSON log line so far. */
  readonly logs: Record<string, unknown>[];
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Descriptors the process holds now, from /proc/<pid>/fd. */
  descriptors(): number;
  /** Resolves with the first log line matching `predicate`; rejects after `ms`. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  readonly status: Promise<Deno.CommandStatus>;
  /** Sends `signal` as a terminal's Ctrl-C does: to the task's whole process group (or to the process without a task). */
  signal(signal: Deno.Signal): void;
  /** Stops the process (SIGKILL if it does not stop on SIGTERM within a few seconds) and removes its data. */
  stop(): Promise<void>;
}

/** How to start it. */
export interface SpawnOptions {
  /** Extra config flags. */
  flags?: string[];
  /** Run `deno task start` (in a process group of its own, as a terminal would) instead of the `deno run` line. */
  task?: boolean;
  /** Limit open files with `prlimit --nofile=N:N`. */
  openFiles?: number;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Use this data directory (default: a fresh temp dir). */
  dataDir?: string;
  /** A shell prefix such as `umask 022;` for the task (needs `task`). */
  shellPrefix?: string;
}

/**
 * Starts a server and waits until it is ready (its `ready` log line).
 *
 * @param options How to start it.
 * @returns The running process; throws with its output if it exits first.
 */
export async function spawnServer(options: SpawnOptions = {}): Promise<ServerProcess> {
  const child = spawnRaw(options);
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  const waiters = new Set<() => void>();
  const pump = async (stream: ReadableStream<Uint8Array>, onText: (text: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) onText(decoder.decode(chunk, { stream: true }));
  };
  let pending = "";
  const stdoutDone = pump(child.process.stdout, (text) => {
    pending += text;
    const parts = pending.split("\n");
    pending = parts.pop()!;
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line));
      } catch (error) {
        // Not every stdout line is a log line (deno task prints its own); keep those as text.
        if (!(error instanceof SyntaxError)) throw error;
        lines.push({ event: "text", text: line });
      }
    }
    for (const wake of waiters) wake();
  });
  const stderrDone = pump(child.process.stderr, (text) => {
    stderr += text;
    for (const wake of waiters) wake();
  });
  const status = Promise.all([child.process.status, stdoutDone, stderrDone]).then(([s]) => s);
  let exited = false;
  void status.then(() => {
    exited = true;
    for (const wake of waiters) wake();
  });
  const waitForLog = (predicate: (line: Record<string, unknown>) => boolean, ms = 20_000) =>
    deadline(
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const check = () => {
          const found = lines.find(predicate);
          if (found) {
            waiters.delete(check);
            resolve(found);
          } else if (exited) {
            waiters.delete(check);
            reject(new Error(`The server exited; stderr: ${stderr}`));
          }
        };
        waiters.add(check);
        check();
      }),
      ms,
      `a log line from the server (stderr: ${stderr.slice(-500)})`,
    );
  const ready = await waitForLog((line) => line.event === "ready");
  const tcp = String(ready.tcp);
  const httpPort = Number(new URL(String(ready.web)).port);
  // The server's own process: under `deno task`, it is a child of the task runner.
  const pid = options.task ? await serverPid(child.process.pid) : child.process.pid;
  return {
    pid,
    tcpPort: Number(tcp.slice(tcp.lastIndexOf(":") + 1)),
    httpPort,
    wsUrl: `ws://127.0.0.1:${httpPort}/ws`,
    fingerprint: String(ready.fingerprint),
    dataDir: child.dataDir,
    logs: lines,
    stderr: () => stderr,
    descriptors: () => [...Deno.readDirSync(`/proc/${pid}/fd`)].length,
    waitForLog,
    status,
    signal: (signal) => signalGroup(child, signal),
    async stop() {
      if (!exited) {
        signalGroup(child, "SIGTERM");
        const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 10_000);
        await status;
        clearTimeout(timer);
      }
      if (!options.dataDir) await Deno.remove(child.dataDir, { recursive: true });
    },
  };
}

/**
 * Starts a server that is expected to fail, and collects its exit code and output.
 *
 * @param options How to start it.
 * @returns Exit code, stdout and stderr.
 */
export async function runServerToExit(
  options: SpawnOptions = {},
): Promise<{ code: number; stdout: string; stderr: string; dataDir: string }> {
  const child = spawnRaw(options);
  // A server that starts after all must not hang the test: it is stopped, and the test sees its exit.
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 30_000);
  const output = await child.process.output();
  clearTimeout(timer);
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr), dataDir: child.dataDir };
}

interface RawChild {
  process: Deno.ChildProcess;
  dataDir: string;
  /** The process group to signal, when the task runs in one of its own. */
  group: number | undefined;
}

function spawnRaw(options: SpawnOptions): RawChild & { process: Deno.ChildProcess } {
  const dataDir = options.dataDir ?? Deno.makeTempDirSync({ prefix: "mimi_process_" });
  const env: Record<string, string> = {
    MIMI_SERVER_HOST: "127.0.0.1",
    MIMI_SERVER_TCP_PORT: "0",
    MIMI_SERVER_HTTP_PORT: "0",
    MIMI_SERVER_DATA_DIR: dataDir,
    NO_COLOR: "1",
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    ...options.env,
  };
  const deno = Deno.execPath();
  let command: string;
  let args: string[];
  if (options.task) {
    // setsid: a process group of its own, as a shell gives a foreground job, so a signal can go to the whole group.
    const flags = options.flags?.length ? `-- ${options.flags.map(quote).join(" ")}` : "";
    const script = `${options.shellPrefix ?? ""} exec "$0" task start ${flags}`;
    command = "setsid";
    args = ["sh", "-c", script, deno];
  } else {
    const permissions = startTaskPermissionsSync();
    const run = [deno, "run", ...permissions, "main.ts", "serve", ...(options.flags ?? [])];
    [command, ...args] = options.openFiles
      ? ["prlimit", `--nofile=${options.openFiles}:${options.openFiles}`, "--", ...run]
      : run;
  }
  const process = new Deno.Command(command, {
    args,
    cwd: ROOT,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return { process, dataDir, group: options.task ? process.pid : undefined };
}

/** The `deno run` permission flags of the `start` task in deno.json, so a test cannot grant more than users get. */
export function startTaskPermissionsSync(): string[] {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks as Record<string, string>;
  const run = tasks.start.split("&&").map((part) => part.trim()).find((part) => part.startsWith("deno run"))!;
  return run.split(/\s+/).filter((word) => word.startsWith("--"));
}

/**
 * Sends `signal` to the child, or to its whole process group when it has one (as Ctrl-C in a terminal does).
 *
 * @param child The child.
 * @param signal The signal.
 */
export function signalGroup(child: { process: Deno.ChildProcess; group: number | undefined }, signal: Deno.Signal) {
  try {
    if (child.group !== undefined) Deno.kill(-child.group, signal);
    else child.process.kill(signal);
  } catch (error) {
    // The process (group) is gone already: nothing left to signal.
    if (!(error instanceof Deno.errors.NotFound || error instanceof TypeError)) throw error;
  }
}

/** Finds the `main.ts serve` process among the descendants of `root`. */
async function serverPid(root: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 20_000) {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      let cmdline: string;
      try {
        cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      } catch {
        continue; // the process ended while we looked
      }
      if (cmdline.includes("main.ts\0serve") && isDescendant(Number(entry.name), root)) return Number(entry.name);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No server process under ${root}`);
}

function isDescendant(pid: number, root: number): boolean {
  for (let current = pid, hops = 0; current > 1 && hops < 20; hops++) {
    if (current === root) return true;
    try {
      const stat = Deno.readTextFileSync(`/proc/${current}/stat`);
      current = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return false; // the process ended while we looked
    }
  }
  return false;
}

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
