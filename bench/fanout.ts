// Room fan-out: one member of a room sends 64-byte messages; every other member's session receives each one, sealed
// for it. Against the bare ceiling: the same sessions on a bare Deno WebSocket server that writes each copy itself.

import {
  cpuDuring,
  deliveries,
  type Figure,
  figure,
  type Generator,
  type RunContext,
  type Scenario,
  startBare,
  startMimi,
  stopAll,
  timelineLines,
  withGenerators,
} from "./_harness.ts";

import { Histogram } from "./_histogram.ts";
import { readSchedStat } from "./_proc.ts";

const SIZE = 64;

/**
 * Sends from process 0's session 0 at `rate` messages/s for `ms`. With `drain`, waits until every delivery has
 * arrived; without, counts what arrived while sending: a flood beyond what the server delivers would otherwise leave
 * a backlog that takes minutes to drain, and the rate while flooded is the figure.
 */
async function burst(
  ctx: RunContext,
  serverPid: number,
  generators: Generator[],
  options: { rate: number; ms: number; drain: boolean; expectPerMessage?: number },
) {
  const { rate, ms, drain, expectPerMessage } = options;
  await deliveries(generators); // reset
  const sender = generators[0];
  // Run and run-queue time of each main thread over the burst: whether a latency is the wait for a core.
  const pids = [serverPid, ...generators.map((g) => g.pid)];
  const schedBefore = pids.map(readSchedStat);
  const { cpuMs, result } = await cpuDuring(ctx, [serverPid, ...generators.map((g) => g.pid)], async () => {
    const sent = await sender.ask({
      cmd: "send",
      senders: [{ session: 0, conversationId: conversationId }],
      rate,
      window: 0,
      durationMs: ms,
      size: SIZE,
    });
    if (drain) await untilDelivered(generators, (sent.sent as number) * (expectPerMessage ?? 0));
    return sent;
  });
  const sched = pids.map((pid, i) => {
    const now = readSchedStat(pid);
    return { runMs: now.runMs - schedBefore[i].runMs, waitMs: now.waitMs - schedBefore[i].waitMs };
  });
  const counted = await deliveries(generators);
  for (const line of timelineLines(counted.timeline)) ctx.log(`fanout:   ${line}`);
  const ack = new Histogram();
  ack.merge(result.ack as [number, number][]);
  return {
    sent: result.sent as number,
    delivered: counted.delivered,
    perSecond: counted.delivered / (counted.spanMs / 1000),
    p99: counted.histogram.quantile(0.99),
    p50: counted.histogram.quantile(0.5),
    ackP99: ack.quantile(0.99),
    serverCpuMs: cpuMs[0],
    /** The server's main thread: ms waiting for a core per ms run. */
    serverWait: sched[0].waitMs / sched[0].runMs,
    /** The receivers' main threads, together (the sender's left out). */
    receiverWait: sched.slice(2).reduce((a, b) => a + b.waitMs, 0) / sched.slice(2).reduce((a, b) => a + b.runMs, 0),
    generatorCpuMs: cpuMs.slice(1).reduce((a, b) => a + b, 0),
  };
}

let conversationId = 0;

/**
 * Waits until the receivers have counted `expected` deliveries, or counted none more for 10 s. (Watching their CPU
 * for a quiet spell, as untilQuiet does, ended early on a loaded machine, where receivers with a backlog get little.)
 */
