// How many connections the process's open-file limit leaves room for.

/** Descriptors kept for everything that is not a connection: the runtime, stdio, listeners, SQLite, files. */
export const RESERVED_DESCRIPTORS = 64;

/**
 * Reads the soft limit on open files from `/proc/self/limits` (Linux). Deno
 * has no getrlimit; elsewhere the limit is unknown and nothing is capped.
 *
 * @param text The file's content, for tests; read from /proc when omitted.
 * @returns The soft limit, or `undefined` when unknown or unlimited.
 */
export function openFileLimit(text?: string): number | undefined {
  if (text === undefined) {
    if (Deno.build.os !== "linux") return undefined;
    try {
      text = Deno.readTextFileSync("/proc/self/limits");
    } catch (error) {
      // No /proc (a container without it, or no read permission): the limit is simply unknown.
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) return undefined;
      if (error instanceof Deno.errors.NotCapable) return undefined;
      throw error;
    }
  }
  const line = text.split("\n").find((l) => l.startsWith("Max open files"));
  const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
  return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
}

/**
 * The connection cap the server can keep: `configured`, or less when the
 * open-file limit would run out first. Each connection holds one descriptor;
 * running out of them (EMFILE) makes accepting fail for everyone, while a cap
 * lets the server refuse or make room politely.
 *
 * @param configured `server.limits.maxConnections`.
 * @param limit The soft open-file limit, if known.
 * @returns The cap to use (at least 1).
 *
 * @example
 * ```ts
 * import { connectionCap } from "./fd_limit.ts";
 * connectionCap(1024, 1024); // 960
 * connectionCap(1024, 65536); // 1024
 * ```
 */
export function connectionCap(configured: number, limit: number | undefined): number {
  if (limit === undefined) return configured;
  return Math.max(1, Math.min(configured, limit - RESERVED_DESCRIPTORS));
}
