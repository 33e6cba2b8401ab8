// Groups: create one from friends, join a public one or one by invite code; and for the open group its members (online
// first, live), inviting friends, leaving, and the owner's tools (rename, remove, hand over, invite code, delete).

import { useEffect, useState } from "preact/hooks";
import type { PublicRoom, Room, RoomMember } from "../core/client/mod.ts";
import { Field, FormError } from "./_account_forms.tsx";
import { Check } from "./_check.tsx";
import { directConversation } from "./_friends.tsx";
import { useWords } from "./_i18n.ts";
import { SOCIAL_WORDS } from "./_social_words.ts";
import { useAction } from "./_use_action.ts";
import type { Mimi } from "./_use_mimi.ts";

/** What the group panels need: the SDK, and opening a conversation in the shell. */
export interface RoomsProps {
  mimi: Mimi;
  onOpen(conversationId: number): void;
}

/** Create a group, the public groups, and joining with a code. */
export function GroupsPanel({ mimi, onOpen }: RoomsProps) {
  const w = useWords(SOCIAL_WORDS);
  return (
    <section class="card" aria-labelledby="groups-title">
      <h2 id="groups-title">{w.groupsTitle}</h2>
      <CreateGroup mimi={mimi} onOpen={onOpen} />
      <PublicGroups mimi={mimi} onOpen={onOpen} />
      <JoinByCode mimi={mimi} onOpen={onOpen} />
    </section>
  );
}

function CreateGroup({ mimi, onOpen }: RoomsProps) {
  const w = useWords(SOCIAL_WORDS);
  const [name, setName] = useState("");
  const [members, setMembers] = useState<ReadonlySet<number>>(new Set());
  const [listed, setListed] = useState(false);
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const connection = mimi.connection;
      if (!connection) return;
      const room = await connection.createRoom(name.trim(), { memberIds: [...members], public: listed });
      setName("");
      setMembers(new Set());
      setListed(false);
      onOpen(room.conversationId);
    });
  };
  return (
    <form class="stack" onSubmit={submit} aria-labelledby="create-group-title">
      <h3 id="create-group-title">{w.createGroup}</h3>
      <Field id="group-name" label={w.groupName} value={name} onInput={setName} autocomplete="off" />
      <FriendPicker
        legend={w.membersFromFriends}
        friends={mimi.state.contacts}
        chosen={members}
        onChange={setMembers}
        idPrefix="new-group"
      />
      <Check id="group-public" checked={listed} onChange={setListed}>{w.publicGroup}</Check>
      <FormError>{action.error}</FormError>
      <div class="actions">
        <button type="submit" disabled={action.busy || name.trim() === ""}>{w.create}</button>
      </div>
    </form>
  );
}

/** Checkboxes of friends, for a new group or an invitation. */
function FriendPicker({ legend, friends, chosen, onChange, idPrefix }: {
  legend: string;
  friends: readonly { id: number; nickname: string; username: string }[];
  chosen: ReadonlySet<number>;
  onChange(chosen: ReadonlySet<number>): void;
  idPrefix: string;
}) {
  if (friends.length === 0) return null;
  return (
    <fieldset class="picker">
      <legend>{legend}</legend>
      {friends.map((friend) => (
        <Check
          key={friend.id}
          id={`${idPrefix}-${friend.id}`}
          checked={chosen.has(friend.id)}
          onChange={(checked) => {
            const next = new Set(chosen);
            if (checked) next.add(friend.id);
            else next.delete(friend.id);
            onChange(next);
          }}
        >
          {friend.nickname} <span class="muted">@{friend.username}</span>
        </Check>
      ))}
    </fieldset>
  );
}

function PublicGroups({ mimi, onOpen }: RoomsProps) {
  const w = useWords(SOCIAL_WORDS);
  const [list, setList] = useState<readonly PublicRoom[] | undefined>(undefined);
  const action = useAction();
  const load = () => action.run(async () => setList(await mimi.connection?.listPublicRooms() ?? []));
  const join = (room: PublicRoom) =>
    action.run(async () => {
      const connection = mimi.connection;
      if (!connection) return;
      const joined = room.member
        ? mimi.state.rooms.find((r) => r.id === room.id) ?? await connection.joinRoom(room.id)
        : await connection.joinRoom(room.id);
      onOpen(joined.conversationId);
      await load();
    });
  return (
    <div aria-labelledby="public-groups-title">
      <h3 id="public-groups-title">{w.publicGroups}</h3>
      <button type="button" disabled={action.busy} onClick={load}>{w.showPublic}</button>
      {list &&
        (list.length === 0 ? <p class="muted">{w.noPublic}</p> : (
          <ul class="contacts" data-testid="public-groups">
            {list.map((room) => (
              <li key={room.id} data-testid={`public-${room.name}`}>
                <span class="who">
                  <span class="name">{room.name}</span> <span class="muted">{w.members(room.memberCount)}</span>
                </span>
                <button type="button" disabled={action.busy} onClick={() => join(room)}>
                  {room.member ? w.open : w.join}
                  <span class="visually-hidden">{` ${room.name}`}</span>
                </button>
              </li>
            ))}
          </ul>
        ))}
      <FormError>{action.error}</FormError>
    </div>
  );
}

