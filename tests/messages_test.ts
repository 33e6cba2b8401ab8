// Conversations and messages over real sockets (PROTOCOL.md §14): chat both ways over TCP and WebSocket, an offline
// friend catching up in order, unread counts that stay read on the next device, history paged both ways without gaps
// or repeats, recall inside and after its window on a fake clock, resends that never show twice, and each refusal
// with its code on a connection that goes on.

import assert from "node:assert/strict";
import type { Message, SendableBody } from "../core/protocol/ops/messages.ts";
import { type AnyOp, OPS, PUSHES } from "../core/protocol/registry.ts";
import { FakeClock } from "../core/time/clock.ts";
import { expectCode, withClients, withStore } from "./_accounts_helpers.ts";
import {
  befriend,
  logInAgain,
  next,
  type Person,
  received,
  say,
  shareImage,
  signUp,
  stillServes,
} from "./_chat_helpers.ts";
import { hollowPng, noisyPng } from "./_images.ts";

/** A thumbnail as a sending client attaches it: opaque bytes to the server. */
const THUMBNAIL = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The seqs and texts of some messages. */
function texts(messages: readonly Message[]): [number, string][] {
  return messages.map((m) => [m.seq, m.body.type === "text" ? m.body.text : m.body.type]);
}

Deno.test("two friends chat both ways over TCP and WebSocket, multi-line text and an image, each told at once", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice", "tcp", "爱丽丝");
    const bob = await signUp(context, "bob", "ws");
    const conversationId = await befriend(alice, bob);

    const first = await say(alice, conversationId, "你好，Bob！\n周末一起去爬山吗？\n\n  — 爱丽丝", "a-1");
    assert.deepEqual(first, {
      conversationId,
      seq: 1,
      senderId: alice.profile.id,
      clientId: "a-1",
      at: first.at,
      body: { type: "text", text: "你好，Bob！\n周末一起去爬山吗？\n\n  — 爱丽丝" },
      recalledAt: null,
    });
    const { id, username, nickname } = alice.profile;
    assert.deepEqual(
      await next(bob.pushes, PUSHES.message),
      { message: first, sender: { id, username, nickname } },
      "Bob is told exactly what was stored, and who sent it",
    );

    const reply = await say(bob, conversationId, "好啊\nSure!");
    assert.equal(reply.seq, 2);
    assert.deepEqual((await next(alice.pushes, PUSHES.message)).message, reply);
    const file = await noisyPng(40, 30);
    const png = await shareImage(alice, file, THUMBNAIL);
    const image = await say(alice, conversationId, png);
    assert.deepEqual(image.body, png);
    // The image is Bob's to read now that a message of their conversation shows it (PROTOCOL.md §15.2).
    const sha256 = png.type === "image" ? png.blob : new Uint8Array();
    const fetched = await bob.client.call(OPS.download, { sha256, offset: 0, length: file.length });
    assert.deepEqual(fetched, { bytes: file, size: file.length }, "Bob fetches the image back byte for byte");
    assert.deepEqual((await next(bob.pushes, PUSHES.message, (b) => b.message.seq === 3)).message, image);

    assert.equal(received(alice.pushes, PUSHES.message).length, 1, "a sender hears the answer, not a push");
    const { messages } = await bob.client.call(OPS.history, { conversationId, limit: 10 });
    assert.deepEqual(messages, [first, reply, image]);
  });
});

