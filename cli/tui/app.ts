// The interactive mode's screen, an Ink component over the SDK's state store: status line, conversation list,
// open conversation, compose area, notice and help line. Keys and commands become SDK calls; what the screen shows is
// read from the snapshot on every change.

// @ts-types="@types/react"
import React from "react";
import process from "node:process";
import { Box, Text, useApp, useInput } from "ink";
import {
  type ClientState,
  HandshakeError,
  type MimiConnection,
  ProtocolError,
  type PublicRoom,
} from "../../core/client/mod.ts";
import type { SendKey } from "../../core/config/schema.ts";
import { type ActionContext, runCommand } from "./actions.ts";
import { chatLines } from "./chat_lines.ts";
import { COMMAND_HELP, messageText, parseCommand } from "./commands.ts";
import type { ImageSaver } from "./images.ts";
import { listEntries, type ListRow, listRows, MARKS } from "./list.ts";
import { fitToWidth, textWidth, wrapToWidth } from "./width.ts";

const h = React.createElement;

/** Props of {@link App}. */
export interface AppProps {
  connection: MimiConnection;
  /** Which key sends; the other of Enter and Ctrl+J makes a new line. */
  sendKey: SendKey;
  /** Whether to draw with colours and bold; false draws plain text (not a terminal, or NO_COLOR). */
  color: boolean;
  /** Saves received images; made by the caller so its redraw callback reaches this screen. */
  images: ImageSaver;
  /** Redraw counter the image saver bumps. */
  imagesVersion: number;
  /** Reads a file the user named. */
  readFile(path: string): Promise<Uint8Array>;
}

