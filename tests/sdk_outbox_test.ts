// Pending sends survive a restart against a real server: sends queued while offline are stored, and the next program
// (a new connection with the same store) sends them at login, each once, in order; a send whose answer was lost is
// not shown twice; another account's login with the same store sends nothing of them.

import assert from "node:assert/strict";
import {
  connect,
  MemoryOutboxStore,
  type MimiConnection,
  OPS,
  type OutboxScope,
  type StoredSend,
} from "../core/client/mod.ts";
import { FakeClock } from "../core/time/clock.ts";
import { deadline } from "./_harness.ts";
import { befriend, connectOptions, cuttable, me, PASSWORD, signUp, until, untilState, withServer } from "./_sdk.ts";

/** A memory store that tells when its content for a scope matches. */
class WatchedStore extends MemoryOutboxStore {
  readonly #waiters = new Set<() => void>();

  override async save(scope: OutboxScope, send: StoredSend): Promise<void> {
    await super.save(scope, send);
    for (const wake of this.#waiters) wake();
  }

  override async delete(scope: OutboxScope, clientId: string): Promise<void> {
    await super.delete(scope, clientId);
    for (const wake of this.#waiters) wake();
  }

  /** Resolves once `accept` holds for the scope's sends; rejects after 20 s so a broken test fails, not hangs. */
  until(scope: OutboxScope, accept: (sends: StoredSend[]) => boolean, what: string): Promise<void> {
    let wake = () => {};
    const reached = new Promise<void>((resolve) => {
      wake = () => void this.load(scope).then((sends) => accept(sends) && resolve());
      this.#waiters.add(wake);
      wake();
    });
    return deadline(reached, 20_000, what).finally(() => this.#waiters.delete(wake));
  }
}

async function texts(connection: MimiConnection, conversationId: number): Promise<string[]> {
  const { messages } = await connection.call(OPS.history, { conversationId, limit: 200 });
  return messages.map((m) => m.body.type === "text" ? m.body.text : m.body.type);
}

Deno.test("sends queued offline survive a restart and go out at the next login, each once, in order", async () => {
  await withServer(async (server, track) => {
    const bob = await signUp(server, track, "bob", "Bob", "ws");
    const store = new WatchedStore();
    const link = cuttable(server, "tcp", {
      clock: new FakeClock(),
      backoff: { random: () => 0.5 },
      outboxStore: store,
    });
    const alice = track(link.connection);
    await alice.register("alice", "Alice", PASSWORD);
    await alice.login("alice", PASSWORD);
    const scope = { server: `127.0.0.1:${server.tcpPort}`, userId: me(alice) };
    const id = await befriend(alice, bob);

    // A send answered before the restart, whose stored copy outlived it (the program stopped before the delete).
    const answered = alice.sendText(id, "answered");
    const first = await answered.done;
    await store.until(scope, (sends) => sends.length === 0, "the answered send leaves the store");
    await store.save(scope, {
      clientId: answered.clientId,
      conversationId: id,
      body: { type: "text", text: "answered" },
      createdAt: 1,
      state: "pending",
    });

    await link.cut();
    await untilState(alice, "retrying");
    alice.sendText(id, "第一\nline two");
    alice.sendText(id, "second");
    await store.until(scope, (sends) => sends.length === 3, "the offline sends are stored");
    await alice.close();

    // The next run: a new connection over the same store, signed in with the password.
    const again = track(connect(connectOptions(server, "ws", { outboxStore: store })));
    await again.login("alice", PASSWORD);
    await until(again, (s) => s.messages[id]?.outgoing.length === 0 && (s.messages[id]?.through ?? 0) >= 3, "sent");
    await store.until(scope, (sends) => sends.length === 0, "the store is empty once all are answered");
    assert.deepEqual(await texts(bob, id), ["answered", "第一\nline two", "second"]);
    assert.equal((await texts(bob, id)).length, 3, "the send answered before is not shown twice");
    assert.equal(again.getSnapshot().messages[id].messages[0].seq, first.seq);
  });
});

Deno.test("another account's login with the same outbox store sends none of the first account's sends", async () => {
  await withServer(async (server, track) => {
    const alice = await signUp(server, track, "alice", "Alice", "tcp");
    const bob = await signUp(server, track, "bob", "Bob", "tcp");
    const id = await befriend(alice, bob);
    const aliceId = me(alice);
    await bob.logout();
    const store = new WatchedStore();
    const scope = { server: `127.0.0.1:${server.tcpPort}`, userId: aliceId };
    await store.save(scope, {
      clientId: "ab".repeat(16),
      conversationId: id,
      body: { type: "text", text: "alice's, not bob's" },
      createdAt: 1,
      state: "pending",
    });
    const other = track(connect(connectOptions(server, "tcp", { outboxStore: store })));
    await other.login("bob", PASSWORD);
    await until(other, (s) => s.conversations.some((c) => c.id === id), "bob's list is in");
    await other.sendText(id, "bob's own").done;
    assert.deepEqual(await texts(alice, id), ["bob's own"]);
    assert.equal((await store.load(scope)).length, 1, "alice's send stays for alice");
  });
});
