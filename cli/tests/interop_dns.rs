//! unet's authoritative DNS server against the real ones, in namespaces.
//!
//! - `differential_*`: the same queries (every owner of tests/zones × many types, NXDOMAIN
//!   below existing and wildcard names, delegations, names outside the zones, 0x20 case,
//!   EDNS with small and large buffers, no EDNS, DO, TCP) sent with dig to unet
//!   (`unet dns-server --listen`), Knot and NSD serving the same zone files; responses
//!   compared as sets (see `dns_support::DigResponse` for every normalisation). Where Knot
//!   and NSD themselves disagree, unet must match the one named in [`follows`].
//!
//! Where Knot 3.2 and NSD 4.6 (configs in tests/zones; NSD with `minimal-responses: yes`
//! and RRL off) answer the same query differently (`differential_knot_nsd` prints every
//! case; 96 of 2324 queries):
//! - ANY (RFC 8482): Knot answers one RRset, NSD another (often the SOA): both allowed;
//!   unet's answer must be a non-empty subset of the owner's records ([`any_answer_ok`]).
//! - A CNAME into another zone the same server serves (`external.example.com.` →
//!   `www.example.net.`, `alias.example.net.` → `www.example.com.`): NSD follows the chain
//!   into the other zone (RFC 1034 §4.3.2 step 3a restarts the lookup), Knot stops at the
//!   zone's edge and leaves the rest to the resolver.
//! - Additional-section data for MX, SRV and SVCB targets: Knot adds the targets'
//!   addresses, NSD's minimal responses do not (without minimal responses NSD adds them,
//!   and the apex NS RRset to every answer's authority section).
//! - The rest are the same three causes under the EDNS/TCP/0x20 variants.
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
    let mut undocumented = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let d = difference(&knot[i], &nsd[i]);
        if d.is_empty() {
            continue;
        }
        let cause = documented_cause(q, d);
        *kinds.entry(cause.unwrap_or("undocumented")).or_default() += 1;
        let text = side_by_side(q, &[("knot", &knot[i]), ("nsd", &nsd[i])]);
        if cause.is_none() {
            undocumented.push(text);
        } else {
            eprintln!("{text}");
        }
    }
    eprintln!("{} queries; knot/nsd differ: {kinds:?}", queries.len());
    assert!(
        undocumented.is_empty(),
        "Knot and NSD differ where the module documentation does not say why:\n{}",
        undocumented.join("\n")
    );
}

/// Which of the documented Knot/NSD disagreements (module documentation) explains a
/// difference of kind `d` on `query`.
fn documented_cause(query: &str, d: &str) -> Option<&'static str> {
    let mut words = query.split_whitespace();
    let (name, qtype) = (words.next()?.to_ascii_lowercase(), words.next()?);
    if qtype == "ANY" {
        Some("ANY subset")
    } else if ["external.example.com.", "alias.example.net."].contains(&name.as_str()) {
        Some("CNAME into another served zone")
    } else if d == "additional" && ["MX", "SRV", "SVCB"].contains(&qtype) {
        Some("target addresses in additional")
    } else {
        None
    }
}

/// Which reference unet follows for a query, where Knot and NSD disagree (both are
/// allowed by the RFCs; see the module's table of disagreements): Knot, except for the
/// additional section of SVCB answers, where unet (like NSD) adds no target addresses
/// (RFC 9460 §4 makes them optional).
fn follows(query: &str, knot: &DigResponse, nsd: &DigResponse) -> Kind {
    let svcb = query.split_whitespace().nth(1) == Some("SVCB");
    if svcb && difference(knot, nsd) == "additional" {
        Kind::Nsd
    } else {
        Kind::Knot
    }
}

/// RFC 8482 §4.2 lets a server answer ANY with any non-empty subset of the owner's
/// RRsets (Knot: one RRset, NSD: all, or the SOA): for ANY, unet's answer must be
/// non-empty and made of records that the owner's other queries returned.
fn any_answer_ok(
    unet: &DigResponse,
    reference: &DigResponse,
    owner_records: &[&DigResponse],
) -> bool {
    if unet.status != reference.status || unet.flags != reference.flags {
        return false;
    }
    if reference.answer.is_empty() {
        return unet.answer.is_empty() && unet.authority == reference.authority;
    }
    !unet.answer.is_empty()
        && unet.answer.iter().all(|r| {
            owner_records.iter().any(|o| o.answer.contains(r)) || reference.answer.contains(r)
        })
}

