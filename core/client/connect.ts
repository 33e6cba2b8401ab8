// connect(): one connection to a Mimi server that stays up: secure, resumed, reconnected, typed, observable.

import type { ClientSecureOptions } from "../crypto/perform_handshake.ts";
import { performClientHandshake } from "../crypto/perform_handshake.ts";
import { HandshakeError } from "../crypto/errors.ts";
import { suiteName } from "../crypto/suites.ts";
import type { PushBodyOf, RequestOf, ResponseOf } from "../protocol/define.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { checkPush } from "../protocol/parse.ts";
import { type AnyOp, type AnyPush, OPS, pushByCode, PUSHES } from "../protocol/registry.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import { type Duplex, TransportError } from "../transport/duplex.ts";
import {
  changePassword,
  login,
  type LoginBundle,
  type LoginResult,
  type Profile,
  register,
  type RegisterOptions,
} from "./accounts.ts";
import type { Backoff, BackoffOptions } from "./backoff.ts";
import type { BlobOptions, Caller } from "./blobs.ts";
import { Chat, type FriendAnswer, type QueuedSend } from "./chat.ts";
import type { FriendRequest, Message, UserRef } from "./chat_types.ts";
import { MimiClient, type Push, type Sendable } from "./client.ts";
import type { DeviceCredential, DeviceKey, DeviceKeyStore } from "./device_key.ts";
import type { OutboxStore } from "./outbox_store.ts";
import { Emitter, reportOutOfBand } from "./emitter.ts";
import type { OpaqueClient } from "./opaque.ts";
import { type Kick, KickedError, readKick } from "./events.ts";
import { type FontPreference, logout, setFont, setNickname } from "./profile.ts";
import { PresenceWatch } from "./presence_watch.ts";
import { type ConnectionStatus, Reconnector, type Session, type SessionEnd } from "./reconnect.ts";
import { type ClientAction, type ClientState, createClientStore, type Device } from "./reducers.ts";
import { resume } from "./resume.ts";
import { type CreateRoomOptions, RoomCalls } from "./room_calls.ts";
import type { PublicRoom, Room, RoomMembers } from "./rooms.ts";
import { clientFrameLimit } from "./secure.ts";
import type { Store } from "./state.ts";

/** Options of {@link connect}. */
export interface ConnectOptions {
  /**
   * Opens the raw transport, on which nothing was read or written yet: `connectWebSocket(url, limits)` in a browser,
   * a TCP connection in the terminal. Called for every attempt.
   *
   * @param signal Aborted when the attempt is abandoned (`close()`, the outer signal); give up then.
   * @param limits `maxFrameBytes`: the outer frame limit the transport must accept for these secure options
   *   (`clientFrameLimit`).
   */
  open(signal: AbortSignal, limits: { maxFrameBytes: number }): Promise<Duplex>;
  /**
   * How to secure each connection (`secureOptionsFromConfig`): provider, offer, records, envelope limit, handshake
   * timeout and `verify`, the identity check. A `verify` that throws {@link HandshakeError} `key_changed` ends the
   * connection for good (status `closed` with that error): retrying cannot make a changed key right.
   */
  secure: ClientSecureOptions;
  /** Which server this is, the key its device credential is stored under (`host:port`, the page's origin). */
  server: string;
  /** Where the device credential lives; without it the connection never resumes and cannot remember a device. */
  deviceKeys?: DeviceKeyStore;
  /**
   * Where the user's sends wait until the server answers them, so they survive a reload or a restart: at each login
   * the user's stored sends (under `server` and the user's id, never another account's) go out again under their
   * client ids, which the server keeps once. Default a `MemoryOutboxStore`: kept only while the program runs.
   */
  outboxStore?: OutboxStore;
  /**
   * Where OPAQUE's client steps (and their Argon2id) run. Default: `@serenity-kit/opaque` on this thread, loaded at
   * the first registration or login. A page passes one that runs them in a Web Worker.
   */
  opaque?: OpaqueClient;
  /**
   * Whether each connection resumes with the stored credential. Default true. A one-shot command that logs in with
   * the password passes false: resuming first would make its login `already_logged_in`, and take the session from
   * the program that holds it.
   */
  resume?: boolean;
  /** Time and timers of the back-off and the handshake timeout. Default the system clock. */
  clock?: Clock;
  /** The back-off between attempts, or options for one (default: 1 s doubling to 30 s, full jitter). */
  backoff?: Backoff | BackoffOptions;
  /**
   * Whether to connect again after a failed attempt or a dropped connection. Default true. False suits one-shot
   * commands: the first failure or drop ends in `closed` with its error, which pending calls reject with.
   */
  reconnect?: boolean;
  /** Aborting it is `close()`. */
  signal?: AbortSignal;
  /**
   * Where failures that belong to no caller go: a throwing subscriber, a malformed push, a failed `watch_presence`
   * or device key store. Default: reported like a throwing event listener (`reportError`).
   */
  onError?: (error: unknown) => void;
}

