// The browser's outbox store in real Chromium: the shared store suite on IndexedDB, and a waiting send (an image with
// its bytes) kept across a reload.

import assert from "node:assert/strict";
import { NO_BROWSER } from "./_browser.ts";
import { openFixturePage } from "./_fixture_page.ts";

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
    const { page, errors, ready, close } = await openFixturePage("outbox_store", "outbox");
    try {
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
      await close();
    }
  },
});
