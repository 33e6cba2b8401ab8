// The web client's weight: builds it (scripts/build.ts) and measures what the sign-in page and a usable chat cost over
// the wire, against issue 10's ceilings. The `web` scenario of `deno task bench` reports it; bench/weight_bench.ts
// prints the table per file.
//
// Sign-in JS: the page's script, the chunks it imports at once, and the OPAQUE worker (not the WebAssembly, which is
// fetched beside them and is not JavaScript). Up to a usable chat: every file of the build (every chunk, even those
// a browser with WebCrypto never loads), the WebAssembly, the style sheet and the page itself.

import { resolveConfig } from "../core/config/resolve.ts";
import { pageSettings } from "../server/page_settings.ts";
import { createPages, loadBundle, type WebBundle } from "../routes/mod.tsx";
import type { BuildManifest } from "../routes/_assets.ts";
import { build } from "../scripts/build.ts";
import { type Figure, figure, type Scenario } from "./_harness.ts";

/** Issue 10 item 8's ceilings, in bytes over the wire with gzip (1 KB = 1000 bytes, the stricter reading). */
export const SIGN_IN_JS_CEILING = 100_000;
export const UP_TO_CHAT_CEILING = 300_000;

/** Before this build existed: one script with OPAQUE's WebAssembly inlined, measured at commit 065b2d4. */
export const BEFORE = { bytes: 674_446, gzip: 246_165, br: 205_691 };

export interface Sizes {
  bytes: number;
  gzip: number;
  br: number;
}

export const add = (a: Sizes, b: Sizes): Sizes => ({
  bytes: a.bytes + b.bytes,
  gzip: a.gzip + b.gzip,
  br: a.br + b.br,
});
const ZERO: Sizes = { bytes: 0, gzip: 0, br: 0 };

/** The script `name` and every chunk it imports statically, transitively. */
function loadedWith(manifest: BuildManifest, name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const next of manifest.files[name]?.imports ?? []) loadedWith(manifest, next, seen);
  return seen;
}

/** What {@link measureWebWeight} found. */
export interface WebWeight {
  manifest: BuildManifest;
  bundle: WebBundle;
  sizeOf(name: string): Sizes;
  signIn: Sizes;
  page: Sizes;
  upToChat: Sizes;
}

/** Builds the web client and measures it. */
export async function measureWebWeight(): Promise<WebWeight> {
  await build();
  const bundle = await loadBundle();
  if (!bundle) throw new Error("The build wrote no manifest");
  const { manifest } = bundle;
  const sizeOf = (name: string): Sizes => manifest.files[name];

  const signInFiles = [...loadedWith(manifest, manifest.client), manifest.worker];
  const signIn = signInFiles.map(sizeOf).reduce(add, ZERO);

  // The page and its style sheet come from the server itself; ask it, as a browser would.
  const pages = createPages(bundle, pageSettings(resolveConfig({ args: [] }).config, "SHA256:" + "0".repeat(43)));
  async function served(path: string): Promise<Sizes> {
    const get = async (encoding: string) =>
      new Uint8Array(
        await pages(new Request(`http://x${path}`, { headers: { "accept-encoding": encoding } }))
          .arrayBuffer(),
      );
    return { bytes: (await get("identity")).length, gzip: (await get("gzip")).length, br: (await get("br")).length };
  }
  const html = new TextDecoder().decode(
    await pages(new Request("http://x/", { headers: { "accept-encoding": "identity" } })).arrayBuffer(),
  );
  const cssPath = html.match(/<link rel="stylesheet" href="([^"]+)"/)?.[1];
  if (!cssPath) throw new Error("The page names no style sheet");
  const page = add(await served("/"), await served(cssPath));
  const upToChat = add(Object.keys(manifest.files).map(sizeOf).reduce(add, ZERO), page);
  return { manifest, bundle, sizeOf, signIn, page, upToChat };
}

/** The `web` scenario of `deno task bench`: the two ceilings as ratios, and the WebAssembly's size. */
export const webWeight: Scenario = {
  name: "web",
  describe: "web weight: the sign-in page's JavaScript and everything up to a usable chat, gzip",
  async run(): Promise<Figure[]> {
    const { signIn, upToChat, sizeOf, manifest } = await measureWebWeight();
    return [
      figure("web", "sign-in JavaScript (gzip)", signIn.gzip, "bytes", { op: "<=", value: SIGN_IN_JS_CEILING }),
      figure("web", "up to a usable chat (gzip)", upToChat.gzip, "bytes", { op: "<=", value: UP_TO_CHAT_CEILING }),
      figure("web", "OPAQUE WebAssembly (gzip)", sizeOf(manifest.wasm).gzip, "bytes"),
    ];
  },
};
