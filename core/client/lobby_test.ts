import assert from "node:assert/strict";
import type { LoginBundle } from "./accounts.ts";
import type { Message } from "./chat_types.ts";
import { lobbyAfterLogin, lobbyPage, lobbyReducer, lobbyUnwatched } from "./lobby.ts";
import { emptyMessages } from "./messages.ts";
import { type ClientAction, clientReducer, type ClientState, initialClientState } from "./reducers.ts";

const LOBBY = 3;

const bundle: LoginBundle = {
  user: { id: 10, username: "me", nickname: "Me", font: { family: null, size: null } },
  friends: [],
  rooms: [{ id: 7, name: "Lobby", kind: "lobby", public: true, ownerId: null, conversationId: LOBBY }],
  friendRequests: [],
  conversations: [],
  users: [],
};

function m(seq: number, senderId = 2): Message {
  return {
    conversationId: LOBBY,
    seq,
    senderId,
    clientId: senderId === 10 ? `c${seq}` : null,
    at: seq,
    recalledAt: null,
    body: { type: "text", text: String(seq) },
  };
}

function run(...actions: ClientAction[]): ClientState {
  return actions.reduce(clientReducer, initialClientState);
}

const watched: ClientAction[] = [{ type: "loggedIn", bundle }, { type: "lobbyWatch", watching: true, onlineCount: 4 }];

Deno.test("clientReducer() names the lobby from the login bundle, unwatched, with no count", () => {
  const state = run({ type: "loggedIn", bundle });
  assert.deepEqual(state.lobby, { roomId: 7, conversationId: LOBBY, online: null, watching: false });
  assert.ok(!state.conversations.some((c) => c.id === LOBBY), "the lobby is not in the conversation list");
});

Deno.test("clientReducer() holds the lobby's newest page and live messages in sequence, each once", () => {
  const state = run(
    ...watched,
    { type: "history", conversationId: LOBBY, messages: [m(4), m(5)], hasMore: true, knownLastSeq: 0 },
    { type: "messages", messages: [m(6)] },
    { type: "messages", messages: [m(6), m(5)] },
  );
  assert.deepEqual(state.lobby, { roomId: 7, conversationId: LOBBY, online: 4, watching: true });
  assert.equal(state.lobbyOnline, 4);
  const held = state.messages[LOBBY];
  assert.deepEqual(held.messages.map((x) => x.seq), [4, 5, 6]);
  assert.equal(held.through, 6);
  assert.equal(held.hasOlder, true);
});

Deno.test("clientReducer() keeps a lobby message past a gap apart until the forward page fills it", () => {
  let state = run(
    ...watched,
    { type: "history", conversationId: LOBBY, messages: [m(1), m(2)], hasMore: false, knownLastSeq: 0 },
    { type: "messages", messages: [m(5)] },
  );
  assert.equal(state.messages[LOBBY].through, 2, "the gap is not counted as held");
  state = clientReducer(state, {
    type: "history",
    conversationId: LOBBY,
    after: 2,
    messages: [m(3), m(4), m(5)],
    hasMore: false,
    knownLastSeq: 5,
  });
  assert.deepEqual(state.messages[LOBBY].messages.map((x) => x.seq), [1, 2, 3, 4, 5]);
  assert.equal(state.messages[LOBBY].through, 5);
});

Deno.test("clientReducer() keeps the lobby's messages through a sync and a resume of the same user", () => {
  let state = run(
    ...watched,
    { type: "history", conversationId: LOBBY, messages: [m(1)], hasMore: false, knownLastSeq: 0 },
  );
  const held = state.messages[LOBBY];
  state = clientReducer(state, { type: "conversations", conversations: [] });
  assert.equal(state.messages[LOBBY], held, "sync's list, which lacks the lobby, does not drop it");
  state = clientReducer(state, { type: "loggedIn", bundle });
  assert.equal(state.messages[LOBBY], held, "a resume keeps it");
  assert.equal(state.lobby?.watching, true, "and the watch the SDK renews");
});

