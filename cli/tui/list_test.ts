import assert from "node:assert/strict";
import type { Contact, ConversationSummary, FriendRequest } from "../../core/client/mod.ts";
import { directSummary } from "../_summary_fixture.ts";
import { listEntries, listRows, type ListState, MARKS } from "./list.ts";
import { textWidth } from "./width.ts";

function direct(id: number, peer: { id: number; nickname: string }, extra: Partial<ConversationSummary> = {}) {
  return directSummary(id, { id: peer.id, username: `u${peer.id}`, nickname: peer.nickname }, extra);
}

function contact(id: number, nickname: string, online: boolean): Contact {
  return { id, username: `u${id}`, nickname, online, lastSeenAt: null };
}

const STATE: ListState = {
  conversations: [
    direct(10, { id: 2, nickname: "爱丽丝" }, {
      unread: 3,
      preview: { sender: null, senderId: 2, content: { kind: "text", text: "你好，今天怎么样" } },
    }),
    direct(11, { id: 3, nickname: "bob" }, {
      preview: { sender: null, senderId: 1, content: { kind: "image" } },
    }),
    {
      ...direct(12, { id: 0, nickname: "" }),
      kind: "room",
      roomId: 5,
      peer: null,
      title: "小组 team",
    } as ConversationSummary,
  ],
  contacts: [contact(2, "爱丽丝", true), contact(3, "bob", false)],
  friendRequests: [],
};

Deno.test("listRows() gives each conversation a title row and a preview row, every row the panel's width", () => {
  const rows = listRows(STATE, { width: 26, height: 20, selected: 11, me: 1 });
  assert.equal(rows.length, 6);
  for (const row of rows) assert.equal(textWidth(row.text), 26, JSON.stringify(row.text));
  assert.equal(rows[0].text, ` 1 ${MARKS.online} 爱丽丝            (3)`);
  assert.match(rows[1].text, /^ {5}你好，今天怎么样 *$/);
  assert.match(rows[2].text, new RegExp(`^ 2 ${MARKS.offline} bob +$`));
  assert.match(rows[3].text, /^ {5}You: \[image\] *$/);
  assert.match(rows[4].text, /^ 3 # 小组 team +$/);
});

Deno.test("listRows() marks the selected conversation, unread ones and presence", () => {
  const rows = listRows(STATE, { width: 30, height: 20, selected: 11, me: 1 });
  assert.deepEqual(rows.map((row) => row.selected), [false, false, true, true, false, false]);
  assert.deepEqual(rows.map((row) => row.unread), [true, true, false, false, false, false]);
  assert.deepEqual(rows.filter((row) => row.kind === "title").map((row) => row.online), [true, false, null]);
});

Deno.test("listRows() aligns the unread counts of wide and narrow titles in the same column", () => {
  const state = {
    ...STATE,
    conversations: [
      direct(1, { id: 2, nickname: "张伟张伟张伟张伟张伟张伟" }, { unread: 12 }),
      direct(2, { id: 3, nickname: "ab" }, { unread: 4 }),
    ],
  };
  const titles = listRows(state, { width: 24, height: 10, selected: null, me: 1 }).filter((r) => r.kind === "title");
  const endOfTitle = (text: string) => textWidth(text.slice(0, text.lastIndexOf("(")));
  assert.equal(endOfTitle(titles[0].text) + textWidth("(12)"), 24);
  assert.equal(endOfTitle(titles[1].text) + textWidth("(4)"), 24);
  assert.match(titles[0].text, /…/);
});

Deno.test("listRows() shows open friend requests above the conversations", () => {
  const request: FriendRequest = {
    id: 7,
    from: { id: 9, username: "carol", nickname: "卡罗尔" },
    note: "from work",
    status: "pending",
    createdAt: 0,
  };
  const rows = listRows({ ...STATE, friendRequests: [request] }, { width: 40, height: 20, selected: 10, me: 1 });
  assert.match(rows[0].text, /^Friend requests \(1\)/);
  assert.match(rows[1].text, /^\+ 卡罗尔 \(carol\): from work/);
  assert.equal(rows[2].kind, "title");
});

Deno.test("listRows() scrolls a long list so that the selected conversation shows", () => {
  const many = Array.from({ length: 20 }, (_, i) => direct(100 + i, { id: 200 + i, nickname: `friend ${i + 1}` }));
  const rows = listRows({ ...STATE, conversations: many }, { width: 20, height: 8, selected: 115, me: 1 });
  assert.equal(rows.length, 8);
  assert.ok(rows.some((row) => row.selected && row.text.includes("friend 16")));
});

Deno.test("listRows() tells a new user how to start and refuses a panel too narrow to draw", () => {
  const rows = listRows({ conversations: [], contacts: [], friendRequests: [] }, {
    width: 26,
    height: 5,
    selected: null,
    me: 1,
  });
  assert.match(rows.map((r) => r.text).join("\n"), /\/add <user>/);
  assert.throws(() => listRows(STATE, { width: 4, height: 5, selected: 10, me: 1 }), RangeError);
});

Deno.test("listRows() pins the lobby above the conversations as number 0 with its online count once known", () => {
  const lobby = { roomId: 1, conversationId: 1, online: null, watching: false };
  let rows = listRows({ ...STATE, lobby }, { width: 26, height: 20, selected: 1, me: 1 });
  assert.equal(rows[0].text, ` 0 # Lobby${" ".repeat(16)}`);
  assert.equal(rows[0].selected, true);
  assert.equal(rows[0].conversationId, 1);
  assert.equal(rows[1].text, ` 1 ${MARKS.online} 爱丽丝            (3)`);
  rows = listRows({ ...STATE, lobby: { ...lobby, online: 12 } }, { width: 26, height: 20, selected: 10, me: 1 });
  assert.match(rows[0].text, /^ 0 # Lobby · 12 online +$/);
  assert.equal(rows[0].selected, false);
  assert.deepEqual(listEntries({ ...STATE, lobby }), [1, 10, 11, 12]);
  assert.deepEqual(listEntries(STATE), [10, 11, 12]);
});
