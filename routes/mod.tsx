// HTTP routes for pages and assets; the WebSocket endpoint is the server's own (server/server.ts).

import { renderToString } from "preact-render-to-string";
import type { PageSettings } from "../core/client/mod.ts";
import { LOCALES } from "../islands/_i18n.ts";
import { localeOfRequest } from "../islands/_locale.ts";
import { IndexPage } from "./index.tsx";
import { APP_CSS } from "./_styles.ts";

/** Where `deno task build` writes the island bundle; `deno task compile` embeds it. */
export const BUNDLE_URL = new URL("../static/islands.js", import.meta.url);

// The page loads only its own script and style and talks only to its own origin. 'wasm-unsafe-eval' lets it compile
// WebAssembly (OPAQUE's, PROTOCOL.md §10) and nothing else: eval and inline scripts stay forbidden.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self' blob: data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * Creates the handler for pages and assets.
 *
 * @param bundle The island bundle's bytes, or `undefined` when it has not been built.
 * @param page What the web client needs to connect (fingerprint, WebSocket path, crypto settings, frame limit), as
 *   the server hands it over; the page carries it to the browser.
 * @returns The handler.
 */
export function createPages(bundle: Uint8Array | undefined, page: PageSettings): (request: Request) => Response {
  // One page per language, rendered once: the user's choice (cookie) or Accept-Language picks which.
  const index = Object.fromEntries(
    LOCALES.map((
      locale,
    ) => [locale, "<!DOCTYPE html>" + renderToString(<IndexPage settings={page} locale={locale} />)]),
  );
  return (request) => {
    const { pathname } = new URL(request.url);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("Method not allowed", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    switch (pathname) {
      case "/": {
        const locale = localeOfRequest(request.headers.get("cookie"), request.headers.get("accept-language"));
        const response = respond(index[locale], "text/html; charset=utf-8");
        response.headers.set("vary", "Cookie, Accept-Language");
        return response;
      }
      case "/static/app.css":
        return respond(APP_CSS, "text/css; charset=utf-8");
      case "/static/islands.js":
        return bundle
          ? respond(bundle, "text/javascript; charset=utf-8")
          : respond("The web client is not built: run deno task build", "text/plain; charset=utf-8", 503);
      default:
        return respond("Not found", "text/plain; charset=utf-8", 404);
    }
  };
}

/**
 * Reads the island bundle written by `deno task build`.
 *
 * @returns Its bytes, or `undefined` when it does not exist.
 */
export async function loadBundle(): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(BUNDLE_URL);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function respond(body: string | Uint8Array, type: string, status = 200): Response {
  return new Response(body as BodyInit, { status, headers: { "content-type": type, ...SECURITY_HEADERS } });
}
