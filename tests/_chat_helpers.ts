// Helpers for the friends and messages tests: people who register and log in over real sockets, friendships made
// through the operations, messages sent and pushes read by their registry names.

import assert from "node:assert/strict";
import { login, type LoginResult, register } from "../core/client/accounts.ts";
import type { MimiClient, Push } from "../core/client/client.ts";
import type { PushBodyOf, PushDef } from "../core/protocol/define.ts";
import type { Profile } from "../core/protocol/ops/bundle.ts";
import type { Message, SendableBody } from "../core/protocol/ops/messages.ts";
import { MAX_CHUNK } from "../core/protocol/ops/blobs.ts";
import { OPS } from "../core/protocol/registry.ts";
import type { ClientsContext, PushLog, Via } from "./_accounts_helpers.ts";

export const PASSWORD = "correct horse 电池 staple";

/** A registered user logged in on one connection, with what that connection heard. */
export interface Person {
  profile: Profile;
  client: MimiClient;
  pushes: PushLog;
  /** The login's answer: the bundle. */
  bundle: LoginResult;
  /** Which transport the connection uses. */
  via: Via;
}

/**
 * Registers `username` and logs in on a new connection.
 *
 * @param context The test's server and clients.
 * @param username The username; the nickname is the same with the first letter upper-cased, unless given.
 * @param via `tcp` or `ws`.
 * @param nickname The nickname.
 * @param onRecord Told of every record the server sends on this connection.
 */
export async function signUp(
  context: ClientsContext,
  username: string,
  via: Via = "tcp",
  nickname?: string,
  onRecord?: () => void,
): Promise<Person> {
  const { client, pushes } = await context.open(via, { onRecord });
  const profile = await register(client, username, nickname ?? username[0].toUpperCase() + username.slice(1), PASSWORD);
  const bundle = await login(client, username, PASSWORD);
  return { profile, client, pushes, bundle, via };
}

/**
 * Logs the same user in on a new connection (another device, or the same after a reconnect): the older connection
 * of the account is kicked.
 */
export async function logInAgain(context: ClientsContext, person: Person, via: Via = person.via): Promise<Person> {
  const { client, pushes } = await context.open(via);
  const bundle = await login(client, person.profile.username, PASSWORD);
  return { profile: person.profile, client, pushes, bundle, via };
}

/** Makes two people friends through the operations; returns their conversation's id. */
export async function befriend(a: Person, b: Person): Promise<number> {
  const { request } = await a.client.call(OPS.sendFriendRequest, { userId: b.profile.id });
  const answer = await b.client.call(OPS.answerFriendRequest, { requestId: request.id, answer: "accept" });
  assert.ok(answer.conversationId, "accepting answers the conversation");
  return answer.conversationId;
}

let clientIds = 0;

/** Sends a text (or another body) with a fresh client id, unless one is given; returns the stored message. */
export async function say(
  person: Person,
  conversationId: number,
  text: string | SendableBody,
  clientId = `c${++clientIds}-${crypto.randomUUID()}`,
): Promise<Message> {
  const body: SendableBody = typeof text === "string" ? { type: "text", text } : text;
  return (await person.client.call(OPS.sendMessage, { conversationId, clientId, body })).message;
}

/**
 * Uploads an image in chunks (PROTOCOL.md §15.1) and returns the message body that shows it, as a client builds it
 * from the upload's answer.
 *
 * @param person Who uploads.
 * @param bytes The image file.
 * @param thumbnail A thumbnail to carry in the body, if any.
 */
export async function shareImage(
  person: Person,
  image: Uint8Array,
  thumbnail?: Uint8Array,
): Promise<SendableBody> {
  // Copies on a plain ArrayBuffer, as WebCrypto and the body's schema type want them.
  const bytes = new Uint8Array(image);
  const sha256 = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const { uploadId } = await person.client.call(OPS.uploadStart, { size: bytes.length, sha256, kind: "image" });
  for (let at = 0; at < bytes.length; at += MAX_CHUNK) {
    await person.client.call(OPS.uploadChunk, { uploadId, offset: at, bytes: bytes.subarray(at, at + MAX_CHUNK) });
  }
  const { blob } = await person.client.call(OPS.uploadFinish, { uploadId });
  const { mime, width, height, size } = blob;
  return {
    type: "image",
    blob: blob.sha256,
    mime,
    width,
    height,
    size,
    ...(thumbnail ? { thumbnail: new Uint8Array(thumbnail) } : {}),
  };
}

/** The bodies of the pushes of one kind a connection received so far. */
export function received<D extends PushDef>(log: PushLog, def: D): PushBodyOf<D>[] {
  return log.items.filter((push) => push.opcode === def.opcode).map((push) => push.body as PushBodyOf<D>);
}

/** Waits for a push of one kind (matching `predicate`, if given) and returns its body. */
export async function next<D extends PushDef>(
  log: PushLog,
  def: D,
  predicate: (body: PushBodyOf<D>) => boolean = () => true,
): Promise<PushBodyOf<D>> {
  const push = await log.waitFor((p: Push) => p.opcode === def.opcode && predicate(p.body as PushBodyOf<D>));
  return push.body as PushBodyOf<D>;
}

/** Asserts that the connection still serves requests: the bad input before it did not end it. */
export async function stillServes(person: Person): Promise<void> {
  assert.equal(await person.client.echo("still here"), "still here");
}
