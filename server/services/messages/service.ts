// The messages service: sending, history, sync, read positions and recall (PROTOCOL.md §14).

import { RequestError } from "../../rpc/errors.ts";
import { defineService, type Service } from "../../rpc/service.ts";

const notYet = (): never => {
  throw new RequestError("internal", "Messages are not served yet");
};

/**
 * The messages service; its operations are defined, their rules come with the store's conversations repository.
 *
 * @returns The service.
 */
export function messagesService(): Service {
  return defineService({
    name: "messages",
    ops: { sendMessage: notYet, history: notYet, sync: notYet, markRead: notYet, recallMessage: notYet },
  });
}
