// IdbSingleStore's opening and transactions against a small in-memory stand-in for IndexedDB; the real browser's
// IndexedDB runs both stores' suites in tests/device_key_indexeddb_test.ts and tests/outbox_store_indexeddb_test.ts.

import assert from "node:assert/strict";
import {
  completed,
  type IdbDatabaseLike,
  type IdbFactoryLike,
  type IdbObjectStoreLike,
  type IdbRequestLike,
  IdbSingleStore,
  type IdbTransactionLike,
} from "./_indexeddb.ts";

type Handler = ((event: never) => unknown) | null;

/** A request settled on a later task, as IndexedDB settles them. */
function request<T>(outcome: () => T): IdbRequestLike<T> {
  const r = {
    result: undefined as T,
    error: undefined as unknown,
    onsuccess: null as Handler,
    onerror: null as Handler,
  };
  setTimeout(() => {
    try {
      r.result = outcome();
      r.onsuccess?.(undefined as never);
    } catch (error) {
      r.error = error;
      r.onerror?.(undefined as never);
    }
  });
  return r;
}

/** An IndexedDB of maps: every open, and whether the next open or transaction fails. */
class FakeIdb implements IdbFactoryLike {
  readonly records = new Map<string, Map<string, unknown>>();
  readonly opened: FakeDb[] = [];
  failOpen = false;
  abortNext = false;

  open(name: string, version: number) {
    const fail = this.failOpen;
    const db = new FakeDb(this, name, version);
    const r = Object.assign(
      request<IdbDatabaseLike>(() => {
        if (fail) throw new Error("Quota exceeded");
        if (!this.records.has(name)) r.onupgradeneeded?.(undefined as never);
        this.opened.push(db);
        return db;
      }),
      { onupgradeneeded: null as Handler, onblocked: null as Handler },
    );
    // The upgrade handler reads the request's result: the database, before the open succeeds.
    Object.defineProperty(r, "result", { get: () => db, set: () => {}, configurable: true });
    return r;
  }
}

class FakeDb implements IdbDatabaseLike {
  onversionchange: Handler = null;
  closed = false;
  constructor(readonly idb: FakeIdb, readonly name: string, readonly version: number) {}
  get objectStoreNames() {
    return { contains: (store: string) => this.idb.records.has(`${this.name}/${store}`) };
  }
  createObjectStore(store: string, options: { keyPath: string }) {
    this.idb.records.set(this.name, new Map());
    this.idb.records.set(`${this.name}/${store}`, new Map([["#keyPath", options.keyPath]]));
  }
  transaction(store: string, _mode: "readonly" | "readwrite"): IdbTransactionLike {
    assert.ok(!this.closed, "a transaction on a closed connection");
    const map = this.idb.records.get(`${this.name}/${store}`)!;
    const keyPath = map.get("#keyPath") as string;
    const abort = this.idb.abortNext;
    this.idb.abortNext = false;
    const t = {
      error: null as unknown,
      oncomplete: null as Handler,
      onerror: null as Handler,
      onabort: null as Handler,
      objectStore: (): IdbObjectStoreLike => ({
        get: (key) => request(() => map.get(key)),
        put: (value) => request(() => map.set((value as Record<string, string>)[keyPath], value)),
        delete: (key) => request(() => map.delete(key)),
      }),
    };
    setTimeout(() => setTimeout(() => abort ? t.onabort?.(undefined as never) : t.oncomplete?.(undefined as never)));
    return t;
  }
  close() {
    this.closed = true;
  }
}

class StoreError extends Error {}

const options = (idb: IdbFactoryLike | undefined) => ({
  factory: idb,
  name: "db",
  store: "things",
  keyPath: "id",
  error: StoreError,
});

Deno.test("IdbSingleStore makes its store at the first open and keeps one connection for later calls", async () => {
  const idb = new FakeIdb();
  const db = new IdbSingleStore(options(idb));
  await db.run("readwrite", "write", (store) => completed(store.put({ id: "a", n: 1 })));
  const read = await db.run("readonly", "read", (store) => completed(store.get("a")));
  assert.deepEqual(read, { id: "a", n: 1 });
  assert.equal(idb.opened.length, 1);
  assert.equal(idb.opened[0].version, 1);
});

Deno.test("IdbSingleStore rejects with the store's error, caused by a TypeError, where there is no IndexedDB", async () => {
  const db = new IdbSingleStore(options(undefined));
  await assert.rejects(db.run("readonly", "read", (store) => completed(store.get("a"))), (error) => {
    assert.ok(error instanceof StoreError);
    assert.equal(error.message, "Cannot read: IndexedDB failed");
    assert.ok(error.cause instanceof TypeError);
    return true;
  });
});

Deno.test("IdbSingleStore opens again after a failed open", async () => {
  const idb = new FakeIdb();
  const db = new IdbSingleStore(options(idb));
  idb.failOpen = true;
  await assert.rejects(db.run("readonly", "read", (store) => completed(store.get("a"))), (error) => {
    assert.ok(error instanceof StoreError);
    assert.match(String((error.cause as Error).message), /Quota exceeded/);
    return true;
  });
  idb.failOpen = false;
  assert.equal(await db.run("readonly", "read", (store) => completed(store.get("a"))), undefined);
  assert.equal(idb.opened.length, 1);
});

Deno.test("IdbSingleStore closes on versionchange and opens again at the next call", async () => {
  const idb = new FakeIdb();
  const db = new IdbSingleStore(options(idb));
  await db.run("readwrite", "write", (store) => completed(store.put({ id: "a" })));
  idb.opened[0].onversionchange?.(undefined as never);
  assert.ok(idb.opened[0].closed);
  assert.deepEqual(await db.run("readonly", "read", (store) => completed(store.get("a"))), { id: "a" });
  assert.equal(idb.opened.length, 2);
});

Deno.test("IdbSingleStore rejects a run whose transaction aborts, though its requests succeeded", async () => {
  const idb = new FakeIdb();
  const db = new IdbSingleStore(options(idb));
  idb.abortNext = true;
  await assert.rejects(db.run("readwrite", "write", (store) => completed(store.put({ id: "a" }))), (error) => {
    assert.ok(error instanceof StoreError);
    assert.match(String((error.cause as Error).message), /aborted/);
    return true;
  });
});