Deno.test("an offline friend gets everything at login in order, and read counts stay read on the next device", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    let bob = await signUp(context, "bob", "ws");
    const conversationId = await befriend(alice, bob);
    await say(bob, conversationId, "I'll be offline");
    await bob.client.call(OPS.logout, {});

    const sent: Message[] = [];
    for (let i = 1; i <= 12; i++) sent.push(await say(alice, conversationId, `第${i}条\nline two`));
    assert.deepEqual(sent.map((m) => m.seq), Array.from({ length: 12 }, (_, i) => i + 2));

    // Bob logs in: the bundle says how far the conversation went and how much is his to read.
    bob = await logInAgain(context, bob, "tcp");
    const [summary] = bob.bundle.conversations;
    assert.deepEqual(
      [summary.id, summary.lastSeq, summary.readSeq, summary.unread, summary.last?.seq],
      [conversationId, 13, 0, 12, 13],
      "his own message does not count",
    );
    assert.equal((await alice.client.call(OPS.sync, {})).conversations[0].unread, 1, "Alice wrote them but Bob's one");

    // He had seq 1; he reads forward from there, page by page.
    const caught: Message[] = [];
    let after = 1;
    for (let more = true; more;) {
      const page = await bob.client.call(OPS.history, { conversationId, after, limit: 5 });
      caught.push(...page.messages);
      after = page.messages.at(-1)?.seq ?? after;
      more = page.hasMore;
    }
    assert.deepEqual(caught, sent, "everything, in order, once");

    // Unread counts rise with each message and fall to zero when read.
    await say(alice, conversationId, "one more");
    await next(bob.pushes, PUSHES.message);
    assert.equal((await bob.client.call(OPS.sync, {})).conversations[0].unread, 13);
    assert.deepEqual(await bob.client.call(OPS.markRead, { conversationId, seq: 14 }), { readSeq: 14 });
    assert.deepEqual(await bob.client.call(OPS.markRead, { conversationId, seq: 3 }), { readSeq: 14 }, "never back");
    assert.equal((await bob.client.call(OPS.sync, {})).conversations[0].unread, 0);

    // Another device the next day: still read.
    const bobPhone = await logInAgain(context, bob, "ws");
    assert.deepEqual(
      bobPhone.bundle.conversations.map((c) => [c.lastSeq, c.readSeq, c.unread]),
      [[14, 14, 0]],
    );
    await say(bobPhone, conversationId, "read them all");
    assert.equal((await bobPhone.client.call(OPS.sync, {})).conversations[0].unread, 0, "his own reply counts nothing");
  });
});

Deno.test("history pages backward from the newest and forward from any seq, without gaps or repeats", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob", "ws");
    const conversationId = await befriend(alice, bob);
    const sent: Message[] = [];
    for (let i = 1; i <= 47; i++) sent.push(await say(i % 3 ? alice : bob, conversationId, `message ${i}`));

    const backward: Message[] = [];
    let before: number | undefined;
    let pages = 0;
    for (let more = true; more; pages++) {
      const page = await bob.client.call(OPS.history, { conversationId, ...before ? { before } : {}, limit: 10 });
      backward.unshift(...page.messages);
      before = page.messages[0]?.seq;
      more = page.hasMore;
    }
    assert.equal(pages, 5);
    assert.deepEqual(backward, sent);

    const forward: Message[] = [];
    let after = 0;
    for (let more = true; more;) {
      const page = await alice.client.call(OPS.history, { conversationId, after, limit: 7 });
      forward.push(...page.messages);
      after = page.messages.at(-1)?.seq ?? after;
      more = page.hasMore;
    }
    assert.deepEqual(forward, sent);

    const window = await alice.client.call(OPS.history, { conversationId, after: 10, before: 14, limit: 200 });
    assert.deepEqual(texts(window.messages), [[11, "message 11"], [12, "message 12"], [13, "message 13"]]);
    assert.equal(window.hasMore, false);
    const beyond = await alice.client.call(OPS.history, { conversationId, after: 47, limit: 10 });
    assert.deepEqual(beyond, { messages: [], hasMore: false, users: [] }, "no messages name nobody");
  });
});

