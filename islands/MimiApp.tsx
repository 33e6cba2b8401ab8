// The web client: the language, the guards that hold the connection back (a changed server key, another tab holding
// the session), the account screens, the signed-in layout, and the connection's state in words.

import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import {
  checkKnownKey,
  DeviceKeyStoreError,
  type KnownKeyCheck,
  type MimiConnection,
  type PageSettings,
  ServerKeyChangedError,
  trustKey,
} from "../core/client/mod.ts";
import { LoginForm, RegisterForm } from "./_account_forms.tsx";
import { ACCOUNT_WORDS } from "./_account_words.ts";
import { type Locale, LocaleContext, LOCALES, useWords } from "./_i18n.ts";
import { lazy } from "./_lazy.tsx";
import { useLocaleChoice } from "./_locale.ts";
import {
  ClosedBar,
  ConnectionInfo,
  KeyChangedScreen,
  KickedScreen,
  ReconnectingBar,
  TabHeldScreen,
} from "./_status_screens.tsx";
import { STATUS_WORDS } from "./_status_words.ts";
import { useTabGuard } from "./_tab_guard.ts";
import { useMimi } from "./_use_mimi.ts";
import { deviceName, errorText } from "./_words.ts";

// The signed-in screens are a chunk of their own: the sign-in page does not wait for them (issue 10 item 8).
const Home = lazy(() => import("./_home.tsx").then((module) => module.Home));

/** Props of {@link MimiApp}; serialisable, as the page passes them through HTML. */
export interface MimiAppProps {
  /** What the server wrote into the page: fingerprint, WebSocket path, crypto settings, frame limit. */
  settings: PageSettings;
  /** The language the server rendered the page in (its cookie, else Accept-Language); English when left out. */
  locale?: Locale;
}

/** The whole web client, in the user's language. */
export function MimiApp({ settings, locale: served = "en" }: MimiAppProps) {
  const [locale, setLocale] = useLocaleChoice(served);
  return (
    <LocaleContext.Provider value={locale}>
      <App settings={settings} locale={locale} onLocale={setLocale} />
    </LocaleContext.Provider>
  );
}

/** Names of the languages, each in itself, for the switch. */
const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", "zh-CN": "中文" };

const TAGLINE: Record<Locale, string> = { en: "a secure, self-hosted messenger", "zh-CN": "安全的自托管聊天工具" };

/** The trusted-key check in the browser; storage that cannot be used leaves only the page's own pin. */
function checkKey(settings: PageSettings): KnownKeyCheck {
  try {
    return checkKnownKey(localStorage, location.origin, settings.fingerprint);
  } catch {
    // No localStorage (disabled, sandboxed): nothing was trusted before, as on a first visit.
    return { state: "first" };
  }
}

function trustHere(fingerprint: string): void {
  try {
    trustKey(localStorage, location.origin, fingerprint);
  } catch {
    // No localStorage: the page's pin still holds for this visit; the next one is a first visit again.
  }
}

