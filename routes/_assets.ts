// The built web client (static/, written by scripts/build.ts): its manifest, its files in three encodings, and how
// one is served.

import { createHash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** The manifest's name in static/. */
export const MANIFEST_NAME = "manifest.json";

/** Where `deno task build` writes the web client; `deno task compile` embeds it. */
export const STATIC_DIR = new URL("../static/", import.meta.url);

/** One built file as the manifest describes it: sizes in bytes as stored, and for scripts what they import. */
export interface BuiltFile {
  /** Its `content-type`. */
  type: string;
  bytes: number;
  gzip: number;
  br: number;
  /** Chunks loaded with this script (static imports). */
  imports?: string[];
  /** Chunks this script loads on demand (`import()`). */
  dynamicImports?: string[];
}

/** static/manifest.json: the hashed names of the entry points, and every file. */
export interface BuildManifest {
  /** The page's script (an ES module). */
  client: string;
  /** The OPAQUE worker (a classic script). */
  worker: string;
  /** OPAQUE's WebAssembly, which the worker compiles by streaming. */
  wasm: string;
  /** Every file by name, entry points and chunks alike. */
  files: Record<string, BuiltFile>;
}

/** A file ready to serve, in each encoding. */
export interface Asset {
  type: string;
  /** Names this content (its hash): the entity tag, with the encoding added, that lets a cache revalidate. */
  tag: string;
  identity: Uint8Array;
  gzip: Uint8Array;
  br: Uint8Array;
}

/** The built web client, read into memory once at start-up. */
export interface WebBundle {
  manifest: BuildManifest;
  /** Every file by its name under /static/. */
  assets: Map<string, Asset>;
}

/**
 * Reads the web client written by `deno task build`.
 *
 * @param dir The build's folder (default static/).
 * @returns The manifest and every file it lists, or `undefined` when there is no build.
 * @throws {Error} If the manifest lists a file that is missing (a build interrupted half way).
 */
export async function loadBundle(dir: URL = STATIC_DIR): Promise<WebBundle | undefined> {
  let manifest: BuildManifest;
  try {
    manifest = JSON.parse(await Deno.readTextFile(new URL(MANIFEST_NAME, dir)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`Cannot read the web client's ${MANIFEST_NAME}: run deno task build`, { cause: error });
  }
  const assets = new Map<string, Asset>();
  for (const [name, file] of Object.entries(manifest.files)) {
    const read = (suffix: string) => Deno.readFile(new URL(name + suffix, dir));
    const [identity, gzip, br] = await Promise.all([read(""), read(".gz"), read(".br")]);
    assets.set(name, { type: file.type, tag: name, identity, gzip, br });
  }
  return { manifest, assets };
}

/**
 * Makes an asset of text the server holds itself (the style sheet, the page): hashed and compressed once.
 *
 * @param text The content.
 * @param type Its `content-type`.
 * @returns The asset, and a short content hash for its name.
 */
export function textAsset(text: string, type: string): Asset & { hash: string } {
  const identity = new TextEncoder().encode(text);
  const hash = createHash("sha256").update(identity).digest("hex").slice(0, 10);
  return {
    type,
    tag: hash,
    identity,
    gzip: gzipSync(identity, { level: 9 }),
    br: brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    hash,
  };
}

/**
 * The best encoding the client accepts: Brotli, then gzip, else none. Reads `Accept-Encoding` (RFC 9110 §12.5.3)
 * with its weights: `q=0` refuses an encoding.
 *
 * @param header The request's `Accept-Encoding`, or null.
 * @returns `"br"`, `"gzip"` or `undefined` for the identity.
 */
export function pickEncoding(header: string | null): "br" | "gzip" | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(",")) {
    const [coding, ...parameters] = part.trim().toLowerCase().split(";");
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(coding.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const accepts = (coding: string) => (weights.get(coding) ?? weights.get("*") ?? 0) > 0;
  if (accepts("br")) return "br";
  if (accepts("gzip")) return "gzip";
  return undefined;
}

/**
 * The response for `asset` in the best encoding `request` accepts; `vary` says the answer depends on
 * `Accept-Encoding`, for caches between. A request whose `If-None-Match` names this very representation (RFC 9110
 * §13.1.2) is answered 304 with no body: a page marked `no-cache` is revalidated for the price of its headers.
 *
 * @param request The request.
 * @param asset The asset.
 * @returns The status (200 or 304), the body to send (null for HEAD and 304) and the headers describing it.
 */
export function encoded(
  request: Request,
  asset: Asset,
): { status: 200 | 304; body: Uint8Array | null; headers: Record<string, string> } {
  const encoding = pickEncoding(request.headers.get("accept-encoding"));
  const body = encoding === "br" ? asset.br : encoding === "gzip" ? asset.gzip : asset.identity;
  const etag = `"${asset.tag}${encoding ? `-${encoding}` : ""}"`;
  const headers: Record<string, string> = { "content-type": asset.type, "vary": "accept-encoding", etag };
  if (encoding) headers["content-encoding"] = encoding;
  const wanted = request.headers.get("if-none-match");
  if (wanted && (wanted.trim() === "*" || wanted.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag))) {
    return { status: 304, body: null, headers };
  }
  headers["content-length"] = String(body.length);
  return { status: 200, body: request.method === "HEAD" ? null : body, headers };
}
