// Tests for the per-leaf checks and the conversion of env/flag text to a leaf's type.

import assert from "node:assert/strict";
import { checkLeaf, expectation, fromText } from "./_leaf.ts";
import type { LeafSpec } from "./schema.ts";

const list: LeafSpec = { path: "crypto.aead", type: "list", values: ["a", "b", "c"], description: "" };
const flag: LeafSpec = { path: "client.tls", type: "boolean", description: "" };
const optional: LeafSpec = { path: "client.caFile", type: "string", allowEmpty: true, description: "" };
const required: LeafSpec = { path: "server.dataDir", type: "string", description: "" };

const LIST_EXPECTED = 'expected a non-empty list of distinct values from "a", "b", "c", got ';

Deno.test("fromText() splits list text at commas and trims each item", () => {
  assert.deepEqual(fromText(list, "b, a"), ["b", "a"]);
  assert.deepEqual(fromText(list, " c ,a,b "), ["c", "a", "b"]);
  assert.deepEqual(fromText(list, "a"), ["a"]);
  // Empty items are kept so that checkLeaf reports them rather than silently dropping them.
  assert.deepEqual(fromText(list, "a,,b"), ["a", "", "b"]);
  assert.deepEqual(fromText(list, ""), [""]);
});

Deno.test("fromText() reads only lowercase true and false as booleans", () => {
  assert.equal(fromText(flag, "true"), true);
  assert.equal(fromText(flag, "false"), false);
  for (const text of ["yes", "1", "0", "TRUE", "False", " true", ""]) {
    assert.equal(fromText(flag, text), text, text);
  }
});

Deno.test("fromText() keeps string text unchanged, including the empty string", () => {
  assert.equal(fromText(optional, ""), "");
  assert.equal(fromText(optional, " /etc/ca.pem "), " /etc/ca.pem ");
});

Deno.test("checkLeaf() accepts a non-empty list of distinct known values in any order", () => {
  for (const value of [["a"], ["c", "a"], ["b", "c", "a"]]) {
    assert.equal(checkLeaf(list, value), undefined, String(value));
  }
});

Deno.test("checkLeaf() names what is wrong with a list: empty, unknown item, duplicate, not a list", () => {
  assert.equal(checkLeaf(list, []), LIST_EXPECTED + "an empty list");
  assert.equal(checkLeaf(list, ["a", "rc4"]), LIST_EXPECTED + '"rc4" in the list');
  assert.equal(checkLeaf(list, ["a", ""]), LIST_EXPECTED + '"" in the list');
  assert.equal(checkLeaf(list, ["a", 5]), LIST_EXPECTED + "5 in the list");
  assert.equal(checkLeaf(list, ["a", ["b"]]), LIST_EXPECTED + "an array in the list");
  assert.equal(checkLeaf(list, ["b", "a", "b"]), LIST_EXPECTED + '"b" more than once');
  assert.equal(checkLeaf(list, "a,b"), LIST_EXPECTED + '"a,b"');
  assert.equal(checkLeaf(list, { 0: "a" }), LIST_EXPECTED + "an object");
  assert.equal(checkLeaf(list, null), LIST_EXPECTED + "null");
});

Deno.test("checkLeaf() accepts only real booleans for a boolean leaf", () => {
  assert.equal(checkLeaf(flag, true), undefined);
  assert.equal(checkLeaf(flag, false), undefined);
  assert.equal(checkLeaf(flag, "true"), 'expected true or false, got "true"');
  assert.equal(checkLeaf(flag, 1), "expected true or false, got 1");
  assert.equal(checkLeaf(flag, null), "expected true or false, got null");
});

Deno.test("checkLeaf() accepts an empty string only where allowEmpty is set", () => {
  assert.equal(checkLeaf(optional, ""), undefined);
  assert.equal(checkLeaf(optional, "/etc/ca.pem"), undefined);
  assert.equal(checkLeaf(optional, 5), "expected a string, got 5");
  assert.equal(checkLeaf(required, ""), 'expected a non-empty string, got ""');
  assert.equal(checkLeaf({ ...required, allowEmpty: false }, ""), 'expected a non-empty string, got ""');
});

Deno.test("expectation() describes boolean, list and optional string leaves", () => {
  assert.equal(expectation(flag), "true or false");
  assert.equal(expectation(list), 'a non-empty list of distinct values from "a", "b", "c"');
  assert.equal(expectation(optional), "a string");
  assert.equal(expectation(required), "a non-empty string");
});
