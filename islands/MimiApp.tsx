// The web client: the account screens and the contact list, drawn from the SDK's state, with the connection in words.

import { useEffect, useState } from "preact/hooks";
import {
  type ConnectionStatus,
  DeviceKeyStoreError,
  type Kick,
  type MimiConnection,
  type PageSettings,
  ServerKeyChangedError,
} from "../core/client/mod.ts";
import { LoginForm, RegisterForm } from "./_account_forms.tsx";
import { lazy } from "./_lazy.tsx";
import { type Mimi, useMimi } from "./_use_mimi.ts";
import { deviceName, errorText } from "./_words.ts";

// The signed-in screens are a chunk of their own: the sign-in page does not wait for them (issue 10 item 8).
const Home = lazy(() => import("./_home.tsx").then((module) => module.Home));

/** Props of {@link MimiApp}; serialisable, as the page passes them through HTML. */
export interface MimiAppProps {
  /** What the server wrote into the page: fingerprint, WebSocket path, crypto settings, frame limit. */
  settings: PageSettings;
}

/** The whole web client: logged out, it offers login and registration; logged in, profile, contacts and devices. */
export function MimiApp({ settings }: MimiAppProps) {
  const mimi = useMimi(settings);
  const { state, connection } = mimi;
  const { session } = state;
  const status = state.connection.status;
  const [screen, setScreen] = useState<"login" | "register">("login");
  const [lastUsername, setLastUsername] = useState("");
  /** Shown above the login form: why the user is there (an account was just created). */
  const [loginNotice, setLoginNotice] = useState<string | undefined>(undefined);
  /** Shown at the top: something the user should know that is no error of the form (the device not remembered). */
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const signedInAs = session.state === "signedIn" ? session.user.username : undefined;
  useEffect(() => {
    if (signedInAs === undefined) return;
    setLastUsername(signedInAs);
    setLoginNotice(undefined);
  }, [signedInAs]);

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
      await live().login(username, password, remember ? { remember: deviceName(navigator.userAgent) } : {});
    } catch (error) {
      if (!(error instanceof DeviceKeyStoreError)) throw error;
      setNotice(`You are logged in, but this browser will not stay signed in: ${errorText(error)}`);
    }
  };
  /** Whether the forms can be sent: open, or idle and able to connect again when they are. */
  const usable = connection !== undefined && (status.state === "open" || status.state === "idle");
  const ended = status.state === "kicked" || status.state === "closed";

  return (
    <div class="app">
      {mimi.insecurePage && (
        <p class="notice" data-testid="insecure-notice">
          This page came over plain HTTP, so the browser offers no WebCrypto here. Messages are still encrypted to the
          server (with a built-in JavaScript implementation), but only HTTPS also protects this page itself, and this
          browser cannot stay signed in.
        </p>
      )}
      <ConnectionBar mimi={mimi} status={status} />
      {notice && <p class="notice" role="status" data-testid="notice">{notice}</p>}
      {session.state === "signedIn"
        ? (
          <Home
            user={session.user}
            contacts={state.contacts}
            requests={state.friendRequests}
            devices={state.devices}
            onLogout={async () => {
              await live().logout();
              setNotice(undefined);
              setScreen("login");
            }}
            onNickname={async (nickname) => void await live().setNickname(nickname)}
            onFont={async (font) => void await live().setFont(font)}
            onListDevices={async () => void await live().listDevices()}
            onRevokeDevice={(deviceId) => live().revokeDevice(deviceId)}
          />
        )
        : ended
        ? null
        : screen === "login"
        ? (
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
        )
        : (
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
                setLoginNotice(`Your account ${user.username} was created, but logging in failed: ${errorText(error)}`);
                setScreen("login");
              }
            }}
            onLogin={() => setScreen("login")}
          />
        )}
      <ConnectionInfo status={status} suite={state.connection.suite} fingerprint={settings.fingerprint} />
    </div>
  );
}

/** The connection's state in one word, for the footer. */
function statusWord(status: ConnectionStatus): string {
  switch (status.state) {
    case "open":
      return "connected";
    case "retrying":
      return "reconnecting";
    case "kicked":
      return "closed";
    default:
      return status.state;
  }
}

/** Why a kicked session ended, in words. */
function kickText(kick: Kick): string {
  if (kick.ownRevoke) return "You signed this device out";
  return kick.reason === "revoked"
    ? "This device was signed out from another session"
    : `You were logged out because your account logged in elsewhere (${
      new Date(kick.at).toLocaleString()
    }, ${kick.address})`;
}

/**
 * What is wrong with the connection, in words, with the button that helps: reconnecting (try now), kicked (log in
 * again), a changed server key (both keys, reload), closed (reconnect). Nothing while it is open, connecting or idle.
 */
function ConnectionBar({ mimi, status }: { mimi: Mimi; status: ConnectionStatus }) {
  switch (status.state) {
    case "retrying":
      return (
        <div class="bar warning" role="status" data-testid="reconnecting">
          <span>
            Reconnecting… (attempt {status.attempt})
            {status.error && <span class="muted" data-testid="connection-error">{errorText(status.error)}</span>}
          </span>
          <button type="button" onClick={() => mimi.connection?.retryNow()}>Try now</button>
        </div>
      );
    case "kicked":
      return (
        <div class="bar banner" role="alert">
          <span data-testid="kicked">{kickText(status)}</span>
          <button type="button" onClick={mimi.reconnect}>Log in again</button>
        </div>
      );
    case "closed": {
      const error = status.error;
      if (error instanceof ServerKeyChangedError) {
        return (
          <div class="banner" role="alert" data-testid="key-changed">
            <p>
              The server answered with a different key from the one this page was served with. Someone may be
              intercepting the connection, or the server's operator has given it a new key since this page was loaded.
              Do not log in: ask the operator whether the key changed, then reload the page.
            </p>
            <p class="fingerprint">
              This page expects: <code>{error.expected}</code>
            </p>
            <p class="fingerprint">
              The server presented: <code>{error.presented}</code>
            </p>
            <button type="button" onClick={() => location.reload()}>Reload the page</button>
          </div>
        );
      }
      return (
        <div class="bar banner" role="alert">
          <span>
            The connection to the server is closed
            {error && <span data-testid="connection-error">: {errorText(error)}</span>}
          </span>
          <button type="button" onClick={mimi.reconnect}>Reconnect</button>
        </div>
      );
    }
    default:
      // Open, connecting (the footer says so) or idle (closed for not logging in in time: nothing went wrong).
      return null;
  }
}

/** How the page is connected: status, suite and the server's fingerprint. */
function ConnectionInfo(
  { status, suite, fingerprint }: { status: ConnectionStatus; suite: string | null; fingerprint: string },
) {
  return (
    <footer class="security">
      <p>
        Connection: <strong data-testid="status">{statusWord(status)}</strong>
        {suite && <span class="suite" data-testid="suite">{suite}</span>}
      </p>
      <p class="fingerprint">
        Server fingerprint: <code data-testid="fingerprint">{fingerprint}</code>
      </p>
    </footer>
  );
}
