import assert from "node:assert/strict";
import { deviceKeyStoreCases } from "./_device_key_store_suite.ts";
import { MemoryDeviceKeyStore, type StoredNobleCredential } from "./device_key_memory.ts";

const backings = new Map<string, Map<string, StoredNobleCredential>>();
const open = (name: string) => {
  if (!backings.has(name)) backings.set(name, new Map());
  return Promise.resolve(new MemoryDeviceKeyStore(backings.get(name)));
};

for (const { name, run } of deviceKeyStoreCases) {
  Deno.test(`MemoryDeviceKeyStore: ${name}`, () => run(open));
}

Deno.test("MemoryDeviceKeyStore refuses a credential whose public key is not its secret's", async () => {
  const store = new MemoryDeviceKeyStore();
  const [a, b] = [await store.create(), await store.create()];
  await assert.rejects(store.save("mimi.example:7700", { ...a, publicKey: b.publicKey, deviceId: 1 }), TypeError);
});
