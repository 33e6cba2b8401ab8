// The web client in real Chromium: the page renders, the island hydrates, and echo works over WebSocket.

import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startTestServer } from "./_harness.ts";

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

Deno.test({
  name: "web client: the page hydrates, connects over WebSocket and shows the echo",
  // On CI a missing browser is a failure, not a skip.
  ignore: !haveChromium && !Deno.env.get("CI"),
  async fn() {
    const server = await startTestServer();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
      await page.goto(`http://127.0.0.1:${server.httpPort}/`);
      await page.getByTestId("status").filter({ hasText: "connected" }).waitFor({ timeout: 10_000 });
      await page.getByLabel("Text to echo").fill("你好，浏览器");
      await page.getByRole("button", { name: "Echo" }).click();
      await page.getByTestId("answers").getByText("你好，浏览器").waitFor({ timeout: 10_000 });
      await server.waitForLog((r) => r.event === "echo" && r.body === "你好，浏览器");
      const connect = await server.waitForLog((r) => r.event === "connect");
      assert.equal(connect.transport, "ws");
      const secure = await server.waitForLog((r) => r.event === "secure");
      assert.equal(await page.getByTestId("suite").textContent(), secure.suite);
      assert.equal(await page.getByTestId("fingerprint").textContent(), server.server.fingerprint);
      assert.equal(await page.getByTestId("insecure-notice").count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "web client: over plain HTTP from another host it still connects securely with noble and says so",
  ignore: !haveChromium && !Deno.env.get("CI"),
  async fn() {
    const server = await startTestServer();
    // A name that is not localhost makes the page a non-secure context: no crypto.subtle, as on a LAN.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP mimi.test 127.0.0.1"],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://mimi.test:${server.httpPort}/`);
      assert.equal(await page.evaluate(() => globalThis.isSecureContext), false);
      assert.equal(await page.evaluate(() => typeof globalThis.crypto.subtle), "undefined");
      await page.getByTestId("status").filter({ hasText: "connected" }).waitFor({ timeout: 20_000 });
      await page.getByTestId("insecure-notice").waitFor();
      await page.getByLabel("Text to echo").fill("局域网");
      await page.getByRole("button", { name: "Echo" }).click();
      await page.getByTestId("answers").getByText("局域网").waitFor({ timeout: 10_000 });
      assert.equal(await page.getByTestId("fingerprint").textContent(), server.server.fingerprint);
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
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.match(await page.text(), /data-island="EchoDemo"/);
  } finally {
    await server.close();
  }
});