function JoinByCode({ mimi, onOpen }: RoomsProps) {
  const w = useWords(SOCIAL_WORDS);
  const [code, setCode] = useState("");
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const room = await mimi.connection?.joinRoomByCode(code.trim());
      if (!room) return;
      setCode("");
      onOpen(room.conversationId);
    });
  };
  return (
    <form class="stack" onSubmit={submit} aria-labelledby="join-code-title">
      <h3 id="join-code-title">{w.joinByCode}</h3>
      <Field id="join-code" label={w.code} value={code} onInput={setCode} autocomplete="off" />
      <FormError>{action.error}</FormError>
      <div class="actions">
        <button type="submit" disabled={action.busy || code.trim() === ""}>{w.joinWithCode}</button>
      </div>
    </form>
  );
}

/**
 * The open group: its members online first, live (the SDK watches their presence while the panel is shown and
 * re-sorts the list; joins, leaves and a new owner fetch it again), inviting friends, leaving, and for its owner the
 * owner's tools.
 */
export function RoomPanel({ mimi, room, onOpen }: RoomsProps & { room: Room }) {
  const w = useWords(SOCIAL_WORDS);
  const { state, connection } = mimi;
  const me = state.session.state === "signedIn" ? state.session.user.id : undefined;
  const owner = room.ownerId !== null && room.ownerId === me;
  const held = state.roomMembers[room.id];
  const leave = useAction();

  // Watched while shown: the state's list follows presence and membership by itself until unwatched.
  useEffect(() => {
    if (!connection) return;
    connection.roomMembers(room.id).catch((error) => {
      // Not fatal: the list keeps its last answer, and the SDK asks again after a reconnect. Logged for whoever looks.
      console.warn("Could not fetch the group's members", error);
    });
    return () => {
      connection.unwatchRoomMembers(room.id).catch((error) => {
        // Not fatal: a watch left on costs presence pushes until the session ends. Logged for whoever looks.
        console.warn("Could not stop watching the group's members", error);
      });
    };
  }, [connection, room.id]);

  const members = held?.members ?? [];
  const onlineCount = members.filter((member) => member.online).length;

  return (
    <section class="card room-panel" aria-labelledby="room-title" data-testid="room-panel">
      <h2 id="room-title">{w.roomPanel(room.name)}</h2>
      <h3>{w.membersTitle(onlineCount, members.length)}</h3>
      <p class="muted">{w.memberHint}</p>
      <ul class="contacts" data-testid="members">
        {members.map((member) => (
          <MemberRow
            key={member.user.id}
            mimi={mimi}
            member={member}
            me={member.user.id === me}
            owner={owner}
            roomId={room.id}
            onOpen={onOpen}
          />
        ))}
      </ul>
      <InviteFriends mimi={mimi} room={room} memberIds={new Set(members.map((m) => m.user.id))} />
      {owner ? <OwnerTools mimi={mimi} room={room} /> : (
        <div class="actions">
          <button
            type="button"
            class="danger"
            disabled={leave.busy}
            onClick={() => leave.run(() => connection!.leaveRoom(room.id))}
          >
            {w.leave}
          </button>
        </div>
      )}
      <FormError>{leave.error}</FormError>
    </section>
  );
}

