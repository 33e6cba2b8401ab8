import assert from "node:assert/strict";
import { outboxStoreCases } from "./_outbox_store_suite.ts";
import { isStoredSend, MemoryOutboxStore } from "./outbox_store.ts";

// The memory store keeps its data in the object: "opening the same name again" is the same object.
const stores = new Map<string, MemoryOutboxStore>();
for (const { name, run } of outboxStoreCases) {
  Deno.test(`MemoryOutboxStore: ${name}`, async () => {
    await run((db) => {
      let store = stores.get(db);
      if (!store) stores.set(db, store = new MemoryOutboxStore());
      return Promise.resolve(store);
    });
  });
}

Deno.test("isStoredSend() refuses records of another shape", () => {
  const good = {
    clientId: "ab".repeat(16),
    conversationId: 4,
    body: { type: "text", text: "hi" },
    createdAt: 1,
    state: "pending",
  };
  assert.ok(isStoredSend(good));
  assert.ok(!isStoredSend(null));
  assert.ok(!isStoredSend({ ...good, conversationId: 0 }));
  assert.ok(!isStoredSend({ ...good, body: { type: "recalled" } }));
  assert.ok(!isStoredSend({ ...good, image: [1, 2] }));
  assert.ok(!isStoredSend({ ...good, createdAt: "1" }));
});