/** The pushes a client can subscribe to. The keep-alive `ping` is answered by the SDK itself and not delivered. */
export type PushName = Exclude<keyof typeof PUSHES, "ping">;

/** The body each push delivers to its subscribers. */
export type PushEvents = { [K in PushName]: PushBodyOf<(typeof PUSHES)[K]> };

/** Options of {@link MimiConnection.login}. */
export interface ConnectLoginOptions {
  /**
   * Remember this device under this name (1 to 64 characters, e.g. "Firefox on Linux"), so later connections resume
   * without the password. Needs `deviceKeys`.
   */
  remember?: string;
}

/**
 * A connection to a Mimi server, as {@link connect} makes it. Its state store (`getSnapshot`/`subscribe`) is what
 * screens draw from; the methods are what they do.
 */
export interface MimiConnection {
  /** Which server, as given to `connect`. */
  readonly server: string;
  /** Where the connection stands now (also `getSnapshot().connection.status`). */
  readonly status: ConnectionStatus;
  /** The client state: the same object until something changes (for `useSyncExternalStore`). */
  getSnapshot(): ClientState;
  /**
   * Calls `fn` after every change of the snapshot.
   *
   * @returns The unsubscribe function.
   */
  subscribe(fn: () => void): () => void;
  /**
   * Resolves once the connection is open (at once if it is); rejects when it ends first (closed, kicked).
   */
  opened(): Promise<void>;
  /**
   * Sends a request of a registered operation once the connection is open, and checks the answer.
   *
   * @param def The operation, from `OPS`.
   * @param body Its request body.
   * @returns The typed answer; rejects with `ProtocolError` (the server's refusal, e.g. `not_logged_in`),
   *   `TransportError` (`bad_message` for an answer that does not fit the schema, `closed`/`lost` when the connection
   *   ended before the answer), {@link KickedError}, or the error that closed the connection. A call made while
   *   connecting or waiting to retry waits; one made after the end rejects at once.
   */
  call<D extends AnyOp>(def: D, body: Sendable<RequestOf<D>>): Promise<ResponseOf<D>>;
  /**
   * Subscribes to a push; any number of subscribers each get every push.
   *
   * @returns The unsubscribe function.
   */
  on<K extends PushName>(name: K, fn: (body: PushEvents[K]) => void): () => void;
  /** Registers an account (OPAQUE; the password never leaves the client). Does not log in. */
  register(username: string, nickname: string, password: string, options?: RegisterOptions): Promise<Profile>;
  /**
   * Logs in with the password; with `remember`, also remembers this device and saves its credential. Rejects with
   * the store's error if the credential could not be saved (the session is signed in all the same).
   */
  login(username: string, password: string, options?: ConnectLoginOptions): Promise<LoginResult>;
  /** Logs out; the stored device credential is deleted first, so a later connection does not resume. */
  logout(): Promise<void>;
  /** Changes the password of the signed-in account. */
  changePassword(password: string): Promise<void>;
  /** Changes the nickname; the snapshot's profile follows. */
  setNickname(nickname: string): Promise<Profile>;
  /** Stores the chat font preferences; the snapshot's profile follows. */
  setFont(font: FontPreference): Promise<Profile>;
  /** The account's remembered devices; the snapshot's `devices` follows. */
  listDevices(): Promise<readonly Device[]>;
  /** Forgets one of the account's devices; revoking this one ends the connection as `kicked` (`revoked`). */
  revokeDevice(deviceId: number): Promise<void>;
  /**
   * Looks a user up by exact username (PROTOCOL.md §12.1); the state's `users` learns them.
   *
   * @returns The user; rejects with `ProtocolError` `not_found` for no such user (or one who blocked this one).
   */
  findUser(username: string): Promise<UserRef>;
  /**
   * Asks a user to be friends, with an optional note (one line, at most 200 characters); the state's `sentRequests`
   * shows it. Asking someone who asked first accepts their request (the answer is `accepted`).
   *
   * @returns The request; rejects with `ProtocolError` `not_found`, `not_allowed`, `already_friends`,
   *   `already_requested`, or `rate_limited` (with `retryAfterMs`) after a rejection.
   */
  sendFriendRequest(userId: number, note?: string): Promise<FriendRequest>;
  /**
   * Answers a request to the user: `accept` (the friend joins the contacts, their conversation the list), `reject`,
   * or `later` (it stays, `deferred`, and is asked again at the next login).
   */
  answerFriendRequest(requestId: number, answer: "accept" | "reject" | "later"): Promise<FriendAnswer>;
  /** Ends a friendship, for both; the conversation leaves the list and its history stays on the server. */
  removeFriend(userId: number): Promise<void>;
  /** Blocks a user (ending any friendship); the state's `blocked` follows. */
  blockUser(userId: number): Promise<void>;
  /** Lifts a block; the friendship it ended does not come back. */
  unblockUser(userId: number): Promise<void>;
  /** Asks for the blocked users; the state's `blocked` follows. */
  listBlocked(): Promise<void>;
  /**
   * Sends a text through the outbox: it shows at once among the conversation's `outgoing` as `pending`, goes out in
   * order when connected, goes again with the same client id after a reconnect (the server keeps it once), and
   * becomes the server's message (with its `seq`) when answered, or `failed` when refused.
   *
   * @returns Its client id, and `done`: the server's message, or its refusal.
   * @throws {TypeError} If the text is empty or only white space.
   * @throws {OutboxFullError} If 1000 sends are waiting already.
   */
  sendText(conversationId: number, text: string): QueuedSend;
  /**
   * Sends an image through the outbox as {@link sendText} does: its upload (resumed after a drop) comes first.
   *
   * @param bytes A PNG, JPEG, GIF or WebP.
   * @param options `thumbnail`: a small image the client made, shown before the image is downloaded.
   * @throws {TypeError} If the bytes are not such an image (nothing is queued).
   */
  sendImage(conversationId: number, bytes: Uint8Array, options?: { thumbnail?: Uint8Array }): QueuedSend;
  /** Queues a failed send again under its client id. @returns What its `done` is. */
  retrySend(clientId: string): Promise<Message>;
  /** Drops a failed send. @throws {RangeError} If no failed send has that id. */
  discardSend(clientId: string): void;
  /**
   * Moves the read position forward (to `seq`, default the conversation's last message); unread counts follow.
   *
   * @returns The read position now.
   */
  markRead(conversationId: number, seq?: number): Promise<number>;
  /**
   * Recalls one of the user's messages within the server's window; the state shows it recalled.
   *
   * @returns The message in its recalled form; rejects with `ProtocolError` `not_allowed` (not the sender) or
   *   `recall_expired`.
   */
  recall(conversationId: number, seq: number): Promise<Message>;
  /**
   * Fetches the page of messages before the oldest held (PROTOCOL.md §14.4).
   *
   * @param limit Most messages, 1 to 200 (default 50).
   * @returns Whether older messages remain.
   */
  loadOlder(conversationId: number, limit?: number): Promise<boolean>;
  /**
   * Downloads a blob (an image message's `body.blob`) in chunks and checks its hash.
   *
   * @returns The bytes; rejects with `ProtocolError` `not_found` when it is not the user's to read.
   */
  downloadBlob(sha256: Uint8Array, options?: BlobOptions): Promise<Uint8Array>;
  /**
   * Makes a room owned by the user, with friends in it from the start (PROTOCOL.md §13.2); the state's `rooms` and
   * conversations show it.
   *
   * @returns The room; rejects with `ProtocolError` `not_allowed` when a member named is not the user's friend.
   */
  createRoom(name: string, options?: CreateRoomOptions): Promise<Room>;
  /** The public rooms, most members first; the state does not keep them (the list is a moment's view). */
  listPublicRooms(): Promise<readonly PublicRoom[]>;
  /** Joins a public room; the state shows it and its conversation. Rejects with `not_found` for a private one. */
  joinRoom(roomId: number): Promise<Room>;
  /** Joins a room by its invite code; the state shows it and its conversation. Rejects with `room_code_invalid`. */
  joinRoomByCode(code: string): Promise<Room>;
  /** The owner makes a new invite code for the room (the one before stops working). @returns The code. */
  roomInviteCode(roomId: number): Promise<string>;
  /** Adds friends to a room. @returns Those who joined, ascending; rejects with `not_allowed` for a non-friend. */
  inviteToRoom(roomId: number, userIds: readonly number[]): Promise<readonly number[]>;
  /** Leaves a room; it and its conversation leave the state. An owner hands it over first (`not_allowed`). */
  leaveRoom(roomId: number): Promise<void>;
  /** The owner renames a room; the state's room follows (and the other members' by `room_updated`). */
  renameRoom(roomId: number, name: string): Promise<Room>;
  /** The owner removes a member; held members are asked for again. */
  removeMember(roomId: number, userId: number): Promise<void>;
  /** The owner hands a room over to a member; the state's room follows, held members are asked for again. */
  transferRoom(roomId: number, userId: number): Promise<Room>;
  /** The owner deletes a room; it and its conversation leave the state. */
  deleteRoom(roomId: number): Promise<void>;
  /**
   * A room's members in the server's order (online first); the state's `roomMembers[roomId]` holds the answer and
   * keeps it live: the members' presence is watched (`watch_presence`, PROTOCOL.md §10.5, with the friends; a block
   * hides a member's) and each change re-sorts the list, and a member joining, leaving, removed or made owner fetches
   * it again; after a reconnect it is fetched and watched again. Until `unwatchRoomMembers`. The lobby answers no
   * members, only how many users are online, and watches nothing.
   */
  roomMembers(roomId: number): Promise<RoomMembers>;
  /** Stops keeping a room's members live (what `roomMembers` started); the state keeps the last list. */
  unwatchRoomMembers(roomId: number): Promise<void>;
  /**
   * Starts (default) or stops watching the lobby: its online count is kept in the state's `lobby.online` (and
   * `lobbyOnline`), its newest messages are loaded into `messages[lobby.conversationId]`, and its new messages are
   * pushed (`message`) and added in sequence, gaps fetched; watched and caught up again after a reconnect. Stopping
   * forgets its messages. `loadOlder(lobby.conversationId)` pages further back. The lobby has no unread count.
   *
   * @returns How many users are online now.
   */
  watchLobby(watch?: boolean): Promise<number>;
  /** Asks `sync` for the conversation list and catches up what it shows (done by itself after every login). */
  sync(): Promise<void>;
  /** Skips the wait of a pending retry, or connects again when idle. @returns Whether a retry was waiting or idle. */
  retryNow(): boolean;
  /** Closes for good; resolves once the transport is closed. */
  close(): Promise<void>;
}

