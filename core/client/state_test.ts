import assert from "node:assert/strict";
import { createStore } from "./state.ts";

type State = { count: number; label: string };
type Action = { type: "add"; by: number } | { type: "label"; label: string } | { type: "boom" };

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case "add":
      return action.by === 0 ? state : { ...state, count: state.count + action.by };
    case "label":
      return action.label === state.label ? state : { ...state, label: action.label };
    case "boom":
      throw new Error("bad action");
  }
}

const initial: State = { count: 0, label: "" };

Deno.test("createStore() keeps the same snapshot until an action changes it", () => {
  const store = createStore(initial, reducer);
  const first = store.getSnapshot();
  assert.equal(first, initial);
  store.dispatch({ type: "add", by: 0 });
  assert.equal(store.getSnapshot(), first);
  store.dispatch({ type: "add", by: 2 });
  assert.notEqual(store.getSnapshot(), first);
  assert.deepEqual(store.getSnapshot(), { count: 2, label: "" });
  assert.deepEqual(first, initial, "the old snapshot is not mutated");
});

Deno.test("createStore() tells subscribers about changes only", () => {
  const store = createStore(initial, reducer);
  let calls = 0;
  store.subscribe(() => calls++);
  store.dispatch({ type: "label", label: "" });
  assert.equal(calls, 0);
  store.dispatch({ type: "label", label: "x" });
  assert.equal(calls, 1);
});

Deno.test("createStore() subscribe returns an unsubscribe function", () => {
  const store = createStore(initial, reducer);
  let a = 0, b = 0;
  const offA = store.subscribe(() => a++);
  store.subscribe(() => b++);
  offA();
  store.dispatch({ type: "add", by: 1 });
  assert.deepEqual([a, b], [0, 1]);
});

Deno.test("createStore() leaves the state alone when the reducer throws", () => {
  const store = createStore(initial, reducer);
  let calls = 0;
  store.subscribe(() => calls++);
  assert.throws(() => store.dispatch({ type: "boom" }), /bad action/);
  assert.equal(store.getSnapshot(), initial);
  assert.equal(calls, 0);
  store.dispatch({ type: "add", by: 1 });
  assert.equal(store.getSnapshot().count, 1, "the store still works afterwards");
});

Deno.test("createStore() refuses a dispatch from inside the reducer", () => {
  const store = createStore(0, (n: number, _action: "go") => {
    store.dispatch("go");
    return n + 1;
  });
  assert.throws(() => store.dispatch("go"), /Cannot dispatch while the reducer runs/);
  assert.equal(store.getSnapshot(), 0);
});

Deno.test("createStore() lets a subscriber dispatch, and every subscriber reads the newest snapshot", () => {
  const store = createStore(initial, reducer);
  const seen: number[] = [];
  store.subscribe(() => {
    if (store.getSnapshot().count === 1) store.dispatch({ type: "add", by: 10 });
  });
  store.subscribe(() => seen.push(store.getSnapshot().count));
  store.dispatch({ type: "add", by: 1 });
  assert.equal(store.getSnapshot().count, 11);
  assert.deepEqual(seen, [11, 11]);
});

Deno.test("createStore() keeps notifying when a subscriber throws", () => {
  const errors: unknown[] = [];
  const store = createStore(initial, reducer, { onError: (error) => errors.push(error) });
  let calls = 0;
  store.subscribe(() => {
    throw new Error("screen bug");
  });
  store.subscribe(() => calls++);
  store.dispatch({ type: "add", by: 1 });
  assert.equal(calls, 1);
  assert.equal(errors.length, 1);
});
