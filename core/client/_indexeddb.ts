// One IndexedDB object store, opened at first use: what the browser's device key and outbox stores share.

// The few IndexedDB shapes the stores use, declared here so the files type-check under Deno's types too (which have
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

/** The page's or worker's IndexedDB, if it has one. */
export function globalIndexedDb(): IdbFactoryLike | undefined {
  return (globalThis as { indexedDB?: IdbFactoryLike }).indexedDB;
}

/**
 * Wraps a request's outcome in a promise.
 *
 * @param request The request, before it has settled.
 * @returns Its result, or a rejection with its error.
 */
export function completed<T>(request: IdbRequestLike<T>): Promise<T> {
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

/** Where {@link IdbSingleStore} keeps its records. */
export interface IdbSingleStoreOptions {
  /** The IndexedDB to use; undefined where there is none (every call then rejects with a `TypeError`). */
  factory: IdbFactoryLike | undefined;
  /** The database's name. */
  name: string;
  /** The object store's name, made at the first open. */
  store: string;
  /** The record field that is the store's key. */
  keyPath: string;
  /** The database's version. Default 1. */
  version?: number;
  /** The store's error class, for every failure: its message says what could not be done, its `cause` why. */
  error: new (message: string, options: { cause: unknown }) => Error;
}

/**
 * A database holding one object store, opened at the first call and kept open. Survives other tabs: a later version
 * opened elsewhere closes this connection (the next call opens again), and a failed open is retried at the next call.
 *
 * @example
 * ```ts ignore
 * import { completed, globalIndexedDb, IdbSingleStore } from "./_indexeddb.ts";
 * const db = new IdbSingleStore({
 *   factory: globalIndexedDb(),
 *   name: "mimi-notes",
 *   store: "notes",
 *   keyPath: "id",
 *   error: Error,
 * });
 * await db.run("readwrite", "save the note", (store) => completed(store.put({ id: "a", text: "hello" })));
 * ```
 */
export class IdbSingleStore {
  readonly #options: IdbSingleStoreOptions;
  #db: Promise<IdbDatabaseLike> | undefined;

  /** @param options See {@link IdbSingleStoreOptions}. Nothing is opened before the first call. */
  constructor(options: IdbSingleStoreOptions) {
    this.#options = options;
  }

  /**
   * Runs requests in one transaction and waits for the transaction to commit.
   *
   * @param mode The transaction's mode.
   * @param what What the requests do, for the error's message ("save the send").
   * @param request Makes the requests on the store and settles with their outcome.
   * @returns What `request` resolved to, once the transaction has committed.
   * @throws The options' `error`, `Cannot <what>: IndexedDB failed`, with IndexedDB's error (or the `TypeError` of
   *   a place without IndexedDB) as its `cause`.
   */
  async run<T>(
    mode: "readonly" | "readwrite",
    what: string,
    request: (store: IdbObjectStoreLike) => Promise<T>,
  ): Promise<T> {
    try {
      const db = await this.#open();
      const transaction = db.transaction(this.#options.store, mode);
      const done = committed(transaction);
      const [result] = await Promise.all([request(transaction.objectStore(this.#options.store)), done]);
      return result;
    } catch (error) {
      throw new this.#options.error(`Cannot ${what}: IndexedDB failed`, { cause: error });
    }
  }

  #open(): Promise<IdbDatabaseLike> {
    if (this.#db) return this.#db;
    const { factory, name, store, keyPath, version = 1 } = this.#options;
    if (!factory) return Promise.reject(new TypeError("IndexedDB is not available here"));
    const request = factory.open(name, version);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(store)) db.createObjectStore(store, { keyPath });
    };
    // Another tab holding an older version: the open waits until it closes (it does, on versionchange below).
    request.onblocked = () => {};
    const opened = completed(request).then((db) => {
      // A later version opened in another tab: let it upgrade, and open again at the next call.
      db.onversionchange = () => {
        db.close();
        if (this.#db === opened) this.#db = undefined;
      };
      return db;
    });
    // A failed open is not cached: the next call tries again (the user may have left private mode, freed space…).
    opened.catch(() => {
      if (this.#db === opened) this.#db = undefined;
    });
    this.#db = opened;
    return opened;
  }
}
