import assert from "node:assert/strict";
import type { Conversation, Message } from "./chat_types.ts";
import { type ChatAction, type ChatContext, chatReducer, type ChatState, emptyChat } from "./conversations.ts";

const ME = 1;
const context: ChatContext = {
  me: ME,
  nickname: (id) => ({ 1: "Me", 2: "Bob", 3: "小明" } as Record<number, string>)[id],
};

function conversation(id: number, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    kind: "direct",
    roomId: null,
    peer: { id: 2, username: "bob", nickname: "Bob" },
    title: "Bob",
    lastSeq: 0,
    readSeq: 0,
    unread: 0,
    last: null,
    lastAt: null,
    ...extra,
  };
}

function message(conversationId: number, seq: number, extra: Partial<Message> = {}): Message {
  return {
    conversationId,
    seq,
    senderId: 2,
    clientId: `c${conversationId}-${seq}`,
    at: 1000 + seq,
    body: { type: "text", text: `message ${seq}` },
    recalledAt: null,
    ...extra,
  };
}

function run(state: ChatState, ...actions: ChatAction[]): ChatState {
  return actions.reduce((s, action) => chatReducer(s, action, context), state);
}

const ids = (state: ChatState) => state.conversations.map((c) => c.id);

Deno.test("chatReducer() orders conversations by last activity, those without messages last", () => {
  const state = run(emptyChat, {
    type: "conversations",
    conversations: [
      conversation(1),
      conversation(2, { lastSeq: 3, lastAt: 50, last: message(2, 3, { at: 50 }) }),
      conversation(3, { lastSeq: 1, lastAt: 90, last: message(3, 1, { at: 90 }) }),
      conversation(4),
    ],
  });
  assert.deepEqual(ids(state), [3, 2, 4, 1]);
  const moved = run(state, { type: "messages", messages: [message(1, 1, { at: 100 })] });
  assert.deepEqual(ids(moved), [1, 3, 2, 4], "a new message moves its conversation to the top");
});

Deno.test("chatReducer() computes previews: nickname first in rooms, none in direct conversations", () => {
  const room = conversation(5, { kind: "room", roomId: 9, peer: null, title: "Friends" });
  const state = run(
    emptyChat,
    { type: "conversations", conversations: [conversation(1), room] },
    { type: "messages", messages: [message(5, 1, { senderId: 3, body: { type: "text", text: "a\nb" } })] },
    {
      type: "messages",
      messages: [
        message(1, 1, {
          body: { type: "image", blob: new Uint8Array(32), mime: "image/png", width: 1, height: 1, size: 9 },
        }),
      ],
    },
  );
  const [direct, group] = [1, 5].map((id) => state.conversations.find((c) => c.id === id)!);
  assert.deepEqual(direct.preview, { sender: null, senderId: 2, content: { kind: "image" } });
  assert.deepEqual(group.preview, { sender: "小明", senderId: 3, content: { kind: "text", text: "a b" } });
});

Deno.test("chatReducer() counts unread messages from others, not the user's own, server lines or recalled ones", () => {
  const room = conversation(5, { kind: "room", roomId: 9, peer: null, title: "Friends" });
  let state = run(
    emptyChat,
    { type: "conversations", conversations: [room] },
    { type: "history", conversationId: 5, after: 0, messages: [], hasMore: false, knownLastSeq: 0 },
    {
      type: "messages",
      messages: [
        message(5, 1),
        message(5, 2, { senderId: ME }),
        message(5, 3, { senderId: null, clientId: null, body: { type: "system", event: "joined", userId: 3 } }),
        message(5, 4, { senderId: 3 }),
      ],
    },
  );
  assert.equal(state.conversations[0].unread, 2);
  state = run(state, {
    type: "messages",
    messages: [message(5, 4, { senderId: 3, body: { type: "recalled" }, recalledAt: 2000 })],
  });
  assert.equal(state.conversations[0].unread, 1, "a recalled message is no longer unread");
  assert.deepEqual(state.conversations[0].preview?.content, { kind: "recalled" });
  state = run(state, { type: "read", conversationId: 5, readSeq: 4 });
  assert.deepEqual([state.conversations[0].readSeq, state.conversations[0].unread], [4, 0]);
  assert.equal(run(state, { type: "read", conversationId: 5, readSeq: 2 }), state, "a read position never goes back");
});

