// The server's OPAQUE steps (PROTOCOL.md §10.2-10.3), each one call of `@serenity-kit/opaque`: written once, run in
// the server's thread (opaque_server.ts, `opaqueInThread`) or in its worker (opaque_worker.ts).

import * as opaque from "@serenity-kit/opaque";

/** Every step by name, with its argument and result: what the worker's messages carry. */
export const OPAQUE_STEPS = {
  /** A new server setup (OPRF seed and key pair), serialized. */
  createSetup(_: null): string {
    return opaque.server.createSetup();
  },
  /** Throws unless `setup` is a usable serialized setup. */
  checkSetup(setup: string): null {
    opaque.server.getPublicKey(setup);
    return null;
  },
  /** register_start and password_start: the server's RegistrationResponse. */
  registrationResponse(
    a: { serverSetup: string; userIdentifier: string; registrationRequest: string },
  ): { registrationResponse: string } {
    return opaque.server.createRegistrationResponse(a);
  },
  /** login_start: KE2, and the state login_finish needs. A `null` record answers from a fake one (unknown user). */
  startLogin(
    a: { serverSetup: string; userIdentifier: string; registrationRecord: string | null; startLoginRequest: string },
  ): { loginResponse: string; serverLoginState: string } {
    return opaque.server.startLogin(a);
  },
  /** login_finish: the session key; throws when KE3 does not verify (a wrong password or a relay). */
  finishLogin(a: { finishLoginRequest: string; serverLoginState: string }): { sessionKey: string } {
    return { sessionKey: opaque.server.finishLogin(a).sessionKey };
  },
  /**
   * Throws unless the library can use `record` for logins: it starts a login against a throwaway KE1, which makes
   * it parse the record fully (a bad record stored would make every later login of the account fail).
   */
  checkRecord(a: { serverSetup: string; userIdentifier: string; record: string }): null {
    const { startLoginRequest } = opaque.client.startLogin({ password: "record check" });
    opaque.server.startLogin({
      serverSetup: a.serverSetup,
      userIdentifier: a.userIdentifier,
      registrationRecord: a.record,
      startLoginRequest,
    });
    return null;
  },
};

/** The steps' names. */
export type OpaqueStep = keyof typeof OPAQUE_STEPS;

/** Resolves once the library's WebAssembly is compiled and the steps can run. */
export const opaqueReady: Promise<void> = opaque.ready;
