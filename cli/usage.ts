// The terminal client's commands as help shows them: the overview, one command's usage, and hints for typos.

import { closest } from "../core/config/_suggest.ts";

/** One command of `mimi client`, as help describes it. */
export interface CommandHelp {
  /** What the user types, e.g. `register`. */
  readonly name: string;
  /** Its arguments, e.g. `<user> <nickname…>`; empty when it takes none. */
  readonly args: string;
  /** One line: what it does. */
  readonly summary: string;
  /** More lines for `mimi client <command> --help`. */
  readonly details: string;
  /** A command line to copy, without the `mimi client` in front. */
  readonly example: string;
}

/** How the commands that need an account sign in, for their help. */
const SIGNED_IN =
  "Signs in with this machine's remembered device (login --remember), or with --user NAME and a password\n" +
  "(asked on a terminal, or the first line of standard input).";

/** How a conversation is named, for the help of the commands that take one. */
const CONVERSATION =
  "A conversation is a friend's username, a room's name or #id (see rooms), or lobby; @name means only\n" +
  "a friend, #id only a room.";

/** A room as the room commands print it with --json. */
const ROOM_JSON = "{ id, name, kind, public, ownerId, conversationId, handle }";

/** Every command, in the order help lists them. */
export const COMMANDS = [
  {
    name: "echo",
    args: "<text…>",
    summary: "send text to the server and print what comes back",
    details: "Checks that the server answers over a secure connection.",
    example: 'echo "你好"',
  },
  {
    name: "ping",
    args: "",
    summary: "print the round-trip time and the server clock",
    details: "Measures one round trip over the secure connection.",
    example: "ping",
  },
  {
    name: "register",
    args: "[--invite CODE] <user> <nickname…>",
    summary: "create an account; asks for the password twice",
    details: "A username is 3 to 32 letters, digits, _ . or -; the nickname is any text of up to 32 characters.\n" +
      "On a terminal the password is asked twice and never shown; from a pipe it is the first line of input.\n" +
      "The password never leaves this machine, not even encrypted (OPAQUE, RFC 9807).\n" +
      'A server with server.registration "invite" needs a code from its operator (mimi invite): --invite CODE.',
    example: "register alice 爱丽丝",
  },
  {
    name: "login",
    args: "[--remember[=NAME]] <user>",
    summary: "log in and show your profile, friends and friend requests",
    details: "On a terminal the password is asked once and never shown; from a pipe it is the first line of input.\n" +
      "--remember keeps this machine signed in: devices and logout then need no password. The device's key stays in\n" +
      'client.deviceKeysFile (mode 0600); NAME is what the device list shows (default "Terminal on <system>").',
    example: "login alice",
  },
  {
    name: "passwd",
    args: "<user>",
    summary: "change your password",
    details: "Asks for the current password, then the new one twice (on a terminal).\n" +
      "From a pipe: the current password on the first line, the new one on the second.",
    example: "passwd alice",
  },
  {
    name: "nickname",
    args: "<nickname…>",
    summary: "change the name others see",
    details: SIGNED_IN + "\n" +
      "The nickname is the rest of the line: any text of up to 32 characters, one line.\n" +
      "--json: { id, username, nickname }.",
    example: "nickname 小爱",
  },
  {
    name: "devices",
    args: "[--revoke ID] [--json]",
    summary: "list the devices that stay signed in to your account",
    details: "Uses this machine's remembered device (login --remember), so no password is asked.\n" +
      "--revoke ID signs that device out: it can no longer sign in without the password, and if it is connected it is\n" +
      "told and disconnected. Revoke a lost device from another one.\n" +
      "--json: { devices: [{ id, name, createdAt, lastUsedAt, current }] } (times ISO 8601).",
    example: "devices",
  },
  {
    name: "logout",
    args: "",
    summary: "sign this machine's remembered device out",
    details: "The server forgets the device and its key is deleted here; the next login asks for the password again.",
    example: "logout",
  },
  {
    name: "contacts",
    args: "",
    summary: "list your friends, online first",
    details: SIGNED_IN + "\n" +
      "--json: { contacts: [{ id, username, nickname, online, lastSeenAt }] } (lastSeenAt ISO 8601 or null).",
    example: "contacts",
  },
  {
    name: "requests",
    args: "",
    summary: "list the friend requests that wait for your answer",
    details: SIGNED_IN + "\n" +
      'A request answered "later" shows as later. Answer with accept, reject or later <user>.\n' +
      "--json: { requests: [{ id, from: { id, username, nickname }, note, status, createdAt }] }.",
    example: "requests",
  },
  {
    name: "accept",
    args: "<user>",
    summary: "accept a friend request: you can write to each other",
    details: SIGNED_IN + "\n--json: { requestId, from, status, conversationId }.",
    example: "accept bob",
  },
  {
    name: "reject",
    args: "<user>",
    summary: "reject a friend request",
    details: SIGNED_IN + "\n--json: { requestId, from, status, conversationId: null }.",
    example: "reject bob",
  },
  {
    name: "later",
    args: "<user>",
    summary: "leave a friend request for later: it is asked again at your next login",
    details: SIGNED_IN + "\n--json: { requestId, from, status, conversationId: null }.",
    example: "later bob",
  },
  {
    name: "add",
    args: "<user> [note…]",
    summary: "ask someone to be friends, with an optional note",
    details: SIGNED_IN + "\n" +
      "The note is one line of up to 200 characters. If they had asked you, you are friends at once.\n" +
      "--json: { requestId, to: { id, username, nickname }, status }.",
    example: 'add bob "from the lab"',
  },
  {
    name: "find",
    args: "<user>",
    summary: "look a user up by username and say how you stand with them",
    details: SIGNED_IN + "\n" +
      "Exits 1 when there is no such user (a user who blocked you cannot be found either).\n" +
      '--json: { id, username, nickname, relation } (relation: you, friend, blocked, "asked you" or none).',
    example: "find bob",
  },
  {
    name: "remove-friend",
    args: "<user>",
    summary: "end a friendship, for both of you",
    details: SIGNED_IN + "\n" +
      "Your conversation leaves both lists; its history stays on the server. Exits 1 for someone not your friend.\n" +
      "--json: { removed: { id, username, nickname } }.",
    example: "remove-friend bob",
  },
  {
    name: "block",
    args: "<user>",
    summary: "block a user: they can no longer find you, write to you or ask you",
    details: SIGNED_IN + "\n" +
      "Blocking ends a friendship with them; unblock lifts the block but does not bring the friendship back.\n" +
      "--json: { blocked: { id, username, nickname } }.",
    example: "block mallory",
  },
  {
    name: "unblock",
    args: "<user>",
    summary: "lift a block",
    details: SIGNED_IN + "\n" +
      "Exits 1 for someone you have not blocked. --json: { unblocked: { id, username, nickname } }.",
    example: "unblock mallory",
  },
  {
    name: "blocked",
    args: "",
    summary: "list the users you blocked, newest first",
    details: SIGNED_IN + "\n--json: { blocked: [{ id, username, nickname, blockedAt }] } (blockedAt ISO 8601).",
    example: "blocked",
  },
  {
    name: "rooms",
    args: "",
    summary: "list your rooms, the lobby first",
    details: SIGNED_IN + "\n" +
      "The first column is what names a room in other commands (#id, or lobby).\n" +
      "--json: { rooms: [{ id, name, kind, public, ownerId, conversationId, handle }] }.",
    example: "rooms",
  },
  {
    name: "members",
    args: "<room>",
    summary: "list a room's members, online first",
    details: SIGNED_IN + "\n" +
      "The room is named by its name, #id, or lobby (which only counts who is online).\n" +
      "--json: { room: { id, name }, onlineCount, members: [{ id, username, nickname, role, online }] }.",
    example: "members '#2'",
  },
  {
    name: "create-room",
    args: "[--public] <name> [user…]",
    summary: "make a room you own, with friends in it from the start",
    details: SIGNED_IN + "\n" +
      "The name is up to 64 characters (quote it if it has spaces); users are friends' usernames.\n" +
      "--public lists it under public-rooms for anyone to join; otherwise it is private (join it by invite-code).\n" +
      `--json: { room: ${ROOM_JSON}, members: [{ id, username, nickname }] }.`,
    example: "create-room 读书会 bob carol",
  },
  {
    name: "public-rooms",
    args: "",
    summary: "list the public rooms, most members first",
    details: SIGNED_IN + "\n" +
      "Join one with: join #id. --json: { rooms: [{ id, name, memberCount, member }] }.",
    example: "public-rooms",
  },
  {
    name: "join",
    args: "<room-id|code>",
    summary: "join a public room by its #id, or any room by an invite code",
    details: SIGNED_IN + "\n" +
      "A number (or #number) joins that public room; anything else is taken for an invite code from its owner.\n" +
      `--json: { room: ${ROOM_JSON} }.`,
    example: "join 7",
  },
  {
    name: "invite",
    args: "<room> <user…>",
    summary: "add friends to a room you are in",
    details: SIGNED_IN + "\n" +
      "The room is named by its name or #id (see rooms); quote #id, or the shell takes it for a comment.\n" +
      "Only your friends can be added; those in it already are skipped.\n" +
      "--json: { room: { id, name }, added: [{ id, username, nickname }] }.",
    example: "invite 读书会 dave",
  },
  {
    name: "invite-code",
    args: "<room> [--rotate]",
    summary: "make a code anyone can join your room with",
    details: SIGNED_IN + "\n" +
      "The room is named by its name or #id (see rooms); quote #id, or the shell takes it for a comment.\n" +
      "Owners only. The server keeps only the code's hash and cannot show it again, so every call makes a new code\n" +
      "and the one before stops working (--rotate says so in a script and changes nothing). The code alone is on\n" +
      "stdout. --json: { room: { id, name }, code }.",
    example: "invite-code 读书会",
  },
  {
    name: "leave",
    args: "<room>",
    summary: "leave a room",
    details: SIGNED_IN + "\n" +
      "The room is named by its name or #id (see rooms); quote #id, or the shell takes it for a comment.\n" +
      "An owner hands the room over first (transfer), unless they are its last member.\n" +
      "--json: { left: { id, name } }.",
    example: "leave 读书会",
  },
  {
    name: "rename",
    args: "<room> <name…>",
    summary: "rename a room you own",
    details: SIGNED_IN + "\n" +
      "The room is named by its name or #id (see rooms); quote #id, or the shell takes it for a comment.\n" +
      `The new name is the rest of the line. --json: { room: ${ROOM_JSON} }.`,
    example: "rename 读书会 周五读书会",
  },
  {
    name: "remove-member",
    args: "<room> <user>",
    summary: "remove a member from a room you own",
    details: SIGNED_IN + "\n" +
      "The room is named by its name or #id (see rooms); quote #id, or the shell takes it for a comment.\n" +
      "Exits 1 for a user who is not a member. --json: { room: { id, name }, removed: { id, username, nickname } }.",
    example: "remove-member 读书会 dave",
  },
  {
    name: "transfer",
    args: "<room> <user>",
    summary: "hand a room you own over to a member",
    details: SIGNED_IN + "\n" +
      "The room is named by its name or #id (see rooms); quote #id, or the shell takes it for a comment.\n" +
      `You stay in it as a member. --json: { room: ${ROOM_JSON}, owner: { id, username, nickname } }.`,
    example: "transfer 读书会 bob",
  },
  {
    name: "delete-room",
    args: "<room>",
    summary: "delete a room you own, with its history, for every member",
    details: SIGNED_IN + "\n" +
      "The room is named by its name or #id (see rooms); quote #id, or the shell takes it for a comment.\n" +
      "It cannot be undone. --json: { deleted: { id, name } }.",
    example: "delete-room 读书会",
  },
  {
    name: "history",
    args: "<conversation> [--before N] [--limit N]",
    summary: "print a conversation's messages, oldest first",
    details: SIGNED_IN + "\n" + CONVERSATION + "\n" +
      "Prints the newest 20 messages (--limit, 1 to 200), or those before message N (--before N): the line on stderr\n" +
      "gives the --before of the next older page. Images show their blob hash; save-image downloads them.\n" +
      "What is shown is marked read; --keep-unread leaves it unread.\n" +
      "--json: { conversation: { id, kind, title, handle }, messages: [{ seq, at, sender: { id, username, nickname }\n" +
      "| null, type, text?, image?: { blob, mime, width, height, size }, event?, recalledAt }], hasMore, before }.",
    example: "history bob --limit 50",
  },
  {
    name: "send",
    args: "<conversation> <text…>",
    summary: "send a text message; - reads it from standard input",
    details: SIGNED_IN + "\n" + CONVERSATION + "\n" +
      "With - the text is all of standard input, line breaks kept (after the password's line, with --user).\n" +
      "It prints once the server has stored the message. --json: { conversationId, seq, at }.",
    example: "send bob 晚上好",
  },
  {
    name: "send-image",
    args: "<conversation> <path>",
    summary: "send a PNG, JPEG, GIF or WebP image",
    details: SIGNED_IN + "\n" + CONVERSATION + "\n" +
      "--json: { conversationId, seq, at, blob, mime, width, height, size } (blob: its SHA-256 in hex).",
    example: "send-image bob photo.png",
  },
  {
    name: "save-image",
    args: "<conversation> <seq> [path]",
    summary: "download the image of message <seq>, byte for byte",
    details: SIGNED_IN + "\n" + CONVERSATION + "\n" +
      "Without a path it goes to client.downloadsDir (~/Downloads/mimi), named by its hash; the bytes are checked\n" +
      "against it. --json: { path, blob, mime, size }.",
    example: "save-image bob 12",
  },
  {
    name: "recall",
    args: "<conversation> <seq>",
    summary: "take back one of your messages, within the server's window",
    details: SIGNED_IN + "\n" + CONVERSATION + "\n" +
      "<seq> is the message's number as history shows it (#12). It keeps its place and shows as recalled to\n" +
      "everyone. The server refuses someone else's message, and one older than its window (server.recallWindowMs).\n" +
      "--json: { conversationId, seq, recalledAt } (ISO 8601).",
    example: "recall bob 12",
  },
  {
    name: "read",
    args: "<conversation>",
    summary: "mark a conversation read up to its newest message",
    details: SIGNED_IN + "\n" + CONVERSATION + "\n" +
      "Nothing is printed of the messages; unread counts follow. The lobby has no read position.\n" +
      "--json: { conversationId, readSeq }.",
    example: "read bob",
  },
  {
    name: "lobby",
    args: "[--limit N] [--before N]",
    summary: "print the lobby's recent messages and how many are online",
    details: SIGNED_IN + "\n" +
      "Everyone is in the lobby; write there with: send lobby <text>. Paging as in history (--limit 1 to 200).\n" +
      "Senders who are neither you nor a friend show as user <id>.\n" +
      "--json: { room: { id, name }, onlineCount, messages: [as in history], hasMore, before }.",
    example: "lobby --limit 50",
  },
  {
    name: "unread",
    args: "",
    summary: "show how many messages wait in each conversation",
    details: SIGNED_IN + "\n" +
      "Counts messages from others after your read position; history marks them read.\n" +
      "--json: { total, conversations: [{ id, kind, title, handle, unread, lastSeq, readSeq }] }.",
    example: "unread",
  },
  {
    name: "fingerprint",
    args: "",
    summary: "print the server's key fingerprint",
    details: "Connects without logging in and prints the fingerprint of the server's key, pinned on first contact;\n" +
      "compare it with the one the server printed. --json: { server, fingerprint, pinnedIn, pinnedNow }.",
    example: "fingerprint",
  },
  {
    name: "suites",
    args: "",
    summary: "list the cipher suites this client can offer",
    details: "Shows every algorithm and whether the configuration offers it; no connection is made.\n" +
      "--json: { primitives, kex, aead, hash, sig: [{ id, offered, preference }], ffdhe: { modulus, base } }.",
    example: "suites --crypto.aead=chacha20-poly1305",
  },
  {
    name: "forget",
    args: "[host:port]",
    summary: "drop the pinned key of a server (after it changed on purpose)",
    details: "Without an address, forgets the configured server (client.host and client.tcpPort).\n" +
      "The next connection pins the key the server presents then; compare it with the one the server printed.",
    example: "forget 127.0.0.1:8111",
  },
  {
    name: "help",
    args: "[command]",
    summary: "show this help, or one command's",
    details: "The same as --help.",
    example: "help register",
  },
] as const satisfies readonly CommandHelp[];

