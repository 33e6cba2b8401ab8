// Friends and blocks over real sockets (PROTOCOL.md §12): finding a user, a request with a note answered "later" and
// asked again at the next login, accepted with both told at once; asking back; removal; the 7-day wait after a
// rejection; blocks that the blocked user cannot see; and each refusal with its code on a connection that goes on.

import assert from "node:assert/strict";
import { OPS, PUSHES } from "../core/protocol/registry.ts";
import { FakeClock } from "../core/time/clock.ts";
import { expectCode, withClients } from "./_accounts_helpers.ts";
import { befriend, logInAgain, next, received, say, signUp, stillServes } from "./_chat_helpers.ts";

const DAY = 24 * 60 * 60 * 1000;

Deno.test("a request answered later is asked again at the next login, and accepting tells both at once", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice", "tcp", "爱丽丝");
    const bob = await signUp(context, "bob", "ws");

    const found = await alice.client.call(OPS.findUser, { username: "  BOB " });
    assert.deepEqual(found.user, { id: bob.profile.id, username: "bob", nickname: "Bob" });
    const { request } = await alice.client.call(OPS.sendFriendRequest, {
      userId: found.user.id,
      note: "  我是你的同学，周末一起爬山  ",
    });
    assert.deepEqual(request, {
      id: request.id,
      from: { id: alice.profile.id, username: "alice", nickname: "爱丽丝" },
      note: "我是你的同学，周末一起爬山",
      status: "pending",
      createdAt: request.createdAt,
    });
    assert.deepEqual((await next(bob.pushes, PUSHES.friendRequest)).request, request, "Bob is told at once");

    const later = await bob.client.call(OPS.answerFriendRequest, { requestId: request.id, answer: "later" });
    assert.deepEqual(later, { request: { ...request, status: "deferred" } });
    assert.deepEqual(received(alice.pushes, PUSHES.friendAdded), [], "later is no answer for Alice");

    // The next login, from another device: the deferred request is asked again.
    const bobAgain = await logInAgain(context, bob, "tcp");
    assert.deepEqual(bobAgain.bundle.friendRequests, [{ ...request, status: "deferred" }]);
    assert.deepEqual(bobAgain.bundle.friends, []);

    const accepted = await bobAgain.client.call(OPS.answerFriendRequest, { requestId: request.id, answer: "accept" });
    assert.equal(accepted.request.status, "accepted");
    assert.deepEqual(accepted.friend, {
      id: alice.profile.id,
      username: "alice",
      nickname: "爱丽丝",
      online: true,
      lastSeenAt: null,
    });
    const conversationId = accepted.conversationId!;
    const toAlice = await next(alice.pushes, PUSHES.friendAdded);
    assert.deepEqual(toAlice, {
      friend: { id: bob.profile.id, username: "bob", nickname: "Bob", online: true, lastSeenAt: null },
      conversationId,
    });
    assert.deepEqual((await next(bobAgain.pushes, PUSHES.friendAdded)).friend.id, alice.profile.id);
    const added = await next(alice.pushes, PUSHES.conversationAdded);
    assert.deepEqual(added.conversation, {
      id: conversationId,
      kind: "direct",
      roomId: null,
      peer: { id: bob.profile.id, username: "bob", nickname: "Bob" },
      title: "Bob",
      lastSeq: 0,
      readSeq: 0,
      unread: 0,
      last: null,
      lastAt: null,
    });
    assert.equal((await next(bobAgain.pushes, PUSHES.conversationAdded)).conversation.title, "爱丽丝");

    // Answered for good: the next login asks nothing, and lists the friend and the conversation.
    const aliceAgain = await logInAgain(context, alice);
    assert.deepEqual(aliceAgain.bundle.friends.map((f) => f.id), [bob.profile.id]);
    assert.deepEqual(aliceAgain.bundle.conversations.map((c) => c.id), [conversationId]);
    const bobThird = await logInAgain(context, bobAgain);
    assert.deepEqual(bobThird.bundle.friendRequests, []);
    await expectCode(
      bobThird.client.call(OPS.answerFriendRequest, { requestId: request.id, answer: "accept" }),
      "not_found",
      "answering an answered request",
    );
  });
});

Deno.test("a request to someone offline waits in their next login bundle", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob");
    await bob.client.call(OPS.logout, {});
    const { request } = await alice.client.call(OPS.sendFriendRequest, { userId: bob.profile.id, note: null });
    assert.equal(request.note, null);
    assert.deepEqual(received(bob.pushes, PUSHES.friendRequest), [], "logged out: no push");
    const bobAgain = await logInAgain(context, bob);
    assert.deepEqual(bobAgain.bundle.friendRequests, [request]);
    await expectCode(
      alice.client.call(OPS.sendFriendRequest, { userId: bob.profile.id }),
      "already_requested",
      "asking twice",
    );
  });
});

