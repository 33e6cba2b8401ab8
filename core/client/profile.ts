// Client side of the session and profile operations: logout, nickname, chat font (PROTOCOL.md §10.6).

import { checkFont } from "../protocol/accounts.ts";
import type { Profile } from "../protocol/ops/bundle.ts";
import { OPS } from "../protocol/registry.ts";
import type { MimiClient } from "./client.ts";

/** Chat font preferences; null means "the client's default". */
export type FontPreference = Profile["font"];

/**
 * Checks font preferences as a form gives them, before sending them.
 *
 * @param family The family name; blank means the default.
 * @param size The size in pixels as typed; blank means the default.
 * @returns `{ font }` ready for {@link setFont}, or `{ error }` saying what is wrong.
 *
 * @example
 * ```ts
 * import { parseFont } from "./profile.ts";
 * parseFont(" Noto Serif CJK SC ", "18"); // { font: { family: "Noto Serif CJK SC", size: 18 } }
 * parseFont("", "100"); // { error: "A font size is a whole number from 8 to 72" }
 * ```
 */
export function parseFont(family: string, size: string): { font: FontPreference } | { error: string } {
  const name = family.trim();
  const text = size.trim();
  // Blank fields mean "the default"; anything else goes through the protocol's own rule.
  return checkFont(name === "" ? null : name, text === "" ? null : Number(text));
}

/**
 * Ends the session; the connection stays open and may log in again. The server also forgets the remembered device
 * this connection logged in or resumed with (PROTOCOL.md §10.6).
 *
 * @param client A logged-in client.
 */
export async function logout(client: MimiClient): Promise<void> {
  await client.call(OPS.logout, {});
}

/**
 * Changes the nickname.
 *
 * @param client A logged-in client.
 * @param nickname The new nickname; the server normalises it (PROTOCOL.md §10.1).
 * @returns The updated profile; rejects with `ProtocolError` `nickname_invalid` or `not_logged_in`.
 */
export async function setNickname(client: MimiClient, nickname: string): Promise<Profile> {
  return (await client.call(OPS.setNickname, { nickname })).user;
}

/**
 * Stores the chat font preferences.
 *
 * @param client A logged-in client.
 * @param font Family and size, each null for the default; see {@link parseFont}.
 * @returns The updated profile.
 */
export async function setFont(client: MimiClient, font: FontPreference): Promise<Profile> {
  return (await client.call(OPS.setFont, { family: font.family, size: font.size })).user;
}
