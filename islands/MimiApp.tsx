// The web client: a secure connection, the account screens, and the contact list with live presence.

import { useEffect, useState } from "preact/hooks";
import { login, type LoginBundle, type Profile, register } from "../core/client/accounts.ts";
import type { MimiClient } from "../core/client/client.ts";
import { applyPresence, type Contact, sortContacts } from "../core/client/contacts.ts";
import { type KickedEvent, readPush } from "../core/client/events.ts";
import { logout, setFont, setNickname } from "../core/client/profile.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { LoginForm, RegisterForm } from "./_account_forms.tsx";
import { Home } from "./_home.tsx";
import { type Connection, useConnection } from "./_use_connection.ts";
import { errorText } from "./_words.ts";

/** Props of {@link MimiApp}; serialisable, as the page passes them through HTML. */
export interface MimiAppProps {
  /** WebSocket endpoint path on the page's origin, e.g. `/ws`. */
  wsPath: string;
  /** The server's fingerprint as the page was served; the handshake must present the same key. */
  fingerprint: string;
}

interface Session {
  user: Profile;
  contacts: readonly Contact[];
  requests: LoginBundle["friendRequests"];
}

/** The whole web client: logged out, it offers login and registration; logged in, profile and contacts. */
export function MimiApp({ wsPath, fingerprint }: MimiAppProps) {
  const connection = useConnection(wsPath, fingerprint);
  const client = connection.status === "connected" ? connection.client : undefined;
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [screen, setScreen] = useState<"login" | "register">("login");
  const [kicked, setKicked] = useState<KickedEvent | undefined>(undefined);
  const [lastUsername, setLastUsername] = useState("");
  /** Shown above the login form: why the user is there (an account was just created). */
  const [loginNotice, setLoginNotice] = useState<string | undefined>(undefined);

  useEffect(() => {
    // A new connection, or none, is logged out.
    setSession(undefined);
    if (!client) return;
    client.onPush = (push) => {
      const event = readPush(push);
      if (event?.type === "kicked") {
        // The server closes this connection next; a fresh one is ready for the next login.
        setKicked(event);
        setScreen("login");
        connection.reconnect();
      } else if (event?.type === "presence") {
        setSession((s) => s && { ...s, contacts: applyPresence(s.contacts, event) });
      }
    };
    return () => client.onPush = undefined;
  }, [client]);

  /** The client to use now; an idle connection (closed by the server for not logging in) is opened again first. */
  const connected = (): Promise<MimiClient> => connection.ready();
  /** Whether the forms can be sent: connected, or idle and able to connect again when they are. */
  const usable = connection.status === "connected" || connection.status === "idle";
  const enter = (bundle: LoginBundle, client: MimiClient) => {
    setKicked(undefined);
    setLoginNotice(undefined);
    setLastUsername(bundle.user.username);
    setSession({ user: bundle.user, contacts: sortContacts(bundle.friends), requests: bundle.friendRequests });
    void watchFriends(client, bundle.friends.map((friend) => friend.id));
  };
  /**
   * Presence is by subscription (PROTOCOL.md §10.5): the page watches the friends it lists, and the answer is their
   * presence now, which may have changed since the login bundle.
   */
  const watchFriends = async (client: MimiClient, userIds: number[]) => {
    let answer;
    try {
      answer = await client.request(Op.watchPresence, { userIds }) as {
        presence: { userId: number; online: boolean; lastSeenAt: number | null }[];
      };
    } catch {
      // Only a closing connection fails here; the page already says so, and the next login watches again.
      return;
    }
    setSession((s) =>
      s && {
        ...s,
        contacts: answer.presence.reduce((list, p) => applyPresence(list, { type: "presence", ...p }), s.contacts),
      }
    );
  };
  const updateUser = (user: Profile) => setSession((s) => s && { ...s, user });

  return (
    <div class="app">
      {connection.insecurePage && (
        <p class="notice" data-testid="insecure-notice">
          This page came over plain HTTP, so the browser offers no WebCrypto here. Messages are still encrypted to the
          server (with a built-in JavaScript implementation), but only HTTPS also protects this page itself.
        </p>
      )}
      {kicked && (
        <p class="banner" role="alert" data-testid="kicked">
          You were logged out because your account logged in elsewhere ({new Date(kicked.at).toLocaleString()},{" "}
          {kicked.address})
        </p>
      )}
      {session
        ? (
          <Home
            user={session.user}
            contacts={session.contacts}
            requests={session.requests}
            onLogout={async () => {
              await logout(await connected());
              setSession(undefined);
              setScreen("login");
            }}
            onNickname={async (nickname) => updateUser(await setNickname(await connected(), nickname))}
            onFont={async (font) => updateUser(await setFont(await connected(), font))}
          />
        )
        : screen === "login"
        ? (
          <LoginForm
            connected={usable}
            initialUsername={lastUsername}
            notice={loginNotice}
            onLogin={async (username, password) => {
              const client = await connected();
              enter(await login(client, username, password), client);
            }}
            onRegister={() => {
              setLoginNotice(undefined);
              setScreen("register");
            }}
          />
        )
        : (
          <RegisterForm
            connected={usable}
            onSubmit={async (username, nickname, password, invite) => {
              const user = await register(await connected(), username, nickname, password, { invite });
              // Registering does not log in (PROTOCOL.md §10.2); nobody wants to type the password twice more.
              let bundle: LoginBundle;
              let client: MimiClient;
              try {
                client = await connected();
                bundle = await login(client, username, password);
              } catch (error) {
                // Not swallowed: said on the login screen. The account exists, so the register form (which would
                // now only answer "taken") is the wrong place to stay.
                setLastUsername(user.username);
                setLoginNotice(`Your account ${user.username} was created, but logging in failed: ${errorText(error)}`);
                setScreen("login");
                return;
              }
              enter(bundle, client);
            }}
            onLogin={() => setScreen("login")}
          />
        )}
      <ConnectionInfo connection={connection} fingerprint={fingerprint} />
    </div>
  );
}

/** How the page is connected: status, suite, the server's fingerprint, and a way back after a drop. */
function ConnectionInfo({ connection, fingerprint }: { connection: Connection; fingerprint: string }) {
  const suite = connection.status === "connecting" ? undefined : connection.suite;
  const error = connection.status === "closed" ? connection.error : undefined;
  return (
    <footer class="security">
      <p>
        Connection: <strong data-testid="status">{connection.status}</strong>
        {suite && <span class="suite" data-testid="suite">{suite}</span>}
        {connection.status === "closed" && (
          <button type="button" class="link" onClick={connection.reconnect}>Reconnect</button>
        )}
      </p>
      {error && <p class="form-error" data-testid="connection-error">{errorText(error)}</p>}
      <p class="fingerprint">
        Server fingerprint: <code data-testid="fingerprint">{fingerprint}</code>
      </p>
    </footer>
  );
}
