// Registration and password login for the load generator: core/client/accounts.ts's own, with an OPAQUE client
// whose key stretching is a small Argon2id instead of PROTOCOL.md §10.8.1's 64 MiB × 3 passes.
//
// Why that is fair: the stretch runs only on the client (it turns the OPRF output into the randomized password); the
// server's OPAQUE work is the same whatever the client's parameters, so long as registration and login agree. With
// the real parameters each login costs the generator about 0.25 s of a core, and the logins a 2-core machine can offer
// would be limited by the generator, not by the server being measured. Accounts registered here can only log in with
// this module.

import * as opaque from "@serenity-kit/opaque";
import { login, register } from "../core/client/accounts.ts";
import type { MimiClient } from "../core/client/client.ts";
import { type KeyStretching, type OpaqueClient, opaqueClientOf } from "../core/client/opaque.ts";

/** Argon2id with 64 KiB and one pass: cheap, and still the library's real code path. */
const CHEAP_STRETCHING: KeyStretching = { "argon2id-custom": { memory: 64, iterations: 1, parallelism: 1 } };

let cheap: Promise<OpaqueClient> | undefined;
const cheapOpaque = () => cheap ??= opaque.ready.then(() => opaqueClientOf(opaque.client, CHEAP_STRETCHING));

/**
 * Registers `username` with `password` over `client` (open registration: the runner's server allows it).
 *
 * @param client A connected client from a completed handshake.
 * @param username The new account's name (also its nickname).
 * @param password Its password.
 */
export async function cheapRegister(client: MimiClient, username: string, password: string): Promise<void> {
  await register(client, username, username, password, { opaque: await cheapOpaque() });
}

/**
 * Logs `client` in as `username` as the SDK does (PROTOCOL.md §10.3: login_start, login_finish with the
 * channel-bound proof, and the server's proof checked), with the cheap stretching.
 *
 * @param client A connected client from a completed handshake.
 * @param username An account made by {@link cheapRegister}.
 * @param password Its password.
 */
export async function cheapLogin(client: MimiClient, username: string, password: string): Promise<void> {
  await login(client, username, password, { opaque: await cheapOpaque() });
}
