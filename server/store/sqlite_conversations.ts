// The SQLite conversations repository: conversations, members with read positions, messages, and the group commit of
// appends.

import type { DatabaseSync, StatementSync } from "node:sqlite";
import { messageOf, NotMemberError, RecordNotFoundError, StoreError } from "./errors.ts";
import type { Outcome } from "./group_commit.ts";
import {
  bytesOrNull,
  ids,
  integer,
  integerOrNull,
  oneOf,
  returned,
  type Row,
  type RunSync,
  textOrNull,
} from "./_sqlite_rows.ts";
import type {
  AppendResult,
  ConversationListing,
  ConversationMemberRecord,
  ConversationRecord,
  ConversationRepository,
  ConversationWithMember,
  MessagePage,
  MessageRecord,
  NewMessage,
  PageOptions,
} from "./types.ts";

/** The columns of a listing: the conversation's, the member's, the room's name and the unread count. */
const LISTING = `
  SELECT c.*, r.name AS room_name, m.user_id, m.joined_seq, m.read_seq, m.joined_at,
    (SELECT count(*) FROM messages AS x
      WHERE x.conversation_id = c.id AND x.seq > max(m.read_seq, m.joined_seq)
        AND x.sender_id <> m.user_id AND x.recalled_at IS NULL) AS unread
  FROM conversation_members AS m
  JOIN conversations AS c ON c.id = m.conversation_id
  LEFT JOIN rooms AS r ON r.id = c.room_id`;

/**
 * Prepares the conversations repository's statements on a connection, once.
 *
 * @param db The store's connection.
 * @returns The statements.
 */
export function prepareConversationStatements(db: DatabaseSync) {
  return {
    byId: db.prepare("SELECT * FROM conversations WHERE id = :id"),
    // The member's columns are null when the user is not one (user_id is never null in a member row).
    withMember: db.prepare(
      `SELECT c.*, m.user_id, m.joined_seq, m.read_seq, m.joined_at
       FROM conversations AS c
       LEFT JOIN conversation_members AS m ON m.conversation_id = c.id AND m.user_id = :userId
       WHERE c.id = :id`,
    ),
    directByPair: db.prepare("SELECT * FROM conversations WHERE user_a = :a AND user_b = :b"),
    insertDirect: db.prepare(
      "INSERT INTO conversations (kind, user_a, user_b, created_at) VALUES ('direct', :a, :b, :at) RETURNING *",
    ),
    byRoom: db.prepare("SELECT * FROM conversations WHERE room_id = :roomId"),
    insertRoom: db.prepare(
      "INSERT INTO conversations (kind, room_id, created_at) VALUES ('room', :roomId, :at) RETURNING *",
    ),
    // Nothing unread at joining; a room's member sees only what comes after it.
    addMember: db.prepare(
      `INSERT INTO conversation_members (conversation_id, user_id, joined_seq, read_seq, joined_at)
       SELECT id, :userId, CASE kind WHEN 'room' THEN last_seq ELSE 0 END, last_seq, :at
       FROM conversations WHERE id = :conversationId
       ON CONFLICT (conversation_id, user_id) DO NOTHING`,
    ),
    removeMember: db.prepare(
      "DELETE FROM conversation_members WHERE conversation_id = :conversationId AND user_id = :userId",
    ),
    member: db.prepare(
      "SELECT * FROM conversation_members WHERE conversation_id = :conversationId AND user_id = :userId",
    ),
    membersOf: db.prepare(
      "SELECT user_id AS id FROM conversation_members WHERE conversation_id = :conversationId ORDER BY user_id",
    ),
    listFor: db.prepare(`${LISTING} WHERE m.user_id = :userId ORDER BY c.last_at IS NULL, c.last_at DESC, c.id DESC`),
    listingFor: db.prepare(`${LISTING} WHERE m.user_id = :userId AND m.conversation_id = :conversationId`),
    messageAt: db.prepare("SELECT * FROM messages WHERE conversation_id = :conversationId AND seq = :seq"),
    messageByClient: db.prepare(
      `SELECT * FROM messages
       WHERE conversation_id = :conversationId AND sender_id = :senderId AND client_id = :clientId`,
    ),
    nextSeq: db.prepare(
      "UPDATE conversations SET last_seq = last_seq + 1, last_at = :at WHERE id = :conversationId RETURNING last_seq",
    ),
    insertMessage: db.prepare(
      `INSERT INTO messages (conversation_id, seq, sender_id, client_id, at, body)
       VALUES (:conversationId, :seq, :senderId, :clientId, :at, :body)`,
    ),
    // The group commit's: a conversation's sequence number and members read once per batch, each message written by
    // one statement that also finds a resend (its client id stored already: nothing changes), the sequence number
    // written back once per batch.
    seqAndMembers: db.prepare(
      `SELECT c.last_seq, m.user_id FROM conversations AS c
       LEFT JOIN conversation_members AS m ON m.conversation_id = c.id
       WHERE c.id = :conversationId ORDER BY m.user_id`,
    ),
    // Bound by position (conversation, seq, sender, client id, at, body): cheaper than by name, once per message.
    insertMessageOnce: db.prepare(
      `INSERT INTO messages (conversation_id, seq, sender_id, client_id, at, body)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING`,
    ),
    setSeq: db.prepare("UPDATE conversations SET last_seq = :seq, last_at = :at WHERE id = :conversationId"),
    insertMessageBlob: db.prepare(
      `INSERT INTO message_blobs (conversation_id, seq, sha256) VALUES (:conversationId, :seq, :sha256)
       ON CONFLICT DO NOTHING`,
    ),
    pageForward: db.prepare(
      `SELECT * FROM messages WHERE conversation_id = :conversationId AND seq > :low AND seq < :high
       ORDER BY seq LIMIT :limit`,
    ),
    pageBackward: db.prepare(
      `SELECT * FROM messages WHERE conversation_id = :conversationId AND seq > :low AND seq < :high
       ORDER BY seq DESC LIMIT :limit`,
    ),
    markRead: db.prepare(
      `UPDATE conversation_members
       SET read_seq = max(read_seq, min(:seq, (SELECT last_seq FROM conversations WHERE id = :conversationId)))
       WHERE conversation_id = :conversationId AND user_id = :userId RETURNING read_seq`,
    ),
    recall: db.prepare(
      `UPDATE messages SET body = NULL, recalled_at = :at
       WHERE conversation_id = :conversationId AND seq = :seq AND sender_id = :senderId AND recalled_at IS NULL
       RETURNING *`,
    ),
    deleteMessageBlobs: db.prepare(
      "DELETE FROM message_blobs WHERE conversation_id = :conversationId AND seq = :seq",
    ),
    referencesBlob: db.prepare(
      `SELECT 1 AS yes FROM message_blobs AS b
       JOIN messages AS x ON x.conversation_id = b.conversation_id AND x.seq = b.seq
       JOIN conversation_members AS m ON m.conversation_id = b.conversation_id AND m.user_id = :userId
       WHERE b.sha256 = :sha256 AND x.recalled_at IS NULL AND b.seq > m.joined_seq
       LIMIT 1`,
    ),
  } satisfies Record<string, StatementSync>;
}

