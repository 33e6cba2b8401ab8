// Registration and password login for the load generator, exactly as core/client/accounts.ts does them except for the
// client's key stretching: a small Argon2id instead of PROTOCOL.md §10.8.1's 64 MiB × 3 passes.
//
// Why that is fair: the stretch runs only on the client (it turns the OPRF output into the randomized password); the
// server's OPAQUE work is the same whatever the client's parameters, so long as registration and login agree. With
// the real parameters each login costs the generator about 0.25 s of a core, and the logins a 2-core machine can offer
// would be limited by the generator, not by the server being measured. Accounts registered here can only log in with
// this module.

import * as opaque from "@serenity-kit/opaque";
import { constantTimeEqual } from "../core/bytes/mod.ts";
import type { MimiClient } from "../core/client/client.ts";
import { loginProof } from "../core/crypto/login_binding.ts";
import { OPS } from "../core/protocol/registry.ts";

/** Argon2id with 64 KiB and one pass: cheap, and still the library's real code path. */
const CHEAP_STRETCHING = { "argon2id-custom": { memory: 64, iterations: 1, parallelism: 1 } } as const;

/**
 * Registers `username` with `password` over `client` (open registration: the runner's server allows it).
 *
 * @param client A connected client from a completed handshake.
 * @param username The new account's name (also its nickname).
 * @param password Its password.
 */
export async function cheapRegister(client: MimiClient, username: string, password: string): Promise<void> {
  await opaque.ready;
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password });
  const started = await client.call(OPS.registerStart, { username, nickname: username, request: registrationRequest });
  const { registrationRecord } = opaque.client.finishRegistration({
    clientRegistrationState,
    registrationResponse: started.response,
    password,
    keyStretching: CHEAP_STRETCHING,
  });
  await client.call(OPS.registerFinish, { record: registrationRecord });
}

/**
 * Logs `client` in as `username` (PROTOCOL.md §10.3: login_start, login_finish with the channel-bound proof, and the
 * server's proof checked).
 *
 * @param client A connected client from a completed handshake.
 * @param username An account made by {@link cheapRegister}.
 * @param password Its password.
 */
export async function cheapLogin(client: MimiClient, username: string, password: string): Promise<void> {
  const binding = client.channelBinding;
  if (!binding) throw new TypeError("Login needs a secure channel");
  await opaque.ready;
  const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password });
  const started = await client.call(OPS.loginStart, { username, request: startLoginRequest });
  const result = opaque.client.finishLogin({
    clientLoginState,
    loginResponse: started.response,
    password,
    keyStretching: CHEAP_STRETCHING,
  });
  if (!result) throw new Error(`Login as ${username} failed`);
  // As accounts.ts does: the raw answer, since a server may leave out `deviceId` when no device was sent.
  const answer = await client.request(OPS.loginFinish.opcode, {
    finish: result.finishLoginRequest,
    proof: loginProof(result.sessionKey, binding, "client"),
  }) as { proof?: unknown };
  const proof = answer.proof;
  if (!(proof instanceof Uint8Array) || !constantTimeEqual(proof, loginProof(result.sessionKey, binding, "server"))) {
    throw new Error("The server's login proof is wrong");
  }
}