/** The name of a command in {@linkcode COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number]["name"];

/** Options that are not commands but may stand where one does. */
const OPTIONS = ["--help", "-h", "--version"] as const;

/** Options that commands take after their name, never before it. */
const COMMAND_OPTIONS = ["--user", "--json"];

/**
 * The overview `mimi client help` prints.
 *
 * @returns Several lines, without a final line break.
 */
export function clientUsage(): string {
  const rows = COMMANDS.map(({ name, args, summary }) => {
    const head = `  ${name}${args ? ` ${args}` : ""}`;
    return head.length < 23 ? `${head.padEnd(23)}${summary}` : `${head}\n${" ".repeat(23)}${summary}`;
  });
  return `Usage: mimi client <command> [args]       (from a checkout: deno task client -- <command> [args])

Commands:
${rows.join("\n")}

Options:
  -h, --help           show this help; after a command, that command's usage
  --version            print the version
  --json               print one JSON document (its fields are in each command's help)
  --user NAME          sign in as NAME with a password instead of this machine's remembered device

Exit codes: 0 done, 1 refused by the server (its message on stderr), 2 bad usage or configuration,
3 no connection or an insecure one (no server, the server's key changed, a failed handshake).

The server address comes from config.json ("client" section), MIMI_CLIENT_*
variables or flags such as --client.host=10.0.0.5 --client.tcpPort=8111.
Choose the suite of one connection with flags, e.g.
  --crypto.kex=p256 --crypto.aead=chacha20-poly1305 --crypto.hash=sha384 --crypto.sig=ecdsa-p256`;
}

