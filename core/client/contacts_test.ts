import assert from "node:assert/strict";
import { applyPresence, type Contact, sortContacts } from "./contacts.ts";

const bob: Contact = { id: 1, username: "bob", nickname: "Bob", online: false, lastSeenAt: 1000 };
const amy: Contact = { id: 2, username: "amy", nickname: "amy", online: false, lastSeenAt: null };
const xiaoming: Contact = { id: 3, username: "xm", nickname: "小明", online: true, lastSeenAt: 500 };

Deno.test("sortContacts() puts online contacts first, then orders by nickname ignoring case", () => {
  assert.deepEqual(sortContacts([bob, xiaoming, amy]).map((c) => c.id), [3, 2, 1]);
});

Deno.test("sortContacts() keeps equal nicknames in id order and leaves its input alone", () => {
  const twin = { ...bob, id: 0 };
  const input = [bob, twin];
  assert.deepEqual(sortContacts(input).map((c) => c.id), [0, 1]);
  assert.deepEqual(input.map((c) => c.id), [1, 0]);
});

Deno.test("applyPresence() marks a contact online and moves them up", () => {
  const list = applyPresence([xiaoming, amy, bob], { type: "presence", userId: 1, online: true, lastSeenAt: null });
  assert.deepEqual(list.map((c) => [c.id, c.online]), [[1, true], [3, true], [2, false]]);
  assert.equal(list[0].lastSeenAt, 1000, "the last known time is kept while online");
});

Deno.test("applyPresence() marks a contact offline with the time they were last seen", () => {
  const list = applyPresence([xiaoming, amy, bob], { type: "presence", userId: 3, online: false, lastSeenAt: 9000 });
  assert.deepEqual(list.find((c) => c.id === 3), { ...xiaoming, online: false, lastSeenAt: 9000 });
  assert.deepEqual(list.map((c) => c.id), [2, 1, 3]);
});

Deno.test("applyPresence() returns the same list for a stranger or a change that changes nothing", () => {
  const list = [xiaoming, bob];
  assert.equal(applyPresence(list, { type: "presence", userId: 99, online: true, lastSeenAt: null }), list);
  assert.equal(applyPresence(list, { type: "presence", userId: 3, online: true, lastSeenAt: null }), list);
});
