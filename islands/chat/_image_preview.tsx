// The image the user is about to send, shown before it goes: its bytes checked as the server will check them, a
// thumbnail made in the browser, then sent through the SDK's outbox (uploaded first).

import { useEffect, useRef, useState } from "preact/hooks";
import { checkImage } from "../../core/client/mod.ts";
import type { Mimi } from "../_use_mimi.ts";
import { useLocale } from "../_i18n.ts";
import { errorText } from "../_words.ts";
import { imageRefusal, megapixelsIn, sizeIn } from "./_limits.ts";
import { askAfterFirstSend } from "./_notifications.ts";
import { makeThumbnail } from "./_thumbnail.ts";
import type { ChatWords } from "./_words.ts";

/** The image read and checked, ready to send. */
interface Ready {
  bytes: Uint8Array;
  url: string;
  thumbnail: Uint8Array | undefined;
}

/**
 * A modal dialog with the image, "Send image" and "Cancel".
 *
 * @param props The file, the connection and conversation to send to, the words; `onDone` when sent or cancelled
 *   (`sent` true when sent).
 */
export function ImagePreview(
  { file, mimi, conversationId, words, onDone }: {
    file: File;
    mimi: Mimi;
    conversationId: number;
    words: ChatWords;
    onDone(sent: boolean): void;
  },
) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [ready, setReady] = useState<Ready | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  /** Said to `onDone` already: closing the dialog after sending must not say "cancelled" too. */
  const done = useRef(false);
  const locale = useLocale();

  useEffect(() => {
    dialog.current?.showModal();
    let current = true;
    let url: string | undefined;
    (async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let info: ReturnType<typeof checkImage>;
      try {
        info = checkImage(bytes);
      } catch {
        // Not swallowed: said in the dialog, in the language (the SDK's sentence is English).
        if (current) setError(words.notAnImage);
        return;
      }
      // Refused here, with the limit in words, rather than after an upload the server would turn down.
      const refusal = imageRefusal(bytes.length, info, mimi.limits);
      if (refusal) {
        if (current) {
          setError(
            refusal.reason === "bytes"
              ? words.imageTooLarge(sizeIn(locale, refusal.limit))
              : words.imageTooManyPixels(megapixelsIn(locale, refusal.limit)),
          );
        }
        return;
      }
      const thumbnail = await makeThumbnail(file, mimi.limits.thumbnailBytes);
      if (!current) return;
      url = URL.createObjectURL(file);
      setReady({ bytes, url, thumbnail });
    })().catch((failure) => current && setError(errorText(failure)));
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [file]);

  const send = () => {
    if (!ready || !mimi.connection) return;
    try {
      const queued = mimi.connection.sendImage(conversationId, ready.bytes, { thumbnail: ready.thumbnail });
      // The pane shows the send's fate from the state (uploading, sent, or failed with retry).
      queued.done.catch(() => {});
    } catch (failure) {
      // Not swallowed: shown in the dialog (the outbox is full, or the bytes are no image after all).
      setError(errorText(failure));
      return;
    }
    askAfterFirstSend();
    done.current = true;
    onDone(true);
    dialog.current?.close();
  };

  return (
    <dialog
      ref={dialog}
      class="image-preview"
      aria-labelledby="image-preview-title"
      data-testid="image-preview"
      onClose={() => done.current || onDone(false)}
    >
      <h2 id="image-preview-title">{words.previewTitle}</h2>
      {ready && <img src={ready.url} alt={file.name} />}
      {error && <p class="form-error" role="alert">{error}</p>}
      {!ready && !error && (
        <p class="spinner-line">
          <span class="spinner" aria-hidden="true" />
        </p>
      )}
      <div class="actions">
        <button type="button" class="primary" disabled={!ready} onClick={send}>{words.sendImage}</button>
        <button type="button" onClick={() => dialog.current?.close()}>{words.cancel}</button>
      </div>
    </dialog>
  );
}
