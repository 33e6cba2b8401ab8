// Tests for the accept loop: a failed accept (out of descriptors) never ends it, and closing it twice is safe.

import assert from "node:assert/strict";
import { ACCEPT_BACKOFF_MIN_MS, type AcceptFailure, acceptLoop } from "./accept.ts";

/** A listener whose accept() fails `failures` times (as EMFILE does), then hands out `conns`, then waits. */
function flakyListener(failures: number, conns: Deno.Conn[]) {
  let closed = false;
  let wake: ((error: Error) => void) | undefined;
  const listener = {
    addr: { transport: "tcp", hostname: "127.0.0.1", port: 1 } as Deno.NetAddr,
    accept(): Promise<Deno.Conn> {
      if (closed) return Promise.reject(new Deno.errors.BadResource("closed"));
      if (failures > 0) {
        failures--;
        return Promise.reject(new Error("Too many open files (os error 24)"));
      }
      const conn = conns.shift();
      if (conn) return Promise.resolve(conn);
      return new Promise((_, reject) => wake = reject);
    },
    close() {
      if (closed) throw new Deno.errors.BadResource("Bad resource ID");
      closed = true;
      wake?.(new Deno.errors.BadResource("closed"));
    },
  };
  return listener as unknown as Deno.Listener;
}

Deno.test("acceptLoop keeps accepting after failed accepts, backing off and reporting the first of a run", async () => {
  const failures: AcceptFailure[] = [];
  const accepted: Deno.Conn[] = [];
  const conn = { remoteAddr: { hostname: "127.0.0.1", port: 2 } } as unknown as Deno.Conn;
  const loop = acceptLoop(flakyListener(3, [conn]), (c) => accepted.push(c), (f) => failures.push(f));
  while (accepted.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(accepted, [conn]);
  assert.equal(failures.length, 1, "one line for a short run of failures");
  assert.equal(failures[0].failures, 1);
  assert.equal(failures[0].backoffMs, ACCEPT_BACKOFF_MIN_MS);
  assert.match(String(failures[0].error), /Too many open files/);
  loop.close();
  loop.close(); // a second close (a second signal) must not throw
  await loop.done;
});

Deno.test("acceptLoop ends quietly when its listener is closed while it waits", async () => {
  const failures: AcceptFailure[] = [];
  const loop = acceptLoop(flakyListener(0, []), () => assert.fail("nothing to accept"), (f) => failures.push(f));
  loop.close();
  await loop.done;
  assert.deepEqual(failures, []);
});
