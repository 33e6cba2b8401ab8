// How `history` shows a message: lines of plain text for people, a map of stable fields for --json.

import { hex } from "../core/bytes/hex.ts";
import type { Message, UserRef } from "../core/client/mod.ts";

/** A message as `history --json` prints it; the field names are part of the command's contract (see its help). */
export interface MessageJson {
  seq: number;
  /** When the server stored it, ISO 8601 in UTC. */
  at: string;
  /** Who sent it; null for the server's own lines. `username` and `nickname` are null when the sender is not known. */
  sender: { id: number; username: string | null; nickname: string | null } | null;
  /** `text`, `image`, `system`, `recalled`, or a type this version does not know. */
  type: string;
  /** The text of a text message. */
  text?: string;
  /** An image message's blob: its SHA-256 in hex (what `save-image` downloads), type, pixels and bytes. */
  image?: { blob: string; mime: string; width: number; height: number; size: number };
  /** What a system line records, e.g. `joined`. */
  event?: string;
  /** When it was recalled, ISO 8601, or null. */
  recalledAt: string | null;
}

/** Who is who, by user id: the user, friends, room members. */
export type Names = Readonly<Record<number, UserRef>>;

/**
 * A message for --json.
 *
 * @param message The message.
 * @param names Known users, to name the sender.
 * @returns Its stable fields.
 */
export function messageJson(message: Message, names: Names): MessageJson {
  const sender = message.senderId === null ? null : {
    id: message.senderId,
    username: names[message.senderId]?.username ?? null,
    nickname: names[message.senderId]?.nickname ?? null,
  };
  const json: MessageJson = {
    seq: message.seq,
    at: new Date(message.at).toISOString(),
    sender,
    type: message.body.type,
    recalledAt: message.recalledAt === null ? null : new Date(message.recalledAt).toISOString(),
  };
  const body = message.body;
  if (body.type === "text") json.text = body.text;
  if (body.type === "image") {
    json.image = { blob: hex(body.blob), mime: body.mime, width: body.width, height: body.height, size: body.size };
  }
  if (body.type === "system") json.event = body.event;
  return json;
}

/**
 * A message for people: `#seq time sender: text`, a text's further lines indented under it; an image as its type,
 * pixels, size and blob hash.
 *
 * @param message The message.
 * @param names Known users, to name the sender and the users a system line is about.
 * @returns One line, or several for a multi-line text.
 *
 * @example
 * ```ts
 * import { messageLines } from "./message_view.ts";
 * const message = {
 *   conversationId: 1, seq: 4, senderId: 2, clientId: "c", at: 0, recalledAt: null,
 *   body: { type: "text" as const, text: "hi\nthere" },
 * };
 * messageLines(message, { 2: { id: 2, username: "bob", nickname: "Bob" } });
 * // ["#4  1970-01-01 00:00  Bob: hi", "    there"]
 * ```
 */
export function messageLines(message: Message, names: Names): string[] {
  const when = new Date(message.at).toISOString().slice(0, 16).replace("T", " ");
  const who = message.senderId === null ? "*" : `${nameOf(names, message.senderId)}:`;
  const [first, ...more] = bodyText(message, names).split("\n");
  return [`#${message.seq}  ${when}  ${who} ${first}`, ...more.map((line) => `    ${line}`)];
}

function nameOf(names: Names, id: number | null | undefined): string {
  if (id === null || id === undefined) return "someone";
  return names[id]?.nickname ?? `user ${id}`;
}

function bodyText(message: Message, names: Names): string {
  const body = message.body;
  switch (body.type) {
    case "text":
      return body.text;
    case "image":
      return `[image ${body.mime} ${body.width}×${body.height}, ${body.size} bytes, blob ${hex(body.blob)}]`;
    case "recalled":
      return "[recalled]";
    case "system": {
      const user = nameOf(names, body.userId);
      const by = body.by ? ` by ${nameOf(names, body.by)}` : "";
      const line: Record<string, string> = {
        created: `room "${body.name ?? ""}" created${by}`,
        joined: `${user} joined${by}`,
        left: `${user} left`,
        removed: `${user} was removed${by}`,
        renamed: `room renamed to "${body.name ?? ""}"${by}`,
        owner: `${user} is the owner now${by}`,
      };
      return line[body.event] ?? `[${body.event}]`;
    }
    default:
      return `[a ${(body as { type: string }).type} message this version cannot show]`;
  }
}
