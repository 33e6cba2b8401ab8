// The dispatcher against a scripted connection and services whose handlers the test holds and releases: the in-flight
// cap, ordering, auth, response checks, error logging and the close hooks. Real sockets: tests/rpc_test.ts.
//
// The connection here is a fake implementing server/transport/connection.ts: the dispatcher only reads frames(),
// calls send() and close() and awaits `closed`, so a fake that records those and counts reads is exact.

import assert from "node:assert/strict";
import { decodeEnvelope, encodeEnvelope, type Envelope } from "../../core/codec/envelope.ts";
import type { Value } from "../../core/codec/value.ts";
import { Op } from "../../core/protocol/opcodes.ts";
import { createLogger, type LogRecord } from "../log.ts";
import type { CloseInfo, Connection } from "../transport/connection.ts";
import type { ConnectionContext } from "./context.ts";
import { createDispatcher, type DispatchOptions, routeTable } from "./dispatch.ts";
import { RequestError } from "./errors.ts";
import { defineService, type Service } from "./service.ts";

/** A connection whose incoming frames the test feeds, and whose answers and reads it watches. */
class ScriptedConnection implements Connection {
  readonly id = 1;
  readonly transport = "tcp" as const;
  readonly remoteAddress = "192.0.2.1:4000";
  readonly remoteHost = "192.0.2.1";
  readonly channelBinding = new Uint8Array(32);
  readonly sent: Envelope[] = [];
  readonly closed: Promise<CloseInfo>;
  closedWith: string | undefined;
  /** How many frames the dispatcher has asked for (the one it waits for included). */
  reads = 0;
  #resolveClosed!: (info: CloseInfo) => void;
  readonly #incoming: Uint8Array[] = [];
  #waiting: (() => void) | undefined;
  #ended = false;
  readonly #sentWaiters = new Set<() => void>();

  constructor() {
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
  }

  /** Queues a request from the client. */
  request(opcode: number, id: number, body: Value): void {
    this.#incoming.push(encodeEnvelope({ opcode, id, body }));
    this.#wake();
  }

  /** The client ends its stream. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  async read(): Promise<Uint8Array | null> {
    this.reads++;
    while (this.#incoming.length === 0 && !this.#ended) await new Promise<void>((wake) => this.#waiting = wake);
    return this.#incoming.shift() ?? null;
  }

  write(payload: Uint8Array): void {
    if (this.closedWith !== undefined) return;
    this.sent.push(decodeEnvelope(payload));
    for (const waiter of [...this.#sentWaiters]) waiter();
  }

  close(reason: string): Promise<void> {
    if (this.closedWith === undefined) {
      this.closedWith = reason;
      this.#ended = true;
      this.#wake();
      this.#resolveClosed({ reason });
    }
    return Promise.resolve();
  }

  /** Resolves once `count` envelopes have been sent. */
  async answers(count: number): Promise<Envelope[]> {
    while (this.sent.length < count) {
      await new Promise<void>((resolve) => {
        const waiter = () => {
          this.#sentWaiters.delete(waiter);
          resolve();
        };
        this.#sentWaiters.add(waiter);
      });
    }
    return this.sent;
  }

  #wake(): void {
    const wake = this.#waiting;
    this.#waiting = undefined;
    wake?.();
  }
}

/** A promise the test resolves when it chooses. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => open = resolve);
  return { promise, open };
}

/** Lets every pending promise reaction and timer run once. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function serve(services: Service[], options: Partial<DispatchOptions> = {}) {
  const logs: LogRecord[] = [];
  const connection = new ScriptedConnection();
  const dispatcher = createDispatcher({
    logger: createLogger("debug", (record) => logs.push(record)),
    services,
    ...options,
  });
  const served = dispatcher.serve(connection);
  return { connection, logs, served };
}

/** The answer of a profile operation (`set_nickname`, `set_font`) for user 1 named `nickname`. */
function profileAnswer(nickname: string) {
  return { user: { id: 1, username: "a", nickname, font: { family: null, size: null } } };
}