Deno.test("a message is recalled by its sender within the window, not after, and the other side is told", async () => {
  const clock = new FakeClock();
  // A fake two minutes must not end the connections: the keep-alive is an hour here.
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob", "ws");
    const conversationId = await befriend(alice, bob);
    const early = await say(alice, conversationId, "oops, wrong chat");
    const kept = await say(alice, conversationId, "this one stays");
    const image = await say(alice, conversationId, await shareImage(alice, await noisyPng(8, 8)));

    clock.tick(119_000);
    const recalled = await alice.client.call(OPS.recallMessage, { conversationId, seq: early.seq });
    assert.deepEqual(recalled.message, { ...early, body: { type: "recalled" }, recalledAt: clock.now() });
    const { id, username, nickname } = alice.profile;
    assert.deepEqual(await next(bob.pushes, PUSHES.messageRecalled), {
      ...recalled,
      sender: { id, username, nickname },
    });
    assert.deepEqual(
      await alice.client.call(OPS.recallMessage, { conversationId, seq: early.seq }),
      recalled,
      "a repeat answers the same",
    );
    await alice.client.call(OPS.recallMessage, { conversationId, seq: image.seq });

    clock.tick(2_000);
    await expectCode(
      alice.client.call(OPS.recallMessage, { conversationId, seq: kept.seq }),
      "recall_expired",
      "a recall after two minutes",
    );
    await expectCode(
      bob.client.call(OPS.recallMessage, { conversationId, seq: kept.seq }),
      "not_allowed",
      "recalling someone else's message",
    );
    const { messages } = await bob.client.call(OPS.history, { conversationId, limit: 10 });
    assert.deepEqual(texts(messages), [[1, "recalled"], [2, "this one stays"], [3, "recalled"]]);
    assert.equal(received(bob.pushes, PUSHES.messageRecalled).length, 2, "each recall told once");
    const [summary] = (await bob.client.call(OPS.sync, {})).conversations;
    assert.deepEqual([summary.unread, summary.last?.body], [1, { type: "recalled" }], "recalled ones are not unread");
  }, { clock, flags: ["--server.limits.keepAliveMs=3600000"] });
});

Deno.test("a resend with the same client id answers the stored message and is not delivered twice", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob", "ws");
    const conversationId = await befriend(alice, bob);
    const first = await say(alice, conversationId, "only once", "outbox-17");
    await next(bob.pushes, PUSHES.message);

    // The answer was lost with the connection: the client logs in again and sends the same message again.
    const aliceAgain = await logInAgain(context, alice, "ws");
    const resent = await say(aliceAgain, conversationId, "only once", "outbox-17");
    assert.deepEqual(resent, first);
    const second = await say(aliceAgain, conversationId, "and this");
    assert.equal(second.seq, 2, "the resend took no seq");
    await next(bob.pushes, PUSHES.message, (b) => b.message.seq === 2);
    assert.deepEqual(received(bob.pushes, PUSHES.message).map((b) => b.message.seq), [1, 2], "shown once");
    const { messages } = await bob.client.call(OPS.history, { conversationId, limit: 10 });
    assert.deepEqual(texts(messages), [[1, "only once"], [2, "and this"]]);
    // The same client id from the other sender is another message.
    assert.equal((await say(bob, conversationId, "mine", "outbox-17")).seq, 3);
  });
});

