// For tests that run a store in real Chromium: a page script from tests/fixtures/ bundled and served on a page of its
// own, with the page's uncaught errors.

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launch } from "./_browser.ts";

/** A bundled fixture script loaded in Chromium. */
export interface FixturePage {
  page: Page;
  /** The page's uncaught exceptions. */
  errors: string[];
  /** Loads the page (again: a reload) and waits for its script to have set its global. */
  ready(): Promise<void>;
  /** Closes the browser and the server and removes the bundle. */
  close(): Promise<void>;
}

/** Bundles a page script for the browser. */
async function bundle(entry: string, out: string): Promise<string> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "-o", out, entry],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return await Deno.readTextFile(out);
}

/**
 * Bundles `tests/fixtures/<fixture>/page.ts`, serves it on a page of its own on 127.0.0.1 (a secure context, for
 * WebCrypto, with an origin of its own, for IndexedDB), and opens that page in Chromium, loaded.
 *
 * @param fixture The folder under tests/fixtures/.
 * @param global The name the page script sets on `globalThis` once it has run.
 */
export async function openFixturePage(fixture: string, global: string): Promise<FixturePage> {
  const dir = await Deno.makeTempDir();
  const entry = new URL(`./fixtures/${fixture}/page.ts`, import.meta.url).pathname;
  const script = await bundle(entry, `${dir}/page.js`);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/page.js") return new Response(script, { headers: { "content-type": "text/javascript" } });
    return new Response('<!doctype html><script type="module" src="/page.js"></script>', {
      headers: { "content-type": "text/html" },
    });
  });
  const browser = await launch();
  const close = async () => {
    await browser.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  };
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const url = `http://127.0.0.1:${server.addr.port}/`;
    const ready = async () => {
      await page.goto(url);
      await page.waitForFunction((name) => name in globalThis, global);
    };
    await ready();
    return { page, errors, ready, close };
  } catch (error) {
    await close();
    throw error;
  }
}
