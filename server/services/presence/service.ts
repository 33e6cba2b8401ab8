// The presence service: watch_presence, the subscription to the presence of the users a client shows (PROTOCOL.md §10.5).

import type { Hub } from "../../hub/types.ts";
import { defineService, type Service } from "../../rpc/service.ts";
import type { Store } from "../../store/types.ts";

/** What the presence service needs. */
export interface PresenceDeps {
  store: Store;
  hub: Hub;
}

/**
 * The presence service. A connection watches whom it shows; the hub pushes their changes to it, and to nobody else,
 * so a login costs one push per watcher instead of one per member of every shared room.
 *
 * @param deps The store (who may see whom, last-seen times) and the hub (who is online, who watches whom).
 * @returns The service.
 */
export function presenceService({ store, hub }: PresenceDeps): Service {
  return defineService({
    name: "presence",
    ops: {
      async watchPresence({ userIds }, { connection, user }) {
        // Only friends and co-members: anyone else is left out silently, so the answer says nothing about who exists.
        const [friends, coMembers, blocks] = await Promise.all([
          store.friends.friendIdsOf(user.id),
          store.rooms.coMemberIdsOf(user.id),
          store.friends.blockedEither(user.id),
        ]);
        // A block ends a friendship, but not a shared room: a co-member in a block with the caller, either way, is
        // left out as a stranger is (PROTOCOL.md §10.5, §12.3).
        const blocked = new Set(blocks);
        const visible = new Set([...friends, ...coMembers.filter((id) => !blocked.has(id))]);
        const watched = [...new Set(userIds)].filter((id) => visible.has(id));
        // Watched before the snapshot is read: a change in between is pushed as well as answered, never lost.
        await hub.watch(connection, watched);
        const presence = [];
        for (const userId of watched) {
          const online = await hub.isOnline(userId);
          const lastSeenAt = online ? null : (await store.users.findById(userId))?.lastSeenAt ?? null;
          presence.push({ userId, online, lastSeenAt });
        }
        return { presence };
      },
    },
  });
}