/**
 * The usage of one command, with an example, for `mimi client <command> --help`.
 *
 * @param name A command name.
 * @returns Several lines, or `undefined` if there is no such command.
 *
 * @example
 * ```ts
 * import { commandUsage } from "./usage.ts";
 * commandUsage("login")?.split("\n")[0]; // "Usage: mimi client login <user>"
 * ```
 */
export function commandUsage(name: string): string | undefined {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return undefined;
  return `Usage: mimi client ${command.name}${command.args ? ` ${command.args}` : ""}
${command.summary[0].toUpperCase()}${command.summary.slice(1)}.
${command.details}

Example:
  mimi client ${command.example}
  deno task client -- ${command.example}      (from a checkout)`;
}

/**
 * One line for a command that does not exist, naming the closest one when the word looks like a typo of it.
 *
 * @param name What the user typed where a command goes.
 * @returns E.g. `unknown command "regster"; did you mean "register"? "help" lists the commands`.
 *
 * @example
 * ```ts
 * import { unknownCommand } from "./usage.ts";
 * unknownCommand("regster"); // 'unknown command "regster"; did you mean "register"? "help" lists the commands'
 * ```
 */
export function unknownCommand(name: string): string {
  // An option of the commands put before the command ("--user alice contacts"): say where it goes.
  if (COMMAND_OPTIONS.includes(name)) {
    return `"${name}" goes after the command, e.g. "contacts ${name}${name === "--user" ? " NAME" : ""}"; ` +
      `"help" lists the commands`;
  }
  const candidates = [...COMMANDS.map((c) => c.name), ...OPTIONS];
  // closest() counts two swapped letters as two edits, too many for a short name; that typo is common, so check it too.
  const hint = closest(name, candidates) ?? candidates.find((candidate) => swapsTwoLetters(name, candidate));
  return `unknown command "${name}"; ${hint ? `did you mean "${hint}"? ` : ""}"help" lists the commands`;
}

/** Whether `b` is `a` with two neighbouring letters swapped (`pign` and `ping`). */
function swapsTwoLetters(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const at = [...a].findIndex((char, i) => char !== b[i]);
  return at >= 0 && at + 1 < a.length && a[at] === b[at + 1] && a[at + 1] === b[at] &&
    a.slice(at + 2) === b.slice(at + 2);
}
