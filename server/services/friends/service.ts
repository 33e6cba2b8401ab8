// The friends service: finding users, friend requests, removing friends and blocks (PROTOCOL.md §12).

import { RequestError } from "../../rpc/errors.ts";
import { defineService, type Service } from "../../rpc/service.ts";

const notYet = (): never => {
  throw new RequestError("internal", "Friends are not served yet");
};

/**
 * The friends service; its operations are defined, their rules come with the store's friends repository.
 *
 * @returns The service.
 */
export function friendsService(): Service {
  return defineService({
    name: "friends",
    ops: {
      findUser: notYet,
      sendFriendRequest: notYet,
      answerFriendRequest: notYet,
      removeFriend: notYet,
      blockUser: notYet,
      unblockUser: notYet,
      listBlocked: notYet,
    },
  });
}
