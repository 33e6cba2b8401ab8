// The web client's account screens in real Chromium: the secure connection, registration, login, profile, invites.
// Each test has its own server and browser, and seeds the users it needs over TCP.

import assert from "node:assert/strict";
import { createInvites } from "../server/services/accounts/invites.ts";
import { FakeClock } from "../core/time/clock.ts";
import { withStore } from "./_accounts_helpers.ts";
import { startTestServer, type TestServer } from "./_harness.ts";
import {
  connected,
  logIn,
  LOGIN_MS,
  logOut,
  NO_BROWSER,
  openTab,
  pageUrl,
  PASSWORD,
  register,
  seedUsers,
  submitLogin,
  submitRegistration,
  webTest,
  withBrowser,
} from "./_browser.ts";

webTest(
  "the page connects with the suites the server's config names, and shows its fingerprint and the suite",
  async (server, browser) => {
    const { page, errors } = await openTab(browser, pageUrl(server));
    const connect = await server.waitForLog((r) => r.event === "connect");
    assert.equal(connect.transport, "ws");
    const secure = await server.waitForLog((r) => r.event === "secure");
    // ffdhe is off by default and the group is the server's: only a page that took the server's settings gets here.
    assert.match(String(secure.suite), /^ffdhe\//);
    assert.equal(await page.getByTestId("suite").textContent(), secure.suite);
    assert.equal(await page.getByTestId("fingerprint").textContent(), server.server.fingerprint);
    assert.equal(await page.getByTestId("insecure-notice").count(), 0);
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    assert.equal(await page.getByLabel("Remember this device").count(), 1, "a secure page can remember the device");
    assert.deepEqual(errors, []);
  },
  { flags: ["--crypto.kex=ffdhe", "--crypto.modulus=ffdhe2048"] },
);

webTest("registering checks the fields as they are typed and refuses a taken username", async (server, browser) => {
  await seedUsers(server, [["taken_name", "Taken"]]);
  const { page, errors } = await openTab(browser, pageUrl(server));
  await page.getByRole("button", { name: "Create an account", exact: true }).click();
  const submit = page.getByRole("button", { name: "Create account", exact: true });
  await page.getByLabel("Username").fill("张三");
  await page.getByText("A username is 3 to 32 letters, digits, _ . or -").waitFor();
  await page.getByLabel("Username").fill("Taken_Name");
  await page.getByLabel("Nickname").fill("李四");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Repeat password").fill(PASSWORD + "!");
  await page.getByText("The passwords do not match").waitFor();
  assert.equal(await submit.isDisabled(), true);
  await page.getByLabel("Repeat password").fill(PASSWORD);
  assert.equal(await page.getByText("The passwords do not match").count(), 0);
  await submit.click();
  await page.getByTestId("form-error").filter({ hasText: "This username is taken" }).waitFor({ timeout: LOGIN_MS });
  assert.equal(await page.getByTestId("me").count(), 0);
  assert.deepEqual(errors, []);
});

webTest(
  "registering logs in with a Chinese nickname, and after logging out the login form keeps the username",
  async (server, browser) => {
    const { page, errors } = await openTab(browser, pageUrl(server));
    await register(page, "wang", "王小明");
    assert.equal(await page.getByTestId("profile-username").textContent(), "wang");
    await logOut(page);
    assert.equal(await page.getByLabel("Username").inputValue(), "wang", "the last username is kept");
    await logIn(page, "wang");
    assert.equal(await page.getByTestId("me").textContent(), "王小明");
    assert.deepEqual(errors, []);
  },
);

webTest("a wrong password says so, and repeated failures say when to try again", async (server, browser) => {
  await seedUsers(server, [["guessme", "Guess"]]);
  const { page } = await openTab(browser, pageUrl(server));
  await submitLogin(page, "guessme", "not the password");
  const error = page.getByTestId("form-error");
  await error.filter({ hasText: "Wrong username or password" }).waitFor({ timeout: LOGIN_MS });
  assert.equal(await page.getByTestId("me").count(), 0);
  // Three failures for a pair are free (PROTOCOL.md §10.7); trying again at once soon has to wait. Each wrong
  // attempt ends with the same message, so wait for the throttled one rather than count them.
  const throttled = error.filter({ hasText: /^Too many attempts, try again in \d+ s$/ });
  for (let attempt = 1; !(await throttled.waitFor({ timeout: 1_000 }).then(() => true, () => false)); attempt++) {
    assert.ok(attempt <= 8, "throttled after a few attempts");
    await submitLogin(page, "guessme", `wrong ${attempt}`);
  }
  assert.equal(await page.getByTestId("me").count(), 0);
});

webTest("a new nickname and the chat font persist across logout and login", async (server, browser) => {
  await seedUsers(server, [["dora", "朵拉"]]);
  const { page, errors } = await openTab(browser, pageUrl(server));
  await logIn(page, "dora");
  await page.getByLabel("Nickname").fill("探险家朵拉");
  await page.getByRole("button", { name: "Save nickname" }).click();
  await page.getByTestId("me").filter({ hasText: "探险家朵拉" }).waitFor();
  await page.getByLabel("Chat font").fill("LXGW WenKai");
  await page.getByLabel("Font size (px)").fill("22");
  await page.getByRole("button", { name: "Save font" }).click();
  await page.getByTestId("font-saved").waitFor();

  await logOut(page);
  await logIn(page, "dora");
  assert.equal(await page.getByTestId("me").textContent(), "探险家朵拉");
  assert.equal(await page.getByLabel("Nickname").inputValue(), "探险家朵拉");
  assert.equal(await page.getByLabel("Chat font").inputValue(), "LXGW WenKai");
  assert.equal(await page.getByLabel("Font size (px)").inputValue(), "22");
  const sample = await page.getByTestId("font-sample").evaluate((element) => {
    const style = getComputedStyle(element);
    return { family: style.fontFamily, size: style.fontSize };
  });
  assert.match(sample.family, /^"LXGW WenKai", .*"Noto Sans CJK SC"/);
  assert.equal(sample.size, "22px");
  assert.deepEqual(errors, [], "setting the font breaks no content security policy");
});

webTest(
  "over plain HTTP from another host it registers and logs in with noble, says so, and offers no remembering",
  async (server, browser) => {
    const { page, errors } = await openTab(browser, pageUrl(server, "mimi.test"));
    assert.equal(await page.evaluate(() => globalThis.isSecureContext), false);
    assert.equal(await page.evaluate(() => typeof globalThis.crypto.subtle), "undefined");
    await page.getByTestId("insecure-notice").waitFor();
    assert.equal(await page.getByTestId("fingerprint").textContent(), server.server.fingerprint);
    assert.equal(await page.getByLabel("Remember this device").count(), 0, "no WebCrypto, no device key");
    await register(page, "lan_user", "局域网");
    await logOut(page);
    await logIn(page, "lan_user");
    assert.equal(await page.getByTestId("me").textContent(), "局域网");
    assert.deepEqual(errors, []);
  },
  { hosts: ["mimi.test"] },
);

/** Makes invite codes in the server's database, as `mimi invite` does. */
async function invites(server: TestServer, count: number): Promise<string[]> {
  return await withStore(
    server,
    async (store) => (await createInvites(store, { count, days: 1, now: Date.now() })).codes,
  );
}

webTest("the form asks for an invite code once the server says it needs one", async (server, browser) => {
  const { page, errors } = await openTab(browser, pageUrl(server));
  const [code] = await invites(server, 1);
  const invite = page.getByLabel("Invite code");
  await submitRegistration(page, "invited", "受邀者");
  await page.getByTestId("form-error").filter({ hasText: "This server needs an invite code" }).waitFor();
  await invite.waitFor();
  const submit = page.getByRole("button", { name: "Create account", exact: true });
  assert.equal(await submit.isDisabled(), true, "not without a code");
  await invite.fill("aaaa-bbbb-cccc-dddd-eeee-ffff-gggg-hhhh");
  await submit.click();
  await page.getByTestId("form-error").filter({ hasText: "This invite code is unknown, used or expired" })
    .waitFor({ timeout: LOGIN_MS });
  await invite.fill(code);
  await submit.click();
  await page.getByTestId("me").filter({ hasText: "受邀者" }).waitFor({ timeout: LOGIN_MS });
  assert.deepEqual(errors, []);
}, { flags: ["--server.registration=invite"] });

webTest(
  "when the login after registering fails, the login screen says the account was created and has the name",
  async (server, browser) => {
    // Relays the page's WebSocket, and drops it at the page's message number `cutAt`: its login_start.
    let sent = 0;
    let cutAt = Infinity;
    // Console errors are not counted: the browser logs the deliberately dropped WebSocket as one.
    const { page, errors } = await openTab(browser, pageUrl(server), {
      consoleErrors: false,
      prepare: (context) =>
        context.routeWebSocket(/\/ws$/, (ws) => {
          const upstream = ws.connectToServer();
          ws.onMessage((message) => {
            if (++sent === cutAt) {
              void ws.close();
              void upstream.close();
              return;
            }
            upstream.send(message);
          });
          upstream.onMessage((message) => ws.send(message));
        }),
    });
    await page.getByRole("button", { name: "Create an account", exact: true }).click();
    await page.getByLabel("Username").fill("Cut_Off");
    await page.getByLabel("Nickname").fill("断线");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Repeat password").fill(PASSWORD);
    cutAt = sent + 3; // register_start, register_finish, then login_start is dropped
    await page.getByRole("button", { name: "Create account", exact: true }).click();

    await page.getByRole("heading", { name: "Log in" }).waitFor({ timeout: LOGIN_MS });
    const notice = await page.getByTestId("login-notice").textContent();
    assert.match(notice ?? "", /^Your account Cut_Off was created, but logging in failed: /);
    assert.equal(await page.getByLabel("Username").inputValue(), "Cut_Off");
    assert.equal(await page.getByRole("heading", { name: "Create an account" }).count(), 0);

    // The page connects again by itself; the password is all that is left to type.
    await connected(page);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Password", { exact: true }).press("Enter");
    await page.getByTestId("me").filter({ hasText: "断线" }).waitFor({ timeout: LOGIN_MS });
    assert.equal(await page.getByTestId("login-notice").count(), 0);
    assert.deepEqual(errors, []);
  },
);

Deno.test({
  name: "web client: a page left at the login form past the login deadline goes idle and logs in without a reload",
  ignore: NO_BROWSER,
  async fn() {
    const clock = new FakeClock();
    const server = await startTestServer([], { clock });
    try {
      await withBrowser(async (browser) => {
        const { page, errors } = await openTab(browser, pageUrl(server));
        await server.waitForLog((r) => r.event === "secure");
        clock.tick(server.config.server.limits.loginTimeoutMs + 250);
        await page.getByTestId("status").filter({ hasText: "idle" }).waitFor({ timeout: 10_000 });
        assert.equal(await page.getByTestId("connection-error").count(), 0, "going idle is not an error");
        assert.equal(await page.getByTestId("reconnecting").count(), 0, "nor a reason to reconnect at once");
        await register(page, "idler", "Idle Idler"); // the form connects again by itself
        await connected(page);
        assert.deepEqual(errors, []);
      });
    } finally {
      await server.close();
    }
  },
});