Deno.test("each bad message request gets its code and the connection goes on", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob", "ws");
    const carol = await signUp(context, "carol");
    const dave = await signUp(context, "dave");
    const withBob = await befriend(alice, bob);
    const withCarol = await befriend(alice, carol);
    const carolAndDave = await befriend(carol, dave);
    const withDave = await befriend(alice, dave);
    await say(bob, withBob, "hello");
    // Alice has written to Carol on this connection before: her next sends there are checked by the append alone.
    await say(alice, withCarol, "bye");
    await alice.client.call(OPS.removeFriend, { userId: carol.profile.id });
    await alice.client.call(OPS.blockUser, { userId: dave.profile.id });

    // Within every limit but one at a time.
    const small = await shareImage(alice, hollowPng(1000, 1000), new Uint8Array(100));
    assert.equal((await say(alice, withBob, small as SendableBody)).seq, 2, "the image within every limit is sent");
    const send = (body: unknown, conversationId = withBob) =>
      alice.client.call(OPS.sendMessage, { conversationId, clientId: crypto.randomUUID(), body } as never);
    // Each sent only once the one before has been answered.
    const cases: [string, () => Promise<unknown>, string][] = [
      ["a text over the limit", () => send({ type: "text", text: "字".repeat(41) }), "too_large"],
      ["an empty text", () => send({ type: "text", text: " \n " }), "bad_request"],
      ["a body only the server writes", () => send({ type: "system", event: "joined" }), "bad_request"],
      ["an image of another type", () => send({ ...small, mime: "image/svg+xml" }), "bad_image"],
      ["an image over the size limit", () => send({ ...small, size: 1025 }), "too_large"],
      ["an image over the pixel limit", () => send({ ...small, width: 1001 }), "too_large"],
      ["a thumbnail over its limit", () => send({ ...small, thumbnail: new Uint8Array(101) }), "too_large"],
      ["an image unlike its upload", () => send({ ...small, width: 999 }), "bad_image"],
      ["an image never uploaded", () => send({ ...small, blob: new Uint8Array(32).fill(7) }), "not_found"],
      [
        "a text over the limit to a friend no more",
        () => send({ type: "text", text: "字".repeat(41) }, withCarol),
        "not_allowed",
      ],
      ["a message to a friend no more", () => send({ type: "text", text: "hi" }, withCarol), "not_allowed"],
      ["a message to a friend no more, again", () => send({ type: "text", text: "hi" }, withCarol), "not_allowed"],
      ["a message to a blocked user", () => send({ type: "text", text: "hi" }, withDave), "not_allowed"],
      ["a message to an unknown conversation", () => send({ type: "text", text: "hi" }, 999_999), "not_found"],
      ["a message to others' conversation", () => send({ type: "text", text: "hi" }, carolAndDave), "not_found"],
      [
        "history of others' conversation",
        () => alice.client.call(OPS.history, { conversationId: carolAndDave, limit: 5 }),
        "not_found",
      ],
      [
        "history of more than 200",
        () => alice.client.call(OPS.history, { conversationId: withBob, limit: 201 }),
        "bad_request",
      ],
      [
        "marking others' conversation read",
        () => alice.client.call(OPS.markRead, { conversationId: carolAndDave, seq: 1 }),
        "not_found",
      ],
      ["a stale recall", () => alice.client.call(OPS.recallMessage, { conversationId: withBob, seq: 99 }), "not_found"],
      [
        "a foreign recall",
        () => alice.client.call(OPS.recallMessage, { conversationId: withBob, seq: 1 }),
        "not_allowed",
      ],
      [
        "a recall in others' conversation",
        () => alice.client.call(OPS.recallMessage, { conversationId: carolAndDave, seq: 1 }),
        "not_found",
      ],
    ];
    for (const [what, request, code] of cases) await expectCode(request(), code, what);
    await stillServes(alice);
    // Dave blocked is Dave silenced too, and Bob, a friend still, is unaffected by any of it.
    await expectCode(say(dave, withDave, "hi?"), "not_allowed", "the blocked user writing");
    assert.equal((await say(alice, withBob, "still friends")).seq, 3);
    assert.equal(
      (await next(bob.pushes, PUSHES.message, (b) => b.message.seq === 3)).message.senderId,
      alice.profile.id,
    );
  }, {
    flags: [
      "--server.limits.messageTextChars=40",
      "--server.limits.imageBytes=1024",
      "--server.limits.imagePixels=1000000",
      "--server.limits.thumbnailBytes=100",
    ],
  });
});

/**
 * A group commit that a test holds: while `holding`, each batch waits until `release()`; `queued` resolves once a
 * batch waits, that is once a send has passed its checks and been handed to the store.
 */
function heldGroupCommit() {
  let holding = false;
  const held: (() => void)[] = [];
  let wake: (() => void) | undefined;
  return {
    schedule(run: () => void) {
      if (!holding) return void setTimeout(run, 0);
      held.push(run);
      wake?.();
    },
    hold() {
      holding = true;
    },
    queued: () => held.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => wake = resolve),
    release() {
      holding = false;
      for (const run of held.splice(0)) run();
    },
  };
}

