// The SDK's chat state against a real server: friends made through requests (one answered "later" and asked again at
// the next login), chat both ways with text and an image fetched back byte for byte, unread counts and read positions
// that follow the user to another device, catch-up after being away, and a property test where three clients send
// hundreds of messages through random disconnects and end with exactly the server's history.

import assert from "node:assert/strict";
import { connect, MemoryDeviceKeyStore, type Message, type MimiConnection, OPS } from "../core/client/mod.ts";
import { FakeClock } from "../core/time/clock.ts";
import { deadline } from "./_harness.ts";
import { noisyPng } from "./_images.ts";
import { befriend, connectOptions, cuttable, me, PASSWORD, signUp, until, untilState, withServer } from "./_sdk.ts";

function held(connection: MimiConnection, conversationId: number): readonly Message[] {
  return connection.getSnapshot().messages[conversationId]?.messages ?? [];
}

function summary(connection: MimiConnection, conversationId: number) {
  return connection.getSnapshot().conversations.find((c) => c.id === conversationId);
}

/** Every message of a conversation as the server pages it forward. */
async function serverHistory(connection: MimiConnection, conversationId: number): Promise<Message[]> {
  const all: Message[] = [];
  for (let after = 0;;) {
    const { messages, hasMore } = await connection.call(OPS.history, { conversationId, after, limit: 200 });
    all.push(...messages);
    if (!hasMore || messages.length === 0) return all;
    after = messages.at(-1)!.seq;
  }
}

Deno.test("two SDK users befriend: a request answered 'later' is asked again at the next login, then accepted", async () => {
  await withServer(async (server, track) => {
    const alice = await signUp(server, track, "alice", "爱丽丝", "ws");
    const bob = await signUp(server, track, "bob", "Bob", "tcp");
    const found = await alice.findUser("BOB");
    assert.equal(found.nickname, "Bob");
    assert.equal(alice.getSnapshot().users[found.id].nickname, "Bob", "a user found is known by name");
    await alice.sendFriendRequest(found.id, "我是你的同学");
    assert.deepEqual(alice.getSnapshot().sentRequests.map((s) => s.userId), [found.id]);

    await until(bob, (s) => s.friendRequests.length === 1, "the request reaches bob");
    const request = bob.getSnapshot().friendRequests[0];
    assert.equal(request.note, "我是你的同学");
    assert.equal(request.from?.username, "alice");
    await bob.answerFriendRequest(request.id, "later");
    assert.equal(bob.getSnapshot().friendRequests[0].status, "deferred");
    await bob.close();

    const bobAgain = track(connect(connectOptions(server, "ws")));
    await bobAgain.login("bob", PASSWORD);
    const asked = bobAgain.getSnapshot().friendRequests;
    assert.deepEqual(asked.map((r) => [r.id, r.status, r.note]), [[request.id, "deferred", "我是你的同学"]]);
    const answer = await bobAgain.answerFriendRequest(request.id, "accept");
    assert.ok(answer.conversationId);
    assert.deepEqual(bobAgain.getSnapshot().friendRequests, []);
    assert.deepEqual(bobAgain.getSnapshot().contacts.map((c) => c.username), ["alice"]);
    await until(alice, (s) => s.contacts.some((c) => c.username === "bob"), "alice's contacts gain bob");
    await until(alice, (s) => s.conversations.some((c) => c.id === answer.conversationId), "and their conversation");
    assert.deepEqual(alice.getSnapshot().sentRequests, []);
    assert.equal(summary(alice, answer.conversationId!)?.peer?.username, "bob");
  });
});

