// One test suite for every OutboxStore, free of any test runner so it runs under Deno.test and in a browser page.

import type { OutboxScope, OutboxStore, StoredSend } from "./outbox_store.ts";
import { check, type OpenStore, rejects, type StoreCase } from "./_store_suite.ts";

/** Opens a store over the storage called `name` (see {@link OpenStore}). */
export type OpenOutboxStore = OpenStore<OutboxStore>;

/** One behaviour every store must have. */
export type OutboxStoreCase = StoreCase<OutboxStore>;

const ALICE: OutboxScope = { server: "mimi.example:7700", userId: 3 };
const BOB: OutboxScope = { server: "mimi.example:7700", userId: 4 };
const ELSEWHERE: OutboxScope = { server: "chat.example:7700", userId: 3 };

function text(n: number, createdAt = n): StoredSend {
  return {
    clientId: n.toString(16).padStart(32, "0"),
    conversationId: 9,
    body: { type: "text", text: `line ${n}\nsecond` },
    createdAt,
    state: "pending",
  };
}

function image(n: number): StoredSend {
  return {
    clientId: n.toString(16).padStart(32, "a"),
    conversationId: 9,
    body: {
      type: "image",
      blob: new Uint8Array(32).fill(7),
      mime: "image/png",
      width: 2,
      height: 3,
      size: 5,
      thumbnail: new Uint8Array([1, 2]),
    },
    image: new Uint8Array([137, 80, 78, 71, 0]),
    createdAt: n,
    state: "pending",
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, (_key, value) => value instanceof Uint8Array ? [...value] : value) ===
    JSON.stringify(b, (_key, value) => value instanceof Uint8Array ? [...value] : value);
}

/** The cases; run each with a store factory. */
export const outboxStoreCases: OutboxStoreCase[] = [
  {
    name: "load() finds nothing for a user who never saved",
    async run(open) {
      const store = await open("empty");
      const sends = await store.load(ALICE);
      check(Array.isArray(sends) && sends.length === 0, "no sends");
    },
  },
  {
    name: "save() keeps text and image sends, bytes and all, for the next opening, oldest first",
    async run(open) {
      const store = await open("keep");
      await store.save(ALICE, text(2));
      await store.save(ALICE, image(1));
      await store.save(ALICE, text(3, 2));
      const again = await open("keep");
      const sends = await again.load(ALICE);
      check(sends.length === 3, `three sends, got ${sends.length}`);
      check(same(sends[0], image(1)), "the image first, with its bytes");
      check(sends[0].image instanceof Uint8Array, "image bytes come back as bytes");
      check(same(sends[1], text(2)) && same(sends[2], text(3, 2)), "then the texts, in the order saved");
    },
  },
  {
    name: "save() replaces the send of its client id in place",
    async run(open) {
      const store = await open("replace");
      await store.save(ALICE, text(1));
      await store.save(ALICE, text(2, 1));
      await store.save(ALICE, { ...text(1), state: "failed" });
      const sends = await (await open("replace")).load(ALICE);
      check(sends.length === 2, "still two");
      check(sends[0].clientId === text(1).clientId && sends[0].state === "failed", "the first, now failed");
    },
  },
  {
    name: "delete() forgets one send, and a send not stored is no error",
    async run(open) {
      const store = await open("delete");
      await store.save(ALICE, text(1));
      await store.save(ALICE, text(2));
      await store.delete(ALICE, text(1).clientId);
      await store.delete(ALICE, text(9).clientId);
      const sends = await (await open("delete")).load(ALICE);
      check(sends.length === 1 && sends[0].clientId === text(2).clientId, "only the second is left");
    },
  },
  {
    name: "sends are kept per user and per server: another account never loads them",
    async run(open) {
      const store = await open("scopes");
      await store.save(ALICE, text(1));
      await store.save(BOB, text(2));
      check((await store.load(BOB)).map((s) => s.clientId).join() === text(2).clientId, "bob's own only");
      check((await store.load(ELSEWHERE)).length === 0, "the same user id on another server has none");
      await store.delete(BOB, text(1).clientId);
      check((await store.load(ALICE)).length === 1, "bob cannot delete alice's");
    },
  },
  {
    name: "a loaded send is a copy: changing it changes nothing stored",
    async run(open) {
      const store = await open("copy");
      const send = image(1);
      await store.save(ALICE, send);
      send.image![0] = 0;
      const [loaded] = await store.load(ALICE);
      check(loaded.image![0] === 137, "the saved bytes are the store's own");
      loaded.image![1] = 0;
      check((await store.load(ALICE))[0].image![1] === 80, "and so are the loaded ones");
    },
  },
  {
    name: "save() refuses a malformed send or scope with a TypeError",
    async run(open) {
      const store = await open("refuse");
      await rejects((async () => await store.save(ALICE, { ...text(1), clientId: "x" }))(), "TypeError", "a bad id");
      await rejects(
        (async () => await store.save(ALICE, { ...text(1), state: "sent" as "pending" }))(),
        "TypeError",
        "a bad state",
      );
      await rejects((async () => await store.save({ server: "", userId: 3 }, text(1)))(), "TypeError", "no server");
      await rejects((async () => await store.load({ server: "x", userId: 0 }))(), "TypeError", "no user");
      check((await store.load(ALICE)).length === 0, "nothing was stored");
    },
  },
];