Deno.test("createDispatcher() refuses two handlers of one operation, naming both services", () => {
  const a = defineService({ name: "a", ops: { ping: () => ({ time: 0 }) } });
  const b = defineService({ name: "b", ops: { ping: () => ({ time: 1 }) } });
  assert.throws(() => routeTable([a, b]), {
    name: "TypeError",
    message: "Operation ping has two handlers, in a and b",
  });
  assert.throws(() => createDispatcher({ logger: createLogger("silent"), services: [a, b] }), TypeError);
  assert.throws(() => createDispatcher({ logger: createLogger("silent"), services: [a], maxInFlight: 0 }), RangeError);
});

Deno.test("a slow request does not hold up a later one of an operation that is not ordered", async () => {
  const slow = gate();
  const { connection } = serve([
    defineService({
      name: "test",
      ops: {
        listDevices: async () => {
          await slow.promise;
          return { devices: [] };
        },
        ping: () => ({ time: 5 }),
      },
    }),
    loggedIn(),
  ]);
  connection.request(Op.echo, 1, "log in");
  await connection.answers(1);
  connection.request(Op.listDevices, 2, {});
  connection.request(Op.ping, 3, {});
  await connection.answers(2);
  assert.deepEqual(connection.sent[1], { opcode: Op.ping, id: 3, body: { time: 5 } }, "the fast one first");
  slow.open();
  await connection.answers(3);
  assert.deepEqual(connection.sent[2], { opcode: Op.listDevices, id: 2, body: { devices: [] } });
});

Deno.test("ordered requests are answered in arrival order, a slow first one holding up the next", async () => {
  const slow = gate();
  const handled: string[] = [];
  const { connection } = serve([
    loggedIn(),
    defineService({
      name: "test",
      ops: {
        setNickname: async ({ nickname }) => {
          if (nickname === "slow") await slow.promise;
          handled.push(nickname);
          return profileAnswer(nickname);
        },
        ping: () => ({ time: 5 }),
      },
    }),
  ]);
  connection.request(Op.echo, 1, "log in");
  await connection.answers(1);
  connection.request(Op.setNickname, 2, { nickname: "slow" });
  connection.request(Op.setNickname, 3, { nickname: "fast" });
  connection.request(Op.ping, 4, {});
  await connection.answers(2);
  await settle();
  assert.deepEqual(connection.sent.map((e) => e.id), [1, 4], "only the unordered ping passed the slow one");
  assert.deepEqual(handled, [], "the second ordered request has not even started");
  slow.open();
  await connection.answers(4);
  assert.deepEqual(connection.sent.map((e) => e.id), [1, 4, 2, 3]);
  assert.deepEqual(handled, ["slow", "fast"]);
});

Deno.test("an ordered request that fixes its order lets the next of its operation start, answers staying in order", async () => {
  const slow = gate();
  const started: string[] = [];
  const { connection } = serve([
    loggedIn(),
    defineService({
      name: "test",
      ops: {
        setNickname: async ({ nickname }, { orderFixed }) => {
          started.push(nickname);
          if (nickname !== "other") orderFixed();
          if (nickname === "slow") await slow.promise;
          return profileAnswer(nickname);
        },
        setFont: () => {
          started.push("font");
          return profileAnswer("font");
        },
      },
    }),
  ]);
  connection.request(Op.echo, 1, "log in");
  await connection.answers(1);
  connection.request(Op.setNickname, 2, { nickname: "slow" });
  connection.request(Op.setNickname, 3, { nickname: "fast" });
  connection.request(Op.setFont, 4, { family: null, size: null });
  await settle();
  await settle();
  assert.deepEqual(started, ["slow", "fast"], "the second send started; the other operation waits for the answers");
  assert.deepEqual(connection.sent.map((e) => e.id), [1], "the fast one is not answered before the slow one");
  slow.open();
  await connection.answers(4);
  assert.deepEqual(connection.sent.map((e) => e.id), [1, 2, 3, 4]);
  assert.deepEqual(started, ["slow", "fast", "font"]);
});

