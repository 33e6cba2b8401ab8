// One tab per account: a tab that would sign in (resume) while another tab of this browser holds a session asks first,
// over a BroadcastChannel, and offers to bring that tab forward instead of logging it out.

import { useEffect, useRef, useState } from "preact/hooks";

/** The channel the tabs of one origin talk on. */
const CHANNEL = "mimi.tabs";
/** Where signed-in tabs list themselves (`{ [tabId]: username }`), so a new tab waits for answers only when one may be. */
const HOLDERS_KEY = "mimi.tabs";
/** How long a new tab waits for a listed tab to answer; one that does not answer was closed without unlisting itself. */
const ANSWER_MS = 1_000;

type TabMessage =
  | { type: "who"; from: string }
  | { type: "here"; from: string; username: string }
  | { type: "forward"; to: string }
  | { type: "takeover"; from: string; to: string };

/**
 * Where the tab stands: still asking, free to connect, told that another tab holds `username` (and, `asked`, that
 * it was asked to come forward), or `taken`: another tab took the session over, so this one lets go of its connection.
 */
export type TabGuardState =
  | { state: "checking" }
  | { state: "free" }
  | { state: "held"; username: string; tab: string }
  | { state: "asked"; username: string; tab: string }
  | { state: "taken"; username: string; tab: string };

/** {@link useTabGuard}'s answer. */
export interface TabGuard {
  guard: TabGuardState;
  /** Asks the tab that holds the session to come forward. */
  forward(): void;
  /**
   * Uses Mimi here all the same: this tab connects, and once it is signed in as the other tab's account (resumed or
   * logged in), the other tab is told to let go of its connection; two tabs of one remembered device would otherwise
   * take the session from each other, back and forth. Signed in as another account, the other tab is left alone.
   */
  insist(): void;
  /** Another tab asked this one to come forward (after the user chose to go back to it). */
  called: boolean;
}

function readHolders(): Record<string, string> {
  try {
    const parsed = JSON.parse(localStorage.getItem(HOLDERS_KEY) ?? "{}");
    return typeof parsed === "object" && parsed !== null ? parsed : {};
  } catch {
    // Unreadable storage or a damaged entry: no tab is known, and this one connects as if alone.
    return {};
  }
}

function writeHolders(update: (holders: Record<string, string>) => void): void {
  try {
    const holders = readHolders();
    update(holders);
    localStorage.setItem(HOLDERS_KEY, JSON.stringify(holders));
  } catch {
    // No storage: other tabs will not wait for this one's answer, which is the behaviour without a guard.
  }
}

/**
 * Watches for other tabs of this browser signed in to the same server, and answers for this one.
 *
 * @param signedInAs The username this tab is signed in as, or undefined.
 * @returns Where the tab stands and what the user can do about it.
 */
export function useTabGuard(signedInAs: string | undefined): TabGuard {
  const [guard, setGuard] = useState<TabGuardState>({ state: "checking" });
  const [called, setCalled] = useState(false);
  const channel = useRef<BroadcastChannel | undefined>(undefined);
  const tabId = useRef("");
  const holding = useRef<string | undefined>(undefined);
  holding.current = signedInAs;
  /** After "use here instead": the tab to tell to let go, once this one is signed in as the same account. */
  const takeFrom = useRef<{ tab: string; username: string } | undefined>(undefined);

  useEffect(() => {
    if (typeof BroadcastChannel === "undefined") {
      setGuard({ state: "free" });
      return;
    }
    // Not crypto.randomUUID(): it exists only in secure contexts, and a page over plain HTTP on the LAN needs this too.
    const id = tabId.current = [...crypto.getRandomValues(new Uint8Array(16))]
      .map((byte) => byte.toString(16).padStart(2, "0")).join("");
    const open = channel.current = new BroadcastChannel(CHANNEL);
    let timer: ReturnType<typeof setTimeout> | undefined;
    open.onmessage = (event: MessageEvent<TabMessage>) => {
      const message = event.data;
      if (message.type === "who" && holding.current !== undefined) {
        open.postMessage({ type: "here", from: id, username: holding.current } satisfies TabMessage);
      } else if (message.type === "here") {
        clearTimeout(timer);
        setGuard((now) =>
          now.state === "checking" ? { state: "held", username: message.username, tab: message.from } : now
        );
      } else if (message.type === "takeover" && message.to === id) {
        setGuard({ state: "taken", username: holding.current ?? "", tab: message.from });
      } else if (message.type === "forward" && message.to === id) {
        // Browsers may refuse to raise a tab from script; the notice and the title say it all the same.
        globalThis.focus();
        setCalled(true);
      }
    };
    const others = Object.keys(readHolders()).filter((tab) => tab !== id);
    if (others.length === 0) setGuard({ state: "free" });
    else {
      open.postMessage({ type: "who", from: id } satisfies TabMessage);
      timer = setTimeout(() => {
        // Nobody answered: the listed tabs are gone. Forget them, so the next tab does not wait either.
        writeHolders((holders) => others.forEach((tab) => delete holders[tab]));
        setGuard((now) => now.state === "checking" ? { state: "free" } : now);
      }, ANSWER_MS);
    }
    const unlist = () => writeHolders((holders) => void delete holders[id]);
    addEventListener("pagehide", unlist);
    return () => {
      clearTimeout(timer);
      removeEventListener("pagehide", unlist);
      unlist();
      open.close();
    };
  }, []);

  useEffect(() => {
    const id = tabId.current;
    if (!id) return;
    writeHolders((holders) => {
      if (signedInAs === undefined) delete holders[id];
      else holders[id] = signedInAs;
    });
    const pending = takeFrom.current;
    if (signedInAs === undefined || !pending) return;
    takeFrom.current = undefined;
    // Only the same account takes the session from the other tab; another account leaves it alone.
    if (pending.username === signedInAs) {
      channel.current?.postMessage({ type: "takeover", from: id, to: pending.tab } satisfies TabMessage);
    }
  }, [signedInAs, guard.state === "checking"]);

  const forward = () => {
    if (guard.state !== "held" && guard.state !== "asked") return;
    channel.current?.postMessage({ type: "forward", to: guard.tab } satisfies TabMessage);
    setGuard({ ...guard, state: "asked" });
  };
  const insist = () => {
    if (guard.state === "held" || guard.state === "asked" || guard.state === "taken") {
      takeFrom.current = { tab: guard.tab, username: guard.username };
    }
    setCalled(false);
    setGuard({ state: "free" });
  };
  return { guard, forward, insist, called };
}
