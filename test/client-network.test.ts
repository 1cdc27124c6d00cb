import { describe, expect, it } from "vitest";
import { clientNetwork } from "../src/lib/client-info";

describe("clientNetwork: the network sign-in limits count by", () => {
  it.each([
    ["an IPv4 address, as it is", "190.25.8.7", "190.25.8.7"],
    ["an IPv6 address, by its /64", "2800:e2:4a80:1b2::1", "2800:e2:4a80:1b2::/64"],
    [
      "any host of that /64 alike",
      "2800:00e2:4a80:01b2:ffff:eeee:dddd:cccc",
      "2800:e2:4a80:1b2::/64",
    ],
    ["a compressed prefix", "2001:db8::1", "2001:db8:0:0::/64"],
    ["upper case", "2001:DB8:A::1", "2001:db8:a:0::/64"],
    ["an IPv4-mapped IPv6 address, as its IPv4", "::ffff:190.25.8.7", "190.25.8.7"],
    ["the unspecified address", "::", "0:0:0:0::/64"],
    ["no address", null, "unknown"],
    ["garbage", "not-an-ip", "unknown"],
    ["two ::", "1::2::3", "unknown"],
    ["too many groups", "1:2:3:4:5:6:7:8:9", "unknown"],
    ["a zone index", "fe80::1%eth0", "unknown"],
  ])("%s", (_, ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });
});
