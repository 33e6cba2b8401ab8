// Sample bodies for every operation and push, typed by the registry, for the tests (each op's schema must take them).

import type { PushBodyOf, RequestOf, ResponseOf } from "./define.ts";
import type { LoginBundle } from "./ops/bundle.ts";
import type { Conversation, Message } from "./ops/messages.ts";
import type { OPS, PUSHES } from "./registry.ts";

const bob = { id: 2, username: "bob", nickname: "Bob" };
const text: Message = {
  conversationId: 6,
  seq: 41,
  senderId: 2,
  clientId: "c-7f3a",
  at: 1_700_000_000_000,
  body: { type: "text", text: "第一行\nsecond line" },
  recalledAt: null,
};
const image: Message = {
  ...text,
  seq: 42,
  clientId: "c-7f3b",
  body: {
    type: "image",
    blob: new Uint8Array(32).fill(0xab),
    mime: "image/png",
    width: 640,
    height: 480,
    size: 123_456,
    thumbnail: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
  },
};
const system: Message = {
  conversationId: 8,
  seq: 3,
  senderId: null,
  clientId: null,
  at: 1_700_000_000_000,
  body: { type: "system", event: "renamed", userId: 2, by: 1, name: "周末爬山" },
  recalledAt: null,
};
const recalled: Message = { ...text, seq: 43, body: { type: "recalled" }, recalledAt: 1_700_000_060_000 };
const conversation: Conversation = {
  id: 6,
  kind: "direct",
  roomId: null,
  peer: bob,
  title: "Bob",
  lastSeq: 43,
  readSeq: 40,
  unread: 2,
  last: recalled,
  lastAt: 1_700_000_000_000,
};
const bundle: LoginBundle = {
  user: { id: 1, username: "Alice", nickname: "爱丽丝", font: { family: "Noto Sans SC", size: 14 } },
  friends: [{ id: 2, username: "bob", nickname: "Bob", online: false, lastSeenAt: 1_700_000_000_000 }],
  rooms: [{ id: 3, name: "Lobby", kind: "lobby", public: true, ownerId: null, conversationId: 11 }],
  friendRequests: [
    {
      id: 4,
      from: { id: 5, username: "carol", nickname: "Carol" },
      note: "我是你的同学",
      status: "pending",
      createdAt: 1_700_000_000_000,
    },
  ],
  conversations: [conversation],
  users: [bob],
};
const request = bundle.friendRequests[0];
const friend = bundle.friends[0];
const p256 = new Uint8Array(65).fill(7);
p256[0] = 0x04;
const user = { user: bundle.user };
const sha256 = new Uint8Array(32).fill(0xab);
const room = { id: 6, name: "读书会", kind: "group", public: false, ownerId: 1, conversationId: 12 };

