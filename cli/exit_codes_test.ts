import assert from "node:assert/strict";
import { DeviceKeyStoreError, HandshakeError, KickedError, ProtocolError, TransportError } from "../core/client/mod.ts";
import { ConfigError } from "../core/config/resolve.ts";
import { EXIT, exitCodeFor, NothingToActOnError, UsageError } from "./exit_codes.ts";
import { PromptError } from "./prompt.ts";

Deno.test("exitCodeFor() maps refusals to 1, usage and config to 2, connection and security to 3", () => {
  assert.equal(exitCodeFor(new ProtocolError("not_allowed", "You are not friends")), EXIT.refused);
  assert.equal(exitCodeFor(new NothingToActOnError("bob is not your friend")), EXIT.refused);
  assert.equal(exitCodeFor(new UsageError("bad")), EXIT.usage);
  assert.equal(exitCodeFor(new ConfigError("client.tcpPort", "bad port")), EXIT.usage);
  assert.equal(exitCodeFor(new DeviceKeyStoreError("readable by others")), EXIT.usage);
  assert.equal(exitCodeFor(new PromptError("empty", "empty")), EXIT.usage);
  assert.equal(exitCodeFor(new PromptError("cancelled", "Cancelled")), 130);
  assert.equal(exitCodeFor(new TransportError("connect_failed", "Cannot connect")), EXIT.connection);
  assert.equal(exitCodeFor(new HandshakeError("key_changed", "key changed")), EXIT.connection);
  assert.equal(
    exitCodeFor(new KickedError({ reason: "revoked", at: 0, address: "127.0.0.1" } as never)),
    EXIT.connection,
  );
  assert.equal(exitCodeFor(new Deno.errors.ConnectionRefused("refused")), EXIT.connection);
  assert.equal(exitCodeFor(new Error("anything else")), EXIT.refused);
  assert.deepEqual(EXIT, { ok: 0, refused: 1, usage: 2, connection: 3 });
});
