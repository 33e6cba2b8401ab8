// The screens and bars that say where the connection stands: reconnecting, closed, kicked, a changed server key, and
// Mimi already open in another tab; and the footer with the status, suite and fingerprint.

import { useState } from "preact/hooks";
import type { ConnectionStatus, Kick } from "../core/client/mod.ts";
import { Check } from "./_check.tsx";
import { type Locale, useLocale, useWords } from "./_i18n.ts";
import { STATUS_WORDS } from "./_status_words.ts";
import type { TabGuardState } from "./_tab_guard.ts";
import { errorText } from "./_words.ts";

/** "Reconnecting… (attempt n)" with the last error, and "Try now". */
export function ReconnectingBar({ status, onTryNow }: {
  status: Extract<ConnectionStatus, { state: "retrying" }>;
  onTryNow(): void;
}) {
  const w = useWords(STATUS_WORDS);
  const locale = useLocale();
  return (
    <div class="bar warning" role="status" data-testid="reconnecting">
      <span>
        {w.reconnecting(status.attempt)}
        {status.error && <span class="muted" data-testid="connection-error">{errorText(status.error, locale)}</span>}
      </span>
      <button type="button" onClick={onTryNow}>{w.tryNow}</button>
    </div>
  );
}

/** The connection closed for a reason other than a kick or a changed key, and "Reconnect". */
export function ClosedBar({ error, onReconnect }: { error: Error | undefined; onReconnect(): void }) {
  const w = useWords(STATUS_WORDS);
  const locale = useLocale();
  return (
    <div class="bar banner" role="alert">
      <span>
        {w.closedBar}
        {error && <span data-testid="connection-error">: {errorText(error, locale)}</span>}
      </span>
      <button type="button" onClick={onReconnect}>{w.reconnect}</button>
    </div>
  );
}

/** A kick in words: why, and for a login elsewhere when and from which address. */
export function kickText(kick: Kick, locale: Locale): string {
  const w = STATUS_WORDS[locale];
  if (kick.ownRevoke) return w.kickedOwn;
  if (kick.reason === "revoked") return w.kickedRevoked;
  return w.kickedElsewhere(new Date(kick.at).toLocaleString(locale), kick.address);
}

/** The session ended: why, when and from where, what to do if it was not the user, and "Log in again". */
export function KickedScreen({ kick, onLogInAgain }: { kick: Kick; onLogInAgain(): void }) {
  const w = useWords(STATUS_WORDS);
  const locale = useLocale();
  return (
    <section class="card auth screen" aria-labelledby="kicked-title">
      <h2 id="kicked-title" tabIndex={-1} data-screen-heading>{w.kickedTitle}</h2>
      <p data-testid="kicked">{kickText(kick, locale)}</p>
      {!kick.ownRevoke && <p class="muted">{w.kickedAdvice}</p>}
      <button type="button" class="primary" onClick={onLogInAgain}>{w.logInAgain}</button>
    </section>
  );
}

/**
 * The server's key is not the trusted one: what it means, both fingerprints, what to check with the operator. Met
 * live (`reload`), the way out is a reload, which meets this screen again; met on load (`onTrust`), only ticking that
 * the fingerprint was checked enables trusting the new key.
 */
export function KeyChangedScreen({ expected, presented, onTrust }: {
  /** The fingerprint the page expected (live) or the browser trusted (on load). */
  expected: string;
  presented: string;
  /** Given when the page was served with the new key: accepts it. Without it, the screen offers a reload. */
  onTrust?: () => void;
}) {
  const w = useWords(STATUS_WORDS);
  const [checked, setChecked] = useState(false);
  return (
    <section class="banner screen" data-testid="key-changed" aria-labelledby="key-title">
      <h2 id="key-title" tabIndex={-1} data-screen-heading>{w.keyTitle}</h2>
      <p>{onTrust ? w.keyWhatReload : w.keyWhat}</p>
      <p class="fingerprint">
        {onTrust ? w.keyTrusted : w.keyExpected} <code data-testid="key-expected">{expected}</code>
      </p>
      <p class="fingerprint">
        {w.keyPresented} <code data-testid="key-presented">{presented}</code>
      </p>
      <p>{w.keyAdvice}</p>
      {onTrust
        ? (
          <div class="stack">
            <Check id="key-checked" checked={checked} onChange={setChecked}>{w.keyChecked}</Check>
            <div class="actions">
              <button type="button" class="danger" disabled={!checked} onClick={onTrust}>{w.keyTrust}</button>
            </div>
          </div>
        )
        : <button type="button" onClick={() => location.reload()}>{w.keyReload}</button>}
    </section>
  );
}

/**
 * Another tab holds the session: go back to it (the default), or use Mimi here all the same. Or, `taken`, another tab
 * took the session over from this one: use Mimi here again.
 */
export function TabHeldScreen({ guard, onForward, onInsist }: {
  guard: Extract<TabGuardState, { state: "held" | "asked" | "taken" }>;
  onForward(): void;
  onInsist(): void;
}) {
  const w = useWords(STATUS_WORDS);
  if (guard.state === "taken") {
    return (
      <section class="card auth screen" data-testid="tab-taken" aria-labelledby="tab-title">
        <h2 id="tab-title" tabIndex={-1} data-screen-heading>{w.tabTakenTitle}</h2>
        <p>{w.tabTaken(guard.username)}</p>
        <div class="actions">
          <button type="button" class="primary" onClick={onInsist}>{w.tabInsist}</button>
        </div>
      </section>
    );
  }
  return (
    <section class="card auth screen" data-testid="tab-held" aria-labelledby="tab-title">
      <h2 id="tab-title" tabIndex={-1} data-screen-heading>{w.tabTitle}</h2>
      <p>{w.tabHeld(guard.username)}</p>
      {guard.state === "asked" && <p role="status" data-testid="tab-asked">{w.tabAsked}</p>}
      <div class="actions">
        <button type="button" class="primary" onClick={onForward}>{w.tabForward}</button>
        <button type="button" onClick={onInsist}>{w.tabInsist}</button>
      </div>
    </section>
  );
}

/** How the page is connected: status (its state in `data-state`, whatever the language), suite and fingerprint. */
export function ConnectionInfo(
  { status, suite, fingerprint }: { status: ConnectionStatus; suite: string | null; fingerprint: string },
) {
  const w = useWords(STATUS_WORDS);
  return (
    <footer class="security">
      <p>
        {w.connection} <strong data-testid="status" data-state={status.state}>{w.state[status.state]}</strong>
        {suite && <span class="suite" data-testid="suite">{suite}</span>}
      </p>
      <p class="fingerprint">
        {w.fingerprint} <code data-testid="fingerprint">{fingerprint}</code>
      </p>
    </footer>
  );
}