/** The conversations repository's statements on one connection. */
export type ConversationStatements = ReturnType<typeof prepareConversationStatements>;

function toConversation(row: Row): ConversationRecord {
  return {
    id: integer(row, "id"),
    kind: oneOf(row, "kind", ["direct", "room"]),
    roomId: integerOrNull(row, "room_id"),
    userA: integerOrNull(row, "user_a"),
    userB: integerOrNull(row, "user_b"),
    lastSeq: integer(row, "last_seq"),
    lastAt: integerOrNull(row, "last_at"),
    createdAt: integer(row, "created_at"),
  };
}

function toMember(row: Row, conversationId = integer(row, "conversation_id")): ConversationMemberRecord {
  return {
    conversationId,
    userId: integer(row, "user_id"),
    joinedSeq: integer(row, "joined_seq"),
    readSeq: integer(row, "read_seq"),
    joinedAt: integer(row, "joined_at"),
  };
}

function toMessage(row: Row): MessageRecord {
  return {
    conversationId: integer(row, "conversation_id"),
    seq: integer(row, "seq"),
    senderId: integerOrNull(row, "sender_id"),
    clientId: textOrNull(row, "client_id"),
    at: integer(row, "at"),
    body: bytesOrNull(row, "body"),
    recalledAt: integerOrNull(row, "recalled_at"),
  };
}

/** A listing row with the last message the member may see. */
function toListing(s: ConversationStatements, row: Row): ConversationListing {
  const conversation = toConversation(row);
  const member = toMember(row, conversation.id);
  const lastRow = conversation.lastSeq > member.joinedSeq
    ? s.messageAt.get({ conversationId: conversation.id, seq: conversation.lastSeq })
    : undefined;
  return {
    conversation,
    roomName: textOrNull(row, "room_name"),
    member,
    unread: integer(row, "unread"),
    last: lastRow === undefined ? null : toMessage(lastRow),
  };
}

