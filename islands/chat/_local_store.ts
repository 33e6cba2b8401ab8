// What the chat keeps in the browser (localStorage): drafts per user and conversation, and which key sends.

/** The part of `Storage` the chat uses; tests pass a `Map`-backed one. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Which key sends a message: Ctrl+Enter (Enter makes a new line, as in the original) or Enter. */
export type SendKey = "ctrl-enter" | "enter";

/** Where the send-key setting is kept. */
export const SEND_KEY_STORAGE_KEY = "mimi.sendKey";

/**
 * Where one conversation's draft is kept: per user, so another account signed in on this browser sees its own.
 *
 * @param userId The signed-in user.
 * @param conversationId The conversation.
 */
export function draftKey(userId: number, conversationId: number): string {
  return `mimi.draft.${userId}.${conversationId}`;
}

/**
 * The browser's `localStorage`, or none where reading it throws (storage disabled, an opaque origin).
 *
 * @returns The store, or undefined.
 */
export function browserStore(): KeyValueStore | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    // Swallowed on purpose: without storage, drafts and the setting last as long as the page, which is all we lose.
    return undefined;
  }
}

/**
 * Reads one value; a store that refuses to be read answers nothing.
 *
 * @param store The store, if any.
 * @param key The key.
 */
export function readItem(store: KeyValueStore | undefined, key: string): string | null {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    // Swallowed on purpose: a draft or setting that cannot be read is an empty one.
    return null;
  }
}

/**
 * Writes one value, or removes it when it is empty. A full or disabled store keeps nothing and says nothing: a draft
 * is a convenience, never worth an error while typing.
 *
 * @param store The store, if any.
 * @param key The key.
 * @param value The value; "" removes the key.
 */
export function writeItem(store: KeyValueStore | undefined, key: string, value: string): void {
  try {
    if (value === "") store?.removeItem(key);
    else store?.setItem(key, value);
  } catch {
    // Swallowed on purpose (see above): the quota is full or storage is disabled.
  }
}

/**
 * The send-key setting kept in the store; Ctrl+Enter unless the user chose Enter.
 *
 * @param store The store, if any.
 */
export function readSendKey(store: KeyValueStore | undefined): SendKey {
  return readItem(store, SEND_KEY_STORAGE_KEY) === "enter" ? "enter" : "ctrl-enter";
}

/** The keys of a keyboard event that decide what Enter does. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /** An input method is composing (Chinese pinyin): its Enter picks the candidate and must do nothing else. */
  isComposing: boolean;
}

/**
 * What a key press in the message box does under a send-key setting.
 *
 * @param press The key press.
 * @param mode The setting.
 * @returns `send`; `newline` where the browser would not make one by itself (Ctrl+Enter when Enter sends); `null` to
 *   let the browser do what it does (type, or make a new line for a plain Enter or Shift+Enter).
 *
 * @example
 * ```ts
 * import { keyAction } from "./_local_store.ts";
 * const press = { key: "Enter", ctrlKey: true, metaKey: false, shiftKey: false, altKey: false, isComposing: false };
 * keyAction(press, "ctrl-enter"); // "send"
 * ```
 */
export function keyAction(press: KeyPress, mode: SendKey): "send" | "newline" | null {
  if (press.key !== "Enter" || press.isComposing || press.altKey) return null;
  const command = press.ctrlKey || press.metaKey;
  if (mode === "ctrl-enter") return command ? "send" : null;
  if (command) return "newline";
  return press.shiftKey ? null : "send";
}
