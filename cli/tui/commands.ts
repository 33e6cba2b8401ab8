// The slash commands of the interactive mode: a typed line parsed into what to do, or a one-line reason it cannot be.

/** A command typed in the compose area. */
export type Command =
  | { name: "open"; target: string }
  | { name: "image"; path: string }
  | { name: "add"; username: string; note?: string }
  | { name: "accept" | "reject" | "later"; username?: string }
  | { name: "create"; room: string; usernames: string[] }
  | { name: "join"; code: string }
  | { name: "invite"; usernames: string[] }
  | { name: "members" }
  | { name: "recall" }
  | { name: "rooms" | "leave" | "devices" | "logout" | "help" | "quit" }
  | { name: "code"; rotate: boolean }
  | { name: "rename"; room: string }
  | { name: "kick" | "transfer" | "block" | "unfriend"; username: string }
  | { name: "delete"; confirm?: string }
  | { name: "nick"; nickname: string }
  | { name: "revoke"; deviceId: number };

/** Each command with its arguments and what it does, for the help screen and the hint on a mistyped one. */
export const COMMAND_HELP: readonly (readonly [usage: string, what: string])[] = [
  ["/open <number|name>", "open a conversation (also ↑/↓ and Enter on an empty line); /open lobby"],
  ["/image <path>", "send an image (PNG, JPEG, GIF or WebP)"],
  ["/add <user> [note]", "ask someone to be friends"],
  ["/accept [user]", "accept a friend request (the oldest without a name)"],
  ["/reject [user]", "reject a friend request"],
  ["/later [user]", "answer a friend request later (asked again at the next login)"],
  ["/create <name> [user…]", "create a group with friends in it"],
  ["/join <code|id>", "join a group by invite code, or a public one by id"],
  ["/invite <user…>", "add friends to the open group"],
  ["/members", "show the open group's members, online first"],
  ["/recall", "recall your last message in the open conversation"],
  ["/rooms", "list the public groups (/join <id> joins one)"],
  ["/leave", "leave the open group"],
  ["/code [new]", "show the open group's invite code; new makes another, the old one stops working"],
  ["/rename <name>", "rename the open group (owner)"],
  ["/kick <user>", "remove a member from the open group (owner)"],
  ["/transfer <user>", "hand the open group over to a member (owner)"],
  ["/delete [name]", "delete the open group and its history (owner; asks to confirm with its name)"],
  ["/block <user>", "block a user: no messages or requests from them"],
  ["/unfriend <user>", "remove a friend"],
  ["/nick <nickname>", "change your nickname"],
  ["/devices", "list your remembered devices"],
  ["/revoke <id>", "sign a remembered device out (its id from /devices)"],
  ["/logout", "log out and forget this device, then leave"],
  ["/help", "show this help (Esc closes it)"],
  ["/quit", "leave (Ctrl+C too)"],
];

const NAMES = new Set(COMMAND_HELP.map(([usage]) => usage.slice(1).split(" ")[0]));

/**
 * Parses a line typed in the compose area.
 *
 * @param line What was typed; a line starting with "//" is a message starting with "/", not a command.
 * @returns The command; `{ error }` for a command that is unknown or lacks arguments; undefined for a message.
 *
 * @example
 * ```ts
 * import { parseCommand } from "./commands.ts";
 * parseCommand("/add bob from work"); // { name: "add", username: "bob", note: "from work" }
 * parseCommand("hello"); // undefined
 * ```
 */
export function parseCommand(line: string): Command | { error: string } | undefined {
  const text = line.trim();
  if (!text.startsWith("/") || text.startsWith("//")) return undefined;
  const [word, ...args] = text.slice(1).split(/\s+/);
  const name = word.toLowerCase();
  const rest = text.slice(1 + word.length).trim();
  const usage = (n: string) => COMMAND_HELP.find(([u]) => u.startsWith(`/${n} `) || u === `/${n}`)![0];
  const needs = (count: number): { error: string } | undefined =>
    args.length < count ? { error: `Usage: ${usage(name)}` } : undefined;
  switch (name) {
    case "open":
      return needs(1) ?? { name, target: rest };
    case "image":
      return needs(1) ?? { name, path: rest };
    case "add": {
      const note = rest.slice(args[0]?.length ?? 0).trim();
      return needs(1) ?? { name, username: args[0], ...(note ? { note } : {}) };
    }
    case "accept":
    case "reject":
    case "later":
      return args.length > 1 ? { error: `Usage: ${usage(name)}` } : { name, ...(args[0] ? { username: args[0] } : {}) };
    case "create":
      return needs(1) ?? { name, room: args[0], usernames: args.slice(1) };
    case "join":
      return needs(1) ?? { name, code: args[0] };
    case "invite":
      return needs(1) ?? { name, usernames: args };
    case "members":
    case "recall":
    case "rooms":
    case "leave":
    case "devices":
    case "logout":
    case "help":
    case "quit":
      return { name };
    case "code":
      if (args.length > 1 || (args[0] !== undefined && args[0].toLowerCase() !== "new")) {
        return { error: `Usage: ${usage(name)}` };
      }
      return { name, rotate: args[0] !== undefined };
    case "rename":
      return needs(1) ?? { name, room: rest };
    case "kick":
    case "transfer":
    case "block":
    case "unfriend":
      return needs(1) ?? (args.length > 1 ? { error: `Usage: ${usage(name)}` } : { name, username: args[0] });
    case "delete":
      return { name, ...(rest ? { confirm: rest } : {}) };
    case "nick":
      return needs(1) ?? { name, nickname: rest };
    case "revoke":
      return needs(1) ?? (/^\d+$/.test(rest) ? { name, deviceId: Number(rest) } : { error: `Usage: ${usage(name)}` });
    case "q":
    case "exit":
      return { name: "quit" };
  }
  const near = [...NAMES].find((known) => known.startsWith(name.slice(0, 2)) && name.length > 0);
  return { error: `Unknown command /${word}${near ? `; did you mean /${near}?` : ""} (/help lists them)` };
}

/**
 * What a typed line sends as a message: "//" at the start stands for a literal "/".
 *
 * @param line The compose area's text.
 * @returns The message text.
 */
export function messageText(line: string): string {
  return line.startsWith("//") ? line.slice(1) : line;
}
