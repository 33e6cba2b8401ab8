// The web client in real Chromium: secure connection, registration, login, kick, presence and profile.

import assert from "node:assert/strict";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { createInvites } from "../server/services/accounts/invites.ts";
import { openSqliteStore } from "../server/store/sqlite.ts";
import { startTestServer, type TestServer } from "./_harness.ts";
import { FakeClock } from "../core/time/clock.ts";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!haveChromium && !Deno.env.get("CI")) {
  console.warn(
    `%cweb tests skipped: ${CHROMIUM} is missing (apt-get install chromium); CI installs it`,
    "color: yellow",
  );
}

/** Flags that keep Chromium from reaching out to the (closed) network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** OPAQUE's key stretching (Argon2id) runs in the page at every registration and login. */
const LOGIN_MS = 30_000;
const PASSWORD = "correct horse battery staple";

/** A page in its own browser context (its own cookies and storage, as another browser would have). */
interface Tab {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors, CSP violations included. */
  errors: string[];
}

async function openTab(browser: Browser, url: string): Promise<Tab> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await page.goto(url);
  await page.getByTestId("status").filter({ hasText: "connected" }).waitFor({ timeout: 20_000 });
  return { context, page, errors };
}

/** Opens the registration screen, fills it in and submits it. */
async function submitRegistration(page: Page, username: string, nickname: string, password = PASSWORD) {
  await page.getByRole("button", { name: "Create an account", exact: true }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Nickname").fill(nickname);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat password").fill(password);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
}

/** Registers, which also logs in. */
async function register(page: Page, username: string, nickname: string): Promise<void> {
  await submitRegistration(page, username, nickname);
  await page.getByTestId("me").filter({ hasText: nickname }).waitFor({ timeout: LOGIN_MS });
}

/** Fills the login form and submits it with Enter. */
async function submitLogin(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Password", { exact: true }).press("Enter");
}

async function logIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await submitLogin(page, username, password);
  await page.getByTestId("me").waitFor({ timeout: LOGIN_MS });
}

async function logOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Log in" }).waitFor();
}

/** Makes two registered users friends in the server's database. */
async function befriend(server: TestServer, a: string, b: string): Promise<void> {
  // A stand-in until friend requests exist: write the friendship straight into the server's SQLite file.
  const store = openSqliteStore(`${server.server.dataDir}/mimi.db`);
  try {
    const [first, second] = [(await store.users.findByKey(a))?.id, (await store.users.findByKey(b))?.id];
    assert.ok(first !== undefined && second !== undefined, "both users are registered");
    await store.friends.addFriendship(first, second, Date.now());
  } finally {
    await store.close();
  }
}

