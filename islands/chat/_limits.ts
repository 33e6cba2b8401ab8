// The server's limits on messages as the chat applies them before sending: text length in characters, an image's
// bytes and pixels, and the window in which "Recall" is offered (PageSettings.chat, from the server's config).

import type { ChatLimits } from "../../core/client/mod.ts";
import type { Locale } from "../_i18n.ts";

/**
 * A text's length as the server counts it: in characters (code points), so "你好" is 2 and an emoji is 1.
 *
 * @param text The text.
 * @returns How many code points it holds.
 *
 * @example
 * ```ts
 * import { textLength } from "./_limits.ts";
 * textLength("你好👋"); // 3
 * ```
 */
export function textLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Why an image cannot be sent: larger than the server takes, or more pixels than it takes. */
export type ImageRefusal =
  | { reason: "bytes"; limit: number }
  | { reason: "pixels"; limit: number };

/**
 * Whether the server would refuse an image for its size, before anything is uploaded.
 *
 * @param size The image's bytes.
 * @param pixels Its width and height, as its header says.
 * @param limits The server's limits.
 * @returns The refusal, or undefined when the image fits.
 *
 * @example
 * ```ts
 * import { imageRefusal } from "./_limits.ts";
 * const limits = { messageTextChars: 4000, imageBytes: 1000, imagePixels: 100, thumbnailBytes: 10, recallWindowMs: 1 };
 * imageRefusal(2000, { width: 5, height: 5 }, limits); // { reason: "bytes", limit: 1000 }
 * ```
 */
export function imageRefusal(
  size: number,
  pixels: { width: number; height: number },
  limits: ChatLimits,
): ImageRefusal | undefined {
  if (size > limits.imageBytes) return { reason: "bytes", limit: limits.imageBytes };
  if (pixels.width * pixels.height > limits.imagePixels) return { reason: "pixels", limit: limits.imagePixels };
  return undefined;
}

/**
 * Whether "Recall" is still offered for a message: within the server's window after it was sent.
 *
 * @param sentAt When the server took the message.
 * @param now The time now.
 * @param limits The server's limits.
 */
export function canRecall(sentAt: number, now: number, limits: ChatLimits): boolean {
  return now - sentAt < limits.recallWindowMs;
}

const KIB = 1024;
const MIB = 1024 * 1024;

/**
 * A size in bytes as people read it, in the language: "10 MB", "64 kB", "512 byte" (binary multiples, as file
 * managers count).
 *
 * @param locale The language.
 * @param bytes The size.
 *
 * @example
 * ```ts
 * import { sizeIn } from "./_limits.ts";
 * sizeIn("en", 10 * 1024 * 1024); // "10 MB"
 * ```
 */
export function sizeIn(locale: Locale, bytes: number): string {
  const [value, unit] = bytes >= MIB ? [bytes / MIB, "megabyte"] : bytes >= KIB ? [bytes / KIB, "kilobyte"] : [
    bytes,
    "byte",
  ];
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 })
    .format(value);
}

/**
 * A count of pixels as people read it: "16 megapixels" reads as "16 million pixels" in the words, so this gives the
 * millions with at most one decimal ("16", "2.5").
 *
 * @param locale The language.
 * @param pixels The count.
 */
export function megapixelsIn(locale: Locale, pixels: number): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(pixels / 1_000_000);
}
