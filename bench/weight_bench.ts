// Prints the web client's weight per file (bench/web_weight.ts measures it) and fails past issue 10's ceilings; also
// what each encoding costs the browser to unpack.

import { gunzipSync } from "node:zlib";
import { brotliDecompressSync } from "node:zlib";
import { BEFORE, measureWebWeight, SIGN_IN_JS_CEILING, type Sizes, UP_TO_CHAT_CEILING } from "./web_weight.ts";

const { manifest, bundle, sizeOf, signIn, page, upToChat } = await measureWebWeight();
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
