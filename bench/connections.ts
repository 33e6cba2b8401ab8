// Connections: server memory per idle logged-in connection (handshake done, resumed as a seeded user), over TCP and
// over WebSocket, and the server's CPU while all of them sit idle.

import {
  askAll,
  type Figure,
  figure,
  type RunContext,
  type Scenario,
  settledRss,
  startGenerators,
  startMimi,
  stopAll,
} from "./_harness.ts";
import { readCpuTicks } from "./_proc.ts";
import { profileWindow } from "./_window_profile.ts";

/** Connections per generator process: well under `ulimit -n` (20,000 here), and a core's worth of handshakes. */
const PER_PROCESS = 5000;
const WARM_UP = 100;

/**
 * The idle window starts once the server has spent at most {@link QUIET_TICKS} clock ticks (1 % of a core) in each of
 * this many seconds in a row. After a burst of allocation (the opening), V8's memory reducer runs up to three full
 * collections of the whole heap, 8-11 s apart (0.3-0.5 s of CPU each at 10,000 connections, traced with `--trace-gc` as
 * "Mark-Compact (reduce)"), then stops until the heap grows again: that is the opening's garbage, not what idle
 * connections cost, and a window that caught one or two of them measured 3-6 % of a core where the seconds after them
 * show 0-1 tick. The first of them came after up to 13 quiet seconds (four runs seen), so 20 quiet seconds mean the
 * reducer is done; a cost that recurs more often keeps the server from looking quiet and is measured (the wait gives up
 * after {@link SETTLE_MAX_S}), and a steady cost under the threshold is measured in the window all the same.
 */
const QUIET_SECONDS = 20;
const QUIET_TICKS = 1;
const SETTLE_MAX_S = 120;

export const connections: Scenario = {
  name: "connections",
  describe: "memory per idle logged-in connection at N connections (TCP and WebSocket), idle CPU with all connected",
  async run(ctx: RunContext): Promise<Figure[]> {
    const n = ctx.quick ? 200 : 10_000;
    const idleMs = ctx.quick ? 2000 : 10_000;
    const out: Figure[] = [];
    for (const transport of ["tcp", "ws"] as const) {
      const mimi = await startMimi({ users: n + WARM_UP, roomMembers: 0, pairs: 0 }, {
        connections: n + WARM_UP,
        inspect: Deno.env.get("MIMI_BENCH_PROFILE") !== undefined,
        // MIMI_BENCH_KEEPALIVE_MS=30000: the default keep-alive instead of one lifted past the run (pings included).
        flags: Deno.env.get("MIMI_BENCH_KEEPALIVE_MS")
          ? [`--server.limits.keepAliveMs=${Deno.env.get("MIMI_BENCH_KEEPALIVE_MS")}`]
          : [],
      });
      try {
        // Code compiled and pools grown on the first connections are not per connection: open and close some first.
        const warm = await startGenerators(mimi.target(transport), 1, { users: mimi.seeded.users.slice(n) });
        await askAll(warm, { cmd: "open" });
        await askAll(warm, { cmd: "close" });
        await stopAll(...warm);
        const before = await settledRss(mimi.pid);
        const processes = Math.max(2, Math.ceil(n / PER_PROCESS));
        ctx.log(`connections: ${transport}: opening ${n} logged-in connections from ${processes} processes`);
        const generators = await startGenerators(mimi.target(transport), processes, {
          users: mimi.seeded.users.slice(0, n),
          concurrency: 16,
        });
        try {
          const startedAt = performance.now();
          await askAll(generators, { cmd: "open" });
          ctx.log(`connections: ${transport}: opened in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
          const after = await settledRss(mimi.pid);
          const perKiB = (after - before) / n;
          ctx.log(`connections: ${transport}: RSS ${before} → ${after} KiB`);
          const settle = await quietCpu(mimi.pid, ctx.quick ? 2 : QUIET_SECONDS, ctx.ticksPerSecond);
          ctx.log(
            `connections: ${transport}: settled in ${settle.length} s (ticks per second: ${settle.join(" ")})`,
          );
          const ticks = readCpuTicks(mimi.pid);
          const series: number[] = [];
          const diagMs = Number(Deno.env.get("MIMI_BENCH_IDLE_MS") ?? idleMs);
          let last = ticks;
          for (let t = 0; t < diagMs; t += 1000) {
            await new Promise((resolve) => setTimeout(resolve, 1000));
            const now = readCpuTicks(mimi.pid);
            series.push(now - last);
            last = now;
          }
          ctx.log(`connections: ${transport}: ticks per second: ${series.join(" ")}`);
          const idleCpu = (readCpuTicks(mimi.pid) - ticks) / ctx.ticksPerSecond / (diagMs / 1000) * 100;
          const profileDir = Deno.env.get("MIMI_BENCH_PROFILE");
          if (profileDir && mimi.inspectorUrl) {
            const file = `${profileDir}/connections-${transport}-idle.cpuprofile`;
            await profileWindow(mimi.inspectorUrl, idleMs, file);
            ctx.log(`connections: ${transport}: idle profile in ${file}`);
          }
          out.push(
            figure("connections", `${transport}: memory per idle logged-in connection at ${n}`, perKiB * 1.024, "KB", {
              op: "<=",
              value: 40,
            }),
          );
          out.push(
            figure("connections", `${transport}: idle CPU with ${n} connected`, idleCpu, "% of a core", {
              op: "<=",
              value: 1,
            }),
          );
        } finally {
          await stopAll(...generators);
        }
      } finally {
        await stopAll(mimi);
      }
    }
    return out;
  },
};

/**
 * Waits until the process has used at most {@link QUIET_TICKS} per second for `seconds` seconds in a row, or
 * {@link SETTLE_MAX_S} seconds in all.
 *
 * @returns The ticks of each second waited.
 */
async function quietCpu(pid: number, seconds: number, ticksPerSecond: number): Promise<number[]> {
  const threshold = QUIET_TICKS * ticksPerSecond / 100;
  const series: number[] = [];
  let quiet = 0;
  let last = readCpuTicks(pid);
  while (quiet < seconds && series.length < SETTLE_MAX_S) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = readCpuTicks(pid);
    series.push(now - last);
    quiet = now - last <= threshold ? quiet + 1 : 0;
    last = now;
  }
  return series;
}
