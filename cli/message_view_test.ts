import assert from "node:assert/strict";
import type { Message } from "../core/client/mod.ts";
import { messageJson, messageLines } from "./message_view.ts";

const names = { 2: { id: 2, username: "bob", nickname: "鲍勃" }, 3: { id: 3, username: "alice", nickname: "Alice" } };

function message(seq: number, senderId: number | null, body: Message["body"]): Message {
  return {
    conversationId: 1,
    seq,
    senderId,
    clientId: senderId ? `c${seq}` : null,
    at: 60_000 * seq,
    body,
    recalledAt: null,
  };
}

Deno.test("messageLines() keeps a multi-line text's lines, indented under the first", () => {
  assert.deepEqual(messageLines(message(1, 2, { type: "text", text: "第一行\nsecond" }), names), [
    "#1  1970-01-01 00:01  鲍勃: 第一行",
    "    second",
  ]);
});

Deno.test("messageLines() shows an image by its type, pixels, size and blob hash, and system lines in words", () => {
  const blob = new Uint8Array(32).fill(0xab);
  const image = message(2, 3, { type: "image", blob, mime: "image/png", width: 4, height: 3, size: 99 });
  assert.deepEqual(messageLines(image, names), [
    `#2  1970-01-01 00:02  Alice: [image image/png 4×3, 99 bytes, blob ${"ab".repeat(32)}]`,
  ]);
  const joined = message(3, null, { type: "system", event: "joined", userId: 2, by: 3 });
  assert.deepEqual(messageLines(joined, names), ["#3  1970-01-01 00:03  * 鲍勃 joined by Alice"]);
  assert.deepEqual(messageLines(message(4, 9, { type: "recalled" }), names), [
    "#4  1970-01-01 00:04  user 9: [recalled]",
  ]);
});

Deno.test("messageJson() gives stable fields: ISO times, the sender's names, the image's blob in hex", () => {
  const blob = new Uint8Array(32).fill(1);
  assert.deepEqual(
    messageJson(message(5, 2, { type: "image", blob, mime: "image/gif", width: 1, height: 2, size: 13 }), names),
    {
      seq: 5,
      at: "1970-01-01T00:05:00.000Z",
      sender: { id: 2, username: "bob", nickname: "鲍勃" },
      type: "image",
      image: { blob: "01".repeat(32), mime: "image/gif", width: 1, height: 2, size: 13 },
      recalledAt: null,
    },
  );
  assert.deepEqual(messageJson(message(6, null, { type: "system", event: "left", userId: 2 }), names), {
    seq: 6,
    at: "1970-01-01T00:06:00.000Z",
    sender: null,
    type: "system",
    event: "left",
    recalledAt: null,
  });
  assert.equal(messageJson(message(7, 8, { type: "text", text: "x" }), names).sender?.username, null);
});