#[test]
fn differential_unet_knot_nsd() {
    if !have_root("differential_unet_knot_nsd") {
        return;
    }
    let ns = Netns::create("dnsdiffu").expect("netns");
    let (_knot, _nsd) = start_reference(&ns);
    let listen = format!("{UNET}:53");
    let unet_server = DnsServer::unet(&ns, UNET, &DnsServer::zone_files(), &["--listen", &listen]);
    let queries = queries();
    let knot = dig_batch(&ns, KNOT, &queries);
    let nsd = dig_batch(&ns, NSD, &queries);
    let unet = dig_batch(&ns, UNET, &queries);
    let mut failures = Vec::new();
    let mut agree = 0;
    let mut disagreements: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, q) in queries.iter().enumerate() {
        let d = difference(&knot[i], &nsd[i]);
        if d.is_empty() {
            agree += 1;
        } else {
            *disagreements.entry(d).or_default() += 1;
        }
        let reference = match follows(q, &knot[i], &nsd[i]) {
            Kind::Nsd => &nsd[i],
            _ => &knot[i],
        };
        let ok = if q.split_whitespace().nth(1) == Some("ANY") {
            let owner = q.split_whitespace().next().unwrap_or("");
            let same_owner: Vec<&DigResponse> = queries
                .iter()
                .enumerate()
                .filter(|(_, o)| o.split_whitespace().next() == Some(owner))
                .map(|(j, _)| &knot[j])
                .collect();
            any_answer_ok(&unet[i], reference, &same_owner)
        } else {
            difference(&unet[i], reference).is_empty()
        };
        if !ok {
            failures
                .push(side_by_side(q, &[("unet", &unet[i]), ("knot", &knot[i]), ("nsd", &nsd[i])]));
        }
    }
    eprintln!(
        "differential: {} queries; Knot and NSD agree on {agree}, differ on {:?}; unet differs from the reference on {}",
        queries.len(),
        disagreements,
        failures.len()
    );
    if !failures.is_empty() {
        for f in failures.iter().take(40) {
            eprintln!("{f}");
        }
        eprintln!("--- unet log ---\n{}", unet_server.log());
        panic!("unet differs from Knot/NSD on {} of {} queries", failures.len(), queries.len());
    }
}

/// The dig checks both listening modes pass: UDP, TCP, several queries on one TCP
/// connection (dig +keepopen), pipelined queries (a python client writes three queries
/// in one segment and reads three answers), truncation then retry over TCP.
fn dig_checks(ns: &Netns, addr: &str) {
    let at = format!("@{addr}");
    let udp = dns_support::dig(ns, addr, "www.example.com. A +norec");
    assert_eq!(udp.status, "NOERROR", "{}", udp.raw);
    assert!(udp.flags.contains("aa"), "{}", udp.raw);
    assert_eq!(udp.answer.len(), 2, "{}", udp.raw);
    let tcp = dns_support::dig(ns, addr, "www.example.com. A +norec +tcp");
    assert_eq!(tcp.answer, udp.answer, "{}", tcp.raw);
    // Several queries on one connection: dig +keepopen sends each on the same socket.
    let out = ns
        .output(&[
            "dig",
            "+tcp",
            "+keepopen",
            "+norec",
            "+short",
            &at,
            "www.example.com.",
            "A",
            "mail.example.com.",
            "A",
            "ns1.example.com.",
            "AAAA",
        ])
        .expect("dig");
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in ["192.0.2.10", "192.0.2.25", "2001:db8::53"] {
        assert!(text.contains(expected), "dig +keepopen: {text}");
    }
    // Pipelining (RFC 7766 §6.2.1.1): three queries in one write, three answers back.
    let script = format!(
        r#"
import socket, struct
def q(i, name, t):
    h = struct.pack(">HHHHHH", i, 0, 1, 0, 0, 0)
    n = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l) + b"\0"
    m = h + n + struct.pack(">HH", t, 1)
    return struct.pack(">H", len(m)) + m
s = socket.create_connection(("{addr}", 53), timeout=5)
s.sendall(q(1, "www.example.com", 1) + q(2, "nx.example.com", 1) + q(3, "mail.example.com", 28))
buf = b""
ids = []
while len(ids) < 3:
    d = s.recv(65535)
    if not d: break
    buf += d
    while len(buf) >= 2 and len(buf) >= 2 + struct.unpack(">H", buf[:2])[0]:
        l = struct.unpack(">H", buf[:2])[0]
        m = buf[2:2 + l]; buf = buf[2 + l:]
        ids.append((struct.unpack(">H", m[:2])[0], m[3] & 15, struct.unpack(">H", m[6:8])[0]))
print(sorted(ids))
"#
    );
    let out = ns.output(&["python3", "-c", &script]).expect("python3");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.trim(),
        "[(1, 0, 2), (2, 3, 0), (3, 0, 1)]",
        "pipelined answers (id, rcode, answers): {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Truncation: 40 A records do not fit 512 bytes; dig sees TC and retries over TCP.
    let trunc = dns_support::dig(ns, addr, "big.example.com. A +norec +noedns +ignore");
    assert!(trunc.flags.contains("tc"), "{}", trunc.raw);
    let retried = dns_support::dig(ns, addr, "big.example.com. A +norec +noedns");
    assert!(retried.raw.contains(") (TCP)"), "no retry over TCP: {}", retried.raw);
    assert_eq!(retried.answer.len(), 40, "{}", retried.raw);
    // Outside our zones.
    let refused = dns_support::dig(ns, addr, "example.org. A +norec");
    assert_eq!(refused.status, "REFUSED", "{}", refused.raw);
}

