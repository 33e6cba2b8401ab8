import assert from "node:assert/strict";
import type { LoginBundle } from "./accounts.ts";
import {
  type ClientAction,
  clientReducer,
  type ClientState,
  connectionReducer,
  contactsReducer,
  createClientStore,
  type Device,
  initialClientState,
  sessionReducer,
} from "./reducers.ts";

const bundle: LoginBundle & { deviceId?: number | null } = {
  user: { id: 10, username: "me", nickname: "Me", font: { family: null, size: null } },
  friends: [
    { id: 1, username: "bob", nickname: "Bob", online: false, lastSeenAt: 1000 },
    { id: 2, username: "amy", nickname: "amy", online: false, lastSeenAt: null },
    { id: 3, username: "xm", nickname: "小明", online: true, lastSeenAt: 500 },
  ],
  rooms: [{ id: 7, name: "Lobby", kind: "lobby", public: true, ownerId: null, conversationId: 3 }],
  friendRequests: [
    { id: 4, from: { id: 5, username: "eve", nickname: "Eve" }, note: null, status: "pending", createdAt: 9 },
  ],
  conversations: [],
  users: [],
  deviceId: 42,
};

const devices: Device[] = [{ id: 42, name: "Laptop", createdAt: 1, lastUsedAt: 2, current: true }];

function run(...actions: ClientAction[]): ClientState {
  return actions.reduce(clientReducer, initialClientState);
}

Deno.test("clientReducer() fills the state from the login bundle, contacts sorted online first", () => {
  const state = run({ type: "loggedIn", bundle });
  assert.deepEqual(state.session, { state: "signedIn", user: bundle.user, deviceId: 42 });
  assert.deepEqual(state.contacts.map((c) => c.id), [3, 2, 1]);
  assert.equal(state.rooms, bundle.rooms);
  assert.equal(state.friendRequests, bundle.friendRequests);
});

Deno.test("sessionReducer() records no device when the login did not remember one", () => {
  const { deviceId: _deviceId, ...withoutDevice } = bundle;
  const session = sessionReducer(initialClientState.session, { type: "loggedIn", bundle: withoutDevice });
  assert.deepEqual(session, { state: "signedIn", user: bundle.user, deviceId: null });
});

Deno.test("clientReducer() moves a contact who comes online to the top", () => {
  const state = run({ type: "loggedIn", bundle }, { type: "presence", userId: 1, online: true, lastSeenAt: null });
  assert.deepEqual(state.contacts.map((c) => [c.id, c.online]), [[1, true], [3, true], [2, false]]);
  assert.equal(state.contacts[0].lastSeenAt, 1000, "going online keeps the last known time");
});

Deno.test("clientReducer() applies a watch_presence answer to every contact it names", () => {
  const state = run({ type: "loggedIn", bundle }, {
    type: "presenceList",
    presence: [
      { userId: 3, online: false, lastSeenAt: 2000 },
      { userId: 2, online: true, lastSeenAt: null },
      { userId: 99, online: true, lastSeenAt: null },
    ],
  });
  assert.deepEqual(state.contacts.map((c) => [c.id, c.online, c.lastSeenAt]), [
    [2, true, null],
    [1, false, 1000],
    [3, false, 2000],
  ]);
});

Deno.test("clientReducer() returns the same state for an action that changes nothing", () => {
  const loggedIn = run({ type: "loggedIn", bundle });
  assert.equal(clientReducer(loggedIn, { type: "presence", userId: 99, online: true, lastSeenAt: null }), loggedIn);
  assert.equal(clientReducer(loggedIn, { type: "presence", userId: 3, online: true, lastSeenAt: null }), loggedIn);
  assert.equal(clientReducer(loggedIn, { type: "whatever" } as unknown as ClientAction), loggedIn);
  assert.equal(clientReducer(initialClientState, { type: "loggedOut" }), initialClientState);
});

Deno.test("clientReducer() keeps parts an action does not touch by identity", () => {
  const loggedIn = run({ type: "loggedIn", bundle });
  const next = clientReducer(loggedIn, { type: "presence", userId: 1, online: true, lastSeenAt: null });
  assert.equal(next.session, loggedIn.session);
  assert.equal(next.rooms, loggedIn.rooms);
  assert.equal(next.connection, loggedIn.connection);
  assert.notEqual(next.contacts, loggedIn.contacts);
});

Deno.test("connectionReducer() keeps the suite only while open", () => {
  const open = connectionReducer(initialClientState.connection, {
    type: "status",
    status: { state: "open" },
    suite: "x25519/aes-256-gcm",
  });
  assert.deepEqual(open, { status: { state: "open" }, suite: "x25519/aes-256-gcm" });
  const error = new Error("reset");
  const retrying = connectionReducer(open, {
    type: "status",
    status: { state: "retrying", attempt: 1, retryAt: 5, error },
  });
  assert.deepEqual(retrying, { status: { state: "retrying", attempt: 1, retryAt: 5, error }, suite: null });
});

