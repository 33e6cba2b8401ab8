// The conversation list of the interactive mode as rows of text: open friend requests first, the lobby pinned above
// the conversations (number 0, its online count), then each conversation in two rows (number, presence, title and
// unread count; the preview), cut and padded to the panel's width.

import {
  type ClientState,
  type Contact,
  type ConversationSummary,
  formatPreview,
  type FriendRequest,
  type LobbyState,
  type PreviewWords,
} from "../../core/client/mod.ts";
import { fitToWidth, textWidth } from "./width.ts";

/** One row of the list, exactly the panel's width. */
export interface ListRow {
  text: string;
  /** A heading, a friend request, or one of a conversation's two rows. */
  kind: "heading" | "request" | "title" | "preview";
  /** The conversation the row belongs to (the lobby's for its row). */
  conversationId?: number;
  /** Whether the row belongs to the selected conversation (drawn highlighted). */
  selected: boolean;
  /** Whether its conversation has unread messages (drawn bold). */
  unread: boolean;
  /** A direct conversation's peer online (true) or not (false); null for rooms and other rows. */
  online: boolean | null;
}

/** The words placeholders in previews use. */
export const PREVIEW_WORDS: PreviewWords = {
  image: "[image]",
  recalled: "recalled a message",
  system: (event) => `[${event}]`,
  unsupported: "[unsupported message]",
};

/** What the list is drawn from: the parts of the state it shows; no lobby row without `lobby`. */
export type ListState = Pick<ClientState, "conversations" | "contacts" | "friendRequests"> & {
  lobby?: LobbyState | null;
};

/** Options of {@link listRows}. */
export interface ListOptions {
  /** Columns of the panel, 8 or more. */
  width: number;
  /** Rows of the panel; the rows returned are at most this many, scrolled so the selected conversation shows. */
  height: number;
  /** The selected conversation's id (the lobby's `conversationId` for the lobby), or null. */
  selected: number | null;
  /** The signed-in user, whose own messages preview as "You: …". */
  me: number | null;
}

/** Presence marks: filled for online, hollow for offline, `#` for a room. */
export const MARKS = { online: "●", offline: "○", room: "#" } as const;

/**
 * The list as rows.
 *
 * @param state Conversations (most recent first), contacts (for presence), open friend requests.
 * @param options Panel size, selection, who the user is.
 * @returns At most `height` rows, each exactly `width` columns.
 *
 * @example
 * ```ts ignore
 * import { listRows } from "./list.ts";
 * listRows(connection.getSnapshot(), { width: 26, height: 18, selected: 0, me: 1 }).map((row) => row.text);
 * ```
 */
export function listRows(state: ListState, options: ListOptions): ListRow[] {
  const { width, height } = options;
  if (!Number.isInteger(width) || width < 8) {
    throw new RangeError(`Cannot draw the list as 'width' must be a whole number from 8: current value is ${width}`);
  }
  const head: ListRow[] = [];
  if (state.friendRequests.length > 0) {
    head.push(plain(`Friend requests (${state.friendRequests.length})`, "heading", width));
    for (const request of state.friendRequests) head.push(plain(requestText(request), "request", width));
  }
  const body: ListRow[] = [];
  if (state.lobby) body.push(lobbyRow(state.lobby, options));
  state.conversations.forEach((summary, index) => {
    body.push(...conversationRows(summary, index, state.contacts, options));
  });
  if (state.conversations.length === 0 && head.length === 0) {
    body.push(plain("No conversations yet.", "heading", width), plain("/add <user> asks a friend", "heading", width));
  }
  const rows = [...head, ...body];
  if (rows.length <= height) return rows;
  // Too many to show: keep the selected conversation's rows in view, the requests first when there is room.
  const selectedAt = rows.findIndex((row) => row.selected);
  const start = selectedAt === -1 ? 0 : Math.max(0, Math.min(selectedAt + 2 - height, rows.length - height));
  return rows.slice(start, start + height);
}

/**
 * The conversation ids in the order the list shows them, the lobby's first: what ↑ and ↓ move through.
 *
 * @param state The list's state.
 * @returns The ids.
 */
export function listEntries(state: ListState): number[] {
  const ids = state.conversations.map((summary) => summary.id);
  return state.lobby ? [state.lobby.conversationId, ...ids] : ids;
}

/** The lobby's row: number 0, so `/open 0` opens it, and how many are online once known. */
function lobbyRow(lobby: LobbyState, options: ListOptions): ListRow {
  const online = lobby.online === null ? "" : ` · ${lobby.online} online`;
  return {
    text: fitToWidth(` 0 ${MARKS.room} Lobby${online}`, options.width),
    kind: "title",
    conversationId: lobby.conversationId,
    selected: options.selected === lobby.conversationId,
    unread: false,
    online: null,
  };
}

function plain(text: string, kind: ListRow["kind"], width: number): ListRow {
  return { text: fitToWidth(text, width), kind, selected: false, unread: false, online: null };
}

function requestText(request: FriendRequest): string {
  const who = request.from ? `${request.from.nickname} (${request.from.username})` : "someone";
  const later = request.status === "deferred" ? " [later]" : "";
  return `+ ${who}${later}${request.note ? `: ${request.note}` : ""}`;
}

function conversationRows(
  summary: ConversationSummary,
  index: number,
  contacts: readonly Contact[],
  options: ListOptions,
): ListRow[] {
  const { width } = options;
  const selected = summary.id === options.selected;
  const online = summary.kind === "room" || summary.peer === null
    ? null
    : contacts.find((contact) => contact.id === summary.peer!.id)?.online ?? false;
  const mark = online === null ? MARKS.room : online ? MARKS.online : MARKS.offline;
  const number = String(index + 1).padStart(2);
  const unread = summary.unread > 0 ? ` (${summary.unread})` : "";
  const left = `${number} ${mark} `;
  const titleWidth = Math.max(1, width - textWidth(left) - textWidth(unread));
  const title = left + fitToWidth(summary.title, titleWidth) + unread;
  const preview = summary.preview === null
    ? ""
    : (summary.preview.senderId !== null && summary.preview.senderId === options.me && summary.kind !== "room"
      ? "You: "
      : "") + formatPreview(summary.preview, PREVIEW_WORDS);
  const common = { conversationId: summary.id, selected, unread: summary.unread > 0, online };
  return [
    { text: fitToWidth(title, width), kind: "title", ...common },
    { text: fitToWidth(`     ${preview}`, width), kind: "preview", ...common },
  ];
}
