#!/usr/bin/env python3
"""Writes the dnsperf zone and query file (tests/zones/README.md).

usage: gen_large.py N ZONE_FILE QUERY_FILE

The zone `large.example.` has N hosts (h0..h{N-1}: A, and AAAA on every other one),
N/10 aliases (CNAME to a host), N/100 delegations (d{i}: NS with glue), a wildcard
`*.wild` and MX/TXT at the apex. The query file cycles through a fixed mix, shuffled with a
fixed seed so every run sends the same queries:
  60% hits (A or AAAA of a host), 10% CNAME chains, 10% NXDOMAIN, 10% NODATA
  (MX of a host), 5% wildcard answers, 5% referrals.
"""
import random
import sys


def main():
    n = int(sys.argv[1])
    zone_path, query_path = sys.argv[2], sys.argv[3]
    with open(zone_path, "w") as z:
        z.write("$ORIGIN large.example.\n$TTL 3600\n")
        z.write("@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n")
        z.write("@ IN NS ns1\n@ IN NS ns2\n")
        z.write("ns1 IN A 192.0.2.53\nns2 IN A 198.51.100.53\n")
        z.write("@ IN MX 10 h0\n@ IN TXT \"large zone for dnsperf\"\n")
        z.write("*.wild IN A 203.0.113.1\n")
        for i in range(n):
            a = 10 + i
            z.write(f"h{i} IN A 10.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}\n")
            if i % 2 == 0:
                z.write(f"h{i} IN AAAA 2001:db8::{i:x}\n")
        for i in range(n // 10):
            z.write(f"alias{i} IN CNAME h{(i * 7) % n}\n")
        for i in range(max(1, n // 100)):
            z.write(f"d{i} IN NS ns.d{i}\nns.d{i} IN A 198.51.100.{i % 250 + 1}\n")
    rng = random.Random(7766)
    lines = []
    for k in range(100_000):
        r = k % 20
        i = rng.randrange(n)
        if r < 12:
            lines.append(f"h{i}.large.example. {'AAAA' if r % 6 == 0 and i % 2 == 0 else 'A'}")
        elif r < 14:
            lines.append(f"alias{rng.randrange(max(1, n // 10))}.large.example. A")
        elif r < 16:
            lines.append(f"nx{i}.large.example. A")
        elif r < 18:
            lines.append(f"h{i}.large.example. MX")
        elif r < 19:
            lines.append(f"w{i}.wild.large.example. A")
        else:
            lines.append(f"www.d{rng.randrange(max(1, n // 100))}.large.example. A")
    rng.shuffle(lines)
    with open(query_path, "w") as q:
        q.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
