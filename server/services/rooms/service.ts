// The rooms service: rooms, their members and owners, and the lobby (PROTOCOL.md §13).

import { RequestError } from "../../rpc/errors.ts";
import { defineService, type Service } from "../../rpc/service.ts";

const notYet = (): never => {
  throw new RequestError("internal", "Rooms are not served yet");
};

/**
 * The rooms service; its operations are defined, their rules come with the conversations they keep up to date.
 *
 * @returns The service.
 */
export function roomsService(): Service {
  return defineService({
    name: "rooms",
    ops: {
      createRoom: notYet,
      listPublicRooms: notYet,
      joinRoom: notYet,
      joinRoomByCode: notYet,
      roomInviteCode: notYet,
      inviteToRoom: notYet,
      leaveRoom: notYet,
      renameRoom: notYet,
      removeMember: notYet,
      transferRoom: notYet,
      deleteRoom: notYet,
      roomMembers: notYet,
      watchLobby: notYet,
    },
  });
}
