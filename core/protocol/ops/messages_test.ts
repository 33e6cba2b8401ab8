// Tests for the conversation and message operations: bodies by type, client ids, paging bounds (PROTOCOL.md §14).

import assert from "node:assert/strict";
import { parseValue } from "../parse.ts";
import {
  history,
  markRead,
  MAX_CLIENT_ID,
  MAX_HISTORY,
  message,
  messagePush,
  messageRecalled,
  sendMessage,
  sync,
} from "./messages.ts";

const image = {
  type: "image",
  blob: new Uint8Array(32),
  mime: "image/webp",
  width: 1,
  height: 1,
  size: 30,
};

function send(body: unknown, clientId: unknown = "c1") {
  return parseValue(sendMessage.request, { conversationId: 1, clientId, body });
}

Deno.test("send_message takes multi-line text and an image with or without a thumbnail", () => {
  assert.equal(send({ type: "text", text: "第一行\n第二行\n\nthird" }).ok, true);
  assert.equal(send(image).ok, true);
  assert.equal(send({ ...image, thumbnail: new Uint8Array(10) }).ok, true);
  assert.equal(send({ ...image, thumbnail: null }).ok, true);
});

Deno.test("send_message refuses empty text, naming the field", () => {
  for (const text of ["", " \n\t "]) {
    assert.deepEqual(send({ type: "text", text }), {
      ok: false,
      path: "body.text",
      message: "Field body.text must not be empty",
    });
  }
});

Deno.test("send_message checks a body by its type and names the field that does not fit", () => {
  assert.deepEqual(send({ type: "text", text: 4 }), {
    ok: false,
    path: "body.text",
    message: "Field body.text must be a string, not the number 4",
  });
  assert.deepEqual(send({ ...image, blob: new Uint8Array(31) }), {
    ok: false,
    path: "body.blob",
    message: "Field body.blob must be 32 bytes, not 31",
  });
  assert.deepEqual(send({ ...image, width: 0 }), {
    ok: false,
    path: "body.width",
    message: "Field body.width must be a whole number from 1",
  });
  assert.deepEqual(send({ text: "no type" }), { ok: false, path: "body.type", message: "Field body.type is missing" });
});

Deno.test("send_message refuses the bodies only the server writes, and unknown types", () => {
  for (const type of ["system", "recalled", "sticker", "toString"]) {
    assert.deepEqual(send({ type, event: "joined" }), {
      ok: false,
      path: "body.type",
      message: 'Field body.type must be one of "text", "image"',
    });
  }
});

Deno.test("a client id is 1 to 64 characters without control characters", () => {
  assert.equal(send({ type: "text", text: "hi" }, "x".repeat(MAX_CLIENT_ID)).ok, true);
  assert.equal(send({ type: "text", text: "hi" }, "").ok, false);
  assert.equal(send({ type: "text", text: "hi" }, "x".repeat(MAX_CLIENT_ID + 1)).ok, false);
  assert.deepEqual(send({ type: "text", text: "hi" }, "a\nb"), {
    ok: false,
    path: "clientId",
    message: "Field clientId cannot hold control characters",
  });
});

Deno.test("a delivered message keeps a body of a type this version does not know, whole", () => {
  const future = {
    conversationId: 1,
    seq: 2,
    senderId: 3,
    clientId: "c",
    at: 4,
    body: { type: "file", name: "report.pdf", blob: new Uint8Array(32) },
    recalledAt: null,
  };
  assert.deepEqual(parseValue(message, future), { ok: true, value: future });
  assert.deepEqual(parseValue(message, { ...future, body: { type: 7 } }), {
    ok: false,
    path: "body.type",
    message: "Field body.type must be a string, not the number 7",
  });
});

Deno.test("a system line and a recalled message are messages without a sender's content", () => {
  const system = {
    conversationId: 1,
    seq: 1,
    senderId: null,
    clientId: null,
    at: 4,
    body: { type: "system", event: "joined", userId: 5 },
    recalledAt: null,
  };
  assert.equal(parseValue(message, system).ok, true);
  assert.deepEqual(parseValue(message, { ...system, body: { type: "system", event: "exploded" } }), {
    ok: false,
    path: "body.event",
    message: 'Field body.event must be one of "created", "joined", "left", "removed", "renamed", "owner"',
  });
  assert.equal(parseValue(message, { ...system, senderId: 5, body: { type: "recalled" }, recalledAt: 9 }).ok, true);
});

Deno.test("history pages 1 to 200 messages, from seq 0 forward or from seq 1 backward", () => {
  const page = (body: Record<string, unknown>) => parseValue(history.request, { conversationId: 1, ...body });
  assert.equal(page({ limit: 1 }).ok, true);
  assert.equal(page({ limit: MAX_HISTORY, after: 0 }).ok, true);
  assert.equal(page({ limit: 20, before: 1 }).ok, true);
  assert.deepEqual(page({ limit: MAX_HISTORY + 1 }), {
    ok: false,
    path: "limit",
    message: "Field limit must be 1 to 200",
  });
  assert.equal(page({ limit: 0 }).ok, false);
  assert.equal(page({ limit: 10, before: 0 }).ok, false, "nothing lies before seq 0");
  assert.equal(page({ limit: 10, after: -1 }).ok, false);
});

Deno.test("mark_read takes seq 0 and up", () => {
  assert.equal(parseValue(markRead.request, { conversationId: 1, seq: 0 }).ok, true);
  assert.equal(parseValue(markRead.request, { conversationId: 1, seq: -1 }).ok, false);
});

const line = {
  conversationId: 1,
  seq: 2,
  senderId: 5,
  clientId: "c1",
  at: 4,
  body: { type: "text", text: "hi" },
  recalledAt: null,
};
const eve = { id: 5, username: "eve", nickname: "Eve" };

Deno.test("history and sync answer the senders of their messages, and refuse an answer without them", () => {
  assert.equal(parseValue(history.response, { messages: [line], hasMore: false, users: [eve] }).ok, true);
  assert.deepEqual(parseValue(history.response, { messages: [line], hasMore: false }), {
    ok: false,
    path: "users",
    message: "Field users is missing",
  });
  assert.equal(parseValue(sync.response, { conversations: [], users: [] }).ok, true);
  assert.equal(parseValue(history.response, { messages: [], hasMore: false, users: [{ id: 5 }] }).ok, false);
});

Deno.test("message and message_recalled pushes name the sender, null for the server's line", () => {
  for (const push of [messagePush, messageRecalled]) {
    assert.equal(parseValue(push.body, { message: line, sender: eve }).ok, true);
    assert.equal(parseValue(push.body, { message: { ...line, senderId: null }, sender: null }).ok, true);
    assert.equal(parseValue(push.body, { message: line }).ok, false, "the key is always there");
  }
});
