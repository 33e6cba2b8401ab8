import assert from "node:assert/strict";
import { FakeClock } from "../../core/time/clock.ts";
import { createLogger } from "../log.ts";
import { runHubSuite } from "./hub_suite.ts";
import { LocalHub } from "./local.ts";

runHubSuite({ name: "local hub", make: (options) => Promise.resolve(new LocalHub(options)) });

Deno.test("LocalHub refuses a negative grace period with a RangeError", () => {
  assert.throws(
    () =>
      new LocalHub({
        clock: new FakeClock(),
        graceMs: -1,
        lastSeen: { setLastSeen: () => Promise.resolve() },
        logger: createLogger("silent"),
      }),
    RangeError,
  );
});