Deno.test("clientReducer() forgets the lobby's messages when the watch stops, and the lobby at logout", () => {
  let state = run(
    ...watched,
    { type: "history", conversationId: LOBBY, messages: [m(1)], hasMore: false, knownLastSeq: 0 },
    { type: "lobbyWatch", watching: false, onlineCount: 4 },
  );
  assert.equal(state.lobby?.watching, false);
  assert.ok(!(LOBBY in state.messages));
  state = clientReducer(state, { type: "loggedOut" });
  assert.equal(state.lobby, null);
});

Deno.test("clientReducer() starts another user's lobby empty and unwatched", () => {
  const state = run(
    ...watched,
    { type: "history", conversationId: LOBBY, messages: [m(1)], hasMore: false, knownLastSeq: 0 },
    { type: "loggedIn", bundle: { ...bundle, user: { ...bundle.user, id: 11, username: "other" } } },
  );
  assert.equal(state.lobby?.watching, false);
  assert.ok(!(LOBBY in state.messages));
});

Deno.test("clientReducer() shows a send to the lobby as outgoing until its message comes", () => {
  let state = run(...watched, {
    type: "outgoing",
    entry: { clientId: "c1", conversationId: LOBBY, body: { type: "text", text: "1" }, state: "pending" },
  });
  assert.deepEqual(state.messages[LOBBY].outgoing.map((o) => o.clientId), ["c1"]);
  state = clientReducer(state, { type: "messages", messages: [m(1, 10)] });
  assert.deepEqual(state.messages[LOBBY].outgoing, []);
  assert.deepEqual(state.messages[LOBBY].messages.map((x) => x.seq), [1]);
});

Deno.test("clientReducer() counts no unread messages in the lobby", () => {
  const state = run(...watched, { type: "messages", messages: [m(1), m(2)] });
  assert.ok(!state.conversations.some((c) => c.id === LOBBY));
  assert.equal("unread" in state.lobby!, false);
});

Deno.test("lobbyPage() starts over from a newest page that does not reach what is held", () => {
  const held = lobbyPage(emptyMessages, { messages: [m(1), m(2)], hasMore: false, knownLastSeq: 0 }, 10);
  const next = lobbyPage(held, { messages: [m(90), m(91)], hasMore: true, knownLastSeq: 2 }, 10);
  assert.deepEqual(next.messages.map((x) => x.seq), [90, 91]);
  assert.equal(next.through, 91);
  assert.equal(next.hasOlder, true);
});

Deno.test("lobbyPage() merges a newest page that overlaps what is held, each message once", () => {
  const held = lobbyPage(emptyMessages, { messages: [m(1), m(2)], hasMore: false, knownLastSeq: 0 }, 10);
  const next = lobbyPage(held, { messages: [m(2), m(3)], hasMore: true, knownLastSeq: 2 }, 10);
  assert.deepEqual(next.messages.map((x) => x.seq), [1, 2, 3]);
  assert.equal(next.through, 3);
  assert.equal(next.hasOlder, false);
});

Deno.test("lobbyUnwatched() keeps only the sends on their way", () => {
  const outgoing = [{
    clientId: "c",
    conversationId: LOBBY,
    body: { type: "text" as const, text: "x" },
    state: "pending" as const,
  }];
  const held = { messages: [m(1)], through: 1, hasOlder: false, outgoing };
  assert.deepEqual(lobbyUnwatched(held), { ...emptyMessages, outgoing });
  assert.equal(lobbyUnwatched({ ...held, outgoing: [] }), emptyMessages);
});

Deno.test("lobbyAfterLogin() answers null for a bundle without a lobby", () => {
  assert.equal(lobbyAfterLogin(null, [], false), null);
});

Deno.test("lobbyReducer() takes a lobby_count and changes nothing before a login", () => {
  const lobby = { roomId: 7, conversationId: LOBBY, online: 2, watching: true };
  assert.equal(lobbyReducer(lobby, { type: "lobbyCount", onlineCount: 5 })?.online, 5);
  assert.equal(lobbyReducer(lobby, { type: "lobbyCount", onlineCount: 2 }), lobby);
  assert.equal(lobbyReducer(null, { type: "lobbyCount", onlineCount: 5 }), null);
});
