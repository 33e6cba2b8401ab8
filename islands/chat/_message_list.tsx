// The chat pane's messages: history held by the SDK, older pages fetched while scrolling up, the view kept at the
// newest message unless the user scrolled up (then a "new messages" pill), and read positions moved while the newest
// message is in view and the tab is visible.

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { ConversationMessages, ConversationSummary } from "../../core/client/mod.ts";
import type { Mimi } from "../_use_mimi.ts";
import { useNow } from "../_use_now.ts";
import { MessageRow, type RowContext } from "./_message_row.tsx";
import { buildTimeline } from "./_timeline.ts";
import type { ChatWords } from "./_words.ts";

/** How close to an edge, in pixels, counts as being at it. */
const EDGE_PX = 48;

/** Whether the tab is in view: `visibilitychange` keeps it current. */
function useVisible(): boolean {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === "visible");
    update();
    document.addEventListener("visibilitychange", update);
    return () => document.removeEventListener("visibilitychange", update);
  }, []);
  return visible;
}

/** Nothing held yet. */
const NOTHING: ConversationMessages = { messages: [], through: 0, hasOlder: false, outgoing: [] };

const dayOf = (at: number) => new Date(at).toDateString();

/**
 * The messages of one conversation. Mount it once per conversation (key it by id): the view starts at the newest.
 *
 * @param props The connection, the conversation, whether it is the lobby (no member list to name senders by, so a
 *   stranger reads as "User 42"), the words, and `followOwn`: bumped when the user sends, so the view goes to the
 *   newest message even when scrolled up.
 */
export function MessageList(
  { mimi, summary, lobby = false, words, followOwn }: {
    mimi: Mimi;
    summary: ConversationSummary;
    lobby?: boolean;
    words: ChatWords;
    followOwn: number;
  },
) {
  const { state, connection } = mimi;
  const id = summary.id;
  const held = state.messages[id] ?? NOTHING;
  const me = state.session.state === "signedIn" ? state.session.user.id : null;
  const items = buildTimeline(held.messages, held.outgoing, { me, dayOf });
  const now = useNow(15_000);
  const visible = useVisible();
  const scroller = useRef<HTMLDivElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [pill, setPill] = useState(false);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  /** What the last layout saw: the first and last rows, the height, and whether the view was at the bottom. */
  const seen = useRef({ first: "", last: "", height: 0, bottom: true, followOwn });

  const room = summary.kind === "room";
  const nameOf = (userId: number) =>
    state.users[userId]?.nickname ??
      (lobby
        ? words.userNumber(userId)
        : summary.roomId === null
        ? undefined
        : state.roomMembers[summary.roomId]?.members.find((member) => member.user.id === userId)?.user.nickname);
  const context: RowContext = { mimi, words, room, nameOf, now };

  const loadOlder = useCallback(async () => {
    if (!connection || loading) return;
    setLoading(true);
    setLoadError(undefined);
    try {
      await connection.loadOlder(id);
    } catch (error) {
      // Not swallowed: the top of the list says so, and the button tries again.
      setLoadError(error instanceof Error ? error.message : String(error));
    } finally {
      setLoading(false);
    }
  }, [connection, id, loading]);

  // Nothing held of a conversation that has messages (catch-up has not reached it): its newest page now.
  useEffect(() => {
    if (held.messages.length === 0 && summary.lastSeq > 0 && connection) void loadOlder();
  }, [connection, id]);

  // A room's members name the senders the user does not know otherwise.
  useEffect(() => {
    if (!lobby && summary.roomId !== null && !state.roomMembers[summary.roomId] && connection) {
      connection.roomMembers(summary.roomId).catch((error) => {
        // Not fatal: senders without a known name read as "Someone". Logged for whoever looks.
        console.warn("Could not fetch the room's members", error);
      });
    }
  }, [connection, summary.roomId]);

  // After each render: keep the view where the user expects it.
  const first = items[0]?.key ?? "";
  const last = items.at(-1)?.key ?? "";
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const before = seen.current;
    const own = followOwn !== before.followOwn;
    if (before.first !== first && before.last === last && before.first !== "") {
      // Older messages came in above: the view stays on the message it showed.
      element.scrollTop += element.scrollHeight - before.height;
    } else if (before.bottom || own || before.last === "") {
      element.scrollTop = element.scrollHeight;
      setPill(false);
    } else if (before.last !== last) {
      setPill(true);
    }
    seen.current = {
      first,
      last,
      height: element.scrollHeight,
      bottom: before.bottom || own || before.last === "",
      followOwn,
    };
  });

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const bottom = element.scrollHeight - element.scrollTop - element.clientHeight < EDGE_PX;
    seen.current.bottom = bottom;
    seen.current.height = element.scrollHeight;
    setAtBottom(bottom);
    if (bottom) setPill(false);
    if (element.scrollTop < EDGE_PX && held.hasOlder && !loading) void loadOlder();
  };

  // A short conversation that does not fill the view cannot be scrolled up: fetch more until it does.
  useEffect(() => {
    const element = scroller.current;
    if (element && held.hasOlder && !loading && element.scrollHeight <= element.clientHeight) void loadOlder();
  }, [held.hasOlder, held.messages.length, loading]);

  // Read while the newest message is in view in a visible tab.
  const marking = useRef(0);
  useEffect(() => {
    if (!connection || !visible || !atBottom || summary.unread === 0) return;
    if (marking.current >= summary.lastSeq) return;
    marking.current = summary.lastSeq;
    connection.markRead(id, summary.lastSeq).catch((error) => {
      // Not fatal: the count stays and the next look tries again. Logged for whoever looks.
      marking.current = 0;
      console.warn("Could not mark the conversation read", error);
    });
  }, [connection, visible, atBottom, summary.unread, summary.lastSeq]);

  return (
    <div class="message-scroller" ref={scroller} onScroll={onScroll} data-testid="message-scroller">
      <div class="history-edge">
        {loading
          ? (
            <p role="status" class="spinner-line">
              <span class="spinner" aria-hidden="true" />
              {words.loadingOlder}
            </p>
          )
          : held.hasOlder || loadError
          ? (
            <button type="button" class="link" onClick={() => void loadOlder()}>
              {loadError ?? words.loadOlder}
            </button>
          )
          : held.messages.length > 0 && <p class="muted">{words.beginning}</p>}
      </div>
      <ol class="messages" aria-label={words.messageList}>
        {items.map((item) => <MessageRow key={item.key} item={item} context={context} />)}
      </ol>
      <p class="visually-hidden" aria-live="polite">{latestIncoming(held, me, context)}</p>
      {pill && (
        <button
          type="button"
          class="new-pill"
          data-testid="new-messages"
          onClick={() => {
            const element = scroller.current;
            if (element) element.scrollTop = element.scrollHeight;
            setPill(false);
          }}
        >
          {words.newMessages}
        </button>
      )}
    </div>
  );
}

/** The newest message from someone else, as the live region reads it out ("Bob: hi"); empty before there is one. */
function latestIncoming(held: ConversationMessages, me: number | null, context: RowContext): string {
  const message = held.messages.findLast((m) => m.senderId !== null && m.senderId !== me && m.recalledAt === null);
  if (!message || message.senderId === null) return "";
  const body = message.body;
  const text = body.type === "text" ? body.text : body.type === "image" ? context.words.preview.image : "";
  return `${context.nameOf(message.senderId) ?? context.words.someone}: ${text}`;
}
