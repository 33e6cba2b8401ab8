// What each slash command does: one or two SDK calls, and a line for the notice area. No protocol rules here: the
// server decides, and its refusal is shown as it words it.

import type { ClientState, MimiConnection, PublicRoom } from "../../core/client/mod.ts";
import type { Command } from "./commands.ts";

/** What a command may do to the screen besides calling the SDK. */
export interface ActionContext {
  connection: MimiConnection;
  /** The open conversation's id, or null. */
  openId: number | null;
  /** Opens a conversation (the lobby's too). */
  open(conversationId: number): void;
  /** Closes the open conversation: it is gone (left or deleted). */
  close(): void;
  /** Shows a room's members in the conversation pane. */
  showMembers(roomId: number): void;
  /** Shows the public rooms in the conversation pane. */
  showRooms(rooms: readonly PublicRoom[]): void;
  /** Shows the account's remembered devices (the state's `devices`) in the conversation pane. */
  showDevices(): void;
  /** The invite codes made in this session, by room id: the server keeps only their hashes, so cannot show them. */
  inviteCodes: Map<number, string>;
  /** Shows the help in the conversation pane. */
  showHelp(): void;
  /** Leaves the interactive mode. */
  quit(): void;
  /** Reads a file the user named (`~` is the home directory). */
  readFile(path: string): Promise<Uint8Array>;
}

/**
 * Finds a conversation by its number in the list (from 1) or by name: its title or the peer's username, exactly
 * (ignoring case) first, then as a prefix.
 *
 * @param conversations The list, in the order shown.
 * @param target What the user typed after `/open`.
 * @returns The index in the list, or -1.
 *
 * @example
 * ```ts ignore
 * import { findConversation } from "./actions.ts";
 * findConversation(state.conversations, "2"); // 1
 * findConversation(state.conversations, "ali"); // the index of alice's conversation
 * ```
 */
export function findConversation(conversations: ClientState["conversations"], target: string): number {
  const wanted = target.trim().toLowerCase();
  if (/^\d+$/.test(wanted)) {
    const index = Number(wanted) - 1;
    return index >= 0 && index < conversations.length ? index : -1;
  }
  const names = conversations.map((c) => [c.title.toLowerCase(), c.peer?.username.toLowerCase() ?? ""]);
  const exact = names.findIndex((pair) => pair.includes(wanted));
  if (exact !== -1) return exact;
  return names.findIndex((pair) => pair.some((name) => name !== "" && name.startsWith(wanted)));
}

/** A user's id by username: a friend's from the contacts, anyone else's from the server. */
async function userId(connection: MimiConnection, username: string): Promise<number> {
  const friend = connection.getSnapshot().contacts.find((c) => c.username.toLowerCase() === username.toLowerCase());
  return friend ? friend.id : (await connection.findUser(username)).id;
}

/** The open conversation's room id, or a reason there is none. */
function openRoom(context: ActionContext): number | string {
  const state = context.connection.getSnapshot();
  if (state.lobby && context.openId === state.lobby.conversationId) return "The lobby is everyone's: open a group";
  const summary = state.conversations.find((c) => c.id === context.openId);
  if (!summary) return "Open a group first (/open <name>)";
  if (summary.roomId === null) return `${summary.title} is a direct conversation, not a group`;
  return summary.roomId;
}

/** The open group: its room id and name, or a reason there is none. */
function openGroup(context: ActionContext): { id: number; name: string } | string {
  const room = openRoom(context);
  if (typeof room === "string") return room;
  const name = context.connection.getSnapshot().rooms.find((r) => r.id === room)?.name ?? `#${room}`;
  return { id: room, name };
}

/** A member's id by username: from the members held of the room, else from the server. */
async function memberId(connection: MimiConnection, roomId: number, username: string): Promise<number> {
  const members = connection.getSnapshot().roomMembers[roomId]?.members ?? [];
  const member = members.find((m) => m.user.username.toLowerCase() === username.toLowerCase());
  return member ? member.user.id : await userId(connection, username);
}

/**
 * Runs a command.
 *
 * @param command The parsed command.
 * @param context The connection and what the screen lets a command do.
 * @returns A line for the notice area; rejects with the SDK's error (a `ProtocolError` carries the server's words).
 */
