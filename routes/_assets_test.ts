import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { encoded, pickEncoding, textAsset } from "./_assets.ts";

Deno.test("pickEncoding() prefers Brotli, then gzip, and honours q=0 and *", () => {
  assert.equal(pickEncoding(null), undefined);
  assert.equal(pickEncoding(""), undefined);
  assert.equal(pickEncoding("gzip, deflate, br, zstd"), "br");
  assert.equal(pickEncoding("gzip"), "gzip");
  assert.equal(pickEncoding("br;q=0, gzip;q=0.5"), "gzip");
  assert.equal(pickEncoding("BR ; q=1"), "br");
  assert.equal(pickEncoding("identity"), undefined);
  assert.equal(pickEncoding("*"), "br");
  assert.equal(pickEncoding("*;q=0"), undefined);
  assert.equal(pickEncoding("gzip;q=0, *"), "br");
  assert.equal(pickEncoding("br;q=0, gzip;q=0"), undefined);
  assert.equal(pickEncoding("br;q=nonsense, gzip"), "gzip");
});

Deno.test("encoded() answers the asset's bytes in the chosen encoding, with vary and a length, and no body to HEAD", () => {
  const asset = textAsset("body { color: black }\n".repeat(50), "text/css; charset=utf-8");
  const get = (encoding: string | undefined, method = "GET") =>
    encoded(
      new Request("http://x/", { method, headers: encoding === undefined ? {} : { "accept-encoding": encoding } }),
      asset,
    );
  const br = get("br, gzip");
  assert.equal(br.headers["content-encoding"], "br");
  assert.equal(br.headers["vary"], "accept-encoding");
  assert.equal(br.headers["content-length"], String(asset.br.length));
  assert.deepEqual(brotliDecompressSync(br.body!), Buffer.from(asset.identity));
  const gzip = get("gzip");
  assert.equal(gzip.headers["content-encoding"], "gzip");
  assert.deepEqual(gunzipSync(gzip.body!), Buffer.from(asset.identity));
  const plain = get(undefined);
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.equal(plain.headers["vary"], "accept-encoding");
  assert.deepEqual(plain.body, asset.identity);
  const head = get("br", "HEAD");
  assert.equal(head.body, null);
  assert.equal(head.headers["content-length"], String(asset.br.length));
  assert.ok(asset.br.length < asset.identity.length && asset.gzip.length < asset.identity.length);
  assert.match(asset.hash, /^[0-9a-f]{10}$/);
});

Deno.test("encoded() answers 304 without a body to an If-None-Match naming the same content in the same encoding", () => {
  const asset = textAsset("<!DOCTYPE html><p>hello</p>", "text/html; charset=utf-8");
  const ask = (headers: Record<string, string>) => encoded(new Request("http://x/", { headers }), asset);
  const first = ask({ "accept-encoding": "br" });
  assert.equal(first.status, 200);
  const etag = first.headers["etag"];
  assert.equal(etag, `"${asset.hash}-br"`);
  const again = ask({ "accept-encoding": "br", "if-none-match": `"other", ${etag}` });
  assert.equal(again.status, 304);
  assert.equal(again.body, null);
  assert.equal(again.headers["etag"], etag);
  assert.equal(ask({ "accept-encoding": "br", "if-none-match": `W/${etag}` }).status, 304);
  // The gzip representation is another entity: the br tag does not validate it.
  const gzip = ask({ "accept-encoding": "gzip", "if-none-match": etag });
  assert.equal(gzip.status, 200);
  assert.equal(gzip.headers["etag"], `"${asset.hash}-gzip"`);
  assert.equal(ask({ "if-none-match": `"${asset.hash}"` }).status, 304);
});
