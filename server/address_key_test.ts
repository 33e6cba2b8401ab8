// Tests for the per-address key: IPv4 as is, IPv6 by /64, mapped IPv4 as IPv4.

import assert from "node:assert/strict";
import { addressKey } from "./address_key.ts";

Deno.test("addressKey() keeps an IPv4 address whole", () => {
  assert.equal(addressKey("192.0.2.1"), "192.0.2.1");
  assert.equal(addressKey("127.0.0.1"), "127.0.0.1");
});

Deno.test("addressKey() counts every address of one IPv6 /64 as one", () => {
  const key = "2001:db8:1:2::/64";
  assert.equal(addressKey("2001:db8:1:2::1"), key);
  assert.equal(addressKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"), key);
  assert.equal(addressKey("[2001:db8:1:2:abcd::9]"), key);
  assert.equal(addressKey("2001:db8:1:2:3:4:5.6.7.8"), key);
  assert.notEqual(addressKey("2001:db8:1:3::1"), key);
  assert.equal(addressKey("::1"), "0:0:0:0::/64");
  assert.equal(addressKey("fe80::1%eth0"), "fe80:0:0:0::/64");
});

Deno.test("addressKey() counts an IPv4-mapped IPv6 address as the IPv4 address", () => {
  assert.equal(addressKey("::ffff:192.0.2.1"), "192.0.2.1");
  assert.equal(addressKey("::ffff:c000:201"), "192.0.2.1");
});

Deno.test("addressKey() leaves what is not an IP literal as its own key", () => {
  assert.equal(addressKey("1:2:3"), "1:2:3");
  assert.equal(addressKey("::1::2"), "::1::2");
  assert.equal(addressKey("2001:db8::1:2:3:4:5:6:7"), "2001:db8::1:2:3:4:5:6:7");
  assert.equal(addressKey("::ffff:300.1.1.1"), "::ffff:300.1.1.1");
  assert.equal(addressKey("localhost"), "localhost");
});
