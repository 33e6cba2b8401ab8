// The rooms service: rooms, their members and owners, and the lobby (PROTOCOL.md §13).

import { MAX_PUBLIC_ROOMS, type Room } from "../../../core/protocol/ops/rooms.ts";
import { PUSHES } from "../../../core/protocol/registry.ts";
import type { Message } from "../../../core/protocol/ops/messages.ts";
import type { Clock } from "../../../core/time/clock.ts";
import { push } from "../../hub/push.ts";
import type { Hub } from "../../hub/types.ts";
import type { Logger } from "../../log.ts";
import { RequestError } from "../../rpc/errors.ts";
import { defineService, type Service } from "../../rpc/service.ts";
import type { Repositories, RoomRecord, Store, Transaction } from "../../store/types.ts";
import { inviteCodeHash, newInviteCode } from "../accounts/invites.ts";
import {
  announceConversation,
  appendSystem,
  type RoomConversations,
  type SystemEvent,
} from "../messages/conversations.ts";
import { userRef } from "../friends/view.ts";
import { LobbyCount } from "./lobby_count.ts";
import { orderMembers } from "../../../core/protocol/member_order.ts";
import { roomView } from "./view.ts";

/** What the rooms service needs. */
export interface RoomsDeps {
  store: Store;
  /** Delivery, presence and the online count. */
  hub: Hub;
  clock: Clock;
  /** `server.lobbyCountIntervalMs`. */
  lobbyCountIntervalMs: number;
  /** Where a failure of the lobby's background count goes; nobody else is there to hear it. */
  logger?: Logger;
}

/** The caller's standing in a room: the lobby (everyone's), or their role in a group. */
type Standing = "lobby" | "owner" | "member";

/** What a change leaves to do once its transaction has committed: lines to deliver, users to tell. */
interface Aftermath {
  conversationId: number;
  lines: Message[];
  /** Who joined: told `conversation_added` and `room_updated`. */
  joined: number[];
  /** Who left the room's list but not by their own request: told `room_removed` and `conversation_removed`. */
  removed: { userId: number; reason: "removed" | "deleted" }[];
  /** Members told `room_updated` (a rename, a new owner). */
  updated: number[];
}

/**
 * The rooms service. Every change of members, name or owner is one transaction that also keeps the room's
 * conversation (its members, and a system line in its history); pushes go out once it has committed.
 *
 * @param deps Store, hub, clock and the lobby's count interval.
 * @returns The service, with `conversations`: what the messages service asks of room conversations (the lobby is open
 *   to all and heard live by its watchers; a former member is refused).
 */
