// Tests for an accepted socket: reads sized by what arrives, a polite refusal, and closing exactly once.

import assert from "node:assert/strict";
import { READ_BUFFER_MAX, READ_BUFFER_MIN, Socket } from "./socket.ts";
import { writeAll } from "./tcp.ts";

/** A connected pair over 127.0.0.1: `socket` wraps the accepted side, `peer` is the other end. */
async function pair(onClosed?: () => void) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const peer = await Deno.connect({ hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port });
  const accepted = await listener.accept();
  listener.close();
  return { socket: new Socket(accepted, { outboundQueueBytes: 1 << 20, onClosed }), peer };
}

async function readAll(conn: Deno.Conn): Promise<Uint8Array> {
  const parts: number[] = [];
  const buffer = new Uint8Array(65536);
  while (true) {
    const n = await conn.read(buffer);
    if (n === null) break;
    parts.push(...buffer.subarray(0, n));
  }
  return Uint8Array.from(parts);
}

Deno.test("Socket reads an idle socket with a small buffer and grows it for a bulk transfer", async () => {
  const { socket, peer } = await pair();
  const sizes: number[] = [];
  const reading = (async () => {
    for await (const chunk of socket.chunks()) sizes.push(chunk.length);
  })();
  await writeAll(peer, new Uint8Array(1000));
  while (sizes.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await writeAll(peer, new Uint8Array(1 << 20));
  peer.close();
  await reading;
  assert.equal(sizes.reduce((a, b) => a + b, 0), 1000 + (1 << 20));
  assert.ok(sizes.every((n) => n <= READ_BUFFER_MAX), String(sizes));
  assert.ok(Math.max(...sizes) > READ_BUFFER_MIN, "a bulk transfer reads more than the idle size at a time");
  assert.equal(sizes[0], 1000);
  await socket.close("done");
});

Deno.test("Socket.readView() reads into one buffer kept across reads, and read() returns copies the caller keeps", async () => {
  const { socket, peer } = await pair();
  await writeAll(peer, new Uint8Array([1, 2, 3]));
  const first = await socket.readView();
  assert.deepEqual(first, new Uint8Array([1, 2, 3]));
  await writeAll(peer, new Uint8Array([4, 5]));
  const second = await socket.readView();
  assert.deepEqual(second, new Uint8Array([4, 5]));
  assert.equal(second!.buffer, first!.buffer, "the same buffer, read again");
  await writeAll(peer, new Uint8Array([6]));
  const kept = await socket.read();
  await writeAll(peer, new Uint8Array([7]));
  assert.deepEqual(await socket.read(), new Uint8Array([7]));
  assert.deepEqual(kept, new Uint8Array([6]), "a chunk from read() is not overwritten by the next read");
  peer.close();
  assert.equal(await socket.readView(), null);
  await socket.close("done");
});

Deno.test("Socket.refuse() delivers its answer although the peer sent data first that is never read", async () => {
  const { socket, peer } = await pair();
  await writeAll(peer, new Uint8Array(10_000).fill(7)); // e.g. a ClientHello or a request, unread by the server
  await socket.refuse("refused", new TextEncoder().encode("go away"));
  assert.equal(new TextDecoder().decode(await readAll(peer)), "go away");
  peer.close();
});

Deno.test("Socket.close() closes once, calls onClosed once, and resolves closed with the first reason", async () => {
  let closedCalls = 0;
  const { socket, peer } = await pair(() => closedCalls++);
  socket.write(new TextEncoder().encode("bye"));
  await Promise.all([socket.close("first"), socket.close("second")]);
  assert.equal(await socket.closed, "first");
  assert.equal(closedCalls, 1);
  assert.equal(new TextDecoder().decode(await readAll(peer)), "bye", "queued bytes left before the close");
  peer.close();
});
