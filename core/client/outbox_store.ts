// Where the user's sends wait across a reload or a restart: one interface, the shape of a stored send, and the memory
// store (the default, which keeps them only as long as the program runs).

import type { SendableBody } from "./chat_types.ts";

/** Whose sends these are: a store never gives one user's sends to another, nor one server's to another. */
export interface OutboxScope {
  /** The server, as `connect({ server })` names it. */
  server: string;
  /** The signed-in user's id. */
  userId: number;
}

/** One send as a store keeps it: plain data (structured-cloneable, and JSON once its bytes are encoded). */
export interface StoredSend {
  /** The send's client id (32 hex digits): it goes again under it, so the server keeps it once. */
  clientId: string;
  conversationId: number;
  /** The body shown while it waits (an image's as the client computed it). */
  body: SendableBody;
  /** An image's bytes, uploaded before the message goes out. */
  image?: Uint8Array;
  /** When it was queued, in ms since the epoch: sends load oldest first. */
  createdAt: number;
  /** `pending` goes out at the next login; `failed` was refused and waits for `retrySend` or `discardSend`. */
  state: "pending" | "failed";
}

/**
 * Keeps the sends the server has not answered yet, per server and user. A send is saved when queued and when it
 * fails, and deleted once answered or discarded; at a login the SDK loads the user's and sends the pending ones again.
 * Each method's promise settles once the change is durable in the store.
 */
export interface OutboxStore {
  /**
   * The scope's sends, oldest first (by `createdAt`, then by when first saved). A record the store cannot read is
   * left out.
   *
   * @throws {OutboxStoreError} If the storage fails.
   */
  load(scope: OutboxScope): Promise<StoredSend[]>;
  /**
   * Adds a send, or replaces the one of its client id (keeping its place).
   *
   * @throws {TypeError} If the send is malformed.
   * @throws {OutboxStoreError} If the storage fails.
   */
  save(scope: OutboxScope, send: StoredSend): Promise<void>;
  /**
   * Forgets a send; one not stored is no error.
   *
   * @throws {OutboxStoreError} If the storage fails.
   */
  delete(scope: OutboxScope, clientId: string): Promise<void>;
}

/** The storage behind an {@link OutboxStore} failed; `cause` says how. */
export class OutboxStoreError extends Error {
  override name = "OutboxStoreError";
}

const CLIENT_ID = /^[0-9a-f]{32}$/;

/**
 * Whether a value is a stored send this version can use: what a store checks before saving, and of what it loaded.
 *
 * @param value Anything.
 * @returns Whether it has the shape of {@link StoredSend}.
 *
 * @example
 * ```ts
 * import { isStoredSend } from "./outbox_store.ts";
 * isStoredSend({ clientId: "ab".repeat(16), conversationId: 4, body: { type: "text", text: "hi" }, createdAt: 1, state: "pending" });
 * // true
 * ```
 */
export function isStoredSend(value: unknown): value is StoredSend {
  if (value === null || typeof value !== "object") return false;
  const send = value as Partial<StoredSend>;
  const body = send.body as { type?: unknown } | undefined;
  return typeof send.clientId === "string" && CLIENT_ID.test(send.clientId) &&
    Number.isSafeInteger(send.conversationId) && send.conversationId! > 0 &&
    typeof body === "object" && body !== null && (body.type === "text" || body.type === "image") &&
    (send.image === undefined || send.image instanceof Uint8Array) &&
    Number.isFinite(send.createdAt) && (send.state === "pending" || send.state === "failed");
}

/**
 * Checks a scope and a send before a store saves them.
 *
 * @throws {TypeError} If either is malformed.
 */
export function checkStoredSend(scope: OutboxScope, send: StoredSend): void {
  checkScope(scope);
  if (!isStoredSend(send)) throw new TypeError("Cannot store the send: it is not a StoredSend");
}

/**
 * Checks a scope.
 *
 * @throws {TypeError} If the server is empty or the user id not a positive whole number.
 */
export function checkScope(scope: OutboxScope): void {
  if (
    typeof scope?.server !== "string" || scope.server === "" || !Number.isSafeInteger(scope.userId) || scope.userId < 1
  ) {
    throw new TypeError("Cannot use the outbox store: the scope needs a server and a user id");
  }
}

/**
 * Orders loaded sends oldest first; sends of the same time keep the order they were first saved in.
 *
 * @param sends Sends in the order first saved; not modified.
 * @returns A sorted copy.
 */
export function oldestFirst(sends: readonly StoredSend[]): StoredSend[] {
  return [...sends].sort((a, b) => a.createdAt - b.createdAt);
}

/** A deep copy of a send, so a store's record never shares bytes with its caller. */
export function copySend(send: StoredSend): StoredSend {
  return structuredClone(send);
}

/**
 * Sends kept in memory: the default store, and the one tests use. It keeps sends across logins and connections of one
 * program, not across a restart.
 *
 * @example
 * ```ts
 * import { MemoryOutboxStore } from "./outbox_store.ts";
 * const store = new MemoryOutboxStore();
 * const scope = { server: "mimi.example:7700", userId: 3 };
 * await store.save(scope, {
 *   clientId: "ab".repeat(16), conversationId: 4, body: { type: "text", text: "hi" }, createdAt: 1, state: "pending",
 * });
 * (await store.load(scope)).length; // 1
 * ```
 */
export class MemoryOutboxStore implements OutboxStore {
  readonly #scopes = new Map<string, Map<string, StoredSend>>();

  load(scope: OutboxScope): Promise<StoredSend[]> {
    checkScope(scope);
    const sends = this.#scopes.get(key(scope));
    return Promise.resolve(oldestFirst([...sends?.values() ?? []].map(copySend)));
  }

  save(scope: OutboxScope, send: StoredSend): Promise<void> {
    checkStoredSend(scope, send);
    const k = key(scope);
    let sends = this.#scopes.get(k);
    if (!sends) this.#scopes.set(k, sends = new Map());
    sends.set(send.clientId, copySend(send));
    return Promise.resolve();
  }

  delete(scope: OutboxScope, clientId: string): Promise<void> {
    checkScope(scope);
    const k = key(scope);
    const sends = this.#scopes.get(k);
    if (sends?.delete(clientId) && sends.size === 0) this.#scopes.delete(k);
    return Promise.resolve();
  }
}

function key(scope: OutboxScope): string {
  return `${scope.userId}@${scope.server}`;
}
