// Blobs over real sockets (PROTOCOL.md §15): an image uploaded in chunks comes back byte for byte; an upload resumes
// after a disconnect; every kind of bad upload gets its code, leaves nothing visible and the connection goes on; a
// blob is someone else's to read only when a rule says so; abandoned uploads are swept on the server's clock.

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { login, register } from "../core/client/accounts.ts";
import type { MimiClient } from "../core/client/client.ts";
import { MAX_CHUNK } from "../core/protocol/ops/blobs.ts";
import { OPS } from "../core/protocol/registry.ts";
import { FakeClock } from "../core/time/clock.ts";
import { type ClientsContext, expectCode, type Via, withClients } from "./_accounts_helpers.ts";
import type { TestServer } from "./_harness.ts";
import { hollowPng, noisyPng, pngHeader } from "./_images.ts";

const PASSWORD = "correct horse 电池 staple";
const DAY = 24 * 60 * 60 * 1000;

/** A new connection logged in as `username`, registering the account first when asked. */
async function loggedIn(
  open: ClientsContext["open"],
  via: Via,
  username: string,
  options: { register?: boolean } = {},
): Promise<MimiClient> {
  const { client } = await open(via);
  if (options.register) await register(client, username, username, PASSWORD);
  await login(client, username, PASSWORD);
  return client;
}

/** Starts an upload of `bytes` (or of what `declared` claims) and answers its id and what the server holds. */
function start(
  client: MimiClient,
  bytes: Uint8Array,
  declared: { size?: number; sha256?: Uint8Array } = {},
): Promise<{ uploadId: number; received: number }> {
  return client.call(OPS.uploadStart, {
    size: declared.size ?? bytes.length,
    sha256: declared.sha256 ?? sha256(bytes),
    kind: "image",
  });
}

/** Sends `bytes` from `from` in chunks of `size`, all at once: upload_chunk is ordered, so they land in order. */
async function send(client: MimiClient, uploadId: number, bytes: Uint8Array, from = 0, size = MAX_CHUNK) {
  const sent: Promise<{ received: number }>[] = [];
  for (let at = from; at < bytes.length; at += size) {
    sent.push(client.call(OPS.uploadChunk, { uploadId, offset: at, bytes: bytes.subarray(at, at + size) }));
  }
  return (await Promise.all(sent)).map((answer) => answer.received);
}

/** Reads a whole blob in chunks, learning its size from the first answer. */
async function fetchAll(client: MimiClient, name: Uint8Array): Promise<Uint8Array> {
  const first = await client.call(OPS.download, { sha256: name, offset: 0, length: MAX_CHUNK });
  const out = new Uint8Array(first.size);
  out.set(first.bytes);
  for (let at = first.bytes.length; at < first.size;) {
    const { bytes } = await client.call(OPS.download, { sha256: name, offset: at, length: MAX_CHUNK });
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Every file under a folder of the server's data directory, as paths relative to it. */
function files(server: TestServer, folder: "blobs" | "uploads"): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isDirectory) walk(`${dir}/${entry.name}`, `${prefix}${entry.name}/`);
      else found.push(`${prefix}${entry.name}`);
    }
  };
  walk(`${server.server.dataDir}/${folder}`, "");
  return found.sort();
}

