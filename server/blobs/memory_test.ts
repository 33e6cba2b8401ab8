// The blob store suite against the memory store, which tests of the code above it use.

import { runBlobStoreSuite } from "./blob_store_suite.ts";
import { MemoryBlobStore } from "./memory.ts";

runBlobStoreSuite({
  name: "memory",
  open: () =>
    Promise.resolve({
      store: new MemoryBlobStore(),
      reopen: () => Promise.reject(new Error("A memory store keeps nothing to reopen")),
      close: () => Promise.resolve(),
    }),
  skip: [{
    reason: "memory keeps nothing once the store is gone",
    tests: ["uploads and blobs outlive the store: a reopened one resumes an upload with its hash intact"],
  }],
});
