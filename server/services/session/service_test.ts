// Tests of the session service's echo: shown in the log for a connection's first few, then sampled.

import assert from "node:assert/strict";
import { FakeClock } from "../../../core/time/clock.ts";
import { connectionContext, requestContext } from "../../rpc/context.ts";
import { createLogger, type LogRecord } from "../../log.ts";
import type { Connection } from "../../transport/connection.ts";
import type { Hub } from "../../hub/types.ts";
import { ECHO_LINES_SHOWN, ECHO_SAMPLE_EVERY, sessionService } from "./service.ts";

Deno.test("echo logs a connection's first echoes, then one in ECHO_SAMPLE_EVERY with the count", async () => {
  const lines: LogRecord[] = [];
  const logger = createLogger("info", (record) => lines.push(record));
  const service = sessionService({ hub: {} as Hub, clock: new FakeClock(0) });
  const connection = { id: 7 } as Connection;
  const events = { loggedIn: () => Promise.resolve(), loggedOut: () => Promise.resolve() };
  const base = connectionContext(connection, logger, events);
  const echo = service.ops.echo!;
  for (let i = 1; i <= ECHO_SAMPLE_EVERY * 2; i++) {
    assert.equal(await echo(`m${i}`, requestContext(base).context as never), `m${i}`);
  }
  const shown = lines.filter((r) => r.event === "echo");
  assert.deepEqual(
    shown.map((r) => r.body),
    [
      ...Array.from({ length: ECHO_LINES_SHOWN }, (_, i) => `m${i + 1}`),
      `m${ECHO_SAMPLE_EVERY}`,
      `m${2 * ECHO_SAMPLE_EVERY}`,
    ],
  );
  assert.equal(shown.at(-1)?.seen, 2 * ECHO_SAMPLE_EVERY);
});