Deno.test("an image uploaded in chunks over TCP is downloaded byte for byte over WebSocket, and is stored once", async () => {
  await withClients(async ({ server, open }) => {
    const image = await noisyPng(300, 500);
    assert.ok(image.length > 2 * MAX_CHUNK, `${image.length} bytes make three chunks`);
    const tcp = await loggedIn(open, "tcp", "alice", { register: true });
    const { uploadId, received } = await start(tcp, image);
    assert.equal(received, 0);
    assert.deepEqual(await send(tcp, uploadId, image.subarray(0, MAX_CHUNK)), [MAX_CHUNK]);
    assert.deepEqual(await tcp.call(OPS.uploadStatus, { uploadId }), { received: MAX_CHUNK, size: image.length });
    await expectCode(
      tcp.call(OPS.download, { sha256: sha256(image), offset: 0, length: 10 }),
      "not_found",
      "a download before the upload finished",
    );
    assert.deepEqual((await send(tcp, uploadId, image, MAX_CHUNK)).at(-1), image.length);
    const { blob } = await tcp.call(OPS.uploadFinish, { uploadId });
    assert.deepEqual(blob, { sha256: sha256(image), size: image.length, mime: "image/png", width: 300, height: 500 });
    assert.deepEqual(files(server, "uploads"), [], "the upload's file became the blob");
    const name = Array.from(sha256(image), (b) => b.toString(16).padStart(2, "0")).join("");
    assert.deepEqual(files(server, "blobs"), [`${name.slice(0, 2)}/${name.slice(2)}`]);
    await expectCode(tcp.call(OPS.uploadStatus, { uploadId }), "not_found", "a finished upload");

    // A later login elsewhere (which ends this one) reads it back, and a second upload of the same bytes keeps one file.
    const ws = await loggedIn(open, "ws", "alice");
    assert.deepEqual(await fetchAll(ws, sha256(image)), image);
    const tail = await ws.call(OPS.download, { sha256: sha256(image), offset: image.length - 5, length: MAX_CHUNK });
    assert.deepEqual(tail, { bytes: image.subarray(image.length - 5), size: image.length });
    assert.deepEqual(await ws.call(OPS.download, { sha256: sha256(image), offset: image.length, length: 1 }), {
      bytes: new Uint8Array(),
      size: image.length,
    });
    await expectCode(
      ws.call(OPS.download, { sha256: sha256(image), offset: image.length + 1, length: 1 }),
      "bad_offset",
      "a read past the end",
    );
    const again = await start(ws, image);
    assert.notEqual(again.uploadId, uploadId);
    await send(ws, again.uploadId, image);
    assert.deepEqual((await ws.call(OPS.uploadFinish, { uploadId: again.uploadId })).blob, blob);
    assert.equal(files(server, "blobs").length, 1);
  });
});

Deno.test("an upload resumes after a disconnect: upload_start again answers what arrived, and the rest completes it", async () => {
  await withClients(async ({ open }) => {
    const image = await noisyPng(200, 200, 2);
    const first = await loggedIn(open, "tcp", "bob", { register: true });
    const { uploadId } = await start(first, image);
    await send(first, uploadId, image.subarray(0, 100_000), 0, 30_000);
    first.close();
    await first.closed;

    const second = await loggedIn(open, "ws", "bob");
    assert.deepEqual(await start(second, image), { uploadId, received: 100_000 });
    await expectCode(
      second.call(OPS.uploadChunk, { uploadId, offset: 0, bytes: image.subarray(0, 10) }),
      "bad_offset",
      "a chunk sent again from the start",
    );
    await send(second, uploadId, image, 100_000);
    const { blob } = await second.call(OPS.uploadFinish, { uploadId });
    assert.deepEqual(await fetchAll(second, blob.sha256), image);
  });
});

Deno.test("bad content is refused at upload_finish with its code, leaves nothing visible, and the connection goes on", async () => {
  await withClients(async ({ server, open }) => {
    const client = await loggedIn(open, "tcp", "carol", { register: true });
    const image = await noisyPng(40, 30, 3);

    /** Uploads `bytes` declared as `declared`, expects `code` at finish, and checks that no blob appeared. */
    const refused = async (
      what: string,
      bytes: Uint8Array,
      code: string,
      declared: { size?: number; sha256?: Uint8Array } = {},
    ) => {
      const { uploadId } = await start(client, bytes, declared);
      await send(client, uploadId, bytes);
      const error = await expectCode(client.call(OPS.uploadFinish, { uploadId }), code, what);
      await expectCode(
        client.call(OPS.download, { sha256: declared.sha256 ?? sha256(bytes), offset: 0, length: 1 }),
        "not_found",
        `${what}: download`,
      );
      assert.deepEqual(files(server, "blobs"), [], `${what}: no blob file`);
      return { uploadId, message: error.message };
    };

    // A fake image: a text file, and bytes that start like a PNG but are not one.
    const fake = await refused("text", new TextEncoder().encode("not a picture.png"), "bad_image");
    assert.equal(fake.message, "The bytes are not a PNG, JPEG, GIF or WebP image");
    await refused("a PNG signature over noise", image.map((b, i) => i < 8 ? b : b ^ 0x5a), "bad_image");
    // A truncated header: the PNG cut inside its IHDR.
    await refused("a cut header", image.subarray(0, 20), "bad_image");
    // A lying hash: the SHA-256 of other bytes.
    const lied = await refused("a lying hash", image, "upload_mismatch", { sha256: sha256(pngHeader(1, 1)) });
    assert.equal(lied.message, "The bytes do not have the SHA-256 declared");
    // Too many pixels: a small file whose header claims 8000 × 6000.
    const huge = await refused("too many pixels", hollowPng(8000, 6000), "too_large");
    assert.match(huge.message, /8000×6000 pixels: at most 40000000/);
    for (const { uploadId } of [fake, lied, huge]) {
      await expectCode(client.call(OPS.uploadStatus, { uploadId }), "not_found", "a refused upload is gone");
    }
    assert.deepEqual(files(server, "uploads"), [], "no upload file stays");

    // A lying size: fewer bytes than declared. The upload stays, and the missing bytes may still come.
    const { uploadId } = await start(client, image, { size: image.length + 10 });
    await send(client, uploadId, image);
    const short = await expectCode(client.call(OPS.uploadFinish, { uploadId }), "upload_mismatch", "a lying size");
    assert.equal(short.message, `Received ${image.length} of the ${image.length + 10} bytes declared`);
    assert.deepEqual(await client.call(OPS.uploadStatus, { uploadId }), {
      received: image.length,
      size: image.length + 10,
    });
    assert.equal(await client.echo("still here"), "still here");
  });
});

