// `nickname <text…>`: changes the name others see.

import { parseNickname } from "../../core/client/mod.ts";
import { withSignedIn } from "../connection.ts";
import { UsageError } from "../exit_codes.ts";
import { type Command, expectArguments, printJson } from "./command.ts";

/** Changes the nickname to the rest of the line: `--json` prints `{ id, username, nickname }`. */
export const nickname: Command = (context, args) => {
  expectArguments("nickname", "<nickname…>", args, 1, Infinity);
  // Checked before connecting, so a bad nickname costs no password prompt.
  const checked = parseNickname(args.join(" "));
  if ("error" in checked) throw new UsageError(checked.error);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const { id, username, nickname } = await connection.setNickname(checked.nickname);
    if (context.json) {
      printJson(context.io, { id, username, nickname });
      return;
    }
    context.io.out(`Your nickname is ${nickname} now (${username}).`);
  });
};
