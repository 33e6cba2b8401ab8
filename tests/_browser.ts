// Helpers of the web client's Chromium tests: the browser, pages with their errors, the forms, and users seeded from
// the test process over TCP with the SDK, so each test starts at the point it tests.

import assert from "node:assert/strict";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { connect, type MimiConnection, type Profile } from "../core/client/mod.ts";
import { withStore } from "./_accounts_helpers.ts";
import { startTestServer, type TestServer } from "./_harness.ts";
import { befriend as befriendOverSdk, connectOptions, PASSWORD } from "./_sdk.ts";

export { PASSWORD };

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);

/** Whether the browser tests are skipped: Chromium is missing here. On CI a missing browser is a failure instead. */
export const NO_BROWSER = !haveChromium && !Deno.env.get("CI");
if (NO_BROWSER) {
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

/** OPAQUE's key stretching (Argon2id) runs at every registration and login (in the page's worker). */
export const LOGIN_MS = 30_000;

/** Launches Chromium; `hosts` maps names to 127.0.0.1 (a name that is not localhost is not a secure context). */
export function launch(hosts: string[] = []): Promise<Browser> {
  const rules = hosts.map((host) => `MAP ${host} 127.0.0.1`).join(",");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: rules ? [...CHROMIUM_ARGS, `--host-resolver-rules=${rules}`] : CHROMIUM_ARGS,
  });
}

/** A page in its own browser context (its own storage, as another browser would have). */
export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions, and console errors unless the tab was opened with `consoleErrors: false`. */
  errors: string[];
}

/** Options of {@link openTab}. */
export interface TabOptions {
  /**
   * Whether console errors count as errors. Default true (CSP violations are console errors). False where the test
   * makes the browser log one on purpose: a WebSocket to a stopped server, a connection cut by the test.
   */
  consoleErrors?: boolean;
  /** Prepares the context before the page loads (routes, a fake clock). */
  prepare?: (context: BrowserContext) => Promise<unknown>;
  /** Whether to wait for the page to connect. Default true. */
  connected?: boolean;
  /** The browser's language (`navigator.languages`, `Accept-Language`). Default English. */
  locale?: string;
}

/** Opens `url` in a new context and waits until the page says it is connected. */
export async function openTab(browser: Browser, url: string, options: TabOptions = {}): Promise<Tab> {
  const context = await browser.newContext({ locale: options.locale ?? "en-US" });
  await options.prepare?.(context);
  return await openPage(context, url, options);
}

/** Opens `url` in another page of an existing context (another tab of the same browser, sharing its storage). */
export async function openPage(context: BrowserContext, url: string, options: TabOptions = {}): Promise<Tab> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  if (options.consoleErrors ?? true) {
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  }
  await page.goto(url);
  if (options.connected ?? true) await connected(page);
  return { context, page, errors };
}

/** A tab whose timers run on a clock the test moves, and the number of WebSockets it opened since it connected. */
export async function openClockedTab(browser: Browser, url: string): Promise<Tab & { sockets: () => number }> {
  const tab = await openTab(browser, url, { prepare: (context) => context.clock.install() });
  let sockets = 0;
  tab.page.on("websocket", () => sockets++);
  return { ...tab, sockets: () => sockets };
}

/**
 * Checks that a page signed out by the server stays down: ten minutes of its (paused) clock, past any back-off of at
 * most 30 s, open no WebSocket and leave the banner up; then lets the clock run again.
 */
export async function assertStaysClosed(page: Page, sockets: () => number, banner: Locator): Promise<void> {
  await page.clock.runFor(10 * 60_000);
  assert.equal(await page.getByTestId("status").textContent(), "closed");
  assert.equal(sockets(), 0, "no new WebSocket since the one that logged in");
  assert.equal(await banner.count(), 1);
  await page.clock.resume();
}

/** Waits until the page's footer says it is connected. */
export async function connected(page: Page, timeout = 20_000): Promise<void> {
  // By its state, not its words: the same in every language.
  await page.locator('[data-testid="status"][data-state="open"]').waitFor({ timeout });
}

/** The page's address on a test server. */
export function pageUrl(server: TestServer, host = "127.0.0.1"): string {
  return `http://${host}:${server.httpPort}/`;
}

/** Opens the registration screen, fills it in and submits it. */
export async function submitRegistration(
  page: Page,
  username: string,
  nickname: string,
  password = PASSWORD,
): Promise<void> {
  await page.getByRole("button", { name: "Create an account", exact: true }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Nickname").fill(nickname);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat password").fill(password);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
}

/** Registers in the page, which also logs in. */
export async function register(page: Page, username: string, nickname: string): Promise<void> {
  await submitRegistration(page, username, nickname);
  await page.getByTestId("me").filter({ hasText: nickname }).waitFor({ timeout: LOGIN_MS });
}

/** Fills the login form (ticking "Remember this device" if asked) and submits it with Enter. */
export async function submitLogin(
  page: Page,
  username: string,
  password = PASSWORD,
  options: { remember?: boolean } = {},
): Promise<void> {
  await page.getByLabel("Username").fill(username);
  if (options.remember) await page.getByLabel("Remember this device").check();
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Password", { exact: true }).press("Enter");
}

/** Logs in with the form and waits for the signed-in page. */
export async function logIn(
  page: Page,
  username: string,
  options: { password?: string; remember?: boolean } = {},
): Promise<void> {
  await submitLogin(page, username, options.password, options);
  await page.getByTestId("me").waitFor({ timeout: LOGIN_MS });
}

