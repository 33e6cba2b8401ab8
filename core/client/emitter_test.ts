import assert from "node:assert/strict";
import { Emitter } from "./emitter.ts";

type Events = { presence: number; status: string };

Deno.test("Emitter delivers a payload to every subscriber in the order they subscribed", () => {
  const events = new Emitter<Events>();
  const seen: string[] = [];
  events.on("presence", (n) => seen.push(`a${n}`));
  events.on("presence", (n) => seen.push(`b${n}`));
  events.on("status", (s) => seen.push(`status ${s}`));
  events.emit("presence", 1);
  assert.deepEqual(seen, ["a1", "b1"]);
});

Deno.test("Emitter.on() returns a function that ends only its own subscription", () => {
  const events = new Emitter<Events>();
  const seen: number[] = [];
  const fn = (n: number) => seen.push(n);
  const offFirst = events.on("presence", fn);
  events.on("presence", fn);
  assert.equal(events.listenerCount("presence"), 2, "the same function subscribed twice counts twice");
  offFirst();
  offFirst();
  events.emit("presence", 5);
  assert.deepEqual(seen, [5]);
  assert.equal(events.listenerCount("presence"), 1);
});

Deno.test("Emitter keeps delivering when a subscriber throws and reports the error to onError", () => {
  const errors: [unknown, string][] = [];
  const events = new Emitter<Events>({ onError: (error, event) => errors.push([error, event]) });
  const seen: number[] = [];
  const boom = new Error("screen bug");
  events.on("presence", () => {
    throw boom;
  });
  events.on("presence", (n) => seen.push(n));
  events.emit("presence", 3);
  assert.deepEqual(seen, [3]);
  assert.deepEqual(errors, [[boom, "presence"]]);
});

Deno.test("Emitter reports a subscriber's error with reportError by default", () => {
  const events = new Emitter<Events>();
  const reported: unknown[] = [];
  const original = globalThis.reportError;
  globalThis.reportError = (error: unknown) => reported.push(error);
  try {
    const boom = new Error("screen bug");
    events.on("status", () => {
      throw boom;
    });
    events.emit("status", "open");
    assert.deepEqual(reported, [boom]);
  } finally {
    globalThis.reportError = original;
  }
});

Deno.test("Emitter does not deliver the current event to a subscriber added during delivery", () => {
  const events = new Emitter<Events>();
  const seen: string[] = [];
  events.on("presence", (n) => {
    seen.push(`first ${n}`);
    events.on("presence", (m) => seen.push(`late ${m}`));
  });
  events.emit("presence", 1);
  assert.deepEqual(seen, ["first 1"]);
});

Deno.test("Emitter does not deliver to a subscriber removed during delivery before its turn", () => {
  const events = new Emitter<Events>();
  const seen: string[] = [];
  let offSecond = () => {};
  events.on("presence", () => offSecond());
  offSecond = events.on("presence", (n) => seen.push(`second ${n}`));
  events.emit("presence", 1);
  assert.deepEqual(seen, []);
  assert.equal(events.listenerCount("presence"), 1);
});

Deno.test("Emitter.on() throws a TypeError for a subscriber that is not a function", () => {
  const events = new Emitter<Events>();
  assert.throws(() => events.on("presence", 5 as unknown as () => void), TypeError);
});
