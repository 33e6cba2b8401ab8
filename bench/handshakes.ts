// Handshakes: whole connections (connect, handshake, one ping, close) per key exchange, from two generator processes.
// The figure is the server's CPU per connection, and the handshakes per second one core of it could do.

import type { KexId } from "../core/crypto/primitives/types.ts";
import {
  askAll,
  cpuDuring,
  type Figure,
  figure,
  type RunContext,
  type Scenario,
  startGenerators,
  startMimi,
  stopAll,
} from "./_harness.ts";

/** Every key exchange the server offers (ffdhe only when configured), the default first. */
const KEXES: KexId[] = ["x25519-mlkem768", "x25519", "p256", "ffdhe"];

/** ffdhe3072 costs about ten x25519 handshakes (PROTOCOL.md §11.2): fewer of them give as many clock ticks. */
const SHARE: Partial<Record<KexId, number>> = { ffdhe: 1 / 8 };

export const handshakes: Scenario = {
  name: "handshakes",
  describe: "handshakes per key exchange: server CPU per connection and handshakes/s per server core",
  async run(ctx: RunContext): Promise<Figure[]> {
    const count = ctx.quick ? 40 : 600;
    const processes = 2;
    const mimi = await startMimi({ users: 0, roomMembers: 0, pairs: 0 }, {
      flags: [`--crypto.kex=${KEXES.join(",")}`],
    });
    const out: Figure[] = [];
    try {
      const generators = await startGenerators(mimi.target("tcp"), processes, {});
      try {
        // Not counted: the server compiles its handshake code on the first connections.
        await askAll(generators, { cmd: "cycle", what: "handshake", count: Math.ceil(count / 4), concurrency: 8 });
        for (const kex of KEXES) {
          const per = Math.ceil(count * (SHARE[kex] ?? 1) / processes);
          const { cpuMs, wallMs } = await cpuDuring(
            ctx,
            [mimi.pid],
            () => askAll(generators, { cmd: "cycle", what: "handshake", count: per, concurrency: 8, kex }),
          );
          const total = per * processes;
          const cpu = cpuMs[0] / total;
          ctx.log(`handshakes: ${kex}: ${cpu.toFixed(2)} ms server CPU, ${(total / wallMs * 1000).toFixed(0)}/s wall`);
          const isDefault = kex === KEXES[0];
          out.push(figure("handshakes", `${kex}: server CPU per connection`, cpu, "ms"));
          out.push(
            figure(
              "handshakes",
              `${kex}: handshakes/s per server core`,
              1000 / cpu,
              "1/s",
              isDefault ? { op: ">=", value: 1500 } : undefined,
              isDefault ? "the target's 3,000/s on two cores, per core" : undefined,
            ),
          );
          out.push(figure("handshakes", `${kex}: handshakes/s measured (wall)`, total / wallMs * 1000, "1/s"));
        }
      } finally {
        await stopAll(...generators);
      }
    } finally {
      await stopAll(mimi);
    }
    return out;
  },
};
