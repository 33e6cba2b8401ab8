// The room side of a connection: the typed room operations, each answer and room push turned into state actions, and
// the lobby watched again after a reconnect (PROTOCOL.md §13).

import { OPS } from "../protocol/registry.ts";
import type { Caller } from "./blobs.ts";
import { isExpected } from "./chat.ts";
import type { Message } from "./chat_types.ts";
import { LobbyWatch } from "./lobby_watch.ts";
import type { PresenceWatch } from "./presence_watch.ts";
import type { ClientAction, ClientState } from "./reducers.ts";
import type { PublicRoom, Room, RoomMembers } from "./rooms.ts";
import type { Store } from "./state.ts";

/** Options of {@link RoomCalls}. */
export interface RoomCallsOptions {
  /** The connection's state store. */
  store: Store<ClientState, ClientAction>;
  /** Sends an operation once the connection is open (`MimiConnection.call`). */
  call: Caller;
  /** Asks `sync` and catches up: a room the user joined by their own request comes with no `conversation_added`. */
  sync(): Promise<void>;
  /** Where failures that belong to no caller go. */
  onError(error: unknown): void;
  /** The connection's presence watch, which watches the members of the rooms shown. */
  presence: PresenceWatch;
}

/** Options of `createRoom`. */
export interface CreateRoomOptions {
  /** Friends in the room from the start (default none: a room of one). */
  memberIds?: readonly number[];
  /** Listed by `list_public_rooms` and open to `join_room` (default false). */
  public?: boolean;
}

/** The room operations of one connection, and the room pushes into its state. */
export class RoomCalls {
  readonly #store: Store<ClientState, ClientAction>;
  readonly #call: Caller;
  readonly #sync: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  /** The lobby's watch: it belongs to a connection, so a new one asks again. */
  readonly #lobby: LobbyWatch;
  readonly #presence: PresenceWatch;

  /** @param options See {@link RoomCallsOptions}. */
  constructor(options: RoomCallsOptions) {
    this.#store = options.store;
    this.#call = options.call;
    this.#sync = options.sync;
    this.#onError = options.onError;
    this.#presence = options.presence;
    this.#lobby = new LobbyWatch({ store: options.store, call: options.call, onError: options.onError });
  }

  /**
   * A login or resume succeeded on a new connection: a lobby watched before is watched again.
   *
   * @param call Sends over this session.
   * @param isCurrent Whether the session is still the one signed in, so a late answer of an older one is dropped.
   */
  signedIn(call: Caller, isCurrent: () => boolean): void {
    this.#lobby.signedIn(call, isCurrent);
  }

  /** The session ended for good (logout, kick): the lobby is no longer watched. */
  signedOut(): void {
    this.#lobby.signedOut();
  }

  /** A `message` push arrived: the lobby's may show a gap to fill. */
  messagePushed(message: Message): void {
    this.#lobby.pushed(message);
    const body = message.body;
    if (body.type !== "system" || !MEMBER_EVENTS.has(body.event)) return;
    const room = this.#store.getSnapshot().rooms.find((room) => room.conversationId === message.conversationId);
    if (room) this.#refreshMembers(room.id);
  }

  /**
   * A room push arrived; the state takes it.
   *
   * @param name The push's registry name.
   * @param body Its checked body.
   */
  pushed(name: string, body: unknown): void {
    switch (name) {
      case "roomUpdated":
        this.#store.dispatch({ type: "roomUpdated", room: (body as { room: Room }).room });
        return;
      case "roomRemoved":
        this.#removed((body as { roomId: number }).roomId);
        return;
      case "lobbyCount":
        this.#store.dispatch({ type: "lobbyCount", onlineCount: (body as { onlineCount: number }).onlineCount });
        return;
    }
  }

