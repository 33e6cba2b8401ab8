// Tests for MimiClient's handling of what the server sends unasked: the keep-alive ping, pushes and errors.

import assert from "node:assert/strict";
import { decodeEnvelope, encodeEnvelope, type Envelope } from "../codec/envelope.ts";
import { errorBody, ProtocolError } from "../protocol/errors.ts";
import { Op } from "../protocol/opcodes.ts";
import { MimiClient, type Push } from "./client.ts";
import type { PayloadTransport, TransportSink } from "./transport.ts";

/** A transport whose server side the test plays: `sent` is what the client sent, `deliver` sends it an envelope. */
function fakeTransport() {
  const sent: Envelope[] = [];
  let sink: TransportSink | undefined;
  const transport: PayloadTransport = {
    start: (s) => sink = s,
    send: (payload) => sent.push(decodeEnvelope(payload)),
    close: () => sink?.closed(),
  };
  return { transport, sent, deliver: (envelope: Envelope) => sink!.payload(encodeEnvelope(envelope)) };
}

Deno.test("MimiClient answers the server's ping push with a ping request and does not pass it on as a push", async () => {
  const { transport, sent, deliver } = fakeTransport();
  const client = new MimiClient(transport);
  const pushes: Push[] = [];
  client.onPush = (push) => pushes.push(push);
  deliver({ opcode: Op.ping, id: 0, body: { time: 1 } });
  assert.equal(sent.length, 1);
  assert.deepEqual([sent[0].opcode, sent[0].body], [Op.ping, {}]);
  assert.notEqual(sent[0].id, 0, "the answer is a request, with an id");
  // The server's answer to that request goes nowhere and breaks nothing.
  deliver({ opcode: Op.ping, id: sent[0].id, body: { time: 2 } });
  await Promise.resolve();
  assert.deepEqual(pushes, []);
  client.close();
  assert.equal(await client.closed, undefined);
});

Deno.test("MimiClient passes other pushes on and keeps a connection-level error as the reason it closed", async () => {
  const { transport, deliver } = fakeTransport();
  const client = new MimiClient(transport);
  const pushes: Push[] = [];
  client.onPush = (push) => pushes.push(push);
  deliver({ opcode: Op.presence, id: 0, body: { userId: 2, online: true, lastSeenAt: null } });
  assert.deepEqual(pushes, [{ opcode: Op.presence, body: { userId: 2, online: true, lastSeenAt: null } }]);
  deliver({ opcode: Op.error, id: 0, body: errorBody("login_timeout", "Not logged in within 60 s") });
  transport.close();
  const error = await client.closed;
  assert.ok(error instanceof ProtocolError);
  assert.equal(error.code, "login_timeout");
});
