import assert from "node:assert/strict";
import type { Message } from "./chat_types.ts";
import {
  addMessages,
  applyPage,
  type ConversationMessages,
  emptyMessages,
  gapAfter,
  mergeMessages,
  type OutgoingMessage,
  setOutgoing,
  setUploaded,
} from "./messages.ts";

const ME = 9;

function m(seq: number, extra: Partial<Message> = {}): Message {
  return {
    conversationId: 1,
    seq,
    senderId: 2,
    clientId: `c${seq}`,
    at: seq * 10,
    body: { type: "text", text: `#${seq}` },
    recalledAt: null,
    ...extra,
  };
}

const seqs = (state: ConversationMessages) => state.messages.map((message) => message.seq);

Deno.test("mergeMessages() keeps one message per seq in order, and a recall replaces the form held", () => {
  const held = [m(1), m(3)];
  const merged = mergeMessages(held, [m(4), m(2), m(3), m(2)]);
  assert.deepEqual(merged.map((x) => x.seq), [1, 2, 3, 4]);
  assert.equal(mergeMessages(held, [m(1), m(3)]), held, "nothing new: the same list");
  const recalled = m(3, { body: { type: "recalled" }, recalledAt: 99 });
  assert.equal(mergeMessages(held, [recalled])[1], recalled);
  assert.equal(mergeMessages([recalled], [m(3)])[0], recalled, "a late copy of the original does not undo a recall");
});

Deno.test("addMessages() moves `through` over messages in sequence and holds one past a gap", () => {
  let state = addMessages(emptyMessages, [m(1), m(2)], ME);
  assert.equal(state.through, 2);
  state = addMessages(state, [m(5)], ME);
  assert.deepEqual(seqs(state), [1, 2, 5]);
  assert.equal(state.through, 2, "3 and 4 are missing");
  assert.equal(gapAfter(state, 5), 2);
  state = addMessages(state, [m(4), m(3)], ME);
  assert.equal(state.through, 5);
  assert.equal(gapAfter(state, 5), undefined);
  assert.equal(addMessages(state, [m(4)], ME), state, "a repeat changes nothing");
});

Deno.test("applyPage() moves `through` with forward pages and to the known end when nothing more follows", () => {
  let state = applyPage(emptyMessages, { after: 0, messages: [m(1), m(2)], hasMore: true, knownLastSeq: 6 }, ME);
  assert.equal(state.through, 2);
  assert.equal(state.hasOlder, false);
  state = applyPage(state, { after: 2, messages: [m(3), m(5)], hasMore: false, knownLastSeq: 6 }, ME);
  assert.deepEqual(seqs(state), [1, 2, 3, 5]);
  assert.equal(state.through, 6, "what the page left out up to the known end is not the user's to see");
  const stale = applyPage(state, { after: 8, messages: [m(9)], hasMore: false, knownLastSeq: 12 }, ME);
  assert.equal(stale.through, 6, "a page past a gap does not fill the gap");
  assert.deepEqual(seqs(stale), [1, 2, 3, 5, 9]);
});

Deno.test("applyPage() starts with the newest page and pages backward until nothing older remains", () => {
  let state = applyPage(emptyMessages, { messages: [m(8), m(9), m(10)], hasMore: true, knownLastSeq: 10 }, ME);
  assert.deepEqual([seqs(state), state.through, state.hasOlder], [[8, 9, 10], 10, true]);
  state = applyPage(state, { before: 8, messages: [m(5), m(6), m(7)], hasMore: true, knownLastSeq: 10 }, ME);
  assert.deepEqual([seqs(state), state.through, state.hasOlder], [[5, 6, 7, 8, 9, 10], 10, true]);
  state = applyPage(state, { before: 5, messages: [m(3), m(4)], hasMore: false, knownLastSeq: 10 }, ME);
  assert.equal(state.hasOlder, false);
  const empty = applyPage(emptyMessages, { messages: [], hasMore: false, knownLastSeq: 4 }, ME);
  assert.deepEqual([empty.through, empty.hasOlder], [4, false], "a room whose history the user may not see");
});

Deno.test("applyPage() with the newest page over pushed messages keeps them and counts the range complete", () => {
  let state = addMessages(emptyMessages, [m(11)], ME);
  assert.equal(state.through, 0);
  state = applyPage(state, { messages: [m(9), m(10), m(11)], hasMore: true, knownLastSeq: 11 }, ME);
  assert.deepEqual([seqs(state), state.through], [[9, 10, 11], 11]);
});

Deno.test("a send shows while pending or failed and once as the server's message when answered", () => {
  const pending: OutgoingMessage = {
    clientId: "x1",
    conversationId: 1,
    body: { type: "text", text: "hi" },
    state: "pending",
  };
  let state = setOutgoing(emptyMessages, pending, ME);
  assert.deepEqual(state.outgoing, [pending]);
  assert.equal(setOutgoing(state, pending, ME), state);
  const failed = { ...pending, state: "failed" as const, error: new Error("no") };
  state = setOutgoing(state, failed, ME);
  assert.equal(state.outgoing[0].state, "failed");
  state = setOutgoing(state, pending, ME);
  state = addMessages(state, [m(1, { senderId: ME, clientId: "x1" })], ME);
  assert.deepEqual(state.outgoing, [], "the answer replaces the pending send");
  assert.equal(setOutgoing(state, { clientId: "x1", state: "sent" }, ME), state);
  assert.equal(setUploaded(state, "x1", 10), state, "progress never brings back a send that was answered");
  assert.equal(setOutgoing(state, pending, ME), state, "a late pending change of an answered send is not shown");
});

Deno.test("a send answered by catch-up before the outbox hears it shows once", () => {
  const pending: OutgoingMessage = {
    clientId: "x2",
    conversationId: 1,
    body: { type: "text", text: "hi" },
    state: "pending",
  };
  let state = setOutgoing(emptyMessages, pending, ME);
  state = applyPage(
    state,
    { after: 0, messages: [m(1), m(2, { senderId: ME, clientId: "x2" })], hasMore: false, knownLastSeq: 2 },
    ME,
  );
  assert.deepEqual(state.outgoing, []);
  assert.deepEqual(seqs(state), [1, 2]);
  const other = addMessages(setOutgoing(emptyMessages, pending, ME), [m(1, { clientId: "x2" })], ME);
  assert.equal(other.outgoing.length, 1, "another sender's message with the same client id is not the answer");
});

Deno.test("setUploaded() records an image's upload progress on its waiting send and keeps it across a failure", () => {
  const pending: OutgoingMessage = {
    clientId: "i1",
    conversationId: 1,
    body: { type: "image", blob: new Uint8Array(32), mime: "image/png", width: 1, height: 1, size: 100 },
    state: "pending",
  };
  let state = setOutgoing(emptyMessages, pending, ME);
  state = setUploaded(state, "i1", 40);
  assert.equal(state.outgoing[0].uploaded, 40);
  assert.equal(setUploaded(state, "i1", 40), state, "the same figure changes nothing");
  state = setOutgoing(state, { ...pending, state: "failed", error: new Error("cut") }, ME);
  assert.equal(state.outgoing[0].uploaded, 40, "a failed upload says how far it got");
  assert.equal(setUploaded(state, "other", 5), state, "an unknown send is left alone");
});