export function roomsService(deps: RoomsDeps): Service & { conversations: RoomConversations } {
  const { store, hub, clock } = deps;
  const lobby = new LobbyCount({
    hub,
    clock,
    intervalMs: deps.lobbyCountIntervalMs,
    onError: (error) =>
      deps.logger?.error("lobby_count_failed", {
        error: String(error),
        stack: error instanceof Error ? error.stack : undefined,
      }),
  });

  /**
   * The room named by a request and the caller's standing in it.
   *
   * @throws {RequestError} `not_found` for no such room or one the caller never was in; `not_allowed` for a former
   *   member.
   */
  async function standing(repos: Repositories, roomId: number, userId: number) {
    const room = await repos.rooms.findById(roomId);
    if (room?.kind === "lobby") return { room, standing: "lobby" as Standing };
    if (room) {
      const member = await repos.rooms.member(roomId, userId);
      if (member) return { room, standing: (member.role === "owner" ? "owner" : "member") as Standing };
      if (await repos.rooms.hasLeft(roomId, userId)) {
        throw new RequestError("not_allowed", "You are no longer a member of this room");
      }
    }
    throw new RequestError("not_found", "No such room");
  }

  /** The room, if the caller owns it. */
  async function owned(repos: Repositories, roomId: number, userId: number): Promise<RoomRecord> {
    const found = await standing(repos, roomId, userId);
    if (found.standing === "lobby") throw new RequestError("not_allowed", "Nobody owns the lobby");
    if (found.standing !== "owner") throw new RequestError("not_allowed", "Only the room's owner can do this");
    return found.room;
  }

  /** Throws `not_allowed` unless every one of `userIds` is the user's friend. */
  async function requireFriends(repos: Repositories, userId: number, userIds: readonly number[]): Promise<void> {
    const friends = new Set(await repos.friends.friendIdsOf(userId));
    // One answer for a stranger and for an account that does not exist: it tells nothing about who exists.
    if (!userIds.every((id) => friends.has(id))) {
      throw new RequestError("not_allowed", "Only your friends can be added to a room");
    }
  }

  /** Makes the users members of the room and its conversation, each with a `joined` line; the conversation's id. */
  async function join(
    tx: Transaction,
    room: RoomRecord,
    userIds: readonly number[],
    by: number | undefined,
    at: number,
    lines: Message[],
  ): Promise<number> {
    const conversation = await tx.conversations.forRoom(room.id, at);
    for (const userId of userIds) {
      await tx.rooms.addMember(room.id, userId, "member", at);
      // Added before its line, so the new member sees their own joining.
      await tx.conversations.addMember(conversation.id, userId, at);
      const event: SystemEvent = by === undefined ? { event: "joined", userId } : { event: "joined", userId, by };
      lines.push(await appendSystem(tx, conversation.id, event, at));
    }
    return conversation.id;
  }

  /** Ends a membership of the room and its conversation, then writes its line, which the user no longer sees. */
  async function part(tx: Transaction, room: RoomRecord, event: SystemEvent & { userId: number }, at: number) {
    const conversation = await tx.conversations.forRoom(room.id, at);
    await tx.rooms.removeMember(room.id, event.userId, at);
    await tx.conversations.removeMember(conversation.id, event.userId);
    return { conversationId: conversation.id, line: await appendSystem(tx, conversation.id, event, at) };
  }

  /** Pushes what a committed change leaves to tell. */
  async function tell(room: RoomRecord, after: Aftermath): Promise<void> {
    const fresh = after.updated.length > 0 || after.joined.length > 0 ? await store.rooms.findById(room.id) : undefined;
    for (const userId of after.joined) {
      await announceConversation(store, hub, after.conversationId, userId);
    }
    if (fresh) {
      const body = { room: await roomView(store, fresh) };
      await hub.deliver([...after.joined, ...after.updated], push(PUSHES.roomUpdated, body));
    }
    for (const { userId, reason } of after.removed) {
      await hub.deliver([userId], push(PUSHES.roomRemoved, { roomId: room.id, reason }));
      await hub.deliver([userId], push(PUSHES.conversationRemoved, { conversationId: after.conversationId }));
    }
    if (after.lines.length === 0) return;
    // The server's lines have no sender: every member hears them, the one whose request it was included.
    const members = await store.conversations.membersOf(after.conversationId);
    for (const message of after.lines) await hub.deliver(members, push(PUSHES.message, { message, sender: null }));
  }

  /** Joins the caller to a room found by `find` (inside the transaction); answers the room. */
  async function joinSelf(
    userId: number,
    find: (tx: Transaction) => Promise<RoomRecord>,
  ): Promise<{ room: Room }> {
    const at = clock.now();
    const { room, after } = await store.transaction(async (tx) => {
      const room = await find(tx);
      const lines: Message[] = [];
      const already = room.kind === "lobby" || (await tx.rooms.member(room.id, userId)) !== undefined;
      // A member already: no line, so nothing is delivered and the conversation is not needed (0).
      const conversationId = already ? 0 : await join(tx, room, [userId], undefined, at, lines);
      return { room, after: { conversationId, lines, joined: [], removed: [], updated: [] } };
    });
    await tell(room, after);
    return { room: await roomView(store, (await store.rooms.findById(room.id)) ?? room) };
  }

  /** Deletes a room in the caller's transaction; the members it had, but the caller, are told afterwards. */
  async function remove(tx: Transaction, room: RoomRecord, callerId: number): Promise<Aftermath> {
    const conversation = await tx.conversations.forRoom(room.id, clock.now());
    const members = (await tx.rooms.membersOf(room.id)).map((m) => m.userId).filter((id) => id !== callerId);
    // The conversation, its members and its messages go with the room (ON DELETE CASCADE).
    await tx.rooms.delete(room.id);
    return {
      conversationId: conversation.id,
      lines: [],
      joined: [],
      removed: members.map((userId) => ({ userId, reason: "deleted" as const })),
      updated: [],
    };
  }

  /** The lobby's id, read once: the lobby is made by a migration and never goes. */
  let lobbyId: Promise<number> | undefined;
  const isLobby = async (roomId: number) =>
    roomId === await (lobbyId ??= store.rooms.lobby().then((room) => room.id, (error) => {
      lobbyId = undefined; // read again next time rather than keep one failed read for good
      throw error;
    }));

  const conversations: RoomConversations = {
    async standing(roomId, userId) {
      if (await isLobby(roomId)) return "open";
      return await store.rooms.hasLeft(roomId, userId) ? "left" : undefined;
    },
    async listeners(roomId) {
      return await isLobby(roomId) ? lobby.userIds() : [];
    },
  };

  return {
    conversations,
    ...defineService({
      name: "rooms",
      ops: {
        async createRoom({ name, memberIds, public: isPublic }, { user }) {
          const at = clock.now();
          const others = [...new Set(memberIds)].filter((id) => id !== user.id);
          const trimmed = name.trim().normalize("NFC");
          const { room, after } = await store.transaction(async (tx) => {
            await requireFriends(tx, user.id, others);
            const made = await tx.rooms.createRoom(trimmed, "group", user.id, at, isPublic ?? false);
            const conversation = await tx.conversations.forRoom(made.id, at);
            // Everyone is in before the first line, so the members from the start see how the room began.
            for (const userId of [user.id, ...others]) {
              await tx.rooms.addMember(made.id, userId, userId === user.id ? "owner" : "member", at);
              await tx.conversations.addMember(conversation.id, userId, at);
            }
            const lines = [
              await appendSystem(tx, conversation.id, { event: "created", by: user.id, name: trimmed }, at),
            ];
            for (const userId of others) {
              lines.push(await appendSystem(tx, conversation.id, { event: "joined", userId, by: user.id }, at));
            }
            return {
              room: made,
              after: { conversationId: conversation.id, lines, joined: others, removed: [], updated: [] },
            };
          });
          await tell(room, after);
          return { room: await roomView(store, (await store.rooms.findById(room.id))!) };
        },

        async listPublicRooms(_body, { user }) {
          const listed = await store.rooms.listPublic(user.id, MAX_PUBLIC_ROOMS);
          return {
            rooms: listed.map(({ room, memberCount, member }) => ({
              id: room.id,
              name: room.name,
              memberCount,
              member,
            })),
          };
        },

        joinRoom({ roomId }, { user }) {
          return joinSelf(user.id, async (tx) => {
            const room = await tx.rooms.findById(roomId);
            if (room && (room.public || (await tx.rooms.member(roomId, user.id)))) return room;
            throw new RequestError("not_found", "No such public room");
          });
        },

        joinRoomByCode({ code }, { user }) {
          return joinSelf(user.id, async (tx) => {
            const hash = inviteCodeHash(code);
            const room = hash && await tx.rooms.findByInviteCode(hash);
            if (!room) throw new RequestError("room_code_invalid", "This room code does not work");
            return room;
          });
        },

        async roomInviteCode({ roomId }, { user }) {
          const code = newInviteCode();
          const hash = inviteCodeHash(code)!;
          await store.transaction(async (tx) => {
            await owned(tx, roomId, user.id);
            await tx.rooms.setInviteCode(roomId, hash);
          });
          return { code };
        },

        async inviteToRoom({ roomId, userIds }, { user }) {
          const at = clock.now();
          const { room, after } = await store.transaction(async (tx) => {
            const found = await standing(tx, roomId, user.id);
            if (found.standing === "lobby") throw new RequestError("not_allowed", "Everyone is in the lobby already");
            const wanted = [...new Set(userIds)].filter((id) => id !== user.id).sort((a, b) => a - b);
            await requireFriends(tx, user.id, wanted);
            const members = new Set((await tx.rooms.membersOf(roomId)).map((m) => m.userId));
            const joined = wanted.filter((id) => !members.has(id));
            const lines: Message[] = [];
            const conversationId = await join(tx, found.room, joined, user.id, at, lines);
            return { room: found.room, after: { conversationId, lines, joined, removed: [], updated: [] } };
          });
          await tell(room, after);
          return { added: after.joined };
        },

        async leaveRoom({ roomId }, { user }) {
          const at = clock.now();
          const { room, after } = await store.transaction(async (tx) => {
            const found = await standing(tx, roomId, user.id);
            if (found.standing === "lobby") throw new RequestError("not_allowed", "Nobody can leave the lobby");
            if (found.standing === "owner") {
              if ((await tx.rooms.memberCount(roomId)) > 1) {
                throw new RequestError("not_allowed", "Hand the room over to another member before you leave");
              }
              return { room: found.room, after: await remove(tx, found.room, user.id) };
            }
            const { conversationId, line } = await part(tx, found.room, { event: "left", userId: user.id }, at);
            return { room: found.room, after: { conversationId, lines: [line], joined: [], removed: [], updated: [] } };
          });
          await tell(room, after);
          return {};
        },

        async renameRoom({ roomId, name }, { user }) {
          const at = clock.now();
          const trimmed = name.trim().normalize("NFC");
          const { room, after } = await store.transaction(async (tx) => {
            const room = await owned(tx, roomId, user.id);
            await tx.rooms.rename(roomId, trimmed);
            const conversation = await tx.conversations.forRoom(roomId, at);
            const line = await appendSystem(tx, conversation.id, { event: "renamed", name: trimmed, by: user.id }, at);
            const updated = (await tx.rooms.membersOf(roomId)).map((m) => m.userId).filter((id) => id !== user.id);
            return {
              room,
              after: { conversationId: conversation.id, lines: [line], joined: [], removed: [], updated },
            };
          });
          await tell(room, after);
          return { room: await roomView(store, (await store.rooms.findById(roomId)) ?? room) };
        },

        async removeMember({ roomId, userId }, { user }) {
          const at = clock.now();
          const { room, after } = await store.transaction(async (tx) => {
            const room = await owned(tx, roomId, user.id);
            if (userId === user.id) throw new RequestError("not_allowed", "Leave or delete the room instead");
            if (!(await tx.rooms.member(roomId, userId))) throw new RequestError("not_found", "No such member");
            const { conversationId, line } = await part(tx, room, { event: "removed", userId, by: user.id }, at);
            return {
              room,
              after: {
                conversationId,
                lines: [line],
                joined: [],
                removed: [{ userId, reason: "removed" as const }],
                updated: [],
              },
            };
          });
          await tell(room, after);
          return {};
        },

        async transferRoom({ roomId, userId }, { user }) {
          const at = clock.now();
          const { room, after } = await store.transaction(async (tx) => {
            const room = await owned(tx, roomId, user.id);
            if (userId === user.id) throw new RequestError("not_allowed", "You own this room already");
            if (!(await tx.rooms.member(roomId, userId))) throw new RequestError("not_found", "No such member");
            await tx.rooms.transferOwnership(roomId, userId);
            const conversation = await tx.conversations.forRoom(roomId, at);
            const line = await appendSystem(tx, conversation.id, { event: "owner", userId, by: user.id }, at);
            const updated = (await tx.rooms.membersOf(roomId)).map((m) => m.userId).filter((id) => id !== user.id);
            return {
              room,
              after: { conversationId: conversation.id, lines: [line], joined: [], removed: [], updated },
            };
          });
          await tell(room, after);
          return { room: await roomView(store, (await store.rooms.findById(roomId)) ?? room) };
        },

        async deleteRoom({ roomId }, { user }) {
          const { room, after } = await store.transaction(async (tx) => {
            const room = await owned(tx, roomId, user.id);
            return { room, after: await remove(tx, room, user.id) };
          });
          await tell(room, after);
          return {};
        },

        async roomMembers({ roomId }, { user }) {
          const found = await standing(store, roomId, user.id);
          if (found.standing === "lobby") return { members: [], onlineCount: await lobby.onlineCount() };
          const members = [];
          for (const { userId, role } of await store.rooms.membersOf(roomId)) {
            const member = await store.users.findById(userId);
            if (!member) continue; // gone meanwhile: its membership went with it
            members.push({
              user: userRef(member),
              role: role === "owner" ? "owner" : "member",
              online: await hub.isOnline(userId),
            });
          }
          return { members: orderMembers(members), onlineCount: members.filter((m) => m.online).length };
        },

        async watchLobby({ watch }, { user, connection }) {
          const onlineCount = await lobby.onlineCount();
          if (watch) lobby.watch(user.id, connection, onlineCount);
          else lobby.unwatch(user.id, connection);
          return { onlineCount };
        },
      },
      onLogout(context, user) {
        lobby.unwatch(user.id, context.connection);
      },
      onClose(context) {
        if (context.user) lobby.unwatch(context.user.id, context.connection);
      },
    }),
  };
}
