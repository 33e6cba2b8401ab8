import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import type { Connection } from "../transport/connection.ts";
import { connectionContext, requestContext, type SessionEvents, stateSlot } from "./context.ts";

const connection = { id: 1, remoteAddress: "192.0.2.1:4000" } as Connection;
const alice = { id: 3, username: "alice", nickname: "Alice", deviceId: 9 };
const quiet: SessionEvents = { loggedIn: () => Promise.resolve(), loggedOut: () => Promise.resolve() };

Deno.test("state() gives each connection its own value of a slot, made on first use", () => {
  let made = 0;
  const counter = stateSlot("test", () => ({ n: ++made }));
  const a = connectionContext(connection, createLogger("silent"), quiet);
  const b = connectionContext(connection, createLogger("silent"), quiet);
  assert.equal(made, 0);
  a.state(counter).n += 10;
  assert.deepEqual([a.state(counter), b.state(counter)], [{ n: 11 }, { n: 2 }]);
  assert.equal(made, 2);
});

Deno.test("logIn() sets the user before the events hear of it; logOut() clears it first; a request context sees both", async () => {
  const seen: unknown[] = [];
  const context = connectionContext(connection, createLogger("silent"), {
    loggedIn: (c, user) => Promise.resolve(void seen.push(["in", c.user, user])),
    loggedOut: (c, user) => Promise.resolve(void seen.push(["out", c.user, user])),
  });
  const { context: request } = requestContext(context);
  await request.logIn(alice);
  assert.deepEqual(request.user, alice);
  await assert.rejects(() => context.logIn({ ...alice, id: 4, deviceId: null }), TypeError);
  await request.logOut();
  await context.logOut(); // nobody logged in: nothing happens
  assert.equal(context.user, undefined);
  assert.deepEqual(seen, [
    ["in", alice, alice],
    ["out", undefined, alice],
  ]);
});

Deno.test("renamed() changes the logged-in user's nickname for later requests, and nothing while logged out", async () => {
  const context = connectionContext(connection, createLogger("silent"), quiet);
  context.renamed("nobody");
  assert.equal(context.user, undefined);
  await context.logIn(alice);
  requestContext(context).context.renamed("爱丽丝");
  assert.deepEqual(context.user, { ...alice, nickname: "爱丽丝" });
  assert.deepEqual(requestContext(context).context.user, { ...alice, nickname: "爱丽丝" });
});
