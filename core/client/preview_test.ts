import assert from "node:assert/strict";
import type { Message, MessageBody } from "./chat_types.ts";
import { cutToWidth, displayWidth, foldLines, formatPreview, previewOf, type PreviewWords } from "./preview.ts";

function message(body: MessageBody, extra: Partial<Message> = {}): Message {
  return { conversationId: 1, seq: 1, senderId: 7, clientId: "c1", at: 10, body, recalledAt: null, ...extra };
}

const names = (id: number) => ({ 7: "Alice", 8: "小明" } as Record<number, string>)[id];
const words: PreviewWords = {
  image: "[图片]",
  recalled: "撤回了一条消息",
  system: (event) => `<${event}>`,
  unsupported: "[?]",
};

Deno.test("previewOf() shows the sender's nickname in rooms and none in direct conversations", () => {
  const text = message({ type: "text", text: "hi" });
  assert.deepEqual(previewOf(text, { room: true, nickname: names }), {
    sender: "Alice",
    senderId: 7,
    content: { kind: "text", text: "hi" },
  });
  assert.equal(previewOf(text, { room: false, nickname: names }).sender, null);
  assert.equal(previewOf(message(text.body, { senderId: 99 }), { room: true, nickname: names }).sender, null);
});

Deno.test("previewOf() gives images, recalls, system lines and unknown bodies a placeholder, not words", () => {
  const image = message({
    type: "image",
    blob: new Uint8Array(32),
    mime: "image/png",
    width: 1,
    height: 1,
    size: 60,
  });
  assert.deepEqual(previewOf(image, { room: false, nickname: names }).content, { kind: "image" });
  const recalled = message({ type: "recalled" }, { recalledAt: 20 });
  assert.deepEqual(previewOf(recalled, { room: false, nickname: names }).content, { kind: "recalled" });
  const system = message({ type: "system", event: "joined", userId: 8 }, { senderId: null, clientId: null });
  const preview = previewOf(system, { room: true, nickname: names });
  assert.deepEqual(preview, { sender: null, senderId: null, content: { kind: "system", event: "joined" } });
  const future = message({ type: "poll", question: "?" } as unknown as MessageBody);
  assert.deepEqual(previewOf(future, { room: false, nickname: names }).content, { kind: "unsupported" });
});

Deno.test("previewOf() folds newlines and cuts long text to the width asked", () => {
  const text = message({ type: "text", text: "第一行\n\n第二行 and more words than fit" });
  const preview = previewOf(text, { room: true, nickname: names, maxWidth: 16 });
  assert.deepEqual(preview.content, { kind: "text", text: "第一行 第二行 a…" });
  assert.ok(displayWidth((preview.content as { text: string }).text) <= 16);
});

Deno.test("formatPreview() puts the nickname first and the UI's words in place of placeholders", () => {
  assert.equal(formatPreview({ sender: "小明", senderId: 8, content: { kind: "image" } }, words), "小明: [图片]");
  assert.equal(formatPreview({ sender: null, senderId: 7, content: { kind: "text", text: "hi" } }, words), "hi");
  assert.equal(
    formatPreview({ sender: null, senderId: null, content: { kind: "system", event: "left" } }, words),
    "<left>",
  );
  assert.equal(formatPreview({ sender: "A", senderId: 1, content: { kind: "unsupported" } }, words), "A: [?]");
});

Deno.test("foldLines() turns every kind of line break into one space and trims", () => {
  assert.equal(foldLines("a\r\nb\rc\nd\u2028e\u2029f"), "a b c d e f");
  assert.equal(foldLines("  a  \n\n\n  b  "), "a b");
  assert.equal(foldLines("\n\n"), "");
});

Deno.test("displayWidth() counts wide characters and emoji as two columns and marks as none", () => {
  assert.equal(displayWidth("abc"), 3);
  assert.equal(displayWidth("你好"), 4);
  assert.equal(displayWidth("ｆｕｌｌ"), 8);
  assert.equal(displayWidth("e\u0301"), 1, "a letter with a combining accent is one column");
  assert.equal(displayWidth("👨‍👩‍👧"), 2, "a family emoji sequence is one wide glyph");
  assert.equal(displayWidth("❤️"), 2);
  assert.equal(displayWidth("한국어"), 6);
});

Deno.test("cutToWidth() leaves short text alone and never cuts inside a grapheme cluster", () => {
  assert.equal(cutToWidth("hello", 5), "hello");
  assert.equal(cutToWidth("hello!", 5), "hell…");
  assert.equal(cutToWidth("你好世界", 5), "你好…");
  assert.equal(cutToWidth("你好世界", 6), "你好…", "a wide character that does not fit is left out whole");
  assert.equal(cutToWidth("👍🏽👍🏽👍🏽", 5), "👍🏽👍🏽…");
  assert.equal(cutToWidth("ae\u0301e\u0301e\u0301", 3), "ae\u0301…");
  assert.equal(cutToWidth("ab cdef", 4), "ab…", "a space before the ellipsis is dropped");
  const emoji = "😀".repeat(30);
  const cut = cutToWidth(emoji, 9);
  assert.equal(cut, "😀😀😀😀…");
  assert.ok(!/[\uD800-\uDBFF]$/.test(cut.slice(0, -1)), "no lone high surrogate before the ellipsis");
});

Deno.test("cutToWidth() refuses a width below 1", () => {
  assert.throws(() => cutToWidth("x", 0), RangeError);
  assert.throws(() => cutToWidth("x", 1.5), RangeError);
  assert.equal(cutToWidth("xy", 1), "…");
});
