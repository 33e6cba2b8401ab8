// A conversation's messages as the chat pane lays them out: day separators, runs of one sender, the user's sends
// still on their way at the end, each with a key that stays the same when a send becomes the server's message.

import type { Message, OutgoingMessage } from "../../core/client/mod.ts";

/** How close two messages of one sender must be to share a run (one name and avatar), in milliseconds. */
export const RUN_GAP_MS = 5 * 60_000;

/** One row of the chat pane. */
export type TimelineItem =
  /** A day separator before the first message of a day. */
  | { kind: "day"; key: string; at: number }
  /** A line the server wrote (a room's changes). */
  | { kind: "system"; key: string; message: Message }
  /** A message a user sent, recalled ones included. */
  | {
    kind: "message";
    key: string;
    message: Message;
    /** The user's own. */
    mine: boolean;
    /** The first of a run by one sender: a room shows the name and avatar here. */
    first: boolean;
  }
  /** A send of the user's that the server has not answered: pending or failed. */
  | { kind: "outgoing"; key: string; entry: OutgoingMessage };

/** Options of {@link buildTimeline}. */
export interface TimelineOptions {
  /** The signed-in user. */
  me: number | null;
  /** Names the day a moment falls on, in the time zone shown: equal names are one day. */
  dayOf(at: number): string;
}

/**
 * Lays out a conversation: messages in order with a separator at each new day, then the user's unanswered sends.
 * A message of the user's own is keyed by its client id, as its send was, so the row stays when it is answered.
 *
 * @param messages The messages held, ascending by `seq`.
 * @param outgoing The user's sends not yet answered, in the order queued.
 * @param options Who the user is and how days are told apart.
 * @returns The rows, in order.
 *
 * @example
 * ```ts
 * import { buildTimeline } from "./_timeline.ts";
 * const m = (seq: number, at: number) => ({
 *   conversationId: 1, seq, senderId: 2, clientId: null, at, recalledAt: null,
 *   body: { type: "text" as const, text: "hi" },
 * });
 * buildTimeline([m(1, 0), m(2, 86_400_000)], [], { me: 1, dayOf: (at) => String(Math.floor(at / 86_400_000)) })
 *   .map((item) => item.kind); // ["day", "message", "day", "message"]
 * ```
 */
export function buildTimeline(
  messages: readonly Message[],
  outgoing: readonly OutgoingMessage[],
  options: TimelineOptions,
): TimelineItem[] {
  const items: TimelineItem[] = [];
  let day: string | undefined;
  let previous: Message | undefined;
  for (const message of messages) {
    const today = options.dayOf(message.at);
    if (today !== day) {
      items.push({ kind: "day", key: `day:${today}`, at: message.at });
      day = today;
      previous = undefined;
    }
    if (message.senderId === null) {
      items.push({ kind: "system", key: `seq:${message.seq}`, message });
      previous = undefined;
      continue;
    }
    const mine = message.senderId === options.me;
    const first = previous === undefined || previous.senderId !== message.senderId ||
      message.at - previous.at > RUN_GAP_MS;
    const key = mine && message.clientId !== null ? `send:${message.clientId}` : `seq:${message.seq}`;
    items.push({ kind: "message", key, message, mine, first });
    previous = message;
  }
  for (const entry of outgoing) items.push({ kind: "outgoing", key: `send:${entry.clientId}`, entry });
  return items;
}
