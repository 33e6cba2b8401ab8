// The conversation list and each conversation's messages as the state holds them: ordered by last activity, with
// unread counts and previews computed here from the messages, kept current by pushes, pages and the user's sends.

import type { Conversation, Message } from "./chat_types.ts";
import type { UserRef } from "../protocol/ops/friends.ts";
import {
  addMessages,
  applyPage,
  type ConversationMessages,
  emptyMessages,
  type HistoryPage,
  type OutgoingMessage,
  setOutgoing,
  setUploaded,
} from "./messages.ts";
import { type Preview, previewOf } from "./preview.ts";

/** A conversation as the list shows it: the server's summary, kept current, and its preview line. */
export interface ConversationSummary extends Conversation {
  /** The preview of `last`, or null while the conversation has no message. */
  preview: Preview | null;
}

/** The conversations part of the client state. */
export interface ChatState {
  /** Most recent activity first (`sortConversations`). */
  conversations: readonly ConversationSummary[];
  /** Each conversation's messages, by conversation id. */
  messages: Readonly<Record<number, ConversationMessages>>;
}

/** What can happen to conversations and messages. */
export type ChatAction =
  /**
   * A `sync` answer or the login bundle's list: the list becomes this one. With `reset` (a login of another user,
   * or a first one) everything held is forgotten; without it, what is held of conversations still listed is kept.
   */
  | { type: "conversations"; conversations: readonly Conversation[]; reset?: boolean; users?: readonly UserRef[] }
  /** The `conversation_added` push: the user became a member. */
  | { type: "conversationAdded"; conversation: Conversation; users?: readonly UserRef[] }
  /** The `conversation_removed` push: the user is a member no more; what was held of it is forgotten. */
  | { type: "conversationRemoved"; conversationId: number }
  /**
   * Messages that came one by one: `message` and `message_recalled` pushes, answers of sends and recalls; `users`
   * the senders a push named.
   */
  | { type: "messages"; messages: readonly Message[]; users?: readonly UserRef[] }
  /** A page of `history`, with the senders its answer named. */
  | ({ type: "history"; conversationId: number; users?: readonly UserRef[] } & HistoryPage)
  /** The user's read position moved (the answer of `mark_read`). */
  | { type: "read"; conversationId: number; readSeq: number }
  /** A send of the user changed state in the outbox; `sent` and `gone` (discarded) leave the list. */
  | { type: "outgoing"; entry: OutgoingMessage | { clientId: string; conversationId: number; state: "sent" | "gone" } }
  /** The server holds `uploaded` bytes of a waiting send's image. */
  | { type: "uploadProgress"; clientId: string; conversationId: number; uploaded: number };

/** What the chat reducer needs from the rest of the state. */
export interface ChatContext {
  /** The signed-in user, whose own messages are not unread and whose sends are recognised by client id. */
  me: number | null;
  /** A user's nickname, when known, for previews in rooms. */
  nickname(userId: number): string | undefined;
}

const NONE: readonly never[] = Object.freeze([]);

/** No conversations. */
export const emptyChat: ChatState = Object.freeze({ conversations: NONE, messages: Object.freeze({}) });

/**
 * Orders conversations by last activity: the newest message first, conversations without one last (newest id first),
 * as `sync` does.
 *
 * @param list Conversations in any order; not modified.
 * @returns A sorted copy.
 *
 * @example
 * ```ts
 * import { sortConversations } from "./conversations.ts";
 * sortConversations([{ id: 1, lastAt: 5 }, { id: 2, lastAt: null }, { id: 3, lastAt: 9 }]).map((c) => c.id);
 * // [3, 1, 2]
 * ```
 */
export function sortConversations<T extends { id: number; lastAt: number | null }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) =>
    a.lastAt === b.lastAt
      ? b.id - a.id
      : a.lastAt === null
      ? 1
      : b.lastAt === null
      ? -1
      : b.lastAt - a.lastAt || b.id - a.id
  );
}

/**
 * Counts a conversation's unread messages among those held: after `readSeq`, from other users (not the server's
 * lines), not recalled (PROTOCOL.md §14.5).
 *
 * @param messages The messages held.
 * @param readSeq The user's read position.
 * @param me The user.
 * @returns The count.
 */
export function countUnread(messages: readonly Message[], readSeq: number, me: number | null): number {
  let count = 0;
  for (const message of messages) {
    if (message.seq > readSeq && isCounted(message, me)) count++;
  }
  return count;
}

