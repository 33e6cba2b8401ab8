// Friends in real Chromium: a request with a note, the notice where it arrives, and accepting it, live in both pages.

import assert from "node:assert/strict";
import { logIn, openTab, pageUrl, seedUsers, webTest } from "./_browser.ts";

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
    await bob.page.getByTestId("conversation-list").getByText("爱丽丝").first().waitFor();
    assert.deepEqual([...alice.errors, ...bob.errors], []);
  },
);
