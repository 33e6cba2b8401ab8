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

/** One server's entry in the file. */
interface Entry {
  deviceId: number;
  /** The 32-byte P-256 secret scalar, in hex. */
  secretKey: string;
}

/** Permission bits for the group and others: any of them set lets another user of the machine at the keys. */
const NOT_OWNER = 0o077;

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
    let text: string;
    try {
      await this.#checkMode();
      text = await Deno.readTextFile(this.path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return {};
      if (error instanceof DeviceKeyStoreError) throw error;
      throw new DeviceKeyStoreError(`Cannot read the device keys in ${this.path}: ${messageOf(error)}`, {
        cause: error,
      });
    }
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

  /** Refuses a file the group or others may read or change; a missing file passes (NotFound goes on to the reader). */
  async #checkMode(): Promise<void> {
    const { mode } = await Deno.stat(this.path);
    // Windows has no mode bits (null): its ACLs are left to the user's profile directory.
    if (mode === null || (mode & NOT_OWNER) === 0) return;
    throw new DeviceKeyStoreError(
      `${this.path} may be read by other users of this machine (mode ${(mode & 0o777).toString(8)}), and it holds ` +
        `keys that sign in without a password. Fix it with: chmod 600 ${this.path}`,
    );
  }

  async #write(entries: Record<string, Entry>): Promise<void> {
    const dir = this.path.replace(/[/\\][^/\\]*$/, "");
    if (dir && dir !== this.path) await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${crypto.randomUUID()}.tmp`;
    const text = JSON.stringify(entries, null, 2) + "\n";
    try {
      await Deno.writeTextFile(temporary, text, { mode: 0o600, createNew: true });
      // The mode of writeTextFile applies at creation and through the umask; chmod makes it exactly 0600.
      if (Deno.build.os !== "windows") await Deno.chmod(temporary, 0o600);
      await Deno.rename(temporary, this.path);
    } catch (error) {
      // The temporary file may never have been made, and a failure to remove it says less than the write's own error,
      // which is what the user is told; a leftover is mode 0600 like the file itself.
      await Deno.remove(temporary).catch(() => {});
      throw new DeviceKeyStoreError(`Cannot write the device keys to ${this.path}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
