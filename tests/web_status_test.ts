// The web client's status screens in real Chromium: a server key changed since the last visit is refused on load until
// the user accepts it, focus moves to each new screen's heading, and a second tab of a signed-in account offers to
// bring the first forward instead of logging it out.

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  connected,
  logIn,
  LOGIN_MS,
  openPage,
  openTab,
  pageUrl,
  replacedServerTest,
  seedUsers,
  webTest,
} from "./_browser.ts";

/** The focused element's text, to check where the focus went. */
function focused(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.activeElement?.textContent ?? undefined);
}

replacedServerTest(
  "a page served with another key than the one trusted last time refuses to connect until the user accepts it",
  async ({ first, replace }, browser) => {
    const { page, errors } = await openTab(browser, pageUrl(first), { consoleErrors: false });
    const trusted = first.server.fingerprint;
    // The page that knew the first server would reconnect to its replacement by itself, and a CI run counted that
    // socket: it leaves first, so that every socket counted is the new page's.
    const url = page.url();
    await page.goto("about:blank");
    // The page loaded again carries the new key itself.
    const second = await replace();
    let sockets = 0;
    page.on("websocket", () => sockets++);
    await page.goto(url);
    const screen = page.getByTestId("key-changed");
    await screen.waitFor();
    assert.equal(await screen.getByTestId("key-expected").textContent(), trusted);
    assert.equal(await screen.getByTestId("key-presented").textContent(), second.server.fingerprint);
    assert.match(await screen.textContent() ?? "", /Ask the server's operator/);
    assert.equal(await focused(page), "The server's key has changed", "the focus is on the screen's heading");
    assert.equal(await page.getByRole("heading", { name: "Log in" }).count(), 0);
    const trust = page.getByRole("button", { name: "Trust the new key and connect" });
    assert.equal(await trust.isDisabled(), true, "not without saying the fingerprint was checked");
    assert.equal(sockets, 0, "no connection to a server with an unaccepted key");

    await page.reload();
    await screen.waitFor();
    assert.equal(sockets, 0, "a reload does not accept it either");

    await page.getByLabel("I checked the new fingerprint with the operator and it matches").check();
    await trust.click();
    await connected(page);
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    assert.equal(await focused(page), "Log in");
    await page.reload();
    await connected(page);
    assert.equal(await screen.count(), 0, "the accepted key is the trusted one now");
    assert.deepEqual(errors, []);
  },
);

webTest(
  "a second tab of a signed-in account offers to bring the first forward, and logs in here only when asked to",
  async (server, browser) => {
    await seedUsers(server, [["mei", "美美"]]);
    const first = await openTab(browser, pageUrl(server));
    await logIn(first.page, "mei", { remember: true });
    assert.equal(await focused(first.page), "Chats", "after logging in the focus is on the chats' heading");

    const second = await openPage(first.context, pageUrl(server), { connected: false });
    const held = second.page.getByTestId("tab-held");
    await held.waitFor();
    assert.match(await held.textContent() ?? "", /signed in as mei/);
    await second.page.getByRole("button", { name: "Go to the other tab" }).click();
    await second.page.getByTestId("tab-asked").waitFor();
    await first.page.getByTestId("tab-called").waitFor();
    assert.equal(server.logs.filter((r) => r.event === "audit" && r.action === "resume").length, 0, "no login here");
    assert.equal(await first.page.getByTestId("me").textContent(), "美美");

    await second.page.getByRole("button", { name: "Use Mimi here instead" }).click();
    await second.page.getByTestId("me").waitFor({ timeout: LOGIN_MS });
    // The first tab lets go, rather than taking the session back: both hold the same remembered device.
    await first.page.getByTestId("tab-taken").waitFor({ timeout: 10_000 });
    assert.equal(await focused(first.page), "Mimi moved to another tab");
    assert.equal(await first.page.getByTestId("me").count(), 0);
    assert.equal(await second.page.getByTestId("me").textContent(), "美美", "the second tab keeps the session");
    assert.deepEqual(second.errors, []);
  },
);
