// The browser's device key store in real Chromium: IndexedDB keeps a non-extractable key across reloads, and its
// resume proofs verify as the server checks them.

import assert from "node:assert/strict";
import { fromHex } from "../core/bytes/mod.ts";
import { verifyResumeProof } from "../core/client/resume_proof.ts";
import { launch, NO_BROWSER } from "./_browser.ts";

/** Bundles the page script for the browser. */
async function bundlePage(dir: string): Promise<string> {
  const out = `${dir}/page.js`;
  const entry = new URL("./fixtures/device_key/page.ts", import.meta.url).pathname;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "-o", out, entry],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return await Deno.readTextFile(out);
}

Deno.test({
  name: "IndexedDbDeviceKeyStore in Chromium: the shared store suite, and a key kept across a reload",
  // On CI a missing browser is a failure, not a skip.
  ignore: NO_BROWSER,
  async fn(t) {
    const dir = await Deno.makeTempDir();
    const script = await bundlePage(dir);
    // A page of its own on 127.0.0.1: a secure context (WebCrypto) with an origin of its own (IndexedDB).
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
        await page.waitForFunction(() => "deviceKeys" in globalThis);
      };
      await ready();

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
      await browser.close();
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
