// Tests of message bodies on the server: limits, blobs referenced, and the bytes the store keeps.

import assert from "node:assert/strict";
import type { SendableBody } from "../../../core/protocol/ops/messages.ts";
import { RequestError } from "../../rpc/errors.ts";
import { blobsOf, checkSendable, decodeBody, encodeBody, sentMessage, toMessage } from "./body.ts";

const LIMITS = { messageTextChars: 4, imageBytes: 1000, imagePixels: 100, thumbnailBytes: 8 };
const IMAGE: SendableBody = {
  type: "image",
  blob: new Uint8Array(32).fill(1),
  mime: "image/png",
  width: 10,
  height: 10,
  size: 1000,
};

function code(body: SendableBody): string | undefined {
  try {
    checkSendable(body, LIMITS);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof RequestError);
    return error.code;
  }
}

Deno.test("checkSendable() counts a text's characters as code points", () => {
  assert.equal(code({ type: "text", text: "𠮷𠮷𠮷𠮷" }), undefined, "8 UTF-16 units, 4 characters");
  assert.equal(code({ type: "text", text: "a\nb\n" }), undefined, "line breaks are characters too");
  assert.equal(code({ type: "text", text: "𠮷𠮷𠮷𠮷𠮷" }), "too_large");
});

Deno.test("checkSendable() holds an image to its size, pixels and thumbnail limits", () => {
  assert.equal(code(IMAGE), undefined);
  assert.equal(code({ ...IMAGE, thumbnail: new Uint8Array(8) }), undefined);
  assert.equal(code({ ...IMAGE, size: 1001 }), "too_large");
  assert.equal(code({ ...IMAGE, width: 11 }), "too_large");
  assert.equal(code({ ...IMAGE, thumbnail: new Uint8Array(9) }), "too_large");
});

Deno.test("checkSendable() answers bad_image for a type that is not one of the four images", () => {
  for (const mime of ["image/png", "image/jpeg", "image/gif", "image/webp"]) {
    assert.equal(code({ ...IMAGE, mime }), undefined);
  }
  for (const mime of ["image/svg+xml", "text/html", "IMAGE/PNG", ""]) {
    assert.equal(code({ ...IMAGE, mime }), "bad_image");
  }
});

Deno.test("blobsOf() names an image's blob and nothing for text", () => {
  assert.deepEqual(blobsOf(IMAGE), [IMAGE.type === "image" ? IMAGE.blob : undefined]);
  assert.deepEqual(blobsOf({ type: "text", text: "hi" }), []);
});

Deno.test("a body round-trips through the store's bytes, and a recalled one has none", () => {
  assert.deepEqual(decodeBody(encodeBody(IMAGE)), IMAGE);
  assert.deepEqual(decodeBody(encodeBody({ type: "text", text: "多行\n文本" })), { type: "text", text: "多行\n文本" });
  assert.deepEqual(decodeBody(null), { type: "recalled" });
  assert.throws(() => decodeBody(new Uint8Array([0x00])), TypeError);
});

Deno.test("toMessage() shows a recalled record with its place, sender and time kept", () => {
  const record = { conversationId: 3, seq: 7, senderId: 2, clientId: "c", at: 10, body: null, recalledAt: 20 };
  assert.deepEqual(toMessage(record), { ...record, body: { type: "recalled" } });
});

Deno.test("sentMessage gives the message toMessage decodes from the body's stored bytes", () => {
  const body = { type: "text" as const, text: "hello" };
  const record = {
    conversationId: 3,
    seq: 7,
    senderId: 1,
    clientId: "c1",
    at: 1000,
    body: encodeBody(body),
    recalledAt: null,
  };
  assert.deepEqual(sentMessage(record, body), toMessage(record));
});
