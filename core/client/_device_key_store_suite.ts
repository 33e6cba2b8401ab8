// One test suite for every DeviceKeyStore, free of any test runner so it runs under Deno.test and in a browser page.

import { hex } from "../bytes/mod.ts";
import { nobleProvider } from "../crypto/primitives/noble.ts";
import type { DeviceKey, DeviceKeyStore } from "./device_key.ts";
import { check, type OpenStore, rejects, type StoreCase } from "./_store_suite.ts";

/** Opens a store over the storage called `name` (see {@link OpenStore}). */
export type OpenDeviceKeyStore = OpenStore<DeviceKeyStore>;

/** One behaviour every store must have. */
export type DeviceKeyStoreCase = StoreCase<DeviceKeyStore>;

async function signsVerifiably(key: DeviceKey, what: string): Promise<void> {
  const message = new TextEncoder().encode(`mimi/1 resume ${what}`);
  const signature = await key.sign(message);
  check(signature instanceof Uint8Array && signature.length === 64, `${what}: a signature is 64 bytes (r ‖ s)`);
  // The server verifies this way (design: the provider's ecdsa-p256 scheme).
  const scheme = nobleProvider.signature("ecdsa-p256");
  check(await scheme.verify(key.publicKey, message, signature), `${what}: the signature verifies with noble`);
  check(!await scheme.verify(key.publicKey, new Uint8Array([1, ...message]), signature), `${what}: only its message`);
}

const SERVER = "mimi.example:7700";
const OTHER = "chat.example:7700";

/** The cases; run each with a store factory. */
export const deviceKeyStoreCases: DeviceKeyStoreCase[] = [
  {
    name: "load() finds nothing for a server never saved",
    async run(open) {
      const store = await open("empty");
      check(await store.load(SERVER) === undefined, "no credential yet");
    },
  },
  {
    name: "create() makes a fresh P-256 key whose signatures verify with noble",
    async run(open) {
      const store = await open("create");
      const key = await store.create();
      check(key.publicKey.length === 65 && key.publicKey[0] === 0x04, "the public key is SEC1 uncompressed");
      await signsVerifiably(key, "a created key");
      const other = await store.create();
      check(hex(other.publicKey) !== hex(key.publicKey), "each key is new");
    },
  },
  {
    name: "save() keeps the credential for later, across a reopen, still able to sign",
    async run(open) {
      const store = await open("persist");
      const key = await store.create();
      await store.save(SERVER, { ...key, deviceId: 7 });
      const reopened = await open("persist");
      const loaded = await reopened.load(SERVER);
      check(loaded !== undefined, "the credential is there after a reopen");
      check(loaded.deviceId === 7, "with its device id");
      check(hex(loaded.publicKey) === hex(key.publicKey), "and its public key");
      await signsVerifiably(loaded, "a loaded key");
    },
  },
  {
    name: "save() replaces the earlier credential of the same server",
    async run(open) {
      const store = await open("replace");
      await store.save(SERVER, { ...await store.create(), deviceId: 1 });
      const second = await store.create();
      await store.save(SERVER, { ...second, deviceId: 2 });
      const loaded = await store.load(SERVER);
      check(loaded?.deviceId === 2 && hex(loaded.publicKey) === hex(second.publicKey), "the newer credential wins");
    },
  },
  {
    name: "credentials of different servers are kept apart and delete() forgets one",
    async run(open) {
      const store = await open("servers");
      await store.save(SERVER, { ...await store.create(), deviceId: 1 });
      await store.save(OTHER, { ...await store.create(), deviceId: 2 });
      await store.delete(SERVER);
      check(await store.load(SERVER) === undefined, "the deleted one is gone");
      check((await store.load(OTHER))?.deviceId === 2, "the other stays");
      const reopened = await open("servers");
      check(await reopened.load(SERVER) === undefined, "and stays gone after a reopen");
      await store.delete("never.example:1");
    },
  },
  {
    name: "save() refuses a credential that could not resume",
    async run(open) {
      const store = await open("refuse");
      const key = await store.create();
      await rejects(store.save(SERVER, { ...key, deviceId: 0 }), "RangeError", "device id 0");
      await rejects(store.save(SERVER, { ...key, deviceId: 1.5 }), "RangeError", "a fractional device id");
      await rejects(store.save("", { ...key, deviceId: 1 }), "TypeError", "an empty server");
      const short = { ...key, deviceId: 1, publicKey: key.publicKey.subarray(1) };
      await rejects(store.save(SERVER, short), "TypeError", "a 64-byte public key");
      check(await store.load(SERVER) === undefined, "nothing was saved");
    },
  },
  {
    name: "save() refuses a key the store did not create",
    async run(open) {
      const store = await open("foreign");
      const key = await store.create();
      const foreign = { deviceId: 1, publicKey: key.publicKey, sign: (m: Uint8Array) => key.sign(m) };
      await rejects(store.save(SERVER, foreign as typeof key & { deviceId: number }), "TypeError", "a foreign key");
    },
  },
];
