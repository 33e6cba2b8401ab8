// The server's handshake work is rationed (PROTOCOL.md §8.1, §11.2): no forced ffdhe by default, a budget per address
// charged by each key exchange's cost, and caps on unfinished handshakes per address and in total.

import assert from "node:assert/strict";
import { HandshakeError } from "../core/crypto/errors.ts";
import type { SuitePreferences } from "../core/crypto/suites.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { handshakeUnits } from "../server/handshake_cost.ts";
import { FFDHE_GROUPS } from "../core/crypto/primitives/ffdhe.ts";
import { connect } from "./_accounts_helpers.ts";
import { startTestServer, type TestServer } from "./_harness.ts";
import { type RawClient, rawTcp } from "./_raw_client.ts";

const ONLY = (kex: "ffdhe" | "x25519"): SuitePreferences => ({
  kex: [kex],
  aead: ["aes-256-gcm"],
  hash: ["sha256"],
  sig: ["ed25519"],
});

async function refusedWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof HandshakeError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

async function withServer(flags: string[], fn: (server: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer(flags);
  // An honest client from another address, which must be served whatever 127.0.0.1 does.
  const bystander = await connect(server, "tcp", { from: "127.0.0.2" });
  try {
    await fn(server);
    assert.equal(await bystander.client.echo("still served"), "still served");
  } finally {
    bystander.client.close();
    await server.close();
  }
}

Deno.test("by default the server does not do ffdhe: a ClientHello offering only ffdhe is refused before any work", () =>
  withServer([], async (server) => {
    await refusedWith(rawTcp(server, { offer: ONLY("ffdhe") }), /handshake_failed.*No common kex/);
    await server.waitForLog((r) => r.event === "security" && r.kind === "no_common_suite");
  }));

Deno.test("one address's handshake work is rationed by cost: ffdhe past the budget is refused, cheaper x25519 still fits", () => {
  const ffdhe = handshakeUnits("ffdhe", FFDHE_GROUPS.ffdhe3072);
  const budget = 2 * ffdhe + 1;
  return withServer(
    ["--crypto.kex=x25519-mlkem768,x25519,p256,ffdhe", `--server.limits.handshakeUnitsPerIpPerMinute=${budget}`],
    async (server) => {
      const done: RawClient[] = [];
      for (let i = 0; i < 2; i++) done.push(await rawTcp(server, { offer: ONLY("ffdhe") }));
      await refusedWith(rawTcp(server, { offer: ONLY("ffdhe") }), /rate_limited.*Too many handshakes/);
      const logged = await server.waitForLog((r) => r.event === "security" && r.kind === "handshake_refused");
      assert.match(String(logged.message), /Too many handshakes from this address/);
      done.push(await rawTcp(server, { offer: ONLY("x25519") })); // one unit left
      await refusedWith(rawTcp(server, { offer: ONLY("x25519") }), /rate_limited/);
      for (const client of done) {
        await client.request(Op.echo, 1, "ok");
        assert.equal((await client.next()).body, "ok");
        client.close();
      }
    },
  );
});

Deno.test("an address at its cap of unfinished handshakes makes room among its own: the oldest gives way", () =>
  withServer(["--server.limits.maxHandshakesPerIp=3"], async (server) => {
    const silent: RawClient[] = [];
    for (let i = 0; i < 3; i++) silent.push(await rawTcp(server, { handshake: false }));
    await server.waitForLog(() => server.server.openSockets >= 4);
    const honest = await rawTcp(server); // the same address, behind the same NAT: it gets in
    await honest.request(Op.echo, 1, "in");
    assert.equal((await honest.next()).body, "in");
    const alert = await silent[0].nextAlert();
    assert.equal(alert.code, "server_busy");
    assert.match(alert.message, /This address has too many unfinished handshakes/);
    honest.close();
    for (const client of silent) client.close();
  }));

Deno.test("at the total cap of unfinished handshakes the oldest makes room for a new one", () =>
  withServer(["--server.limits.maxHandshakes=3"], async (server) => {
    const silent: RawClient[] = [];
    for (let i = 0; i < 3; i++) silent.push(await rawTcp(server, { handshake: false }));
    await server.waitForLog(() => server.server.openSockets >= 4);
    const honest = await connect(server, "tcp", { from: "127.0.0.3" });
    assert.equal(await honest.client.echo("in"), "in");
    const alert = await silent[0].nextAlert();
    assert.equal(alert.code, "server_busy");
    assert.match(alert.message, /too many unfinished handshakes/);
    honest.client.close();
    for (const client of silent) client.close();
  }));
