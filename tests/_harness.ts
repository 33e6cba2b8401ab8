// Test harness: a real Mimi server on 127.0.0.1 with free ports, a temp data dir and captured logs.

import { resolveConfig } from "../core/config/resolve.ts";
import type { MimiConfig } from "../core/config/schema.ts";
import { createPages, loadBundle } from "../routes/mod.tsx";
import { createLogger, type LogRecord } from "../server/log.ts";
import { type MimiServer, startServer } from "../server/server.ts";
import type { Clock } from "../core/time/clock.ts";
import type { AnyOp } from "../core/protocol/registry.ts";

/** A server started for one test. */
export interface TestServer {
  server: MimiServer;
  config: MimiConfig;
  /** Every log record the server wrote, at debug level and up. */
  logs: LogRecord[];
  tcpPort: number;
  httpPort: number;
  wsUrl: string;
  /** Resolves with the first log record matching `predicate`, or rejects after `ms`. */
  waitForLog(predicate: (record: LogRecord) => boolean, ms?: number): Promise<LogRecord>;
  close(): Promise<void>;
}

/**
 * Starts a server on free loopback ports.
 *
 * @param flags Extra config flags, e.g. `["--server.limits.maxConnections=2"]`.
 * @param options `clock`: a fake clock that drives the server's deadlines and timers (core/time/clock.ts);
 *   `beforeHandler`: awaited before each request is handled, so a test can hold one back; `dataDir`: a data
 *   directory to use and keep (default: a fresh one, removed by `close()`), for a restart with the same identity
 *   and accounts; pass `--server.tcpPort=…` and `--server.httpPort=…` in `flags` to restart on the same ports;
 *   `scheduleGroupCommit`: runs each group commit of messages (to hold one back).
 */
export async function startTestServer(
  flags: string[] = [],
  options: {
    clock?: Clock;
    beforeHandler?: (op: AnyOp) => void | Promise<void>;
    dataDir?: string;
    scheduleGroupCommit?: (run: () => void) => void;
  } = {},
): Promise<TestServer> {
  // A data directory given by the test outlives this server (a restart test starts another on it); the test removes it.
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "mimi_test_" });
  const { config } = resolveConfig({
    args: [
      "--server.host=127.0.0.1",
      "--server.tcpPort=0",
      "--server.httpPort=0",
      `--server.dataDir=${dataDir}`,
      ...flags,
    ],
  });
  const logs: LogRecord[] = [];
  const waiters = new Set<() => void>();
  const logger = createLogger("debug", (record) => {
    logs.push(record);
    for (const wake of waiters) wake();
  });
  const bundle = await loadBundle();
  const server = await startServer(config, {
    logger,
    http: (page) => createPages(bundle, page),
    clock: options.clock,
    // Every answer is checked against the registry: a handler that drifts from its schema fails the test loudly.
    checkResponses: true,
    beforeHandler: options.beforeHandler,
    scheduleGroupCommit: options.scheduleGroupCommit,
  });
  const waitForLog = (predicate: (record: LogRecord) => boolean, ms = 5000) =>
    new Promise<LogRecord>((resolve, reject) => {
      const check = () => {
        const found = logs.find(predicate);
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`No matching log line within ${ms} ms; saw: ${logs.map((l) => l.event).join(", ")}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    server,
    config,
    logs,
    tcpPort: server.tcpAddr.port,
    httpPort: server.httpAddr.port,
    wsUrl: `ws://127.0.0.1:${server.httpAddr.port}/ws`,
    waitForLog,
    async close() {
      await server.close();
      if (options.dataDir === undefined) await Deno.remove(dataDir, { recursive: true });
    },
  };
}

/** Rejects after `ms` unless `promise` settles first. */
export async function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => timer = setTimeout(() => reject(new Error(`Timed out: ${what}`)), ms)),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until `condition` holds, checking every few milliseconds (for what the server does on its own, such as
 * closing a socket, which no log line announces); rejects after `ms`.
 */
export async function until(condition: () => boolean, ms: number, what: string | (() => string)): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) {
      throw new Error(`Timed out waiting for ${typeof what === "function" ? what() : what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
