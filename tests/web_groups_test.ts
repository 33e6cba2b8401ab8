// Groups in real Chromium: create one from friends, invite, members online first, the owner's rename and remove; join
// one by invite code, and offer a friend request to a stranger met there; join from the public list, leave, hand
// over and delete.

import assert from "node:assert/strict";
import type { MimiConnection } from "../core/client/mod.ts";
import { befriendOverTcp, logIn, logInOverTcp, openTab, pageUrl, seedUsers, webTest } from "./_browser.ts";
import { deadline } from "./_harness.ts";
import { me, until } from "./_sdk.ts";

/** Resolves once the connection's state satisfies `accept`; a broken test fails after 10 s instead of hanging. */
function untilState(connection: MimiConnection, accept: () => boolean, what: string): Promise<void> {
  let off = () => {};
  const reached = new Promise<void>((resolve) => {
    const check = () => accept() && resolve();
    off = connection.subscribe(check);
    check();
  });
  return deadline(reached, 10_000, what).finally(() => off());
}

webTest(
  "a group made from friends lists its members online first, takes an invited friend, and its owner renames it and removes one",
  async (server, browser) => {
    await seedUsers(server, [["alice", "爱丽丝"], ["bob", "鲍勃"], ["carol", "卡罗尔"]]);
    await befriendOverTcp(server, "alice", "bob");
    await befriendOverTcp(server, "alice", "carol");
    const bob = await logInOverTcp(server, "bob");
    try {
      const { page, errors } = await openTab(browser, pageUrl(server));
      await logIn(page, "alice");
      await page.getByLabel("Group name").fill("茶话会");
      await page.getByRole("group", { name: "Friends to add" }).getByLabel(/鲍勃/).check();
      await page.getByRole("button", { name: "Create group" }).click();
      const panel = page.getByTestId("room-panel");
      await panel.getByRole("heading", { name: "Group: 茶话会" }).waitFor();
      await panel.getByTestId("member-bob").waitFor();

      await panel.getByRole("group", { name: "Invite friends" }).getByLabel(/卡罗尔/).check();
      await panel.getByRole("button", { name: "Invite", exact: true }).click();
      await panel.getByTestId("member-carol").waitFor({ timeout: 10_000 });
      const members = panel.getByTestId("members").locator("li");
      const order = await members.evaluateAll((rows) => rows.map((row) => [row.dataset.testid, row.dataset.online]));
      assert.deepEqual(order.at(-1), ["member-carol", "false"], "the offline member comes last");
      assert.deepEqual(order.slice(0, 2).map(([, online]) => online), ["true", "true"]);
      await panel.getByRole("heading", { name: "Members (2 online of 3)" }).waitFor();

      await panel.getByLabel("New name").fill("绿茶会");
      await panel.getByRole("button", { name: "Rename" }).click();
      await panel.getByRole("heading", { name: "Group: 绿茶会" }).waitFor();
      await untilState(bob, () => bob.getSnapshot().rooms.some((r) => r.name === "绿茶会"), "bob sees the new name");

      await panel.getByRole("button", { name: "Remove 卡罗尔" }).click();
      await panel.getByTestId("member-carol").waitFor({ state: "detached", timeout: 10_000 });

      // A friend's row opens the chat with them.
      await panel.getByTestId("member-bob").getByRole("button").first().dblclick();
      await page.getByTestId("chat-pane").getByRole("heading", { name: "鲍勃" }).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await bob.close();
    }
  },
);

