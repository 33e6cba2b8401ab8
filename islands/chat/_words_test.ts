import assert from "node:assert/strict";
import { formatPreview, ProtocolError } from "../../core/client/mod.ts";
import { LOCALES } from "../_i18n.ts";
import { systemText } from "./_message_row.tsx";
import { CHAT_WORDS, chatReason } from "./_words.ts";

const names: Record<number, string> = { 1: "Alice", 2: "小明" };
const nameOf = (id: number) => names[id];

Deno.test("system lines name who did what in both languages", () => {
  const en = { words: CHAT_WORDS.en, nameOf };
  const zh = { words: CHAT_WORDS["zh-CN"], nameOf };
  assert.equal(
    systemText({ type: "system", event: "created", by: 1, name: "Tea" }, en),
    "Alice created the group “Tea”",
  );
  assert.equal(systemText({ type: "system", event: "joined", userId: 2, by: 1 }, en), "Alice added 小明");
  assert.equal(systemText({ type: "system", event: "joined", userId: 2 }, en), "小明 joined the group");
  assert.equal(systemText({ type: "system", event: "removed", userId: 2, by: 1 }, zh), "Alice 将 小明 移出了群聊");
  assert.equal(systemText({ type: "system", event: "renamed", name: "茶", by: 1 }, zh), "Alice 将群名改为“茶”");
  assert.equal(systemText({ type: "system", event: "left", userId: 9 }, zh), "某人 退出了群聊");
});

Deno.test("previews use each language's placeholders: [图片] and [Image]", () => {
  const image = { sender: "小明", senderId: 2, content: { kind: "image" as const } };
  assert.equal(formatPreview(image, CHAT_WORDS["zh-CN"].preview), "小明: [图片]");
  assert.equal(formatPreview(image, CHAT_WORDS.en.preview), "小明: [Image]");
  const joined = { sender: null, senderId: null, content: { kind: "system" as const, event: "joined" } };
  assert.equal(formatPreview(joined, CHAT_WORDS["zh-CN"].preview), "[有人加入]");
});

Deno.test("chatReason() names the chat's refusals in the language and leaves others to the shared words", () => {
  const tooLarge = new ProtocolError("too_large", "A message holds at most 10 characters");
  assert.equal(chatReason(CHAT_WORDS["zh-CN"], tooLarge, () => "other"), "超过了服务器允许的大小");
  assert.equal(chatReason(CHAT_WORDS.en, new Error("x"), () => "other"), "other");
});

Deno.test("every language has a word for every unread count", () => {
  for (const locale of LOCALES) assert.match(CHAT_WORDS[locale].unread(3), /3/);
  assert.equal(CHAT_WORDS.en.unread(1), "1 unread message");
});

Deno.test("an image's upload progress reads as a whole percentage in both languages", () => {
  assert.equal(CHAT_WORDS.en.uploadedOf(512, 1024), "50% uploaded");
  assert.equal(CHAT_WORDS["zh-CN"].uploadedOf(1023, 1024), "已上传 99%");
  assert.equal(CHAT_WORDS.en.uploadedOf(0, 0), "0% uploaded");
});
