// An image message in the chat: its thumbnail (or a placeholder), which opens the full image, downloaded and checked
// by the SDK, in a dialog; object URLs are released when no longer shown.

import { useEffect, useRef, useState } from "preact/hooks";
import type { ImageBody } from "../../core/client/mod.ts";
import type { Mimi } from "../_use_mimi.ts";
import { errorText } from "../_words.ts";
import { chatReason, type ChatWords } from "./_words.ts";

/** An object URL for bytes, made while the component is shown and revoked after. */
function useObjectUrl(bytes: Uint8Array | null | undefined, mime: string): string | undefined {
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!bytes) return;
    const made = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [bytes, mime]);
  return url;
}

/** The type of a thumbnail from its first bytes: browsers need none for `<img>`, but a Blob should say it. */
function sniffMime(bytes: Uint8Array | null | undefined): string {
  if (!bytes || bytes.length < 4) return "application/octet-stream";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return "image/png";
  if (bytes[0] === 0x47 && bytes[1] === 0x49) return "image/gif";
  return "image/webp";
}

/**
 * An image not yet sent, as its thumbnail (or a placeholder naming its size).
 *
 * @param props The body and the words.
 */
export function PendingImage({ body, words }: { body: ImageBody; words: ChatWords }) {
  const thumbnail = useObjectUrl(body.thumbnail, sniffMime(body.thumbnail));
  const label = words.image(body.width, body.height);
  return thumbnail
    ? <img class="image-thumb" src={thumbnail} alt={label} />
    : <span class="image-placeholder">🖼 {label}</span>;
}

/**
 * An image message: its thumbnail as a button that opens the full image.
 *
 * @param props The body, the connection to download with, the words.
 */
export function ImageMessage({ body, mimi, words }: { body: ImageBody; mimi: Mimi; words: ChatWords }) {
  const thumbnail = useObjectUrl(body.thumbnail, sniffMime(body.thumbnail));
  const [open, setOpen] = useState(false);
  const label = words.image(body.width, body.height);
  return (
    <>
      <button type="button" class="image-thumb" data-testid="image-thumb" onClick={() => setOpen(true)}>
        {thumbnail ? <img src={thumbnail} alt={label} /> : <span class="image-placeholder">🖼 {label}</span>}
        <span class="visually-hidden">{words.openImage}</span>
      </button>
      {open && <ImageViewer body={body} mimi={mimi} words={words} onClose={() => setOpen(false)} />}
    </>
  );
}

/** The full image in a modal dialog: downloaded when opened, closed by its button, Escape or a click outside. */
function ImageViewer(
  { body, mimi, words, onClose }: { body: ImageBody; mimi: Mimi; words: ChatWords; onClose(): void },
) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [bytes, setBytes] = useState<Uint8Array | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const url = useObjectUrl(bytes, body.mime);
  useEffect(() => {
    dialog.current?.showModal();
    let current = true;
    const connection = mimi.connection;
    if (!connection) return;
    connection.downloadBlob(body.blob).then(
      (downloaded) => current && setBytes(downloaded),
      // Not swallowed: the dialog says why the image could not be shown.
      (failure) => current && setError(words.imageFailed(chatReason(words, failure, errorText))),
    );
    return () => void (current = false);
  }, [body.blob]);
  return (
    <dialog
      ref={dialog}
      class="image-viewer"
      aria-label={words.image(body.width, body.height)}
      onClose={onClose}
      onClick={(event) => event.target === dialog.current && dialog.current?.close()}
    >
      <button type="button" class="close" onClick={() => dialog.current?.close()}>{words.closeImage}</button>
      {url
        ? <img src={url} alt={words.image(body.width, body.height)} data-testid="image-full" />
        : error
        ? <p role="alert">{error}</p>
        : (
          <p role="status" class="spinner-line">
            <span class="spinner" aria-hidden="true" />
            {words.loadingImage}
          </p>
        )}
    </dialog>
  );
}