Deno.test("clientReducer() keeps the user signed in while the connection retries", () => {
  const state = run(
    { type: "loggedIn", bundle },
    { type: "status", status: { state: "retrying", attempt: 1, retryAt: 5 } },
  );
  assert.equal(state.session.state, "signedIn");
  assert.equal(state.contacts.length, 3);
});

Deno.test("clientReducer() signs out and forgets the account's data on a kick", () => {
  const kick = { at: 123, address: "10.0.0.9:4000", reason: "elsewhere" as const };
  const state = run({ type: "loggedIn", bundle }, { type: "devices", list: devices }, { type: "kicked", ...kick });
  assert.deepEqual(state.session, { state: "signedOut", kicked: kick });
  assert.deepEqual(state.connection, { status: { state: "kicked", ...kick }, suite: null });
  assert.deepEqual([state.contacts, state.rooms, state.friendRequests, state.devices], [[], [], [], []]);
});

Deno.test("clientReducer() forgets the account's data on logout", () => {
  const state = run({ type: "loggedIn", bundle }, { type: "devices", list: devices }, { type: "loggedOut" });
  assert.deepEqual(state.session, { state: "signedOut" });
  assert.deepEqual([state.contacts, state.rooms, state.friendRequests, state.devices], [[], [], [], []]);
});

Deno.test("clientReducer() stores the device list and drops it at the next login", () => {
  const listed = run({ type: "loggedIn", bundle }, { type: "devices", list: devices });
  assert.equal(listed.devices, devices);
  assert.deepEqual(clientReducer(listed, { type: "loggedIn", bundle }).devices, []);
});

Deno.test("clientReducer() updates the signed-in profile and ignores a profile while signed out", () => {
  const user = { ...bundle.user, nickname: "New me" };
  assert.deepEqual(run({ type: "loggedIn", bundle }, { type: "profile", user }).session, {
    state: "signedIn",
    user,
    deviceId: 42,
  });
  assert.equal(run({ type: "profile", user }), initialClientState);
});

Deno.test("contactsReducer() does not modify the list it is given", () => {
  const list = Object.freeze(run({ type: "loggedIn", bundle }).contacts.map((c) => Object.freeze(c)));
  contactsReducer(list, { type: "presence", userId: 2, online: true, lastSeenAt: null });
  assert.equal(list[1].online, false);
});

Deno.test("createClientStore() starts signed out and connecting, and follows dispatched actions", () => {
  const store = createClientStore();
  assert.equal(store.getSnapshot(), initialClientState);
  let calls = 0;
  store.subscribe(() => calls++);
  store.dispatch({ type: "loggedIn", bundle });
  assert.equal(store.getSnapshot().session.state, "signedIn");
  store.dispatch({ type: "presence", userId: 99, online: true, lastSeenAt: null });
  assert.equal(calls, 1, "an action that changes nothing is not announced");
});

const conversation = {
  id: 30,
  kind: "room" as const,
  roomId: 8,
  peer: null,
  title: "Study group",
  lastSeq: 1,
  readSeq: 0,
  unread: 1,
  last: null,
  lastAt: null,
};
const withConversation = {
  ...bundle,
  conversations: [conversation] as unknown as LoginBundle["conversations"],
};
const page = {
  type: "history" as const,
  conversationId: 30,
  after: 0,
  hasMore: false,
  knownLastSeq: 1,
  messages: [{
    conversationId: 30,
    seq: 1,
    senderId: 3,
    clientId: "a",
    at: 5,
    body: { type: "text" as const, text: "hi" },
    recalledAt: null,
  }],
};

Deno.test("clientReducer() keeps the messages held through a resume of the same user and drops them for another", () => {
  const held = run({ type: "loggedIn", bundle: withConversation }, page);
  assert.equal(held.messages[30].messages.length, 1);
  assert.deepEqual(held.conversations[0].preview, {
    sender: "小明",
    senderId: 3,
    content: { kind: "text", text: "hi" },
  });
  const resumed = clientReducer(held, { type: "loggedIn", bundle: withConversation });
  assert.equal(resumed.messages[30], held.messages[30]);
  const other = { ...withConversation, user: { ...bundle.user, id: 11 } };
  assert.deepEqual(clientReducer(held, { type: "loggedIn", bundle: other }).messages, {});
  const out = clientReducer(held, { type: "loggedOut" });
  assert.deepEqual([out.conversations, out.messages, out.users], [[], {}, {}]);
});

