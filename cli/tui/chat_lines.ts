// The open conversation of the interactive mode as lines of text: each message with its time and sender, wrapped by
// display width; images with where they were saved; recalled and system lines; the user's sends still on their way.

import type { ConversationMessages, Message, OutgoingMessage } from "../../core/client/mod.ts";
import { wrapToWidth } from "./width.ts";

/** One line of the conversation, at most the panel's width. */
export interface ChatLine {
  text: string;
  /** How it is drawn: the user's own, someone else's, the server's, a send on its way, or a refused send. */
  kind: "own" | "other" | "system" | "pending" | "failed";
}

/** Options of {@link chatLines}. */
export interface ChatLineOptions {
  /** Columns of the panel, 12 or more. */
  width: number;
  /** The signed-in user. */
  me: number | null;
  /** A user's nickname, by id. */
  nickname(userId: number): string;
  /** Where a received image was saved, or a word on its download ("downloading…"); undefined before it is asked. */
  imageNote(message: Message): string | undefined;
  /** The time of day a message shows, e.g. "09:42". Default: local hours and minutes. */
  time?(at: number): string;
}

/** Columns before the text of a message: "09:42 ". */
const INDENT = 6;

function localTime(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

/**
 * The lines of a conversation, oldest first.
 *
 * @param held What is held of the conversation (its messages and the user's unanswered sends).
 * @param options Panel width, how to name users, time and images.
 * @returns The lines; a message's continuation lines are indented under its text.
 *
 * @example
 * ```ts ignore
 * import { chatLines } from "./chat_lines.ts";
 * chatLines(state.messages[id], { width: 50, me, nickname: (id) => names[id], imageNote: () => undefined });
 * ```
 */
export function chatLines(held: ConversationMessages | undefined, options: ChatLineOptions): ChatLine[] {
  if (!Number.isInteger(options.width) || options.width < 12) {
    throw new RangeError(
      `Cannot draw messages as 'width' must be a whole number from 12: current value is ${options.width}`,
    );
  }
  const lines: ChatLine[] = [];
  if (!held) return lines;
  if (held.hasOlder) lines.push({ text: "  ··· PgUp loads older messages ···", kind: "system" });
  for (const message of held.messages) lines.push(...messageLines(message, options));
  for (const outgoing of held.outgoing) lines.push(...outgoingLines(outgoing, options));
  return lines;
}

function messageLines(message: Message, options: ChatLineOptions): ChatLine[] {
  const time = (options.time ?? localTime)(message.at);
  if (message.senderId === null) return block(time, systemText(message, options), "system", options.width);
  const own = message.senderId === options.me;
  const who = own ? "me" : options.nickname(message.senderId);
  return block(time, `${who}: ${bodyText(message, options)}`, own ? "own" : "other", options.width);
}

function outgoingLines(outgoing: OutgoingMessage, options: ChatLineOptions): ChatLine[] {
  const body = outgoing.body.type === "text" ? outgoing.body.text : "[image]";
  if (outgoing.state === "pending") return block("  ›  ", `me: ${body} (sending…)`, "pending", options.width);
  const reason = outgoing.error instanceof Error ? outgoing.error.message : "refused";
  return block("  !  ", `me: ${body} (not sent: ${reason})`, "failed", options.width);
}

function bodyText(message: Message, options: ChatLineOptions): string {
  if (message.recalledAt !== null || message.body.type === "recalled") return "(recalled a message)";
  const body = message.body;
  switch (body.type) {
    case "text":
      return body.text;
    case "image": {
      const note = options.imageNote(message);
      return `[image ${body.width}×${body.height}, ${kilobytes(body.size)}]${note ? ` ${note}` : ""}`;
    }
    default:
      return "[a message this version cannot show]";
  }
}

function systemText(message: Message, options: ChatLineOptions): string {
  const body = message.body;
  if (body.type !== "system") return bodyText(message, options);
  const who = body.userId ? options.nickname(body.userId) : "someone";
  const by = body.by ? ` (by ${options.nickname(body.by)})` : "";
  switch (body.event) {
    case "created":
      return `* room created${body.name ? `: ${body.name}` : ""}${by}`;
    case "joined":
      return `* ${who} joined${by}`;
    case "left":
      return `* ${who} left`;
    case "removed":
      return `* ${who} was removed${by}`;
    case "renamed":
      return `* room renamed${body.name ? ` to ${body.name}` : ""}${by}`;
    case "owner":
      return `* ${who} now owns the room`;
    default:
      return `* ${body.event}`;
  }
}

function kilobytes(size: number): string {
  return size < 1024 ? `${size} B` : `${(size / 1024).toFixed(size < 10240 ? 1 : 0)} KB`;
}

/** A message as lines: the first after its time, the rest indented under it. */
function block(time: string, text: string, kind: ChatLine["kind"], width: number): ChatLine[] {
  return wrapToWidth(text, width - INDENT).map((line, i) => ({
    text: (i === 0 ? time.padEnd(INDENT) : " ".repeat(INDENT)) + line,
    kind,
  }));
}
