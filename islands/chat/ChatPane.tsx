// The chat pane: one conversation's header, its messages, and the message box; images by button, paste or drag and
// drop, previewed before sending; the chat font from the profile. The lobby shows here too, watched while open.

import { useEffect, useRef, useState } from "preact/hooks";
import { timeAgoIn, useLocale, useWords } from "../_i18n.ts";
import type { Mimi } from "../_use_mimi.ts";
import { useNow } from "../_use_now.ts";
import { avatarColour, initials } from "./_avatar.ts";
import { Composer, firstImage } from "./_composer.tsx";
import { applyChatFont } from "./_font.ts";
import { ImagePreview } from "./_image_preview.tsx";
import { lobbySummary, useLobbyWatch } from "./_lobby.ts";
import { MessageList } from "./_message_list.tsx";
import { CHAT_WORDS } from "./_words.ts";

/** Props of {@link ChatPane}. */
export interface ChatPaneProps {
  /** The page's connection and state, as `useMimi` answers. */
  mimi: Mimi;
  /** The conversation to show (one of the user's, or the lobby's); null shows a hint to pick one. */
  conversationId: number | null;
  /** Opens another conversation (reserved for links to one, e.g. a member's). */
  onOpen?(conversationId: number): void;
}

/**
 * One conversation, or a hint to pick one.
 *
 * @param props See {@link ChatPaneProps}.
 */
export function ChatPane({ mimi, conversationId }: ChatPaneProps) {
  const words = useWords(CHAT_WORDS);
  const locale = useLocale();
  const now = useNow(30_000);
  const pane = useRef<HTMLElement>(null);
  const [image, setImage] = useState<File | undefined>(undefined);
  const [dragging, setDragging] = useState(false);
  const [followOwn, setFollowOwn] = useState(0);
  const { state } = mimi;
  const lobby = state.lobby !== null && state.lobby.conversationId === conversationId ? state.lobby : null;
  const summary = lobby
    ? lobbySummary(lobby, words.lobby)
    : state.conversations.find((conversation) => conversation.id === conversationId);
  useLobbyWatch(mimi.connection, lobby !== null);
  const font = state.session.state === "signedIn" ? state.session.user.font : null;

  // The CSP allows no style attributes: the profile's font goes in through the CSSOM.
  useEffect(() => {
    if (pane.current && font) applyChatFont(pane.current.style, font);
  }, [font?.family, font?.size, summary !== undefined]);

  // A preview left open belongs to the conversation it was made in.
  useEffect(() => setImage(undefined), [conversationId]);

  if (!summary) {
    return (
      <section class="chat-pane empty" data-testid="chat-pane">
        <p class="muted">{words.pickConversation}</p>
      </section>
    );
  }

  const contact = summary.peer ? state.contacts.find((c) => c.id === summary.peer!.id) : undefined;
  const presence = lobby
    ? `${words.lobbyOnline(lobby.online)} · ${words.lobbyAbout}`
    : summary.kind === "room"
    ? words.room
    : contact?.online
    ? words.online
    : contact?.lastSeenAt
    ? words.lastSeen(timeAgoIn(locale, contact.lastSeenAt, now))
    : words.offline;

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = firstImage(event.dataTransfer?.files);
    if (file) setImage(file);
  };

  return (
    <section
      ref={pane}
      class={dragging ? "chat-pane dragging" : "chat-pane"}
      aria-labelledby="chat-title"
      data-testid="chat-pane"
      data-conversation={summary.id}
      onDragOver={(event) => {
        if (!event.dataTransfer?.types.includes("Files")) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (event.target === pane.current) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <header class="chat-head">
        {lobby
          ? <span class="avatar lobby-avatar" aria-hidden="true">#</span>
          : (
            <span class={`avatar ${avatarColour(summary.peer?.id ?? summary.roomId ?? summary.id)}`} aria-hidden="true">
              {initials(summary.title)}
            </span>
          )}
        <div>
          <h2 id="chat-title" tabIndex={-1} data-conversation-focus>
            {summary.title}
          </h2>
          <span class="presence" data-testid="chat-presence">{presence}</span>
        </div>
      </header>
      <MessageList
        key={summary.id}
        mimi={mimi}
        summary={summary}
        lobby={lobby !== null}
        words={words}
        followOwn={followOwn}
      />
      <Composer
        key={summary.id}
        mimi={mimi}
        conversationId={summary.id}
        words={words}
        onSent={() => setFollowOwn((n) => n + 1)}
        onImage={setImage}
      />
      {dragging && <div class="drop-hint" aria-hidden="true">{words.dropHere}</div>}
      {image && (
        <ImagePreview
          file={image}
          mimi={mimi}
          conversationId={summary.id}
          words={words}
          onDone={(sent) => {
            setImage(undefined);
            if (sent) setFollowOwn((n) => n + 1);
          }}
        />
      )}
    </section>
  );
}
