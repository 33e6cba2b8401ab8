// The chat in real Chromium: the conversation list and the chat pane of one user in a page, the other side driven by
// the SDK over TCP from the test. Each test has its own server and browser and seeds its users over TCP.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import type { ChatLimits, MimiConnection } from "../core/client/mod.ts";
import type { TestServer } from "./_harness.ts";
import { noisyPng } from "./_images.ts";
import { befriend as befriendOverSdk, me, until } from "./_sdk.ts";
import {
  friendsOverTcp,
  logIn,
  logInOverTcp,
  openTab,
  pageUrl,
  seedUsers,
  type TabOptions,
  webTest,
} from "./_browser.ts";

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

/**
 * Has the page claim other chat limits than its server's, as a page from a server configured otherwise would: the
 * island's props are changed once the HTML is parsed, before its script hydrates it. (Not by rewriting the response:
 * Chromium does not let a page the test served itself open a WebSocket to 127.0.0.1.)
 */
async function claimLimit(context: BrowserContext, limits: Partial<ChatLimits>): Promise<void> {
  await context.addInitScript((changes) => {
    document.addEventListener("readystatechange", () => {
      if (document.readyState !== "interactive") return;
      const island = document.querySelector<HTMLElement>("[data-island]");
      if (!island?.dataset.props) return;
      const props = JSON.parse(island.dataset.props);
      Object.assign(props.settings.chat, changes);
      island.dataset.props = JSON.stringify(props);
    });
  }, limits);
}

/** Alice's chat with Bob open in a page, Bob over TCP: where most tests here start. */
interface AliceAndBob {
  conversationId: number;
  bob: MimiConnection;
  page: Page;
  errors: string[];
  pane: Locator;
}

/**
 * Makes Alice and Bob friends, runs `seed` with both signed in over TCP (Bob says something, Alice reads it), then
 * logs Alice in in a page and opens her chat with Bob.
 */
