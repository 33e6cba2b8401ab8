// The operation registry: every operation and push of the protocol, each defined once (PROTOCOL.md §5).

import type { OpDef, PushDef } from "./define.ts";
import * as accounts from "./ops/accounts.ts";
import * as blobs from "./ops/blobs.ts";
import * as devices from "./ops/devices.ts";
import * as friends from "./ops/friends.ts";
import * as messages from "./ops/messages.ts";
import * as presence from "./ops/presence.ts";
import * as session from "./ops/session.ts";

/** Every operation, by camelCase name (`loginFinish` for `login_finish`). */
export const OPS = Object.freeze({
  ping: session.ping,
  echo: session.echo,
  registerStart: accounts.registerStart,
  registerFinish: accounts.registerFinish,
  loginStart: accounts.loginStart,
  loginFinish: accounts.loginFinish,
  logout: accounts.logout,
  setNickname: accounts.setNickname,
  setFont: accounts.setFont,
  passwordStart: accounts.passwordStart,
  passwordFinish: accounts.passwordFinish,
  resume: devices.resume,
  listDevices: devices.listDevices,
  revokeDevice: devices.revokeDevice,
  watchPresence: presence.watchPresence,
  ...blobs.BLOB_OPS,
  findUser: friends.findUser,
  sendFriendRequest: friends.sendFriendRequest,
  answerFriendRequest: friends.answerFriendRequest,
  removeFriend: friends.removeFriend,
  blockUser: friends.blockUser,
  unblockUser: friends.unblockUser,
  listBlocked: friends.listBlocked,
  sendMessage: messages.sendMessage,
  history: messages.history,
  sync: messages.sync,
  markRead: messages.markRead,
  recallMessage: messages.recallMessage,
});

/** Every push, by camelCase name. `ping` shares its opcode with the `ping` operation (PROTOCOL.md §11.3). */
export const PUSHES = Object.freeze({
  ping: session.keepAlive,
  kicked: session.kicked,
  presence: presence.presence,
  friendRequest: friends.friendRequestPush,
  friendAdded: friends.friendAdded,
  friendRemoved: friends.friendRemoved,
  message: messages.messagePush,
  messageRecalled: messages.messageRecalled,
  conversationAdded: messages.conversationAdded,
  conversationRemoved: messages.conversationRemoved,
});

/** The definition of any one operation. */
export type AnyOp = (typeof OPS)[keyof typeof OPS];
/** The definition of any one push. */
export type AnyPush = (typeof PUSHES)[keyof typeof PUSHES];

const opsByCode = new Map<number, AnyOp>(Object.values(OPS).map((def) => [def.opcode, def]));
const pushesByCode = new Map<number, AnyPush>(Object.values(PUSHES).map((def) => [def.opcode, def]));

/**
 * Looks up the operation a request's opcode names.
 *
 * @param opcode A u16 opcode read from a request envelope.
 * @returns The operation, or `undefined` when none has this opcode (the server answers `unknown_opcode`).
 *
 * @example
 * ```ts
 * import { opByCode } from "./registry.ts";
 * opByCode(0x0013)?.name; // "login_finish"
 * opByCode(0x0100); // undefined: `kicked` is a push
 * ```
 */
export function opByCode(opcode: number): AnyOp | undefined {
  return opsByCode.get(opcode);
}

/**
 * Looks up the push an envelope with id 0 carries.
 *
 * @param opcode A u16 opcode read from a push envelope.
 * @returns The push, or `undefined` for an opcode this client does not know (a newer server may send more).
 *
 * @example
 * ```ts
 * import { pushByCode } from "./registry.ts";
 * pushByCode(0x0101)?.name; // "presence"
 * ```
 */
export function pushByCode(opcode: number): AnyPush | undefined {
  return pushesByCode.get(opcode);
}

// Keeps the registry's values checked against the general shapes, so a definition that drifts fails to compile here.
const _ops: Readonly<Record<string, OpDef>> = OPS;
const _pushes: Readonly<Record<string, PushDef>> = PUSHES;
void _ops;
void _pushes;