function App({ settings, locale, onLocale }: { settings: PageSettings; locale: Locale; onLocale(l: Locale): void }) {
  const w = useWords(STATUS_WORDS);
  const a = useWords(ACCOUNT_WORDS);
  // Unknown until the browser has looked (the server renders the login form, as does the first render here).
  const [keyCheck, setKeyCheck] = useState<KnownKeyCheck | undefined>(undefined);
  useEffect(() => setKeyCheck(checkKey(settings)), [settings]);
  const [signedInAs, setSignedInAs] = useState<string | undefined>(undefined);
  const tabs = useTabGuard(signedInAs);
  const keyOk = keyCheck?.state === "first" || keyCheck?.state === "same";
  const mimi = useMimi(settings, !keyOk || tabs.guard.state !== "free");
  const { state, connection } = mimi;
  const { session } = state;
  const status = state.connection.status;
  const [screen, setScreen] = useState<"login" | "register">("login");
  const [lastUsername, setLastUsername] = useState("");
  const [openConversationId, setOpenConversationId] = useState<number | undefined>(undefined);
  /** Shown above the login form: why the user is there (an account was just created). */
  const [loginNotice, setLoginNotice] = useState<string | undefined>(undefined);
  /** Shown at the top: something the user should know that is no error of the form (the device not remembered). */
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const user = session.state === "signedIn" ? session.user.username : undefined;
  useEffect(() => {
    setSignedInAs(user);
    if (user === undefined) {
      setOpenConversationId(undefined);
      return;
    }
    setLastUsername(user);
    setLoginNotice(undefined);
  }, [user]);

  // Trust on first use: the key becomes the trusted one once a connection with it opened.
  useEffect(() => {
    if (status.state === "open" && keyCheck?.state === "first") {
      trustHere(settings.fingerprint);
      setKeyCheck({ state: "same" });
    }
  }, [status.state, keyCheck?.state]);

  /** The connection for an action; the forms are disabled until there is one. */
  const live = (): MimiConnection => {
    if (!connection) throw new Error("Not connected to the server yet");
    return connection;
  };
  /**
   * Logs in, remembering this browser if asked. A key the browser could not keep leaves the user signed in all the
   * same, only not remembered: said at the top rather than failing the form.
   */
  const logIn = async (username: string, password: string, remember: boolean) => {
    try {
      setNotice(undefined);
      await live().login(username, password, remember ? { remember: deviceName(navigator.userAgent, locale) } : {});
    } catch (error) {
      if (!(error instanceof DeviceKeyStoreError)) throw error;
      setNotice(a.notRemembered(errorText(error, locale)));
    }
  };
  /** Opens a conversation in the main pane; opening the open one focuses it (one place per conversation). */
  const onOpen = (conversationId: number) => {
    setOpenConversationId(conversationId);
    requestAnimationFrame(() => {
      const pane = document.getElementById("main-pane");
      pane?.querySelector<HTMLElement>("[data-conversation-focus]")?.focus();
    });
  };
  /** Whether the forms can be sent: open, or idle and able to connect again when they are. */
  const usable = connection !== undefined && (status.state === "open" || status.state === "idle");
  const liveKeyError = status.state === "closed" && status.error instanceof ServerKeyChangedError
    ? status.error
    : undefined;

  const body = keyCheck?.state === "changed"
    ? {
      key: "key-changed",
      view: (
        <KeyChangedScreen
          expected={keyCheck.trusted}
          presented={keyCheck.presented}
          onTrust={() => {
            trustHere(keyCheck.presented);
            setKeyCheck({ state: "same" });
          }}
        />
      ),
    }
    : liveKeyError
    ? {
      key: "key-changed-live",
      view: <KeyChangedScreen expected={liveKeyError.expected} presented={liveKeyError.presented} />,
    }
    : tabs.guard.state === "held" || tabs.guard.state === "asked" || tabs.guard.state === "taken"
    ? {
      key: `tab-${tabs.guard.state === "taken" ? "taken" : "held"}`,
      view: <TabHeldScreen guard={tabs.guard} onForward={tabs.forward} onInsist={tabs.insist} />,
    }
    : session.state === "signedIn"
    ? {
      key: "home",
      view: (
        <Home
          mimi={mimi}
          openConversationId={openConversationId}
          onOpen={onOpen}
          onSettings={() => setOpenConversationId(undefined)}
          onLogout={async () => {
            await live().logout();
            setNotice(undefined);
            setScreen("login");
          }}
        />
      ),
    }
    : status.state === "kicked"
    ? { key: "kicked", view: <KickedScreen kick={status} onLogInAgain={mimi.reconnect} /> }
    : status.state === "closed"
    ? { key: "closed", view: null }
    : screen === "login"
    ? {
      key: "login",
      view: (
        <LoginForm
          connected={usable}
          canRemember={mimi.canRemember}
          initialUsername={lastUsername}
          notice={loginNotice}
          onLogin={logIn}
          onRegister={() => {
            setLoginNotice(undefined);
            setScreen("register");
          }}
        />
      ),
    }
    : {
      key: "register",
      view: (
        <RegisterForm
          connected={usable}
          canRemember={mimi.canRemember}
          onSubmit={async (username, nickname, password, invite, remember) => {
            const user = await live().register(username, nickname, password, { invite });
            // Registering does not log in (PROTOCOL.md §10.2); nobody wants to type the password twice more.
            try {
              await logIn(username, password, remember);
            } catch (error) {
              // Not swallowed: said on the login screen. The account exists, so the register form (which would
              // now only answer "taken") is the wrong place to stay.
              setLastUsername(user.username);
              setLoginNotice(a.createdButLoginFailed(user.username, errorText(error, locale)));
              setScreen("login");
            }
          }}
          onLogin={() => setScreen("login")}
        />
      ),
    };

  // The focus follows every change of screen to its heading (or first field), never to the page's body; not on the
  // first render, where the user may already be typing into the server-rendered form. A layout effect: the focus moves
  // in the same task that shows the screen, so nothing (a keystroke, a screen reader, a test) finds it on the body.
  const root = useRef<HTMLDivElement>(null);
  const shown = useRef(body.key);
  useLayoutEffect(() => {
    if (shown.current === body.key) return;
    shown.current = body.key;
    const target = root.current?.querySelector<HTMLElement>("[data-screen-heading]") ??
      root.current?.querySelector<HTMLElement>("input, button");
    target?.focus();
  }, [body.key]);

  return (
    <div class="app" ref={root}>
      <div class="topbar">
        <h1>
          Mimi 秘密 <span class="tagline">{TAGLINE[locale]}</span>
        </h1>
        <label class="language" for="language">
          <span>{w.language}</span>
          <select
            id="language"
            value={locale}
            onChange={(e) => onLocale((e.target as HTMLSelectElement).value as Locale)}
          >
            {LOCALES.map((l) => <option key={l} value={l} lang={l}>{LANGUAGE_NAMES[l]}</option>)}
          </select>
        </label>
      </div>
      {mimi.insecurePage && <p class="notice" data-testid="insecure-notice">{w.insecure}</p>}
      {tabs.called && <p class="notice" role="status" data-testid="tab-called">{w.tabCalled}</p>}
      {status.state === "retrying" && <ReconnectingBar status={status} onTryNow={() => connection?.retryNow()} />}
      {status.state === "closed" && !liveKeyError && <ClosedBar error={status.error} onReconnect={mimi.reconnect} />}
      {notice && <p class="notice" role="status" data-testid="notice">{notice}</p>}
      {body.view}
      <ConnectionInfo status={status} suite={state.connection.suite} fingerprint={settings.fingerprint} />
    </div>
  );
}