Deno.test("chatReducer() keeps the server's unread count until it holds the messages, then counts them", () => {
  let state = run(emptyChat, {
    type: "conversations",
    conversations: [conversation(1, { lastSeq: 300, readSeq: 100, unread: 150, last: message(1, 300), lastAt: 1300 })],
  });
  assert.equal(state.conversations[0].unread, 150);
  state = run(state, { type: "messages", messages: [message(1, 301)] });
  assert.equal(state.conversations[0].unread, 151, "a message past the list's last adds one");
  state = run(state, { type: "read", conversationId: 1, readSeq: 301 });
  assert.equal(state.conversations[0].unread, 0);
});

Deno.test("chatReducer() keeps what it holds of listed conversations at a resume and forgets it at a reset", () => {
  const listed = { type: "conversations" as const, conversations: [conversation(1, { lastSeq: 1 }), conversation(2)] };
  const state = run(
    emptyChat,
    listed,
    { type: "history", conversationId: 1, after: 0, messages: [message(1, 1)], hasMore: false, knownLastSeq: 1 },
  );
  const resumed = run(state, { type: "conversations", conversations: [conversation(1, { lastSeq: 2 })] });
  assert.equal(resumed.messages[1], state.messages[1]);
  assert.deepEqual(ids(resumed), [1]);
  assert.equal(resumed.messages[2], undefined);
  const other = run(state, { ...listed, reset: true });
  assert.deepEqual(other.messages, {});
});

Deno.test("chatReducer() updates the list from a push that overtook it and ignores messages of unknown conversations", () => {
  const state = run(
    emptyChat,
    { type: "conversations", conversations: [conversation(1, { lastSeq: 1 })] },
    { type: "history", conversationId: 1, after: 0, messages: [message(1, 1)], hasMore: false, knownLastSeq: 1 },
    { type: "messages", messages: [message(1, 2)] },
  );
  const stale = run(state, {
    type: "conversations",
    conversations: [conversation(1, { lastSeq: 1, last: message(1, 1), lastAt: 1001 })],
  });
  assert.equal(stale.conversations[0].lastSeq, 2);
  assert.equal(stale.conversations[0].last?.seq, 2);
  assert.equal(run(state, { type: "messages", messages: [message(7, 1)] }), state);
});

Deno.test("chatReducer() adds and removes conversations as membership changes", () => {
  let state = run(emptyChat, { type: "conversationAdded", conversation: conversation(3) });
  state = run(state, { type: "messages", messages: [message(3, 1)] });
  assert.equal(state.messages[3].messages.length, 1);
  state = run(state, { type: "conversationRemoved", conversationId: 3 });
  assert.deepEqual(state, { conversations: [], messages: {} });
  assert.equal(run(state, { type: "conversationRemoved", conversationId: 3 }), state);
});

Deno.test("chatReducer() shows a pending send and replaces it with the server's message", () => {
  const body = { type: "text" as const, text: "hello" };
  let state = run(
    emptyChat,
    { type: "conversations", conversations: [conversation(1)] },
    { type: "outgoing", entry: { clientId: "k", conversationId: 1, body, state: "pending" } },
  );
  assert.deepEqual(state.messages[1].outgoing.map((o) => [o.clientId, o.state]), [["k", "pending"]]);
  state = run(
    state,
    { type: "messages", messages: [message(1, 1, { senderId: ME, clientId: "k", body })] },
    { type: "outgoing", entry: { clientId: "k", conversationId: 1, state: "sent" } },
  );
  assert.deepEqual(state.messages[1].outgoing, []);
  assert.deepEqual(state.messages[1].messages.map((m) => m.clientId), ["k"]);
  assert.equal(state.conversations[0].unread, 0, "the user's own message is not unread");
});
