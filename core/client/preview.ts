// A conversation's preview line, QQ-style, computed from its last message: "Nickname: text" in rooms, placeholders
// for images and other non-text lines, newlines folded, long text cut where the screen can cut it.

import type { Message } from "./chat_types.ts";

/**
 * What a preview shows, without words of any language: a UI turns `image`, `recalled`, `system` and `unsupported`
 * into its own ("[图片]" / "[Image]").
 */
export type PreviewContent =
  | { kind: "text"; text: string }
  | { kind: "image" }
  | { kind: "recalled" }
  | { kind: "system"; event: string }
  | { kind: "unsupported" };

/** A conversation's preview line. */
export interface Preview {
  /**
   * The nickname to show before the content, as in "Alice: hi": set in rooms for messages users sent (the user's own
   * included) when the nickname is known; null in direct conversations and for the server's lines.
   */
  sender: string | null;
  /** Who sent it (null: the server), so a UI can say "You" for the user's own. */
  senderId: number | null;
  content: PreviewContent;
}

/** Options of {@link previewOf}. */
export interface PreviewOptions {
  /** Whether the message is from a room (sender shown) rather than a direct conversation. */
  room: boolean;
  /** The nickname of a user, when known. */
  nickname(userId: number): string | undefined;
  /** Most columns the text takes, the ellipsis included (CJK and emoji count 2). Default 40. */
  maxWidth?: number;
}

/** Default width of a preview's text, in terminal columns. */
export const PREVIEW_WIDTH = 40;

/**
 * The preview of a conversation's last message.
 *
 * @param message The last message.
 * @param options Whether it is a room's, how to name senders, how wide the text may be.
 * @returns The preview.
 *
 * @example
 * ```ts
 * import { previewOf } from "./preview.ts";
 * const message = {
 *   conversationId: 1, seq: 3, senderId: 7, clientId: "a", at: 0, recalledAt: null,
 *   body: { type: "text" as const, text: "line one\nline two" },
 * };
 * previewOf(message, { room: true, nickname: () => "Alice" });
 * // { sender: "Alice", senderId: 7, content: { kind: "text", text: "line one line two" } }
 * ```
 */
export function previewOf(message: Message, options: PreviewOptions): Preview {
  const senderId = message.senderId;
  const sender = options.room && senderId !== null ? options.nickname(senderId) ?? null : null;
  return { sender, senderId, content: contentOf(message, options.maxWidth ?? PREVIEW_WIDTH) };
}

function contentOf(message: Message, maxWidth: number): PreviewContent {
  if (message.recalledAt !== null) return { kind: "recalled" };
  const body = message.body as { type: string; text?: unknown; event?: unknown };
  switch (body.type) {
    case "text":
      return typeof body.text === "string"
        ? { kind: "text", text: cutToWidth(foldLines(body.text), maxWidth) }
        : { kind: "unsupported" };
    case "image":
      return { kind: "image" };
    case "recalled":
      return { kind: "recalled" };
    case "system":
      return { kind: "system", event: String(body.event) };
    default:
      return { kind: "unsupported" };
  }
}

/** The words a UI gives the placeholders of {@link formatPreview}. */
export interface PreviewWords {
  /** An image: "[图片]", "[Image]". */
  image: string;
  /** A recalled message: "撤回了一条消息", "recalled a message". */
  recalled: string;
  /** A system line, by event: "joined" → "加入了群聊". */
  system(event: string): string;
  /** A body this version does not know: "[不支持的消息]", "[Unsupported message]". */
  unsupported: string;
}

/**
 * The preview as one line of text: "Nickname: content" when there is a sender to show, else the content.
 *
 * @param preview The preview.
 * @param words The UI's words for the placeholders.
 * @returns The line.
 *
 * @example
 * ```ts
 * import { formatPreview } from "./preview.ts";
 * const words = { image: "[图片]", recalled: "撤回了一条消息", system: (e: string) => e, unsupported: "[?]" };
 * formatPreview({ sender: "小明", senderId: 2, content: { kind: "image" } }, words); // "小明: [图片]"
 * ```
 */
