// The web client's session in real Chromium: staying signed in across a reload and a server restart, a kick, a
// changed server key, and live presence. Each test has its own server and browser, and seeds its users over TCP.

import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "./_harness.ts";
import { untilState } from "./_sdk.ts";
import {
  assertStaysClosed,
  befriend,
  connected,
  logIn,
  LOGIN_MS,
  logInOverTcp,
  logOut,
  NO_BROWSER,
  openClockedTab,
  openTab,
  pageUrl,
  replacedServerTest,
  seedUsers,
  webTest,
  withBrowser,
} from "./_browser.ts";

webTest(
  'with "remember this device" a reload stays signed in, and logging out forgets the device',
  async (server, browser) => {
    await seedUsers(server, [["rita", "丽塔"]]);
    const { page, errors } = await openTab(browser, pageUrl(server));
    await logIn(page, "rita", { remember: true });
    const login = await server.waitForLog((r) => r.event === "audit" && r.action === "login");
    assert.equal(typeof login.device, "number", "the server remembered the device");

    await page.reload();
    await page.getByTestId("me").filter({ hasText: "丽塔" }).waitFor({ timeout: LOGIN_MS });
    const resume = await server.waitForLog((r) => r.event === "audit" && r.action === "resume");
    assert.equal(resume.device, login.device, "signed in again by resuming, without the password");
    assert.equal(await page.getByRole("heading", { name: "Log in" }).count(), 0);

    await logOut(page);
    await page.reload();
    await connected(page);
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    assert.equal(await page.getByTestId("me").count(), 0, "a logged-out device does not resume");
    assert.equal(server.logs.filter((r) => r.event === "audit" && r.action === "resume").length, 1);
    assert.deepEqual(errors, []);
  },
);

webTest('without "remember this device" a reload shows the login form', async (server, browser) => {
  await seedUsers(server, [["otto", "Otto"]]);
  const { page, errors } = await openTab(browser, pageUrl(server));
  await logIn(page, "otto");
  await page.reload();
  // The page resumes before it says connected, so connected and signed out means it will stay signed out.
  await connected(page);
  await page.getByRole("heading", { name: "Log in" }).waitFor();
  assert.equal(await page.getByTestId("me").count(), 0);
  assert.equal(server.logs.filter((r) => r.event === "audit" && r.action === "resume").length, 0);
  assert.deepEqual(errors, []);
});

