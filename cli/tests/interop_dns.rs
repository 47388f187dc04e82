//! unet's authoritative DNS server against the real ones, in namespaces.
//!
//! - `differential_*`: the same queries (every owner of tests/zones × many types, NXDOMAIN
//!   below existing and wildcard names, delegations, names outside the zones, 0x20 case,
//!   EDNS with small and large buffers, no EDNS, DO, TCP) sent with dig to unet
//!   (`unet dns-server --listen`), Knot and NSD serving the same zone files; responses
//!   compared as sets (see `dns_support::DigResponse` for every normalisation). Where Knot
//!   and NSD themselves disagree, unet must match the one named in [`follows`].
//! - `dig_*`: dig against both listening modes (kernel sockets, unet stack on a TAP):
//!   UDP, TCP, several queries on one TCP connection, truncation then TCP retry, and a
//!   SIGHUP reload while a query loop keeps getting answers.

#[path = "dns_support/mod.rs"]
mod dns_support;

use std::collections::BTreeMap;

use dns_support::{dig_batch, side_by_side, DigResponse, DnsServer, Kind};
use unet_tests::netns::{have_root, Netns};

const KNOT: &str = "192.0.2.53";
const NSD: &str = "192.0.2.54";
const UNET: &str = "192.0.2.55";

/// Owners of example.com. (relative), existing or not, that the queries combine with types.
const COM_OWNERS: &[&str] = &[
    "",
    "ns1",
    "ns2",
    "www",
    "Mixed-Case",
    "mail",
    "mail2",
    "txt",
    "_sip._udp",
    "_ldap._tcp",
    "sip",
    "sip2",
    "svc",
    "svc-target",
    "_443._tcp.www",
    "_tcp.www",
    "alias",
    "alias2",
    "external",
    "outside",
    "loop1",
    "dangling",
    "host.wild",
    "x.wild",
    "a.b.wild",
    "wild",
    "y.cname-wild",
    "cname-wild",
    "ent.blocked",
    "x.ent.blocked",
    "z.blocked",
    "blocked",
    "ent",
    "b.ent",
    "a.b.ent",
    "x.a.b.ent",
    "sub",
    "ns1.sub",
    "www.sub",
    "a.b.sub",
    "nods",
    "ns.nods",
    "big",
    "bigtxt",
    "opaque",
    "nx",
    "nx.www",
    "nx.nx.mail",
];
const NET_OWNERS: &[&str] = &["", "ns", "mx", "www", "alias", "anything", "a.b", "*"];
const REV_OWNERS: &[&str] = &["", "1", "10", "53", "99", "128/26", "130.128/26", "129"];
const TYPES: &[&str] = &[
    "A",
    "AAAA",
    "MX",
    "TXT",
    "NS",
    "SOA",
    "CNAME",
    "SRV",
    "ANY",
    "DS",
    "HTTPS",
    "CAA",
    "PTR",
    "TYPE65280",
    "NAPTR",
    "TLSA",
    "SSHFP",
    "SVCB",
    "DNSKEY",
];

fn fqdn(owner: &str, origin: &str) -> String {
    if owner.is_empty() {
        origin.to_string()
    } else {
        format!("{owner}.{origin}")
    }
}

/// The differential's queries, in dig's batch syntax.
fn queries() -> Vec<String> {
    const BASE: &str = "+norec +nocookie +ignore";
    let mut q = Vec::new();
    for (owners, origin) in [
        (COM_OWNERS, "example.com."),
        (NET_OWNERS, "example.net."),
        (REV_OWNERS, "2.0.192.in-addr.arpa."),
    ] {
        for owner in owners {
            let name = fqdn(owner, origin);
            for t in TYPES {
                q.push(format!("{name} {t} {BASE}"));
            }
            // Transport and EDNS variants on the types that make large or referral answers.
            for t in ["A", "ANY", "TXT", "NS"] {
                q.push(format!("{name} {t} {BASE} +noedns"));
                q.push(format!("{name} {t} {BASE} +bufsize=512"));
                q.push(format!("{name} {t} {BASE} +bufsize=4096 +dnssec"));
                q.push(format!("{name} {t} {BASE} +tcp"));
            }
            // 0x20: the same question in mixed case.
            q.push(format!("{} A {BASE}", mix_case(&name)));
        }
    }
    // Outside every zone: REFUSED.
    for name in ["example.org.", "www.example.org.", "com.", ".", "net.", "in-addr.arpa."] {
        for t in ["A", "SOA", "NS"] {
            q.push(format!("{name} {t} {BASE}"));
        }
    }
    // Class CH and other opcodes are left to the server's unit tests (dig cannot vary
    // the opcode). EDNS version 1: BADVERS (RFC 6891 §6.1.3).
    q.push(format!("www.example.com. A {BASE} +edns=1"));
    q.push(format!("www.example.com. A {BASE} +edns=1 +tcp"));
    q
}

fn mix_case(name: &str) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| if i % 2 == 0 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
        .collect()
}

/// How Knot and NSD differ on a response, as a short label for the report.
fn difference(knot: &DigResponse, nsd: &DigResponse) -> &'static str {
    if knot.status != nsd.status {
        "rcode"
    } else if knot.flags != nsd.flags {
        "flags"
    } else if knot.answer != nsd.answer {
        "answer"
    } else if knot.authority != nsd.authority {
        "authority"
    } else if knot.additional != nsd.additional {
        "additional"
    } else if knot.edns != nsd.edns {
        "edns"
    } else {
        ""
    }
}

fn start_reference(ns: &Netns) -> (DnsServer, DnsServer) {
    for addr in [KNOT, NSD, UNET] {
        ns.run(&["ip", "addr", "add", &format!("{addr}/32"), "dev", "lo"]).expect("addr");
    }
    (DnsServer::reference(ns, Kind::Knot, KNOT), DnsServer::reference(ns, Kind::Nsd, NSD))
}

#[test]
fn differential_knot_nsd() {
    if !have_root("differential_knot_nsd") {
        return;
    }
    let ns = Netns::create("dnsdiff").expect("netns");
    let (_knot, _nsd) = start_reference(&ns);
    let queries = queries();
    let knot = dig_batch(&ns, KNOT, &queries);
    let nsd = dig_batch(&ns, NSD, &queries);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, q) in queries.iter().enumerate() {
        let d = difference(&knot[i], &nsd[i]);
        if !d.is_empty() {
            *kinds.entry(d).or_default() += 1;
            eprintln!("{}", side_by_side(q, &[("knot", &knot[i]), ("nsd", &nsd[i])]));
        }
    }
    eprintln!("{} queries; knot/nsd differ: {kinds:?}", queries.len());
}
