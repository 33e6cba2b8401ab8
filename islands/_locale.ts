// Which language the page speaks and how a choice sticks: the server reads the cookie (or Accept-Language) to render
// the page in it, the browser keeps it in localStorage, and `<html lang>` follows every switch.

import { useEffect, useState } from "preact/hooks";
import { acceptedLanguages, isLocale, type Locale, LOCALE_STORAGE_KEY, pickLocale } from "./_i18n.ts";

/** The cookie that carries the user's choice of language to the server, so the page it renders is in it. */
export const LOCALE_COOKIE = "mimi_locale";

/** A year: a choice of language sticks until the user makes another. */
const COOKIE_MAX_AGE = 365 * 24 * 3600;

/**
 * The language the server renders a page in: the user's choice from the cookie, else the best of `Accept-Language`.
 *
 * @param cookie The request's `Cookie` header, or null.
 * @param acceptLanguage The request's `Accept-Language` header, or null.
 * @returns The language.
 *
 * @example
 * ```ts
 * import { localeOfRequest } from "./_locale.ts";
 *
 * localeOfRequest("mimi_locale=en", "zh-CN,zh;q=0.9"); // "en"
 * localeOfRequest(null, "zh-CN,zh;q=0.9"); // "zh-CN"
 * ```
 */
export function localeOfRequest(cookie: string | null, acceptLanguage: string | null): Locale {
  const chosen = (cookie ?? "").split(";")
    .map((part) => part.trim().split("="))
    .find(([name]) => name === LOCALE_COOKIE)?.[1];
  const decoded = chosen === undefined ? undefined : safeDecode(chosen);
  return isLocale(decoded) ? decoded : pickLocale(acceptedLanguages(acceptLanguage));
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    // A malformed cookie is no choice: the browser's languages decide, as without one.
    return undefined;
  }
}

/** The user's stored choice, if any; storage that cannot be read (disabled, sandboxed) is no choice. */
function storedLocale(): Locale | undefined {
  try {
    const stored = localStorage.getItem(LOCALE_STORAGE_KEY);
    return isLocale(stored) ? stored : undefined;
  } catch {
    // No storage: the browser's languages decide, and a switch lasts until the page is closed.
    return undefined;
  }
}

/** Writes the choice where it sticks: localStorage for the browser, the cookie for the server. */
function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // No storage: the cookie below still carries the choice to the server.
  }
  document.cookie = `${LOCALE_COOKIE}=${encodeURIComponent(locale)}; path=/; max-age=${COOKIE_MAX_AGE}; samesite=lax`;
}

/**
 * The page's language: first the one the server rendered (so hydration matches), then in the browser the stored
 * choice or `navigator.languages`; switching stores the choice and sets `<html lang>`.
 *
 * @param served The language the server rendered the page in.
 * @returns The language and the switch.
 */
export function useLocaleChoice(served: Locale): [Locale, (locale: Locale) => void] {
  const [locale, setLocale] = useState<Locale>(served);
  useEffect(() => {
    const stored = storedLocale();
    // A choice made before the cookie existed (or with cookies cleared) goes back to the server for the next render.
    if (stored && !document.cookie.includes(`${LOCALE_COOKIE}=`)) storeLocale(stored);
    setLocale(stored ?? pickLocale(navigator.languages ?? []));
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const choose = (next: Locale) => {
    storeLocale(next);
    setLocale(next);
  };
  return [locale, choose];
}
