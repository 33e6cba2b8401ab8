import assert from "node:assert/strict";
import { avatarColour, initials } from "./_avatar.ts";

Deno.test("initials() takes the first letters of two words, or the first character of one", () => {
  assert.equal(initials("Ada Lovelace"), "AL");
  assert.equal(initials("  grace   hopper  murray "), "GH");
  assert.equal(initials("bob"), "B");
  assert.equal(initials("小明"), "小");
  assert.equal(initials("👩‍💻 dev"), "👩‍💻D");
  assert.equal(initials("   "), "?");
});

Deno.test("avatarColour() gives one user the same colour class every time", () => {
  assert.equal(avatarColour(3), avatarColour(3));
  assert.equal(avatarColour(3), "c3");
  assert.equal(avatarColour(11), "c3");
});
