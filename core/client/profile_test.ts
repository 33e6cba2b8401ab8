import assert from "node:assert/strict";
import { decodeEnvelope, encodeEnvelope } from "../codec/envelope.ts";
import type { Value } from "../codec/value.ts";
import { errorBody, ProtocolError } from "../protocol/errors.ts";
import { Op } from "../protocol/opcodes.ts";
import { MimiClient } from "./client.ts";
import { logout, parseFont, setFont, setNickname } from "./profile.ts";
import { TransportError } from "../transport/duplex.ts";
import { duplexPair } from "../transport/pair.ts";

/** A client whose server is `answer`: it gets each request and returns `[opcode, body]` for the response. */
function fakeClient(answer: (opcode: number, body: Value) => [number, Value]) {
  const seen: { opcode: number; body: Value }[] = [];
  const [near, far] = duplexPair();
  void (async () => {
    for (let payload; (payload = await far.read()) !== null;) {
      const { opcode, id, body } = decodeEnvelope(payload);
      seen.push({ opcode, body });
      const [replyOp, replyBody] = answer(opcode, body);
      far.write(encodeEnvelope({ opcode: replyOp, id, body: replyBody }));
    }
  })();
  return { client: new MimiClient(near), seen };
}

const user = (nickname: string, family: string | null = null, size: number | null = null) => ({
  user: { id: 1, username: "alice", nickname, font: { family, size } },
});

Deno.test("parseFont() trims the family and reads the size", () => {
  assert.deepEqual(parseFont("  Noto Serif CJK SC ", " 18 "), { font: { family: "Noto Serif CJK SC", size: 18 } });
});

Deno.test("parseFont() turns blank fields into the default", () => {
  assert.deepEqual(parseFont(" ", ""), { font: { family: null, size: null } });
});

Deno.test("parseFont() rejects sizes outside 8 to 72 and fractions", () => {
  for (const size of ["7", "73", "12.5", "big"]) assert.ok("error" in parseFont("serif", size), size);
  assert.deepEqual(parseFont("serif", "8"), { font: { family: "serif", size: 8 } });
  assert.deepEqual(parseFont("serif", "72"), { font: { family: "serif", size: 72 } });
});

Deno.test("parseFont() counts the family in characters and rejects more than 64", () => {
  assert.ok("font" in parseFont("宋".repeat(64), ""));
  assert.ok("error" in parseFont("宋".repeat(65), ""));
});

Deno.test("setNickname() sends the nickname and returns the updated profile", async () => {
  const { client, seen } = fakeClient((_, body) => [Op.setNickname, user((body as { nickname: string }).nickname)]);
  assert.equal((await setNickname(client, "小明")).nickname, "小明");
  assert.deepEqual(seen, [{ opcode: Op.setNickname, body: { nickname: "小明" } }]);
});

Deno.test("setFont() sends family and size, nulls included", async () => {
  const { client, seen } = fakeClient(() => [Op.setFont, user("A", null, 20)]);
  assert.deepEqual((await setFont(client, { family: null, size: 20 })).font, { family: null, size: 20 });
  assert.deepEqual(seen, [{ opcode: Op.setFont, body: { family: null, size: 20 } }]);
});

Deno.test("setNickname() rejects with the server's error", async () => {
  const { client } = fakeClient(() => [Op.error, errorBody("nickname_invalid", "A nickname is 1 to 32 characters")]);
  await assert.rejects(
    setNickname(client, ""),
    (e) => e instanceof ProtocolError && e.code === "nickname_invalid",
  );
});

Deno.test("setFont() rejects a response without a profile", async () => {
  const { client } = fakeClient(() => [Op.setFont, {}]);
  await assert.rejects(setFont(client, { family: null, size: null }), TransportError);
});

Deno.test("logout() sends an empty map", async () => {
  const { client, seen } = fakeClient(() => [Op.logout, {}]);
  await logout(client);
  assert.deepEqual(seen, [{ opcode: Op.logout, body: {} }]);
});
