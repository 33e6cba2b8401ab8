import assert from "node:assert/strict";
import { DEFAULT_CONFIG } from "../../core/config/schema.ts";
import { nobleProvider } from "../../core/crypto/primitives/noble.ts";
import { OPS } from "../../core/protocol/registry.ts";
import { FakeClock } from "../../core/time/clock.ts";
import { MemoryBlobStore } from "../blobs/memory.ts";
import { LocalHub } from "../hub/local.ts";
import { createLogger } from "../log.ts";
import { routeTable } from "../rpc/dispatch.ts";
import { openSqliteStore } from "../store/sqlite.ts";
import { createServices } from "./mod.ts";
import { opaqueInThread } from "./accounts/opaque_server.ts";

Deno.test("every operation of the registry has exactly one handler among the services", async () => {
  const store = openSqliteStore(":memory:");
  try {
    const clock = new FakeClock();
    const services = createServices({
      store,
      hub: new LocalHub({ clock, graceMs: 0, lastSeen: store.users, logger: createLogger("silent") }),
      clock,
      provider: nobleProvider,
      opaqueSetup: "unused here",
      opaque: opaqueInThread(),
      registration: "open",
      limits: DEFAULT_CONFIG.server.limits,
      blobStore: new MemoryBlobStore(),
      uploadTtlMs: DEFAULT_CONFIG.server.uploadTtlMs,
      recallWindowMs: DEFAULT_CONFIG.server.recallWindowMs,
      lobbyCountIntervalMs: DEFAULT_CONFIG.server.lobbyCountIntervalMs,
    });
    // routeTable throws on an operation with two handlers; what is left to check is that none has none.
    const table = routeTable(services);
    assert.deepEqual(Object.keys(OPS).filter((key) => !table.has(key as keyof typeof OPS)), []);
    assert.equal(table.size, Object.keys(OPS).length);
  } finally {
    await store.close();
  }
});