Deno.test("SDK users chat both ways with multi-line text and an image fetched back byte for byte, recall it, and block", async () => {
  await withServer(async (server, track) => {
    const alice = await signUp(server, track, "alice", "爱丽丝", "tcp");
    const bob = await signUp(server, track, "bob", "Bob", "ws");
    const id = await befriend(alice, bob);

    const sent = alice.sendText(id, "第一行\n第二行");
    const pending = alice.getSnapshot().messages[id]?.outgoing ?? [];
    assert.deepEqual(pending.map((o) => [o.clientId, o.state]), [[sent.clientId, "pending"]]);
    const message = await sent.done;
    assert.equal(message.clientId, sent.clientId);
    assert.deepEqual(alice.getSnapshot().messages[id].outgoing, [], "the answer replaced the pending send");
    await until(bob, (s) => (s.messages[id]?.messages.length ?? 0) === 1, "bob receives the text");
    assert.deepEqual(held(bob, id)[0].body, { type: "text", text: "第一行\n第二行" });
    assert.deepEqual(summary(bob, id)?.preview?.content, { kind: "text", text: "第一行 第二行" });
    assert.equal(summary(bob, id)?.unread, 1);

    await bob.sendText(id, "收到！").done;
    await until(alice, (s) => (s.messages[id]?.messages.length ?? 0) === 2, "alice receives the answer");
    assert.equal(summary(alice, id)?.unread, 1);

    const png = await noisyPng(320, 240, 3);
    const image = await alice.sendImage(id, png).done;
    assert.equal(image.body.type, "image");
    await until(bob, (s) => (s.messages[id]?.messages.length ?? 0) === 3, "bob receives the image");
    const body = held(bob, id)[2].body;
    assert.ok(body.type === "image");
    assert.deepEqual([body.mime, body.width, body.height, body.size], ["image/png", 320, 240, png.length]);
    assert.deepEqual(summary(bob, id)?.preview?.content, { kind: "image" });
    assert.deepEqual(await bob.downloadBlob(body.blob), png);
    assert.deepEqual(held(alice, id).map((m) => m.seq), [1, 2, 3]);
    assert.deepEqual(held(bob, id).map((m) => m.seq), [1, 2, 3]);

    const recalled = await alice.recall(id, 3);
    assert.deepEqual([recalled.body, held(alice, id)[2].recalledAt !== null], [{ type: "recalled" }, true]);
    await until(bob, (s) => s.messages[id].messages[2].recalledAt !== null, "bob sees the image recalled");
    assert.deepEqual(summary(bob, id)?.preview?.content, { kind: "recalled" });
    assert.equal(summary(bob, id)?.unread, 1, "a recalled message is no longer unread");

    await bob.blockUser(me(alice));
    assert.deepEqual(bob.getSnapshot().blocked.map((u) => u.username), ["alice"]);
    assert.deepEqual(bob.getSnapshot().contacts, []);
    await until(alice, (s) => s.contacts.length === 0 && s.conversations.length === 0, "alice loses bob and the chat");
    await bob.unblockUser(me(alice));
    assert.deepEqual(bob.getSnapshot().blocked, []);
  });
});

Deno.test("unread counts rise, go to zero when read, and stay zero at the next login from another device", async () => {
  await withServer(async (server, track) => {
    const alice = await signUp(server, track, "alice", "Alice");
    const bob = await signUp(server, track, "bob", "Bob", "ws");
    const id = await befriend(alice, bob);
    for (let i = 1; i <= 3; i++) await alice.sendText(id, `message ${i}`).done;
    await until(bob, () => summary(bob, id)?.unread === 3, "bob has three unread");
    assert.equal(summary(alice, id)?.unread, 0, "one's own messages are not unread");
    const readSeq = await bob.markRead(id);
    assert.equal(readSeq, 3);
    assert.equal(summary(bob, id)?.unread, 0);

    const phone = track(connect(connectOptions(server, "tcp")));
    await phone.login("bob", PASSWORD);
    assert.deepEqual([summary(phone, id)?.unread, summary(phone, id)?.readSeq], [0, 3]);
    await alice.sendText(id, "one more").done;
    await until(phone, () => summary(phone, id)?.unread === 1, "the next message is unread on the new device");
  });
});

Deno.test("an offline user catches up in order at login, and pages older history without gaps or repeats", async () => {
  await withServer(async (server, track) => {
    const alice = await signUp(server, track, "alice", "Alice");
    const bob = await signUp(server, track, "bob", "Bob", "ws");
    const id = await befriend(alice, bob);
    await bob.close();
    const texts: string[] = [];
    const sends = [];
    for (let i = 1; i <= 260; i++) {
      texts.push(`line ${i}`);
      sends.push(alice.sendText(id, `line ${i}`).done);
    }
    await Promise.all(sends);

    const back = track(connect(connectOptions(server, "ws")));
    await back.login("bob", PASSWORD);
    await until(back, (s) => (s.messages[id]?.through ?? 0) === 260, "bob catches up to the last message");
    assert.equal(summary(back, id)?.unread, 260);
    while (await back.loadOlder(id, 100));
    const messages = held(back, id);
    assert.deepEqual(messages.map((m) => m.seq), texts.map((_, i) => i + 1));
    assert.deepEqual(messages.map((m) => m.body.type === "text" ? m.body.text : ""), texts);
    assert.equal(back.getSnapshot().messages[id].hasOlder, false);
  });
});

