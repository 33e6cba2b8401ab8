// The chat font from the profile as CSS: the page's CSP allows no style attributes, so the values go through the
// CSSOM as custom properties the stylesheet reads (`--chat-font-family`, `--chat-font-size`).

import type { FontPreference } from "../../core/client/mod.ts";

const GENERIC_FAMILIES = new Set([
  "serif",
  "sans-serif",
  "monospace",
  "cursive",
  "fantasy",
  "system-ui",
  "ui-serif",
  "ui-sans-serif",
  "ui-monospace",
  "ui-rounded",
  "math",
  "emoji",
  "fangsong",
]);

/**
 * A family name as one CSS value: generic keywords bare, every other name a quoted string with its quotes escaped.
 *
 * @param family A family name as the profile holds it.
 * @returns The CSS value.
 *
 * @example
 * ```ts
 * import { cssFamily } from "./_font.ts";
 * cssFamily("LXGW WenKai"); // "\"LXGW WenKai\""
 * cssFamily("serif"); // "serif"
 * ```
 */
export function cssFamily(family: string): string {
  if (GENERIC_FAMILIES.has(family.toLowerCase())) return family;
  return `"${family.replace(/[\p{Cc}]/gu, "").replace(/["\\]/g, "\\$&")}"`;
}

/**
 * Sets (or clears) the chat font's custom properties on an element.
 *
 * @param style The element's style (`CSSStyleDeclaration`).
 * @param font The profile's font.
 */
export function applyChatFont(
  style: { setProperty(name: string, value: string): void; removeProperty(name: string): unknown },
  font: FontPreference,
): void {
  if (font.family) style.setProperty("--chat-font-family", cssFamily(font.family));
  else style.removeProperty("--chat-font-family");
  if (font.size) style.setProperty("--chat-font-size", `${font.size}px`);
  else style.removeProperty("--chat-font-size");
}
