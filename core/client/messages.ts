// One conversation's messages as the client holds them: in sequence order, each once, with how far they are known to
// be complete, and the user's sends still on their way (PROTOCOL.md §14.4).

import type { Message, SendableBody } from "./chat_types.ts";

/** A send of the user that the server has not answered yet: `pending` (queued or on its way) or `failed`. */
export interface OutgoingMessage {
  /** The outbox's id for it, which the server's message will carry as `clientId`. */
  clientId: string;
  conversationId: number;
  body: SendableBody;
  state: "pending" | "failed";
  /** The server's refusal, when `failed`. */
  error?: unknown;
  /** For an image while it uploads: how many of its bytes the server holds (the size is `body.size`). */
  uploaded?: number;
}

/** One conversation's messages. Replaced, never mutated, when it changes. */
export interface ConversationMessages {
  /** The messages held, ascending by `seq`, each `seq` once. */
  messages: readonly Message[];
  /**
   * Every message the user may see from the first one held up to this `seq` is held: catch-up asks `history` for
   * what comes after it. Messages held past it came by push across a gap that catch-up is filling.
   */
  through: number;
  /** Whether messages the user may see lie before the first one held (`loadOlder` would find more). */
  hasOlder: boolean;
  /** The user's sends to this conversation that are not answered yet, in the order they were queued. */
  outgoing: readonly OutgoingMessage[];
}

const NONE: readonly never[] = Object.freeze([]);

/** A conversation of which nothing is held yet. */
export const emptyMessages: ConversationMessages = Object.freeze({
  messages: NONE,
  through: 0,
  hasOlder: false,
  outgoing: NONE,
});

/** A page of `history`, with the request it answers and what the client knew when it asked. */
export interface HistoryPage {
  /** The request's `after`: a forward page. */
  after?: number | null;
  /** The request's `before`: with no `after`, a backward page; with neither, the newest page. */
  before?: number | null;
  messages: readonly Message[];
  hasMore: boolean;
  /**
   * The conversation's last `seq` as the client knew it before it asked. A forward or newest page without more
   * covers everything up to it even when the messages there are ones the user may not see.
   */
  knownLastSeq: number;
}

/**
 * Merges messages into a sorted list: one per `seq`; a recalled form replaces the form held (a recall is the only
 * change a message has), anything else already held is kept.
 *
 * @param held The list held, ascending by `seq`.
 * @param incoming Messages in any order, duplicates included.
 * @returns The merged list; `held` itself when nothing changed.
 *
 * @example
 * ```ts
 * import { mergeMessages } from "./messages.ts";
 * const m = (seq: number) => ({
 *   conversationId: 1, seq, senderId: 2, clientId: null, at: seq, recalledAt: null,
 *   body: { type: "text" as const, text: String(seq) },
 * });
 * mergeMessages([m(1), m(3)], [m(2), m(3), m(2)]).map((x) => x.seq); // [1, 2, 3]
 * ```
 */
export function mergeMessages(held: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  if (incoming.length === 0) return held;
  const bySeq = new Map<number, Message>();
  let changed = false;
  for (const message of incoming) {
    const known = bySeq.get(message.seq) ?? find(held, message.seq);
    if (known && !(known.recalledAt === null && message.recalledAt !== null)) continue;
    bySeq.set(message.seq, message);
    changed = true;
  }
  if (!changed) return held;
  const out = held.filter((message) => !bySeq.has(message.seq));
  out.push(...bySeq.values());
  return out.sort((a, b) => a.seq - b.seq);
}

/** The held message at `seq`, by binary search. */
export function find(messages: readonly Message[], seq: number): Message | undefined {
  let low = 0, high = messages.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = messages[mid].seq;
    if (at === seq) return messages[mid];
    if (at < seq) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}

