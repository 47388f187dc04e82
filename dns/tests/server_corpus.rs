//! The queries of the bundled captures (tests/corpus/pcap, extracted to tests/corpus/*.hex)
//! fed to unet's server loaded with the data the recorded authoritative server answered;
//! unet's response must match the recorded one (ID, flags, RCODE, question with its case,
//! answer RRsets with their RRSIGs when DO was set, EDNS echo) and parse in hickory-proto.
//!
//! Known differences, by design: unet gives minimal responses (no NS in the authority
//! section of a positive answer, as Knot), where the tcpdump.org server (BIND) added them;
//! unet does not echo EDNS Client Subnet or COOKIE options (RFC 7871 §7.1.3: a server
//! without ECS support answers without it; cookies are not implemented).
#![cfg(feature = "alloc")]

#[path = "server_support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::net::IpAddr;

use critical_section as _;
use hickory_proto::op::Message as HMessage;
use hickory_proto::serialize::binary::BinDecodable;
use support::authority;
use unet_core::Instant;
use unet_dns::server::{Server, ServerConfig, Transport};
use unet_dns::{EdnsFlags, Flags, Message, RecordType, Section};

const CORPUS: &[(&str, &str)] = &[
    ("dns_udp", include_str!("corpus/tcpdump-dns_udp.hex")),
    ("dns_udp_2", include_str!("corpus/tcpdump-dns_udp_2.hex")),
    ("dns_tcp", include_str!("corpus/tcpdump-dns_tcp.hex")),
    ("dnssec", include_str!("corpus/tcpdump-dnssec.hex")),
    ("edns-opts", include_str!("corpus/tcpdump-edns-opts.hex")),
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// (capture, query, recorded response) pairs, matched by ID.
fn pairs() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    for (name, text) in CORPUS {
        let msgs: Vec<Vec<u8>> =
            text.lines().filter(|l| !l.starts_with("truncated")).map(|l| unhex(l.trim())).collect();
        for q in &msgs {
            let qm = Message::new_checked(&q[..]).unwrap();
            if qm.flags().contains(Flags::QR) {
                continue;
            }
            let r = msgs.iter().find(|r| {
                let rm = Message::new_checked(&r[..]).unwrap();
                rm.flags().contains(Flags::QR) && rm.id() == qm.id()
            });
            if let Some(r) = r {
                out.push((*name, q.clone(), r.clone()));
            }
        }
    }
    out
}

fn records(m: &Message<&[u8]>, s: Section) -> BTreeSet<String> {
    m.section(s)
        .map(|r| r.unwrap())
        .filter(|r| r.rtype() != RecordType::OPT)
        .map(|r| r.to_string())
        .collect()
}

/// A zone holding what an authoritative response answered: its answer records, the NS
/// of its authority section, and a made-up SOA.
fn zone_text(resp: &Message<&[u8]>) -> (String, String) {
    let ns_owner = resp
        .authorities()
        .map(|r| r.unwrap())
        .find(|r| r.rtype() == RecordType::NS)
        .map(|r| r.name.to_string());
    let first = resp.answers().next().unwrap().unwrap().name.to_string();
    let origin = ns_owner.unwrap_or(first).to_lowercase();
    let mut text =
        format!("{origin} 3600 IN SOA ns.invalid. hostmaster.invalid. 1 7200 3600 1209600 300\n");
    let mut has_ns = false;
    for r in resp.answers().chain(resp.authorities()).map(|r| r.unwrap()) {
        has_ns |= r.rtype() == RecordType::NS;
        text.push_str(&format!("{r}\n"));
    }
    if !has_ns {
        text.push_str(&format!("{origin} 3600 IN NS ns.invalid.\n"));
    }
    (origin, text)
}

#[test]
fn capture_queries_answered_like_the_recorded_authoritative_servers() {
    let client: IpAddr = "192.0.2.100".parse().unwrap();
    let mut compared = 0;
    let mut refused = 0;
    for (capture, query, recorded) in pairs() {
        let rec = Message::new_checked(&recorded[..]).unwrap();
        let transport = if capture == "dns_tcp" { Transport::Tcp } else { Transport::Udp };
        let mut server = Server::new(ServerConfig::default());
        let mut out = vec![0u8; 65535];
        if !rec.flags().contains(Flags::AA) {
            // A recursive resolver's answer: unet is no resolver and serves no such zone.
            let auth = authority(&[]);
            let n = server
                .handle_query(Instant::ZERO, &auth, client, transport, &query, &mut out)
                .unwrap();
            let ours = Message::new_checked(&out[..n]).unwrap();
            assert_eq!(ours.rcode().to_string(), "REFUSED");
            assert_eq!(ours.flags(), Flags::QR | (rec.flags() & Flags::RD));
            refused += 1;
            continue;
        }
        let (origin, text) = zone_text(&rec);
        let auth = authority(&[(&origin, &text)]);
        let n =
            server.handle_query(Instant::ZERO, &auth, client, transport, &query, &mut out).unwrap();
        let ours = Message::new_checked(&out[..n]).unwrap();
        let q = Message::new_checked(&query[..]).unwrap();
        let ctx = format!("{capture} {rec}");
        assert_eq!(ours.id(), rec.id(), "{ctx}");
        assert_eq!(
            ours.flags() & (Flags::QR | Flags::AA | Flags::TC | Flags::RD | Flags::RA),
            rec.flags() & (Flags::QR | Flags::AA | Flags::TC | Flags::RD | Flags::RA),
            "{ctx}"
        );
        assert_eq!(ours.rcode(), rec.rcode(), "{ctx}");
        let (oq, rq) =
            (ours.questions().next().unwrap().unwrap(), rec.questions().next().unwrap().unwrap());
        assert_eq!(oq.name.to_string(), rq.name.to_string(), "question case, {ctx}");
        assert_eq!(records(&ours, Section::Answer), records(&rec, Section::Answer), "{ctx}");
        assert_eq!(ours.edns().is_some(), q.edns().is_some(), "{ctx}");
        if let (Some(o), Some(r)) = (ours.edns(), rec.edns()) {
            assert_eq!(o.flags & EdnsFlags::DO, r.flags & EdnsFlags::DO, "{ctx}");
        }
        assert!(n <= 1232 || transport == Transport::Tcp);
        let h = HMessage::from_bytes(&out[..n]).unwrap();
        assert_eq!(h.metadata.id, rec.id());
        assert_eq!(h.answers.len(), rec.answers().count());
        assert!(h.metadata.authoritative);
        compared += 1;
    }
    assert_eq!((compared, refused), (23, 3));
}
