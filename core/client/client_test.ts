// Tests for MimiClient's handling of what the server sends unasked: the keep-alive ping, pushes and errors.

import assert from "node:assert/strict";
import { decodeEnvelope, encodeEnvelope, type Envelope } from "../codec/envelope.ts";
import { errorBody, ProtocolError } from "../protocol/errors.ts";
import { Op } from "../protocol/opcodes.ts";
import { OPS } from "../protocol/registry.ts";
import { MimiClient, type Push } from "./client.ts";
import { type Duplex, TransportError } from "../transport/duplex.ts";
import { duplexPair } from "../transport/pair.ts";

/** A client's duplex whose server side the test plays: `next()` is what the client sent, `deliver` sends it an envelope. */
function fakeServer() {
  const [near, far] = duplexPair();
  return {
    near,
    far,
    next: async () => decodeEnvelope((await far.read())!),
    deliver: (envelope: Envelope) => far.write(encodeEnvelope(envelope)),
  };
}

Deno.test("MimiClient answers the server's ping push with a ping request and does not pass it on as a push", async () => {
  const { near, next, deliver } = fakeServer();
  const client = new MimiClient(near);
  const pushes: Push[] = [];
  client.onPush = (push) => pushes.push(push);
  deliver({ opcode: Op.ping, id: 0, body: { time: 1 } });
  const sent = await next();
  assert.deepEqual([sent.opcode, sent.body], [Op.ping, {}]);
  assert.notEqual(sent.id, 0, "the answer is a request, with an id");
  // The server's answer to that request goes nowhere and breaks nothing.
  deliver({ opcode: Op.ping, id: sent.id, body: { time: 2 } });
  await client.close();
  assert.equal(await client.closed, undefined);
  assert.deepEqual(pushes, []);
});

Deno.test("MimiClient passes other pushes on and keeps a connection-level error as the reason it closed", async () => {
  const { near, far, deliver } = fakeServer();
  const client = new MimiClient(near);
  const pushes: Push[] = [];
  client.onPush = (push) => pushes.push(push);
  deliver({ opcode: Op.presence, id: 0, body: { userId: 2, online: true, lastSeenAt: null } });
  deliver({ opcode: Op.error, id: 0, body: errorBody("login_timeout", "Not logged in within 60 s") });
  await far.close();
  const error = await client.closed;
  assert.deepEqual(pushes, [{ opcode: Op.presence, body: { userId: 2, online: true, lastSeenAt: null } }]);
  assert.ok(error instanceof ProtocolError);
  assert.equal(error.code, "login_timeout");
});

Deno.test("MimiClient rejects pending requests with the transport's error and reports it as the reason it closed", async () => {
  const [near, far] = duplexPair();
  const broken: Duplex = {
    read: async () => {
      if (await near.read() === null) throw new TransportError("lost", "Connection lost: reset");
      return null;
    },
    write: (payload) => near.write(payload),
    close: () => near.close(),
  };
  const client = new MimiClient(broken);
  const pending = client.echo("hello");
  await far.close();
  await assert.rejects(pending, (e) => e instanceof TransportError && e.kind === "lost");
  const error = await client.closed;
  assert.ok(error instanceof TransportError && error.kind === "lost");
  await assert.rejects(client.echo("again"), TransportError, "a closed client refuses new requests");
});

Deno.test("MimiClient closes on an envelope that does not decode, reporting bad_message", async () => {
  const { near, far } = fakeServer();
  const client = new MimiClient(near);
  far.write(Uint8Array.of(1));
  const error = await client.closed;
  assert.ok(error instanceof TransportError && error.kind === "bad_message", String(error));
  assert.equal(await far.read(), null, "the client closed its side");
});

Deno.test("MimiClient.call() returns the answer checked by its schema, without keys the schema does not name", async () => {
  const { near, next, deliver } = fakeServer();
  const client = new MimiClient(near);
  const answer = client.call(OPS.setNickname, { nickname: "小明" });
  const sent = await next();
  assert.deepEqual([sent.opcode, sent.body], [OPS.setNickname.opcode, { nickname: "小明" }]);
  const user = { id: 1, username: "ming", nickname: "小明", font: { family: null, size: null } };
  deliver({ opcode: sent.opcode, id: sent.id, body: { user, extra: "from a newer server" } });
  assert.deepEqual(await answer, { user });
  await client.close();
});

Deno.test("MimiClient.call() rejects an answer that does not fit the schema with bad_message naming the field", async () => {
  const { near, next, deliver } = fakeServer();
  const client = new MimiClient(near);
  const answer = client.call(OPS.setFont, { family: null, size: 20 });
  const sent = await next();
  deliver({ opcode: sent.opcode, id: sent.id, body: { user: { id: 1, username: "ming", nickname: 7 } } });
  await assert.rejects(answer, (error) => {
    assert.ok(error instanceof TransportError && error.kind === "bad_message");
    assert.equal(
      error.message,
      "Server sent a malformed set_font answer: Field user.nickname must be a string, not the number 7",
    );
    return true;
  });
  // One bad answer fails its request, not the connection.
  const pending = client.call(OPS.echo, "the connection stays");
  const echo = await next();
  deliver({ opcode: echo.opcode, id: echo.id, body: echo.body });
  assert.equal(await pending, "the connection stays");
  await client.close();
});
