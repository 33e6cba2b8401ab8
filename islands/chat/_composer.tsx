// The message box: multi-line text where Ctrl+Enter sends and Enter makes a new line, as in the original (a setting
// swaps them, kept in localStorage), the draft kept per conversation, and images by button or paste.

import { useRef, useState } from "preact/hooks";
import type { Mimi } from "../_use_mimi.ts";
import { errorText } from "../_words.ts";
import {
  browserStore,
  draftKey,
  keyAction,
  readItem,
  readSendKey,
  SEND_KEY_STORAGE_KEY,
  type SendKey,
  writeItem,
} from "./_local_store.ts";
import { textLength } from "./_limits.ts";
import { askAfterFirstSend } from "./_notifications.ts";
import type { ChatWords } from "./_words.ts";

/** What the file picker offers: the images the server accepts (PROTOCOL.md §15.3). */
export const IMAGE_ACCEPT = "image/png,image/jpeg,image/gif,image/webp";

/** The first image among pasted or dropped files. */
export function firstImage(files: FileList | null | undefined): File | undefined {
  return Array.from(files ?? []).find((file) => file.type.startsWith("image/"));
}

/**
 * The message box of one conversation. Mount it once per conversation (key it by id): it reads that draft.
 *
 * @param props The connection, the conversation, the words; `onSent` after a message was queued; `onImage` with an
 *   image the user chose or pasted, for the preview before sending.
 */
export function Composer(
  { mimi, conversationId, words, onSent, onImage }: {
    mimi: Mimi;
    conversationId: number;
    words: ChatWords;
    onSent(): void;
    onImage(file: File): void;
  },
) {
  const session = mimi.state.session;
  const userId = session.state === "signedIn" ? session.user.id : 0;
  const store = browserStore();
  const key = draftKey(userId, conversationId);
  const [text, setText] = useState(() => readItem(store, key) ?? "");
  // Read at the first render, as the draft is, so the setting never shows its default for a frame (the composer is
  // rendered only in the browser, in the signed-in chunk; without storage it is the default).
  const [sendKey, setSendKey] = useState<SendKey>(() => readSendKey(store));
  const [error, setError] = useState<string | undefined>(undefined);
  const box = useRef<HTMLTextAreaElement>(null);
  const file = useRef<HTMLInputElement>(null);

  const edit = (value: string) => {
    setText(value);
    setError(undefined);
    writeItem(store, key, value);
  };

  // The server counts characters (code points); past its limit the text is refused here, with how far over it is.
  const limit = mimi.limits.messageTextChars;
  const length = textLength(text);
  const over = length - limit;
  const counterShown = length >= limit * 0.9;

  const send = () => {
    if (!mimi.connection || text.trim() === "") return;
    if (over > 0) {
      setError(words.messageTooLong(over, limit));
      return;
    }
    try {
      const queued = mimi.connection.sendText(conversationId, text);
      // The pane shows the send's fate from the state (pending, sent, or failed with retry); nothing to add here.
      queued.done.catch(() => {});
    } catch (failure) {
      // Not swallowed: a send refused before it was queued (the outbox is full) is said under the box.
      setError(errorText(failure));
      return;
    }
    edit("");
    onSent();
    askAfterFirstSend();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const action = keyAction(event, sendKey);
    if (action === null) return;
    event.preventDefault();
    if (action === "send") return send();
    const element = event.currentTarget as HTMLTextAreaElement;
    element.setRangeText("\n", element.selectionStart, element.selectionEnd, "end");
    edit(element.value);
  };

  const onPaste = (event: ClipboardEvent) => {
    const image = firstImage(event.clipboardData?.files);
    if (!image) return;
    event.preventDefault();
    onImage(image);
  };

  const hintId = `composer-hint-${conversationId}`;
  const counterId = `composer-count-${conversationId}`;
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label class="visually-hidden" for={`composer-${conversationId}`}>{words.composer}</label>
      <textarea
        id={`composer-${conversationId}`}
        ref={box}
        class="chat-text"
        rows={3}
        value={text}
        placeholder={words.composer}
        aria-describedby={counterShown ? `${hintId} ${counterId}` : hintId}
        aria-invalid={over > 0 ? "true" : undefined}
        data-testid="composer"
        onInput={(event) => edit((event.target as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <div class="composer-bar">
        <button type="button" class="icon" aria-label={words.attachImage} onClick={() => file.current?.click()}>
          🖼
        </button>
        <input
          ref={file}
          type="file"
          accept={IMAGE_ACCEPT}
          class="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          data-testid="image-input"
          onChange={(event) => {
            const input = event.target as HTMLInputElement;
            const image = input.files?.[0];
            input.value = "";
            if (image) onImage(image);
          }}
        />
        <span id={hintId} class="muted hint">{sendKey === "enter" ? words.sendHintEnter : words.sendHintCtrl}</span>
        <label class="check">
          <input
            type="checkbox"
            checked={sendKey === "enter"}
            data-testid="enter-sends"
            onChange={(event) => {
              const next: SendKey = (event.target as HTMLInputElement).checked ? "enter" : "ctrl-enter";
              setSendKey(next);
              writeItem(store, SEND_KEY_STORAGE_KEY, next === "enter" ? "enter" : "");
            }}
          />
          {words.enterSends}
        </label>
        {counterShown && (
          <span id={counterId} class={over > 0 ? "counter over" : "counter"} data-testid="char-count">
            {words.charsUsed(length, limit)}
          </span>
        )}
        <button type="submit" class="primary" disabled={!mimi.connection || text.trim() === "" || over > 0}>
          {words.send}
        </button>
      </div>
      {over > 0 && !error && (
        <p class="form-error" role="alert" data-testid="too-long">{words.messageTooLong(over, limit)}</p>
      )}
      {error && <p class="form-error" role="alert">{error}</p>}
    </form>
  );
}
