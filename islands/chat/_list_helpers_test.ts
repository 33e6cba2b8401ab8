import assert from "node:assert/strict";
import { listTime, matchesQuery, totalUnread, unreadTitle } from "./_list_helpers.ts";

const bob = { title: "Bob Builder", peer: { id: 2, username: "bobby", nickname: "Bob Builder" } };
const room = { title: "茶话会", peer: null };

Deno.test("matchesQuery() finds a conversation by title or the peer's username, ignoring case and width", () => {
  assert.ok(matchesQuery(bob, "builder"));
  assert.ok(matchesQuery(bob, "BOBBY"));
  assert.ok(matchesQuery(bob, "ｂｏｂ"));
  assert.ok(matchesQuery(room, "茶话"));
  assert.ok(matchesQuery(room, "  "));
  assert.ok(!matchesQuery(bob, "alice"));
  assert.ok(!matchesQuery(room, "bob"));
});

Deno.test("totalUnread() adds every conversation's unread count", () => {
  assert.equal(totalUnread([{ unread: 2 }, { unread: 0 }, { unread: 5 }]), 7);
  assert.equal(totalUnread([]), 0);
});

Deno.test("unreadTitle() puts the count in front, caps it at 99+ and leaves the title alone at zero", () => {
  assert.equal(unreadTitle("Mimi", 3), "(3) Mimi");
  assert.equal(unreadTitle("Mimi", 120), "(99+) Mimi");
  assert.equal(unreadTitle("Mimi", 0), "Mimi");
});

Deno.test("listTime() says the time today, the weekday this week and the date before", () => {
  const now = Date.UTC(2026, 10, 30, 15, 0); // Monday 30 November 2026, 15:00 UTC
  assert.equal(listTime("en", Date.UTC(2026, 10, 30, 9, 5), now, "UTC"), "9:05 AM");
  assert.equal(listTime("en", Date.UTC(2026, 10, 27, 9, 5), now, "UTC"), "Fri");
  assert.equal(listTime("zh-CN", Date.UTC(2026, 10, 27, 9, 5), now, "UTC"), "周五");
  assert.equal(listTime("en", Date.UTC(2026, 9, 1, 9, 5), now, "UTC"), "10/1/26");
  assert.equal(listTime("zh-CN", Date.UTC(2026, 9, 1, 9, 5), now, "UTC"), "2026/10/1");
});
