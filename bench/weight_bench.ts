// The web client's weight: builds it (scripts/build.ts), prints what the sign-in page and a usable chat cost over the
// wire, and checks them against issue 10's ceilings as ratios (over 1.00 fails the bench).
//
// Sign-in JS: the page's script, the chunks it imports at once, and the OPAQUE worker (not the WebAssembly, which is
// fetched beside them and is not JavaScript). Up to a usable chat: every file of the build (every chunk, even those
// a browser with WebCrypto never loads), the WebAssembly, the style sheet and the page itself.

import { gunzipSync } from "node:zlib";
import { brotliDecompressSync } from "node:zlib";
import { resolveConfig } from "../core/config/resolve.ts";
import { createPages, loadBundle } from "../routes/mod.tsx";
import type { BuildManifest } from "../routes/_assets.ts";
import { build } from "../scripts/build.ts";

/** Issue 10 item 8's ceilings, in bytes over the wire with gzip (1 KB = 1000 bytes, the stricter reading). */
const SIGN_IN_JS_CEILING = 100_000;
const UP_TO_CHAT_CEILING = 300_000;

/** Before this build existed: one script with OPAQUE's WebAssembly inlined, measured at commit 065b2d4. */
const BEFORE = { bytes: 674_446, gzip: 246_165, br: 205_691 };

interface Sizes {
  bytes: number;
  gzip: number;
  br: number;
}

const add = (a: Sizes, b: Sizes): Sizes => ({ bytes: a.bytes + b.bytes, gzip: a.gzip + b.gzip, br: a.br + b.br });
const ZERO: Sizes = { bytes: 0, gzip: 0, br: 0 };

/** The script `name` and every chunk it imports statically, transitively. */
function loadedWith(manifest: BuildManifest, name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const next of manifest.files[name]?.imports ?? []) loadedWith(manifest, next, seen);
  return seen;
}

await build();
const bundle = await loadBundle();
if (!bundle) throw new Error("The build wrote no manifest");
const { manifest } = bundle;
const sizeOf = (name: string): Sizes => manifest.files[name];

const signInFiles = [...loadedWith(manifest, manifest.client), manifest.worker];
const signIn = signInFiles.map(sizeOf).reduce(add, ZERO);

// The page and its style sheet come from the server itself; ask it, as a browser would.
const pages = createPages(bundle, {
  wsPath: "/ws",
  fingerprint: "SHA256:" + "0".repeat(43),
  crypto: resolveConfig({ args: [] }).config.crypto,
  maxFrameBytes: 1 << 20,
});
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

const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
const row = (what: string, s: Sizes) =>
  `${what.padEnd(34)} ${kb(s.bytes).padStart(10)} ${kb(s.gzip).padStart(10)} ${kb(s.br).padStart(10)}`;
console.log(`\n${"web client weight".padEnd(34)} ${"raw".padStart(10)} ${"gzip".padStart(10)} ${"br".padStart(10)}`);
console.log(row("before: the one script", BEFORE));
for (const name of Object.keys(manifest.files)) console.log(row(`  ${name}`, sizeOf(name)));
console.log(row("  page + style sheet", page));
console.log(row("sign-in JS (script, chunks, worker)", signIn));
console.log(row("OPAQUE WebAssembly", sizeOf(manifest.wasm)));
console.log(row("up to a usable chat (everything)", upToChat));
const ratios = {
  signIn: signIn.gzip / SIGN_IN_JS_CEILING,
  upToChat: upToChat.gzip / UP_TO_CHAT_CEILING,
};
console.log(
  `ceilings (gzip): sign-in JS ${ratios.signIn.toFixed(2)} of ${kb(SIGN_IN_JS_CEILING)}, ` +
    `up to chat ${ratios.upToChat.toFixed(2)} of ${kb(UP_TO_CHAT_CEILING)}\n`,
);
if (ratios.signIn > 1 || ratios.upToChat > 1) {
  throw new Error(`The web client is over its weight: ${JSON.stringify(ratios)}`);
}

// What each encoding costs the browser to unpack, beside what it saves on the wire: the page's script.
const client = bundle.assets.get(manifest.client)!;
Deno.bench("unpack the page's script: gzip", { group: "unpack", baseline: true }, () => {
  gunzipSync(client.gzip);
});
Deno.bench("unpack the page's script: Brotli", { group: "unpack" }, () => {
  brotliDecompressSync(client.br);
});