Deno.test("asking someone who asked you first makes you both friends", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob", "ws");
    const { request } = await alice.client.call(OPS.sendFriendRequest, { userId: bob.profile.id, note: "hi" });
    const back = await bob.client.call(OPS.sendFriendRequest, { userId: alice.profile.id, note: "hello" });
    assert.deepEqual(back.request, { ...request, status: "accepted" }, "the answer is Alice's request, accepted");
    const toAlice = await next(alice.pushes, PUSHES.friendAdded);
    const toBob = await next(bob.pushes, PUSHES.friendAdded);
    assert.equal(toAlice.conversationId, toBob.conversationId);
    await expectCode(
      alice.client.call(OPS.sendFriendRequest, { userId: bob.profile.id }),
      "already_friends",
      "asking a friend",
    );
  });
});

Deno.test("removing a friend tells both, closes the conversation, and a new friendship reopens it with its history", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob", "ws");
    const conversationId = await befriend(alice, bob);
    await say(alice, conversationId, "before");
    await alice.client.call(OPS.removeFriend, { userId: bob.profile.id });
    assert.deepEqual(await next(bob.pushes, PUSHES.friendRemoved), { userId: alice.profile.id });
    assert.deepEqual(await next(alice.pushes, PUSHES.friendRemoved), { userId: bob.profile.id });
    assert.deepEqual(await next(bob.pushes, PUSHES.conversationRemoved), { conversationId });
    await expectCode(say(bob, conversationId, "after"), "not_allowed", "writing to an ex-friend");
    await expectCode(
      bob.client.call(OPS.history, { conversationId, limit: 10 }),
      "not_allowed",
      "reading an ex-friend's conversation",
    );
    assert.deepEqual((await bob.client.call(OPS.sync, {})).conversations, []);
    await expectCode(alice.client.call(OPS.removeFriend, { userId: bob.profile.id }), "not_found", "removing twice");

    // Friends again: the same conversation, its history kept, nothing of it unread.
    assert.equal(await befriend(bob, alice), conversationId);
    const { conversations } = await bob.client.call(OPS.sync, {});
    assert.deepEqual(conversations.map((c) => [c.id, c.lastSeq, c.unread]), [[conversationId, 1, 0]]);
    const { messages } = await bob.client.call(OPS.history, { conversationId, limit: 10 });
    assert.deepEqual(messages.map((m) => m.body), [{ type: "text", text: "before" }]);
  });
});

Deno.test("a rejected request cannot be sent again for 7 days, then it can", async () => {
  const clock = new FakeClock();
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob");
    const { request } = await alice.client.call(OPS.sendFriendRequest, { userId: bob.profile.id, note: "first" });
    await bob.client.call(OPS.answerFriendRequest, { requestId: request.id, answer: "reject" });
    // A fake day ends these idle connections (no answer to the keep-alive): each step logs in anew.
    clock.tick(DAY);
    const alice2 = await logInAgain(context, alice);
    const refused = await expectCode(
      alice2.client.call(OPS.sendFriendRequest, { userId: bob.profile.id }),
      "rate_limited",
      "asking again the next day",
    );
    assert.equal(refused.retryAfterMs, 6 * DAY);
    assert.match(refused.message, /6 days/);

    clock.tick(6 * DAY);
    const alice3 = await logInAgain(context, alice);
    const bob3 = await logInAgain(context, bob);
    const again = await alice3.client.call(OPS.sendFriendRequest, { userId: bob.profile.id, note: "second" });
    assert.deepEqual([again.request.id, again.request.status, again.request.note], [request.id, "pending", "second"]);
    assert.equal(again.request.createdAt, clock.now());
    assert.equal((await next(bob3.pushes, PUSHES.friendRequest)).request.note, "second");
  }, { clock });
});

