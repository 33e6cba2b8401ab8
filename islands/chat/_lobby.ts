// The lobby as the chat screens show it (PROTOCOL.md §13.4): a conversation that is not in the user's list (it has no
// unread count and no read position), watched while it is open, with its online count learnt once at sign-in.

import { useEffect } from "preact/hooks";
import type { ConversationSummary, LobbyState, MimiConnection } from "../../core/client/mod.ts";

/**
 * The lobby as a conversation summary, so the chat pane shows it as it shows a group: senders' names and avatars,
 * history paged backwards. Never unread (the server keeps no read position there) and `lastSeq` 0, so nothing but the
 * SDK's watch loads its newest page.
 *
 * @param lobby The lobby the login named.
 * @param title Its name in the language ("Lobby", "大厅").
 * @returns A summary of kind `room`.
 *
 * @example
 * ```ts
 * import { lobbySummary } from "./_lobby.ts";
 * lobbySummary({ roomId: 1, conversationId: 1, online: 3, watching: true }, "Lobby").unread; // 0
 * ```
 */
export function lobbySummary(lobby: LobbyState, title: string): ConversationSummary {
  return {
    id: lobby.conversationId,
    kind: "room",
    roomId: lobby.roomId,
    peer: null,
    title,
    lastSeq: 0,
    readSeq: 0,
    unread: 0,
    last: null,
    lastAt: null,
    preview: null,
  };
}

/**
 * Watches the lobby while `open` (its messages live, its online count pushed) and stops when it closes, or when the
 * component unmounts; a new connection (after "log in again") is told afresh.
 *
 * @param connection The page's connection.
 * @param open Whether the lobby is what the chat pane shows.
 */
export function useLobbyWatch(connection: MimiConnection | undefined, open: boolean): void {
  useEffect(() => {
    if (!connection || !open) return;
    connection.watchLobby(true).catch((error) => {
      // Not fatal: the pane stays empty and says nothing new; the SDK watches again after a reconnect. Logged.
      console.warn("Could not watch the lobby", error);
    });
    return () => {
      connection.watchLobby(false).catch((error) => {
        // Not fatal: a watch left on costs pushes until the connection ends, when the server forgets it. Logged.
        console.warn("Could not stop watching the lobby", error);
      });
    };
  }, [connection, open]);
}

/**
 * Learns the lobby's online count once after sign-in without watching it (`watch_lobby` with `watch: false` answers
 * the count), so the pinned entry shows it before the lobby was ever opened.
 *
 * @param connection The page's connection.
 * @param lobby The lobby in the state.
 * @param ready Whether the connection is open and signed in.
 */
export function useLobbyCount(connection: MimiConnection | undefined, lobby: LobbyState | null, ready: boolean): void {
  const unknown = lobby !== null && lobby.online === null && !lobby.watching;
  useEffect(() => {
    if (!connection || !ready || !unknown) return;
    connection.watchLobby(false).catch((error) => {
      // Not fatal: the entry reads "everyone" instead of a count. Logged for whoever looks.
      console.warn("Could not ask for the lobby's online count", error);
    });
  }, [connection, ready, unknown]);
}
