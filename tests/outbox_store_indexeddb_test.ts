// The browser's outbox store in real Chromium: the shared store suite on IndexedDB, and a waiting send (an image with
// its bytes) kept across a reload.

import assert from "node:assert/strict";
import { launch, NO_BROWSER } from "./_browser.ts";

/** Bundles the page script for the browser. */
async function bundlePage(dir: string): Promise<string> {
  const out = `${dir}/page.js`;
  const entry = new URL("./fixtures/outbox_store/page.ts", import.meta.url).pathname;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "-o", out, entry],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return await Deno.readTextFile(out);
}

type Api = {
  runSuite(): Promise<{ name: string; error?: string }[]>;
  save(): Promise<void>;
  load(): Promise<{ clientId: string; image: number[] | null; bytes: boolean }[]>;
};

Deno.test({
  name: "IndexedDbOutboxStore in Chromium: the shared store suite, and a waiting send kept across a reload",
  // On CI a missing browser is a failure, not a skip.
  ignore: NO_BROWSER,
  async fn(t) {
    const dir = await Deno.makeTempDir();
    const script = await bundlePage(dir);
    // A page of its own on 127.0.0.1: an origin of its own for IndexedDB.
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === "/page.js") return new Response(script, { headers: { "content-type": "text/javascript" } });
      return new Response('<!doctype html><script type="module" src="/page.js"></script>', {
        headers: { "content-type": "text/html" },
      });
    });
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      const url = `http://127.0.0.1:${server.addr.port}/`;
      const ready = async () => {
        await page.goto(url);
        await page.waitForFunction(() => "outbox" in globalThis);
      };
      await ready();

      await t.step("every case of the shared store suite passes on IndexedDB", async () => {
        const results = await page.evaluate(() => (globalThis as unknown as { outbox: Api }).outbox.runSuite());
        assert.ok(results.length >= 7, "the suite ran");
        assert.deepEqual(results.filter((r) => r.error), []);
      });

      await t.step("a saved image send is there after a reload, its bytes as bytes", async () => {
        await page.evaluate(() => (globalThis as unknown as { outbox: Api }).outbox.save());
        await ready();
        const loaded = await page.evaluate(() => (globalThis as unknown as { outbox: Api }).outbox.load());
        assert.deepEqual(loaded, [{ clientId: "ab".repeat(16), image: [1, 2, 3], bytes: true }]);
      });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
