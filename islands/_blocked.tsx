// The users the user blocked, asked for when shown, each with "Unblock" (the friendship a block ended stays ended).

import { useEffect, useState } from "preact/hooks";
import { FormError } from "./_account_forms.tsx";
import { useLocale, useWords } from "./_i18n.ts";
import { SOCIAL_WORDS } from "./_social_words.ts";
import { useAction } from "./_use_action.ts";
import type { Mimi } from "./_use_mimi.ts";
import { useNow } from "./_use_now.ts";
import { timeAgo } from "./_words.ts";

/**
 * "Show blocked users", then the list from the state (`list_blocked`'s answer; a block or unblock here updates it).
 *
 * @param props The page's connection and state.
 */
export function BlockedUsers({ mimi }: { mimi: Mimi }) {
  const w = useWords(SOCIAL_WORDS);
  const locale = useLocale();
  const now = useNow(30_000);
  const [shown, setShown] = useState(false);
  const action = useAction();
  const blocked = mimi.state.blocked;
  // A block made here fills the list: it stays shown, so "Unblock" leaves it empty rather than hidden.
  useEffect(() => {
    if (blocked.length > 0) setShown(true);
  }, [blocked.length > 0]);
  const show = () =>
    action.run(async () => {
      await mimi.connection?.listBlocked();
      setShown(true);
    });
  return (
    <div aria-labelledby="blocked-title">
      <h3 id="blocked-title">{w.blockedTitle}</h3>
      {!shown && <button type="button" disabled={action.busy} onClick={show}>{w.showBlocked}</button>}
      {shown &&
        (blocked.length === 0
          ? <p class="muted" data-testid="no-blocked">{w.noBlocked}</p>
          : (
            <ul class="contacts" data-testid="blocked">
              {blocked.map((user) => (
                <li key={user.id} data-testid={`blocked-${user.username}`}>
                  <span class="who">
                    <span class="name">{user.nickname}</span> <span class="muted">@{user.username}</span>
                  </span>
                  <span class="presence">{w.blockedSince(timeAgo(user.blockedAt, now, locale))}</span>
                  <button
                    type="button"
                    disabled={action.busy}
                    onClick={() => action.run(() => mimi.connection!.unblockUser(user.id))}
                  >
                    {w.unblock(user.nickname)}
                  </button>
                </li>
              ))}
            </ul>
          ))}
      <FormError>{action.error}</FormError>
    </div>
  );
}
