// The conversation list: friends and groups together by last activity, with unread badges, presence, previews, a
// search box, the unread count in the tab's title and notifications of new messages while the tab is hidden.

import { useEffect, useRef, useState } from "preact/hooks";
import { type Contact, type ConversationSummary, formatPreview } from "../../core/client/mod.ts";
import { timeAgoIn, useLocale, useWords } from "../_i18n.ts";
import type { Mimi } from "../_use_mimi.ts";
import { useNow } from "../_use_now.ts";
import { avatarColour, initials } from "./_avatar.ts";
import { listTime, matchesQuery, totalUnread, unreadTitle } from "./_list_helpers.ts";
import { useLobbyCount } from "./_lobby.ts";
import { askForNotifications, useNewMessageNotifications, useNotifyPermission } from "./_notifications.ts";
import { CHAT_WORDS, type ChatWords } from "./_words.ts";

/** Props of {@link ConversationList}. */
export interface ConversationListProps {
  /** The page's connection and state, as `useMimi` answers. */
  mimi: Mimi;
  /** The conversation the chat pane shows, highlighted here; null when none is open. */
  openConversationId: number | null;
  /** Opens a conversation (a click here, or a notification's). */
  onOpen(conversationId: number): void;
}

/** Keeps the tab's title as "(n) <title>" while messages are unread, and puts it back when unmounted. */
function useUnreadTitle(unread: number): void {
  const base = useRef<string | undefined>(undefined);
  useEffect(() => {
    base.current ??= document.title.replace(/^\(\d+\+?\) /, "");
    document.title = unreadTitle(base.current, unread);
  }, [unread]);
  useEffect(() => () => {
    if (base.current !== undefined) document.title = base.current;
  }, []);
}

/**
 * The user's conversations, most recent activity first, as the SDK orders them.
 *
 * @param props See {@link ConversationListProps}.
 */
export function ConversationList({ mimi, openConversationId, onOpen }: ConversationListProps) {
  const words = useWords(CHAT_WORDS);
  const [query, setQuery] = useState("");
  const { conversations, contacts, lobby, session, connection: link } = mimi.state;
  const unread = totalUnread(conversations);
  useUnreadTitle(unread);
  useNewMessageNotifications(mimi, words, onOpen);
  const permission = useNotifyPermission();
  const shown = conversations.filter((summary) => matchesQuery(summary, query));
  const byId = new Map(contacts.map((contact) => [contact.id, contact]));
  useLobbyCount(mimi.connection, lobby, link.status.state === "open" && session.state === "signedIn");
  const lobbyShown = lobby !== null && matchesQuery({ title: words.lobby, peer: null }, query);

  return (
    <nav class="conversations" aria-labelledby="conversations-title" data-testid="conversation-list">
      <div class="conversations-head">
        <h2 id="conversations-title" tabIndex={-1} data-screen-heading>
          {words.conversations}
          {unread > 0 && <span class="visually-hidden">, {words.unread(unread)}</span>}
        </h2>
        {permission === "default" && (
          <button
            type="button"
            class="small"
            data-testid="notify-on"
            onClick={() => void askForNotifications()}
          >
            {words.notifyOn}
          </button>
        )}
      </div>
      <label class="visually-hidden" for="conversation-search">{words.search}</label>
      <input
        id="conversation-search"
        type="search"
        class="conversation-search"
        placeholder={words.searchPlaceholder}
        value={query}
        onInput={(event) => setQuery((event.target as HTMLInputElement).value)}
      />
      {lobbyShown && (
        <ul class="conversation-items pinned">
          <LobbyItem
            online={lobby.online}
            open={lobby.conversationId === openConversationId}
            words={words}
            onOpen={() => onOpen(lobby.conversationId)}
          />
        </ul>
      )}
      {conversations.length === 0
        ? <p class="muted">{words.noConversations}</p>
        : shown.length === 0
        ? <p class="muted" role="status">{words.noMatches}</p>
        : (
          <ul class="conversation-items">
            {shown.map((summary) => (
              <ConversationItem
                key={summary.id}
                summary={summary}
                contact={summary.peer ? byId.get(summary.peer.id) : undefined}
                open={summary.id === openConversationId}
                me={mimi.state.session.state === "signedIn" ? mimi.state.session.user.id : null}
                words={words}
                onOpen={onOpen}
              />
            ))}
          </ul>
        )}
    </nav>
  );
}

/** The lobby, pinned above the conversations: everyone's public channel, with how many users are online. */
function LobbyItem(
  { online, open, words, onOpen }: { online: number | null; open: boolean; words: ChatWords; onOpen(): void },
) {
  return (
    <li>
      <button
        type="button"
        class={open ? "conversation lobby open" : "conversation lobby"}
        aria-current={open ? "true" : undefined}
        data-testid="conversation-lobby"
        data-title={words.lobby}
        onClick={onOpen}
      >
        <span class="avatar lobby-avatar" aria-hidden="true">#</span>
        <span class="conversation-text">
          <span class="conversation-line">
            <span class="name">{words.lobby}</span>
          </span>
          <span class="conversation-line">
            <span class="preview" data-testid="lobby-online">{words.lobbyOnline(online)}</span>
          </span>
        </span>
      </button>
    </li>
  );
}

/** The preview line in the language: "You: …" for the user's own message in a room. */
function previewText(summary: ConversationSummary, me: number | null, words: ChatWords): string {
  if (!summary.preview) return words.noMessagesYet;
  const preview = summary.kind === "room" && summary.preview.senderId === me && me !== null
    ? { ...summary.preview, sender: words.you }
    : summary.preview;
  return formatPreview(preview, words.preview);
}

function ConversationItem(
  { summary, contact, open, me, words, onOpen }: {
    summary: ConversationSummary;
    contact: Contact | undefined;
    open: boolean;
    me: number | null;
    words: ChatWords;
    onOpen(id: number): void;
  },
) {
  const locale = useLocale();
  const now = useNow(30_000);
  const online = contact?.online ?? false;
  const presence = summary.kind === "room"
    ? words.room
    : contact === undefined
    ? ""
    : online
    ? words.online
    : contact.lastSeenAt === null
    ? words.offline
    : words.lastSeen(timeAgoIn(locale, contact.lastSeenAt, now));
  return (
    <li>
      <button
        type="button"
        class={open ? "conversation open" : "conversation"}
        aria-current={open ? "true" : undefined}
        data-testid={`conversation-${summary.id}`}
        data-title={summary.title}
        onClick={() => onOpen(summary.id)}
      >
        <span class={`avatar ${avatarColour(summary.peer?.id ?? summary.roomId ?? summary.id)}`} aria-hidden="true">
          {initials(summary.title)}
          {summary.kind === "direct" && <span class={online ? "dot online" : "dot"} data-testid="online-dot" />}
        </span>
        <span class="conversation-text">
          <span class="conversation-line">
            <span class="name">{summary.title}</span>
            <span class="presence" data-testid="presence">{presence}</span>
            {summary.lastAt !== null && <span class="when">{listTime(locale, summary.lastAt, now)}</span>}
          </span>
          <span class="conversation-line">
            <span class="preview" data-testid="preview">{previewText(summary, me, words)}</span>
            {summary.unread > 0 && (
              <span class="unread" data-testid="unread" aria-label={words.unread(summary.unread)}>
                {summary.unread > 99 ? "99+" : summary.unread}
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}
