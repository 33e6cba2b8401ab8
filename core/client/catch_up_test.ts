// CatchUp's paging, against `history` answered by the paging rules of PROTOCOL.md §14.4 over a list of messages.
// tests/sdk_chat_test.ts runs it against the real server.

import assert from "node:assert/strict";
import type { Conversation, Message } from "./chat_types.ts";
import { CatchUp, type HistoryRequest } from "./catch_up.ts";
import { type ChatAction, type ChatContext, chatReducer, type ChatState, emptyChat } from "./conversations.ts";

const context: ChatContext = { me: 1, nickname: () => undefined };

function message(seq: number): Message {
  return {
    conversationId: 4,
    seq,
    senderId: 2,
    clientId: `c${seq}`,
    at: seq,
    body: { type: "text", text: String(seq) },
    recalledAt: null,
  };
}

function summary(lastSeq: number): Conversation {
  return {
    id: 4,
    kind: "direct",
    roomId: null,
    peer: null,
    title: "Bob",
    lastSeq,
    readSeq: 0,
    unread: 0,
    last: lastSeq ? message(lastSeq) : null,
    lastAt: lastSeq || null,
  };
}

/** `history` by §14.4 over `stored`, recording the requests. */
function setUp(stored: Message[], options: { pageSize?: number; initialPage?: number } = {}) {
  let state: ChatState = emptyChat;
  const requests: HistoryRequest[] = [];
  const errors: unknown[] = [];
  const dispatch = (action: ChatAction) => state = chatReducer(state, action, context);
  const catchUp = new CatchUp({
    history: (request) => {
      requests.push(request);
      const { after, before = Infinity, limit } = request;
      if (after !== undefined) {
        const all = stored.filter((m) => m.seq > after && m.seq < before);
        return Promise.resolve({ messages: all.slice(0, limit), hasMore: all.length > limit });
      }
      const all = stored.filter((m) => m.seq < before);
      return Promise.resolve({ messages: all.slice(-limit), hasMore: all.length > limit });
    },
    getState: () => state,
    dispatch,
    onError: (error) => errors.push(error),
    ...options,
  });
  return { catchUp, dispatch, requests, errors, state: () => state };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
const seqs = (state: ChatState) => state.messages[4]?.messages.map((m) => m.seq) ?? [];

Deno.test("CatchUp pages forward from what is held until nothing is missing", async () => {
  const { catchUp, dispatch, requests, state } = setUp(range(1, 25), { pageSize: 10 });
  dispatch({ type: "conversations", conversations: [summary(3)] });
  dispatch({ type: "history", conversationId: 4, after: 0, messages: range(1, 3), hasMore: false, knownLastSeq: 3 });
  dispatch({ type: "conversations", conversations: [summary(25)] });
  await catchUp.all();
  assert.deepEqual(requests.map((r) => r.after), [3, 13, 23]);
  assert.deepEqual(seqs(state()), range(1, 25).map((m) => m.seq));
  assert.equal(state().messages[4].through, 25);
});

Deno.test("CatchUp starts a long conversation of which nothing is held at its newest page, and loadOlder goes back", async () => {
  const { catchUp, dispatch, requests, state } = setUp(range(1, 120), { initialPage: 50 });
  dispatch({ type: "conversations", conversations: [summary(120)] });
  await catchUp.all();
  assert.deepEqual(requests, [{ conversationId: 4, limit: 50 }]);
  assert.deepEqual([seqs(state())[0], state().messages[4].through, state().messages[4].hasOlder], [71, 120, true]);
  assert.equal(await catchUp.loadOlder(4, 50), true);
  assert.equal(await catchUp.loadOlder(4, 50), false);
  assert.deepEqual(seqs(state()), range(1, 120).map((m) => m.seq));
  assert.equal(state().messages[4].hasOlder, false);
});

Deno.test("CatchUp fills the gap a push past it shows, once however many ask", async () => {
  const { catchUp, dispatch, requests, state } = setUp(range(1, 9));
  dispatch({ type: "conversations", conversations: [summary(2)] });
  dispatch({ type: "history", conversationId: 4, after: 0, messages: range(1, 2), hasMore: false, knownLastSeq: 2 });
  dispatch({ type: "messages", messages: [message(9)] });
  await Promise.all([catchUp.request(4), catchUp.request(4), catchUp.request(4)]);
  assert.deepEqual(seqs(state()), range(1, 9).map((m) => m.seq));
  assert.ok(requests.length <= 2, `asked ${requests.length} times`);
});

Deno.test("CatchUp drops pages that arrive after it stopped and reports failures other than a gone conversation", async () => {
  let state: ChatState = chatReducer(emptyChat, { type: "conversations", conversations: [summary(5)] }, context);
  const errors: unknown[] = [];
  let answer!: (page: { messages: Message[]; hasMore: boolean }) => void;
  const catchUp = new CatchUp({
    history: () => new Promise((resolve) => answer = resolve),
    getState: () => state,
    dispatch: (action) => state = chatReducer(state, action, context),
    onError: (error) => errors.push(error),
    isExpected: (error) => error === "gone",
  });
  const done = catchUp.request(4);
  catchUp.stop();
  answer({ messages: range(1, 5), hasMore: false });
  await done;
  assert.equal(state.messages[4], undefined);

  const failing = (error: unknown) =>
    new CatchUp({
      history: () => Promise.reject(error),
      getState: () => state,
      dispatch: () => {},
      onError: (e) => errors.push(e),
      isExpected: (e) => e === "gone",
    });
  await failing("gone").request(4);
  assert.deepEqual(errors, []);
  await failing("boom").request(4);
  assert.deepEqual(errors, ["boom"]);
});
