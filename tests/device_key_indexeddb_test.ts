// The browser's device key store in real Chromium: IndexedDB keeps a non-extractable key across reloads, and its
// resume proofs verify as the server checks them.

import assert from "node:assert/strict";
import { fromHex } from "../core/bytes/mod.ts";
import { verifyResumeProof } from "../core/client/resume_proof.ts";
import { NO_BROWSER } from "./_browser.ts";
import { openFixturePage } from "./_fixture_page.ts";

Deno.test({
  name: "IndexedDbDeviceKeyStore in Chromium: the shared store suite, and a key kept across a reload",
  // On CI a missing browser is a failure, not a skip.
  ignore: NO_BROWSER,
  async fn(t) {
    const { page, errors, ready, close } = await openFixturePage("device_key", "deviceKeys");
    try {
      await t.step("every case of the shared store suite passes on IndexedDB", async () => {
        const results = await page.evaluate(() =>
          (globalThis as unknown as { deviceKeys: { runSuite(): Promise<{ name: string; error?: string }[]> } })
            .deviceKeys.runSuite()
        );
        assert.ok(results.length >= 7, "the suite ran");
        assert.deepEqual(results.filter((r) => r.error), []);
      });

      await t.step(
        "a saved key is there after a reload, non-extractable, and its proof verifies with noble",
        async () => {
          type Api = {
            save(deviceId: number): Promise<string>;
            load(exporter: string): Promise<
              { deviceId: number; publicKey: string; extractable: boolean; exportRefused: boolean; proof: string }
            >;
          };
          const publicKey = await page.evaluate(() =>
            (globalThis as unknown as { deviceKeys: Api }).deviceKeys.save(5)
          );
          await ready();
          const exporter = crypto.getRandomValues(new Uint8Array(32));
          const exporterHex = Array.from(exporter, (b) => b.toString(16).padStart(2, "0")).join("");
          const loaded = await page.evaluate(
            (hex) => (globalThis as unknown as { deviceKeys: Api }).deviceKeys.load(hex),
            exporterHex,
          );
          assert.deepEqual(
            { ...loaded, proof: undefined },
            { deviceId: 5, publicKey, extractable: false, exportRefused: true, proof: undefined },
          );
          assert.ok(await verifyResumeProof(fromHex(publicKey), exporter, fromHex(loaded.proof)));
        },
      );
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  },
});