/**
 * Stores one message, or finds it stored: the statements of `append`, run inside the caller's transaction.
 *
 * @param s The statements.
 * @param conversationId The conversation.
 * @param message The message.
 * @param members The conversation's members now, ascending; read by the caller, who may share them between appends
 *   to one conversation in one transaction (appends do not change who is a member).
 * @returns What happened.
 * @throws {RecordNotFoundError} For an unknown conversation.
 * @throws {NotMemberError} For a message sent `asMember` by someone who is not one.
 */
function appendNow(
  s: ConversationStatements,
  conversationId: number,
  message: NewMessage,
  members: number[],
): AppendResult {
  const { senderId, clientId, at, body } = message;
  // Before the client id: a resend from someone who is no longer a member is refused too (PROTOCOL.md §14.3).
  if (message.asMember && (senderId === null || !members.includes(senderId))) {
    if (s.byId.get({ id: conversationId }) === undefined) {
      throw new RecordNotFoundError("conversations", conversationId);
    }
    throw new NotMemberError(conversationId, senderId ?? 0);
  }
  if (senderId !== null && clientId !== null) {
    const stored = s.messageByClient.get({ conversationId, senderId, clientId });
    if (stored !== undefined) return { message: toMessage(stored), duplicate: true, members };
  }
  const next = s.nextSeq.get({ conversationId, at });
  if (next === undefined) throw new RecordNotFoundError("conversations", conversationId);
  const seq = integer(next, "last_seq");
  // Not read back (RETURNING *): the row is what was given, and reading it would copy the body out once more.
  s.insertMessage.run({ conversationId, seq, senderId, clientId, at, body });
  for (const sha256 of message.blobs ?? []) s.insertMessageBlob.run({ conversationId, seq, sha256 });
  const stored = { conversationId, seq, senderId, clientId, at, body, recalledAt: null };
  return { message: stored, duplicate: false, members };
}

/** The members of a conversation, ascending. */
function membersNow(s: ConversationStatements, conversationId: number): number[] {
  return ids(s.membersOf.all({ conversationId }));
}

/** One `append` waiting for the group commit. */
export interface PendingAppend {
  conversationId: number;
  message: NewMessage;
}

/** A conversation as one batch sees it: read at its first append, its sequence number written back at the end. */
interface BatchConversation {
  members: number[];
  lastSeq: number;
  lastAt: number;
  /** Whether a message was stored: the sequence number and time to write back. */
  changed: boolean;
}

/** A conversation's sequence number and members (ascending), or undefined for an unknown conversation. */
function readForBatch(s: ConversationStatements, conversationId: number): BatchConversation | undefined {
  const rows = s.seqAndMembers.all({ conversationId });
  if (rows.length === 0) return undefined;
  const members: number[] = [];
  for (const row of rows) if (row.user_id !== null) members.push(integer(row, "user_id"));
  return { members, lastSeq: integer(rows[0], "last_seq"), lastAt: 0, changed: false };
}

/**
 * Stores one message of a batch, or finds it stored: {@link appendNow}'s checks, with the sequence number counted in
 * `conversation` rather than written per message. Writes nothing unless it succeeds: its one write is a single
 * statement (undone alone by SQLite when it fails), or, with blobs, several in a savepoint.
 */
function appendInBatch(
  db: DatabaseSync,
  s: ConversationStatements,
  conversationId: number,
  conversation: BatchConversation | undefined,
  message: NewMessage,
): AppendResult {
  if (conversation === undefined) throw new RecordNotFoundError("conversations", conversationId);
  const { senderId, clientId, at, body } = message;
  const { members } = conversation;
  // Before the client id: a resend from someone who is no longer a member is refused too (PROTOCOL.md §14.3).
  if (message.asMember && (senderId === null || !members.includes(senderId))) {
    throw new NotMemberError(conversationId, senderId ?? 0);
  }
  const seq = conversation.lastSeq + 1;
  const blobs = message.blobs ?? [];
  let changes: number | bigint;
  if (blobs.length === 0) {
    changes = s.insertMessageOnce.run(conversationId, seq, senderId, clientId, at, body).changes;
  } else {
    db.exec("SAVEPOINT mimi_append");
    try {
      changes = s.insertMessageOnce.run(conversationId, seq, senderId, clientId, at, body).changes;
      if (changes !== 0) { for (const sha256 of blobs) s.insertMessageBlob.run({ conversationId, seq, sha256 }); }
      db.exec("RELEASE mimi_append");
    } catch (err) {
      if (db.isTransaction) db.exec("ROLLBACK TO mimi_append; RELEASE mimi_append");
      throw err;
    }
  }
  if (Number(changes) === 0) {
    // Only the client id's index can have stopped the insert: the sequence number is new (the batch holds the lock).
    const stored = senderId === null || clientId === null
      ? undefined
      : s.messageByClient.get({ conversationId, senderId, clientId });
    if (stored === undefined) throw new StoreError(`Message ${seq} of conversation ${conversationId} was not stored`);
    return { message: toMessage(stored), duplicate: true, members };
  }
  conversation.lastSeq = seq;
  conversation.lastAt = at;
  conversation.changed = true;
  // Not read back (RETURNING *): the row is what was given, and reading it would copy the body out once more.
  const stored = { conversationId, seq, senderId, clientId, at, body, recalledAt: null };
  return { message: stored, duplicate: false, members };
}

