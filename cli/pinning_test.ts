import assert from "node:assert/strict";
import { HandshakeError } from "../core/client/mod.ts";
import { KnownServers } from "./known_servers.ts";
import { pinServerKey } from "./pinning.ts";

async function withPins(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mimi_pins_" });
  try {
    await fn(`${dir}/known_servers`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("pinServerKey() pins a first key to the file and then accepts the same key", () =>
  withPins(async (path) => {
    const known = await KnownServers.load(path);
    assert.equal(await pinServerKey(known, "127.0.0.1:8111", "SHA256:one"), true);
    const again = await KnownServers.load(path);
    assert.equal(again.get("127.0.0.1:8111"), "SHA256:one");
    assert.equal(await pinServerKey(again, "127.0.0.1:8111", "SHA256:one"), false);
  }));

Deno.test("pinServerKey() refuses another key with key_changed, naming the forget command, and keeps the pin", () =>
  withPins(async (path) => {
    const known = await KnownServers.load(path);
    await pinServerKey(known, "[::1]:8111", "SHA256:one");
    const error = await pinServerKey(known, "[::1]:8111", "SHA256:two").then(
      () => assert.fail("a changed key was accepted"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof HandshakeError);
    assert.equal(error.kind, "key_changed");
    assert.match(error.message, /presented key SHA256:two, but SHA256:one is pinned/);
    assert.match(error.message, /deno task client -- forget \[::1\]:8111/);
    assert.equal((await KnownServers.load(path)).get("[::1]:8111"), "SHA256:one");
  }));
