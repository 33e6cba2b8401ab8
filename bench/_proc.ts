// Reads a process's memory, CPU time and open sockets from /proc (Linux only), for hold.ts.

/** Memory figures of one process, in KiB (the unit /proc reports as "kB"). */
export interface MemoryReading {
  /** Resident set size: what the figures in hold.ts are computed from. */
  rssKiB: number;
  /** Resident anonymous memory (heap, buffers): where per-connection memory lands. */
  anonKiB: number;
  /** Resident file-backed memory (the binary, mapped libraries). */
  fileKiB: number;
  /** Peak resident set size so far. */
  hwmKiB: number;
}

/**
 * Reads VmRSS, RssAnon, RssFile and VmHWM from `/proc/<pid>/status`.
 *
 * @param pid The process.
 * @returns The figures in KiB; throws if the process is gone.
 */
export function readMemory(pid: number): MemoryReading {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const field = (name: string): number => {
    const match = status.match(new RegExp(`^${name}:\\s+(\\d+) kB$`, "m"));
    if (!match) throw new Error(`Cannot read ${name} of process ${pid}`);
    return Number(match[1]);
  };
  return { rssKiB: field("VmRSS"), anonKiB: field("RssAnon"), fileKiB: field("RssFile"), hwmKiB: field("VmHWM") };
}

/**
 * Reads utime + stime from `/proc/<pid>/stat`: CPU time of every thread of the process, in clock ticks.
 *
 * @param pid The process.
 * @returns Clock ticks (see {@link clockTicksPerSecond}).
 */
export function readCpuTicks(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // proc(5): utime is field 14 and stime field 15; fields[0] here is field 3.
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Reads `/proc/<pid>/schedstat`: how long the process's main thread (the JavaScript thread) has run on a CPU and how
 * long it has waited on a run queue for one, in milliseconds. A wait as long as the run time means the thread's
 * latency is the machine's contention for cores, not its own work.
 *
 * @param pid The process.
 * @returns `runMs` and `waitMs` since the thread started.
 */
export function readSchedStat(pid: number): { runMs: number; waitMs: number } {
  const [run, wait] = Deno.readTextFileSync(`/proc/${pid}/schedstat`).split(" ").map(Number);
  return { runMs: run / 1e6, waitMs: wait / 1e6 };
}

/**
 * Counts a process's open file descriptors. Cheap enough to poll with thousands open: since Linux 6.2 the size of
 * `/proc/<pid>/fd` is the count; on older kernels (size 0) the directory is listed.
 *
 * @param pid The process.
 * @returns The number of open descriptors (sockets, listeners, files).
 */
export function countDescriptors(pid: number): number {
  const size = Deno.statSync(`/proc/${pid}/fd`).size;
  if (size > 0) return size;
  let n = 0;
  for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) n++;
  return n;
}

/**
 * Counts the sockets a process holds open (entries of `/proc/<pid>/fd` that link to `socket:[…]`), listeners
 * included. Exact where {@link countDescriptors} is not (a server opens files and event fds lazily), but it reads
 * one link per descriptor.
 *
 * @param pid The process.
 * @returns The number of open sockets.
 */
export function countSockets(pid: number): number {
  let sockets = 0;
  for (const entry of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      if (Deno.readLinkSync(`/proc/${pid}/fd/${entry.name}`).startsWith("socket:")) sockets++;
    } catch (error) {
      // The descriptor was closed between listing and reading it: it no longer counts.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return sockets;
}

/**
 * Asks `getconf CLK_TCK` how many clock ticks make a second.
 *
 * @returns Ticks per second (100 on most Linux systems).
 */
export async function clockTicksPerSecond(): Promise<number> {
  const output = await new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped", stderr: "inherit" })
    .output();
  const ticks = Number(new TextDecoder().decode(output.stdout).trim());
  if (!output.success || !Number.isInteger(ticks) || ticks <= 0) throw new Error("Cannot read CLK_TCK from getconf");
  return ticks;
}
