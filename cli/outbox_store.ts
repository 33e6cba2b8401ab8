// The terminal client's outbox store: the user's waiting sends in a JSON file only its owner can read, so a send
// typed before the program stopped goes out at the next login.

import { fromHex, hex } from "../core/bytes/mod.ts";
import {
  isStoredSend,
  type OutboxScope,
  type OutboxStore,
  OutboxStoreError,
  type StoredSend,
} from "../core/client/mod.ts";
import { ExposedFileError, readPrivateFile, writePrivateFile } from "./private_file.ts";

/** How bytes are written in the file: `{ "$hex": "…" }`, since JSON has no bytes. */
function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { $hex: hex(value) } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const encoded = (value as { $hex?: unknown }).$hex;
    if (keys.length === 1 && typeof encoded === "string") return fromHex(encoded);
  }
  return value;
}

/**
 * Waiting sends in a file, `{ "<userId>@<host:port>": [send, …] }` with bytes as `{ "$hex": … }`, written with mode
 * 0600 in a directory made with mode 0700: the sends are the user's messages, so a file that the group or others may
 * read or write is refused (with the command that fixes it), never used. The file is read on every call and replaced
 * whole (a temporary file renamed over it); the changes of one store go one at a time.
 *
 * @example
 * ```ts ignore
 * import { FileOutboxStore } from "./outbox_store.ts";
 * const store = new FileOutboxStore(`${Deno.env.get("HOME")}/.mimi/outbox`);
 * connect({ ...options, outboxStore: store });
 * ```
 */
export class FileOutboxStore implements OutboxStore {
  /** The file (`~` already expanded). */
  readonly path: string;
  /** The changes in the order asked, so one never reads the file before the one before it has written it. */
  #queue: Promise<unknown> = Promise.resolve();

  /** @param path The file (`~` already expanded); it and its directory are made on the first save. */
  constructor(path: string) {
    if (typeof path !== "string" || path === "") throw new TypeError("Cannot keep waiting sends: the path is empty");
    this.path = path;
  }

  load(scope: OutboxScope): Promise<StoredSend[]> {
    checkScope(scope);
    return this.#serial(async () => {
      const sends = (await this.#read())[key(scope)] ?? [];
      return [...sends].sort((a, b) => a.createdAt - b.createdAt);
    });
  }

  save(scope: OutboxScope, send: StoredSend): Promise<void> {
    checkScope(scope);
    if (!isStoredSend(send)) return Promise.reject(new TypeError("Cannot store the send: it is not a StoredSend"));
    return this.#serial(async () => {
      const all = await this.#read();
      const sends = all[key(scope)] ?? [];
      const index = sends.findIndex((known) => known.clientId === send.clientId);
      all[key(scope)] = index === -1 ? [...sends, send] : sends.map((known, i) => i === index ? send : known);
      await this.#write(all);
    });
  }

  delete(scope: OutboxScope, clientId: string): Promise<void> {
    checkScope(scope);
    return this.#serial(async () => {
      const all = await this.#read();
      const sends = all[key(scope)];
      if (!sends?.some((send) => send.clientId === clientId)) return;
      const left = sends.filter((send) => send.clientId !== clientId);
      if (left.length) all[key(scope)] = left;
      else delete all[key(scope)];
      await this.#write(all);
    });
  }

  #serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run);
    // The queue only orders the changes: each caller gets its own failure through `result`.
    this.#queue = result.catch(() => {});
    return result;
  }

  /** The sends by scope; none when the file does not exist. A send of another shape is left out. */
  async #read(): Promise<Record<string, StoredSend[]>> {
    let text: string | undefined;
    try {
      text = await readPrivateFile(this.path);
    } catch (error) {
      if (error instanceof ExposedFileError) {
        throw new OutboxStoreError(
          `${error.message}, and it holds messages not sent yet. Fix it with: chmod 600 ${this.path}`,
          { cause: error },
        );
      }
      throw new OutboxStoreError(`Cannot read the waiting sends in ${this.path}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text, reviver);
    } catch (error) {
      throw new OutboxStoreError(
        `The waiting sends in ${this.path} are not JSON (${messageOf(error)}); move the file away to start afresh`,
        { cause: error },
      );
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new OutboxStoreError(`The waiting sends in ${this.path} are not a JSON object; move the file away`);
    }
    const all: Record<string, StoredSend[]> = {};
    for (const [scope, sends] of Object.entries(parsed)) {
      if (Array.isArray(sends)) all[scope] = sends.filter(isStoredSend);
    }
    return all;
  }

  async #write(all: Record<string, StoredSend[]>): Promise<void> {
    try {
      await writePrivateFile(this.path, JSON.stringify(all, replacer, 2) + "\n");
    } catch (error) {
      throw new OutboxStoreError(`Cannot write the waiting sends to ${this.path}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
}

/** Checks a scope as the SDK's stores do. */
function checkScope(scope: OutboxScope): void {
  if (
    typeof scope?.server !== "string" || scope.server === "" || !Number.isSafeInteger(scope.userId) || scope.userId < 1
  ) {
    throw new TypeError("Cannot use the outbox store: the scope needs a server and a user id");
  }
}

/** A scope's key in the file: the user id first, so it cannot be confused with a server's name. */
function key(scope: OutboxScope): string {
  return `${scope.userId}@${scope.server}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