Deno.test("chunks out of order or past the declared size, and an oversized image, are refused and write nothing", async () => {
  await withClients(async ({ open }) => {
    const client = await loggedIn(open, "ws", "dave", { register: true });
    const image = await noisyPng(60, 60, 4);

    const tooBig = await expectCode(
      client.call(OPS.uploadStart, { size: 10 * 1024 * 1024 + 1, sha256: sha256(image), kind: "image" }),
      "too_large",
      "an upload over server.limits.imageBytes",
    );
    assert.equal(tooBig.message, "An image may have at most 10485760 bytes, not 10485761");

    const { uploadId } = await start(client, image);
    const gap = await expectCode(
      client.call(OPS.uploadChunk, { uploadId, offset: 100, bytes: image.subarray(100, 200) }),
      "bad_offset",
      "a chunk after a gap",
    );
    assert.equal(gap.message, "The upload holds 0 bytes: the next chunk starts at 0, not 100");
    await send(client, uploadId, image.subarray(0, 1000));
    await expectCode(
      client.call(OPS.uploadChunk, { uploadId, offset: 500, bytes: image.subarray(500, 1500) }),
      "bad_offset",
      "a chunk that overlaps what arrived",
    );
    const past = await expectCode(
      client.call(OPS.uploadChunk, { uploadId, offset: 1000, bytes: new Uint8Array(image.length) }),
      "upload_mismatch",
      "a chunk past the declared size",
    );
    assert.equal(
      past.message,
      `The chunk ends at byte ${1000 + image.length}, past the declared size of ${image.length}`,
    );
    assert.deepEqual(await client.call(OPS.uploadStatus, { uploadId }), { received: 1000, size: image.length });

    // Nothing was written by the refused chunks: the rest completes the image exactly.
    await send(client, uploadId, image, 1000);
    const { blob } = await client.call(OPS.uploadFinish, { uploadId });
    assert.deepEqual(await fetchAll(client, blob.sha256), image);
  });
});

Deno.test("another user's upload and blob are unknown to a user: one not_found for them and for what does not exist", async () => {
  await withClients(async ({ open }) => {
    const alice = await loggedIn(open, "tcp", "alice", { register: true });
    const mallory = await loggedIn(open, "tcp", "mallory", { register: true });
    const image = await noisyPng(20, 20, 5);
    const { uploadId } = await start(alice, image);
    await send(alice, uploadId, image.subarray(0, 100));

    for (
      const [what, call] of [
        ["status", () => mallory.call(OPS.uploadStatus, { uploadId })],
        ["chunk", () => mallory.call(OPS.uploadChunk, { uploadId, offset: 100, bytes: image.subarray(100) })],
        ["finish", () => mallory.call(OPS.uploadFinish, { uploadId })],
        ["unknown", () => mallory.call(OPS.uploadStatus, { uploadId: uploadId + 1000 })],
      ] as const
    ) {
      const error = await expectCode(call(), "not_found", `${what} of alice's upload`);
      assert.equal(error.message, "No such upload");
    }
    await send(alice, uploadId, image, 100);
    const { blob } = await alice.call(OPS.uploadFinish, { uploadId });

    const theirs = await expectCode(
      mallory.call(OPS.download, { sha256: blob.sha256, offset: 0, length: 10 }),
      "not_found",
      "alice's blob",
    );
    const none = await expectCode(
      mallory.call(OPS.download, { sha256: sha256(new Uint8Array([1])), offset: 0, length: 10 }),
      "not_found",
      "a blob that does not exist",
    );
    assert.equal(theirs.message, none.message, "the answers tell nothing apart");

    // Uploading the same bytes themselves proves mallory holds them: then they may read the blob.
    const own = await start(mallory, image);
    await send(mallory, own.uploadId, image);
    assert.deepEqual((await mallory.call(OPS.uploadFinish, { uploadId: own.uploadId })).blob, blob);
    assert.deepEqual(await fetchAll(mallory, blob.sha256), image);
  });
});

