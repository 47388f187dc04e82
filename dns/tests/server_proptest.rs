//! Property: whatever the query (well-formed, odd or mangled), every response parses (in
//! unet and in hickory-proto), keeps the query's ID, opcode and question, has QR set and
//! RA clear, and never exceeds the permitted size.
#![cfg(feature = "alloc")]

#[path = "server_support/mod.rs"]
mod support;

use std::net::IpAddr;
use std::sync::OnceLock;

use critical_section as _;
use hickory_proto::op::Message as HMessage;
use hickory_proto::serialize::binary::BinDecodable;
use proptest::prelude::*;
use support::{authority, EXAMPLE_ZONE, Q};
use unet_core::Instant;
use unet_dns::server::{Authority, RrlConfig, Server, ServerConfig, Transport};
use unet_dns::{Class, Flags, Message, Opcode, RecordType};

/// Added to the base zone: a second RRset at www, a CNAME loop, a wildcard CNAME, an
/// empty non-terminal and a DS at the delegation.
const EXTRA: &str = "www      TXT  \"hello\"
loop1    CNAME loop2
loop2    CNAME loop1
*.cw     CNAME www
a.b.ent  A    192.0.2.7
sub      DS   1 8 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
";

fn auth() -> &'static Authority {
    static A: OnceLock<Authority> = OnceLock::new();
    A.get_or_init(|| {
        let mut text = format!("{EXAMPLE_ZONE}{EXTRA}");
        for i in 0..70 {
            text.push_str(&format!("big A 192.0.2.{i}\nbig AAAA 2001:db8::{i:x}\n"));
        }
        authority(&[("example.com.", &text)])
    })
}

const LABELS: &[&str] = &[
    "www", "WwW", "mail", "ns1", "alias", "loop1", "x", "wild", "cw", "b", "ent", "a", "sub", "ns",
    "big", "*", "nx", "example", "com", "net", "",
];

fn name() -> impl Strategy<Value = String> {
    (proptest::collection::vec(0..LABELS.len(), 0..4), any::<bool>()).prop_map(|(idx, in_zone)| {
        let mut n: Vec<&str> =
            idx.into_iter().map(|i| LABELS[i]).filter(|l| !l.is_empty()).collect();
        if in_zone {
            n.extend(["example", "com"]);
        }
        if n.is_empty() {
            ".".to_string()
        } else {
            n.join(".") + "."
        }
    })
}

fn qtype() -> impl Strategy<Value = RecordType> {
    prop_oneof![
        Just(RecordType::A),
        Just(RecordType::AAAA),
        Just(RecordType::MX),
        Just(RecordType::NS),
        Just(RecordType::SOA),
        Just(RecordType::TXT),
        Just(RecordType::CNAME),
        Just(RecordType::DS),
        Just(RecordType::ANY),
        Just(RecordType::AXFR),
        Just(RecordType::IXFR),
        Just(RecordType::RRSIG),
        any::<u16>().prop_map(RecordType),
    ]
}

fn query() -> impl Strategy<Value = Q> {
    (
        name(),
        qtype(),
        prop_oneof![
            Just(Class::IN),
            Just(Class::CH),
            Just(Class::ANY),
            any::<u16>().prop_map(Class)
        ],
        any::<u16>(),
        prop_oneof![Just(0u8), 0u8..16],
        proptest::option::of((any::<u16>(), prop_oneof![Just(0u8), any::<u8>()], any::<bool>())),
        any::<bool>(),
    )
        .prop_map(|(name, qtype, qclass, id, op, edns, rd)| Q {
            name,
            qtype,
            qclass,
            id,
            opcode: Opcode(op),
            edns,
            rd,
        })
}

/// Mangles a query: flips or cuts bytes, or sets header bits.
fn mangle(mut q: Vec<u8>, ops: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    for &(at, x) in ops {
        let i = at % q.len();
        q[i] ^= x;
    }
    if let Some(c) = cut {
        q.truncate(c % (q.len() + 1));
    }
    q
}

fn check(query: &[u8], transport: Transport, rrl: bool) {
    let mut server = Server::new(ServerConfig {
        rrl: rrl.then(|| RrlConfig { responses_per_second: 1, ..RrlConfig::default() }),
        ..ServerConfig::default()
    });
    let client: IpAddr = "198.51.100.9".parse().unwrap();
    let mut out = vec![0u8; 65535];
    for round in 0..3 {
        let Some(n) = server.handle_query(
            Instant::from_millis(round),
            auth(),
            client,
            transport,
            query,
            &mut out,
        ) else {
            continue;
        };
        let resp = &out[..n];
        let limit = match transport {
            Transport::Tcp => 65535,
            Transport::Udp => match Message::new_checked(query)
                .ok()
                .and_then(|m| m.edns().map(|e| e.udp_payload_size))
            {
                Some(size) => usize::from(size.clamp(512, 1232)),
                None => 512,
            },
        };
        assert!(n <= limit, "{n} > {limit}");
        let m = Message::new_checked(resp).expect("response parses");
        HMessage::from_bytes(resp).expect("hickory parses the response");
        assert_eq!(m.id(), u16::from_be_bytes([query[0], query[1]]));
        assert!(m.flags().contains(Flags::QR) && !m.flags().contains(Flags::RA));
        assert_eq!(m.opcode().0, (query[2] >> 3) & 0xF);
        assert_eq!(m.flags().contains(Flags::RD), query[2] & 1 == 1);
        if let (Some(rq), Ok(qm)) = (m.questions().next(), Message::new_checked(query)) {
            let rq = rq.unwrap();
            let qq = qm.questions().next().unwrap().unwrap();
            assert_eq!(rq.name.to_string(), qq.name.to_string());
            assert_eq!((rq.qtype, rq.qclass), (qq.qtype, qq.qclass));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_response_parses_and_matches_its_query(q in query(), tcp in any::<bool>(), rrl in any::<bool>()) {
        let t = if tcp { Transport::Tcp } else { Transport::Udp };
        check(&q.bytes(), t, rrl);
    }

    #[test]
    fn mangled_queries_never_break_the_invariants(
        q in query(),
        ops in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<usize>()),
        tcp in any::<bool>(),
    ) {
        let t = if tcp { Transport::Tcp } else { Transport::Udp };
        check(&mangle(q.bytes(), &ops, cut), t, false);
    }

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        check(&bytes, Transport::Udp, false);
    }
}
