import assert from "node:assert/strict";
import type { ConversationMessages, Message } from "../../core/client/mod.ts";
import { type ChatLineOptions, chatLines } from "./chat_lines.ts";
import { textWidth } from "./width.ts";

function message(seq: number, senderId: number | null, body: Message["body"], recalledAt: number | null = null) {
  return { conversationId: 1, seq, senderId, clientId: null, at: seq * 60_000, body, recalledAt } as Message;
}

const NAMES: Record<number, string> = { 1: "alice", 2: "鲍勃" };
const OPTIONS: ChatLineOptions = {
  width: 30,
  me: 1,
  nickname: (id) => NAMES[id] ?? `#${id}`,
  imageNote: (m) => m.seq === 3 ? "saved: /tmp/d/x.png" : undefined,
  time: (at) => `00:${String(at / 60_000).padStart(2, "0")}`,
};

function held(messages: Message[], extra: Partial<ConversationMessages> = {}): ConversationMessages {
  return { messages, through: messages.length, hasOlder: false, outgoing: [], ...extra };
}

Deno.test("chatLines() shows time and sender, and indents a two-line message's second line under its text", () => {
  const lines = chatLines(held([message(1, 2, { type: "text", text: "你好\nsecond line" })]), OPTIONS);
  assert.deepEqual(lines, [
    { text: "00:01 鲍勃: 你好", kind: "other" },
    { text: "      second line", kind: "other" },
  ]);
});

Deno.test("chatLines() wraps long text by display width within the panel", () => {
  const text = "这是一条很长的中文消息，需要按照显示宽度换行才能对齐";
  const lines = chatLines(held([message(1, 1, { type: "text", text })]), OPTIONS);
  assert.ok(lines.length > 1);
  for (const line of lines) assert.ok(textWidth(line.text) <= 30, line.text);
  assert.equal(lines[0].kind, "own");
  assert.ok(lines.slice(1).every((line) => line.text.startsWith("      ")));
});

Deno.test("chatLines() names images with where they were saved, recalled messages and room events", () => {
  const image = {
    type: "image" as const,
    blob: new Uint8Array(32),
    mime: "image/png",
    width: 4,
    height: 3,
    size: 2048,
    thumbnail: null,
  };
  const lines = chatLines(
    held([
      message(2, null, { type: "system", event: "joined", userId: 2, by: 1 }),
      message(3, 2, image),
      message(4, 2, { type: "recalled" }, 5),
    ]),
    { ...OPTIONS, width: 60 },
  );
  assert.deepEqual(lines.map((l) => l.text), [
    "00:02 * 鲍勃 joined (by alice)",
    "00:03 鲍勃: [image 4×3, 2.0 KB] saved: /tmp/d/x.png",
    "00:04 鲍勃: (recalled a message)",
  ]);
});

Deno.test("chatLines() says when older messages can be loaded and shows sends still on their way", () => {
  const lines = chatLines(
    held([message(5, 2, { type: "text", text: "hi" })], {
      hasOlder: true,
      outgoing: [
        { clientId: "a", conversationId: 1, body: { type: "text", text: "on its way" }, state: "pending" },
        {
          clientId: "b",
          conversationId: 1,
          body: { type: "text", text: "no" },
          state: "failed",
          error: new Error("not friends"),
        },
      ],
    }),
    { ...OPTIONS, width: 60 },
  );
  assert.match(lines[0].text, /PgUp/);
  assert.deepEqual(lines.slice(2).map((l) => [l.kind, l.text.trim()]), [
    ["pending", "›   me: on its way (sending…)"],
    ["failed", "!   me: no (not sent: not friends)"],
  ]);
});

Deno.test("chatLines() draws nothing for a conversation not loaded and refuses a panel too narrow", () => {
  assert.deepEqual(chatLines(undefined, OPTIONS), []);
  assert.throws(() => chatLines(undefined, { ...OPTIONS, width: 5 }), RangeError);
});