Deno.test("ordered answers ready at once are all written before a microtask queued at the first runs: one record", async () => {
  const commit = gate();
  const { connection } = serve([
    loggedIn(),
    defineService({
      name: "test",
      ops: {
        setNickname: async ({ nickname }, { orderFixed }) => {
          orderFixed();
          await commit.promise;
          return profileAnswer(nickname);
        },
      },
    }),
  ]);
  connection.request(Op.echo, 1, "log in");
  await connection.answers(1);
  for (const id of [2, 3, 4, 5]) connection.request(Op.setNickname, id, { nickname: `n${id}` });
  await settle();
  // What the secure channel does: the frames written before its flush (a microtask queued at the first) share a record.
  let inFirstRecord: number[] | undefined;
  const write = connection.write.bind(connection);
  connection.write = (payload) => {
    write(payload);
    if (inFirstRecord === undefined) {
      inFirstRecord = [];
      queueMicrotask(() => inFirstRecord = connection.sent.slice(1).map((e) => e.id));
    }
  };
  commit.open();
  await connection.answers(5);
  assert.deepEqual(connection.sent.map((e) => e.id), [1, 2, 3, 4, 5]);
  assert.deepEqual(inFirstRecord, [2, 3, 4, 5]);
});

Deno.test("past maxInFlight requests the dispatcher stops reading until one is answered", async () => {
  const held = gate();
  const { connection } = serve([defineService({
    name: "test",
    ops: {
      echo: async (body) => {
        await held.promise;
        return body;
      },
    },
  })], { maxInFlight: 3 });
  for (let id = 1; id <= 5; id++) connection.request(Op.echo, id, id);
  await settle();
  assert.equal(connection.reads, 3, "three frames read, the fourth not asked for");
  held.open();
  await connection.answers(5);
  assert.deepEqual(connection.sent.map((e) => e.id).sort(), [1, 2, 3, 4, 5]);
});

Deno.test("a user operation before login answers not_logged_in without running its handler; its body is not checked first", async () => {
  let ran = false;
  const { connection } = serve([defineService({
    name: "test",
    ops: {
      listDevices: () => {
        ran = true;
        return { devices: [] };
      },
    },
  })]);
  connection.request(Op.listDevices, 1, "not even a map");
  const [answer] = await connection.answers(1);
  assert.deepEqual(answer, { opcode: Op.error, id: 1, body: { code: "not_logged_in", message: "Log in first" } });
  assert.equal(ran, false);
});

Deno.test("a body that does not fit answers bad_request naming the field, and the connection goes on", async () => {
  const { connection } = serve([defineService({ name: "test", ops: { ping: () => ({ time: 5 }) } }), loggedIn()]);
  connection.request(Op.echo, 1, "log in");
  connection.request(Op.ping, 2, []);
  connection.request(Op.ping, 3, {});
  await connection.answers(3);
  const byId = (id: number) => connection.sent.find((e) => e.id === id);
  assert.deepEqual(byId(2)!.body, { code: "bad_request", message: "The body must be a map, not a list" });
  assert.deepEqual(byId(3), { opcode: Op.ping, id: 3, body: { time: 5 } });
  assert.equal(connection.closedWith, undefined);
});

Deno.test("an unexpected error is logged with its stack and cause and answered internal; a RequestError is answered as is", async () => {
  const { connection, logs } = serve([defineService({
    name: "test",
    ops: {
      ping: () => {
        throw new Error("Store failed", { cause: new RangeError("disk full") });
      },
      echo: () => {
        throw new RequestError("throttled", "Wait", { retryAfterMs: 7 });
      },
    },
  })]);
  connection.request(Op.ping, 1, {});
  connection.request(Op.echo, 2, null);
  await connection.answers(2);
  assert.deepEqual(connection.sent.find((e) => e.id === 1)!.body, {
    code: "internal",
    message: "The server failed to handle the request",
  });
  assert.deepEqual(connection.sent.find((e) => e.id === 2)!.body, {
    code: "throttled",
    message: "Wait",
    retryAfterMs: 7,
  });
  const [failed] = logs.filter((r) => r.event === "handler_failed");
  assert.equal(failed.op, "ping");
  assert.match(String(failed.stack), /Error: Store failed\n\s+at /);
  assert.match(String(failed.cause), /RangeError: disk full/);
  assert.equal(connection.closedWith, undefined, "the connection goes on");
});

