// The device credential store kept in memory, for tests and for clients that must not remember a device.

import { hex } from "../bytes/mod.ts";
import { checkDeviceCredential, type DeviceCredential, type DeviceKeyStore } from "./device_key.ts";
import { generateNobleDeviceKey, type NobleDeviceKey, nobleDeviceKey } from "./device_key_noble.ts";

/** What the memory store keeps for one server: what a file store would write. */
export interface StoredNobleCredential {
  deviceId: number;
  secretKey: Uint8Array;
}

/**
 * Device credentials in a `Map`, with noble keys. Two stores given the same `backing` map see the same credentials,
 * as two runs of a program see the same file.
 *
 * @example
 * ```ts
 * import { MemoryDeviceKeyStore } from "./device_key_memory.ts";
 * const store = new MemoryDeviceKeyStore();
 * const key = await store.create();
 * await store.save("mimi.example:7700", { ...key, deviceId: 3 });
 * (await store.load("mimi.example:7700"))?.deviceId; // 3
 * ```
 */
export class MemoryDeviceKeyStore implements DeviceKeyStore<NobleDeviceKey> {
  readonly #backing: Map<string, StoredNobleCredential>;

  /** @param backing Where the credentials live; default a new map. */
  constructor(backing: Map<string, StoredNobleCredential> = new Map()) {
    this.#backing = backing;
  }

  create(): Promise<NobleDeviceKey> {
    return Promise.resolve(generateNobleDeviceKey());
  }

  load(server: string): Promise<(NobleDeviceKey & DeviceCredential) | undefined> {
    const stored = this.#backing.get(server);
    return Promise.resolve(stored && { ...nobleDeviceKey(stored.secretKey), deviceId: stored.deviceId });
  }

  save(server: string, credential: NobleDeviceKey & DeviceCredential): Promise<void> {
    try {
      checkDeviceCredential(server, credential);
      if (!(credential.secretKey instanceof Uint8Array)) {
        throw new TypeError("Cannot save a device key this store did not create: it has no 'secretKey'");
      }
      if (hex(nobleDeviceKey(credential.secretKey).publicKey) !== hex(credential.publicKey)) {
        throw new TypeError("Cannot save a device key whose 'publicKey' is not the one of its 'secretKey'");
      }
    } catch (error) {
      return Promise.reject(error);
    }
    this.#backing.set(server, { deviceId: credential.deviceId, secretKey: credential.secretKey.slice() });
    return Promise.resolve();
  }

  delete(server: string): Promise<void> {
    this.#backing.delete(server);
    return Promise.resolve();
  }
}
