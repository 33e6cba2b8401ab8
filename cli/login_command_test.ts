// The login hint after `register`: it names only the connection settings that differ from the defaults.

import assert from "node:assert/strict";
import { DEFAULT_CONFIG } from "../core/config/schema.ts";
import { loginCommand } from "./main.ts";

Deno.test("loginCommand() adds nothing for the defaults, and every connection setting that differs", () => {
  assert.equal(loginCommand(DEFAULT_CONFIG, "alice"), "deno task client -- login alice");
  const elsewhere = { ...DEFAULT_CONFIG, client: { ...DEFAULT_CONFIG.client, host: "chat.example", tls: true } };
  assert.equal(
    loginCommand(elsewhere, "alice"),
    "deno task client -- login alice --client.host=chat.example --client.tls=true",
  );
});
