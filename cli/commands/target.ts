// The conversation a command names, looked up in the signed-in state, with a useful refusal when there is none.

import type { MimiConnection } from "../../core/client/mod.ts";
import { type ConversationTarget, findConversation } from "../conversation_names.ts";
import { UsageError } from "../exit_codes.ts";

/** A name that could be a user's but is no friend's: a conversation with them needs their friendship first. */
export class NotAFriendError extends Error {
  override readonly name = "NotAFriendError";
}

/**
 * Finds the conversation `name` stands for. A name that is no friend's, room's or the lobby is looked up as a user,
 * so the answer says whether they exist (the server's refusal, `not_found`) or are not a friend yet.
 *
 * @param connection A signed-in connection.
 * @param name A friend's username, a room's name or `#id`, or `lobby`.
 * @returns The conversation.
 * @throws {UsageError} For an ambiguous name, or a room the user is not in.
 * @throws {ProtocolError} `not_found` from the server for no such user.
 * @throws {NotAFriendError} For a user who is not a friend.
 */
export async function conversationNamed(connection: MimiConnection, name: string): Promise<ConversationTarget> {
  const found = findConversation(connection.getSnapshot(), name);
  if (found) return found;
  if (name.startsWith("#") || name === "lobby") {
    throw new UsageError(`you are in no room "${name}"; "rooms" lists yours`);
  }
  const user = await connection.findUser(name.replace(/^@/, ""));
  throw new NotAFriendError(
    `${user.nickname} (${user.username}) is not your friend, so you have no conversation; ask with: add ${user.username}`,
  );
}
