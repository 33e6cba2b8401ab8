// The order a room's members are given in (PROTOCOL.md §13.4): online first, then by nickname, then by id. The server
// answers `room_members` in it, and the SDK keeps the list in it as presence changes.

/** What ordering needs of a member. */
export interface OrderedMember {
  readonly user: { readonly id: number; readonly nickname: string };
  readonly online: boolean;
}

/**
 * Compares two strings by their Unicode code points (not UTF-16 units, which put U+FFFF after U+10000), so every
 * client that sorts the same names the same way agrees with the server whatever its locale.
 */
function byCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator](), right = b[Symbol.iterator]();
  while (true) {
    const x = left.next(), y = right.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const difference = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
}

/**
 * Sorts members the way `room_members` answers them: online first, then by nickname in code point order, then by id.
 *
 * @param members The members, in any order; left as they are.
 * @returns A new, sorted array.
 *
 * @example
 * ```ts
 * import { orderMembers } from "./member_order.ts";
 * const members = [
 *   { user: { id: 1, nickname: "b" }, online: false },
 *   { user: { id: 2, nickname: "c" }, online: true },
 *   { user: { id: 3, nickname: "a" }, online: false },
 * ];
 * orderMembers(members).map((m) => m.user.id); // [2, 3, 1]
 * ```
 */
export function orderMembers<M extends OrderedMember>(members: readonly M[]): M[] {
  return [...members].sort((a, b) =>
    Number(b.online) - Number(a.online) || byCodePoints(a.user.nickname, b.user.nickname) || a.user.id - b.user.id
  );
}