/**
 * Connects to a Mimi server and keeps the connection up. Each attempt opens the raw transport, runs the secure
 * handshake, and, when a device credential is stored for `server`, resumes its session without the password
 * (`device_unknown` deletes the credential and leaves the connection signed out); then the status is `open`. After a
 * drop it tries again with exponential back-off and full jitter on `clock`; it never reconnects after a `kicked`
 * push (another login took the session; `revoked` also deletes the credential) nor after a changed server key.
 * When the server closes a signed-out session for not logging in in time (or to make room for others), the status
 * is `idle` and the next call connects again, as PROTOCOL.md §11.3 asks of a client.
 *
 * After a login or resume it watches the presence of the user's friends and of the members of the rooms whose
 * members were asked for (`watch_presence`) and applies the answer and later `presence` pushes to the state. It then catches up every conversation (`sync`, then `history` for what
 * the state lacks), applies friend, room and message pushes to the state, fills any gap a pushed message shows, sends
 * what the outbox holds, and watches the lobby again if it was watched.
 *
 * @param options See {@link ConnectOptions}.
 * @returns The connection, already connecting.
 *
 * @example
 * ```ts ignore
 * import { connect, connectWebSocket, IndexedDbDeviceKeyStore, secureOptionsFromConfig } from "./mod.ts";
 * const secure = secureOptionsFromConfig(config.crypto, maxFrameBytes, provider, verify);
 * const connection = connect({
 *   open: (_signal, limits) => connectWebSocket(url, limits),
 *   secure,
 *   server: location.origin,
 *   deviceKeys: new IndexedDbDeviceKeyStore(),
 * });
 * connection.subscribe(() => render(connection.getSnapshot()));
 * await connection.login("alice", password, { remember: "Firefox on Linux" });
 * ```
 */