/** Moves `through` over the messages held right after it. */
function extend(messages: readonly Message[], through: number): number {
  let index = messages.findIndex((message) => message.seq > through);
  if (index === -1) return through;
  while (index < messages.length && messages[index].seq === through + 1) {
    through++;
    index++;
  }
  return through;
}

/** Drops the sends whose message the server has answered in `messages` (from `me`, with their client id). */
function settleOutgoing(
  outgoing: readonly OutgoingMessage[],
  messages: readonly Message[],
  me: number | null,
): readonly OutgoingMessage[] {
  if (outgoing.length === 0 || me === null) return outgoing;
  const answered = new Set(
    messages.filter((message) => message.senderId === me && message.clientId !== null).map((m) => m.clientId),
  );
  const left = outgoing.filter((entry) => !answered.has(entry.clientId));
  return left.length === outgoing.length ? outgoing : left;
}

function changed(state: ConversationMessages, next: ConversationMessages): ConversationMessages {
  return next.messages === state.messages && next.through === state.through && next.hasOlder === state.hasOlder &&
      next.outgoing === state.outgoing
    ? state
    : next;
}

/**
 * Adds messages that came one by one (a push, the answer to a send or a recall). A message right after `through`
 * moves it on; one further on is held across the gap, which {@link gapAfter} reports for catch-up to fill. A send of
 * the user's own, recognised by its client id, leaves `outgoing`: it shows once, as the server's message.
 *
 * @param state The conversation's messages.
 * @param messages The new messages.
 * @param me The signed-in user's id.
 * @returns The next state; `state` itself when nothing changed.
 */
export function addMessages(
  state: ConversationMessages,
  messages: readonly Message[],
  me: number | null,
): ConversationMessages {
  const merged = mergeMessages(state.messages, messages);
  return changed(state, {
    messages: merged,
    through: extend(merged, state.through),
    hasOlder: state.hasOlder,
    outgoing: settleOutgoing(state.outgoing, messages, me),
  });
}

/**
 * Adds a page of `history`. A forward page that starts at or before `through` moves it to the page's end (to
 * `knownLastSeq` when nothing more follows: what lies between is what the user may not see). A backward page from the
 * first held message extends the held range back and says whether older ones remain. The newest page starts the
 * held range when nothing was held.
 *
 * @param state The conversation's messages.
 * @param page The page with its request.
 * @param me The signed-in user's id.
 * @returns The next state; `state` itself when nothing changed.
 *
 * @example
 * ```ts
 * import { applyPage, emptyMessages } from "./messages.ts";
 * const m = (seq: number) => ({
 *   conversationId: 1, seq, senderId: 2, clientId: null, at: seq, recalledAt: null,
 *   body: { type: "text" as const, text: String(seq) },
 * });
 * const state = applyPage(emptyMessages, { after: 0, messages: [m(1), m(2)], hasMore: false, knownLastSeq: 2 }, 9);
 * state.through; // 2
 * ```
 */
