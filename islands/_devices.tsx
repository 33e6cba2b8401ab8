// The signed-in user's remembered devices: what stays signed in to the account, and signing one out from here.

import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Device } from "../core/client/mod.ts";
import { FormError } from "./_account_forms.tsx";
import { useAction } from "./_use_action.ts";
import { useNow } from "./_use_now.ts";
import { HOME_WORDS } from "./_home_words.ts";
import { useLocale, useWords } from "./_i18n.ts";
import { timeAgo } from "./_words.ts";

/** What the devices section shows and does. */
export interface DevicesProps {
  /** The last list the connection fetched (the state's `devices`). */
  devices: readonly Device[];
  /** Fetches the list again; the new list comes back through `devices`. */
  onList(): Promise<void>;
  /** Signs one device out; the list follows through `devices`. */
  onRevoke(deviceId: number): Promise<void>;
}

/**
 * A disclosure titled "Devices": opening it fetches the account's remembered devices, each with when it was added and
 * last used, this one marked, and a "Sign out" button that asks in the page before it acts.
 */
export function Devices({ devices, onList, onRevoke }: DevicesProps) {
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [confirming, setConfirming] = useState<number | undefined>(undefined);
  const [news, setNews] = useState("");
  const list = useAction();
  const revoke = useAction();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const now = useNow(30_000);
  const w = useWords(HOME_WORDS);

  const refresh = async () => {
    if (await list.run(onList)) setLoaded(true);
  };
  const toggle = () => {
    setOpen(!open);
    setConfirming(undefined);
    setNews("");
    // Devices come and go from other sessions: what was fetched before may be stale.
    if (!open) void refresh();
  };
  const signOut = async (device: Device) => {
    setNews("");
    if (!await revoke.run(() => onRevoke(device.id))) return;
    setConfirming(undefined);
    // Signing this device out ends the connection, and the page says so: nothing more to fetch.
    if (device.current) return;
    setNews(w.signedOutNews(device.name));
    // Its row, which held the focus, is gone.
    toggleRef.current?.focus();
    await refresh();
  };
  // This device first: it is the one a user looks for.
  const shown = [...devices].sort((a, b) => Number(b.current) - Number(a.current));

  return (
    <section class="card devices" aria-labelledby="devices-title">
      <h2 id="devices-title">
        <button
          ref={toggleRef}
          type="button"
          class="disclosure"
          aria-expanded={open ? "true" : "false"}
          aria-controls="devices-panel"
          onClick={toggle}
        >
          {/* A drawn arrow: CSS content would join the button's name ("▸Devices"), hidden content does not. */}
          <span class="chevron" aria-hidden="true" />
          {w.devices}
        </button>
      </h2>
      <div id="devices-panel" hidden={!open} aria-busy={list.busy ? "true" : "false"}>
        <p class="muted">{w.devicesIntro}</p>
        {!loaded
          ? list.busy && <p class="muted">{w.loadingDevices}</p>
          : shown.length === 0
          ? <p class="muted" data-testid="no-devices">{w.noDevices}</p>
          : (
            <>
              {!shown.some((device) => device.current) && (
                <p class="muted" data-testid="not-remembered">{w.notRememberedHere}</p>
              )}
              <ul class="device-list" data-testid="devices">
                {shown.map((device) => (
                  <DeviceRow
                    key={device.id}
                    device={device}
                    now={now}
                    confirming={confirming === device.id}
                    busy={revoke.busy}
                    onAsk={() => {
                      if (revoke.busy) return;
                      setNews("");
                      revoke.setError("");
                      setConfirming(device.id);
                    }}
                    onCancel={() => setConfirming(undefined)}
                    onConfirm={() => signOut(device)}
                  />
                ))}
              </ul>
            </>
          )}
        <FormError>{list.error || revoke.error}</FormError>
        <p role="status" class="saved" data-testid="devices-news">{news}</p>
      </div>
    </section>
  );
}

/** A moment as a phrase ("5 minutes ago"), with the exact time for those who point at it. */
function When({ at, now }: { at: number; now: number }) {
  const date = new Date(at);
  const locale = useLocale();
  return <time dateTime={date.toISOString()} title={date.toLocaleString(locale)}>{timeAgo(at, now, locale)}</time>;
}

/** One device: its name, "This device" on this one, its dates, and "Sign out" or the question that confirms it. */
function DeviceRow({ device, now, confirming, busy, onAsk, onCancel, onConfirm }: {
  device: Device;
  now: number;
  confirming: boolean;
  busy: boolean;
  onAsk(): void;
  onCancel(): void;
  onConfirm(): void;
}) {
  const askRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  const w = useWords(HOME_WORDS);
  // The focus follows the question: to "Cancel" when it appears (the choice that changes nothing), back to
  // "Sign out" when it is dismissed. In a layout effect: with the DOM change, before anyone can act on the page.
  useLayoutEffect(() => {
    if (confirming) cancelRef.current?.focus();
    else if (wasConfirming.current) askRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);
  const questionId = `device-${device.id}-question`;
  return (
    <li data-testid={`device-${device.id}`}>
      <div class="device-line">
        <span class="who">
          <span class="name">{device.name}</span>
          {device.current && <span class="badge" data-testid="this-device">{w.thisDevice}</span>}
        </span>
        {!confirming && (
          <button ref={askRef} type="button" onClick={onAsk}>
            {w.signOut}
            <span class="visually-hidden">{device.current ? w.signOutThisHidden : ` ${device.name}`}</span>
          </button>
        )}
      </div>
      <p class="muted device-dates">
        {w.added} <When at={device.createdAt} now={now} /> · {w.lastUsed} <When at={device.lastUsedAt} now={now} />
      </p>
      {confirming && (
        <div
          class="confirm"
          role="group"
          aria-labelledby={questionId}
          onKeyDown={(event) => {
            if (event.key === "Escape" && !busy) onCancel();
          }}
        >
          <p id={questionId}>
            {device.current ? w.confirmThis : w.confirmOther(device.name)}
          </p>
          <div class="actions">
            {/* aria-disabled, not disabled: a disabled button drops the focus it holds. */}
            <button type="button" class="danger" aria-disabled={busy ? "true" : undefined} onClick={onConfirm}>
              {busy ? w.signingOut : w.yesSignOut}
            </button>
            <button
              ref={cancelRef}
              type="button"
              aria-disabled={busy ? "true" : undefined}
              onClick={() => !busy && onCancel()}
            >
              {w.cancel}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
