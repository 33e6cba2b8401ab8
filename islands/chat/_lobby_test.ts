import assert from "node:assert/strict";
import { lobbySummary } from "./_lobby.ts";

Deno.test("lobbySummary() shows the lobby as a group that is never unread and loads nothing by itself", () => {
  const summary = lobbySummary({ roomId: 1, conversationId: 7, online: 3, watching: true }, "大厅");
  assert.equal(summary.id, 7);
  assert.equal(summary.kind, "room");
  assert.equal(summary.roomId, 1);
  assert.equal(summary.title, "大厅");
  assert.equal(summary.unread, 0);
  assert.equal(summary.lastSeq, 0);
});