/** One request and one response for every operation, every optional field present. */
export const OP_SAMPLES: {
  [K in keyof typeof OPS]: { request: RequestOf<(typeof OPS)[K]>; response: ResponseOf<(typeof OPS)[K]> };
} = {
  ping: { request: {}, response: { time: 1_700_000_000_000 } },
  echo: { request: { any: ["value", 1] }, response: { any: ["value", 1] } },
  registerStart: {
    request: { username: "Alice", nickname: "爱丽丝", request: "AAAA", invite: "k3mv-q7ra" },
    response: { response: "BBBB" },
  },
  registerFinish: { request: { record: "CCCC" }, response: user },
  loginStart: { request: { username: "Alice", request: "AAAA" }, response: { response: "BBBB" } },
  loginFinish: {
    request: { finish: "DDDD", proof: new Uint8Array(32), device: { name: "Firefox on Linux", publicKey: p256 } },
    response: { ...bundle, proof: new Uint8Array(32), deviceId: 9 },
  },
  logout: { request: {}, response: {} },
  setNickname: { request: { nickname: "小明" }, response: user },
  setFont: { request: { family: "Noto Serif", size: 18 }, response: user },
  passwordStart: { request: { request: "AAAA" }, response: { response: "BBBB" } },
  passwordFinish: { request: { record: "CCCC" }, response: {} },
  resume: { request: { deviceId: 9, proof: new Uint8Array(64) }, response: { ...bundle, deviceId: 9 } },
  listDevices: {
    request: {},
    response: { devices: [{ id: 9, name: "Firefox on Linux", createdAt: 1, lastUsedAt: 2, current: true }] },
  },
  revokeDevice: { request: { deviceId: 9 }, response: {} },
  watchPresence: {
    request: { userIds: [2, 5] },
    response: { presence: [{ userId: 2, online: false, lastSeenAt: 1_700_000_000_000 }] },
  },
  uploadStart: { request: { size: 300_000, sha256, kind: "image" }, response: { uploadId: 7, received: 0 } },
  uploadChunk: { request: { uploadId: 7, offset: 0, bytes: new Uint8Array(1024) }, response: { received: 1024 } },
  uploadStatus: { request: { uploadId: 7 }, response: { received: 1024, size: 300_000 } },
  uploadFinish: {
    request: { uploadId: 7 },
    response: { blob: { sha256, size: 300_000, mime: "image/png", width: 640, height: 480 } },
  },
  download: { request: { sha256, offset: 0, length: 262_144 }, response: { bytes: new Uint8Array(16), size: 16 } },
  findUser: { request: { username: "Bob" }, response: { user: bob } },
  sendFriendRequest: { request: { userId: 2, note: "我是小明" }, response: { request } },
  answerFriendRequest: {
    request: { requestId: 4, answer: "accept" },
    response: { request: { ...request, status: "accepted" }, friend, conversationId: 6 },
  },
  removeFriend: { request: { userId: 2 }, response: {} },
  blockUser: { request: { userId: 2 }, response: {} },
  unblockUser: { request: { userId: 2 }, response: {} },
  listBlocked: { request: {}, response: { blocked: [{ ...bob, blockedAt: 1_700_000_000_000 }] } },
  sendMessage: {
    request: { conversationId: 6, clientId: "c-7f3a", body: { type: "text", text: "第一行\nsecond line" } },
    response: { message: text },
  },
  history: {
    request: { conversationId: 6, before: 44, after: 30, limit: 50 },
    response: { messages: [text, image, recalled], hasMore: true, users: [bob] },
  },
  sync: { request: {}, response: { conversations: [conversation], users: [bob] } },
  markRead: { request: { conversationId: 6, seq: 43 }, response: { readSeq: 43 } },
  recallMessage: { request: { conversationId: 6, seq: 43 }, response: { message: recalled } },
  createRoom: { request: { name: "读书会", memberIds: [2, 5], public: false }, response: { room } },
  listPublicRooms: { request: {}, response: { rooms: [{ id: 6, name: "读书会", memberCount: 3, member: true }] } },
  joinRoom: { request: { roomId: 6 }, response: { room } },
  joinRoomByCode: { request: { code: "k3mv-q7ra-a2b4-c5d6-e7f2-g3h4-i5j6-k7l2" }, response: { room } },
  roomInviteCode: { request: { roomId: 6 }, response: { code: "k3mv-q7ra-a2b4-c5d6-e7f2-g3h4-i5j6-k7l2" } },
  inviteToRoom: { request: { roomId: 6, userIds: [2, 5] }, response: { added: [5] } },
  leaveRoom: { request: { roomId: 6 }, response: {} },
  renameRoom: { request: { roomId: 6, name: "Book club" }, response: { room } },
  removeMember: { request: { roomId: 6, userId: 5 }, response: {} },
  transferRoom: { request: { roomId: 6, userId: 2 }, response: { room } },
  deleteRoom: { request: { roomId: 6 }, response: {} },
  roomMembers: {
    request: { roomId: 6 },
    response: {
      members: [{ user: { id: 2, username: "bob", nickname: "Bob" }, role: "owner", online: true }],
      onlineCount: 1,
    },
  },
  watchLobby: { request: { watch: true }, response: { onlineCount: 42 } },
};

/** One body for every push. */
export const PUSH_SAMPLES: { [K in keyof typeof PUSHES]: PushBodyOf<(typeof PUSHES)[K]> } = {
  ping: { time: 1_700_000_000_000 },
  kicked: { at: 1_700_000_000_000, address: "198.51.100.7", reason: "elsewhere" },
  presence: { userId: 2, online: true, lastSeenAt: null },
  friendRequest: { request },
  friendAdded: { friend, conversationId: 6 },
  friendRemoved: { userId: 2 },
  message: { message: image, sender: bob },
  messageRecalled: { message: recalled, sender: bob },
  conversationAdded: {
    conversation: { ...conversation, kind: "room", roomId: 9, peer: null, last: system },
    users: [],
  },
  conversationRemoved: { conversationId: 6 },
  roomUpdated: { room },
  roomRemoved: { roomId: 6, reason: "removed" },
  lobbyCount: { onlineCount: 42 },
};
