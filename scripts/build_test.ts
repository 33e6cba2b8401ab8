import assert from "node:assert/strict";
import * as opaque from "@serenity-kit/opaque";
import { importsOf, splitOpaque } from "./build.ts";

Deno.test("splitOpaque() gives OPAQUE's WebAssembly as bytes, and glue whose init() loads them and runs the steps", async () => {
  const { wasm, glue } = await splitOpaque();
  assert.ok(WebAssembly.validate(wasm));
  assert.doesNotMatch(glue, /AGFzbQ/, "the glue holds no inlined module");
  const dir = await Deno.makeTempDir({ prefix: "mimi_glue_" });
  try {
    await Deno.writeTextFile(`${dir}/glue.js`, glue);
    const split = await import(`file://${dir}/glue.js`);
    await split.init(wasm);
    // The split package and the original agree: a registration started by one finishes against the other's server.
    const start = split.client.startRegistration({ password: "pw" });
    await opaque.ready;
    const serverSetup = opaque.server.createSetup();
    const { registrationResponse } = opaque.server.createRegistrationResponse({
      serverSetup,
      userIdentifier: "alice",
      registrationRequest: start.registrationRequest,
    });
    const { registrationRecord } = split.client.finishRegistration({
      password: "pw",
      clientRegistrationState: start.clientRegistrationState,
      registrationResponse,
      keyStretching: "memory-constrained",
    });
    assert.equal(typeof registrationRecord, "string");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("importsOf() tells a chunk's static imports from its import() ones", () => {
  const code = 'import{a as b}from"./chunk.x.js";import"./side.y.js";const m=()=>import("./home.z.js");' +
    'export{b};import { c } from "./chunk.x.js";';
  assert.deepEqual(importsOf(code), { imports: ["chunk.x.js", "side.y.js"], dynamicImports: ["home.z.js"] });
});
