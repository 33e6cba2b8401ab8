// The key that per-address limits count by: an IPv4 address, or the /64 prefix of an IPv6 one.

/**
 * Maps a remote host to the key its per-address limits are counted under.
 * One IPv6 subscriber usually holds a whole /64 and can pick any address in it, so IPv6 addresses are counted by
 * their first 64 bits; an IPv4 address mapped into IPv6 (`::ffff:192.0.2.1`) counts as that IPv4 address.
 * Anything that is not an IP literal (a Unix socket path, a test's name) is its own key.
 *
 * @param host The peer's host as the transport reports it, without a port.
 * @returns The key: `192.0.2.1`, or `2001:db8:1:2::/64`.
 *
 * @example
 * ```ts
 * import { addressKey } from "./address_key.ts";
 * addressKey("2001:db8:1:2:aaaa::1"); // "2001:db8:1:2::/64"
 * addressKey("::ffff:192.0.2.1"); // "192.0.2.1"
 * ```
 */
export function addressKey(host: string): string {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (!bare.includes(":")) return bare;
  const groups = ipv6Groups(bare.replace(/%.*$/, "")); // a zone index (fe80::1%eth0) names the interface, not a host
  if (!groups) return bare;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`;
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 literal, or `undefined` when it is not one. */
function ipv6Groups(text: string): number[] | undefined {
  // RFC 4291 §2.2: the last 32 bits may be written as dotted IPv4; rewrite them as two groups.
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const b = dotted.slice(1).map(Number);
    if (b.some((byte) => byte > 255)) return undefined;
    const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
    text = text.slice(0, dotted.index) + `${hex(b[0], b[1])}:${hex(b[2], b[3])}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string) =>
    part === "" ? [] : part.split(":").map((g) => /^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN);
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if ([...head, ...tail].some(Number.isNaN)) return undefined;
  const known = head.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  return [...head, ...new Array(8 - known).fill(0), ...tail];
}