Deno.test({
  name: "web client: when the server restarts the page says it is reconnecting, then shows the signed-in page again",
  ignore: NO_BROWSER,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "mimi_test_" });
    let first: TestServer | undefined = await startTestServer([], { dataDir });
    let second: TestServer | undefined;
    const ports = [`--server.tcpPort=${first.tcpPort}`, `--server.httpPort=${first.httpPort}`];
    try {
      await seedUsers(first, [["sam", "山姆"]]);
      await withBrowser(async (browser) => {
        // Console errors are not counted: the browser logs each refused WebSocket while the server is down as one.
        const { page, errors } = await openTab(browser, pageUrl(first!), { consoleErrors: false });
        await logIn(page, "sam", { remember: true });

        await first!.close();
        first = undefined;
        const bar = page.getByTestId("reconnecting");
        await bar.waitFor({ timeout: 10_000 });
        assert.match(await bar.textContent() ?? "", /^Reconnecting… \(attempt \d+\)/);
        assert.equal(await page.getByTestId("me").textContent(), "山姆", "the page stays while it reconnects");

        second = await startTestServer(ports, { dataDir });
        // The back-off may be waiting: "Try now" skips the wait (when the bar is between attempts).
        await page.getByRole("button", { name: "Try now" }).click({ timeout: 5_000 }).catch(() => {
          // Not an error: the attempt under way when the new server came up may already have succeeded.
        });
        await connected(page);
        await second.waitForLog((r) => r.event === "audit" && r.action === "resume");
        assert.equal(await bar.count(), 0);
        assert.equal(await page.getByTestId("me").textContent(), "山姆");
        // Signed in on the new server, not only drawn so: a logged-in operation works.
        await page.getByLabel("Nickname").fill("山姆大叔");
        await page.getByRole("button", { name: "Save nickname" }).click();
        await page.getByTestId("me").filter({ hasText: "山姆大叔" }).waitFor();
        assert.deepEqual(errors, []);
      });
    } finally {
      await first?.close();
      await second?.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

webTest(
  "a login elsewhere shows when and from where, the page does not reconnect by itself, and logs in again on request",
  async (server, browser) => {
    await seedUsers(server, [["carol", "卡罗尔"]]);
    // The page's own timers run on a clock the test moves, so "does not reconnect" is checked without waiting.
    const { page, errors, sockets } = await openClockedTab(browser, pageUrl(server));
    await logIn(page, "carol");
    await page.clock.pauseAt(Date.now() + 1_000);
    const elsewhere = await logInOverTcp(server, "carol");
    try {
      const banner = page.getByTestId("kicked");
      await banner.waitFor({ timeout: 10_000 });
      assert.match(
        await banner.textContent() ?? "",
        /^You were logged out because your account logged in elsewhere \(.+, 127\.0\.0\.1(:\d+)?\)$/,
      );
      assert.equal(await page.getByTestId("me").count(), 0);
      assert.equal(await page.getByRole("heading", { name: "Log in" }).count(), 0, "the button leads there");

      await assertStaysClosed(page, sockets, banner);

      await page.getByRole("button", { name: "Log in again" }).click();
      await connected(page);
      await logIn(page, "carol");
      assert.equal(await page.getByTestId("kicked").count(), 0);
      // The page took the session back: the other login is the one kicked now.
      const status = await untilState(elsewhere, "kicked");
      assert.ok(status.state === "kicked" && status.reason === "elsewhere");
      assert.deepEqual(errors, []);
    } finally {
      await elsewhere.close();
    }
  },
);

replacedServerTest(
  "when the server comes back with another key, the page says so with both fingerprints",
  async ({ first, replace }, browser) => {
    // Console errors are not counted: the browser logs each refused WebSocket while the server is down as one.
    const { page, errors } = await openTab(browser, pageUrl(first), { consoleErrors: false });
    const expected = first.server.fingerprint;
    const second = await replace(() => page.getByTestId("reconnecting").waitFor({ timeout: 10_000 }));
    await page.getByRole("button", { name: "Try now" }).click({ timeout: 5_000 }).catch(() => {
      // Not an error: the attempt under way when the new server came up may already have met it.
    });
    const notice = page.getByTestId("key-changed");
    await notice.waitFor({ timeout: 20_000 });
    const text = await notice.textContent() ?? "";
    assert.match(text, /different key from the one this page was served with/);
    assert.ok(text.includes(`This page expects: ${expected}`), text);
    assert.ok(text.includes(`The server presented: ${second.server.fingerprint}`), text);
    assert.equal(await page.getByRole("heading", { name: "Log in" }).count(), 0, "no login over that connection");
    assert.equal(await page.getByTestId("status").textContent(), "closed");
    assert.deepEqual(errors, []);
  },
);

webTest(
  "a friend shows online when they log in and last seen when they log out, without a reload",
  async (server, browser) => {
    await seedUsers(server, [["alice", "爱丽丝"], ["bob", "鲍勃"]]);
    await befriend(server, "alice", "bob");
    const { page, errors } = await openTab(browser, pageUrl(server));
    await logIn(page, "alice");
    const bob = page.getByTestId("contact-bob").getByTestId("presence");
    assert.match(await bob.textContent() ?? "", /^offline$/);

    const bobs = await logInOverTcp(server, "bob");
    try {
      await bob.filter({ hasText: /^online$/ }).waitFor({ timeout: 10_000 });
      await bobs.logout();
    } finally {
      await bobs.close();
    }
    await bob.filter({ hasText: /^last seen just now$/ }).waitFor({ timeout: 10_000 });
    assert.deepEqual(errors, []);
  },
);
