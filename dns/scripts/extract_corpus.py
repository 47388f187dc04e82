#!/usr/bin/env python3
"""Extracts every DNS message from the bundled captures into dns/tests/corpus/*.hex.

One message per line, lowercase hex; a message cut short by the capture's snap length is
prefixed with "truncated ". Ethernet (with 802.1Q tags), IPv4/IPv6, UDP and TCP
headers are skipped; over TCP the 2-byte length prefix (RFC 1035 4.2.2) is removed and
segments are split into messages by it. Only port 53 traffic is kept.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PCAPS = os.path.join(HERE, "..", "..", "tests", "corpus", "pcap")
OUT = os.path.join(HERE, "..", "tests", "corpus")
FILES = ["tcpdump-dns_udp.pcap", "tcpdump-dns_udp_2.pcap", "tcpdump-dns_tcp.pcap",
         "tcpdump-dnssec.pcap", "tcpdump-edns-opts.pcap", "tcpdump-dns-uri.pcap"]


def frames(path):
    d = open(path, "rb").read()
    magic = struct.unpack("<I", d[:4])[0]
    e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(e + "I", d[20:24])[0]
    off = 24
    while off + 16 <= len(d):
        _, _, caplen, origlen = struct.unpack(e + "IIII", d[off:off + 16])
        yield linktype, d[off + 16:off + 16 + caplen], caplen < origlen
        off += 16 + caplen


def transport(linktype, f):
    if linktype != 1:
        raise SystemExit("unexpected link type %d" % linktype)
    et = struct.unpack(">H", f[12:14])[0]
    p = 14
    while et in (0x8100, 0x88A8):
        et = struct.unpack(">H", f[p + 2:p + 4])[0]
        p += 4
    if et == 0x0800:
        ihl = (f[p] & 0xF) * 4
        total = struct.unpack(">H", f[p + 2:p + 4])[0]
        proto = f[p + 9]
        return proto, f[p + ihl:p + total]
    if et == 0x86DD:
        plen = struct.unpack(">H", f[p + 4:p + 6])[0]
        nh = f[p + 6]
        return nh, f[p + 40:p + 40 + plen]
    return None, None


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in FILES:
        msgs = []
        streams = {}
        for lt, f, cut in frames(os.path.join(PCAPS, name)):
            proto, seg = transport(lt, f)
            if proto == 17:
                sp, dp = struct.unpack(">HH", seg[:4])
                if 53 in (sp, dp):
                    msgs.append(("truncated " if cut else "") + seg[8:].hex())
            elif proto == 6:
                sp, dp = struct.unpack(">HH", seg[:4])
                if 53 not in (sp, dp):
                    continue
                doff = (seg[12] >> 4) * 4
                buf = streams.get((sp, dp), b"") + seg[doff:]
                while len(buf) >= 2:
                    n = struct.unpack(">H", buf[:2])[0]
                    if len(buf) < 2 + n:
                        break
                    msgs.append(buf[2:2 + n].hex())
                    buf = buf[2 + n:]
                streams[(sp, dp)] = buf
        out = os.path.join(OUT, name.replace(".pcap", ".hex"))
        with open(out, "w") as fh:
            for m in msgs:
                fh.write(m + "\n")
        print(name, len(msgs), "messages", file=sys.stderr)


main()