Deno.test("clientReducer() holds the rooms of room conversations and drops a room whose conversation goes", () => {
  const state = run({ type: "loggedIn", bundle: withConversation });
  assert.deepEqual(state.rooms.map((room) => room.id), [7, 8]);
  const left = clientReducer(state, { type: "conversationRemoved", conversationId: 30 });
  assert.deepEqual(left.rooms.map((room) => room.id), [7]);
  assert.deepEqual(left.conversations, []);
});

Deno.test("clientReducer() adds a new friend to the contacts and takes them off the requests", () => {
  const friend = { id: 5, username: "eve", nickname: "Eve", online: true, lastSeenAt: null };
  const state = run({ type: "loggedIn", bundle }, { type: "friendAdded", friend, conversationId: 31 });
  assert.deepEqual(state.contacts.map((c) => c.id), [5, 3, 2, 1]);
  assert.deepEqual(state.friendRequests, []);
  assert.deepEqual(clientReducer(state, { type: "friendRemoved", userId: 5 }).contacts.map((c) => c.id), [3, 2, 1]);
});

Deno.test("clientReducer() names room senders in previews once their nickname is learnt", () => {
  const state = run({ type: "loggedIn", bundle: withConversation }, {
    ...page,
    messages: [{ ...page.messages[0], senderId: 40 }],
  });
  assert.equal(state.conversations[0].preview?.sender, null);
  const named = clientReducer(state, { type: "users", users: [{ id: 40, username: "li", nickname: "小李" }] });
  assert.equal(named.conversations[0].preview?.sender, "小李");
});

Deno.test("clientReducer() drops a removed room with its conversation and members", () => {
  const members = [{ user: { id: 40, username: "li", nickname: "小李" }, role: "owner", online: true }];
  const state = run(
    { type: "loggedIn", bundle: withConversation },
    { type: "roomMembers", roomId: 8, members, onlineCount: 1 },
  );
  assert.equal(state.roomMembers[8].members, members);
  const removed = clientReducer(state, { type: "roomRemoved", roomId: 8 });
  assert.deepEqual(removed.rooms.map((room) => room.id), [7]);
  assert.deepEqual([removed.conversations, removed.roomMembers], [[], {}]);
});

Deno.test("clientReducer() renames a room from room_updated and keeps its conversation", () => {
  const state = run({ type: "loggedIn", bundle: withConversation });
  const room = { ...state.rooms.find((room) => room.id === 8)!, name: "Renamed", ownerId: 40 };
  const renamed = clientReducer(state, { type: "roomUpdated", room });
  assert.deepEqual(renamed.rooms.find((room) => room.id === 8), room);
  assert.equal(renamed.conversations, state.conversations);
});

Deno.test("clientReducer() keeps the lobby count until the session ends or another login starts", () => {
  const state = run({ type: "loggedIn", bundle }, { type: "lobbyCount", onlineCount: 5 });
  assert.equal(state.lobbyOnline, 5);
  assert.equal(clientReducer(state, { type: "lobbyCount", onlineCount: 5 }), state);
  assert.equal(clientReducer(state, { type: "loggedOut" }).lobbyOnline, null);
  assert.equal(clientReducer(state, { type: "loggedIn", bundle }).lobbyOnline, null);
});

const stranger = { id: 42, username: "wanderer", nickname: "路人甲" };

Deno.test("clientReducer() learns the senders a history page names, and names the room preview by them", () => {
  const state = run({ type: "loggedIn", bundle: withConversation }, {
    ...page,
    messages: [{ ...page.messages[0], senderId: 42 }],
    users: [stranger],
  });
  assert.deepEqual(state.users[42], stranger);
  assert.equal(state.conversations[0].preview?.sender, "路人甲");
});

Deno.test("clientReducer() learns the sender a message push names, and a system line's null sender adds nobody", () => {
  const pushed = run({ type: "loggedIn", bundle }, {
    type: "messages",
    messages: [{ ...page.messages[0], senderId: 42 }],
    users: [stranger],
  });
  assert.deepEqual(pushed.users[42], stranger);
  const system = clientReducer(pushed, { type: "messages", messages: [], users: [] });
  assert.equal(system.users, pushed.users, "nothing new: the same directory");
});

Deno.test("clientReducer() learns the senders of a sync's, a bundle's and a conversation_added's last messages", () => {
  const renamed = { ...stranger, nickname: "旅人" };
  const bundled = run({ type: "loggedIn", bundle: { ...bundle, users: [stranger] } });
  assert.deepEqual(bundled.users[42], stranger);
  const synced = clientReducer(bundled, { type: "conversations", conversations: [], users: [renamed] });
  assert.equal(synced.users[42].nickname, "旅人", "a later answer's names replace older ones");
  const added = clientReducer(initialClientState, {
    type: "conversationAdded",
    conversation: withConversation.conversations[0],
    users: [stranger],
  });
  assert.deepEqual(added.users[42], stranger);
});