function isCounted(message: Message, me: number | null): boolean {
  return message.senderId !== null && message.senderId !== me && message.recalledAt === null;
}

/** Whether every message after `readSeq` up to `lastSeq` is held, so the unread count can be counted here. */
function holdsUnread(held: ConversationMessages, readSeq: number, lastSeq: number): boolean {
  if (held.through < lastSeq) return false;
  const first = held.messages[0]?.seq;
  return !held.hasOlder || (first !== undefined && first <= readSeq + 1);
}

/** The preview of a summary's last message. */
function previewFor(summary: Conversation, context: ChatContext): Preview | null {
  return summary.last && previewOf(summary.last, { room: summary.kind === "room", nickname: context.nickname });
}

/** A summary with its preview, reusing the old preview object when it reads the same. */
function withPreview(summary: Conversation, context: ChatContext, old?: Preview | null): ConversationSummary {
  const preview = previewFor(summary, context);
  const same = old !== undefined && JSON.stringify(old) === JSON.stringify(preview);
  return { ...summary, preview: same ? old : preview };
}

/** The summary after messages came: last message, last activity, unread count. */
function summaryAfter(
  summary: ConversationSummary,
  incoming: readonly Message[],
  held: ConversationMessages,
  context: ChatContext,
): ConversationSummary {
  let { lastSeq, last, lastAt, unread } = summary;
  for (const message of incoming) {
    if (message.seq > lastSeq || (message.seq === lastSeq && (last === null || last.seq < message.seq))) {
      if (message.seq > summary.lastSeq && message.seq > summary.readSeq && isCounted(message, context.me)) unread++;
      lastSeq = message.seq;
      last = message;
      lastAt = message.at;
    } else if (last && message.seq === last.seq && message.recalledAt !== null && last.recalledAt === null) {
      last = message;
    }
  }
  if (holdsUnread(held, summary.readSeq, lastSeq)) unread = countUnread(held.messages, summary.readSeq, context.me);
  if (lastSeq === summary.lastSeq && last === summary.last && unread === summary.unread) return summary;
  return withPreview({ ...summary, lastSeq, last, lastAt, unread }, context, summary.preview);
}

/** Replaces one summary, keeping the list in order. */
function replaceSummary(
  list: readonly ConversationSummary[],
  next: ConversationSummary,
): readonly ConversationSummary[] {
  const index = list.findIndex((summary) => summary.id === next.id);
  if (index !== -1 && list[index] === next) return list;
  const others = index === -1 ? list : list.filter((_, i) => i !== index);
  return sortConversations([...others, next]);
}

/** A conversation's messages with one change; the same state when it changed nothing. */
function withHeld(state: ChatState, id: number, held: ConversationMessages): ChatState["messages"] {
  return state.messages[id] === held ? state.messages : { ...state.messages, [id]: held };
}

/**
 * The conversations and their messages, moved by one action.
 *
 * @param state The current part; not modified.
 * @param action What happened.
 * @param context The signed-in user and how to name senders.
 * @returns The next part; `state` itself when nothing changed.
 *
 * @example
 * ```ts
 * import { chatReducer, emptyChat } from "./conversations.ts";
 * const conversation = {
 *   id: 4, kind: "direct" as const, roomId: null, peer: { id: 2, username: "bob", nickname: "Bob" }, title: "Bob",
 *   lastSeq: 0, readSeq: 0, unread: 0, last: null, lastAt: null,
 * };
 * const context = { me: 1, nickname: () => undefined };
 * let state = chatReducer(emptyChat, { type: "conversationAdded", conversation }, context);
 * const message = {
 *   conversationId: 4, seq: 1, senderId: 2, clientId: "x", at: 7, recalledAt: null,
 *   body: { type: "text" as const, text: "hi" },
 * };
 * state = chatReducer(state, { type: "messages", messages: [message] }, context);
 * state.conversations[0].unread; // 1
 * ```
 */