function MemberRow({ mimi, member, me, owner, roomId, onOpen }: {
  mimi: Mimi;
  member: RoomMember;
  me: boolean;
  owner: boolean;
  roomId: number;
  onOpen(conversationId: number): void;
}) {
  const w = useWords(SOCIAL_WORDS);
  const [asking, setAsking] = useState(false);
  const [sent, setSent] = useState(false);
  const action = useAction();
  const { user } = member;
  const friendConversation = directConversation(mimi.state.conversations, user.id);
  const activate = () => {
    if (me) return;
    if (friendConversation !== undefined) onOpen(friendConversation);
    else setAsking(true);
  };
  return (
    <li data-testid={`member-${user.username}`} data-online={member.online ? "true" : "false"}>
      <span class={member.online ? "dot online" : "dot"} aria-hidden="true" />
      <span class="who">
        <button
          type="button"
          class="member"
          onDblClick={activate}
          onKeyDown={(event) => event.key === "Enter" && activate()}
        >
          <span class="name">{user.nickname}</span> <span class="muted">@{user.username}</span>
          {member.role === "owner" && <span class="badge">{w.owner}</span>}
          {me && <span class="badge">{w.you}</span>}
        </button>
      </span>
      <span class="presence">{member.online ? w.online : w.offline}</span>
      {owner && !me && (
        <span class="actions">
          <button
            type="button"
            disabled={action.busy}
            onClick={() => action.run(() => mimi.connection!.removeMember(roomId, user.id))}
          >
            {w.remove(user.nickname)}
          </button>
          <button
            type="button"
            disabled={action.busy}
            onClick={() => action.run(async () => void await mimi.connection!.transferRoom(roomId, user.id))}
          >
            {w.makeOwner(user.nickname)}
          </button>
        </span>
      )}
      {asking && !sent && (
        <div class="confirm" role="group" aria-labelledby={`befriend-${user.id}`}>
          <p id={`befriend-${user.id}`}>{w.befriendAsk(user.nickname)}</p>
          <div class="actions">
            <button
              type="button"
              class="primary"
              disabled={action.busy}
              onClick={() =>
                action.run(async () => {
                  await mimi.connection!.sendFriendRequest(user.id);
                  setSent(true);
                })}
            >
              {w.sendRequest}
            </button>
            <button type="button" onClick={() => setAsking(false)}>{w.cancel}</button>
          </div>
        </div>
      )}
      {sent && <span class="saved" role="status">{w.requestSent(user.nickname)}</span>}
      <FormError>{action.error}</FormError>
    </li>
  );
}

function InviteFriends({ mimi, room, memberIds }: { mimi: Mimi; room: Room; memberIds: ReadonlySet<number> }) {
  const w = useWords(SOCIAL_WORDS);
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [news, setNews] = useState("");
  const action = useAction();
  const outside = mimi.state.contacts.filter((contact) => !memberIds.has(contact.id));
  const submit = (event: Event) => {
    event.preventDefault();
    setNews("");
    void action.run(async () => {
      const joined = await mimi.connection!.inviteToRoom(room.id, [...chosen]);
      setChosen(new Set());
      setNews(w.invited(joined.length));
    });
  };
  return (
    <form class="stack" onSubmit={submit} aria-labelledby="invite-title">
      <h3 id="invite-title">{w.inviteTitle}</h3>
      {outside.length === 0 ? <p class="muted">{w.noOneToInvite}</p> : (
        <FriendPicker
          legend={w.inviteTitle}
          friends={outside}
          chosen={chosen}
          onChange={setChosen}
          idPrefix="invite"
        />
      )}
      <FormError>{action.error}</FormError>
      <div class="actions">
        {outside.length > 0 && <button type="submit" disabled={action.busy || chosen.size === 0}>{w.invite}</button>}
        <span class="saved" role="status">{news}</span>
      </div>
    </form>
  );
}

function OwnerTools({ mimi, room }: { mimi: Mimi; room: Room }) {
  const w = useWords(SOCIAL_WORDS);
  const [name, setName] = useState(room.name);
  const [code, setCode] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const connection = mimi.connection!;
  useEffect(() => setName(room.name), [room.name]);
  return (
    <div class="owner-tools" aria-labelledby="owner-title" data-testid="owner-tools">
      <h3 id="owner-title">{w.ownerTools}</h3>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(async () => void await connection.renameRoom(room.id, name.trim()));
        }}
      >
        <Field id="room-rename" label={w.newName} value={name} onInput={setName} autocomplete="off" />
        <div class="actions">
          <button type="submit" disabled={action.busy || name.trim() === "" || name.trim() === room.name}>
            {w.rename}
          </button>
        </div>
      </form>
      <p class="actions">
        <button
          type="button"
          disabled={action.busy}
          onClick={() => action.run(async () => setCode(await connection.roomInviteCode(room.id)))}
        >
          {code === undefined ? w.showCode : w.newCode}
        </button>
        {code !== undefined && (
          <span>
            {w.inviteCode}: <code data-testid="room-code">{code}</code>
          </span>
        )}
      </p>
      <p class="muted">{w.ownerLeaves}</p>
      {confirming
        ? (
          <div class="confirm" role="group" aria-labelledby="delete-question">
            <p id="delete-question">{w.confirmDelete}</p>
            <div class="actions">
              <button
                type="button"
                class="danger"
                disabled={action.busy}
                onClick={() => action.run(() => connection.deleteRoom(room.id))}
              >
                {w.yesDelete}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>{w.cancel}</button>
            </div>
          </div>
        )
        : <button type="button" class="danger" onClick={() => setConfirming(true)}>{w.deleteGroup}</button>}
      <FormError>{action.error}</FormError>
    </div>
  );
}
