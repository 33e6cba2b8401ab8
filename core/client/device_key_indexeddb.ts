// The browser's device credential store: a non-extractable WebCrypto key kept in IndexedDB. Needs IndexedDB.

import {
  checkDeviceCredential,
  DEVICE_PUBLIC_KEY_LENGTH,
  type DeviceCredential,
  type DeviceKeyStore,
  DeviceKeyStoreError,
} from "./device_key.ts";
import { generateWebCryptoDeviceKey, type WebCryptoDeviceKey, webCryptoDeviceKey } from "./device_key_webcrypto.ts";

// The few IndexedDB shapes this file uses, declared here so the file type-checks under Deno's types too (which have
// no IndexedDB) and a test can hand in any implementation. The browser's `IDBFactory` fits them.

/** An IndexedDB request (`IDBRequest`). */
export interface IdbRequestLike<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: ((event: never) => unknown) | null;
  onerror: ((event: never) => unknown) | null;
}

/** An object store (`IDBObjectStore`). */
export interface IdbObjectStoreLike {
  get(key: string): IdbRequestLike<unknown>;
  put(value: unknown): IdbRequestLike<unknown>;
  delete(key: string): IdbRequestLike<unknown>;
}

/** A transaction (`IDBTransaction`). */
export interface IdbTransactionLike {
  readonly error: unknown;
  objectStore(name: string): IdbObjectStoreLike;
  oncomplete: ((event: never) => unknown) | null;
  onerror: ((event: never) => unknown) | null;
  onabort: ((event: never) => unknown) | null;
}

/** A database connection (`IDBDatabase`). */
export interface IdbDatabaseLike {
  readonly objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options: { keyPath: string }): unknown;
  transaction(store: string, mode: "readonly" | "readwrite"): IdbTransactionLike;
  close(): void;
  onversionchange: ((event: never) => unknown) | null;
}

/** The factory (`IDBFactory`, `globalThis.indexedDB`). */
export interface IdbFactoryLike {
  open(name: string, version: number): IdbRequestLike<IdbDatabaseLike> & {
    onupgradeneeded: ((event: never) => unknown) | null;
    onblocked: ((event: never) => unknown) | null;
  };
}

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

const STORE = "credentials";
const VERSION = 1;

/** Wraps a request's outcome in a promise. */
function completed<T>(request: IdbRequestLike<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when a transaction has committed: only then is a write durable. */
function committed(transaction: IdbTransactionLike): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error("The transaction was aborted"));
  });
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
  readonly #name: string;
  readonly #factory: IdbFactoryLike | undefined;
  readonly #subtle: SubtleCrypto | undefined;
  #db: Promise<IdbDatabaseLike> | undefined;

  /** @param options See {@link IndexedDbDeviceKeyStoreOptions}. Nothing is opened before the first call. */
  constructor(options: IndexedDbDeviceKeyStoreOptions = {}) {
    this.#name = options.name ?? "mimi-device-keys";
    this.#factory = options.indexedDB ?? (globalThis as { indexedDB?: IdbFactoryLike }).indexedDB;
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
    const record = await this.#run("readonly", "read the device key", (store) => completed(store.get(server)));
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
    await this.#run("readwrite", "save the device key", (store) => completed(store.put(record)));
  }

  /**
   * Forgets the server's credential.
   *
   * @throws {DeviceKeyStoreError} If IndexedDB is unavailable or fails.
   */
  async delete(server: string): Promise<void> {
    await this.#run("readwrite", "delete the device key", (store) => completed(store.delete(server)));
  }

  /** Runs one request in its own transaction and waits for the transaction to commit. */
  async #run<T>(
    mode: "readonly" | "readwrite",
    what: string,
    request: (store: IdbObjectStoreLike) => Promise<T>,
  ): Promise<T> {
    try {
      const db = await this.#open();
      const transaction = db.transaction(STORE, mode);
      const done = committed(transaction);
      const [result] = await Promise.all([request(transaction.objectStore(STORE)), done]);
      return result;
    } catch (error) {
      throw new DeviceKeyStoreError(`Cannot ${what}: IndexedDB failed`, { cause: error });
    }
  }

  #open(): Promise<IdbDatabaseLike> {
    if (this.#db) return this.#db;
    const factory = this.#factory;
    if (!factory) return Promise.reject(new TypeError("IndexedDB is not available here"));
    const request = factory.open(this.#name, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "server" });
    };
    // Another tab holding an older version: the open waits until it closes (it does, on versionchange below).
    request.onblocked = () => {};
    this.#db = completed(request).then((db) => {
      // A later version opened in another tab: let it upgrade, and open again at the next call.
      db.onversionchange = () => {
        db.close();
        this.#db = undefined;
      };
      return db;
    });
    // A failed open is not cached: the next call tries again (the user may have left private mode, freed space…).
    this.#db.catch(() => this.#db = undefined);
    return this.#db;
  }
}
