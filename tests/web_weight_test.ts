// The web client's weight and speed in real Chromium: a sign-in form that works before its script arrives, and
// OPAQUE in a Web Worker with its WebAssembly fetched as a file of its own while the user types.

import assert from "node:assert/strict";
import { connected, LOGIN_MS, pageUrl, PASSWORD, seedUsers, webTest } from "./_browser.ts";

webTest(
  "the sign-in form can be filled in before its script arrives, and hydration keeps the values, focus and selection",
  async (server, browser) => {
    await seedUsers(server, [["alice", "Alice"]]);
    const context = await browser.newContext();
    let held = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => release = resolve);
    // The page's script (and so every chunk and the worker it loads) waits until the test lets it through.
    await context.route(/\/static\/client\.[0-9a-f]+\.js$/, async (route) => {
      held = true;
      await released;
      await route.continue();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // Module scripts hold back DOMContentLoaded and load, so the test waits only for the server's HTML to arrive.
    await page.goto(pageUrl(server), { waitUntil: "commit" });
    const username = page.getByLabel("Username");
    const password = page.getByLabel("Password", { exact: true });
    await username.waitFor();
    assert.equal(held, true, "the script was asked for and is held back");
    await username.click();
    await page.keyboard.type("alice");
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    // Select the password's last three characters, from the end backwards, as a user fixing a typo would.
    for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+ArrowLeft");
    const before = await page.evaluate(() => {
      const field = document.activeElement as HTMLInputElement;
      return {
        id: field.id,
        start: field.selectionStart,
        end: field.selectionEnd,
        direction: field.selectionDirection,
      };
    });
    assert.deepEqual(before, {
      id: "login-password",
      start: PASSWORD.length - 3,
      end: PASSWORD.length,
      direction: "backward",
    });
    assert.equal(await page.getByTestId("me").count(), 0);

    release();
    await connected(page);
    assert.equal(await username.inputValue(), "alice");
    assert.equal(await password.inputValue(), PASSWORD);
    const after = await page.evaluate(() => {
      const field = document.activeElement as HTMLInputElement;
      return {
        id: field.id,
        start: field.selectionStart,
        end: field.selectionEnd,
        direction: field.selectionDirection,
      };
    });
    assert.deepEqual(after, before, "focus and selection are where the user left them");
    // The form's own state has the values too: Enter logs in without typing anything again.
    await page.keyboard.press("Enter");
    await page.getByTestId("me").waitFor({ timeout: LOGIN_MS });
    assert.deepEqual(errors, []);
    await context.close();
  },
);

webTest(
  "OPAQUE's WebAssembly is fetched by the worker as application/wasm before the user logs in, and the login runs there",
  async (server, browser) => {
    await seedUsers(server, [["bob", "Bob"]]);
    const context = await browser.newContext();
    const wasm: { url: string; type: string | undefined }[] = [];
    context.on("response", (response) => {
      if (response.url().endsWith(".wasm")) {
        wasm.push({ url: response.url(), type: response.headers()["content-type"] });
      }
    });
    const page = await context.newPage();
    const messages: string[] = [];
    page.on("console", (message) => messages.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => messages.push(`pageerror: ${error.message}`));
    await page.goto(pageUrl(server));
    await connected(page);
    const [worker] = page.workers();
    assert.ok(worker, "the page started a worker");
    assert.match(worker.url(), /\/static\/opaque_worker\.[0-9a-f]+\.js$/);
    // Fetched with nothing typed yet: the page asks for it at start-up, in the background.
    await worker.evaluate(() =>
      new Promise<void>((resolve) => {
        const seen = () => performance.getEntriesByType("resource").some((entry) => entry.name.endsWith(".wasm"));
        if (seen()) return resolve();
        new PerformanceObserver((_list, observer) => {
          if (seen()) (observer.disconnect(), resolve());
        }).observe({ type: "resource", buffered: true });
      })
    );
    assert.equal(wasm.length, 1);
    assert.match(wasm[0].url, /\/static\/opaque\.[0-9a-f]+\.wasm$/);
    assert.equal(wasm[0].type, "application/wasm");
    const pageFetchedWasm = await page.evaluate(() =>
      performance.getEntriesByType("resource").some((entry) => entry.name.endsWith(".wasm"))
    );
    assert.equal(pageFetchedWasm, false, "the page's own thread never fetches OPAQUE");

    await page.getByLabel("Username").fill("bob");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Password", { exact: true }).press("Enter");
    await page.getByTestId("me").waitFor({ timeout: LOGIN_MS });
    assert.equal(wasm.length, 1, "compiled once, at start-up");
    // wasm-bindgen warns when it has to fall back from compiling by streaming (a wrong content type).
    assert.deepEqual(messages.filter((m) => /error|instantiateStreaming/i.test(m)), []);
    await context.close();
  },
);

webTest(
  "the signed-in screens are a chunk of their own: the sign-in page works without it, and a failed fetch says so",
  async (server, browser) => {
    await seedUsers(server, [["carol", "Carol"]]);
    const context = await browser.newContext();
    const chunks: string[] = [];
    // The signed-in screens' chunk cannot be fetched (a dropped connection, a half-deployed update).
    await context.route(/\/static\/home\.[0-9a-z]+\.js$/, (route) => {
      chunks.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(pageUrl(server));
    await connected(page);
    assert.equal(chunks.length, 1, "asked for in the background as soon as the page's script ran");
    await page.getByLabel("Username").fill("carol");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Password", { exact: true }).press("Enter");
    await page.getByRole("alert").filter({ hasText: "This screen could not be loaded" }).waitFor({ timeout: LOGIN_MS });
    await context.close();
  },
);

webTest(
  "the all-noble provider's chunk is fetched only by a page without crypto.subtle",
  async (server, browser) => {
    const nobleChunks = async (url: string) => {
      const context = await browser.newContext();
      const fetched: string[] = [];
      context.on("request", (request) => {
        if (/\/static\/noble\.[0-9a-z]+\.js$/.test(request.url())) fetched.push(request.url());
      });
      const page = await context.newPage();
      await page.goto(url);
      await connected(page);
      const subtle = await page.evaluate(() => typeof globalThis.crypto.subtle);
      await context.close();
      return { subtle, fetched: fetched.length };
    };
    // 127.0.0.1 is a secure context even over plain HTTP; another name for it is not.
    assert.deepEqual(await nobleChunks(pageUrl(server)), { subtle: "object", fetched: 0 });
    assert.deepEqual(await nobleChunks(pageUrl(server, "mimi.test")), { subtle: "undefined", fetched: 1 });
  },
  { hosts: ["mimi.test"] },
);
