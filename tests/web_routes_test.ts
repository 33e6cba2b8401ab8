// The web routes without a browser: status codes, the content security policy, and the settings the page carries.

import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { PageSettings } from "../core/client/mod.ts";
import { resolveConfig } from "../core/config/resolve.ts";
import { pageSettings } from "../server/page_settings.ts";
import { createPages, loadBundle } from "../routes/mod.tsx";
import { startTestServer, type TestServer } from "./_harness.ts";

/** One response as it came over the wire: node's client, unlike fetch, leaves a compressed body compressed. */
interface Raw {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

function get(server: TestServer, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: server.httpPort, path, method, headers }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
          body: new Uint8Array(Buffer.concat(chunks)),
        }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The static paths the page names: its script, the chunks it preloads, the worker and the style sheet. */
function pageAssets(html: string): { script: string; worker: string; css: string; preload: string[] } {
  const script = html.match(/<script type="module" src="([^"]+)" data-worker="([^"]+)"/);
  const css = html.match(/<link rel="stylesheet" href="([^"]+)"/);
  assert.ok(script && css, "the page names its script, worker and style sheet");
  const preload = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]);
  return { script: script[1], worker: script[2], css: css[1], preload };
}

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
    assert.match(policy, /worker-src 'self';/);
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

Deno.test("web routes: built files have hashed names, are immutable, and come as br, gzip or plain by Accept-Encoding", async () => {
  const server = await startTestServer();
  try {
    const page = await get(server, "/", { "accept-encoding": "br" });
    assert.equal(page.status, 200);
    assert.equal(page.headers["cache-control"], "no-cache");
    assert.equal(page.headers["vary"], "accept-encoding, Cookie, Accept-Language");
    assert.equal(page.headers["content-encoding"], "br");
    const html = new TextDecoder().decode(brotliDecompressSync(page.body));
    // no-cache asks again each time; the same page costs only its headers then.
    const revalidated = await get(server, "/", { "accept-encoding": "br", "if-none-match": page.headers["etag"] });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.body.length, 0);
    assert.equal(revalidated.headers["content-length"], undefined);
    const { script, worker, css, preload } = pageAssets(html);
    for (const path of [script, worker, css, ...preload]) {
      assert.match(path, /^\/static\/[a-z_]+\.[0-9a-z]{8,10}\.(js|css)$/, `${path} is a content-hashed name`);
    }
    const plain = await get(server, script, { "accept-encoding": "identity" });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(plain.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal(plain.headers["vary"], "accept-encoding");
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.match(plain.headers["content-security-policy"], /default-src 'none'/);
    const br = await get(server, script, { "accept-encoding": "gzip, deflate, br" });
    assert.equal(br.headers["content-encoding"], "br");
    assert.deepEqual(new Uint8Array(brotliDecompressSync(br.body)), plain.body);
    const gzip = await get(server, script, { "accept-encoding": "gzip" });
    assert.equal(gzip.headers["content-encoding"], "gzip");
    assert.deepEqual(new Uint8Array(gunzipSync(gzip.body)), plain.body);
    assert.ok(br.body.length < gzip.body.length && gzip.body.length < plain.body.length);
    const head = await get(server, script, { "accept-encoding": "br" }, "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers["content-length"], String(br.body.length));

    const styles = await get(server, css);
    assert.equal(styles.headers["content-type"], "text/css; charset=utf-8");
    assert.equal(styles.headers["cache-control"], "public, max-age=31536000, immutable");
  } finally {
    await server.close();
  }
});

Deno.test("web routes: OPAQUE's WebAssembly is a file of its own, served as application/wasm, and no script inlines it", async () => {
  const bundle = await loadBundle();
  assert.ok(bundle, "deno task build has run");
  const server = await startTestServer();
  try {
    const wasm = await get(server, `/static/${bundle.manifest.wasm}`, { "accept-encoding": "br" });
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers["content-type"], "application/wasm");
    assert.equal(wasm.headers["cache-control"], "public, max-age=31536000, immutable");
    const bytes = new Uint8Array(brotliDecompressSync(wasm.body));
    assert.deepEqual(bytes.subarray(0, 4), new Uint8Array([0, 0x61, 0x73, 0x6d]), "starts with \\0asm");
    assert.ok(WebAssembly.validate(bytes));
    for (const [name, file] of Object.entries(bundle.manifest.files)) {
      if (!name.endsWith(".js")) continue;
      const code: string = new TextDecoder().decode(bundle.assets.get(name)!.identity);
      // "AGFzbQ" is "\0asm" in base64: a script holding it carries a WebAssembly module inside.
      assert.doesNotMatch(code, /AGFzbQ/, `${name} inlines no WebAssembly`);
      assert.equal(file.type, "text/javascript; charset=utf-8");
    }
    // OPAQUE's glue (wasm-bindgen) lives in the worker alone: the page's own scripts cannot run OPAQUE on its thread.
    for (const name of Object.keys(bundle.manifest.files).filter((n) => n.endsWith(".js"))) {
      const code: string = new TextDecoder().decode(bundle.assets.get(name)!.identity);
      assert.equal(code.includes("__wbindgen_start"), name === bundle.manifest.worker, name);
    }
  } finally {
    await server.close();
  }
});

Deno.test("web routes: only the build's own files are served: unhashed, precompressed and manifest paths are 404", async () => {
  const bundle = await loadBundle();
  assert.ok(bundle, "deno task build has run");
  const server = await startTestServer();
  try {
    const client = bundle.manifest.client;
    for (
      const path of [
        "/static/islands.js",
        "/static/app.css",
        "/static/manifest.json",
        `/static/${client}.gz`,
        `/static/${client}.br`,
        `/static/${client.replace(/\.[0-9a-f]+\.js$/, ".0000000000.js")}`,
        "/static/../deno.json",
        "/static/",
        "/index.html",
      ]
    ) {
      const answer = await get(server, path);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.headers["content-type"], "text/plain; charset=utf-8");
      assert.match(answer.headers["content-security-policy"], /default-src 'none'/);
    }
    const post = await fetch(`http://127.0.0.1:${server.httpPort}/static/${client}`, { method: "POST", body: "x" });
    await post.body?.cancel();
    assert.equal(post.status, 405);
  } finally {
    await server.close();
  }
});

Deno.test("web routes: without a build the page still renders its sign-in form, names no script and says why", async () => {
  const pages = createPages(undefined, pageSettings(resolveConfig({ args: [] }).config, "SHA256:test"));
  const html = await pages(new Request("http://x/")).text();
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /The web client is not built/);
  assert.match(html, /id="login-username"/);
  const css = html.match(/href="(\/static\/app\.[0-9a-f]+\.css)"/)?.[1];
  assert.ok(css, "the style sheet needs no build");
  assert.equal(pages(new Request(`http://x${css}`)).status, 200);
});
