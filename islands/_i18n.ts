// The web client's languages: which one a browser gets, catalogs of words per screen, and dates through Intl.
//
// Every string a screen shows lives in a catalog made with `defineWords`, one per area of the client (account forms,
// chat, friends…), each with the same keys in every language; the type checker refuses a catalog where a language
// lacks a key. Screens read their catalog with `useWords`, which follows the language in `LocaleContext`.

import { createContext } from "preact";
import { useContext } from "preact/hooks";

/** The languages the web client speaks. */
export const LOCALES = ["en", "zh-CN"] as const;

/** One of {@link LOCALES}. */
export type Locale = (typeof LOCALES)[number];

/** Where the user's choice of language is kept in the browser (`localStorage`), so that it sticks. */
export const LOCALE_STORAGE_KEY = "mimi.locale";

/**
 * Picks the language for a browser from its preferences, best first.
 *
 * @param preferred `navigator.languages`, or the tags of an `Accept-Language` header in order of preference.
 * @returns The first supported language: any `zh` tag gives zh-CN, any `en` tag English; English when none matches.
 *
 * @example
 * ```ts
 * import { pickLocale } from "./_i18n.ts";
 *
 * pickLocale(["zh-TW", "en"]); // "zh-CN"
 * pickLocale(["fr"]); // "en"
 * ```
 */
export function pickLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const language = tag.trim().toLowerCase().split(/[-_;]/)[0];
    if (language === "zh") return "zh-CN";
    if (language === "en") return "en";
  }
  return "en";
}

/**
 * The language tags of an `Accept-Language` header, best first (RFC 9110 §12.5.4: by `q`, ties in header order).
 *
 * @param header The header's value, or null when there is none.
 * @returns The tags without their weights; tags with `q=0` are left out.
 */
export function acceptedLanguages(header: string | null): string[] {
  if (!header) return [];
  return header.split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter(({ tag, weight }) => tag !== "" && weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map(({ tag }) => tag);
}

/** Checks that a stored or submitted value names a supported language. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The language the screens below speak; the app provides it at the top. */
export const LocaleContext = createContext<Locale>("en");

/** The language of the screens around the caller. */
export function useLocale(): Locale {
  return useContext(LocaleContext);
}

/** A catalog: the same words, by key, in every language. A word is a string or a function building one. */
export type Catalog<W> = { readonly [L in Locale]: W };

/**
 * Declares a catalog. It only checks types: every language must have exactly the keys and shapes of English.
 *
 * @param catalog The words in every language.
 * @returns The same catalog.
 *
 * @example
 * ```ts
 * import { defineWords } from "./_i18n.ts";
 *
 * export const CHAT_WORDS = defineWords({
 *   en: { send: "Send", unread: (n: number) => `${n} unread` },
 *   "zh-CN": { send: "发送", unread: (n: number) => `${n} 条未读` },
 * });
 * ```
 */
export function defineWords<W>(catalog: { readonly en: W } & { readonly [L in Locale]: W }): Catalog<W> {
  return catalog;
}

/**
 * The caller's words in the current language.
 *
 * @param catalog A catalog made with {@link defineWords}.
 * @returns Its entry for the language in {@link LocaleContext}.
 */
export function useWords<W>(catalog: Catalog<W>): W {
  return catalog[useLocale()];
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600_000],
  ["month", 30 * 24 * 3600_000],
  ["week", 7 * 24 * 3600_000],
  ["day", 24 * 3600_000],
  ["hour", 3600_000],
  ["minute", 60_000],
];

/**
 * Says how long ago a moment was, coarsely, in the language: "5 minutes ago", "yesterday", "5分钟前", "昨天".
 *
 * @param locale The language.
 * @param at The moment, in milliseconds since the epoch.
 * @param now The current time.
 * @returns The phrase; under a minute ago reads as "now" in the language.
 */
export function timeAgoIn(locale: Locale, at: number, now: number): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const elapsed = now - at;
  for (const [unit, size] of RELATIVE_UNITS) {
    if (elapsed >= size) return format.format(-Math.floor(elapsed / size), unit);
  }
  return format.format(0, "second");
}

/**
 * A message's time as chats show it: the time of day ("14:05"; "下午2:05" where the language writes it so).
 *
 * @param locale The language.
 * @param at The moment, in milliseconds since the epoch.
 * @param timeZone The time zone; the browser's own when left out (tests pass one).
 */
export function clockTime(locale: Locale, at: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit", timeZone }).format(at);
}

/**
 * A day as a separator in a chat shows it: "Monday, 30 November 2026", "2026年11月30日星期一".
 *
 * @param locale The language.
 * @param at Any moment of the day, in milliseconds since the epoch.
 * @param timeZone The time zone; the browser's own when left out (tests pass one).
 */
export function dayLabel(locale: Locale, at: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "full", timeZone }).format(at);
}