Deno.test("a user away on a dropped connection catches up at resume what was sent meanwhile, in order", async () => {
  await withServer(async (server, track) => {
    const clock = new FakeClock();
    const alice = await signUp(server, track, "alice", "Alice");
    const link = cuttable(server, "tcp", {
      clock,
      deviceKeys: new MemoryDeviceKeyStore(),
      backoff: { random: () => 0.5 },
    });
    const bob = track(link.connection);
    await bob.register("bob", "Bob", PASSWORD);
    await bob.login("bob", PASSWORD, { remember: "Terminal" });
    const id = await befriend(alice, bob);
    await alice.sendText(id, "before").done;
    await until(bob, (s) => (s.messages[id]?.through ?? 0) === 1, "bob holds the first message");

    await link.cut();
    await untilState(bob, "retrying");
    for (let i = 1; i <= 230; i++) await alice.sendText(id, `while away ${i}`).done;
    const queued = bob.sendText(id, "written offline");
    assert.equal(bob.getSnapshot().messages[id].outgoing[0].state, "pending");
    bob.retryNow();
    await untilState(bob, "open");
    const mine = await queued.done;
    await until(bob, (s) => (s.messages[id]?.through ?? 0) === mine.seq, "bob catches up past his own message");
    const history = await serverHistory(alice, id);
    assert.deepEqual(held(bob, id), history);
    assert.deepEqual(bob.getSnapshot().messages[id].outgoing, []);
  });
});

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("property: three clients send hundreds of messages through random disconnects and end with the server's history", async () => {
  const seed = Number(Deno.env.get("MIMI_SEED") ?? Date.now() % 100_000);
  const rand = random(seed);
  await withServer(async (server, track) => {
    const clock = new FakeClock();
    const names = ["alice", "bob", "carol"];
    const links = names.map((_, i) =>
      cuttable(server, i === 1 ? "ws" : "tcp", {
        clock,
        deviceKeys: new MemoryDeviceKeyStore(),
        backoff: { random: () => 0.5 },
      })
    );
    const clients = links.map((link) => track(link.connection));
    for (const [i, client] of clients.entries()) {
      await client.register(names[i], names[i], PASSWORD);
      await client.login(names[i], PASSWORD, { remember: "Test" });
    }
    const pairs: [number, number][] = [[0, 1], [0, 2], [1, 2]];
    const conversations: number[] = [];
    for (const [a, b] of pairs) conversations.push(await befriend(clients[a], clients[b]));

    const done: Promise<Message>[] = [];
    let cuts = 0, whileAway = 0;
    const expected = new Map<string, { from: number; text: string }>();
    for (let step = 0; step < 360; step++) {
      const from = Math.floor(rand() * 3);
      const client = clients[from];
      const roll = rand();
      if (roll < 0.04) {
        await links[from].cut();
        cuts++;
        continue;
      }
      if (roll < 0.1) {
        client.retryNow();
        continue;
      }
      const mine = pairs.flatMap(([a, b], i) => a === from || b === from ? [conversations[i]] : []);
      const conversationId = mine[Math.floor(rand() * mine.length)];
      const text = `${names[from]} #${step}`;
      if (client.status.state !== "open") whileAway++;
      const queued = client.sendText(conversationId, text);
      expected.set(queued.clientId, { from, text });
      done.push(queued.done);
      // Give the sockets a moment now and then, so cuts fall on sends on their way, not only on queued ones.
      if (rand() < 0.3) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    assert.ok(cuts > 3 && whileAway > 20, `seed ${seed}: ${cuts} cuts and ${whileAway} sends while away test little`);
    // The network heals: a client whose last attempt was cut too tries again at once, until all are open.
    const heal = clients.map((client) =>
      client.subscribe(() => client.status.state === "retrying" && client.retryNow())
    );
    for (const client of clients) client.retryNow();
    const answered = await deadline(Promise.all(done), 60_000, `every send answered (seed ${seed})`);
    assert.equal(new Set(answered.map((m) => `${m.conversationId}:${m.seq}`)).size, answered.length);

    for (const [i, conversationId] of conversations.entries()) {
      const history = await serverHistory(clients[pairs[i][0]], conversationId);
      assert.deepEqual(history.map((m) => m.seq), history.map((_, k) => k + 1), `seed ${seed}: no gaps on the server`);
      const ids = history.map((m) => m.clientId!);
      assert.equal(new Set(ids).size, ids.length, `seed ${seed}: nothing twice on the server`);
      for (const member of pairs[i]) {
        const client = clients[member];
        await until(
          client,
          (s) => (s.messages[conversationId]?.through ?? 0) >= history.length,
          `${names[member]} holds conversation ${conversationId} (seed ${seed})`,
        );
        assert.deepEqual(held(client, conversationId), history, `seed ${seed}: ${names[member]} equals the server`);
        assert.deepEqual(client.getSnapshot().messages[conversationId].outgoing, []);
      }
    }
    for (const off of heal) off();
    const stored = new Set(answered.map((m) => m.clientId));
    assert.deepEqual([...expected.keys()].filter((id) => !stored.has(id)), [], `seed ${seed}: nothing lost`);
  });
});
