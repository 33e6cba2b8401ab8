import assert from "node:assert/strict";
import type { Message, OutgoingMessage } from "../../core/client/mod.ts";
import { buildTimeline, RUN_GAP_MS } from "./_timeline.ts";

const DAY = 86_400_000;
const dayOf = (at: number) => String(Math.floor(at / DAY));

function message(seq: number, at: number, senderId: number | null, clientId: string | null = null): Message {
  const body = senderId === null
    ? { type: "system" as const, event: "joined" as const, userId: 3 }
    : { type: "text" as const, text: `m${seq}` };
  return { conversationId: 1, seq, senderId, clientId, at, recalledAt: null, body };
}

Deno.test("buildTimeline() puts a day separator before the first message of each day", () => {
  const items = buildTimeline([message(1, 10, 2), message(2, 20, 2), message(3, DAY + 5, 2)], [], { me: 1, dayOf });
  assert.deepEqual(items.map((item) => item.kind), ["day", "message", "message", "day", "message"]);
  assert.equal(items[0].kind === "day" && items[0].at, 10);
});

Deno.test("buildTimeline() starts a new run at another sender, a system line, or a long pause", () => {
  const items = buildTimeline(
    [
      message(1, 0, 2),
      message(2, 1000, 2),
      message(3, 2000, 3),
      message(4, 3000, null),
      message(5, 4000, 3),
      message(6, 4000 + RUN_GAP_MS + 1, 3),
    ],
    [],
    { me: 1, dayOf },
  );
  const firsts = items.flatMap((item) => item.kind === "message" ? [[item.message.seq, item.first]] : []);
  assert.deepEqual(firsts, [[1, true], [2, false], [3, true], [5, true], [6, true]]);
  assert.equal(items.find((item) => item.kind === "system")?.key, "seq:4");
});

Deno.test("buildTimeline() keys the user's message by its client id, as its pending send was, and sends go last", () => {
  const pending: OutgoingMessage = {
    clientId: "b",
    conversationId: 1,
    body: { type: "text", text: "x" },
    state: "pending",
  };
  const items = buildTimeline([message(1, 0, 1, "a"), message(2, 5, 2, "z")], [pending], { me: 1, dayOf });
  assert.deepEqual(items.map((item) => item.key), ["day:0", "send:a", "seq:2", "send:b"]);
  assert.ok(items[1].kind === "message" && items[1].mine);
  assert.ok(items[2].kind === "message" && !items[2].mine);
});

Deno.test("buildTimeline() of nothing is empty", () => {
  assert.deepEqual(buildTimeline([], [], { me: 1, dayOf }), []);
});
