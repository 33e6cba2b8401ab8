// The record path: echo round trips of a small value through the secure channel (one sealed record each way, the
// envelope decoded and dispatched) against a bare Deno echo of the same bytes over TCP and over WebSocket. The figure
// is server CPU per round trip and its ratio to the bare echo's.

import {
  askAll,
  cpuDuring,
  type Figure,
  figure,
  type Generator,
  type RunContext,
  type Scenario,
  startBare,
  startGenerators,
  startMimi,
  stopAll,
  withGenerators,
} from "./_harness.ts";
import type { Target } from "./_load_client.ts";

const SIZE = 64;

async function echoCpu(ctx: RunContext, pid: number, generators: Generator[], ms: number) {
  // A short unmeasured round first: code compiled on first use is not per round trip.
  await askAll(generators, { cmd: "echo", durationMs: Math.min(500, ms / 4), window: 1, size: SIZE });
  const { cpuMs, result } = await cpuDuring(
    ctx,
    [pid],
    () => askAll(generators, { cmd: "echo", durationMs: ms, window: 1, size: SIZE }),
  );
  const echoes = result.reduce((sum, answer) => sum + (answer.echoes as number), 0);
  return { cpuUs: cpuMs[0] * 1000 / echoes, perSecond: echoes / (ms / 1000) };
}

function measure(ctx: RunContext, pid: number, target: Target, spread: Parameters<typeof startGenerators>[2]) {
  return withGenerators(target, 2, spread, (generators) => echoCpu(ctx, pid, generators, ctx.quick ? 1000 : 4000));
}

export const recordPath: Scenario = {
  name: "record",
  describe: "record path: server CPU per 64-byte echo round trip vs a bare Deno echo, TCP and WebSocket",
  async run(ctx: RunContext): Promise<Figure[]> {
    const sessions = ctx.quick ? 4 : 16;
    const out: Figure[] = [];
    const bare = await startBare();
    let bareTcp;
    let bareWs;
    try {
      bareTcp = await measure(ctx, bare.pid, { kind: "bare-tcp", host: "127.0.0.1", port: bare.tcpPort }, {
        bareSessions: sessions,
      });
      bareWs = await measure(ctx, bare.pid, { kind: "bare-ws", url: `ws://127.0.0.1:${bare.httpPort}/` }, {
        bareSessions: sessions,
      });
    } finally {
      await stopAll(bare);
    }
    const mimi = await startMimi({ users: sessions, roomMembers: 0, pairs: 0 });
    try {
      for (const [transport, baseline] of [["tcp", bareTcp], ["ws", bareWs]] as const) {
        const mine = await measure(ctx, mimi.pid, mimi.target(transport), { users: mimi.seeded.users });
        ctx.log(`record: ${transport}: ${mine.cpuUs.toFixed(1)} µs vs bare ${baseline.cpuUs.toFixed(1)} µs`);
        out.push(figure("record", `${transport}: server CPU per echo round trip`, mine.cpuUs, "µs"));
        out.push(figure("record", `${transport}: bare echo server CPU per round trip`, baseline.cpuUs, "µs"));
        out.push(
          figure("record", `${transport}: CPU vs bare echo`, mine.cpuUs / baseline.cpuUs, "×", { op: "<=", value: 2 }),
        );
        out.push(figure("record", `${transport}: echo round trips/s (wall)`, mine.perSecond, "1/s"));
      }
    } finally {
      await stopAll(mimi);
    }
    return out;
  },
};
