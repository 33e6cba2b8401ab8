// What the conversation list computes from the state: which conversations a search keeps, the total unread count
// and the tab title that carries it, and the short time of a conversation's last message.

import type { ConversationSummary } from "../../core/client/mod.ts";
import { clockTime, type Locale } from "../_i18n.ts";

/** Folds text for matching: compatibility forms unified (full-width letters), case ignored. */
function fold(text: string): string {
  return text.normalize("NFKC").toLocaleLowerCase();
}

/**
 * Whether a conversation matches what was typed in the search box: its title or its peer's username contains it.
 *
 * @param summary The conversation.
 * @param query What was typed; blank matches everything.
 * @returns Whether to show it.
 *
 * @example
 * ```ts ignore
 * matchesQuery(bobsConversation, "BO"); // true
 * ```
 */
export function matchesQuery(summary: Pick<ConversationSummary, "title" | "peer">, query: string): boolean {
  const needle = fold(query.trim());
  if (needle === "") return true;
  return fold(summary.title).includes(needle) ||
    (summary.peer !== null && fold(summary.peer.username).includes(needle));
}

/**
 * The unread messages of every conversation together.
 *
 * @param conversations The list.
 * @returns The sum of their unread counts.
 */
export function totalUnread(conversations: readonly Pick<ConversationSummary, "unread">[]): number {
  return conversations.reduce((sum, summary) => sum + summary.unread, 0);
}

/**
 * The tab's title with the unread count in front, as messengers show it: "(3) Mimi"; past 99, "(99+) Mimi".
 *
 * @param base The page's own title.
 * @param unread The total unread count.
 * @returns The title.
 *
 * @example
 * ```ts
 * import { unreadTitle } from "./_list_helpers.ts";
 * unreadTitle("Mimi", 3); // "(3) Mimi"
 * unreadTitle("Mimi", 0); // "Mimi"
 * ```
 */
export function unreadTitle(base: string, unread: number): string {
  if (unread <= 0) return base;
  return `(${unread > 99 ? "99+" : unread}) ${base}`;
}

const DAY_MS = 86_400_000;

/**
 * When a conversation's last message came, as short as the list needs: the time of day today, the weekday within the
 * past week, else the date.
 *
 * @param locale The language.
 * @param at The message's time.
 * @param now The current time.
 * @param timeZone The time zone; the browser's when left out (tests pass one).
 * @returns "14:05", "Mon", "30/11/2026" (in the language's own forms).
 */
export function listTime(locale: Locale, at: number, now: number, timeZone?: string): string {
  const day = (t: number) => new Intl.DateTimeFormat("en-CA", { timeZone, dateStyle: "short" }).format(t);
  if (day(at) === day(now)) return clockTime(locale, at, timeZone);
  if (now - at < 6 * DAY_MS && at < now) {
    return new Intl.DateTimeFormat(locale, { weekday: "short", timeZone }).format(at);
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: "short", timeZone }).format(at);
}