export async function runCommand(command: Command, context: ActionContext): Promise<string> {
  const { connection } = context;
  const state = connection.getSnapshot();
  switch (command.name) {
    case "open": {
      if (state.lobby && /^(lobby|0)$/i.test(command.target.trim())) {
        context.open(state.lobby.conversationId);
        return "Opened the lobby: everyone online reads it";
      }
      const index = findConversation(state.conversations, command.target);
      if (index === -1) return `No conversation matches "${command.target}"`;
      context.open(state.conversations[index].id);
      return `Opened ${state.conversations[index].title}`;
    }
    case "image": {
      if (context.openId === null) return "Open a conversation first (/open <name>)";
      const bytes = await context.readFile(command.path);
      connection.sendImage(context.openId, bytes);
      return `Sending ${command.path} (${bytes.length} bytes)`;
    }
    case "add": {
      const id = await userId(connection, command.username);
      const request = await connection.sendFriendRequest(id, command.note);
      return request.status === "accepted"
        ? `${command.username} had asked you: you are friends now`
        : `Asked ${command.username} to be friends`;
    }
    case "accept":
    case "reject":
    case "later": {
      const requests = state.friendRequests;
      const request = command.username === undefined
        ? requests[0]
        : requests.find((r) => r.from?.username.toLowerCase() === command.username!.toLowerCase());
      if (!request) {
        return command.username ? `No friend request from ${command.username}` : "No friend requests are open";
      }
      const answer = await connection.answerFriendRequest(request.id, command.name);
      const who = request.from?.nickname ?? "them";
      if (command.name === "accept") {
        if (answer.conversationId) context.open(answer.conversationId);
        return `You and ${who} are friends now`;
      }
      return command.name === "reject" ? `Rejected ${who}'s request` : `${who}'s request waits until your next login`;
    }
    case "create": {
      const ids = await Promise.all(command.usernames.map((name) => userId(connection, name)));
      const room = await connection.createRoom(command.room, { memberIds: ids });
      context.open(room.conversationId);
      return `Created ${room.name}; /invite adds friends`;
    }
    case "join": {
      const room = /^\d+$/.test(command.code)
        ? await connection.joinRoom(Number(command.code))
        : await connection.joinRoomByCode(command.code);
      context.open(room.conversationId);
      return `Joined ${room.name}`;
    }
    case "invite": {
      const room = openRoom(context);
      if (typeof room === "string") return room;
      const ids = await Promise.all(command.usernames.map((name) => userId(connection, name)));
      const joined = await connection.inviteToRoom(room, ids);
      return `${joined.length} joined the group`;
    }
    case "members": {
      const room = openRoom(context);
      if (typeof room === "string") return room;
      const { onlineCount, members } = await connection.roomMembers(room);
      context.showMembers(room);
      return `${members.length} members, ${onlineCount} online (Esc goes back)`;
    }
    case "recall": {
      if (context.openId === null) return "Open a conversation first (/open <name>)";
      const me = state.session.state === "signedIn" ? state.session.user.id : null;
      const own = state.messages[context.openId]?.messages.findLast((m) => m.senderId === me && m.recalledAt === null);
      if (!own) return "You have no message here to recall";
      await connection.recall(context.openId, own.seq);
      return "Recalled your last message";
    }
    case "rooms": {
      const rooms = await connection.listPublicRooms();
      context.showRooms(rooms);
      return rooms.length ? `${rooms.length} public groups: /join <id> joins one (Esc goes back)` : "No public groups";
    }
    case "leave": {
      const group = openGroup(context);
      if (typeof group === "string") return group;
      await connection.leaveRoom(group.id);
      context.close();
      return `You left ${group.name}`;
    }
    case "code": {
      const group = openGroup(context);
      if (typeof group === "string") return group;
      let code = command.rotate ? undefined : context.inviteCodes.get(group.id);
      if (code === undefined) {
        code = await connection.roomInviteCode(group.id);
        context.inviteCodes.set(group.id, code);
        return `Code for ${group.name}: ${code} (old ones stop working)`;
      }
      return `Code for ${group.name}: ${code} (/code new rotates)`;
    }
    case "rename": {
      const group = openGroup(context);
      if (typeof group === "string") return group;
      const room = await connection.renameRoom(group.id, command.room);
      return `${group.name} is now ${room.name}`;
    }
    case "kick": {
      const group = openGroup(context);
      if (typeof group === "string") return group;
      await connection.removeMember(group.id, await memberId(connection, group.id, command.username));
      return `Removed ${command.username} from ${group.name}`;
    }
    case "transfer": {
      const group = openGroup(context);
      if (typeof group === "string") return group;
      await connection.transferRoom(group.id, await memberId(connection, group.id, command.username));
      return `${command.username} owns ${group.name} now`;
    }
    case "delete": {
      const group = openGroup(context);
      if (typeof group === "string") return group;
      // Deleting takes the history with it for every member: the name typed again is the confirmation.
      if (command.confirm !== group.name) {
        return `This deletes ${group.name} and its history for everyone: type /delete ${group.name} to confirm`;
      }
      await connection.deleteRoom(group.id);
      context.close();
      return `Deleted ${group.name}`;
    }
    case "block": {
      await connection.blockUser(await userId(connection, command.username));
      return `Blocked ${command.username}: no messages or requests from them`;
    }
    case "unfriend": {
      const friend = state.contacts.find((c) => c.username.toLowerCase() === command.username.toLowerCase());
      if (!friend) return `${command.username} is not your friend`;
      await connection.removeFriend(friend.id);
      return `${friend.nickname} (${friend.username}) is no longer your friend`;
    }
    case "nick": {
      const profile = await connection.setNickname(command.nickname);
      return `Your nickname is now ${profile.nickname}`;
    }
    case "devices": {
      const devices = await connection.listDevices();
      context.showDevices();
      return `${devices.length} remembered device${devices.length === 1 ? "" : "s"}: /revoke <id> signs one out`;
    }
    case "revoke": {
      await connection.revokeDevice(command.deviceId);
      await connection.listDevices();
      return `Revoked device ${command.deviceId}`;
    }
    case "logout": {
      await connection.logout();
      context.quit();
      return "";
    }
    case "help":
      context.showHelp();
      return "Esc goes back to the conversation";
    case "quit":
      context.quit();
      return "";
  }
}
