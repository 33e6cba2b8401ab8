// `devices` and `logout`: this machine's remembered device, and the account's others.

import type { Device } from "../../core/client/mod.ts";
import type { MimiConfig } from "../../core/config/schema.ts";
import { takeFlag, takeOption } from "../args.ts";
import { address, deviceKeys, withRememberedDevice } from "../connection.ts";
import type { ClientIo } from "../io.ts";

/**
 * Lists the account's remembered devices, or revokes one with `--revoke ID`.
 *
 * @returns The exit code.
 */
export async function devices(config: MimiConfig, args: string[], io: ClientIo): Promise<number> {
  const json = takeFlag(args, "--json");
  const { value: revoke, rest } = takeOption(json.rest, "--revoke");
  const id = revoke === undefined ? undefined : Number(revoke);
  if (rest.length > 0 || (id !== undefined && !(Number.isSafeInteger(id) && id > 0))) {
    io.err('mimi client: usage: devices [--revoke ID]; "devices --help" shows an example');
    return 2;
  }
  return await withRememberedDevice(config, io, async (connection) => {
    const list = await connection.listDevices();
    if (id === undefined && json.present) {
      const iso = (ms: number) => new Date(ms).toISOString();
      const shown = list.map((d) => ({ ...d, createdAt: iso(d.createdAt), lastUsedAt: iso(d.lastUsedAt) }));
      io.out(JSON.stringify({ devices: shown }, null, 2));
      return;
    }
    if (id === undefined) {
      showDevices(list, io);
      return;
    }
    const device = list.find((d) => d.id === id);
    if (!device) {
      io.err(`mimi client: your account has no device ${id}; "deno task client -- devices" lists them`);
      return 1;
    }
    await connection.revokeDevice(id);
    // The server kicks this connection next, which deletes the key too; deleting it here does not depend on that.
    if (device.current) await deviceKeys(config).delete(address(config));
    io.out(
      device.current
        ? `Revoked device ${id} ("${device.name}"): this machine is signed out.`
        : `Revoked device ${id} ("${device.name}"): it can no longer sign in without the password.`,
    );
  });
}

/** One line per device: id, name, when remembered and last used, and which one this is. */
function showDevices(list: readonly Device[], io: ClientIo): void {
  const day = (ms: number) => new Date(ms).toLocaleString();
  const width = Math.max(...list.map((d) => String(d.id).length));
  for (const device of list) {
    io.out(
      `  ${String(device.id).padStart(width)}  ${device.name}: remembered ${day(device.createdAt)}, ` +
        `last used ${day(device.lastUsedAt)}${device.current ? " (this machine)" : ""}`,
    );
  }
}

/**
 * Signs this machine's remembered device out.
 *
 * @returns The exit code.
 */
export async function logout(config: MimiConfig, io: ClientIo): Promise<number> {
  const server = address(config);
  const gone = () => {
    io.out(`This machine is not signed in to ${server}; nothing to log out.`);
    return 0;
  };
  return await withRememberedDevice(config, io, async (connection) => {
    const session = connection.getSnapshot().session;
    await connection.logout();
    const who = session.state === "signedIn" ? ` ${session.user.nickname} (${session.user.username})` : "";
    io.out(`Logged out${who} from ${server}; this machine no longer stays signed in.`);
  }, gone);
}
