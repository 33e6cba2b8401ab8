// Start-up: how long this checkout's server takes, from spawning `deno run main.ts serve` to printing its ports, on a
// data directory that already holds users (not a first start, which also makes the server's identity).

import { type Figure, figure, type RunContext, type Scenario, startMimi } from "./_harness.ts";
import { startServerProcess } from "./_hold_server.ts";
import { ROOT } from "./_harness.ts";

export const startup: Scenario = {
  name: "startup",
  describe: "start-up time with an existing data directory (median of several starts)",
  async run(ctx: RunContext): Promise<Figure[]> {
    const first = await startMimi({ users: 100, roomMembers: 50, pairs: 25 }, { keepData: true });
    await first.stop();
    const times: number[] = [];
    try {
      for (let i = 0; i < (ctx.quick ? 2 : 5); i++) {
        const server = await startServerProcess(ROOT, [], { dataDir: first.dataDir });
        times.push(server.startMs);
        await server.stop();
      }
    } finally {
      await Deno.remove(first.dataDir, { recursive: true });
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    ctx.log(`startup: ${times.map((t) => t.toFixed(0)).join(", ")} ms`);
    return [figure("startup", "start-up with an existing data directory", median, "ms", { op: "<=", value: 500 })];
  },
};