webTest(
  "joining a group by its invite code shows its members, and double-clicking a stranger offers a friend request",
  async (server, browser) => {
    await seedUsers(server, [["alice", "爱丽丝"], ["dave", "大卫"]]);
    const alice = await logInOverTcp(server, "alice");
    try {
      const room = await alice.createRoom("读书会");
      const code = await alice.roomInviteCode(room.id);
      const { page, errors } = await openTab(browser, pageUrl(server));
      await logIn(page, "dave");
      await page.getByLabel("Invite code").fill(code);
      await page.getByRole("button", { name: "Join", exact: true }).click();
      const panel = page.getByTestId("room-panel");
      await panel.getByRole("heading", { name: "Group: 读书会" }).waitFor();
      const owner = panel.getByTestId("member-alice");
      await owner.getByRole("button").first().dblclick();
      await owner.getByRole("group", { name: /爱丽丝 is not your friend yet/ }).waitFor();
      await owner.getByRole("button", { name: "Send request" }).click();
      await untilState(alice, () => alice.getSnapshot().friendRequests.length === 1, "alice is asked");
      assert.equal(alice.getSnapshot().friendRequests[0].from?.username, "dave");
      assert.equal(await panel.getByTestId("owner-tools").count(), 0, "a member has no owner tools");
      // A stranger's presence is live too: the panel watches every member while shown.
      assert.equal(await owner.getAttribute("data-online"), "true");
      await alice.logout();
      await panel.locator('[data-testid="member-alice"][data-online="false"]').waitFor({ timeout: 10_000 });
      assert.deepEqual(errors, []);
    } finally {
      await alice.close();
    }
  },
);

webTest(
  "a public group is joined from the list and left; the owner hands a group over and leaves, and deletes another",
  async (server, browser) => {
    await seedUsers(server, [["alice", "爱丽丝"], ["bob", "鲍勃"]]);
    await befriendOverTcp(server, "alice", "bob");
    const bob = await logInOverTcp(server, "bob");
    try {
      const square = await bob.createRoom("广场", { public: true });
      await bob.roomMembers(square.id);
      const { page, errors } = await openTab(browser, pageUrl(server));
      await logIn(page, "alice");
      const panel = page.getByTestId("room-panel");
      const list = page.getByTestId("conversation-list");

      await page.getByRole("button", { name: "Show public groups" }).click();
      await page.getByTestId("public-广场").getByRole("button", { name: "Join 广场" }).click();
      await panel.getByRole("heading", { name: "Group: 广场" }).waitFor();
      await until(bob, (s) => s.roomMembers[square.id]?.members.length === 2, "bob sees alice join");
      await panel.getByRole("button", { name: "Leave group" }).click();
      await panel.waitFor({ state: "detached" });
      assert.equal(await list.locator('[data-title="广场"]').count(), 0, "the group left the list");

      // Handing over: the owner's tools go, "Leave group" comes, and the new owner is told.
      await page.getByLabel("Group name").fill("交接");
      await page.getByRole("group", { name: "Friends to add" }).getByLabel(/鲍勃/).check();
      await page.getByRole("button", { name: "Create group" }).click();
      await panel.getByRole("heading", { name: "Group: 交接" }).waitFor();
      const handed = bob.getSnapshot().rooms.length;
      await panel.getByRole("button", { name: "Make 鲍勃 the owner" }).click();
      await panel.getByTestId("owner-tools").waitFor({ state: "detached" });
      await until(
        bob,
        (s) => s.rooms.some((r) => r.name === "交接" && r.ownerId === me(bob)),
        "bob owns the group",
      );
      await panel.getByRole("button", { name: "Leave group" }).click();
      await panel.waitFor({ state: "detached" });

      // Deleting asks first, then the group goes for every member.
      await page.getByLabel("Group name").fill("临时");
      await page.getByRole("group", { name: "Friends to add" }).getByLabel(/鲍勃/).check();
      await page.getByRole("button", { name: "Create group" }).click();
      await panel.getByRole("heading", { name: "Group: 临时" }).waitFor();
      await until(bob, (s) => s.rooms.length === handed + 1, "bob is in the new group");
      await panel.getByRole("button", { name: "Delete group" }).click();
      await panel.getByRole("group", { name: /Delete this group/ }).getByRole("button", { name: "Yes, delete" })
        .click();
      await panel.waitFor({ state: "detached" });
      await until(bob, (s) => !s.rooms.some((r) => r.name === "临时"), "the group is gone for bob");
      assert.deepEqual(errors, []);
    } finally {
      await bob.close();
    }
  },
);
