// The contact list as a client shows it: friends from the login bundle, kept current by presence pushes.

import type { LoginBundle } from "../protocol/ops/bundle.ts";
import type { PresenceEvent } from "./events.ts";

/** A friend with their presence, as in the login bundle (PROTOCOL.md §10.3). */
export type Contact = LoginBundle["friends"][number];

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/**
 * Orders contacts for display: online first, then by nickname, then by id so equal names keep a stable order.
 *
 * @param contacts The contacts, in any order; not modified.
 * @returns A sorted copy.
 *
 * @example
 * ```ts
 * import { sortContacts } from "./contacts.ts";
 * sortContacts([
 *   { id: 1, username: "bob", nickname: "Bob", online: false, lastSeenAt: 5 },
 *   { id: 2, username: "zoe", nickname: "Zoë", online: true, lastSeenAt: null },
 * ]).map((c) => c.nickname); // ["Zoë", "Bob"]
 * ```
 */
export function sortContacts(contacts: readonly Contact[]): Contact[] {
  return [...contacts].sort((a, b) =>
    Number(b.online) - Number(a.online) || collator.compare(a.nickname, b.nickname) || a.id - b.id
  );
}

/**
 * Applies a presence push to the contact list.
 *
 * @param contacts The current list; not modified.
 * @param presence The push. A user who is not in the list (e.g. someone who only shares a room) changes nothing.
 * @returns The updated list, sorted with {@link sortContacts}; the same array when nothing changed.
 *
 * @example
 * ```ts
 * import { applyPresence } from "./contacts.ts";
 * const list = [{ id: 1, username: "bob", nickname: "Bob", online: false, lastSeenAt: 5 }];
 * applyPresence(list, { type: "presence", userId: 1, online: true, lastSeenAt: null })[0].online; // true
 * ```
 */
export function applyPresence(contacts: readonly Contact[], presence: PresenceEvent): readonly Contact[] {
  const index = contacts.findIndex((contact) => contact.id === presence.userId);
  if (index === -1) return contacts;
  const contact = contacts[index];
  // Going online keeps the last known time: the server sends null then, and "last seen" returns at the next offline.
  const lastSeenAt = presence.lastSeenAt ?? contact.lastSeenAt;
  if (contact.online === presence.online && contact.lastSeenAt === lastSeenAt) return contacts;
  return sortContacts(contacts.map((c, i) => i === index ? { ...contact, online: presence.online, lastSeenAt } : c));
}

/**
 * Adds a new friend to the contact list, or replaces what it held of them.
 *
 * @param contacts The current list; not modified.
 * @param friend The friend, with their presence.
 * @returns The list sorted with {@link sortContacts}.
 *
 * @example
 * ```ts
 * import { addContact } from "./contacts.ts";
 * addContact([], { id: 1, username: "bob", nickname: "Bob", online: true, lastSeenAt: null }).length; // 1
 * ```
 */
export function addContact(contacts: readonly Contact[], friend: Contact): readonly Contact[] {
  return sortContacts([...contacts.filter((contact) => contact.id !== friend.id), friend]);
}

/**
 * Takes a former friend off the contact list.
 *
 * @param contacts The current list; not modified.
 * @param userId Who is no longer a friend.
 * @returns The list without them; the same array when they were not in it.
 *
 * @example
 * ```ts
 * import { removeContact } from "./contacts.ts";
 * removeContact([{ id: 1, username: "bob", nickname: "Bob", online: true, lastSeenAt: null }], 1).length; // 0
 * ```
 */
export function removeContact(contacts: readonly Contact[], userId: number): readonly Contact[] {
  const left = contacts.filter((contact) => contact.id !== userId);
  return left.length === contacts.length ? contacts : left;
}