/** Logs out with the button and waits for the login form. */
export async function logOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Log in" }).waitFor();
}

/**
 * Registers accounts from the test process over TCP with the SDK, without the browser.
 *
 * @param server The server.
 * @param users `[username, nickname]` pairs; every password is {@link PASSWORD}.
 * @returns The profiles, in order.
 */
export async function seedUsers(server: TestServer, users: [string, string][]): Promise<Profile[]> {
  const connection = connect({ ...connectOptions(server, "tcp"), reconnect: false });
  try {
    const profiles: Profile[] = [];
    for (const [username, nickname] of users) profiles.push(await connection.register(username, nickname, PASSWORD));
    return profiles;
  } finally {
    await connection.close();
  }
}

/** Logs a seeded user in from the test process over TCP (which kicks a page signed in as them). */
export async function logInOverTcp(server: TestServer, username: string): Promise<MimiConnection> {
  const connection = connect({ ...connectOptions(server, "tcp"), reconnect: false });
  try {
    await connection.login(username, PASSWORD);
    return connection;
  } catch (error) {
    await connection.close();
    throw error;
  }
}

/**
 * Makes two registered users friends through the operations, over TCP: `a` asks, `b` accepts. Their direct
 * conversation exists afterwards, as it does for friends made in the page.
 */
export async function befriendOverTcp(server: TestServer, a: string, b: string): Promise<void> {
  const asker = await logInOverTcp(server, a);
  try {
    const user = await asker.findUser(b);
    const request = await asker.sendFriendRequest(user.id);
    await asker.logout();
    const answerer = await logInOverTcp(server, b);
    try {
      await answerer.answerFriendRequest(request.id, "accept");
      await answerer.logout();
    } finally {
      await answerer.close();
    }
  } finally {
    await asker.close();
  }
}

/** Makes two registered users friends in the server's database (a stand-in until friend requests exist). */
export async function befriend(server: TestServer, a: string, b: string): Promise<void> {
  await withStore(server, async (store) => {
    const [first, second] = [(await store.users.findByKey(a))?.id, (await store.users.findByKey(b))?.id];
    assert.ok(first !== undefined && second !== undefined, "both users are registered");
    await store.friends.addFriendship(first, second, Date.now());
  });
}

/** Runs `fn` with a browser, closing it afterwards whatever happens. */
export async function withBrowser<T>(fn: (browser: Browser) => Promise<T>, hosts: string[] = []): Promise<T> {
  const browser = await launch(hosts);
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** Runs a browser test with its own server (started with `flags`) and browser; `hosts` map to 127.0.0.1 in it. */
export function webTest(
  name: string,
  fn: (server: TestServer, browser: Browser) => Promise<void>,
  options: { flags?: string[]; hosts?: string[] } = {},
): void {
  Deno.test({
    name: `web client: ${name}`,
    // On CI a missing browser is a failure, not a skip.
    ignore: NO_BROWSER,
    async fn() {
      const server = await startTestServer(options.flags);
      try {
        await withBrowser((browser) => fn(server, browser), options.hosts);
      } finally {
        await server.close();
      }
    },
  });
}

/** The servers of {@link replacedServerTest}: the first, and a way to replace it by another with a different key. */
export interface ReplacedServer {
  /** The server the page is first served by. */
  first: TestServer;
  /**
   * Stops the first server, runs `between` (a check while no server is up), and starts another on the same ports with
   * another data directory, so another identity key: a replaced server, or an impostor.
   */
  replace(between?: () => Promise<void>): Promise<TestServer>;
}

/**
 * Runs a browser test whose server is replaced, on the same ports, by one with another key; whichever servers are
 * up at the end are closed.
 */
export function replacedServerTest(
  name: string,
  fn: (servers: ReplacedServer, browser: Browser) => Promise<void>,
): void {
  Deno.test({
    name: `web client: ${name}`,
    // On CI a missing browser is a failure, not a skip.
    ignore: NO_BROWSER,
    async fn() {
      const first = await startTestServer();
      let firstUp = true;
      let second: TestServer | undefined;
      const ports = [`--server.tcpPort=${first.tcpPort}`, `--server.httpPort=${first.httpPort}`];
      const replace = async (between?: () => Promise<void>) => {
        await first.close();
        firstUp = false;
        await between?.();
        second = await startTestServer(ports);
        return second;
      };
      try {
        await withBrowser((browser) => fn({ first, replace }, browser));
      } finally {
        if (firstUp) await first.close();
        await second?.close();
      }
    },
  });
}

/** Two seeded friends: the conversation's id and each one's TCP connection, both signed in. */
export interface FriendsOverTcp {
  conversationId: number;
  /** The first user's connection; close it before that user logs in in a page, or the page's login kicks it. */
  first: MimiConnection;
  second: MimiConnection;
}

/**
 * Registers two users and makes them friends through friend requests over TCP with the SDK, both left signed in.
 *
 * @param server The server.
 * @param first `[username, nickname]` of the one who asks.
 * @param second `[username, nickname]` of the one who accepts.
 */
export async function friendsOverTcp(
  server: TestServer,
  first: [string, string],
  second: [string, string],
): Promise<FriendsOverTcp> {
  await seedUsers(server, [first, second]);
  const a = await logInOverTcp(server, first[0]);
  const b = await logInOverTcp(server, second[0]);
  const conversationId = await befriendOverSdk(a, b);
  return { conversationId, first: a, second: b };
}