export function chatReducer(state: ChatState, action: ChatAction, context: ChatContext): ChatState {
  switch (action.type) {
    case "conversations": {
      const messages: Record<number, ConversationMessages> = {};
      const list = action.conversations.map((conversation) => {
        const held = action.reset ? undefined : state.messages[conversation.id];
        if (held) messages[conversation.id] = held;
        const summary = withPreview(conversation, context);
        // Messages held past what the list says (a push that overtook it) keep the summary current.
        const newer = held?.messages.filter((message) => message.seq > conversation.lastSeq) ?? NONE;
        return newer.length ? summaryAfter(summary, newer, held!, context) : summary;
      });
      return { conversations: sortConversations(list), messages };
    }
    case "conversationAdded": {
      const conversation = action.conversation;
      const old = state.conversations.find((summary) => summary.id === conversation.id);
      const summary = withPreview(conversation, context, old?.preview);
      return { conversations: replaceSummary(state.conversations, summary), messages: state.messages };
    }
    case "conversationRemoved": {
      const id = action.conversationId;
      if (!state.conversations.some((summary) => summary.id === id) && !state.messages[id]) return state;
      const { [id]: _gone, ...messages } = state.messages;
      return { conversations: state.conversations.filter((summary) => summary.id !== id), messages };
    }
    case "messages": {
      let next = state;
      const byConversation = Map.groupBy(action.messages, (message) => message.conversationId);
      for (const [id, incoming] of byConversation) next = afterMessages(next, id, incoming, context);
      return next;
    }
    case "history": {
      const { type: _type, conversationId: id, ...page } = action;
      const before = state.messages[id] ?? emptyMessages;
      const held = applyPage(before, page, context.me);
      const summary = state.conversations.find((summary) => summary.id === id);
      // A page of a conversation no longer listed (removed while the page was on its way) is dropped.
      if (!summary) return state;
      const next = summaryAfter(summary, page.messages, held, context);
      return { conversations: replaceSummary(state.conversations, next), messages: withHeld(state, id, held) };
    }
    case "read": {
      const summary = state.conversations.find((summary) => summary.id === action.conversationId);
      if (!summary || action.readSeq <= summary.readSeq) return state;
      const held = state.messages[summary.id] ?? emptyMessages;
      const readSeq = action.readSeq;
      let unread: number;
      if (readSeq >= summary.lastSeq) unread = 0;
      else if (holdsUnread(held, readSeq, summary.lastSeq)) unread = countUnread(held.messages, readSeq, context.me);
      else {
        // Not all held: what is held between the two positions is what the count drops by at least.
        const read = held.messages.filter((m) =>
          m.seq > summary.readSeq && m.seq <= readSeq && isCounted(m, context.me)
        );
        unread = Math.max(0, summary.unread - read.length);
      }
      const next = { ...summary, readSeq, unread };
      return { conversations: replaceSummary(state.conversations, next), messages: state.messages };
    }
    case "outgoing": {
      const id = action.entry.conversationId;
      const before = state.messages[id] ?? emptyMessages;
      const held = setOutgoing(before, action.entry, context.me);
      return held === before ? state : { conversations: state.conversations, messages: withHeld(state, id, held) };
    }
    case "uploadProgress": {
      const before = state.messages[action.conversationId];
      if (!before) return state;
      const held = setUploaded(before, action.clientId, action.uploaded);
      return held === before
        ? state
        : { conversations: state.conversations, messages: withHeld(state, action.conversationId, held) };
    }
    default:
      return state;
  }
}

function afterMessages(state: ChatState, id: number, incoming: readonly Message[], context: ChatContext): ChatState {
  const summary = state.conversations.find((summary) => summary.id === id);
  // A message of a conversation the list does not hold (a push racing its conversation_added) waits for catch-up.
  if (!summary) return state;
  const before = state.messages[id] ?? emptyMessages;
  const held = addMessages(before, incoming, context.me);
  const next = summaryAfter(summary, incoming, held, context);
  if (held === before && next === summary) return state;
  return { conversations: replaceSummary(state.conversations, next), messages: withHeld(state, id, held) };
}

/**
 * The previews again, after nicknames changed: only rooms' previews name senders.
 *
 * @param state The part.
 * @param context The new way to name senders.
 * @returns The part with previews that read differently replaced; `state` itself when none does.
 */
export function refreshPreviews(state: ChatState, context: ChatContext): ChatState {
  let changed = false;
  const list = state.conversations.map((summary) => {
    if (summary.kind !== "room" || !summary.last) return summary;
    const next = withPreview(summary, context, summary.preview);
    if (next.preview === summary.preview) return summary;
    changed = true;
    return next;
  });
  return changed ? { ...state, conversations: list } : state;
}
