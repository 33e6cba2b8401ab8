// Remembering a device at login ("stay signed in", PROTOCOL.md §10.9): its public key is stored and an id issued.

import { DeviceKeyTakenError } from "../../store/errors.ts";
import type { Repositories } from "../../store/types.ts";
import { RequestError } from "../../rpc/errors.ts";

/** What `login_finish` carries to remember the device. */
export interface DeviceToRemember {
  name: string;
  publicKey: Uint8Array;
}

/**
 * Stores the device a login asked to remember and returns its id. A key the same user already registered is the same
 * device logging in again with its key (its earlier answer lost, say), so it keeps its id; a key of another user's
 * device is refused.
 *
 * @param store The store.
 * @param userId The user who logged in.
 * @param device Name and public key (checked to be a P-256 point by the caller).
 * @param at Now.
 * @returns The device's id.
 * @throws {RequestError} `bad_request` when another user's device has this key.
 */
export async function rememberDevice(
  store: Repositories,
  userId: number,
  device: DeviceToRemember,
  at: number,
): Promise<number> {
  try {
    return (await store.devices.create({ userId, name: device.name, publicKey: device.publicKey, createdAt: at })).id;
  } catch (error) {
    if (!(error instanceof DeviceKeyTakenError)) throw error;
    const existing = await store.devices.findById(error.deviceId);
    if (existing?.userId !== userId) {
      throw new RequestError("bad_request", "This device key belongs to another device", { cause: error });
    }
    await store.devices.touch(existing.id, at);
    return existing.id;
  }
}
