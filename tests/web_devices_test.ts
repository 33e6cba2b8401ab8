// The web client's devices section in real Chromium: the remembered devices listed, another one signed out, and this
// one signed out. Each test has its own server and browser; the second device logs in from the test process over TCP.

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { connect, MemoryDeviceKeyStore, type StoredNobleCredential } from "../core/client/mod.ts";
import type { TestServer } from "./_harness.ts";
import { connectOptions } from "./_sdk.ts";
import {
  assertStaysClosed,
  connected,
  logIn,
  openClockedTab,
  openTab,
  pageUrl,
  PASSWORD,
  seedUsers,
  webTest,
} from "./_browser.ts";

/**
 * Remembers a second device of `username` from the test process (a terminal, over TCP) and disconnects it without
 * logging out, so it stays remembered.
 *
 * @returns The device's id and where its credential is kept, to try resuming with it later.
 */
async function rememberTerminal(
  server: TestServer,
  username: string,
  name: string,
): Promise<{ deviceId: number; backing: Map<string, StoredNobleCredential> }> {
  const backing = new Map<string, StoredNobleCredential>();
  const terminal = connect(
    connectOptions(server, "tcp", { deviceKeys: new MemoryDeviceKeyStore(backing), reconnect: false }),
  );
  try {
    const { deviceId } = await terminal.login(username, PASSWORD, { remember: name });
    assert.ok(deviceId !== null, "the server remembered the terminal");
    return { deviceId, backing };
  } finally {
    await terminal.close();
  }
}

/** Opens the devices section and waits for the list to show `count` devices. */
async function openDevices(page: Page, count: number): Promise<void> {
  const toggle = page.getByRole("button", { name: "Devices", exact: true });
  await toggle.click();
  await page.getByTestId("devices").locator(":scope > li").nth(count - 1).waitFor();
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  assert.equal(await page.getByTestId("devices").locator(":scope > li").count(), count);
}

/** The text of the element that has the focus. */
function focused(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.activeElement?.textContent ?? undefined);
}

webTest(
  "a user remembered on two devices sees both, signs the other one out after confirming, and it cannot resume",
  async (server, browser) => {
    await seedUsers(server, [["nina", "妮娜"]]);
    const terminal = await rememberTerminal(server, "nina", "Terminal on Linux");
    const { page, errors } = await openTab(browser, pageUrl(server));
    await logIn(page, "nina", { remember: true });

    await openDevices(page, 2);
    const rows = page.getByTestId("devices").locator(":scope > li");
    const mine = rows.first();
    assert.equal(await mine.locator(".name").textContent(), "Chrome on Linux", "this device first, by its name");
    assert.equal(await mine.getByTestId("this-device").textContent(), "This device");
    const other = page.getByTestId(`device-${terminal.deviceId}`);
    assert.equal(await other.locator(".name").textContent(), "Terminal on Linux");
    assert.equal(await other.getByTestId("this-device").count(), 0);
    assert.equal(await other.locator(".device-dates").textContent(), "Added just now · last used just now");
    assert.equal(await page.getByTestId("not-remembered").count(), 0);

    // Asking is not doing: the question takes the focus on "Cancel", and Escape gives it back to "Sign out".
    const signOut = page.getByRole("button", { name: "Sign out Terminal on Linux", exact: true });
    await signOut.click();
    const question = page.getByRole("group", { name: /^Sign out Terminal on Linux\?/ });
    await question.waitFor();
    assert.equal(await focused(page), "Cancel");
    await page.keyboard.press("Escape");
    await question.waitFor({ state: "detached" });
    assert.equal(await focused(page), "Sign out Terminal on Linux");
    assert.equal(await rows.count(), 2);
    assert.equal(server.logs.filter((r) => r.event === "audit" && r.action === "device_revoked").length, 0);

    await signOut.click();
    await question.getByRole("button", { name: "Yes, sign out" }).click();
    await other.waitFor({ state: "detached" });
    await page.getByTestId("devices-news").filter({ hasText: /^Terminal on Linux was signed out$/ }).waitFor();
    assert.equal(await focused(page), "Devices", "the focus leaves the removed row for the section's title");
    assert.equal(await rows.count(), 1);
    const revoked = await server.waitForLog((r) => r.event === "audit" && r.action === "device_revoked");
    assert.equal(revoked.device, terminal.deviceId);

    // The terminal's credential no longer resumes: it connects signed out, and forgets the credential.
    const again = connect(
      connectOptions(server, "tcp", { deviceKeys: new MemoryDeviceKeyStore(terminal.backing), reconnect: false }),
    );
    try {
      await again.opened();
      assert.deepEqual(again.getSnapshot().session, { state: "signedOut" });
      assert.equal(terminal.backing.size, 0, "the dead credential is deleted");
    } finally {
      await again.close();
    }
    await server.waitForLog((r) => r.event === "audit" && r.action === "resume_failed");
    assert.equal(server.logs.filter((r) => r.event === "audit" && r.action === "resume").length, 0);

    assert.equal(await page.getByTestId("me").textContent(), "妮娜", "this device stays signed in");
    assert.deepEqual(errors, []);
  },
);

webTest(
  "signing out this device shows the revoked notice, the page does not reconnect, and a reload shows the login form",
  async (server, browser) => {
    await seedUsers(server, [["omar", "Omar"]]);
    // The page's own timers run on a clock the test moves, so "does not reconnect" is checked without waiting.
    const { page, errors, sockets } = await openClockedTab(browser, pageUrl(server));
    await logIn(page, "omar", { remember: true });

    await openDevices(page, 1);
    await page.getByTestId("this-device").waitFor();
    await page.getByRole("button", { name: "Sign out this device", exact: true }).click();
    const question = page.getByRole("group", { name: /^Sign out this device\?/ });
    assert.match(await question.textContent() ?? "", /You will need your password to log in here again/);
    await question.getByRole("button", { name: "Yes, sign out" }).click();

    const banner = page.getByTestId("kicked");
    await banner.waitFor({ timeout: 10_000 });
    assert.equal(await banner.textContent(), "You signed this device out");
    assert.equal(await page.getByTestId("me").count(), 0);
    assert.equal(await page.getByRole("heading", { name: "Log in" }).count(), 0, "the button leads there");
    await server.waitForLog((r) => r.event === "audit" && r.action === "device_revoked");

    await page.clock.pauseAt(Date.now() + 1_000);
    await assertStaysClosed(page, sockets, banner);

    await page.reload();
    await connected(page);
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    assert.equal(await page.getByTestId("me").count(), 0);
    assert.equal(server.logs.filter((r) => r.event === "audit" && r.action === "resume").length, 0);
    assert.deepEqual(errors, []);
  },
);
