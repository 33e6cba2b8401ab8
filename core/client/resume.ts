// Client side of `resume`: logs a new connection in as a remembered device, without the password (PROTOCOL.md §10.9).

import type { ResponseOf } from "../protocol/define.ts";
import { OPS } from "../protocol/registry.ts";
import type { MimiClient } from "./client.ts";
import type { DeviceCredential } from "./device_key.ts";
import { resumeProof } from "./resume_proof.ts";

/** What `resume` answers: the login bundle and the device's id. */
export type ResumeResult = ResponseOf<typeof OPS.resume>;

/**
 * Resumes the session of a remembered device on this connection, with a proof bound to its channel.
 *
 * @param client A connected client whose duplex came from `performClientHandshake` (it needs the channel binding).
 * @param credential The device credential the store loaded for this server.
 * @returns The login bundle and `deviceId`; rejects with `ProtocolError` `device_unknown` (revoked, forgotten, or a
 *   proof that does not verify: the caller deletes the credential), `throttled`, or `already_logged_in`.
 *
 * @example
 * ```ts ignore
 * import { resume } from "./resume.ts";
 * const credential = await deviceKeys.load("mimi.example:8111");
 * if (credential) console.log((await resume(client, credential)).user.nickname);
 * ```
 */
export async function resume(client: MimiClient, credential: DeviceCredential): Promise<ResumeResult> {
  const binding = client.channelBinding;
  if (!binding) throw new TypeError("resume needs a secure channel (MimiClient's channelBinding)");
  const proof = await resumeProof((message) => credential.sign(message), binding);
  return await client.call(OPS.resume, { deviceId: credential.deviceId, proof });
}
