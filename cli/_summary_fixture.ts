// A test fixture shared by the list and naming tests: a direct conversation's summary with nothing in it yet.

import type { ConversationSummary, UserRef } from "../core/client/mod.ts";

/**
 * A direct conversation with `peer`, titled by the peer's nickname, no messages, nothing unread.
 *
 * @param id The conversation's id.
 * @param peer The friend it is with.
 * @param extra Fields to set on top (unread count, preview…).
 * @returns The summary.
 */
export function directSummary(
  id: number,
  peer: UserRef,
  extra: Partial<ConversationSummary> = {},
): ConversationSummary {
  return {
    id,
    kind: "direct",
    roomId: null,
    peer,
    title: peer.nickname,
    lastSeq: 0,
    readSeq: 0,
    unread: 0,
    last: null,
    lastAt: null,
    preview: null,
    ...extra,
  } as ConversationSummary;
}