async function aliceChatsWithBob(
  server: TestServer,
  browser: Browser,
  options: {
    seed?(alice: MimiConnection, bob: MimiConnection, conversationId: number): Promise<void>;
    tab?: TabOptions;
  } = {},
): Promise<AliceAndBob> {
  const { conversationId, first: alice, second: bob } = await friendsOverTcp(server, ["alice", "Alice"], [
    "bob",
    "Bob",
  ]);
  await options.seed?.(alice, bob, conversationId);
  await alice.close();
  const { page, errors } = await openTab(browser, pageUrl(server), options.tab);
  await logIn(page, "alice");
  await item(page, conversationId).click();
  return { conversationId, bob, page, errors, pane: page.getByTestId("chat-pane") };
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

webTest(
  "another conversation's message raises its badge and the tab title's count, and opening it clears both",
  async (server, browser) => {
    const pair = await friendsOverTcp(server, ["alice", "Alice"], ["bob", "Bob"]);
    const bobId = pair.conversationId;
    const [carol, carolsAlice] = [await logInCarol(server), pair.first];
    const carolId = await befriendOverSdk(carolsAlice, carol);
    await carolsAlice.close();
    const bob = pair.second;

    const { page, errors } = await openTab(browser, pageUrl(server));
    await logIn(page, "alice");
    await item(page, bobId).click();
    await say(bob, bobId, "in the open chat");
    await page.getByTestId("chat-pane").getByTestId("text").filter({ hasText: "in the open chat" }).waitFor();

    await say(carol, carolId, "one");
    await say(carol, carolId, "two");
    await item(page, carolId).getByTestId("unread").filter({ hasText: "2" }).waitFor();
    await page.waitForFunction(() => document.title === "(2) Mimi");
    assert.equal(await item(page, bobId).getByTestId("unread").count(), 0, "the open chat is read as it arrives");
    // The list is ordered by last activity: Carol's conversation came last, so it is on top.
    const first = page.getByTestId("conversation-list").locator("button.conversation:not(.lobby)").first();
    assert.equal(await first.getAttribute("data-testid"), `conversation-${carolId}`);

    await item(page, carolId).click();
    await item(page, carolId).getByTestId("unread").waitFor({ state: "detached" });
    await page.waitForFunction(() => document.title === "Mimi");
    assert.deepEqual(errors, []);
    await bob.close();
    await carol.close();
  },
);

webTest("a draft stays with its conversation when switching and survives a reload", async (server, browser) => {
  const pair = await friendsOverTcp(server, ["alice", "Alice"], ["bob", "Bob"]);
  const carol = await logInCarol(server);
  const carolId = await befriendOverSdk(pair.first, carol);
  await pair.first.close();
  await pair.second.close();
  await carol.close();

  const { page, errors } = await openTab(browser, pageUrl(server));
  await logIn(page, "alice", { remember: true });
  await item(page, pair.conversationId).click();
  const box = page.getByTestId("composer");
  await box.fill("half a thought\nand a second line");
  await item(page, carolId).click();
  assert.equal(await box.inputValue(), "", "Carol's chat has its own (empty) draft");
  await box.fill("for carol");
  await item(page, pair.conversationId).click();
  assert.equal(await box.inputValue(), "half a thought\nand a second line");

  await page.reload();
  await item(page, carolId).click();
  assert.equal(await box.inputValue(), "for carol");
  assert.deepEqual(errors, []);
});

webTest(
  "older history loads while scrolling up, and a message that comes while scrolled up shows the pill",
  async (server, browser) => {
    const { conversationId, bob, page, errors, pane } = await aliceChatsWithBob(server, browser, {
      async seed(alice, bob, conversationId) {
        for (let n = 1; n <= 70; n++) await say(bob, conversationId, `message ${n}`);
        await alice.markRead(conversationId);
      },
    });
    const text = (t: string) => pane.getByTestId("text").filter({ hasText: new RegExp(`^${t}$`) });
    await text("message 70").waitFor();
    const scroller = pane.getByTestId("message-scroller");
    assert.ok(await isAtBottom(scroller), "the chat opens at the newest message");
    assert.equal(await text("message 1").count(), 0, "only the newest page is held at first");

    await scroller.evaluate((element) => element.scrollTop = 0);
    await text("message 1").waitFor();
    await pane.getByText("This is the beginning of the chat.").waitFor();

    await scroller.evaluate((element) => element.scrollTop = 0);
    await say(bob, conversationId, "while you were reading");
    await pane.getByTestId("new-messages").waitFor();
    assert.ok(!(await isAtBottom(scroller)), "the view stays where the user scrolled");
    await pane.getByTestId("new-messages").click();
    await text("while you were reading").waitFor();
    assert.ok(await isAtBottom(scroller));
    await pane.getByTestId("new-messages").waitFor({ state: "detached" });

    await say(bob, conversationId, "at the bottom now");
    await text("at the bottom now").waitFor();
    await page.waitForFunction(() => {
      const element = document.querySelector("[data-testid=message-scroller]")!;
      return element.scrollHeight - element.scrollTop - element.clientHeight < 48;
    });
    assert.equal(await pane.getByTestId("new-messages").count(), 0, "no pill while following the newest");
    assert.deepEqual(errors, []);
    await bob.close();
  },
);

webTest(
  "the user recalls their own message from its menu, and the other side sees it recalled",
  async (server, browser) => {
    const { conversationId, bob, page, errors, pane } = await aliceChatsWithBob(server, browser);
    await pane.getByTestId("composer").fill("oops, wrong chat");
    await pane.getByRole("button", { name: "Send", exact: true }).click();
    await received(bob, conversationId, "oops, wrong chat");

    const message = pane.getByTestId("message").filter({ hasText: "oops, wrong chat" });
    await message.getByTestId("message-menu").click();
    await message.getByRole("button", { name: "Recall" }).click();
    await pane.getByTestId("recalled").filter({ hasText: "You recalled a message" }).waitFor();
    await until(
      bob,
      (state) => state.messages[conversationId]?.messages.some((m) => m.recalledAt !== null) ?? false,
      "bob sees the recall",
    );
    assert.equal(await item(page, conversationId).getByTestId("preview").textContent(), "recalled a message");
    assert.deepEqual(errors, []);
    await bob.close();
  },
);

webTest(
  "a send the server refuses shows as failed with retry and discard",
  async (server, browser) => {
    // The page is told a larger limit than the server's, so the composer lets the text go and the server refuses it.
    const { conversationId, bob, page, errors, pane } = await aliceChatsWithBob(server, browser, {
      tab: { prepare: (context) => claimLimit(context, { messageTextChars: 4000 }) },
    });
    await pane.getByTestId("composer").fill("far too long for this server");
    await pane.getByTestId("composer").press("Control+Enter");
    const failed = pane.getByTestId("outgoing").filter({ hasText: "far too long" });
    await failed.and(page.locator("[data-state=failed]")).waitFor();
    await failed.getByText("Not sent: it is larger than the server accepts").waitFor();

    await failed.getByTestId("retry").click();
    await failed.and(page.locator("[data-state=failed]")).waitFor();
    assert.equal(await pane.getByTestId("outgoing").count(), 1, "the retry is the same send, not a second one");

    await failed.getByTestId("discard").click();
    await pane.getByTestId("outgoing").waitFor({ state: "detached" });
    await pane.getByTestId("composer").fill("short");
    await pane.getByTestId("composer").press("Control+Enter");
    await received(bob, conversationId, "short");
    assert.deepEqual(errors, []);
    await bob.close();
  },
  { flags: ["--server.limits.messageTextChars=10"] },
);

webTest("a dropped image is previewed, sent with a thumbnail, and opens full size", async (server, browser) => {
  const png = await noisyPng(200, 120, 7);
  const { conversationId, bob, page, errors, pane } = await aliceChatsWithBob(server, browser);

  const dataTransfer = await page.evaluateHandle((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "noise.png", { type: "image/png" }));
    return transfer;
  }, [...png]);
  await pane.dispatchEvent("dragover", { dataTransfer });
  await pane.dispatchEvent("drop", { dataTransfer });
  const preview = page.getByTestId("image-preview");
  await preview.getByRole("img").waitFor();
  await preview.getByRole("button", { name: "Send image" }).click();

  await until(
    bob,
    (state) => state.messages[conversationId]?.messages.some((m) => m.body.type === "image") ?? false,
    "bob receives the image",
  );
  const body = bob.getSnapshot().messages[conversationId]!.messages.find((m) => m.body.type === "image")!.body;
  assert.ok(body.type === "image");
  assert.deepEqual([body.width, body.height], [200, 120]);
  const thumbnailLimit = server.config.server.limits.thumbnailBytes;
  assert.ok(body.thumbnail && body.thumbnail.length > 0 && body.thumbnail.length <= thumbnailLimit, "a thumbnail");
  assert.deepEqual(await bob.downloadBlob(body.blob), png, "the image arrives byte for byte");

  const thumb = pane.getByTestId("message").getByTestId("image-thumb");
  await thumb.locator("img").waitFor();
  await thumb.click();
  const full = page.getByTestId("image-full");
  await full.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>("[data-testid=image-full]");
    return img?.complete && img.naturalWidth === 200 && img.src.startsWith("blob:");
  });
  await page.keyboard.press("Escape");
  await full.waitFor({ state: "detached" });
  assert.equal(await item(page, conversationId).getByTestId("preview").textContent(), "[Image]");

  // Pasted and picked images are previewed the same way; cancelling sends nothing.
  await pane.getByTestId("composer").evaluate((box, bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "pasted.png", { type: "image/png" }));
    box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, [...png]);
  await preview.getByRole("img").waitFor();
  await preview.getByRole("button", { name: "Cancel" }).click();
  await preview.waitFor({ state: "detached" });
  await pane.getByTestId("image-input").setInputFiles({
    name: "x.txt",
    mimeType: "image/png",
    buffer: Buffer.alloc(8),
  });
  await preview.getByText("This file is not a PNG, JPEG, GIF or WebP image").waitFor();
  await page.keyboard.press("Escape");
  await preview.waitFor({ state: "detached" });
  assert.equal(await pane.getByTestId("image-thumb").count(), 1, "only the dropped image was sent");
  assert.deepEqual(errors, []);
  await bob.close();
});

