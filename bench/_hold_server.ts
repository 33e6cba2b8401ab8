// Runs a Mimi server under test as its own process, for hold.ts: start it from any checkout, find its ports, stop it.

/** A running server process. */
export interface ServerProcess {
  readonly pid: number;
  readonly tcpPort: number;
  readonly httpPort: number;
  readonly wsUrl: string;
  /** Count of each log event the server printed at warn level or above (it runs with `--log.level=warn`). */
  readonly warnings: Map<string, number>;
  /** Milliseconds from spawning the process to both ports printed: the server's start-up time as a user sees it. */
  readonly startMs: number;
  /** The V8 inspector's WebSocket URL, when started with `inspect` (bench/_window_profile.ts profiles through it). */
  readonly inspectorUrl?: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its data directory (unless it was given one). */
  stop(): Promise<void>;
}

/** How long a server may take to print its addresses. */
const START_TIMEOUT_MS = 60_000;
/** How long a server may take to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;
/**
 * The same when it writes a CPU profile (MIMI_BENCH_PROFILE), which it does only if it exits by itself: a server that
 * held 10,000 connections takes longer than 5 s to see them all closed and stop, and a killed one writes no profile.
 */
const PROFILED_STOP_GRACE_MS = 120_000;

/**
 * Lists the configuration leaves a checkout's server knows, with the largest value each integer leaf accepts, by
 * reading its `core/config/schema.ts`: hold.ts passes only flags that the server under test accepts (an older
 * commit refuses unknown ones, a newer one may cap a value lower).
 *
 * @param root The checkout's directory.
 * @returns Dotted paths such as `server.limits.maxConnections`, each with its `max` when it has one.
 */
export function knownConfigLeaves(root: string): Map<string, { max?: number }> {
  const text = Deno.readTextFileSync(`${root}/core/config/schema.ts`);
  const leaves = new Map<string, { max?: number }>();
  // Each leaf is an object literal opening with its path; its max, if any, comes before the next path.
  const parts = text.split(/path: "/).slice(1);
  for (const part of parts) {
    const path = part.slice(0, part.indexOf('"'));
    // Cross-checks name their leaf again, without its bounds: the first mention is the leaf.
    if (!/^[\w.]+$/.test(path) || leaves.has(path)) continue;
    const max = part.match(/\bmax: ([\d_]+)/)?.[1];
    leaves.set(path, max === undefined ? {} : { max: Number(max.replaceAll("_", "")) });
  }
  return leaves;
}

/**
 * Flags that lift every cap and timeout that would stop `connections` idle connections from one address, keeping
 * only those the server knows, each clamped to the largest value it accepts.
 *
 * @param known From {@link knownConfigLeaves}.
 * @param connections Connections to be held at once.
 * @returns `--path=value` flags.
 */
export function liftedLimitFlags(known: Map<string, { max?: number }>, connections: number): string[] {
  const wanted: [string, number][] = [
    ["server.limits.maxConnections", Math.max(20_000, connections + 1000)],
    ["server.limits.connectionsPerIpPerMinute", 1_000_000],
    ["server.limits.maxConnectionsPerIp", 100_000],
    ["server.limits.maxHandshakes", 100_000],
    ["server.limits.maxHandshakesPerIp", 100_000],
    ["server.limits.handshakeUnitsPerIpPerMinute", 1_000_000],
    // Silent connections must outlive the run: they count as handshakes in progress until they speak.
    ["crypto.handshakeTimeoutMs", 600_000],
    ["server.limits.loginTimeoutMs", 86_400_000],
    ["server.limits.keepAliveMs", 3_600_000],
  ];
  return wanted.filter(([path]) => known.has(path)).map(([path, value]) =>
    `--${path}=${Math.min(value, known.get(path)!.max ?? Infinity)}`
  );
}

async function eachLine(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  onLine: (line: string) => void,
): Promise<void> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let at: number;
    while ((at = pending.indexOf("\n")) >= 0) {
      onLine(pending.slice(0, at));
      pending = pending.slice(at + 1);
    }
  }
  if (pending) onLine(pending);
}

/**
 * Starts `deno run … <root>/main.ts serve` on 127.0.0.1 with ephemeral ports and a fresh data directory. Its working
 * directory is that data directory's parent, so no `config.json` of the checkout applies: defaults plus `flags`.
 *
 * @param root The checkout whose server is measured.
 * @param flags Extra config flags (limits, key exchanges).
 * @param options `dataDir`: an existing data directory to serve (seeded, or left by an earlier server), which the
 *   server keeps when it stops; without it a fresh one is made and removed. `inspect`: open the V8 inspector on an
 *   ephemeral port of 127.0.0.1, to profile a window of the run.
 * @returns The running server, once it has printed both ports.
 */
