// The browser's outbox store: the user's waiting sends in IndexedDB, so a reload or a closed tab loses none. Needs
// IndexedDB.

import { completed, globalIndexedDb, type IdbFactoryLike, IdbSingleStore } from "./_indexeddb.ts";
import {
  checkScope,
  checkStoredSend,
  copySend,
  isStoredSend,
  oldestFirst,
  type OutboxScope,
  type OutboxStore,
  OutboxStoreError,
  type StoredSend,
} from "./outbox_store.ts";

/** Options of {@link IndexedDbOutboxStore}. */
export interface IndexedDbOutboxStoreOptions {
  /** The database's name. Default `"mimi-outbox"`. */
  name?: string;
  /** The IndexedDB to use. Default `globalThis.indexedDB`. */
  indexedDB?: IdbFactoryLike;
}

/** One scope's record: its sends in the order first saved, kept by structured clone (bytes stay bytes). */
interface ScopeRecord {
  scope: string;
  sends: StoredSend[];
}

/** The sends of a record as read: a record or send of another shape (a later version's) is left out. */
function sendsOf(record: unknown): StoredSend[] {
  const sends = (record as Partial<ScopeRecord> | undefined)?.sends;
  return Array.isArray(sends) ? sends.filter(isStoredSend) : [];
}

/**
 * Waiting sends in IndexedDB, one record per server and user holding that scope's sends. Each change reads and
 * writes the record in one transaction, so two tabs of the same user never lose each other's changes, and resolves
 * once the transaction has committed.
 *
 * @example
 * ```ts ignore
 * import { connect, IndexedDbOutboxStore } from "./mod.ts";
 * const connection = connect({ ...options, outboxStore: new IndexedDbOutboxStore() });
 * ```
 */
export class IndexedDbOutboxStore implements OutboxStore {
  readonly #db: IdbSingleStore;

  /** @param options See {@link IndexedDbOutboxStoreOptions}. Nothing is opened before the first call. */
  constructor(options: IndexedDbOutboxStoreOptions = {}) {
    this.#db = new IdbSingleStore({
      factory: options.indexedDB ?? globalIndexedDb(),
      name: options.name ?? "mimi-outbox",
      store: "scopes",
      keyPath: "scope",
      error: OutboxStoreError,
    });
  }

  async load(scope: OutboxScope): Promise<StoredSend[]> {
    checkScope(scope);
    const record = await this.#db.run(
      "readonly",
      "read the waiting sends",
      (store) => completed(store.get(key(scope))),
    );
    return oldestFirst(sendsOf(record));
  }

  async save(scope: OutboxScope, send: StoredSend): Promise<void> {
    checkStoredSend(scope, send);
    const copy = copySend(send);
    await this.#change(scope, "save the send", (sends) => {
      const index = sends.findIndex((known) => known.clientId === send.clientId);
      if (index === -1) return [...sends, copy];
      return sends.map((known, i) => i === index ? copy : known);
    });
  }

  async delete(scope: OutboxScope, clientId: string): Promise<void> {
    checkScope(scope);
    await this.#change(scope, "delete the send", (sends) => sends.filter((send) => send.clientId !== clientId));
  }

  /** Reads a scope's sends, changes them and writes them back (or deletes the record when none are left). */
  async #change(scope: OutboxScope, what: string, change: (sends: StoredSend[]) => StoredSend[]): Promise<void> {
    const k = key(scope);
    await this.#db.run("readwrite", what, async (store) => {
      const sends = sendsOf(await completed(store.get(k)));
      const next = change(sends);
      if (next.length === 0) {
        if (sends.length) await completed(store.delete(k));
        return;
      }
      const record: ScopeRecord = { scope: k, sends: next };
      await completed(store.put(record));
    });
  }
}

/** A scope's record key: the user id first, so it cannot be confused with a server's name. */
function key(scope: OutboxScope): string {
  return `${scope.userId}@${scope.server}`;
}