Deno.test({
  name: "web client: accounts in Chromium",
  // On CI a missing browser is a failure, not a skip.
  ignore: !haveChromium && !Deno.env.get("CI"),
  async fn(t) {
    const server = await startTestServer();
    const url = `http://127.0.0.1:${server.httpPort}/`;
    // One browser for every step. The mapping gives a host name that is not localhost, hence not a secure context.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP mimi.test 127.0.0.1"],
    });
    const tabs: Tab[] = [];
    const tab = async (at = url) => {
      const opened = await openTab(browser, at);
      tabs.push(opened);
      return opened;
    };
    try {
      await t.step("the page connects securely and shows the server's fingerprint and the suite", async () => {
        const { page, errors } = await tab();
        const connect = await server.waitForLog((r) => r.event === "connect");
        assert.equal(connect.transport, "ws");
        const secure = await server.waitForLog((r) => r.event === "secure");
        assert.equal(await page.getByTestId("suite").textContent(), secure.suite);
        assert.equal(await page.getByTestId("fingerprint").textContent(), server.server.fingerprint);
        assert.equal(await page.getByTestId("insecure-notice").count(), 0);
        await page.getByRole("heading", { name: "Log in" }).waitFor();
        assert.deepEqual(errors, []);
      });

      await t.step("registering checks the fields as they are typed and refuses a taken username", async () => {
        const { page } = await tab();
        await page.getByRole("button", { name: "Create an account", exact: true }).click();
        const submit = page.getByRole("button", { name: "Create account", exact: true });
        await page.getByLabel("Username").fill("张三");
        await page.getByText("A username is 3 to 32 letters, digits, _ . or -").waitFor();
        await page.getByLabel("Username").fill("taken_name");
        await page.getByLabel("Nickname").fill("张三");
        await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
        await page.getByLabel("Repeat password").fill(PASSWORD + "!");
        await page.getByText("The passwords do not match").waitFor();
        assert.equal(await submit.isDisabled(), true);
        await page.getByLabel("Repeat password").fill(PASSWORD);
        assert.equal(await page.getByText("The passwords do not match").count(), 0);
        await submit.click();
        await page.getByTestId("me").filter({ hasText: "张三" }).waitFor({ timeout: LOGIN_MS });
        await logOut(page);

        await submitRegistration(page, "Taken_Name", "李四");
        await page.getByTestId("form-error").filter({ hasText: "This username is taken" }).waitFor();
        assert.equal(await page.getByTestId("me").count(), 0);
      });

      await t.step("registering logs in with a Chinese nickname, and logging out and in again works", async () => {
        const { page, errors } = await tab();
        await register(page, "wang", "王小明");
        assert.equal(await page.getByTestId("profile-username").textContent(), "wang");
        await logOut(page);
        assert.equal(await page.getByLabel("Username").inputValue(), "wang", "the last username is kept");
        await logIn(page, "wang");
        assert.equal(await page.getByTestId("me").textContent(), "王小明");
        assert.deepEqual(errors, []);
      });

      await t.step("a wrong password says so, and repeated failures say when to try again", async () => {
        const { page } = await tab();
        await register(page, "guessme", "Guess");
        await logOut(page);
        await submitLogin(page, "guessme", "not the password");
        const error = page.getByTestId("form-error");
        await error.filter({ hasText: "Wrong username or password" }).waitFor({ timeout: LOGIN_MS });
        assert.equal(await page.getByTestId("me").count(), 0);
        // Three failures for a pair are free (PROTOCOL.md §10.7); trying again at once soon has to wait. Each
        // wrong attempt ends with the same message, so wait for the throttled one rather than count them.
        const throttled = error.filter({ hasText: /^Too many attempts, try again in \d+ s$/ });
        for (let attempt = 1; !(await throttled.waitFor({ timeout: 1_000 }).then(() => true, () => false)); attempt++) {
          assert.ok(attempt <= 8, "throttled after a few attempts");
          await submitLogin(page, "guessme", `wrong ${attempt}`);
        }
        assert.equal(await page.getByTestId("me").count(), 0);
      });

      await t.step(
        "a login elsewhere logs the first page out with a banner; it logs in again without a reload",
        async () => {
          const a = await tab();
          const b = await tab();
          await register(a.page, "carol", "卡罗尔");
          await logIn(b.page, "carol");
          const banner = a.page.getByTestId("kicked");
          await banner.waitFor({ timeout: 10_000 });
          assert.match(
            await banner.textContent() ?? "",
            /^You were logged out because your account logged in elsewhere \(.+, 127\.0\.0\.1(:\d+)?\)$/,
          );
          await a.page.getByRole("heading", { name: "Log in" }).waitFor();
          assert.equal(await a.page.getByTestId("me").count(), 0);
          assert.equal(await b.page.getByTestId("me").textContent(), "卡罗尔");

          // The server closed page A's connection; the page opened a fresh one for the next login.
          await a.page.getByTestId("status").filter({ hasText: "connected" }).waitFor({ timeout: 20_000 });
          await logIn(a.page, "carol");
          assert.equal(await a.page.getByTestId("kicked").count(), 0, "a login clears the banner");
          await b.page.getByTestId("kicked").waitFor({ timeout: 10_000 });
          assert.deepEqual([...a.errors, ...b.errors], []);
        },
      );

      await t.step(
        "a friend shows online when they log in and last seen when they log out, without a reload",
        async () => {
          const a = await tab();
          const b = await tab();
          await register(b.page, "bob", "鲍勃");
          await logOut(b.page);
          await register(a.page, "alice", "爱丽丝");
          await befriend(server, "alice", "bob");
          await logOut(a.page);
          await logIn(a.page, "alice");
          const bob = a.page.getByTestId("contact-bob");
          assert.match(await bob.getByTestId("presence").textContent() ?? "", /^last seen just now$/);

          await logIn(b.page, "bob");
          await bob.getByTestId("presence").filter({ hasText: /^online$/ }).waitFor({ timeout: 10_000 });
          await b.page.getByTestId("contact-alice").getByTestId("presence").filter({ hasText: /^online$/ }).waitFor();

          await logOut(b.page);
          await bob.getByTestId("presence").filter({ hasText: /^last seen just now$/ }).waitFor({ timeout: 10_000 });
          assert.deepEqual([...a.errors, ...b.errors], []);
        },
      );

      await t.step("a new nickname and the chat font persist across logout and login", async () => {
        const { page, errors } = await tab();
        await register(page, "dora", "朵拉");
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

      await t.step("over plain HTTP from another host it registers and logs in with noble and says so", async () => {
        const { page, errors } = await tab(`http://mimi.test:${server.httpPort}/`);
        assert.equal(await page.evaluate(() => globalThis.isSecureContext), false);
        assert.equal(await page.evaluate(() => typeof globalThis.crypto.subtle), "undefined");
        await page.getByTestId("insecure-notice").waitFor();
        assert.equal(await page.getByTestId("fingerprint").textContent(), server.server.fingerprint);
        await register(page, "lan_user", "局域网");
        await logOut(page);
        await logIn(page, "lan_user");
        assert.equal(await page.getByTestId("me").textContent(), "局域网");
        assert.deepEqual(errors, []);
      });
    } finally {
      for (const { context } of tabs) await context.close();
      await browser.close();
      await server.close();
    }
  },
});

