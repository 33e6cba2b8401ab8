// Logins and resumes: whole connections that log in with a password (OPAQUE, PROTOCOL.md §10.3) or resume as a
// remembered device (§10.9), per second and server CPU each; and the chat's p99 while 100 logins arrive at once.

import {
  askAll,
  cpuDuring,
  type Figure,
  figure,
  type RunContext,
  type Scenario,
  startGenerators,
  stopAll,
} from "./_harness.ts";
import { chatBurst, openChat } from "./chat.ts";

export const logins: Scenario = {
  name: "logins",
  describe: "password logins and resumes per second with server CPU each; chat p99 during 100 simultaneous logins",
  async run(ctx: RunContext): Promise<Figure[]> {
    const count = ctx.quick ? 20 : 300;
    const pairs = ctx.quick ? 5 : 20;
    const rate = ctx.quick ? 200 : 1000;
    const ms = ctx.quick ? 1500 : 4000;
    // Each of the simultaneous logins comes from its own loopback address (127.0.0.2 and up): the login throttle
    // (PROTOCOL.md §10.7) counts a login as a failure until it succeeds, so more than 20 at once from one address are
    // refused, as they should be. 100 users logging in at once are 100 addresses (or behind a NAT, a few at a time).
    const simultaneous = ctx.quick ? 20 : 100;
    const out: Figure[] = [];
    // Users of their own for the connections that come and go: one login per account (PROTOCOL.md §10.4), so a
    // chat user logging in again would end its chat session. Each cycling process has its own users and accounts,
    // more than it logs in at once, so that no two of its connections log in as the same account together.
    const { mimi, generators } = await openChat(ctx, pairs, 16);
    const cyclers = await startGenerators(mimi.target("tcp"), 2, { users: mimi.seeded.users.slice(pairs * 2) });
    try {
      const accounts = Array.from({ length: Math.max(simultaneous, 16) }, (_, i) => `login${i}`);
      await askAll([cyclers[0]], { cmd: "register", names: accounts, password: "bench password" });
      const namesOf = (p: number) => accounts.filter((_, i) => i % cyclers.length === p);
      const per = Math.ceil(count / cyclers.length);
      const perConnection: Record<string, number> = {};
      for (const what of ["handshake", "resume", "login"] as const) {
        const { cpuMs, wallMs } = await cpuDuring(
          ctx,
          [mimi.pid],
          () =>
            Promise.all(
              cyclers.map((cycler, p) =>
                cycler.ask({ cmd: "cycle", what, count: per, concurrency: 4, names: namesOf(p) })
              ),
            ),
        );
        perConnection[what] = cpuMs[0] / (per * cyclers.length);
        ctx.log(`logins: ${what}: ${perConnection[what].toFixed(2)} ms server CPU per connection`);
        if (what !== "handshake") {
          const net = perConnection[what] - perConnection.handshake;
          out.push(figure("logins", `${what}: server CPU per connection`, perConnection[what], "ms"));
          out.push(figure("logins", `${what}: server CPU net of the handshake`, net, "ms"));
          out.push(figure("logins", `${what}s/s measured (wall)`, per * cyclers.length / wallMs * 1000, "1/s"));
        }
      }
      ctx.log(`logins: chat at ${rate} msg/s, then again with ${simultaneous} logins at once`);
      const quiet = await chatBurst(ctx, mimi, generators, { rate: rate / pairs, window: 64, ms });
      const [busy] = await Promise.all([
        chatBurst(ctx, mimi, generators, { rate: rate / pairs, window: 64, ms }),
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, ms / 4));
          await askAll([cyclers[1]], {
            cmd: "cycle",
            what: "login",
            count: simultaneous,
            concurrency: simultaneous,
            names: accounts.slice(0, simultaneous),
            ownAddresses: true,
          });
        })(),
      ]);
      out.push(figure("logins", `chat p99 at ${rate} msg/s`, quiet.deliveryP99, "ms"));
      out.push(
        figure("logins", `chat p99 at ${rate} msg/s with ${simultaneous} logins at once`, busy.deliveryP99, "ms"),
      );
      out.push(
        figure("logins", "chat p99 raised by simultaneous logins", busy.deliveryP99 / quiet.deliveryP99, "×", {
          op: "<=",
          value: 2,
        }),
      );
    } finally {
      await stopAll(...cyclers, ...generators, mimi);
    }
    return out;
  },
};
