// The client half of OPAQUE as an asynchronous port, so a page can run it (and its Argon2id) in a Web Worker.

/** Argon2id parameters both registration and login must use (PROTOCOL.md §10). */
export const KEY_STRETCHING = "memory-constrained" as const;

/**
 * Argon2id parameters for the client's key stretching, as `@serenity-kit/opaque` takes them. Clients use
 * {@link KEY_STRETCHING}; only the load generator (bench/_cheap_login.ts) passes a cheaper setting, for accounts it
 * made with the same one.
 */
export type KeyStretching =
  | typeof KEY_STRETCHING
  | { "argon2id-custom": { memory: number; iterations: number; parallelism: number } };

/** What `startRegistration` answers: the state to keep and the request to send. */
export interface OpaqueRegistrationStart {
  clientRegistrationState: string;
  registrationRequest: string;
}

/** What `startLogin` answers: the state to keep and KE1 to send. */
export interface OpaqueLoginStart {
  clientLoginState: string;
  startLoginRequest: string;
}

/** What a successful `finishLogin` answers: KE3 to send and the session key (the client's own secret). */
export interface OpaqueLoginFinish {
  finishLoginRequest: string;
  sessionKey: string;
}

/**
 * The client steps of OPAQUE that Mimi uses (`@serenity-kit/opaque`'s `client`, base64url strings throughout, key
 * stretching {@link KEY_STRETCHING}). Asynchronous so that the steps can run elsewhere: a page hands the SDK one
 * that runs them in a Web Worker, where Argon2id cannot freeze the page.
 */
export interface OpaqueClient {
  startRegistration(password: string): Promise<OpaqueRegistrationStart>;
  /** @returns The registration record to send. */
  finishRegistration(params: {
    password: string;
    clientRegistrationState: string;
    registrationResponse: string;
  }): Promise<string>;
  startLogin(password: string): Promise<OpaqueLoginStart>;
  /** @returns KE3 and the session key, or `undefined` when the server's answer does not authenticate. */
  finishLogin(params: {
    password: string;
    clientLoginState: string;
    loginResponse: string;
  }): Promise<OpaqueLoginFinish | undefined>;
}

/** The part of `@serenity-kit/opaque`'s `client` namespace {@link opaqueClientOf} calls (synchronous). */
export interface OpaquePackageClient {
  startRegistration(params: { password: string }): OpaqueRegistrationStart;
  finishRegistration(params: {
    password: string;
    clientRegistrationState: string;
    registrationResponse: string;
    keyStretching: KeyStretching;
  }): { registrationRecord: string };
  startLogin(params: { password: string }): OpaqueLoginStart;
  finishLogin(params: {
    password: string;
    clientLoginState: string;
    loginResponse: string;
    keyStretching: KeyStretching;
  }): OpaqueLoginFinish | undefined;
}

/**
 * Wraps the package's synchronous `client` (once its WebAssembly is ready) as an {@link OpaqueClient}, adding
 * Mimi's key stretching to the steps that stretch.
 *
 * @param client `@serenity-kit/opaque`'s `client`, after `ready`.
 * @param keyStretching The Argon2id setting; {@link KEY_STRETCHING} (PROTOCOL.md §10.8.1) unless a load generator says.
 * @returns The asynchronous client; each call runs on the caller's thread.
 *
 * @example
 * ```ts
 * import * as opaque from "@serenity-kit/opaque";
 * import { opaqueClientOf } from "./opaque.ts";
 *
 * await opaque.ready;
 * const client = opaqueClientOf(opaque.client);
 * const { registrationRequest } = await client.startRegistration("correct horse");
 * console.log(registrationRequest.length > 0); // true
 * ```
 */
export function opaqueClientOf(
  client: OpaquePackageClient,
  keyStretching: KeyStretching = KEY_STRETCHING,
): OpaqueClient {
  // Through a promise, so that a throw from the package becomes a rejection, as it would be from a worker.
  const deferred = <A, R>(step: (argument: A) => R) => (argument: A) =>
    new Promise<R>((resolve) => resolve(step(argument)));
  type Params<K extends keyof OpaqueClient> = Parameters<OpaqueClient[K]>[0];
  return {
    startRegistration: deferred((password: string) => client.startRegistration({ password })),
    finishRegistration: deferred((params: Params<"finishRegistration">) =>
      client.finishRegistration({ ...params, keyStretching }).registrationRecord
    ),
    startLogin: deferred((password: string) => client.startLogin({ password })),
    finishLogin: deferred((params: Params<"finishLogin">) => {
      const result = client.finishLogin({ ...params, keyStretching });
      return result && { finishLoginRequest: result.finishLoginRequest, sessionKey: result.sessionKey };
    }),
  };
}

let packaged: Promise<OpaqueClient> | undefined;

/**
 * The OPAQUE client from `@serenity-kit/opaque` on the caller's thread, loaded on first use: the default where no
 * other was given (the terminal client, tests). Imported dynamically so that a browser bundle, which passes its
 * worker's client instead, leaves the package (and its inlined WebAssembly) out.
 *
 * @returns The client, once the package's WebAssembly is ready.
 */
export function packagedOpaque(): Promise<OpaqueClient> {
  packaged ??= import("@serenity-kit/opaque").then(async (opaque) => {
    await opaque.ready;
    return opaqueClientOf(opaque.client);
  });
  return packaged;
}