export async function startServerProcess(
  root: string,
  flags: string[],
  options: { dataDir?: string; inspect?: boolean } = {},
): Promise<ServerProcess> {
  const workDir = await Deno.makeTempDir({ prefix: "mimi-hold-" });
  const dataDir = options.dataDir ?? `${workDir}/data`;
  const env = Object.fromEntries(Object.entries(Deno.env.toObject()).filter(([name]) => !name.startsWith("MIMI_")));
  // MIMI_BENCH_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profileDir = Deno.env.get("MIMI_BENCH_PROFILE");
  const args = [
    "run",
    // With the inspector a scenario profiles the window it measures instead: a whole-life profile's sampling would
    // run all along and add to the CPU it measures (3-4 % of a core at 10,000 idle connections).
    ...profileDir && !options.inspect ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
    ...options.inspect ? ["--inspect=127.0.0.1:0"] : [],
    `--config=${root}/deno.json`,
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    `${root}/main.ts`,
    "serve",
    "--server.host=127.0.0.1",
    "--server.tcpPort=0",
    "--server.httpPort=0",
    `--server.dataDir=${dataDir}`,
    "--log.level=warn",
    ...flags,
  ];
  const spawnedAt = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: workDir,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const warnings = new Map<string, number>();
  const early: string[] = [];
  let tcpPort: number | undefined;
  let httpPort: number | undefined;
  let announce: (() => void) | undefined;
  let startMs: number | undefined;
  let inspectorUrl: string | undefined;
  const onLine = (line: string) => {
    inspectorUrl ??= line.match(/^Debugger listening on (ws:\/\/\S+)/)?.[1];
    if (tcpPort === undefined || httpPort === undefined) early.push(line);
    // JSON log lines (`listen`, `ready`) appear at info level only; the banner on stderr always does.
    let record: Record<string, unknown> | undefined;
    if (line.startsWith("{")) {
      try {
        record = JSON.parse(line);
      } catch {
        // Not a log line after all (a partial write or a stray print): only the banner patterns below apply.
      }
    }
    if (record?.event === "listen" && typeof record.address === "string") {
      const port = Number(record.address.slice(record.address.lastIndexOf(":") + 1));
      if (record.transport === "tcp") tcpPort = port;
      if (record.transport === "http") httpPort = port;
    } else if (record?.event === "ready") {
      tcpPort = Number(String(record.tcp).split(":").at(-1));
      httpPort = Number(new URL(String(record.web)).port);
    } else if (record && (record.level === "warn" || record.level === "error") && record.event !== "bundle_missing") {
      // (bundle_missing only says the web client was not built, which no measurement here needs.)
      const name = String(record.event);
      warnings.set(name, (warnings.get(name) ?? 0) + 1);
    }
    const tcp = line.match(/TCP clients:\s+\S*:(\d+)\s*$/);
    if (tcp) tcpPort = Number(tcp[1]);
    const web = line.match(/Web client:\s+(\S+)/);
    if (web) httpPort = Number(new URL(web[1]).port);
    if (tcpPort !== undefined && httpPort !== undefined) announce?.();
  };
  const outputDone = Promise.all([eachLine(child.stdout, onLine), eachLine(child.stderr, onLine)]);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch (error) {
        // Exited already: nothing to signal.
        if (!(error instanceof TypeError)) throw error;
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch (error) {
          // It exited during the grace period.
          if (!(error instanceof TypeError)) throw error;
        }
      }, profileDir ? PROFILED_STOP_GRACE_MS : STOP_GRACE_MS);
      await child.status;
      clearTimeout(timer);
      await outputDone;
      await Deno.remove(workDir, { recursive: true });
    })();

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error("The server printed no ports in time")), START_TIMEOUT_MS);
      const settle = (error?: Error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      announce = () => {
        startMs ??= performance.now() - spawnedAt;
        settle();
      };
      child.status.then((status) => settle(new Error(`The server exited with code ${status.code}`)));
      if (tcpPort !== undefined && httpPort !== undefined) announce();
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; its output:\n${early.join("\n")}`, { cause: error });
  }
  return {
    pid: child.pid,
    tcpPort: tcpPort!,
    httpPort: httpPort!,
    wsUrl: `ws://127.0.0.1:${httpPort}/ws`,
    warnings,
    startMs: startMs!,
    inspectorUrl,
    stop,
  };
}
