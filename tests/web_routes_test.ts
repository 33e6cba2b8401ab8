// The web routes without a browser: status codes, the content security policy, and the settings the page carries.

import assert from "node:assert/strict";
import type { PageSettings } from "../core/client/mod.ts";
import { startTestServer } from "./_harness.ts";

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

Deno.test("web routes: the page hands the browser the server's fingerprint, crypto section and limits", async () => {
  const server = await startTestServer([
    "--crypto.aead=chacha20-poly1305",
    "--crypto.padding=64",
    "--server.limits.maxFrameBytes=2097152",
    "--server.limits.messageTextChars=500",
    "--server.limits.imageBytes=1048576",
    "--server.limits.imagePixels=4000000",
    "--server.limits.thumbnailBytes=32768",
    "--server.recallWindowMs=60000",
  ]);
  try {
    const html = await (await fetch(`http://127.0.0.1:${server.httpPort}/`)).text();
    const attribute = html.match(/data-props="([^"]*)"/)?.[1] ?? "";
    const props = JSON.parse(attribute.replaceAll("&quot;", '"').replaceAll("&amp;", "&"));
    const expected: PageSettings = {
      wsPath: "/ws",
      fingerprint: server.server.fingerprint,
      crypto: server.config.crypto,
      maxFrameBytes: 2097152,
      chat: {
        messageTextChars: 500,
        imageBytes: 1048576,
        imagePixels: 4000000,
        thumbnailBytes: 32768,
        recallWindowMs: 60000,
      },
    };
    assert.deepEqual(props, { settings: expected, locale: "en" });
    assert.deepEqual(props.settings.crypto.aead, ["chacha20-poly1305"]);
    assert.equal(props.settings.crypto.padding, 64);
  } finally {
    await server.close();
  }
});

Deno.test("web routes: the page is rendered in the language of the cookie, else of Accept-Language", async () => {
  const server = await startTestServer();
  try {
    const get = async (headers: Record<string, string>) => {
      const response = await fetch(`http://127.0.0.1:${server.httpPort}/`, { headers });
      assert.match(response.headers.get("vary") ?? "", /Cookie/);
      return await response.text();
    };
    const chinese = await get({ "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" });
    assert.match(chinese, /<html lang="zh-CN">/);
    assert.match(chinese, /登录/);
    assert.match(chinese, /&quot;locale&quot;:&quot;zh-CN&quot;/);
    const chosen = await get({ "accept-language": "zh-CN", cookie: "mimi_locale=en" });
    assert.match(chosen, /<html lang="en">/);
    assert.match(chosen, /Log in/);
    assert.match(await get({}), /<html lang="en">/);
  } finally {
    await server.close();
  }
});