Deno.test("a block ends the friendship both ways and the blocked user sees only not_found and not_allowed", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob", "ws");
    const carol = await signUp(context, "carol");
    const conversationId = await befriend(alice, bob);
    // Carol's pending request to Alice goes with Alice's block of Carol.
    await carol.client.call(OPS.sendFriendRequest, { userId: alice.profile.id });

    await alice.client.call(OPS.blockUser, { userId: bob.profile.id });
    await alice.client.call(OPS.blockUser, { userId: carol.profile.id });
    await alice.client.call(OPS.blockUser, { userId: carol.profile.id }); // harmless again
    // Bob hears what a removal says, nothing more.
    assert.deepEqual(await next(bob.pushes, PUSHES.friendRemoved), { userId: alice.profile.id });
    assert.deepEqual(await next(bob.pushes, PUSHES.conversationRemoved), { conversationId });

    await expectCode(bob.client.call(OPS.findUser, { username: "alice" }), "not_found", "finding the blocker");
    await expectCode(
      bob.client.call(OPS.sendFriendRequest, { userId: alice.profile.id }),
      "not_found",
      "asking the blocker",
    );
    await expectCode(say(bob, conversationId, "hello?"), "not_allowed", "writing to the blocker");
    await expectCode(say(alice, conversationId, "bye"), "not_allowed", "the blocker cannot write either");
    assert.deepEqual(await alice.client.call(OPS.findUser, { username: "bob" }), {
      user: { id: bob.profile.id, username: "bob", nickname: "Bob" },
    }, "the blocker still finds whom she blocked");
    await expectCode(
      alice.client.call(OPS.sendFriendRequest, { userId: bob.profile.id }),
      "not_allowed",
      "asking someone one blocked",
    );
    const aliceAgain = await logInAgain(context, alice);
    assert.deepEqual(aliceAgain.bundle.friendRequests, [], "Carol's request went with the block");
    assert.deepEqual(aliceAgain.bundle.friends, []);
    const { blocked } = await aliceAgain.client.call(OPS.listBlocked, {});
    assert.deepEqual(blocked.map((b) => b.username).sort(), ["bob", "carol"]);

    await aliceAgain.client.call(OPS.unblockUser, { userId: bob.profile.id });
    await expectCode(
      aliceAgain.client.call(OPS.unblockUser, { userId: bob.profile.id }),
      "not_found",
      "unblocking twice",
    );
    assert.equal((await bob.client.call(OPS.findUser, { username: "alice" })).user.id, alice.profile.id);
    await expectCode(say(bob, conversationId, "hi"), "not_allowed", "unblocking is not befriending");
    assert.equal(await befriend(bob, aliceAgain), conversationId);
    await stillServes(bob);
  });
});

Deno.test("each bad friends request gets its code and the connection goes on", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob");
    const carol = await signUp(context, "carol");
    const { request } = await bob.client.call(OPS.sendFriendRequest, { userId: carol.profile.id });
    // Each sent only once the one before has been answered.
    const cases: [string, () => Promise<unknown>, string][] = [
      ["an unknown username", () => alice.client.call(OPS.findUser, { username: "nobody" }), "not_found"],
      ["a name that cannot be a username", () => alice.client.call(OPS.findUser, { username: "张三" }), "not_found"],
      [
        "a request to oneself",
        () => alice.client.call(OPS.sendFriendRequest, { userId: alice.profile.id }),
        "not_allowed",
      ],
      ["a request to nobody", () => alice.client.call(OPS.sendFriendRequest, { userId: 999_999 }), "not_found"],
      [
        "a note with a line break",
        () => alice.client.call(OPS.sendFriendRequest, { userId: bob.profile.id, note: "a\nb" }),
        "bad_request",
      ],
      [
        "answering a request to someone else",
        () => alice.client.call(OPS.answerFriendRequest, { requestId: request.id, answer: "accept" }),
        "not_found",
      ],
      [
        "answering one's own request",
        () => bob.client.call(OPS.answerFriendRequest, { requestId: request.id, answer: "accept" }),
        "not_found",
      ],
      [
        "an unknown request",
        () => alice.client.call(OPS.answerFriendRequest, { requestId: 999_999, answer: "reject" }),
        "not_found",
      ],
      ["removing a stranger", () => alice.client.call(OPS.removeFriend, { userId: bob.profile.id }), "not_found"],
      ["blocking oneself", () => alice.client.call(OPS.blockUser, { userId: alice.profile.id }), "not_allowed"],
      ["blocking nobody", () => alice.client.call(OPS.blockUser, { userId: 999_999 }), "not_found"],
      [
        "unblocking someone not blocked",
        () => alice.client.call(OPS.unblockUser, { userId: bob.profile.id }),
        "not_found",
      ],
    ];
    for (const [what, request, code] of cases) await expectCode(request(), code, what);
    await stillServes(alice);
    await stillServes(bob);
    assert.deepEqual(
      (await carol.client.call(OPS.answerFriendRequest, { requestId: request.id, answer: "reject" }))
        .request.status,
      "rejected",
    );
  });
});