export function applyPage(state: ConversationMessages, page: HistoryPage, me: number | null): ConversationMessages {
  const last = page.messages.reduce((max, message) => Math.max(max, message.seq), 0);
  const first = page.messages.reduce((min, message) => Math.min(min, message.seq), Infinity);
  const outgoing = settleOutgoing(state.outgoing, page.messages, me);
  if (page.after !== undefined && page.after !== null) {
    const merged = mergeMessages(state.messages, page.messages);
    let through = state.through;
    // A page after a point past `through` says nothing of what lies between: it is held, not counted as complete.
    if (page.after <= state.through) {
      through = Math.max(through, page.hasMore ? last : Math.max(last, page.knownLastSeq));
    }
    // Nothing lies before the first message.
    const hasOlder = page.after === 0 ? false : state.hasOlder;
    return changed(state, { messages: merged, through: extend(merged, through), hasOlder, outgoing });
  }
  if (page.before !== undefined && page.before !== null) {
    const merged = mergeMessages(state.messages, page.messages);
    const oldest = state.messages[0]?.seq;
    // Only a page that reaches back from the oldest held message continues the held range.
    const continues = oldest === undefined || page.before <= oldest;
    const hasOlder = continues ? page.hasMore : state.hasOlder;
    return changed(state, { messages: merged, through: extend(merged, state.through), hasOlder, outgoing });
  }
  // The newest page: complete from its first message to the end, as the server had it when it answered.
  const end = Math.max(last, page.knownLastSeq);
  if (state.through === 0 || (page.messages.length > 0 && first <= state.through + 1)) {
    const kept = state.through === 0 ? state.messages.filter((message) => message.seq >= first) : state.messages;
    const merged = mergeMessages(kept, page.messages);
    const hasOlder = state.through === 0 || first <= (state.messages[0]?.seq ?? Infinity)
      ? page.hasMore
      : state.hasOlder;
    return changed(state, {
      messages: merged,
      through: extend(merged, Math.max(state.through, end)),
      hasOlder,
      outgoing,
    });
  }
  // A newest page beyond a gap: held, and the gap is catch-up's to fill.
  const merged = mergeMessages(state.messages, page.messages);
  return changed(state, { ...state, messages: merged, through: extend(merged, state.through), outgoing });
}

/**
 * Whether catch-up has something to fetch: the conversation's last `seq` lies past `through`.
 *
 * @param state The conversation's messages.
 * @param lastSeq The last `seq` the client knows of (its summary's, or a pushed message's).
 * @returns The `after` to ask `history` with, or `undefined` when nothing is missing.
 */
export function gapAfter(state: ConversationMessages, lastSeq: number): number | undefined {
  return lastSeq > state.through ? state.through : undefined;
}

/**
 * Records an outbox change of one of the user's sends: a `pending` or `failed` send is shown (in the order it was
 * first queued), a `sent` one leaves (its message comes with the server's answer), as does a discarded one.
 *
 * @param state The conversation's messages.
 * @param entry The send in its new state, or `{ clientId, state: "gone" }` once discarded.
 * @param me The signed-in user's id: a send already answered by a message of theirs is not shown again.
 * @returns The next state; `state` itself when nothing changed.
 */
export function setOutgoing(
  state: ConversationMessages,
  entry: OutgoingMessage | { clientId: string; state: "sent" | "gone" },
  me: number | null,
): ConversationMessages {
  const index = state.outgoing.findIndex((known) => known.clientId === entry.clientId);
  const drop = () => index === -1 ? state : { ...state, outgoing: state.outgoing.filter((_, i) => i !== index) };
  if (!("body" in entry)) return drop();
  // Its answer may have come already by catch-up (the connection broke before the outbox heard it).
  const answered = me !== null &&
    state.messages.some((message) => message.senderId === me && message.clientId === entry.clientId);
  if (answered) return drop();
  if (index === -1) return { ...state, outgoing: [...state.outgoing, entry] };
  const known = state.outgoing[index];
  if (known.state === entry.state && known.error === entry.error) return state;
  const uploaded = entry.uploaded ?? known.uploaded;
  const next = uploaded === undefined ? entry : { ...entry, uploaded };
  return { ...state, outgoing: state.outgoing.map((known, i) => i === index ? next : known) };
}

/**
 * Records how much of a send's image the server holds, for a progress bar. A send no longer waiting (answered,
 * discarded) is left alone: progress never brings one back.
 *
 * @param state The conversation's messages.
 * @param clientId The send.
 * @param uploaded Bytes the server holds.
 * @returns The next state; `state` itself when nothing changed.
 */
export function setUploaded(state: ConversationMessages, clientId: string, uploaded: number): ConversationMessages {
  const index = state.outgoing.findIndex((known) => known.clientId === clientId);
  if (index === -1 || state.outgoing[index].uploaded === uploaded) return state;
  return {
    ...state,
    outgoing: state.outgoing.map((known, i) => i === index ? { ...known, uploaded } : known),
  };
}
