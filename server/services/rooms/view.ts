// A room as its members see it on the wire (PROTOCOL.md §13.1), and the rooms a user's login bundle lists.

import type { Room } from "../../../core/protocol/ops/rooms.ts";
import type { Repositories, RoomRecord } from "../../store/types.ts";

/**
 * A room as its members see it, with the conversation its messages go to. A room without one yet (the lobby, until
 * its first use) gets it now, dated from the room's making: a room's conversation is as old as the room.
 *
 * @param repos The store or a transaction.
 * @param room The stored room.
 * @returns The room on the wire.
 */
export async function roomView(repos: Repositories, room: RoomRecord): Promise<Room> {
  const conversation = await repos.conversations.forRoom(room.id, room.createdAt);
  return {
    id: room.id,
    name: room.name,
    kind: room.kind,
    public: room.public,
    ownerId: room.ownerId,
    conversationId: conversation.id,
  };
}

/**
 * The rooms of a user's login bundle: the lobby, every user's, then the user's rooms by id.
 *
 * @param repos The store or a transaction.
 * @param userId The user.
 * @returns The rooms on the wire.
 */
export async function roomsOf(repos: Repositories, userId: number): Promise<Room[]> {
  const rooms = [await repos.rooms.lobby(), ...await repos.rooms.roomsOf(userId)];
  const views: Room[] = [];
  for (const room of rooms) views.push(await roomView(repos, room));
  return views;
}