export function connect(options: ConnectOptions): MimiConnection {
  return new Connection(options);
}

/** One established connection: the client, its suite, and how it ended. */
class LiveSession implements Session {
  readonly client: MimiClient;
  readonly suite: string;
  readonly closed: Promise<SessionEnd>;
  /** What `resume` answered while opening; undefined when it did not resume. */
  resumed: LoginResult | undefined;
  #end!: (end: SessionEnd) => void;
  #ended = false;

  constructor(client: MimiClient, suite: string, fatal: boolean) {
    this.client = client;
    this.suite = suite;
    this.closed = new Promise((resolve) => this.#end = resolve);
    void client.closed.then((error) => {
      if (!error) return this.end({ fatal });
      this.end(!fatal && isIdleEnd(error) ? { error, idle: true } : { error, fatal });
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  end(end: SessionEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#end(end);
  }
}

interface Waiter {
  resolve(session: LiveSession): void;
  reject(error: Error): void;
}

class Connection implements MimiConnection {
  readonly server: string;
  readonly #options: ConnectOptions;
  readonly #secure: ClientSecureOptions;
  readonly #clock: Clock;
  readonly #deviceKeys: DeviceKeyStore | undefined;
  readonly #opaque: OpaqueClient | undefined;
  readonly #resumes: boolean;
  readonly #reconnect: boolean;
  readonly #onError: (error: unknown) => void;
  readonly #store: Store<ClientState, ClientAction>;
  readonly #pushes: Emitter<PushEvents>;
  readonly #reconnector: Reconnector<LiveSession>;
  readonly #waiters = new Set<Waiter>();
  readonly #chat: Chat;
  readonly #rooms: RoomCalls;
  readonly #presence: PresenceWatch;
  /** Set while this session revokes its own device: the kick that follows is its own doing. */
  #revokingOwn = false;
  /** The newest client made, so `close()` can wait for it to be closed. */
  #lastClient: MimiClient | undefined;

  constructor(options: ConnectOptions) {
    if (typeof options.open !== "function") throw new TypeError("Cannot connect: 'open' is not a function");
    if (typeof options.server !== "string" || options.server === "") {
      throw new TypeError("Cannot connect: 'server' must name the server, e.g. its host:port");
    }
    this.server = options.server;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#secure = { ...options.secure, clock: options.secure.clock ?? this.#clock };
    this.#deviceKeys = options.deviceKeys;
    this.#opaque = options.opaque;
    this.#resumes = options.resume ?? true;
    this.#reconnect = options.reconnect ?? true;
    this.#onError = options.onError ?? reportOutOfBand;
    this.#store = createClientStore({ onError: this.#onError });
    this.#pushes = new Emitter<PushEvents>({ onError: this.#onError });
    const call: Caller = (def, body) => this.call(def, body);
    this.#presence = new PresenceWatch({ store: this.#store, call, onError: this.#onError });
    this.#chat = new Chat({
      store: this.#store,
      call,
      onError: this.#onError,
      watchPresence: () => this.#presence.refresh(),
      server: options.server,
      now: () => this.#clock.now(),
      ...options.outboxStore ? { outboxStore: options.outboxStore } : {},
    });
    this.#rooms = new RoomCalls({
      store: this.#store,
      call,
      sync: () => this.#chat.sync(),
      onError: this.#onError,
      presence: this.#presence,
    });
    this.#reconnector = new Reconnector<LiveSession>({
      open: (signal) => this.#openSession(signal),
      clock: this.#clock,
      backoff: options.backoff,
      signal: options.signal,
      // A changed server key stays changed; a one-shot connection gives up at its first failure.
      isFatal: (error) => !this.#reconnect || (error instanceof HandshakeError && error.kind === "key_changed"),
      onError: this.#onError,
    });
    this.#reconnector.on("status", (status) => this.#statusChanged(status));
    this.#reconnector.on("open", (session) => this.#opened(session));
    // A signal aborted before connect() leaves the reconnector closed without a status event.
    if (this.#reconnector.status.state !== "connecting") this.#statusChanged(this.#reconnector.status);
  }

  get status(): ConnectionStatus {
    return this.#reconnector.status;
  }

  getSnapshot = (): ClientState => this.#store.getSnapshot();

  subscribe = (fn: () => void): () => void => this.#store.subscribe(fn);

  async opened(): Promise<void> {
    await this.#session();
  }

  async call<D extends AnyOp>(def: D, body: Sendable<RequestOf<D>>): Promise<ResponseOf<D>> {
    const session = await this.#session();
    return await session.client.call(def, body);
  }

  on<K extends PushName>(name: K, fn: (body: PushEvents[K]) => void): () => void {
    return this.#pushes.on(name, fn);
  }

  async register(username: string, nickname: string, password: string, options?: RegisterOptions): Promise<Profile> {
    const opaque = options?.opaque ?? this.#opaque;
    return await register((await this.#session()).client, username, nickname, password, { ...options, opaque });
  }

  async login(username: string, password: string, options: ConnectLoginOptions = {}): Promise<LoginResult> {
    const session = await this.#session();
    const keys = this.#deviceKeys;
    let key: DeviceKey | undefined;
    if (options.remember !== undefined) {
      if (!keys) throw new TypeError("Cannot remember this device: connect() was given no 'deviceKeys'");
      key = await keys.create();
    }
    const device = key && { name: options.remember!, publicKey: key.publicKey };
    const result = await login(session.client, username, password, {
      opaque: this.#opaque,
      ...device ? { device } : {},
    });
    if (!session.ended) this.#signedIn(session, result);
    if (keys) {
      if (key && result.deviceId !== null) {
        await keys.save(this.server, { ...key, deviceId: result.deviceId });
      } else {
        // A credential left from an earlier session may be another account's: resuming it after the next drop would
        // sign this user in as someone else.
        await keys.delete(this.server);
      }
    }
    return result;
  }

  async logout(): Promise<void> {
    const session = await this.#session();
    // Forgotten here first: should the request fail with the connection, the next connection must not resume.
    await this.#deviceKeys?.delete(this.server);
    await logout(session.client);
    this.#chat.signedOut(new TransportError("closed", "Logged out: the send was dropped"));
    this.#rooms.signedOut();
    this.#presence.signedOut();
    if (!session.ended) this.#store.dispatch({ type: "loggedOut" });
  }

  async changePassword(password: string): Promise<void> {
    await changePassword((await this.#session()).client, password, { opaque: this.#opaque });
  }

  async setNickname(nickname: string): Promise<Profile> {
    const user = await setNickname((await this.#session()).client, nickname);
    this.#store.dispatch({ type: "profile", user });
    return user;
  }

  async setFont(font: FontPreference): Promise<Profile> {
    const user = await setFont((await this.#session()).client, font);
    this.#store.dispatch({ type: "profile", user });
    return user;
  }

  async listDevices(): Promise<readonly Device[]> {
    const { devices } = await this.call(OPS.listDevices, {});
    this.#store.dispatch({ type: "devices", list: devices });
    return devices;
  }

  async revokeDevice(deviceId: number): Promise<void> {
    const session = this.#store.getSnapshot().session;
    const own = session.state === "signedIn" && session.deviceId === deviceId;
    // The server answers, then kicks this connection (PROTOCOL.md §10.9): the kick must know it was asked for here.
    if (own) this.#revokingOwn = true;
    try {
      await this.call(OPS.revokeDevice, { deviceId });
    } catch (error) {
      if (own) this.#revokingOwn = false;
      throw error;
    }
    const list = this.#store.getSnapshot().devices;
    if (list.some((device) => device.id === deviceId)) {
      this.#store.dispatch({ type: "devices", list: list.filter((device) => device.id !== deviceId) });
    }
  }

  findUser(username: string): Promise<UserRef> {
    return this.#chat.findUser(username);
  }

  sendFriendRequest(userId: number, note?: string): Promise<FriendRequest> {
    return this.#chat.sendFriendRequest(userId, note);
  }

  answerFriendRequest(requestId: number, answer: "accept" | "reject" | "later"): Promise<FriendAnswer> {
    return this.#chat.answerFriendRequest(requestId, answer);
  }

  removeFriend(userId: number): Promise<void> {
    return this.#chat.removeFriend(userId);
  }

  blockUser(userId: number): Promise<void> {
    return this.#chat.blockUser(userId);
  }

  unblockUser(userId: number): Promise<void> {
    return this.#chat.unblockUser(userId);
  }

  listBlocked(): Promise<void> {
    return this.#chat.listBlocked();
  }

  sendText(conversationId: number, text: string): QueuedSend {
    return this.#chat.sendText(conversationId, text);
  }

  sendImage(conversationId: number, bytes: Uint8Array, options?: { thumbnail?: Uint8Array }): QueuedSend {
    return this.#chat.sendImage(conversationId, bytes, options);
  }

  retrySend(clientId: string): Promise<Message> {
    return this.#chat.retrySend(clientId);
  }

  discardSend(clientId: string): void {
    this.#chat.discardSend(clientId);
  }

  markRead(conversationId: number, seq?: number): Promise<number> {
    return this.#chat.markRead(conversationId, seq);
  }

  recall(conversationId: number, seq: number): Promise<Message> {
    return this.#chat.recall(conversationId, seq);
  }

  loadOlder(conversationId: number, limit?: number): Promise<boolean> {
    return this.#chat.loadOlder(conversationId, limit);
  }

  downloadBlob(sha256: Uint8Array, options?: BlobOptions): Promise<Uint8Array> {
    return this.#chat.downloadBlob(sha256, options);
  }

  sync(): Promise<void> {
    return this.#chat.sync();
  }

  createRoom(name: string, options?: CreateRoomOptions): Promise<Room> {
    return this.#rooms.createRoom(name, options);
  }

  listPublicRooms(): Promise<readonly PublicRoom[]> {
    return this.#rooms.listPublicRooms();
  }

  joinRoom(roomId: number): Promise<Room> {
    return this.#rooms.joinRoom(roomId);
  }

  joinRoomByCode(code: string): Promise<Room> {
    return this.#rooms.joinRoomByCode(code);
  }

  roomInviteCode(roomId: number): Promise<string> {
    return this.#rooms.roomInviteCode(roomId);
  }

  inviteToRoom(roomId: number, userIds: readonly number[]): Promise<readonly number[]> {
    return this.#rooms.inviteToRoom(roomId, userIds);
  }

  leaveRoom(roomId: number): Promise<void> {
    return this.#rooms.leaveRoom(roomId);
  }

  renameRoom(roomId: number, name: string): Promise<Room> {
    return this.#rooms.renameRoom(roomId, name);
  }

  removeMember(roomId: number, userId: number): Promise<void> {
    return this.#rooms.removeMember(roomId, userId);
  }

  transferRoom(roomId: number, userId: number): Promise<Room> {
    return this.#rooms.transferRoom(roomId, userId);
  }

  deleteRoom(roomId: number): Promise<void> {
    return this.#rooms.deleteRoom(roomId);
  }

  roomMembers(roomId: number): Promise<RoomMembers> {
    return this.#rooms.roomMembers(roomId);
  }

  unwatchRoomMembers(roomId: number): Promise<void> {
    return this.#rooms.unwatchRoomMembers(roomId);
  }

  watchLobby(watch?: boolean): Promise<number> {
    return this.#rooms.watchLobby(watch);
  }

  retryNow(): boolean {
    return this.#reconnector.retryNow();
  }

  async close(): Promise<void> {
    this.#reconnector.close();
    const client = this.#lastClient;
    if (client) {
      await client.close();
      await client.closed;
    }
  }

  /**
   * The open session: now, or once the connection opens (an idle one connects again for it); rejects once it has
   * ended for good.
   */
  #session(): Promise<LiveSession> {
    const status = this.#reconnector.status;
    const session = this.#reconnector.session;
    if (status.state === "open" && session) return Promise.resolve(session);
    const final = finalError(status);
    if (final) return Promise.reject(final);
    const opened = new Promise<LiveSession>((resolve, reject) => this.#waiters.add({ resolve, reject }));
    if (status.state === "idle") this.#reconnector.retryNow();
    return opened;
  }

  /** One attempt: raw transport, handshake, client, and resume when a credential is stored. */
  async #openSession(signal: AbortSignal): Promise<LiveSession> {
    const raw = await this.#options.open(signal, { maxFrameBytes: clientFrameLimit(this.#secure) });
    // Until the client owns the transport, abandoning the attempt closes the transport, which ends the handshake.
    const abandon = () => void raw.close();
    signal.addEventListener("abort", abandon, { once: true });
    let client: MimiClient | undefined;
    try {
      if (signal.aborted) throw new TransportError("closed", "The connection attempt was abandoned");
      const { duplex, result } = await performClientHandshake(raw, this.#secure);
      const owned = client = new MimiClient(duplex, { channelBinding: result.secrets.exporter });
      this.#lastClient = client;
      // From now on the client owns the transport, for the session's whole life.
      signal.removeEventListener("abort", abandon);
      signal.addEventListener("abort", () => void owned.close(), { once: true });
      if (signal.aborted) throw new TransportError("closed", "The connection attempt was abandoned");
      const session = new LiveSession(client, suiteName(result.suite), !this.#reconnect);
      client.onPush = (push) => this.#pushed(session, push);
      session.resumed = await this.#resume(client);
      return session;
    } catch (error) {
      signal.removeEventListener("abort", abandon);
      if (client) await client.close();
      else await raw.close();
      throw error;
    }
  }

  /** Resumes with the stored credential, if any; `undefined` when there is none or the server no longer knows it. */
  async #resume(client: MimiClient): Promise<LoginResult | undefined> {
    const keys = this.#deviceKeys;
    if (!keys || !this.#resumes) return undefined;
    let credential: DeviceCredential | undefined;
    try {
      credential = await keys.load(this.server);
    } catch (error) {
      // A store that cannot be read (a browser's private mode) must not keep the connection down: it opens signed
      // out, and the failure is reported.
      this.#onError(error);
      return undefined;
    }
    if (!credential) return undefined;
    try {
      return await resume(client, credential);
    } catch (error) {
      // Revoked, logged out elsewhere, or a server that lost its data: the credential is dead, not the connection.
      if (!(error instanceof ProtocolError && error.code === "device_unknown")) throw error;
      // A store that cannot delete is reported, and the connection opens signed out all the same.
      await keys.delete(this.server).catch(this.#onError);
      return undefined;
    }
  }

  #statusChanged(status: ConnectionStatus): void {
    if (status.state !== "open") this.#chat.dropped();
    if (status.state === "kicked") {
      const { state: _state, ...kick } = status;
      this.#chat.signedOut(new KickedError(kick));
      this.#rooms.signedOut();
      this.#presence.signedOut();
      this.#store.dispatch({ type: "kicked", ...kick });
      if (kick.reason === "revoked") this.#deviceKeys?.delete(this.server).catch(this.#onError);
    } else {
      const suite = status.state === "open" ? this.#reconnector.session?.suite : undefined;
      this.#store.dispatch(suite === undefined ? { type: "status", status } : { type: "status", status, suite });
    }
    const session = this.#reconnector.session;
    const final = finalError(status);
    if ((status.state === "open" && session) || final) {
      const waiters = [...this.#waiters];
      this.#waiters.clear();
      for (const waiter of waiters) {
        if (final) waiter.reject(final);
        else waiter.resolve(session!);
      }
    }
  }

  #opened(session: LiveSession): void {
    if (session.resumed) this.#signedIn(session, session.resumed);
    // Not resumed: the server does not know this connection, whatever the state said before the drop.
    else if (this.#store.getSnapshot().session.state === "signedIn") this.#store.dispatch({ type: "loggedOut" });
  }

  /** A login or resume succeeded on `session`: the state takes the bundle, then watches the friends' presence. */
  #signedIn(session: LiveSession, bundle: LoginBundle & { deviceId: number | null }): void {
    this.#store.dispatch({ type: "loggedIn", bundle });
    this.#chat.signedIn((def, body) => session.client.call(def, body), bundle.user.id);
    const call: Caller = (def, body) => session.client.call(def, body);
    this.#rooms.signedIn(call, () => !session.ended);
    this.#presence.signedIn(call, () => !session.ended);
  }

  #pushed(session: LiveSession, push: Push): void {
    if (session.ended) return;
    if (push.opcode === PUSHES.kicked.opcode) {
      // Whatever its body, a kick ends the session for good: reconnecting would take the session back from the
      // login that took it, which would then do the same.
      const read: Kick = readKick(push.body) ?? { at: this.#clock.now(), address: "unknown", reason: "elsewhere" };
      const kick = read.reason === "revoked" && this.#revokingOwn ? { ...read, ownRevoke: true } : read;
      session.end({ kicked: kick });
      void session.client.close();
      this.#pushes.emit("kicked", kick);
      return;
    }
    const def = pushByCode(push.opcode);
    // A push this client does not know comes from a newer server: ignoring it keeps the session.
    if (!def || def === PUSHES.ping) return;
    const checked = checkPush(def, push.body);
    if (!checked.ok) {
      this.#onError(new TransportError("bad_message", `Server sent a malformed ${def.name} push: ${checked.message}`));
      return;
    }
    const name = PUSH_NAMES.get(def)!;
    if (def === PUSHES.presence) {
      const presence = checked.value as PushEvents["presence"];
      this.#store.dispatch({ type: "presence", ...presence });
    } else if (name === "roomUpdated" || name === "roomRemoved" || name === "lobbyCount") {
      this.#rooms.pushed(name, checked.value);
    } else {
      this.#chat.pushed(name, checked.value);
      if (name === "message") this.#rooms.messagePushed((checked.value as PushEvents["message"]).message);
    }
    this.#pushes.emit(name, checked.value as PushEvents[typeof name]);
  }
}

/** Each push's registry name, by its definition. */
const PUSH_NAMES = new Map(
  (Object.entries(PUSHES) as [keyof typeof PUSHES, (typeof PUSHES)[keyof typeof PUSHES]][])
    .filter(([name]) => name !== "ping" && name !== "kicked")
    .map(([name, def]) => [def as AnyPush, name as PushName]),
);

/**
 * Whether the server closed a session because nobody used it: not logged in within the login deadline, or not
 * logged in and making room for a newer connection (PROTOCOL.md §11.1, §11.3). Both close only signed-out sessions.
 */
function isIdleEnd(error: Error): boolean {
  return error instanceof ProtocolError && (error.code === "login_timeout" || error.code === "server_busy");
}

/** The error a call gets once the connection has ended for good; `undefined` while it may still open. */
function finalError(status: ConnectionStatus): Error | undefined {
  if (status.state === "kicked") {
    const { state: _state, ...kick } = status;
    return new KickedError(kick);
  }
  if (status.state === "closed") return status.error ?? new TransportError("closed", "The connection is closed");
  return undefined;
}
