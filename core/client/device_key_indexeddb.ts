// The browser's device credential store: a non-extractable WebCrypto key kept in IndexedDB. Needs IndexedDB.

import {
  checkDeviceCredential,
  DEVICE_PUBLIC_KEY_LENGTH,
  type DeviceCredential,
  type DeviceKeyStore,
  DeviceKeyStoreError,
} from "./device_key.ts";
import { generateWebCryptoDeviceKey, type WebCryptoDeviceKey, webCryptoDeviceKey } from "./device_key_webcrypto.ts";
import { completed, globalIndexedDb, type IdbFactoryLike, IdbSingleStore } from "./_indexeddb.ts";

export type {
  IdbDatabaseLike,
  IdbFactoryLike,
  IdbObjectStoreLike,
  IdbRequestLike,
  IdbTransactionLike,
} from "./_indexeddb.ts";

/** Options of {@link IndexedDbDeviceKeyStore}. */
export interface IndexedDbDeviceKeyStoreOptions {
  /** The database's name. Default `"mimi-device-keys"`. */
  name?: string;
  /** The IndexedDB to use. Default `globalThis.indexedDB`. */
  indexedDB?: IdbFactoryLike;
  /** The SubtleCrypto to make keys and sign with. Default `globalThis.crypto.subtle`. */
  subtle?: SubtleCrypto;
}

/** One stored credential: the record's fields as IndexedDB keeps them (by structured clone). */
interface StoredCredential {
  server: string;
  deviceId: number;
  publicKey: Uint8Array;
  privateKey: CryptoKey;
}

function isStoredCredential(value: unknown): value is StoredCredential {
  const record = value as Partial<StoredCredential> | undefined;
  return typeof record === "object" && record !== null && Number.isSafeInteger(record.deviceId) &&
    record.publicKey instanceof Uint8Array && record.publicKey.length === DEVICE_PUBLIC_KEY_LENGTH &&
    record.privateKey instanceof CryptoKey;
}

/**
 * Device credentials in IndexedDB, one record per server. The private key is a WebCrypto `CryptoKey` made with
 * `extractable: false`; IndexedDB stores it by structured clone, which keeps it non-extractable, so neither this
 * page's script nor an XSS payload can read the key's bytes and take the device elsewhere (it can still sign while
 * it runs in the page). Uses only `globalThis.indexedDB` and `crypto.subtle`: it works in a page and in a worker.
 *
 * @example
 * ```ts ignore
 * import { IndexedDbDeviceKeyStore } from "./device_key_indexeddb.ts";
 * const store = new IndexedDbDeviceKeyStore();
 * const key = await store.create(); // send key.publicKey with login_finish
 * await store.save(location.host, { ...key, deviceId: 3 }); // the answer's deviceId
 * const credential = await store.load(location.host); // at the next visit
 * ```
 */
export class IndexedDbDeviceKeyStore implements DeviceKeyStore<WebCryptoDeviceKey> {
  readonly #db: IdbSingleStore;
  readonly #subtle: SubtleCrypto | undefined;

  /** @param options See {@link IndexedDbDeviceKeyStoreOptions}. Nothing is opened before the first call. */
  constructor(options: IndexedDbDeviceKeyStoreOptions = {}) {
    this.#db = new IdbSingleStore({
      factory: options.indexedDB ?? globalIndexedDb(),
      name: options.name ?? "mimi-device-keys",
      store: "credentials",
      keyPath: "server",
      error: DeviceKeyStoreError,
    });
    this.#subtle = options.subtle;
  }

  /**
   * A new non-extractable key pair, not stored yet.
   *
   * @throws {DeviceKeyStoreError} Where WebCrypto is not available.
   */
  create(): Promise<WebCryptoDeviceKey> {
    return generateWebCryptoDeviceKey(this.#subtle);
  }

  /**
   * The credential saved for `server`. A record this version cannot use (damaged, or written by a later version) is
   * treated as absent: the user then logs in with the password, which saves a usable one over it.
   *
   * @throws {DeviceKeyStoreError} If IndexedDB is unavailable or fails.
   */
  async load(server: string): Promise<(WebCryptoDeviceKey & DeviceCredential) | undefined> {
    const record = await this.#db.run("readonly", "read the device key", (store) => completed(store.get(server)));
    if (!isStoredCredential(record)) return undefined;
    return { ...webCryptoDeviceKey(record.privateKey, record.publicKey, this.#subtle), deviceId: record.deviceId };
  }

  /**
   * Saves a credential made from this store's {@link create}, replacing the server's earlier one.
   *
   * @throws {TypeError} If the credential is malformed or its key is not a WebCrypto key this store can keep.
   * @throws {RangeError} If `deviceId` is not a positive whole number.
   * @throws {DeviceKeyStoreError} If IndexedDB is unavailable or fails.
   */
  async save(server: string, credential: WebCryptoDeviceKey & DeviceCredential): Promise<void> {
    checkDeviceCredential(server, credential);
    if (!(credential.privateKey instanceof CryptoKey)) {
      throw new TypeError("Cannot save a device key this store did not create: it has no WebCrypto 'privateKey'");
    }
    const record: StoredCredential = {
      server,
      deviceId: credential.deviceId,
      publicKey: credential.publicKey.slice(),
      privateKey: credential.privateKey,
    };
    await this.#db.run("readwrite", "save the device key", (store) => completed(store.put(record)));
  }

  /**
   * Forgets the server's credential.
   *
   * @throws {DeviceKeyStoreError} If IndexedDB is unavailable or fails.
   */
  async delete(server: string): Promise<void> {
    await this.#db.run("readwrite", "delete the device key", (store) => completed(store.delete(server)));
  }
}