#[test]
fn dig_kernel_sockets() {
    if !have_root("dig_kernel_sockets") {
        return;
    }
    let ns = Netns::create("dnsdigk").expect("netns");
    ns.run(&["ip", "addr", "add", &format!("{UNET}/32"), "dev", "lo"]).expect("addr");
    let listen = format!("{UNET}:53");
    let server = DnsServer::unet(&ns, UNET, &DnsServer::zone_files(), &["--listen", &listen]);
    dig_checks(&ns, UNET);
    let (status, log) = server.stop();
    assert!(status.success(), "exit {status}; log:\n{log}");
    assert!(log.contains("stopped by SIGTERM"), "{log}");
}

#[test]
fn dig_unet_stack_on_tap() {
    if !have_root("dig_unet_stack_on_tap") {
        return;
    }
    let ns = Netns::create("dnsdigt").expect("netns");
    ns.add_tap("tap0", "192.0.2.1/24").expect("tap");
    let server = DnsServer::unet(
        &ns,
        "192.0.2.2",
        &DnsServer::zone_files(),
        &["--tap", "tap0", "--ipv4", "192.0.2.2/24"],
    );
    dig_checks(&ns, "192.0.2.2");
    let (status, log) = server.stop();
    assert!(status.success(), "exit {status}; log:\n{log}");
}

/// SIGHUP reloads the zone while a query loop keeps getting answers: every query of the
/// loop is answered, the changed address shows up, and a broken zone file is refused
/// (the error logged as file:line) with the previous zone still served.
#[test]
fn sighup_reload_without_dropping_queries() {
    if !have_root("sighup_reload_without_dropping_queries") {
        return;
    }
    let ns = Netns::create("dnshup").expect("netns");
    ns.run(&["ip", "addr", "add", &format!("{UNET}/32"), "dev", "lo"]).expect("addr");
    let dir = dns_support::TempDir::new("reload");
    let zone = dir.path().join("example.com.zone");
    let original = std::fs::read_to_string(
        std::path::Path::new(dns_support::ZONES_DIR).join("example.com.zone"),
    )
    .expect("zone");
    std::fs::write(&zone, &original).expect("copy");
    let listen = format!("{UNET}:53");
    let server = DnsServer::unet(&ns, UNET, std::slice::from_ref(&zone), &["--listen", &listen]);
    // The loop runs batches of 100 queries until the reload is logged, then one more.
    let batch: Vec<String> = (0..100).map(|_| "www.example.com. A +norec".to_string()).collect();
    let (answered, old, new) = std::thread::scope(|s| {
        let looping = s.spawn(|| {
            let (mut answered, mut old, mut new) = (0, 0, 0);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            let mut last_round = false;
            loop {
                let reloaded = server.log().contains("reloaded");
                for r in dig_batch(&ns, UNET, &batch) {
                    assert_eq!(r.status, "NOERROR", "a query failed during the reload: {}", r.raw);
                    answered += 1;
                    if r.answer.iter().any(|a| a.contains("192.0.2.99")) {
                        new += 1;
                    } else {
                        old += 1;
                    }
                }
                if last_round || std::time::Instant::now() > deadline {
                    break;
                }
                last_round = reloaded;
            }
            (answered, old, new)
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        let changed = original
            .replace("www         IN A    192.0.2.10", "www         IN A    192.0.2.99")
            .replace("2026112301 ; serial", "2026112302 ; serial");
        std::fs::write(&zone, changed).expect("change");
        server.signal("HUP");
        looping.join().expect("loop")
    });
    eprintln!("reload under load: {answered} queries answered, {old} from the old zone, {new} from the new");
    assert!(
        old > 0 && new > 0,
        "the loop did not span the reload: {old} old, {new} new\n{}",
        server.log()
    );
    let after = dns_support::dig(&ns, UNET, "www.example.com. A +norec");
    assert!(
        after.answer.iter().any(|r| r.contains("192.0.2.99")),
        "{}\n{}",
        after.raw,
        server.log()
    );
    // A broken file: the reload fails, the previous zone stays.
    std::fs::write(
        &zone,
        original.replace("mail        IN A    192.0.2.25", "mail IN A 192.0.2.256"),
    )
    .expect("break");
    server.signal("HUP");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !server.log().contains("reload failed") && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let log = server.log();
    assert!(log.contains("reload failed") && log.contains("example.com.zone:"), "{log}");
    let still = dns_support::dig(&ns, UNET, "www.example.com. A +norec");
    assert!(still.answer.iter().any(|r| r.contains("192.0.2.99")), "{}", still.raw);
    let (status, _) = server.stop();
    assert!(status.success());
}

/// A zone that does not load: `file:line: reason` on stderr and exit status 2, before
/// anything is bound (no root needed).
#[test]
fn zone_error_exits_2_with_file_and_line() {
    let dir = dns_support::TempDir::new("badzone");
    let zone = dir.path().join("example.com.zone");
    std::fs::write(
        &zone,
        "$TTL 300\n@ IN SOA ns1 host 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.300\n",
    )
    .expect("zone");
    let out = std::process::Command::new(dns_support::UNET)
        .args(["dns-server", "--zone", &zone.display().to_string(), "--listen", "127.0.0.1:0"])
        .output()
        .expect("unet");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("{}:4: ", zone.display())), "{stderr}");
}