/** The terminal's size, following resizes. */
function useTerminalSize(): { columns: number; rows: number } {
  const read = () => ({ columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
  const [size, setSize] = React.useState(read);
  React.useEffect(() => {
    const onResize = () => setSize(read());
    process.stdout.on("resize", onResize);
    return () => void process.stdout.off("resize", onResize);
  }, []);
  return size;
}

/** The connection's state, as `useSyncExternalStore` reads a store. */
function useClientState(connection: MimiConnection): ClientState {
  return React.useSyncExternalStore(connection.subscribe, connection.getSnapshot);
}

/** One line of the status bar: who, the connection, the suite, what waits. */
export function statusText(state: ClientState): string {
  const session = state.session;
  const who = session.state === "signedIn" ? `${session.user.nickname} (${session.user.username})` : "signed out";
  const status = state.connection.status;
  let link: string;
  switch (status.state) {
    case "open":
      link = `connected · ${state.connection.suite ?? "?"}`;
      break;
    case "connecting":
      link = "connecting…";
      break;
    case "retrying":
      link = `reconnecting (attempt ${status.attempt})…`;
      break;
    case "idle":
      link = "disconnected (idle)";
      break;
    case "kicked":
      link = status.reason === "revoked" ? "signed out: this device was revoked" : "signed out: logged in elsewhere";
      break;
    case "closed":
      link = status.error instanceof HandshakeError && status.error.kind === "key_changed"
        ? "refused: the server's key changed"
        : "closed";
      break;
  }
  const requests = state.friendRequests.length;
  return `Mimi · ${who} · ${link}${requests ? ` · ${requests} friend request${requests > 1 ? "s" : ""}` : ""}`;
}

/** The notice a connection that ended for good leaves, or undefined while it stands. */
export function endNotice(state: ClientState): string | undefined {
  const status = state.connection.status;
  if (status.state === "kicked") {
    return status.reason === "revoked"
      ? "This device was revoked: you are signed out. Ctrl+C quits."
      : "Your account logged in elsewhere: this session ended. Ctrl+C quits.";
  }
  if (status.state === "closed" && status.error) return `${status.error.message} (Ctrl+C quits)`;
  return undefined;
}

/** The help line: the keys, as configured. */
export function helpText(sendKey: SendKey): string {
  const send = sendKey === "enter" ? "Enter send · Ctrl+J newline" : "Ctrl+J send · Enter newline";
  return `${send} · ↑↓ Enter open · PgUp older · /help · Ctrl+C quit`;
}

function errorText(error: unknown): string {
  if (error instanceof ProtocolError) return `Refused: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The whole screen.
 *
 * @param props The connection and the settings of the screen.
 */
export function App(props: AppProps): React.ReactElement {
  const { connection, color } = props;
  const state = useClientState(connection);
  const { columns, rows } = useTerminalSize();
  const { exit } = useApp();
  // The selected entry of the list by conversation id (the lobby's too), so it stays on its row as the list reorders.
  const [selected, setSelectedState] = React.useState<number | null>(null);
  const selectedRef = React.useRef<number | null>(null);
  const setSelected = (next: number | null) => {
    selectedRef.current = next;
    setSelectedState(next);
  };
  const [openId, setOpenId] = React.useState<number | null>(null);
  const [draft, setDraft] = React.useState("");
  // Keys typed faster than the screen redraws arrive together ("hi⏎" in one read): the draft and the selection are
  // read from refs, so each key sees what the one before it did.
  const draftRef = React.useRef("");
  const changeDraft = (next: string) => {
    draftRef.current = next;
    setDraft(next);
  };
  const [notice, setNotice] = React.useState("");
  const [pane, setPane] = React.useState<Pane>({ view: "chat" });
  const inviteCodes = React.useRef(new Map<number, string>()).current;
  /** Lines scrolled up from the newest message. */
  const [scroll, setScroll] = React.useState(0);

  const me = state.session.state === "signedIn" ? state.session.user.id : null;
  const open = state.conversations.find((c) => c.id === openId);
  const lobby = state.lobby;
  const inLobby = lobby !== null && openId === lobby.conversationId;

  // The lobby's online count for its row: asking not to watch answers the count without starting the pushes.
  React.useEffect(() => {
    if (lobby && lobby.online === null && !lobby.watching && state.connection.status.state === "open") {
      connection.watchLobby(false).catch((error) => setNotice(errorText(error)));
    }
  }, [lobby?.roomId, state.connection.status.state]);

  // The lobby open is the lobby watched: its messages arrive live; leaving it stops the watch (and forgets them).
  React.useEffect(() => {
    if (!inLobby) return;
    connection.watchLobby(true).catch((error) => setNotice(errorText(error)));
    return () => void connection.watchLobby(false).catch((error) => setNotice(errorText(error)));
  }, [inLobby]);

  // The members pane keeps its room's presence live while it shows; closing it stops the watch.
  const membersOf = pane.view === "members" ? pane.roomId : null;
  React.useEffect(() => {
    if (membersOf === null) return;
    return () => void connection.unwatchRoomMembers(membersOf).catch((error) => setNotice(errorText(error)));
  }, [membersOf]);

  // Reading the open conversation marks it read: its unread count in the list goes to zero as the messages show.
  React.useEffect(() => {
    if (open && open.unread > 0 && state.connection.status.state === "open") {
      connection.markRead(open.id).catch((error) => setNotice(errorText(error)));
    }
  }, [open?.id, open?.unread, state.connection.status.state]);

  const openConversation = (id: number) => {
    setOpenId(id);
    setScroll(0);
    setPane({ view: "chat" });
    setSelected(id);
  };

  const context: ActionContext = {
    connection,
    openId,
    open: openConversation,
    close: () => setOpenId(null),
    showMembers: (roomId) => setPane({ view: "members", roomId }),
    showRooms: (rooms) => setPane({ view: "rooms", rooms }),
    showDevices: () => setPane({ view: "devices" }),
    inviteCodes,
    showHelp: () => {
      setPane({ view: "help" });
      // The help starts at its top; the drawing below stops the scroll at the first line.
      setScroll(Number.MAX_SAFE_INTEGER);
    },
    quit: () => exit(),
    readFile: props.readFile,
  };

  const submit = () => {
    const text = draftRef.current;
    if (text.trim() === "") {
      const chosen = selectedRef.current;
      if (chosen !== null && listEntries(connection.getSnapshot()).includes(chosen)) openConversation(chosen);
      changeDraft("");
      return;
    }
    const command = parseCommand(text);
    changeDraft("");
    if (command && "error" in command) {
      setNotice(command.error);
      return;
    }
    if (command) {
      runCommand(command, context).then(setNotice, (error) => setNotice(errorText(error)));
      return;
    }
    if (openId === null) {
      setNotice("Open a conversation first: ↑↓ and Enter, or /open <name>");
      changeDraft(text);
      return;
    }
    try {
      const queued = connection.sendText(openId, messageText(text));
      queued.done.catch((error) => setNotice(errorText(error)));
      setScroll(0);
    } catch (error) {
      // An empty text or a full outbox: the SDK says which, and the draft stays for the user to fix.
      setNotice(errorText(error));
      changeDraft(text);
    }
  };

  // The panes' sizes, from the terminal's: the compose area grows with the draft, up to four lines.
  const listWidth = Math.max(20, Math.min(32, Math.floor(columns * 0.3)));
  const chatWidth = Math.max(12, columns - listWidth - 1);
  const composeWidth = Math.max(8, columns - 2);
  const composeAll = wrapToWidth(draft + (color ? "▌" : "_"), composeWidth);
  const compose = composeAll.slice(-4);
  const mainHeight = Math.max(3, rows - 4 - compose.length);

  const olderPage = async () => {
    if (openId === null) return;
    const held = connection.getSnapshot().messages[openId];
    if (held?.hasOlder) await connection.loadOlder(openId);
  };

  useInput((input, key) => {
    if (key.ctrl && input === "c") {
      exit();
      return;
    }
    if (key.escape) {
      setPane({ view: "chat" });
      setScroll(0);
      return;
    }
    if (key.upArrow || key.downArrow) {
      const entries = listEntries(connection.getSnapshot());
      if (entries.length === 0) return;
      const at = selectedRef.current === null ? -1 : entries.indexOf(selectedRef.current);
      const next = at === -1 ? 0 : Math.max(0, Math.min(entries.length - 1, at + (key.upArrow ? -1 : 1)));
      setSelected(entries[next]);
      return;
    }
    if (key.pageUp) {
      const page = mainHeight - 2;
      const total = chatBody.length;
      setScroll((s) => Math.min(s + page, Math.max(0, total - (mainHeight - 1))));
      if (scroll + page >= total - (mainHeight - 1)) olderPage().catch((error) => setNotice(errorText(error)));
      return;
    }
    if (key.pageDown) {
      setScroll((s) => Math.max(0, Math.min(s, maxScroll) - (mainHeight - 2)));
      return;
    }
    if (key.return) {
      // Alt+Enter always makes a new line; Enter sends, or makes a new line when Ctrl+J sends.
      if (key.meta || props.sendKey === "ctrl-j") changeDraft(draftRef.current + "\n");
      else submit();
      return;
    }
    if (key.backspace || key.delete) {
      const chars = Array.from(new Intl.Segmenter().segment(draftRef.current), (s) => s.segment);
      changeDraft(chars.slice(0, -1).join(""));
      return;
    }
    if (key.ctrl && input === "u") {
      changeDraft("");
      return;
    }
    if (key.ctrl || key.meta || key.tab || input === "") return;
    // Text, possibly several keys at once: CR is Enter, LF is Ctrl+J, each acting in turn as when typed slowly.
    for (const part of input.split(/(\r\n?|\n)/)) {
      if (part === "") continue;
      const isCtrlJ = part === "\n";
      const isEnter = part.startsWith("\r");
      if (!isCtrlJ && !isEnter) changeDraft(draftRef.current + part);
      else if ((props.sendKey === "enter") === isEnter) submit();
      else changeDraft(draftRef.current + "\n");
    }
  });

  // The conversation pane: a title line, then the messages (or help, or members), newest at the bottom.
  const title = paneTitle(state, open, pane, inLobby);
  let chatBody: { text: string; kind: string }[];
  if (pane.view === "help") {
    chatBody = helpLines(chatWidth, props.sendKey);
  } else if (pane.view === "members") {
    const members = state.roomMembers[pane.roomId]?.members ?? [];
    chatBody = members.map((m) => ({
      text: `${m.online ? MARKS.online : MARKS.offline} ${m.user.nickname} (${m.user.username})${
        m.role === "owner" ? " · owner" : ""
      }`,
      kind: m.online ? "own" : "system",
    }));
  } else if (pane.view === "rooms") {
    chatBody = pane.rooms.map((room) => ({
      text: `${String(room.id).padStart(4)}  ${room.name} · ${room.memberCount} member${
        room.memberCount === 1 ? "" : "s"
      }${room.member ? " · joined" : ""}`,
      kind: room.member ? "system" : "other",
    }));
  } else if (pane.view === "devices") {
    chatBody = state.devices.map((device) => ({
      text: `${String(device.id).padStart(4)}  ${device.current ? "(this device) " : ""}${device.name} · last used ${
        new Date(device.lastUsedAt).toISOString().slice(0, 16).replace("T", " ")
      }`,
      kind: device.current ? "own" : "other",
    }));
  } else if (open || inLobby) {
    const roomId = open?.roomId ?? lobby?.roomId ?? null;
    const nickname = (id: number) =>
      state.users[id]?.nickname ??
        (roomId === null
          ? undefined
          : state.roomMembers[roomId]?.members.find((m) => m.user.id === id)?.user.nickname) ??
        `user ${id}`;
    chatBody = chatLines(state.messages[openId!], {
      width: chatWidth,
      me,
      nickname,
      imageNote: (m) => m.body.type === "image" && m.senderId !== me ? props.images.note(m.body) : undefined,
    });
  } else {
    chatBody = [
      { text: "No conversation open.", kind: "system" },
      { text: "↑↓ then Enter opens one; /open <name|number> too.", kind: "system" },
      { text: "/help lists every command.", kind: "system" },
    ];
  }
  const bodyHeight = mainHeight - 1;
  const maxScroll = Math.max(0, chatBody.length - bodyHeight);
  const end = Math.max(0, chatBody.length - Math.min(scroll, maxScroll));
  const visible = chatBody.slice(Math.max(0, end - bodyHeight), end);
  // A conversation sits at the bottom, next to the compose area; lists (help, members, groups, devices) at the top.
  const fill = Array(Math.max(0, bodyHeight - visible.length)).fill({ text: "", kind: "system" });
  const padded = pane.view === "chat" ? [...fill, ...visible] : [...visible, ...fill];

  const list = listRows(state, { width: listWidth, height: mainHeight, selected, me });
  const style = (props: Record<string, unknown>) => color ? props : {};
  const listStyle = (row: ListRow | undefined) => {
    if (!row) return {};
    if (row.kind === "heading") return style({ color: "yellow", bold: true });
    if (row.kind === "request") return style({ color: "yellow" });
    return style({ inverse: row.selected, bold: row.unread, dimColor: row.kind === "preview" && !row.selected });
  };
  const listText = (row: ListRow | undefined) => {
    if (!row) return " ".repeat(listWidth);
    // Without colours the selection is a mark in place of the number's leading space.
    return !color && row.selected && row.kind === "title" ? `>${row.text.slice(1)}` : row.text;
  };
  const chatStyle = (kind: string) =>
    style(
      kind === "own"
        ? { color: "cyan" }
        : kind === "system"
        ? { dimColor: true }
        : kind === "failed"
        ? { color: "red" }
        : kind === "pending"
        ? { dimColor: true }
        : {},
    );

  const ended = endNotice(state);
  const children: React.ReactElement[] = [
    h(Text, { key: "status", ...style({ inverse: true }) }, fitToWidth(statusText(state), columns)),
  ];
  for (let i = 0; i < mainHeight; i++) {
    const right = i === 0
      ? h(Text, style({ bold: true }), fitToWidth(title, chatWidth))
      : h(Text, chatStyle(padded[i - 1].kind), fitToWidth(padded[i - 1].text, chatWidth));
    children.push(
      h(
        Box,
        { key: `row${i}`, width: columns, height: 1 },
        h(Text, listStyle(list[i]), listText(list[i])),
        h(Text, style({ dimColor: true }), "│"),
        right,
      ),
    );
  }
  children.push(h(Text, { key: "rule", ...style({ dimColor: true }) }, "─".repeat(columns)));
  compose.forEach((line, i) => {
    const prompt = i === 0 && composeAll.length === compose.length ? "> " : "  ";
    children.push(h(Text, { key: `compose${i}` }, fitToWidth(prompt + line, columns)));
  });
  children.push(
    h(Text, { key: "notice", ...style({ color: ended ? "red" : "green" }) }, fitToWidth(ended ?? notice, columns)),
  );
  children.push(h(Text, { key: "help", ...style({ dimColor: true }) }, fitToWidth(helpText(props.sendKey), columns)));
  return h(Box, { flexDirection: "column", width: columns, height: rows }, ...children);
}

/** What the conversation pane shows. */
type Pane =
  | { view: "chat" }
  | { view: "help" }
  | { view: "members"; roomId: number }
  | { view: "rooms"; rooms: readonly PublicRoom[] }
  | { view: "devices" };

function paneTitle(
  state: ClientState,
  open: ClientState["conversations"][number] | undefined,
  pane: Pane,
  inLobby: boolean,
): string {
  if (pane.view === "help") return " Help";
  if (pane.view === "members") {
    const online = state.roomMembers[pane.roomId]?.onlineCount;
    return ` Members (online first)${online === undefined ? "" : ` · ${online} online`} · Esc goes back`;
  }
  if (pane.view === "rooms") return " Public groups (/join <id>) · Esc goes back";
  if (pane.view === "devices") return " Remembered devices (/revoke <id>) · Esc goes back";
  if (inLobby) {
    const online = state.lobby?.online;
    return ` # Lobby${online === null || online === undefined ? "" : ` · ${online} online`}`;
  }
  if (!open) return "";
  if (open.kind === "room") return ` # ${open.title}`;
  const online = state.contacts.find((c) => c.id === open.peer?.id)?.online;
  return ` ${open.title} (${open.peer?.username ?? "?"}) ${
    online ? `${MARKS.online} online` : `${MARKS.offline} offline`
  }`;
}

function helpLines(width: number, sendKey: SendKey): { text: string; kind: string }[] {
  const lines = [helpText(sendKey), "Alt+Enter also makes a new line; // starts a message with /.", ""];
  const usageWidth = Math.max(...COMMAND_HELP.map(([usage]) => textWidth(usage))) + 2;
  for (const [usage, what] of COMMAND_HELP) lines.push(usage.padEnd(usageWidth) + what);
  return lines.flatMap((line) => wrapToWidth(line, width)).map((text) => ({ text, kind: "other" }));
}
