// `fingerprint`: the server's key fingerprint, to compare with the one its operator reads out.

import { withConnection } from "../connection.ts";
import { type Command, expectArguments, printJson } from "./command.ts";

/**
 * Connects (no login) and prints the fingerprint of the key the server proved it holds, which is the pinned one (a
 * changed key fails the connection, exit 3): `--json` prints `{ server, fingerprint, pinnedIn, pinnedNow }`.
 */
export const fingerprint: Command = (context, args) => {
  expectArguments("fingerprint", "[--json]", args, 0);
  return withConnection(context.config, context.io, {}, (_connection, server) => {
    if (context.json) {
      const { address, fingerprint, knownServersFile, pinnedNow } = server;
      printJson(context.io, { server: address, fingerprint, pinnedIn: knownServersFile, pinnedNow });
    } else {
      context.io.out(`${server.address} ${server.fingerprint}`);
    }
    return Promise.resolve();
  });
};