  async createRoom(name: string, options: CreateRoomOptions = {}): Promise<Room> {
    const { room } = await this.#call(OPS.createRoom, {
      name,
      memberIds: [...options.memberIds ?? []],
      ...options.public === undefined ? {} : { public: options.public },
    });
    return await this.#joined(room);
  }

  async listPublicRooms(): Promise<readonly PublicRoom[]> {
    const { rooms } = await this.#call(OPS.listPublicRooms, {});
    return rooms;
  }

  async joinRoom(roomId: number): Promise<Room> {
    const { room } = await this.#call(OPS.joinRoom, { roomId });
    return await this.#joined(room);
  }

  async joinRoomByCode(code: string): Promise<Room> {
    const { room } = await this.#call(OPS.joinRoomByCode, { code });
    return await this.#joined(room);
  }

  async roomInviteCode(roomId: number): Promise<string> {
    const { code } = await this.#call(OPS.roomInviteCode, { roomId });
    return code;
  }

  async inviteToRoom(roomId: number, userIds: readonly number[]): Promise<readonly number[]> {
    const { added } = await this.#call(OPS.inviteToRoom, { roomId, userIds: [...userIds] });
    if (added.length) this.#refreshMembers(roomId);
    return added;
  }

  async leaveRoom(roomId: number): Promise<void> {
    await this.#call(OPS.leaveRoom, { roomId });
    this.#removed(roomId);
  }

  async renameRoom(roomId: number, name: string): Promise<Room> {
    const { room } = await this.#call(OPS.renameRoom, { roomId, name });
    this.#store.dispatch({ type: "roomUpdated", room });
    return room;
  }

  async removeMember(roomId: number, userId: number): Promise<void> {
    await this.#call(OPS.removeMember, { roomId, userId });
    this.#refreshMembers(roomId);
  }

  async transferRoom(roomId: number, userId: number): Promise<Room> {
    const { room } = await this.#call(OPS.transferRoom, { roomId, userId });
    this.#store.dispatch({ type: "roomUpdated", room });
    this.#refreshMembers(roomId);
    return room;
  }

  async deleteRoom(roomId: number): Promise<void> {
    await this.#call(OPS.deleteRoom, { roomId });
    this.#removed(roomId);
  }

  async roomMembers(roomId: number): Promise<RoomMembers> {
    const answer = await this.#fetchMembers(roomId);
    // The lobby has no member list to watch (PROTOCOL.md §13.4).
    if (this.#store.getSnapshot().lobby?.roomId === roomId) return answer;
    if (this.#presence.watchesRoom(roomId)) await this.#presence.update();
    else await this.#presence.setRoom(roomId, true);
    return answer;
  }

  async unwatchRoomMembers(roomId: number): Promise<void> {
    await this.#presence.setRoom(roomId, false);
  }

  watchLobby(watch = true): Promise<number> {
    return this.#lobby.watch(watch);
  }

  /** A room the user is in by their own request: listed now, its conversation once `sync` answers. */
  async #joined(room: Room): Promise<Room> {
    this.#store.dispatch({ type: "roomUpdated", room });
    const listed = this.#store.getSnapshot().conversations.some((c) => c.id === room.conversationId);
    if (!listed) await this.#sync();
    return room;
  }

  /** A room's members as the server answers them now, into the state. */
  async #fetchMembers(roomId: number): Promise<RoomMembers> {
    const { members, onlineCount } = await this.#call(OPS.roomMembers, { roomId });
    this.#store.dispatch({ type: "users", users: members.map((member) => member.user) });
    this.#store.dispatch({ type: "roomMembers", roomId, members, onlineCount });
    return { members, onlineCount };
  }

  /** A room left the state (left, removed, deleted): its members are no longer watched. */
  #removed(roomId: number): void {
    this.#store.dispatch({ type: "roomRemoved", roomId });
    if (!this.#presence.watchesRoom(roomId)) return;
    this.#presence.forgetRoom(roomId);
    this.#presence.refresh();
  }

  /**
   * Asks for a room's members again when the state holds them: a change of members or roles made them stale. A
   * watched room's new members are watched too.
   */
  #refreshMembers(roomId: number): void {
    if (!(roomId in this.#store.getSnapshot().roomMembers)) return;
    const watched = this.#presence.watchesRoom(roomId);
    this.#fetchMembers(roomId).then(() => watched ? this.#presence.update() : undefined).catch((error) => {
      // The room may have gone under the request (its room_removed push follows), or the session with it.
      if (!isExpected(error)) this.#onError(error);
    });
  }
}

/** The system lines that change a room's members or their roles (PROTOCOL.md §13.3). */
const MEMBER_EVENTS: ReadonlySet<string> = new Set(["joined", "left", "removed", "owner"]);