Deno.test("with checkResponses, an answer that breaks its schema is logged as response_mismatch and answered internal", async () => {
  const { connection, logs } = serve([defineService({
    name: "test",
    ops: { ping: () => ({ time: "noon" }) as never },
  })], { checkResponses: true });
  connection.request(Op.ping, 1, {});
  const [answer] = await connection.answers(1);
  assert.equal((answer.body as { code: string }).code, "internal");
  const [mismatch] = logs.filter((r) => r.event === "response_mismatch");
  assert.match(String(mismatch.error), /ping handler answered what its schema refuses: Field time must be/);
});

Deno.test("afterAnswer runs once the answer is sent; onClose hooks run once, after the requests in flight", async () => {
  const held = gate();
  const order: string[] = [];
  const { connection, served } = serve([defineService({
    name: "test",
    ops: {
      echo: async (body, context) => {
        context.afterAnswer(() => {
          order.push(`after ${connection.sent.length}`);
        });
        if (body === "hold") await held.promise;
        order.push(`handled ${body}`);
        return body;
      },
    },
    onClose: () => {
      order.push("closed");
    },
  })]);
  connection.request(Op.echo, 1, "now");
  await connection.answers(1);
  connection.request(Op.echo, 2, "hold");
  await settle();
  void connection.close("peer_closed");
  await settle();
  assert.deepEqual(order, ["handled now", "after 1"], "onClose waits for the held request");
  held.open();
  await served;
  // The held answer found the connection closed (nothing more is sent), and its afterAnswer ran all the same.
  assert.deepEqual(order, ["handled now", "after 1", "handled hold", "after 1", "closed"]);
});

Deno.test("a clean end of the stream answers what was asked, then closes as peer_closed", async () => {
  const held = gate();
  const { connection, served } = serve([defineService({
    name: "test",
    ops: {
      echo: async (body) => {
        await held.promise;
        return body;
      },
    },
  })]);
  connection.request(Op.echo, 1, "last words");
  connection.end();
  await settle();
  assert.equal(connection.closedWith, undefined);
  held.open();
  await served;
  assert.deepEqual(connection.sent, [{ opcode: Op.echo, id: 1, body: "last words" }]);
  assert.equal(connection.closedWith, "peer_closed");
});

Deno.test("logIn runs every onLogin hook and the server's, logOut every onLogout; logging in twice is a TypeError", async () => {
  const events: string[] = [];
  const hooks = (name: string): Service =>
    defineService({
      name,
      ops: {},
      onLogin: (_context, user) => void events.push(`${name} login ${user.id}`),
      onLogout: (context: ConnectionContext, user) =>
        void events.push(`${name} logout ${user.id} (user now ${context.user})`),
    });
  const { connection } = serve([
    hooks("one"),
    hooks("two"),
    defineService({
      name: "test",
      ops: {
        echo: async (body, context) => {
          if (body === "in") await context.logIn({ id: 7, username: "g", nickname: "G", deviceId: null });
          if (body === "twice") {
            await assert.rejects(
              () => context.logIn({ id: 8, username: "h", nickname: "H", deviceId: null }),
              TypeError,
            );
          }
          if (body === "out") await context.logOut();
          return body;
        },
      },
    }),
  ], {
    onLogin: () => void events.push("server login"),
    onLogout: () => void events.push("server logout"),
  });
  for (const [id, body] of ["in", "twice", "out"].entries()) connection.request(Op.echo, id + 1, body);
  await connection.answers(3);
  assert.deepEqual(events, [
    "server login",
    "one login 7",
    "two login 7",
    "server logout",
    "one logout 7 (user now undefined)",
    "two logout 7 (user now undefined)",
  ]);
});

/** A service whose `echo "log in"` logs the connection in as user 1 (for tests of `user` operations). */
function loggedIn(): Service {
  return defineService({
    name: "login",
    ops: {
      echo: async (body, context) => {
        if (body === "log in" && !context.user) {
          await context.logIn({ id: 1, username: "a", nickname: "A", deviceId: null });
        }
        return body;
      },
    },
  });
}
