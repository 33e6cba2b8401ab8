// The chat side of a connection: friends and blocks, sends through the outbox, catch-up after every login and
// resume, pushes into the state, read positions, recall, older pages and images (PROTOCOL.md §12, §14, §15).

import { sha256 } from "@noble/hashes/sha2.js";
import type { PushBodyOf, ResponseOf } from "../protocol/define.ts";
import { ERROR_CODES, type ErrorCode, ProtocolError } from "../protocol/errors.ts";
import { OPS, type PUSHES } from "../protocol/registry.ts";
import { TransportError } from "../transport/duplex.ts";
import type { RandomSource } from "../crypto/primitives/types.ts";
import { type BlobOptions, type Caller, checkImage, downloadBlob, uploadImage } from "./blobs.ts";
import { CatchUp } from "./catch_up.ts";
import type { FriendRequest, Message, SendableBody, UserRef } from "./chat_types.ts";
import { KickedError } from "./events.ts";
import { Outbox, type OutboxEntry } from "./outbox.ts";
import { MemoryOutboxStore, type OutboxScope, type OutboxStore, type StoredSend } from "./outbox_store.ts";
import type { ClientAction, ClientState } from "./reducers.ts";
import type { Store } from "./state.ts";

/** What the outbox holds of one send: the conversation, the body shown while pending, and an image's bytes. */
export interface ChatSend {
  conversationId: number;
  body: SendableBody;
  /** An image's bytes, uploaded (or its upload resumed) before the message goes out. */
  image?: Uint8Array;
  /** When it was queued, in ms since the epoch. */
  createdAt: number;
}

/** A send the outbox took: its client id, and `done`, which resolves with the server's message. */
export interface QueuedSend {
  clientId: string;
  done: Promise<Message>;
}

/** The answer of `answer_friend_request`: the request in its new state and, on accept, the friend and conversation. */
export type FriendAnswer = ResponseOf<typeof OPS.answerFriendRequest>;

/** Options of {@link Chat}. */
export interface ChatOptions {
  /** The connection's state store. */
  store: Store<ClientState, ClientAction>;
  /** Sends an operation once the connection is open (`MimiConnection.call`). */
  call: Caller;
  /** Where failures that belong to no caller go. */
  onError(error: unknown): void;
  /** Random bytes for client ids (tests). */
  random?: RandomSource;
  /** How many of the newest messages catch-up fetches of a long conversation it holds nothing of. Default 50. */
  initialPage?: number;
  /** Sends the watched presence set again: a friend was added. Default: nothing is watched from here. */
  watchPresence?(): void;
  /** Where the user's sends wait across a reload or restart. Default a {@link MemoryOutboxStore}. */
  outboxStore?: OutboxStore;
  /** The server the sends are stored under (`connect({ server })`). Default `""`, for tests without a store. */
  server?: string;
  /** The time sends are queued at, in ms since the epoch. Default `Date.now`. */
  now?(): number;
}

/**
 * Whether a failed send should wait for the next connection and go again under the same client id: the connection
 * broke (or the server ended it) before the answer. A refusal of the message itself is final.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof TransportError) return error.kind !== "bad_message";
  if (error instanceof ProtocolError) {
    return Object.hasOwn(ERROR_CODES, error.code) && ERROR_CODES[error.code as ErrorCode].closes;
  }
  return false;
}

/**
 * Whether a failure of a request the client made on its own (catch-up, a refresh) needs no report: what it asked about
 * is gone or no longer the user's (a push saying so follows), or the session ended under the request (the next one
 * asks again).
 */
export function isExpected(error: unknown): boolean {
  if (isTransient(error) || error instanceof KickedError) return true;
  return error instanceof ProtocolError && (error.code === "not_found" || error.code === "not_allowed");
}

/**
 * The chat side of one {@link MimiConnection}: it holds the outbox of sends and the catch-up of the current session,
 * and turns pushes and answers into state actions. The connection tells it when a session signs in, drops and ends.
 */
export class Chat {
  readonly #store: Store<ClientState, ClientAction>;
  readonly #call: Caller;
  readonly #onError: (error: unknown) => void;
  readonly #initialPage: number | undefined;
  readonly #watchPresence: () => void;
  readonly #outbox: Outbox<ChatSend, Message>;
  /** The image bodies of sends whose upload finished, by client id, until the message is answered. */
  readonly #uploaded = new Map<string, SendableBody>();
  #catchUp: CatchUp | undefined;
  /** Whose sends the outbox holds. */
  #user: number | undefined;
  readonly #outboxStore: OutboxStore;
  readonly #server: string;
  readonly #now: () => number;
  /** The user whose stored sends were loaded into the outbox (once per sign-in of a user, not at every resume). */
  #loaded: number | undefined;
  /** Store writes in the order the outbox changed, so a delete never overtakes the save it undoes. */
  #writes: Promise<void> = Promise.resolve();