/** Whether a scroller shows its end. */
function isAtBottom(scroller: ReturnType<Page["getByTestId"]>): Promise<boolean> {
  return scroller.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight < 48);
}

/** Registers and logs in Carol over TCP. */
async function logInCarol(server: Parameters<typeof logInOverTcp>[0]): Promise<MimiConnection> {
  await seedUsers(server, [["carol", "Carol"]]);
  return await logInOverTcp(server, "carol");
}

webTest(
  "a group shows sender names with initials avatars and its system lines, and Enter sends once the setting says so",
  async (server, browser) => {
    const { first: alice, second: bob } = await friendsOverTcp(server, ["alice", "Alice"], ["bob", "Bob Stone"]);
    const room = await alice.createRoom("Tea", { memberIds: [me(bob)] });
    await alice.close();
    await until(bob, (s) => s.conversations.some((c) => c.id === room.conversationId), "bob has the room");
    await say(bob, room.conversationId, "first");
    await say(bob, room.conversationId, "second");

    const { page, errors } = await openTab(browser, pageUrl(server));
    await logIn(page, "alice", { remember: true });
    const roomItem = item(page, room.conversationId);
    assert.equal(await roomItem.getByTestId("preview").textContent(), "Bob Stone: second");
    await roomItem.click();
    const pane = page.getByTestId("chat-pane");
    await pane.getByTestId("system-line").filter({ hasText: "Alice created the group “Tea”" }).waitFor();
    await pane.getByTestId("system-line").filter({ hasText: "Alice added Bob Stone" }).waitFor();
    // One name and avatar for a run of messages by one sender.
    assert.deepEqual(await pane.getByTestId("sender").allTextContents(), ["Bob Stone"]);
    assert.equal(await pane.locator(".avatar.small:not(.spacer)").first().textContent(), "BS");

    await pane.getByTestId("enter-sends").check();
    const box = pane.getByTestId("composer");
    await box.fill("sent with Enter");
    await box.press("Enter");
    await received(bob, room.conversationId, "sent with Enter");
    await page.reload();
    await item(page, room.conversationId).click();
    assert.ok(await pane.getByTestId("enter-sends").isChecked(), "the setting is kept in the browser");
    await box.fill("two");
    await box.press("Shift+Enter");
    await box.pressSequentially("lines");
    assert.equal(await box.inputValue(), "two\nlines");
    assert.deepEqual(errors, []);
    await bob.close();
  },
);

