// The thumbnail an image message carries (PROTOCOL.md §15), made in the browser before sending: the image drawn
// small on a canvas and encoded as WebP (JPEG where the browser cannot encode WebP), under the server's size limit.

/** The longest side of a thumbnail, in pixels: sharp on a phone at twice the density of the chat's 160-pixel box. */
export const THUMBNAIL_EDGE = 320;

/**
 * The size that fits an image into a square box, keeping its shape; never larger than the image.
 *
 * @param width The image's width.
 * @param height The image's height.
 * @param edge The box's side.
 * @returns Whole pixels, at least 1 each.
 *
 * @example
 * ```ts
 * import { fitWithin } from "./_thumbnail.ts";
 * fitWithin(1000, 500, 320); // { width: 320, height: 160 }
 * ```
 */
export function fitWithin(width: number, height: number, edge: number): { width: number; height: number } {
  const scale = Math.min(1, edge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Sizes and qualities tried in turn: photos fit at the first; noise-like images need the small ones. */
const STEPS: readonly [edge: number, quality: number][] = [
  [THUMBNAIL_EDGE, 0.8],
  [THUMBNAIL_EDGE, 0.6],
  [240, 0.5],
  [160, 0.5],
  [96, 0.4],
  [64, 0.3],
];

async function encode(canvas: OffscreenCanvas, quality: number): Promise<Blob> {
  const webp = await canvas.convertToBlob({ type: "image/webp", quality });
  // A browser that cannot encode WebP answers PNG, which is large for photos: JPEG then.
  return webp.type === "image/webp" ? webp : await canvas.convertToBlob({ type: "image/jpeg", quality });
}

/**
 * Makes a thumbnail of an image file: smaller steps of size and quality until it fits the server's limit.
 *
 * @param file The image (a PNG, JPEG, GIF or WebP the browser can decode).
 * @param maxBytes The most bytes it may hold: the server's `server.limits.thumbnailBytes` (`PageSettings.chat`).
 * @returns The thumbnail's bytes, or undefined when the browser cannot decode the image or no step fits (the image
 *   is then sent without one, as the protocol allows).
 */
export async function makeThumbnail(file: Blob, maxBytes: number): Promise<Uint8Array | undefined> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    // Swallowed on purpose: an image this browser cannot decode still goes, without a thumbnail; the server checks it.
    return undefined;
  }
  try {
    for (const [edge, quality] of STEPS) {
      const size = fitWithin(bitmap.width, bitmap.height, edge);
      const canvas = new OffscreenCanvas(size.width, size.height);
      const context = canvas.getContext("2d");
      if (!context) return undefined;
      context.drawImage(bitmap, 0, 0, size.width, size.height);
      const blob = await encode(canvas, quality);
      if (blob.size <= maxBytes) return new Uint8Array(await blob.arrayBuffer());
    }
    return undefined;
  } finally {
    bitmap.close();
  }
}