  /** @param options See {@link ChatOptions}. */
  constructor(options: ChatOptions) {
    this.#store = options.store;
    this.#call = options.call;
    this.#onError = options.onError;
    this.#initialPage = options.initialPage;
    this.#watchPresence = options.watchPresence ?? (() => {});
    this.#outboxStore = options.outboxStore ?? new MemoryOutboxStore();
    this.#server = options.server ?? "";
    this.#now = options.now ?? Date.now;
    this.#outbox = new Outbox<ChatSend, Message>({
      send: (clientId, send) => this.#send(clientId, send),
      isTransient,
      random: options.random,
      onError: options.onError,
    });
    this.#outbox.on("change", (entry) => this.#outboxChanged(entry));
  }

  /**
   * A login or resume succeeded and the state holds its bundle: catch up from it, then ask `sync` (a message sent
   * while the session was being made is in neither the bundle nor a push) and catch up again; sends go out.
   *
   * @param history Sends `history` and `sync` over this session, so answers of an older session never mix in.
   * @param userId Who signed in: sends still waiting from another user are dropped, the same user's go out.
   */
  signedIn(history: Caller, userId: number): void {
    this.#catchUp?.stop();
    if (this.#user !== undefined && this.#user !== userId) {
      this.#outbox.clear(new TransportError("closed", "Signed in as another user: the send was dropped"));
      this.#uploaded.clear();
    }
    this.#user = userId;
    // The state may have forgotten the sends still waiting (signed out by a server that lost the session): show them.
    // Sends queued before anyone signed in are this user's from now on, and stored as such.
    for (const entry of this.#outbox.entries()) this.#outboxChanged(entry);
    const catchUp = this.#catchUp = this.#newCatchUp(history);
    void catchUp.all();
    history(OPS.sync, {}).then(
      ({ conversations, users }) => {
        if (catchUp.stopped) return;
        this.#store.dispatch({ type: "conversations", conversations, users });
        return catchUp.all();
      },
      (error) => {
        if (!catchUp.stopped && !isExpected(error)) this.#onError(error);
      },
    );
    if (this.#loaded === userId) {
      this.#outbox.setOnline(true);
      return;
    }
    // The sends a reload or restart left: they go first, under their own client ids (the server keeps each once).
    this.#loaded = userId;
    const scope = this.#scope(userId);
    this.#outboxStore.load(scope).then(
      (sends) => {
        if (this.#user === userId) this.#restore(sends);
      },
      // A store that cannot be read loses nothing by being skipped: what it holds stays there for the next login.
      this.#onError,
    ).finally(() => {
      if (this.#user === userId && !catchUp.stopped) this.#outbox.setOnline(true);
    });
  }

  /** Puts stored sends back into the outbox. */
  #restore(sends: readonly StoredSend[]): void {
    this.#outbox.restore(sends.map((send) => ({
      clientId: send.clientId,
      state: send.state,
      message: {
        conversationId: send.conversationId,
        body: send.body,
        createdAt: send.createdAt,
        ...send.image ? { image: send.image } : {},
      },
    })));
  }

  /** The session dropped (it may resume): catch-up stops, sends wait. */
  dropped(): void {
    this.#catchUp?.stop();
    this.#catchUp = undefined;
    this.#outbox.setOnline(false);
  }

  /** The session ended for good for this user (logout, kick, another login): waiting sends are dropped. */
  signedOut(reason: Error): void {
    this.dropped();
    // Dropped for good, as the user is told: the store must not send them at the next login either.
    const user = this.#user;
    if (user !== undefined) {
      for (const entry of this.#outbox.entries()) {
        this.#write(user, (store, scope) => store.delete(scope, entry.clientId));
      }
    }
    this.#outbox.clear(reason);
    this.#uploaded.clear();
    this.#user = undefined;
    this.#loaded = undefined;
  }

  /**
   * A chat push arrived; the state takes it and catch-up fills any gap it shows.
   *
   * @param name The push's registry name.
   * @param body Its checked body.
   */
  pushed(name: string, body: unknown): void {
    const store = this.#store;
    switch (name) {
      case "message": {
        const { message, sender } = body as PushBodyOf<typeof PUSHES.message>;
        store.dispatch({ type: "messages", messages: [message], users: sender ? [sender] : [] });
        const held = store.getSnapshot().messages[message.conversationId];
        if (held && held.through < message.seq) void this.#catchUp?.request(message.conversationId);
        return;
      }
      case "messageRecalled": {
        const { message, sender } = body as PushBodyOf<typeof PUSHES.messageRecalled>;
        store.dispatch({ type: "messages", messages: [message], users: sender ? [sender] : [] });
        return;
      }
      case "conversationAdded": {
        const { conversation, users } = body as PushBodyOf<typeof PUSHES.conversationAdded>;
        store.dispatch(addConversation(conversation, users));
        void this.#catchUp?.request(conversation.id);
        return;
      }
      case "conversationRemoved":
        store.dispatch({
          type: "conversationRemoved",
          conversationId: (body as { conversationId: number }).conversationId,
        });
        return;
      case "friendRequest":
        store.dispatch({ type: "friendRequest", request: (body as { request: FriendRequest }).request });
        return;
      case "friendAdded": {
        const { friend, conversationId } = body as {
          friend: NonNullable<FriendAnswer["friend"]>;
          conversationId: number;
        };
        store.dispatch({ type: "friendAdded", friend, conversationId });
        this.#watchPresence();
        return;
      }
      case "friendRemoved":
        store.dispatch({ type: "friendRemoved", userId: (body as { userId: number }).userId });
        return;
    }
  }

  async findUser(username: string): Promise<UserRef> {
    const { user } = await this.#call(OPS.findUser, { username });
    this.#store.dispatch({ type: "users", users: [user] });
    return user;
  }

  async sendFriendRequest(userId: number, note?: string): Promise<FriendRequest> {
    const { request } = await this.#call(OPS.sendFriendRequest, note === undefined ? { userId } : { userId, note });
    this.#store.dispatch({ type: "friendRequestSent", userId, request });
    return request;
  }

  async answerFriendRequest(requestId: number, answer: "accept" | "reject" | "later"): Promise<FriendAnswer> {
    const result = await this.#call(OPS.answerFriendRequest, { requestId, answer });
    this.#store.dispatch({ type: "friendRequestAnswered", request: result.request, answer });
    if (result.friend && result.conversationId) {
      this.#store.dispatch({ type: "friendAdded", friend: result.friend, conversationId: result.conversationId });
      this.#watchPresence();
    }
    return result;
  }

  async removeFriend(userId: number): Promise<void> {
    await this.#call(OPS.removeFriend, { userId });
    this.#store.dispatch({ type: "friendRemoved", userId });
  }

  async blockUser(userId: number): Promise<void> {
    await this.#call(OPS.blockUser, { userId });
    this.#store.dispatch({ type: "friendRemoved", userId });
    await this.listBlocked();
  }

  async unblockUser(userId: number): Promise<void> {
    await this.#call(OPS.unblockUser, { userId });
    const list = this.#store.getSnapshot().blocked;
    this.#store.dispatch({ type: "blocked", list: list.filter((user) => user.id !== userId) });
  }

  async listBlocked(): Promise<void> {
    const { blocked } = await this.#call(OPS.listBlocked, {});
    this.#store.dispatch({ type: "blocked", list: blocked });
  }

  sendText(conversationId: number, text: string): QueuedSend {
    if (typeof text !== "string" || text.trim() === "") {
      throw new TypeError("Cannot send the message: it is empty or only white space");
    }
    return this.#outbox.send({ conversationId, body: { type: "text", text }, createdAt: this.#now() });
  }

  sendImage(conversationId: number, bytes: Uint8Array, options: { thumbnail?: Uint8Array } = {}): QueuedSend {
    const info = checkImage(bytes);
    const body: SendableBody = {
      type: "image",
      blob: sha256(bytes),
      mime: info.mime,
      width: info.width,
      height: info.height,
      size: bytes.length,
      // A copy: the caller may reuse its buffer, and the body must own bytes of its own for its whole wait.
      ...options.thumbnail ? { thumbnail: options.thumbnail.slice() } : {},
    };
    // A copy, for the same reason: the bytes wait (and are stored) until the upload.
    return this.#outbox.send({ conversationId, body, image: bytes.slice(), createdAt: this.#now() });
  }

  retrySend(clientId: string): Promise<Message> {
    return this.#outbox.retry(clientId);
  }

  discardSend(clientId: string): void {
    const entry = this.#outbox.entries().find((entry) => entry.clientId === clientId);
    this.#outbox.discard(clientId);
    this.#uploaded.delete(clientId);
    if (this.#user !== undefined) this.#write(this.#user, (store, scope) => store.delete(scope, clientId));
    if (entry) {
      this.#store.dispatch({
        type: "outgoing",
        entry: { clientId, conversationId: entry.message.conversationId, state: "gone" },
      });
    }
  }

  async markRead(conversationId: number, seq?: number): Promise<number> {
    const summary = this.#store.getSnapshot().conversations.find((c) => c.id === conversationId);
    const upTo = seq ?? summary?.lastSeq ?? 0;
    const { readSeq } = await this.#call(OPS.markRead, { conversationId, seq: upTo });
    this.#store.dispatch({ type: "read", conversationId, readSeq });
    return readSeq;
  }

  async recall(conversationId: number, seq: number): Promise<Message> {
    const { message } = await this.#call(OPS.recallMessage, { conversationId, seq });
    this.#store.dispatch({ type: "messages", messages: [message] });
    return message;
  }

  async loadOlder(conversationId: number, limit?: number): Promise<boolean> {
    // With no session open, the page comes over whichever is open next.
    const catchUp = this.#catchUp ?? this.#newCatchUp(this.#call);
    return await catchUp.loadOlder(conversationId, limit);
  }

  downloadBlob(name: Uint8Array, options?: BlobOptions): Promise<Uint8Array> {
    return downloadBlob(this.#call, name, options);
  }

  async sync(): Promise<void> {
    const { conversations, users } = await this.#call(OPS.sync, {});
    this.#store.dispatch({ type: "conversations", conversations, users });
    await this.#catchUp?.all();
  }

  /** A catch-up into the state whose `history` requests go through `call`. */
  #newCatchUp(call: Caller): CatchUp {
    return new CatchUp({
      history: (request) => call(OPS.history, request),
      getState: () => this.#store.getSnapshot(),
      dispatch: (action) => this.#store.dispatch(action),
      onError: this.#onError,
      isExpected,
      initialPage: this.#initialPage,
    });
  }

  async #send(clientId: string, send: ChatSend): Promise<Message> {
    let body = this.#uploaded.get(clientId) ?? send.body;
    if (send.image && !this.#uploaded.has(clientId)) {
      // After a drop the upload resumes where the server stands (upload_start of the same hash).
      const { conversationId } = send;
      const blob = await uploadImage(this.#call, send.image, {
        onProgress: (uploaded) => this.#store.dispatch({ type: "uploadProgress", clientId, conversationId, uploaded }),
      });
      const thumbnail = body.type === "image" ? body.thumbnail : undefined;
      body = {
        type: "image",
        blob: blob.sha256,
        mime: blob.mime,
        width: blob.width,
        height: blob.height,
        size: blob.size,
        ...thumbnail ? { thumbnail } : {},
      };
      // A finished upload is not resumed but started again: a resend of the message must not upload it twice.
      this.#uploaded.set(clientId, body);
    }
    const { message } = await this.#call(OPS.sendMessage, { conversationId: send.conversationId, clientId, body });
    this.#uploaded.delete(clientId);
    this.#store.dispatch({ type: "messages", messages: [message] });
    return message;
  }

  /** Queues a store write for the user's sends; a failure is reported, and the outbox goes on in memory. */
  #write(userId: number, write: (store: OutboxStore, scope: OutboxScope) => Promise<void>): void {
    const scope = this.#scope(userId);
    this.#writes = this.#writes.then(() => write(this.#outboxStore, scope)).catch(this.#onError);
  }

  #scope(userId: number): OutboxScope {
    return { server: this.#server, userId };
  }

  /** Keeps the store as the outbox: a waiting or refused send is saved, an answered one deleted. */
  #persist(entry: OutboxEntry<ChatSend>): void {
    const user = this.#user;
    if (user === undefined) return;
    const { clientId, message } = entry;
    if (entry.state === "sent") {
      this.#write(user, (store, scope) => store.delete(scope, clientId));
      return;
    }
    const send: StoredSend = {
      clientId,
      conversationId: message.conversationId,
      body: message.body,
      createdAt: message.createdAt,
      state: entry.state,
      ...message.image ? { image: message.image } : {},
    };
    this.#write(user, (store, scope) => store.save(scope, send));
  }

  #outboxChanged(entry: OutboxEntry<ChatSend>): void {
    this.#persist(entry);
    const { clientId, message } = entry;
    const conversationId = message.conversationId;
    if (entry.state === "sent") {
      this.#store.dispatch({ type: "outgoing", entry: { clientId, conversationId, state: "sent" } });
      return;
    }
    this.#store.dispatch({
      type: "outgoing",
      entry: {
        clientId,
        conversationId,
        body: message.body,
        state: entry.state,
        ...entry.state === "failed" ? { error: entry.error } : {},
      },
    });
  }
}

/** The action of a `conversation_added` push. */
function addConversation(
  conversation: Extract<ClientAction, { type: "conversationAdded" }>["conversation"],
  users?: Extract<ClientAction, { type: "conversationAdded" }>["users"],
) {
  return { type: "conversationAdded" as const, conversation, users };
}