/**
 * Commits a batch of appends in one transaction, so that one that fails (an unknown conversation, a constraint) is
 * undone alone and reported in its outcome while the others commit: each message's write is one statement, which
 * SQLite undoes alone when it fails (a savepoint only for a message with blobs), and each conversation's sequence
 * number is read at its first append and written once at the end. Runs synchronously: the caller holds the store's
 * lock, and no other statement can come between.
 *
 * @param db The store's connection, not in a transaction.
 * @param s The statements.
 * @param items The appends, in the order they were made: they get their sequence numbers in that order.
 * @returns One outcome per item.
 * @throws {StoreError} When the transaction cannot begin or commit: then nothing of the batch is stored.
 */
export function appendBatch(
  db: DatabaseSync,
  s: ConversationStatements,
  items: readonly PendingAppend[],
): Outcome<AppendResult>[] {
  db.exec("BEGIN IMMEDIATE");
  try {
    // Read once per conversation: a batch of a busy room's messages needs its member list once, not per message.
    const conversations = new Map<number, BatchConversation | undefined>();
    const outcomes = items.map(({ conversationId, message }): Outcome<AppendResult> => {
      try {
        let conversation = conversations.get(conversationId);
        if (conversation === undefined && !conversations.has(conversationId)) {
          conversations.set(conversationId, conversation = readForBatch(s, conversationId));
        }
        return { ok: true, value: appendInBatch(db, s, conversationId, conversation, message) };
      } catch (err) {
        // An error that ended the transaction (SQLITE_FULL, SQLITE_IOERR…) fails the whole batch.
        if (!db.isTransaction) throw err;
        const error = err instanceof StoreError
          ? err
          : new StoreError(`Cannot append message: ${messageOf(err)}`, { cause: err });
        return { ok: false, error };
      }
    });
    for (const [conversationId, conversation] of conversations) {
      if (conversation?.changed) s.setSeq.run({ conversationId, seq: conversation.lastSeq, at: conversation.lastAt });
    }
    db.exec("COMMIT");
    return outcomes;
  } catch (err) {
    // Some errors (SQLITE_FULL, SQLITE_IOERR…) make SQLite roll back by itself; a second ROLLBACK would throw.
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}

/**
 * The conversations repository over one way of running statements (the store's lock, or a transaction). On the
 * store, `append` goes through the group commit it is given; in a transaction, it writes directly.
 */
export class SqliteConversationRepository implements ConversationRepository {
  readonly #run: RunSync;
  readonly #s: ConversationStatements;
  readonly #append: ((conversationId: number, message: NewMessage) => Promise<AppendResult>) | undefined;

  /**
   * @param run Runs a statement under the store's lock or in a transaction.
   * @param statements Prepared by {@link prepareConversationStatements} on the store's connection.
   * @param append The store's group commit, for the repository on the store; absent in a transaction.
   */
  constructor(
    run: RunSync,
    statements: ConversationStatements,
    append?: (conversationId: number, message: NewMessage) => Promise<AppendResult>,
  ) {
    this.#run = run;
    this.#s = statements;
    this.#append = append;
  }

  directFor(a: number, b: number, at: number): Promise<ConversationRecord> {
    return this.#run("get direct conversation", () => {
      if (a === b) throw new StoreError(`Cannot make a conversation of user ${a} with themselves`);
      const pair = { a: Math.min(a, b), b: Math.max(a, b) };
      const row = this.#s.directByPair.get(pair) ?? returned(this.#s.insertDirect.get({ ...pair, at }));
      return toConversation(row);
    });
  }

  forRoom(roomId: number, at: number): Promise<ConversationRecord> {
    return this.#run("get room conversation", () => {
      const row = this.#s.byRoom.get({ roomId }) ?? returned(this.#s.insertRoom.get({ roomId, at }));
      return toConversation(row);
    });
  }

  findById(id: number): Promise<ConversationRecord | undefined> {
    return this.#run("find conversation", () => {
      const row = this.#s.byId.get({ id });
      return row === undefined ? undefined : toConversation(row);
    });
  }

  withMember(conversationId: number, userId: number): Promise<ConversationWithMember | undefined> {
    return this.#run("find conversation with member", () => {
      const row = this.#s.withMember.get({ id: conversationId, userId });
      if (row === undefined) return undefined;
      const conversation = toConversation(row);
      return { conversation, member: row.user_id === null ? undefined : toMember(row, conversation.id) };
    });
  }

  addMember(conversationId: number, userId: number, at: number): Promise<void> {
    return this.#run("add conversation member", () => {
      if (this.#s.byId.get({ id: conversationId }) === undefined) {
        throw new RecordNotFoundError("conversations", conversationId);
      }
      this.#s.addMember.run({ conversationId, userId, at });
    });
  }

  removeMember(conversationId: number, userId: number): Promise<boolean> {
    return this.#run(
      "remove conversation member",
      () => Number(this.#s.removeMember.run({ conversationId, userId }).changes) === 1,
    );
  }

  member(conversationId: number, userId: number): Promise<ConversationMemberRecord | undefined> {
    return this.#run("find conversation member", () => {
      const row = this.#s.member.get({ conversationId, userId });
      return row === undefined ? undefined : toMember(row);
    });
  }

  isMember(conversationId: number, userId: number): Promise<boolean> {
    return this.#run("find conversation member", () => this.#s.member.get({ conversationId, userId }) !== undefined);
  }

  membersOf(conversationId: number): Promise<number[]> {
    return this.#run("list conversation members", () => ids(this.#s.membersOf.all({ conversationId })));
  }

  listFor(userId: number): Promise<ConversationListing[]> {
    return this.#run("list conversations", () => this.#s.listFor.all({ userId }).map((row) => toListing(this.#s, row)));
  }

  listingFor(conversationId: number, userId: number): Promise<ConversationListing | undefined> {
    return this.#run("list conversation", () => {
      const row = this.#s.listingFor.get({ conversationId, userId });
      return row === undefined ? undefined : toListing(this.#s, row);
    });
  }

  append(conversationId: number, message: NewMessage): Promise<AppendResult> {
    if (this.#append) return this.#append(conversationId, message);
    return this.#run(
      "append message",
      () => appendNow(this.#s, conversationId, message, membersNow(this.#s, conversationId)),
    );
  }

  message(conversationId: number, seq: number): Promise<MessageRecord | undefined> {
    return this.#run("find message", () => {
      const row = this.#s.messageAt.get({ conversationId, seq });
      return row === undefined ? undefined : toMessage(row);
    });
  }

  page(conversationId: number, options: PageOptions): Promise<MessagePage> {
    return this.#run("page messages", () => {
      const { before, after, floor = 0, limit } = options;
      if (!Number.isInteger(limit) || limit < 1) throw new StoreError(`Cannot page ${limit} messages`);
      const low = Math.max(after ?? 0, floor);
      const high = before ?? Number.MAX_SAFE_INTEGER;
      const statement = after === undefined ? this.#s.pageBackward : this.#s.pageForward;
      // One more than asked says whether more lie beyond the page.
      const rows = statement.all({ conversationId, low, high, limit: limit + 1 }).map(toMessage);
      const hasMore = rows.length > limit;
      const messages = rows.slice(0, limit);
      if (after === undefined) messages.reverse();
      return { messages, hasMore };
    });
  }

  markRead(conversationId: number, userId: number, seq: number): Promise<number | undefined> {
    return this.#run("mark read", () => {
      const row = this.#s.markRead.get({ conversationId, userId, seq });
      return row === undefined ? undefined : integer(row, "read_seq");
    });
  }

  recall(conversationId: number, seq: number, senderId: number, at: number): Promise<MessageRecord | undefined> {
    return this.#run("recall message", () => {
      const row = this.#s.recall.get({ conversationId, seq, senderId, at });
      if (row === undefined) return undefined;
      this.#s.deleteMessageBlobs.run({ conversationId, seq });
      return toMessage(row);
    });
  }

  referencesBlob(userId: number, sha256: Uint8Array): Promise<boolean> {
    return this.#run("check blob reference", () => this.#s.referencesBlob.get({ userId, sha256 }) !== undefined);
  }
}
