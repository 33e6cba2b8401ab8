import assert from "node:assert/strict";
import * as opaque from "@serenity-kit/opaque";
import {
  opaqueInThread,
  opaqueInWorker,
  type OpaqueServer,
  OpaqueStepError,
  OpaqueUnavailableError,
} from "./opaque_server.ts";

// Cheap key stretching on the client: these tests are about the server's steps, which do not depend on it.
const stretching = { keyStretching: { "argon2id-custom": { memory: 64, iterations: 1, parallelism: 1 } } } as const;

/** Registers `user` through `server`'s steps with the library's client; the stored record. */
async function register(server: OpaqueServer, setup: string, user: string, password: string): Promise<string> {
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password });
  const { registrationResponse } = await server.registrationResponse({
    serverSetup: setup,
    userIdentifier: user,
    registrationRequest,
  });
  const { registrationRecord } = opaque.client.finishRegistration({
    clientRegistrationState,
    registrationResponse,
    password,
    ...stretching,
  });
  return registrationRecord;
}

// One suite for both places the steps run: the server's worker and the calling thread.
for (const [where, make] of [["in a worker", opaqueInWorker], ["in the calling thread", opaqueInThread]] as const) {
  Deno.test(`OPAQUE steps ${where}: a registered user logs in, both sides holding the same session key`, async () => {
    await opaque.ready;
    const server = make();
    try {
      const setup = await server.createSetup(null);
      await server.checkSetup(setup);
      const record = await register(server, setup, "alice", "correct horse");
      await server.checkRecord({ serverSetup: setup, userIdentifier: "alice", record });

      const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password: "correct horse" });
      const { loginResponse, serverLoginState } = await server.startLogin({
        serverSetup: setup,
        userIdentifier: "alice",
        registrationRecord: record,
        startLoginRequest,
      });
      const finished = opaque.client.finishLogin({
        clientLoginState,
        loginResponse,
        password: "correct horse",
        ...stretching,
      });
      assert.ok(finished, "the client accepts the server's answer");
      const { sessionKey } = await server.finishLogin({
        finishLoginRequest: finished.finishLoginRequest,
        serverLoginState,
      });
      assert.equal(sessionKey, finished.sessionKey);
    } finally {
      server.close();
    }
  });

  Deno.test(`OPAQUE steps ${where}: malformed input from a client fails the step with OpaqueStepError`, async () => {
    const server = make();
    try {
      const setup = await server.createSetup(null);
      await assert.rejects(server.checkSetup("not a setup"), OpaqueStepError);
      await assert.rejects(
        server.registrationResponse({ serverSetup: setup, userIdentifier: "a", registrationRequest: "!!" }),
        OpaqueStepError,
      );
      await assert.rejects(
        server.startLogin({
          serverSetup: setup,
          userIdentifier: "a",
          registrationRecord: null,
          startLoginRequest: "AA",
        }),
        OpaqueStepError,
      );
      await assert.rejects(
        server.checkRecord({ serverSetup: setup, userIdentifier: "a", record: "AAAA" }),
        OpaqueStepError,
      );
      // Still serving after the failures.
      await server.checkSetup(setup);
    } finally {
      server.close();
    }
  });

  Deno.test(`OPAQUE steps ${where}: a wrong password fails finishLogin with OpaqueStepError`, async () => {
    await opaque.ready;
    const server = make();
    try {
      const setup = await server.createSetup(null);
      const record = await register(server, setup, "bob", "right");
      // The client cannot finish with the wrong password; a KE3 made for another login stands in for a forged one.
      const other = opaque.client.startLogin({ password: "right" });
      const otherStart = await server.startLogin({
        serverSetup: setup,
        userIdentifier: "bob",
        registrationRecord: record,
        startLoginRequest: other.startLoginRequest,
      });
      const otherFinish = opaque.client.finishLogin({
        clientLoginState: other.clientLoginState,
        loginResponse: otherStart.loginResponse,
        password: "right",
        ...stretching,
      })!;
      const { serverLoginState } = await server.startLogin({
        serverSetup: setup,
        userIdentifier: "bob",
        registrationRecord: record,
        startLoginRequest: opaque.client.startLogin({ password: "wrong" }).startLoginRequest,
      });
      await assert.rejects(
        server.finishLogin({ finishLoginRequest: otherFinish.finishLoginRequest, serverLoginState }),
        OpaqueStepError,
      );
    } finally {
      server.close();
    }
  });
}

Deno.test("OPAQUE worker: steps waiting when it closes, and steps after, reject with OpaqueUnavailableError", async () => {
  const server = opaqueInWorker();
  const waiting = server.createSetup(null);
  server.close();
  await assert.rejects(waiting, OpaqueUnavailableError);
  await assert.rejects(server.createSetup(null), OpaqueUnavailableError);
});

Deno.test("OPAQUE worker: many steps at once each get their own answer", async () => {
  const server = opaqueInWorker();
  try {
    const setups = await Promise.all(Array.from({ length: 8 }, () => server.createSetup(null)));
    assert.equal(new Set(setups).size, 8);
    const checks = await Promise.allSettled([
      server.checkSetup(setups[0]),
      server.checkSetup("x"),
      server.checkSetup(setups[1]),
    ]);
    assert.deepEqual(checks.map((c) => c.status), ["fulfilled", "rejected", "fulfilled"]);
  } finally {
    server.close();
  }
});
