// The terminal client's remembered devices: one P-256 secret per server in a JSON file only its owner can read.

import { fromHex, hex } from "../core/bytes/mod.ts";
import {
  checkDeviceCredential,
  type DeviceCredential,
  type DeviceKeyStore,
  DeviceKeyStoreError,
  generateNobleDeviceKey,
  type NobleDeviceKey,
  nobleDeviceKey,
} from "../core/client/mod.ts";
import { ExposedFileError, readPrivateFile, writePrivateFile } from "./private_file.ts";

/** One server's entry in the file. */
interface Entry {
  deviceId: number;
  /** The 32-byte P-256 secret scalar, in hex. */
  secretKey: string;
}

/**
 * Device credentials in a file, `{ "<host:port>": { "deviceId": n, "secretKey": "<hex>" } }`, written with mode 0600
 * in a directory made with mode 0700. A secret there lets whoever reads it sign in as its user on that server, so a
 * file that the group or others may read or write is refused (with the command that fixes it), never used. The file
 * is read on every call and replaced whole (a temporary file renamed over it), so two commands at once each see a
 * complete file.
 *
 * @example
 * ```ts ignore
 * import { FileDeviceKeyStore } from "./device_keys.ts";
 * const store = new FileDeviceKeyStore(`${Deno.env.get("HOME")}/.mimi/device_keys`);
 * const key = await store.create();
 * await store.save("127.0.0.1:8111", { ...key, deviceId: 3 });
 * ```
 */
export class FileDeviceKeyStore implements DeviceKeyStore<NobleDeviceKey> {
  /** The file (`~` already expanded). */
  readonly path: string;

  /** @param path The file (`~` already expanded); it and its directory are made on the first save. */
  constructor(path: string) {
    if (typeof path !== "string" || path === "") throw new TypeError("Cannot keep device keys: the path is empty");
    this.path = path;
  }

  create(): Promise<NobleDeviceKey> {
    return Promise.resolve(generateNobleDeviceKey());
  }

  async load(server: string): Promise<(NobleDeviceKey & DeviceCredential) | undefined> {
    const entry = (await this.#read())[server];
    if (!entry) return undefined;
    try {
      return { ...nobleDeviceKey(fromHex(entry.secretKey)), deviceId: entry.deviceId };
    } catch (error) {
      // An entry edited by hand into something unusable is as good as none: the user logs in again, which replaces it.
      if (error instanceof TypeError || error instanceof SyntaxError || error instanceof RangeError) return undefined;
      throw error;
    }
  }

  async save(server: string, credential: NobleDeviceKey & DeviceCredential): Promise<void> {
    checkDeviceCredential(server, credential);
    if (!(credential.secretKey instanceof Uint8Array)) {
      throw new TypeError("Cannot save a device key this store did not create: it has no 'secretKey'");
    }
    if (hex(nobleDeviceKey(credential.secretKey).publicKey) !== hex(credential.publicKey)) {
      throw new TypeError("Cannot save a device key whose 'publicKey' is not the one of its 'secretKey'");
    }
    const entries = await this.#read();
    entries[server] = { deviceId: credential.deviceId, secretKey: hex(credential.secretKey) };
    await this.#write(entries);
  }

  async delete(server: string): Promise<void> {
    const entries = await this.#read();
    if (!Object.hasOwn(entries, server)) return;
    delete entries[server];
    await this.#write(entries);
  }

  /** The entries; none when the file does not exist. */
  async #read(): Promise<Record<string, Entry>> {
    let text: string | undefined;
    try {
      text = await readPrivateFile(this.path);
    } catch (error) {
      if (error instanceof ExposedFileError) {
        throw new DeviceKeyStoreError(
          `${error.message}, and it holds keys that sign in without a password. Fix it with: chmod 600 ${this.path}`,
          { cause: error },
        );
      }
      throw new DeviceKeyStoreError(`Cannot read the device keys in ${this.path}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new DeviceKeyStoreError(
        `The device keys in ${this.path} are not JSON (${messageOf(error)}); delete the file and log in again`,
        { cause: error },
      );
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new DeviceKeyStoreError(`The device keys in ${this.path} are not a JSON object; delete the file`);
    }
    const entries: Record<string, Entry> = {};
    for (const [server, value] of Object.entries(parsed)) {
      const { deviceId, secretKey } = (value ?? {}) as Partial<Entry>;
      // An entry of the wrong shape is skipped like an unusable one: it cannot resume, and a save replaces it.
      if (Number.isSafeInteger(deviceId) && typeof secretKey === "string") {
        entries[server] = { deviceId: deviceId!, secretKey };
      }
    }
    return entries;
  }

  async #write(entries: Record<string, Entry>): Promise<void> {
    try {
      await writePrivateFile(this.path, JSON.stringify(entries, null, 2) + "\n");
    } catch (error) {
      throw new DeviceKeyStoreError(`Cannot write the device keys to ${this.path}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
