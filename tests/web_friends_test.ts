// Friends in real Chromium: a request with a note, the notice where it arrives, and accepting it, live in both pages;
// removing and blocking a friend, and unblocking.

import assert from "node:assert/strict";
import { ProtocolError } from "../core/client/mod.ts";
import { befriendOverTcp, logIn, logInOverTcp, openTab, pageUrl, seedUsers, webTest } from "./_browser.ts";
import { until } from "./_sdk.ts";

webTest(
  "a friend request with a note shows a notice where it arrives, and accepting it lists both as friends live",
  async (server, browser) => {
    await seedUsers(server, [["alice", "爱丽丝"], ["bob", "鲍勃"]]);
    const alice = await openTab(browser, pageUrl(server));
    const bob = await openTab(browser, pageUrl(server));
    await Promise.all([logIn(alice.page, "alice"), logIn(bob.page, "bob")]);

    await alice.page.getByLabel("Username", { exact: true }).fill("bob");
    await alice.page.getByLabel("Note (optional)").fill("我是爱丽丝");
    await alice.page.getByRole("button", { name: "Send request" }).click();
    await alice.page.getByTestId("friend-news").filter({ hasText: "Request sent to 鲍勃" }).waitFor();
    await alice.page.getByTestId("sent-requests").filter({ hasText: "Waiting for 鲍勃" }).waitFor();

    const notice = bob.page.getByTestId("request-notice");
    await notice.filter({ hasText: "爱丽丝 wants to be your friend" }).waitFor({ timeout: 10_000 });
    const request = bob.page.getByTestId("request-alice");
    assert.equal(await request.getByTestId("request-note").textContent(), "我是爱丽丝");
    await notice.getByRole("button", { name: "Show" }).click();
    assert.equal(await bob.page.evaluate(() => document.activeElement?.id), "friend-requests");
    await request.getByRole("button", { name: "Accept 爱丽丝" }).click();

    await bob.page.getByTestId("contact-alice").waitFor();
    await alice.page.getByTestId("contact-bob").waitFor({ timeout: 10_000 });
    assert.equal(await alice.page.getByTestId("contact-bob").getByTestId("presence").textContent(), "online");
    assert.equal(await bob.page.getByTestId("friend-requests").count(), 0, "the answered request is gone");
    assert.equal(await alice.page.getByTestId("sent-requests").count(), 0);
    // Each one's conversation list has the other, and the friend's name opens it.
    await alice.page.getByRole("button", { name: "Chat with 鲍勃" }).click();
    await alice.page.getByTestId("chat-pane").getByRole("heading", { name: "鲍勃" }).waitFor();
    await bob.page.getByTestId("conversation-list").locator('[data-title="爱丽丝"]').waitFor();
    assert.deepEqual([...alice.errors, ...bob.errors], []);
  },
);

webTest(
  "removing a friend and blocking another update their lists live; the blocked one's messages are refused until unblocked",
  async (server, browser) => {
    await seedUsers(server, [["alice", "爱丽丝"], ["bob", "鲍勃"], ["carol", "卡罗尔"]]);
    await befriendOverTcp(server, "alice", "bob");
    await befriendOverTcp(server, "alice", "carol");
    const bob = await logInOverTcp(server, "bob");
    const carol = await logInOverTcp(server, "carol");
    try {
      const carolsChat = carol.getSnapshot().conversations[0].id;
      const { page, errors } = await openTab(browser, pageUrl(server));
      await logIn(page, "alice");

      const bobRow = page.getByTestId("contact-bob");
      await bobRow.getByRole("button", { name: "More for 鲍勃" }).click();
      await bobRow.getByRole("button", { name: "Remove 鲍勃 from friends" }).click();
      await bobRow.getByRole("group", { name: /Remove 鲍勃 from your friends\?/ }).waitFor();
      await bobRow.getByRole("button", { name: "Yes, remove" }).click();
      await bobRow.waitFor({ state: "detached" });
      await until(bob, (state) => state.contacts.length === 0, "bob's list loses alice");
      assert.equal(await page.getByTestId("conversation-list").getByText("鲍勃").count(), 0, "the chat left the list");

      const carolRow = page.getByTestId("contact-carol");
      await carolRow.getByRole("button", { name: "More for 卡罗尔" }).click();
      await carolRow.getByRole("button", { name: "Block 卡罗尔" }).click();
      await carolRow.getByRole("button", { name: "Yes, block" }).click();
      await carolRow.waitFor({ state: "detached" });
      await until(carol, (state) => state.contacts.length === 0, "carol's list loses alice");
      await page.getByTestId("blocked-carol").waitFor();
      const refused = await carol.sendText(carolsChat, "hello?").done.then(() => undefined, (error) => error);
      assert.ok(refused instanceof ProtocolError, "the blocked user's message is refused");
      await assert.rejects(carol.findUser("alice"), ProtocolError, "the blocker is not found");

      await page.getByRole("button", { name: "Unblock 卡罗尔" }).click();
      await page.getByTestId("no-blocked").waitFor();
      assert.equal((await carol.findUser("alice")).username, "alice", "found again once unblocked");
      assert.deepEqual(errors, []);
    } finally {
      await bob.close();
      await carol.close();
    }
  },
);
