// One row of the chat pane: a day separator, a system line, a message (with the sender's name and initials avatar
// in groups, its time, and a menu to recall it) or a send still on its way (pending, or failed with retry and discard).

import { useState } from "preact/hooks";
import type { Message, OutgoingMessage, SystemBody } from "../../core/client/mod.ts";
import { clockTime, dayLabel, useLocale } from "../_i18n.ts";
import type { Mimi } from "../_use_mimi.ts";
import { errorText } from "../_words.ts";
import { avatarColour, initials } from "./_avatar.ts";
import { ImageMessage, PendingImage } from "./_image.tsx";
import { canRecall as withinRecallWindow } from "./_limits.ts";
import type { TimelineItem } from "./_timeline.ts";
import { chatReason, type ChatWords } from "./_words.ts";

/** What every row needs to know. */
export interface RowContext {
  mimi: Mimi;
  words: ChatWords;
  /** A room: names and avatars shown on others' messages. */
  room: boolean;
  /** A user's nickname, when known. */
  nameOf(userId: number): string | undefined;
  now: number;
}

/** The words of a system line, names resolved. */
export function systemText(body: SystemBody, context: Pick<RowContext, "words" | "nameOf">): string {
  const name = (id: number | null | undefined) =>
    id === null || id === undefined ? null : context.nameOf(id) ?? context.words.someone;
  return context.words.system({
    event: body.event,
    user: name(body.userId),
    by: name(body.by),
    name: body.name ?? null,
  });
}

/**
 * One row.
 *
 * @param props The row and what rows need.
 */
export function MessageRow({ item, context }: { item: TimelineItem; context: RowContext }) {
  const locale = useLocale();
  switch (item.kind) {
    case "day":
      return (
        <li class="day" role="separator" data-testid="day">
          <span>{dayLabel(locale, item.at)}</span>
        </li>
      );
    case "system":
      return (
        <li class="system-line" data-testid="system-line">
          {systemText(item.message.body as SystemBody, context)}
        </li>
      );
    case "message":
      return <SentMessage message={item.message} mine={item.mine} first={item.first} context={context} />;
    case "outgoing":
      return <OutgoingRow entry={item.entry} context={context} />;
  }
}

function SentMessage(
  { message, mine, first, context }: { message: Message; mine: boolean; first: boolean; context: RowContext },
) {
  const locale = useLocale();
  const { words } = context;
  const [menu, setMenu] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const sender = message.senderId === null ? undefined : context.nameOf(message.senderId) ?? words.someone;
  if (message.recalledAt !== null || message.body.type === "recalled") {
    return (
      <li class="system-line" data-testid="recalled">
        {mine ? words.recalledByYou : sender ? words.recalledBy(sender) : words.recalled}
      </li>
    );
  }
  // Offered within the server's window only (the page carries it); a recall the server still refuses says so.
  const canRecall = mine && withinRecallWindow(message.at, context.now, context.mimi.limits);
  const recall = async () => {
    setMenu(false);
    try {
      await context.mimi.connection?.recall(message.conversationId, message.seq);
    } catch (failure) {
      // Not swallowed: said under the message (too late, or the connection failed).
      setError(words.recallFailed(chatReason(words, failure, errorText)));
    }
  };
  const showSender = context.room && !mine && first;
  return (
    <li class={mine ? "message mine" : "message"} data-testid="message" data-seq={message.seq}>
      {context.room && !mine && (
        <span class={`avatar small ${showSender ? avatarColour(message.senderId ?? 0) : "spacer"}`} aria-hidden="true">
          {showSender ? initials(sender ?? "?") : ""}
        </span>
      )}
      <div class="bubble-column">
        {showSender && <span class="sender" data-testid="sender">{sender}</span>}
        <div class="bubble chat-text">
          <Body message={message} context={context} />
        </div>
        <span class="meta">
          <time dateTime={new Date(message.at).toISOString()}>{clockTime(locale, message.at)}</time>
          {canRecall && (
            <span class="menu">
              <button
                type="button"
                class="menu-button"
                aria-label={words.messageMenu}
                aria-expanded={menu}
                data-testid="message-menu"
                onClick={() => setMenu(!menu)}
              >
                ⋯
              </button>
              {menu && (
                <span class="menu-items" role="group" aria-label={words.messageMenu}>
                  <button type="button" onClick={recall}>{words.recall}</button>
                </span>
              )}
            </span>
          )}
        </span>
        {error && <span class="field-message" role="alert">{error}</span>}
      </div>
    </li>
  );
}

function Body({ message, context }: { message: Message; context: RowContext }) {
  const body = message.body;
  switch (body.type) {
    case "text":
      // Text as text: never HTML. `white-space: pre-wrap` keeps the lines.
      return <p class="text" data-testid="text">{body.text}</p>;
    case "image":
      return <ImageMessage body={body} mimi={context.mimi} words={context.words} />;
    default:
      return <p class="text muted">{context.words.unsupported}</p>;
  }
}

function OutgoingRow({ entry, context }: { entry: OutgoingMessage; context: RowContext }) {
  const { words, mimi } = context;
  const failed = entry.state === "failed";
  const body = entry.body;
  return (
    <li class={failed ? "message mine failed" : "message mine pending"} data-testid="outgoing" data-state={entry.state}>
      <div class="bubble-column">
        <div class="bubble chat-text">
          {body.type === "text"
            ? <p class="text" data-testid="text">{body.text}</p>
            : <PendingImage body={body} words={words} />}
        </div>
        <span class="meta" role={failed ? "alert" : undefined}>
          {failed
            ? (
              <>
                <span class="failed-text">{words.failed(chatReason(words, entry.error, errorText))}</span>
                <button
                  type="button"
                  class="link"
                  data-testid="retry"
                  onClick={() =>
                    // Its outcome shows in the state (pending, then sent or failed again); the promise adds nothing.
                    void mimi.connection?.retrySend(entry.clientId).catch(() => {})}
                >
                  {words.retry}
                </button>
                <button
                  type="button"
                  class="link"
                  data-testid="discard"
                  onClick={() => mimi.connection?.discardSend(entry.clientId)}
                >
                  {words.discard}
                </button>
              </>
            )
            : (
              <span class="spinner-line">
                <span class="spinner" aria-hidden="true" />
                {body.type === "image" ? words.uploading : words.sending}
                {body.type === "image" && entry.uploaded !== undefined && (
                  <progress
                    data-testid="upload-progress"
                    max={body.size}
                    value={entry.uploaded}
                    aria-label={words.uploadedOf(entry.uploaded, body.size)}
                  />
                )}
              </span>
            )}
        </span>
      </div>
    </li>
  );
}