export function formatPreview(preview: Preview, words: PreviewWords): string {
  const content = preview.content;
  const text = content.kind === "text"
    ? content.text
    : content.kind === "system"
    ? words.system(content.event)
    : words[content.kind];
  return preview.sender === null ? text : `${preview.sender}: ${text}`;
}

/**
 * Folds a multi-line text into one line: every line break, with the white space around it, becomes one space; tabs
 * become spaces; the ends are trimmed.
 *
 * @param text Any text.
 * @returns One line.
 *
 * @example
 * ```ts
 * import { foldLines } from "./preview.ts";
 * foldLines("  hello \r\n\n  world\t!  "); // "hello world !"
 * ```
 */
export function foldLines(text: string): string {
  return text.replace(/\s*[\n\r\u2028\u2029\u0085]\s*/g, " ").replace(/\t/g, " ").trim();
}

const ELLIPSIS = "…";

/**
 * Cuts a one-line text to at most `maxWidth` columns, ending it with "…" when cut. It cuts only between grapheme
 * clusters (never inside a surrogate pair, an emoji sequence or a letter with its accents) and counts wide
 * characters (CJK, full-width forms, emoji) as two columns, as a terminal shows them.
 *
 * @param text One line of text.
 * @param maxWidth Most columns, the ellipsis included; at least 1.
 * @returns The text, or its beginning and "…".
 * @throws {RangeError} If `maxWidth` is not a whole number from 1.
 *
 * @example
 * ```ts
 * import { cutToWidth } from "./preview.ts";
 * cutToWidth("你好世界", 5); // "你好…"
 * cutToWidth("hello", 5); // "hello"
 * ```
 */
export function cutToWidth(text: string, maxWidth: number): string {
  if (!Number.isInteger(maxWidth) || maxWidth < 1) {
    throw new RangeError(`Cannot cut text as 'maxWidth' must be a whole number from 1: current value is ${maxWidth}`);
  }
  const clusters = graphemes(text);
  let width = 0;
  for (const cluster of clusters) width += clusterWidth(cluster);
  if (width <= maxWidth) return text;
  const room = maxWidth - 1;
  let out = "";
  width = 0;
  for (const cluster of clusters) {
    const w = clusterWidth(cluster);
    if (width + w > room) break;
    out += cluster;
    width += w;
  }
  return out.trimEnd() + ELLIPSIS;
}

/**
 * How many terminal columns a text takes: wide characters (CJK, full-width forms, emoji) 2, combining marks and
 * joiners 0, the others 1, counted per grapheme cluster.
 *
 * @param text Any text.
 * @returns Its width in columns.
 *
 * @example
 * ```ts
 * import { displayWidth } from "./preview.ts";
 * displayWidth("ab"); // 2
 * displayWidth("图片"); // 4
 * displayWidth("👍🏽"); // 2
 * ```
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const cluster of graphemes(text)) width += clusterWidth(cluster);
  return width;
}

const segmenter = typeof Intl.Segmenter === "function"
  ? new Intl.Segmenter(undefined, { granularity: "grapheme" })
  : null;

function graphemes(text: string): string[] {
  // Without Intl.Segmenter (old runtimes), code points: never a broken surrogate pair, at worst a split accent.
  return segmenter ? Array.from(segmenter.segment(text), (s) => s.segment) : Array.from(text);
}

const EMOJI = /\p{Extended_Pictographic}/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

function clusterWidth(cluster: string): number {
  if (cluster.includes("\uFE0F") || (EMOJI.test(cluster) && isWide(cluster.codePointAt(0)!))) return 2;
  let width = 0;
  for (const char of cluster) {
    if (ZERO_WIDTH.test(char)) continue;
    // A cluster is one glyph: its base character decides its width.
    width = isWide(char.codePointAt(0)!) ? 2 : 1;
    break;
  }
  return width;
}

/** East Asian Wide and Full-width ranges (Unicode UAX #11), and the emoji blocks shown wide. */
function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x2fffd) ||
    (cp >= 0x30000 && cp <= 0x3fffd);
}
