import assert from "node:assert/strict";
import {
  draftKey,
  keyAction,
  type KeyPress,
  type KeyValueStore,
  readItem,
  readSendKey,
  SEND_KEY_STORAGE_KEY,
  writeItem,
} from "./_local_store.ts";

function memoryStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

const press = (extra: Partial<KeyPress>): KeyPress => ({
  key: "Enter",
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  isComposing: false,
  ...extra,
});

Deno.test("draftKey() keeps each user's drafts apart, per conversation", () => {
  assert.notEqual(draftKey(1, 5), draftKey(2, 5));
  assert.notEqual(draftKey(1, 5), draftKey(1, 6));
});

Deno.test("writeItem() keeps a value and removes the key when the value is empty", () => {
  const store = memoryStore();
  writeItem(store, "k", "hello\nworld");
  assert.equal(readItem(store, "k"), "hello\nworld");
  writeItem(store, "k", "");
  assert.equal(store.map.has("k"), false);
  assert.equal(readItem(undefined, "k"), null);
});

Deno.test("writeItem() and readItem() say nothing when the store throws (full or disabled)", () => {
  const broken: KeyValueStore = {
    getItem: () => {
      throw new DOMException("denied", "SecurityError");
    },
    setItem: () => {
      throw new DOMException("full", "QuotaExceededError");
    },
    removeItem: () => {},
  };
  writeItem(broken, "k", "v");
  assert.equal(readItem(broken, "k"), null);
});

Deno.test("readSendKey() is Ctrl+Enter unless Enter was chosen", () => {
  const store = memoryStore();
  assert.equal(readSendKey(store), "ctrl-enter");
  store.setItem(SEND_KEY_STORAGE_KEY, "enter");
  assert.equal(readSendKey(store), "enter");
  store.setItem(SEND_KEY_STORAGE_KEY, "nonsense");
  assert.equal(readSendKey(store), "ctrl-enter");
});

Deno.test("keyAction() sends on Ctrl+Enter and leaves Enter a new line by default", () => {
  assert.equal(keyAction(press({ ctrlKey: true }), "ctrl-enter"), "send");
  assert.equal(keyAction(press({ metaKey: true }), "ctrl-enter"), "send");
  assert.equal(keyAction(press({}), "ctrl-enter"), null);
  assert.equal(keyAction(press({ shiftKey: true }), "ctrl-enter"), null);
});

Deno.test("keyAction() with Enter to send makes Ctrl+Enter a new line and leaves Shift+Enter one", () => {
  assert.equal(keyAction(press({}), "enter"), "send");
  assert.equal(keyAction(press({ ctrlKey: true }), "enter"), "newline");
  assert.equal(keyAction(press({ shiftKey: true }), "enter"), null);
});

Deno.test("keyAction() leaves an input method's Enter and other keys alone", () => {
  assert.equal(keyAction(press({ isComposing: true }), "enter"), null);
  assert.equal(keyAction(press({ isComposing: true, ctrlKey: true }), "ctrl-enter"), null);
  assert.equal(keyAction(press({ key: "a", ctrlKey: true }), "ctrl-enter"), null);
});