Deno.test("a send that races an unfriend, a block or a removal is refused when its batch commits, and not delivered", async () => {
  const commits = heldGroupCommit();
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob", "ws");
    const carol = await signUp(context, "carol");
    const withBob = await befriend(alice, bob);
    const withCarol = await befriend(alice, carol);
    await befriend(bob, carol);
    const { room } = await bob.client.call(OPS.createRoom, { name: "Hike", memberIds: [alice.profile.id] });
    await say(alice, withBob, "before");

    const races: [string, number, () => Promise<unknown>, Person][] = [
      ["an unfriend", withBob, () => bob.client.call(OPS.removeFriend, { userId: alice.profile.id }), bob],
      ["a block", withCarol, () => carol.client.call(OPS.blockUser, { userId: alice.profile.id }), carol],
      [
        "a removal from the room",
        room.conversationId,
        () => bob.client.call(OPS.removeMember, { roomId: room.id, userId: alice.profile.id }),
        bob,
      ],
    ];
    for (const [what, conversationId, end, other] of races) {
      // The removal's own line reaches the room; only Alice's messages count here.
      const fromAlice = () =>
        received(other.pushes, PUSHES.message).filter((b) => b.message.senderId === alice.profile.id).length;
      const before = fromAlice();
      commits.hold();
      const late = say(alice, conversationId, `too late (${what})`);
      await commits.queued();
      // Accepted for the batch, not committed yet: the membership ends now.
      await end();
      commits.release();
      await expectCode(late, "not_allowed", `a send overtaken by ${what}`);
      await withStore(context.server, async (store) => {
        const { messages } = await store.conversations.page(conversationId, { after: 0, limit: 50 });
        assert.ok(
          messages.every((m) => !new TextDecoder().decode(m.body ?? new Uint8Array()).includes("too late")),
          `nothing of it was stored after ${what}`,
        );
      });
      await stillServes(other);
      assert.equal(fromAlice(), before, `nothing was delivered after ${what}`);
    }
    await stillServes(alice);
  }, { scheduleGroupCommit: commits.schedule });
});

Deno.test("messages that several members send to a room in one tick reach another member in one record", async () => {
  const K = 6;
  // Every send waits here until all K have arrived, then all go on at once: their appends make one group commit.
  let armed = false;
  let arrived = 0;
  let go!: () => void;
  const together = new Promise<void>((resolve) => go = resolve);
  const beforeHandler = (op: AnyOp) => {
    if (!armed || op !== OPS.sendMessage) return;
    if (++arrived === K) go();
    return together;
  };
  await withClients(async (context) => {
    let records = 0;
    const owner = await signUp(context, "olga");
    const mia = await signUp(context, "mia", "ws", undefined, () => records++);
    const senders: Person[] = [];
    for (let i = 0; i < K; i++) senders.push(await signUp(context, `sender${i}`, i % 2 ? "ws" : "tcp"));
    for (const person of [mia, ...senders]) await befriend(owner, person);
    const memberIds = [mia, ...senders].map((p) => p.profile.id);
    const { room } = await owner.client.call(OPS.createRoom, { name: "Burst", memberIds });
    // Whatever the room's making pushed to Mia has arrived once an answer sent after it has.
    await stillServes(mia);
    const before = received(mia.pushes, PUSHES.message).length;

    records = 0;
    armed = true;
    const sent = await Promise.all(senders.map((person, i) => say(person, room.conversationId, `burst ${i}`)));
    assert.equal(new Set(sent.map((m) => m.seq)).size, K);
    await next(mia.pushes, PUSHES.message, () => received(mia.pushes, PUSHES.message).length === before + K);
    assert.equal(records, 1, `Mia got the ${K} pushes in one record`);
  }, { beforeHandler });
});