async function untilDelivered(generators: Generator[], expected: number): Promise<void> {
  let last = -1;
  let lastChange = performance.now();
  while (performance.now() - lastChange < 10_000) {
    const answers = await Promise.all(generators.map((g) => g.ask({ cmd: "count" })));
    const total = answers.reduce((sum, a) => sum + (a.delivered as number), 0);
    if (total >= expected) return;
    if (total !== last) [last, lastChange] = [total, performance.now()];
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Receivers in `processes` generator processes, and the sender alone in one more, first in the list given to `fn`.
 * A sender among 500 receivers stamped and sealed its messages behind the 25,000 deliveries a second its process was
 * opening, so its clock readings and writes lagged by what that process had queued: send → receipt then measured the
 * generators' queue as much as the server (see bench/README.md, round 3).
 */
async function withSender<T>(
  target: Parameters<typeof withGenerators>[0],
  processes: number,
  receivers: Parameters<typeof withGenerators>[2],
  sender: Parameters<typeof withGenerators>[2],
  fn: (generators: Generator[]) => Promise<T>,
): Promise<T> {
  return await withGenerators(
    target,
    1,
    sender,
    (senders) => withGenerators(target, processes, receivers, (others) => fn([...senders, ...others])),
  );
}

export const fanout: Scenario = {
  name: "fanout",
  describe:
    "room fan-out: deliveries/s, server CPU per delivery, p99 at 50,000 deliveries/s offered, vs bare WebSocket",
  async run(ctx: RunContext): Promise<Figure[]> {
    const members = ctx.quick ? 50 : 1000;
    const ms = ctx.quick ? 1000 : 3000;
    const processes = 2;
    // Offered to find the most it delivers: more than either server can deliver on this machine.
    const flood = ctx.quick ? 200 : 400;
    const offered = 50_000 / members;
    const out: Figure[] = [];

    const bare = await startBare();
    let bareRate = NaN;
    let bareCpu = NaN;
    try {
      const target = { kind: "bare-ws", url: `ws://127.0.0.1:${bare.httpPort}/` } as const;
      await withSender(target, processes, { bareSessions: members - 1 }, { bareSessions: 1 }, async (generators) => {
        ctx.log(`fanout: bare, ${members} sockets, ${flood} msg/s for ${ms} ms`);
        const max = await burst(ctx, bare.pid, generators, { rate: flood, ms, drain: false });
        bareRate = max.perSecond;
        bareCpu = max.serverCpuMs * 1000 / max.delivered;
        out.push(figure("fanout", "bare WebSocket broadcast deliveries/s", bareRate, "1/s"));
        out.push(figure("fanout", "bare WebSocket server CPU per delivery", bareCpu, "µs"));
      });
    } finally {
      await stopAll(bare);
    }

    const mimi = await startMimi({ users: members, roomMembers: members, pairs: 0 });
    conversationId = mimi.seeded.room!.conversationId;
    try {
      ctx.log(`fanout: Mimi, ${members} members resuming over WebSocket`);
      const users = mimi.seeded.users;
      await withSender(
        mimi.target("ws"),
        processes,
        { users: users.slice(1) },
        { users: users.slice(0, 1) },
        async (generators) => {
          // Paced first, while the server has no backlog; the flood last, since it leaves one.
          ctx.log(`fanout: Mimi, ${offered} msg/s (${offered * members} deliveries/s offered) for ${ms} ms`);
          const paced = await burst(ctx, mimi.pid, generators, {
            rate: offered,
            ms,
            drain: true,
            expectPerMessage: members - 1,
          });
          if (paced.delivered < paced.sent * (members - 1)) {
            throw new Error(`fanout: ${paced.delivered} of ${paced.sent * (members - 1)} deliveries arrived`);
          }
          ctx.log(`fanout: Mimi, ${flood} msg/s for ${ms} ms`);
          const max = await burst(ctx, mimi.pid, generators, { rate: flood, ms, drain: false });
          const cpu = max.serverCpuMs * 1000 / max.delivered;
          out.push(figure("fanout", "deliveries/s", max.perSecond, "1/s", { op: ">=", value: 150_000 }));
          out.push(
            figure("fanout", "deliveries/s vs bare WebSocket", max.perSecond / bareRate, "×", { op: ">=", value: 1 }),
          );
          out.push(figure("fanout", "server CPU per delivery", cpu, "µs"));
          out.push(
            figure(
              "fanout",
              "deliveries per server-CPU-second",
              1e6 / cpu,
              "1/s",
              { op: ">=", value: 150_000 / 2 },
              "the target's 150,000/s on two cores, per core",
            ),
          );
          out.push(figure("fanout", "server CPU per delivery vs bare", cpu / bareCpu, "×"));
          out.push(
            figure(
              "fanout",
              "generator CPU / server CPU",
              max.generatorCpuMs / max.serverCpuMs,
              "×",
              undefined,
              "flood",
            ),
          );
          out.push(
            figure("fanout", "p99 latency at 50,000 deliveries/s offered", paced.p99, "ms", { op: "<=", value: 50 }),
          );
          out.push(figure("fanout", "p50 latency at 50,000 deliveries/s offered", paced.p50, "ms"));
          out.push(figure("fanout", "p99 send → acknowledged at 50,000 deliveries/s offered", paced.ackP99, "ms"));
          out.push(
            figure(
              "fanout",
              "server CPU per delivery at 50,000/s offered",
              paced.serverCpuMs * 1000 / paced.delivered,
              "µs",
            ),
          );
          out.push(
            figure(
              "fanout",
              "generator CPU per delivery at 50,000/s offered",
              paced.generatorCpuMs * 1000 / paced.delivered,
              "µs",
              undefined,
              "receivers and sender together",
            ),
          );
          out.push(
            figure(
              "fanout",
              "server run-queue wait per ms run at 50,000/s offered",
              paced.serverWait,
              "ms",
              undefined,
              "its JavaScript thread's wait for a core (/proc/<pid>/schedstat): near 0 on an idle machine",
            ),
          );
          out.push(
            figure("fanout", "receivers' run-queue wait per ms run at 50,000/s offered", paced.receiverWait, "ms"),
          );
        },
      );
    } finally {
      await stopAll(mimi);
    }
    return out;
  },
};
