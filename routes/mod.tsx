// HTTP routes for pages and assets; the WebSocket endpoint is the server's own (server/server.ts).

import { renderToString } from "preact-render-to-string";
import type { PageSettings } from "../core/client/mod.ts";
import { LOCALES } from "../islands/_i18n.ts";
import { localeOfRequest } from "../islands/_locale.ts";
import { IndexPage, type PageAssets } from "./index.tsx";
import { APP_CSS } from "./_styles.ts";
import { type Asset, encoded, textAsset, type WebBundle } from "./_assets.ts";

export { loadBundle, type WebBundle } from "./_assets.ts";

// The page loads only its own scripts, worker and style and talks only to its own origin. 'wasm-unsafe-eval' lets it
// compile WebAssembly (OPAQUE's, PROTOCOL.md §10, in the worker) and nothing else: eval and inline scripts stay
// forbidden. The worker's own response carries the same policy, which is the one it runs under.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' blob: data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** Hashed names never change content: caches keep them a year without asking again. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Pages name the current build's files: a cache must ask each time (and gets the page again cheaply). */
const PAGE_CACHE = "no-cache";

/**
 * Creates the handler for pages and assets.
 *
 * @param bundle The built web client (`loadBundle()`), or `undefined` when it has not been built: the page then says
 *   so, and only its server-rendered forms show.
 * @param page What the web client needs to connect (fingerprint, WebSocket path, crypto settings, frame limit), as
 *   the server hands it over; the page carries it to the browser.
 * @returns The handler.
 */
export function createPages(bundle: WebBundle | undefined, page: PageSettings): (request: Request) => Response {
  const css = textAsset(APP_CSS, "text/css; charset=utf-8");
  const cssName = `app.${css.hash}.css`;
  const assets = new Map<string, Asset>(bundle?.assets);
  assets.set(cssName, css);
  const manifest = bundle?.manifest;
  const pageAssets: PageAssets = {
    css: `/static/${cssName}`,
    client: manifest && `/static/${manifest.client}`,
    preload: (manifest?.files[manifest.client]?.imports ?? []).map((name) => `/static/${name}`),
    worker: manifest && `/static/${manifest.worker}`,
  };
  // One page per language, rendered once: the user's choice (cookie) or Accept-Language picks which.
  const index = Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      textAsset(
        "<!DOCTYPE html>" + renderToString(<IndexPage settings={page} locale={locale} assets={pageAssets} />),
        "text/html; charset=utf-8",
      ),
    ]),
  );
  return (request) => {
    const { pathname } = new URL(request.url);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("Method not allowed", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    if (pathname === "/") {
      const locale = localeOfRequest(request.headers.get("cookie"), request.headers.get("accept-language"));
      const response = serve(request, index[locale], PAGE_CACHE);
      // The language depends on these too; a cache must not hand a Chinese page to an English browser.
      response.headers.set(
        "vary",
        [response.headers.get("vary"), "Cookie, Accept-Language"].filter(Boolean).join(", "),
      );
      return response;
    }
    const asset = pathname.startsWith("/static/") ? assets.get(pathname.slice("/static/".length)) : undefined;
    if (asset) return serve(request, asset, IMMUTABLE);
    return new Response("Not found", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8", ...SECURITY_HEADERS },
    });
  };
}

function serve(request: Request, asset: Asset, cacheControl: string): Response {
  const { status, body, headers } = encoded(request, asset);
  return new Response(body as BodyInit | null, {
    status,
    headers: { ...headers, "cache-control": cacheControl, ...SECURITY_HEADERS },
  });
}