webTest(
  "a message that comes while the tab is hidden shows a system notification once the user allowed them",
  async (server, browser) => {
    const { conversationId, first: alice, second: bob } = await friendsOverTcp(server, ["alice", "Alice"], [
      "bob",
      "Bob",
    ]);
    await alice.close();
    const { page, errors } = await openTab(browser, pageUrl(server), {
      prepare: async (context) => {
        // Headless Chromium shows no notifications and never hides a tab: record them and let the test hide it.
        await context.addInitScript(() => {
          const shown: { title: string; body: string }[] = [];
          Object.assign(globalThis, { shownNotifications: shown, tabHidden: false });
          class Recorded {
            static permission = "default";
            static requestPermission() {
              Recorded.permission = "granted";
              return Promise.resolve("granted");
            }
            onclick: (() => void) | null = null;
            constructor(title: string, options: { body: string }) {
              shown.push({ title, body: options.body });
            }
            close() {}
          }
          Object.defineProperty(globalThis, "Notification", { value: Recorded });
          Object.defineProperty(document, "visibilityState", {
            get: () => (globalThis as unknown as { tabHidden: boolean }).tabHidden ? "hidden" : "visible",
          });
        });
      },
    });
    await logIn(page, "alice");
    assert.equal(await page.evaluate(() => Notification.permission), "default", "nothing is asked on load");
    await page.getByTestId("notify-on").click();
    await page.getByTestId("notify-on").waitFor({ state: "detached" });

    await say(bob, conversationId, "while you look");
    await item(page, conversationId).getByTestId("unread").waitFor();
    await page.evaluate(() => Object.assign(globalThis, { tabHidden: true }));
    await say(bob, conversationId, "while you are away");
    await page.waitForFunction(() =>
      (globalThis as unknown as { shownNotifications: unknown[] }).shownNotifications.length > 0
    );
    const shown = await page.evaluate(() =>
      (globalThis as unknown as { shownNotifications: unknown[] }).shownNotifications
    );
    assert.deepEqual(shown, [{ title: "New message from Bob", body: "while you are away" }]);
    assert.deepEqual(errors, []);
    await bob.close();
  },
);

webTest(
  "a text over the server's limit is counted and refused before sending, and so is an image, with the limit in words",
  async (server, browser) => {
    const { conversationId, bob, page, errors, pane } = await aliceChatsWithBob(server, browser);
    const box = pane.getByTestId("composer");
    await box.fill("123456789");
    await pane.getByTestId("char-count").filter({ hasText: "9 / 10" }).waitFor();
    await box.fill("12345678901");
    await pane.getByTestId("too-long").filter({ hasText: "The message is 1 character too long" }).waitFor();
    assert.equal(await pane.getByRole("button", { name: "Send", exact: true }).isDisabled(), true);
    await box.press("Control+Enter");
    assert.equal(await pane.getByTestId("outgoing").count(), 0, "nothing was queued");
    await box.press("Backspace");
    await box.press("Control+Enter");
    await received(bob, conversationId, "1234567890");

    const png = await noisyPng(200, 120, 7);
    await pane.getByTestId("image-input").setInputFiles({
      name: "noise.png",
      mimeType: "image/png",
      buffer: Buffer.from(png),
    });
    const preview = page.getByTestId("image-preview");
    await preview.getByText("This image is too large: the server takes images of at most 10 kB").waitFor();
    assert.equal(await preview.getByRole("button", { name: "Send image" }).isDisabled(), true);
    assert.deepEqual(errors, []);
    await bob.close();
  },
  { flags: ["--server.limits.messageTextChars=10", "--server.limits.imageBytes=10240"] },
);
