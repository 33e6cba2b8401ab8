// Tests of the members' order: online first, then nickname by code point, then id.

import assert from "node:assert/strict";
import { orderMembers } from "./member_order.ts";

const member = (id: number, nickname: string, online: boolean) => ({ user: { id, nickname }, online });

Deno.test("orderMembers() puts the online first, then sorts by nickname, then by id", () => {
  const members = [
    member(1, "Zoë", false),
    member(2, "amy", true),
    member(3, "Bob", true),
    member(4, "Bob", true),
    member(5, "小明", false),
    member(6, "Amy", false),
  ];
  assert.deepEqual(orderMembers(members).map((m) => m.user.id), [3, 4, 2, 6, 1, 5]);
  assert.deepEqual(members.map((m) => m.user.id), [1, 2, 3, 4, 5, 6], "the input is left as it is");
});

Deno.test("orderMembers() compares code points, so a name outside the BMP sorts after U+FFFD and a prefix first", () => {
  const members = [member(1, "𠮷", true), member(2, "\ufffd", true), member(3, "ab", true), member(4, "a", true)];
  assert.deepEqual(orderMembers(members).map((m) => m.user.id), [4, 3, 2, 1]);
});