Deno.test("uploads abandoned for server.uploadTtlMs are removed with their bytes at a later upload_start; fresher ones stay", async () => {
  const clock = new FakeClock();
  await withClients(async ({ server, open }) => {
    const image = await noisyPng(50, 50, 6);
    const other = await noisyPng(50, 50, 7);
    const third = await noisyPng(50, 50, 8);

    let client = await loggedIn(open, "tcp", "erin", { register: true });
    const old = await start(client, image);
    await send(client, old.uploadId, image.subarray(0, 500));
    // Closed before the clock moves, so keep-alive deadlines have nothing to act on.
    client.close();
    await client.closed;
    clock.tick(DAY / 2);

    client = await loggedIn(open, "tcp", "erin");
    const fresh = await start(client, other);
    await send(client, fresh.uploadId, other.subarray(0, 700));
    assert.equal(files(server, "uploads").length, 2, "half a day idle is not abandoned");
    client.close();
    await client.closed;
    clock.tick(DAY / 2 + 1);

    client = await loggedIn(open, "tcp", "erin");
    await start(client, third);
    await expectCode(client.call(OPS.uploadStatus, { uploadId: old.uploadId }), "not_found", "the abandoned upload");
    assert.deepEqual(await client.call(OPS.uploadStatus, { uploadId: fresh.uploadId }), {
      received: 700,
      size: other.length,
    });
    assert.deepEqual(files(server, "uploads"), [String(fresh.uploadId), String(fresh.uploadId + 1)].sort());
    const swept = server.logs.find((record) => record.event === "uploads_swept");
    assert.deepEqual([swept?.abandoned, swept?.orphans], [1, 0]);

    // Starting the abandoned image again begins from nothing.
    assert.equal((await start(client, image)).received, 0);
  }, { clock });
});

Deno.test("a user may have server.limits.openUploads uploads in progress; finished, discarded and abandoned ones free their place", async () => {
  const clock = new FakeClock();
  await withClients(async ({ open }) => {
    const images = await Promise.all([1, 2, 3, 4, 5].map((seed) => noisyPng(20, 20, 20 + seed)));
    let client = await loggedIn(open, "tcp", "fay", { register: true });
    const first = await start(client, images[0]);
    const second = await start(client, images[1]);
    assert.notEqual(second.uploadId, first.uploadId);
    await expectCode(start(client, images[2]), "too_many_uploads", "a third upload in progress");
    assert.deepEqual(await start(client, images[0]), first, "resuming one in progress takes no new place");
    const other = await loggedIn(open, "ws", "gus", { register: true });
    await start(other, images[2]);
    await start(other, images[3]);

    // Finished: its place is free.
    await send(client, first.uploadId, images[0]);
    await client.call(OPS.uploadFinish, { uploadId: first.uploadId });
    const third = await start(client, images[2]);
    await expectCode(start(client, images[3]), "too_many_uploads", "full again");

    // Discarded after a failed check: its place is free.
    const fake = new Uint8Array(images[3].length).fill(1);
    await send(client, third.uploadId, fake.subarray(0, images[2].length));
    await expectCode(client.call(OPS.uploadFinish, { uploadId: third.uploadId }), "upload_mismatch", "wrong bytes");
    const fourth = await start(client, images[3]);
    assert.notEqual(fourth.uploadId, third.uploadId);

    // Abandoned (no chunk for uploadTtlMs): both places are free, swept or not. Closed before the clock moves, so
    // keep-alive deadlines have nothing to act on.
    for (const each of [client, other]) {
      each.close();
      await each.closed;
    }
    clock.tick(DAY + 1);
    client = await loggedIn(open, "tcp", "fay");
    await start(client, images[4]);
    await start(client, images[2]);
    await expectCode(start(client, images[1]), "too_many_uploads", "two fresh uploads fill the places again");
  }, { clock, flags: ["--server.limits.openUploads=2"] });
});
