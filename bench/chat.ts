// 1:1 chat: pairs of friends; one of each pair sends to the other. Messages persisted and delivered per second (the
// server answers a send only once its row is committed: PROTOCOL.md §14.3), and p99 latencies at an offered rate.

import { Histogram } from "./_histogram.ts";
import { readSchedStat } from "./_proc.ts";
import {
  askAll,
  cpuDuring,
  deliveries,
  type Figure,
  figure,
  type Generator,
  type Mimi,
  type RunContext,
  type Scenario,
  startGenerators,
  startMimi,
  stopAll,
  untilQuiet,
} from "./_harness.ts";

const SIZE = 64;

/** Each process's senders: the first user of every pair, with the pair's conversation. */
function sendersOf(mimi: Mimi, processes: number, p: number) {
  const per = Math.ceil(mimi.seeded.pairs.length * 2 / processes);
  return mimi.seeded.pairs
    .filter((pair) => Math.floor(pair.a / per) === p)
    .map((pair) => ({ session: pair.a - p * per, conversationId: pair.conversationId }));
}

/** Sends from every pair for `ms` (`rate` per sender, 0 for as fast as answers allow) and counts what arrived. */
export async function chatBurst(
  ctx: RunContext,
  mimi: Mimi,
  generators: Generator[],
  options: { rate: number; window: number; ms: number },
) {
  await deliveries(generators); // reset
  // Run and run-queue time of the server's main thread over the burst: whether a latency is the wait for a core.
  const schedBefore = readSchedStat(mimi.pid);
  const { cpuMs, result } = await cpuDuring(ctx, [mimi.pid, ...generators.map((g) => g.pid)], async () => {
    const answers = await Promise.all(generators.map((g, p) =>
      g.ask({
        cmd: "send",
        senders: sendersOf(mimi, generators.length, p),
        rate: options.rate,
        window: options.window,
        durationMs: options.ms,
        size: SIZE,
      })
    ));
    await untilQuiet(generators);
    return answers;
  });
  const schedAfter = readSchedStat(mimi.pid);
  const ack = new Histogram();
  let acked = 0;
  let failed = 0;
  let skipped = 0;
  let ms = 0;
  for (const answer of result) {
    acked += answer.acked as number;
    failed += answer.failed as number;
    skipped += answer.skipped as number;
    ms = Math.max(ms, answer.ms as number);
    ack.merge(answer.ack as [number, number][]);
  }
  if (failed > 0) throw new Error(`chat: ${failed} sends failed`);
  const counted = await deliveries(generators);
  return {
    acked,
    skipped,
    ackedPerSecond: acked / (ms / 1000),
    delivered: counted.delivered,
    deliveredPerSecond: counted.delivered / (counted.spanMs / 1000),
    deliveryP99: counted.histogram.quantile(0.99),
    ackP99: ack.quantile(0.99),
    serverCpuMsPerMessage: cpuMs[0] / acked,
    // Senders and receivers together: on a shared machine, what the generators take the server cannot have.
    generatorCpuMsPerMessage: cpuMs.slice(1).reduce((sum, ms) => sum + ms, 0) / acked,
    /** The server's main thread: ms waiting for a core per ms run. */
    serverWait: (schedAfter.waitMs - schedBefore.waitMs) / (schedAfter.runMs - schedBefore.runMs),
  };
}

/**
 * Seeds `pairs` pairs (and `extra` users more, who stay offline) and opens every pair's sessions over TCP.
 */
export async function openChat(ctx: RunContext, pairs: number, extra = 0, processes = 2) {
  const mimi = await startMimi({ users: pairs * 2 + extra, roomMembers: 0, pairs });
  const users = mimi.seeded.users.slice(0, pairs * 2);
  const generators = await startGenerators(mimi.target("tcp"), processes, { users });
  ctx.log(`chat: ${pairs} pairs resuming over TCP`);
  await askAll(generators, { cmd: "open" });
  return { mimi, generators };
}

export const chat: Scenario = {
  name: "chat",
  describe: "1:1 chat: messages persisted and delivered per second; p99 at 10,000 msg/s offered",
  async run(ctx: RunContext): Promise<Figure[]> {
    const pairs = ctx.quick ? 10 : 100;
    const ms = ctx.quick ? 1000 : 4000;
    const offered = ctx.quick ? 500 : 10_000;
    const { mimi, generators } = await openChat(ctx, pairs);
    try {
      ctx.log(`chat: as fast as answers allow (8 in flight per sender) for ${ms} ms`);
      const max = await chatBurst(ctx, mimi, generators, { rate: 0, window: 8, ms });
      ctx.log(`chat: ${offered} msg/s offered for ${ms} ms`);
      // At most 64 unanswered per sender: past that the server is behind, and what is due is skipped and reported.
      const paced = await chatBurst(ctx, mimi, generators, { rate: offered / pairs, window: 64, ms });
      const behind = paced.skipped > 0
        ? `the server fell behind: ${paced.skipped} of ${paced.skipped + paced.acked} offered were not sent`
        : undefined;
      return [
        figure("chat", "messages persisted/s", max.ackedPerSecond, "1/s", { op: ">=", value: 20_000 }),
        figure("chat", "messages delivered/s", max.deliveredPerSecond, "1/s", { op: ">=", value: 20_000 }),
        figure("chat", "server CPU per message", max.serverCpuMsPerMessage * 1000, "µs"),
        figure("chat", "generator CPU per message", max.generatorCpuMsPerMessage * 1000, "µs"),
        figure("chat", `p99 delivery latency at ${offered} msg/s offered`, paced.deliveryP99, "ms", {
          op: "<=",
          value: 20,
        }, behind),
        figure("chat", `p99 acknowledgement latency at ${offered} msg/s offered`, paced.ackP99, "ms"),
        figure("chat", `messages persisted/s at ${offered} msg/s offered`, paced.ackedPerSecond, "1/s"),
        figure(
          "chat",
          `server run-queue wait per ms run at ${offered} msg/s offered`,
          paced.serverWait,
          "ms",
          undefined,
          "its JavaScript thread's wait for a core (/proc/<pid>/schedstat): near 0 on an idle machine",
        ),
      ];
    } finally {
      await stopAll(...generators, mimi);
    }
  },
};