/** Makes invite codes in the server's database, as `mimi invite` does. */
async function invites(server: TestServer, count: number): Promise<string[]> {
  const store = openSqliteStore(`${server.server.dataDir}/mimi.db`);
  try {
    return (await createInvites(store, { count, days: 1, now: Date.now() })).codes;
  } finally {
    await store.close();
  }
}

Deno.test({
  name: "web client: invite codes, and a login that fails right after registering",
  ignore: !haveChromium && !Deno.env.get("CI"),
  async fn(t) {
    const server = await startTestServer(["--server.registration=invite"]);
    const url = `http://127.0.0.1:${server.httpPort}/`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const tabs: Tab[] = [];
    try {
      await t.step("the form asks for an invite code once the server says it needs one", async () => {
        const tab = await openTab(browser, url);
        tabs.push(tab);
        const { page, errors } = tab;
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
      });

      await t.step(
        "when the login after registering fails, the login screen says the account was created and has the name",
        async () => {
          const context = await browser.newContext();
          const page = await context.newPage();
          // Uncaught exceptions only: the browser logs the deliberately dropped WebSocket as a console error.
          const errors: string[] = [];
          page.on("pageerror", (error) => errors.push(error.message));
          tabs.push({ context, page, errors });
          // Relays the page's WebSocket, and drops it at the page's message number `cutAt`: its login_start.
          let sent = 0;
          let cutAt = Infinity;
          await context.routeWebSocket(/\/ws$/, (ws) => {
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
          });
          await page.goto(url);
          await page.getByTestId("status").filter({ hasText: "connected" }).waitFor({ timeout: 20_000 });
          const [code] = await invites(server, 1);
          await page.getByRole("button", { name: "Create an account", exact: true }).click();
          await page.getByLabel("Username").fill("Cut_Off");
          await page.getByLabel("Nickname").fill("断线");
          await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
          await page.getByLabel("Repeat password").fill(PASSWORD);
          await page.getByRole("button", { name: "Create account", exact: true }).click();
          await page.getByLabel("Invite code").fill(code);
          cutAt = sent + 3; // register_start, register_finish, then login_start is dropped
          await page.getByRole("button", { name: "Create account", exact: true }).click();

          await page.getByRole("heading", { name: "Log in" }).waitFor({ timeout: LOGIN_MS });
          const notice = await page.getByTestId("login-notice").textContent();
          assert.match(notice ?? "", /^Your account Cut_Off was created, but logging in failed: /);
          assert.equal(await page.getByLabel("Username").inputValue(), "Cut_Off");
          assert.equal(await page.getByRole("heading", { name: "Create an account" }).count(), 0);

          await page.getByRole("button", { name: "Reconnect" }).click();
          await page.getByTestId("status").filter({ hasText: "connected" }).waitFor({ timeout: 20_000 });
          await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
          await page.getByLabel("Password", { exact: true }).press("Enter");
          await page.getByTestId("me").filter({ hasText: "断线" }).waitFor({ timeout: LOGIN_MS });
          assert.equal(await page.getByTestId("login-notice").count(), 0);
          assert.deepEqual(errors, []);
        },
      );
    } finally {
      for (const { context } of tabs) await context.close();
      await browser.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "web client: a page left at the login form past the login deadline goes idle and logs in without a reload",
  ignore: !haveChromium && !Deno.env.get("CI"),
  async fn() {
    const clock = new FakeClock();
    const server = await startTestServer([], { clock });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const { page, errors } = await openTab(browser, `http://127.0.0.1:${server.httpPort}/`);
      await server.waitForLog((r) => r.event === "secure");
      clock.tick(server.config.server.limits.loginTimeoutMs + 250);
      await page.getByTestId("status").filter({ hasText: "idle" }).waitFor({ timeout: 10_000 });
      assert.equal(await page.getByTestId("connection-error").count(), 0, "going idle is not an error");
      await register(page, "idler", "Idle Idler"); // the form connects again by itself
      await page.getByTestId("status").filter({ hasText: "connected" }).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});

Deno.test("web routes: unknown paths are 404 and pages carry a content security policy", async () => {
  const server = await startTestServer();
  try {
    const missing = await fetch(`http://127.0.0.1:${server.httpPort}/nope`);
    await missing.body?.cancel();
    assert.equal(missing.status, 404);
    const page = await fetch(`http://127.0.0.1:${server.httpPort}/`);
    const policy = page.headers.get("content-security-policy") ?? "";
    // Scripts from the page's origin only; WebAssembly (OPAQUE) may compile, but eval and inline scripts may not.
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(policy, /'unsafe-(eval|inline)'/);
    assert.match(await page.text(), /data-island="MimiApp"/);
  } finally {
    await server.close();
  }
});
