import assert from "node:assert/strict";
import * as opaque from "@serenity-kit/opaque";
import { opaqueClientOf, type OpaquePackageClient } from "../core/client/mod.ts";
import { opaqueOverPort, OpaqueWorkerError, serveOpaque } from "./_opaque_port.ts";

/** A page side and a worker side joined by a real MessageChannel; `load` stands for the worker's wasm loading. */
function channel(load: () => Promise<OpaquePackageClient>) {
  const { port1, port2 } = new MessageChannel();
  serveOpaque(port2, load, opaqueClientOf);
  return { client: opaqueOverPort(port1), close: () => (port1.close(), port2.close()) };
}

const packaged = async () => {
  await opaque.ready;
  return opaque.client;
};

Deno.test("opaqueOverPort() registers and logs in through serveOpaque(), agreeing on the server's session key", async () => {
  const { client, close } = channel(packaged);
  try {
    const serverSetup = opaque.server.createSetup();
    const userIdentifier = "alice";
    const password = "correct horse battery staple";
    const start = await client.startRegistration(password);
    const { registrationResponse } = opaque.server.createRegistrationResponse({
      serverSetup,
      userIdentifier,
      registrationRequest: start.registrationRequest,
    });
    const registrationRecord = await client.finishRegistration({
      password,
      clientRegistrationState: start.clientRegistrationState,
      registrationResponse,
    });
    const login = await client.startLogin(password);
    const { serverLoginState, loginResponse } = opaque.server.startLogin({
      serverSetup,
      userIdentifier,
      registrationRecord,
      startLoginRequest: login.startLoginRequest,
    });
    const finished = await client.finishLogin({ password, clientLoginState: login.clientLoginState, loginResponse });
    assert.ok(finished);
    const { sessionKey } = opaque.server.finishLogin({
      serverLoginState,
      finishLoginRequest: finished.finishLoginRequest,
    });
    assert.equal(finished.sessionKey, sessionKey);

    const wrong = await client.startLogin("not the password");
    const refused = opaque.server.startLogin({
      serverSetup,
      userIdentifier,
      registrationRecord,
      startLoginRequest: wrong.startLoginRequest,
    });
    const answer = await client.finishLogin({
      password: "not the password",
      clientLoginState: wrong.clientLoginState,
      loginResponse: refused.loginResponse,
    });
    assert.equal(answer, undefined, "a wrong password is an answer that does not authenticate, not an error");
  } finally {
    close();
  }
});

Deno.test("serveOpaque() answers a failed load as OpaqueWorkerError and loads again at the next step", async () => {
  let loads = 0;
  const { client, close } = channel(() => {
    loads++;
    return loads <= 2 ? Promise.reject(new Error("wasm fetch failed: 404")) : packaged();
  });
  try {
    // Load 1 ran at start-up (and failed); this step's load 2 fails too and is answered.
    await assert.rejects(client.startLogin("pw"), (error: Error) => {
      assert.ok(error instanceof OpaqueWorkerError);
      assert.equal(error.message, "wasm fetch failed: 404");
      return true;
    });
    const started = await client.startLogin("pw");
    assert.ok(started.startLoginRequest.length > 0);
    assert.equal(loads, 3);
  } finally {
    close();
  }
});

Deno.test("opaqueOverPort() rejects with the worker's message when an OPAQUE step throws", async () => {
  const { client, close } = channel(packaged);
  try {
    await assert.rejects(
      client.finishLogin({ password: "pw", clientLoginState: "not base64url!", loginResponse: "AAAA" }),
      OpaqueWorkerError,
    );
  } finally {
    close();
  }
});
