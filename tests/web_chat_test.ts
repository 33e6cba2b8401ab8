// The chat in real Chromium: the conversation list and the chat pane of one user in a page, the other side driven by
// the SDK over TCP from the test. Each test has its own server and browser and seeds its users over TCP.

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { MimiConnection } from "../core/client/mod.ts";
import { until } from "./_sdk.ts";
import { friendsOverTcp, logIn, openTab, pageUrl, webTest } from "./_browser.ts";

/** The conversation's button in the list. */
function item(page: Page, conversationId: number) {
  return page.getByTestId(`conversation-${conversationId}`);
}

/** Waits until the connection holds a message of the conversation whose text is `text`. */
function received(connection: MimiConnection, conversationId: number, text: string): Promise<void> {
  return until(
    connection,
    (state) =>
      state.messages[conversationId]?.messages.some((m) => m.body.type === "text" && m.body.text === text) ?? false,
    `the message "${text}" arrives`,
  );
}

/** Sends a text from the SDK and waits for the server's answer. */
async function say(connection: MimiConnection, conversationId: number, text: string): Promise<void> {
  await connection.sendText(conversationId, text).done;
}

webTest(
  "a conversation opens with its history, Ctrl+Enter sends several lines, and the reply arrives",
  async (server, browser) => {
    const { conversationId, first: alice, second: bob } = await friendsOverTcp(server, ["alice", "Alice"], [
      "bob",
      "Bob",
    ]);
    await say(bob, conversationId, "hello from before");
    await say(bob, conversationId, "are you there?");
    await alice.close();

    const { page, errors } = await openTab(browser, pageUrl(server));
    await logIn(page, "alice");
    const bobsItem = item(page, conversationId);
    await bobsItem.getByTestId("unread").filter({ hasText: "2" }).waitFor();
    assert.equal(await bobsItem.getByTestId("preview").textContent(), "are you there?");
    await page.waitForFunction(() => document.title === "(2) Mimi");

    await bobsItem.click();
    const pane = page.getByTestId("chat-pane");
    await pane.getByTestId("text").filter({ hasText: "hello from before" }).waitFor();
    await pane.getByTestId("text").filter({ hasText: "are you there?" }).waitFor();
    await bobsItem.getByTestId("unread").waitFor({ state: "detached" });
    await page.waitForFunction(() => document.title === "Mimi");

    const box = pane.getByTestId("composer");
    await box.click();
    await box.pressSequentially("line one");
    await box.press("Enter");
    await box.pressSequentially("line two");
    assert.equal(await box.inputValue(), "line one\nline two", "Enter made a new line, not a send");
    await box.press("Control+Enter");
    await received(bob, conversationId, "line one\nline two");
    assert.equal(await box.inputValue(), "");

    await say(bob, conversationId, "yes\nboth lines came");
    await pane.getByTestId("text").filter({ hasText: "both lines came" }).waitFor();
    assert.deepEqual(errors, []);
    await bob.close();
  },
);
