extern crate std;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

use core::net::Ipv4Addr;

use proptest::prelude::*;
use unet_core::{Duration, WireError};

use super::*;
use crate::tests::{after_ethernet, hex};
use crate::Checks;

/// IGMP messages of tcpdump-IGMP_V2.pcap frames 0, 1, 4 and 5 (Ethernet, IPv4, then IGMP).
const V2_FRAMES: [&str; 4] = [
    "01005e000001001b1110261108004500001c655100000102b2e3c0a80102e00000011164ee9b00000000\
     000000000000000000000000000000000000",
    "01005e7ffffa001c23aabead0800460000208c6200000102e692c0a80140effffffa940400001600fa04\
     effffffa",
    "01005e0000020002021951280800460000200000400001023864c0a80bc9e000000294040000170006fb\
     e10101030000000000000000000000000000",
    "01005e010103001b1110261108004500001c655200000102b0dfc0a80102e1010103110a0cf1e1010103\
     000000000000000000000000000000000000",
];

/// tcpdump-igmpv3-queries.pcap frames 0, 1 and 3: General Queries with Max Resp Codes
/// 100, 0xfe and 10.
const V3_FRAMES: [&str; 3] = [
    "01005e000001020001630000080046c00024000100000102840dc0020002e0000001940400001164ec1e\
     00000000027d0000",
    "01005e000001020001630000080046c00024000100000102840dc0020002e00000019404000011feeb84\
     00000000027d0000",
    "01005e000001020001630000080046c00024000100000102840dc0020002e000000194040000110aec78\
     00000000027d0000",
];

fn igmp_of(frame: &str) -> Vec<u8> {
    let frame = hex(frame);
    let ip = crate::Packet::new_checked(after_ethernet(&frame)).unwrap();
    let repr = crate::Repr::parse(&ip).unwrap();
    assert_eq!(repr.protocol, unet_core::IpProtocol::IGMP);
    ip.payload().to_vec()
}

fn parse(bytes: &[u8]) -> Result<Repr<'_>, WireError> {
    Repr::parse(&Packet::new_checked(bytes)?)
}

fn reemit(repr: &Repr<'_>) -> Vec<u8> {
    let mut out = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Packet::new_unchecked(&mut out[..])).unwrap();
    out
}

fn checksummed(mut bytes: Vec<u8>) -> Vec<u8> {
    Packet::new_unchecked(&mut bytes[..]).fill_checksum();
    bytes
}

#[test]
fn rfc2236_2_messages_from_capture() {
    let expected = [
        (
            Repr::Query { max_resp_code: 100, group_addr: Ipv4Addr::UNSPECIFIED },
            "igmp query v2 [max resp time 10.0s]",
        ),
        (
            Repr::ReportV2 { group_addr: Ipv4Addr::new(239, 255, 255, 250) },
            "igmp v2 report 239.255.255.250",
        ),
        (Repr::LeaveGroup { group_addr: Ipv4Addr::new(225, 1, 1, 3) }, "igmp leave 225.1.1.3"),
        (
            Repr::Query { max_resp_code: 10, group_addr: Ipv4Addr::new(225, 1, 1, 3) },
            "igmp query v2 [max resp time 1.0s] [gaddr 225.1.1.3]",
        ),
    ];
    for (frame, (repr, text)) in V2_FRAMES.iter().zip(expected) {
        let bytes = igmp_of(frame);
        assert_eq!(parse(&bytes), Ok(repr));
        assert_eq!(repr.to_string(), text);
        assert_eq!(reemit(&repr), bytes);
    }
}

#[test]
fn rfc3376_4_1_queries_from_capture() {
    let times = [("10.0s", 100), ("3072.0s", 30720), ("1.0s", 10)];
    for (frame, (text, tenths)) in V3_FRAMES.iter().zip(times) {
        let bytes = igmp_of(frame);
        let repr = parse(&bytes).unwrap();
        let Repr::QueryV3 { s_flag: false, qrv: 2, qqic: 125, num_sources: 0, sources, .. } = repr
        else {
            panic!("{repr:?}")
        };
        assert!(sources.is_empty());
        assert_eq!(repr.max_resp_time(), Some(Duration::from_millis(tenths * 100)));
        assert_eq!(repr.to_string(), std::format!("igmp query v3 [max resp time {text}]"));
        assert_eq!(reemit(&repr), bytes);
    }
    let bytes = igmp_of(V3_FRAMES[2]);
    let repr = parse(&bytes).unwrap();
    assert_eq!(
        std::format!("{repr:#}"),
        "igmp query v3 [max resp time 1.0s] [qrv 2] [qqic 125s] [type 0x11, length 12]"
    );
}

#[test]
fn with_ip_header_display() {
    let frame = hex(V3_FRAMES[2]);
    let ip = crate::Packet::new_checked(after_ethernet(&frame)).unwrap();
    let ip_repr = crate::Repr::parse(&ip).unwrap();
    let igmp = Packet::new_checked(ip.payload()).unwrap();
    let repr = Repr::parse(&igmp).unwrap();
    assert_eq!(
        ip_repr.with_payload(repr).to_string(),
        "IP 192.2.0.2 > 224.0.0.1: igmp query v3 [max resp time 1.0s]"
    );
}

#[test]
fn rfc3376_4_1_9_query_with_sources_and_s_flag() {
    let sources = hex("c0000201 c0000202");
    let repr = Repr::QueryV3 {
        max_resp_code: 0x80,
        group_addr: Ipv4Addr::new(232, 1, 1, 1),
        s_flag: true,
        qrv: 7,
        qqic: 0x8f,
        num_sources: 2,
        sources: &sources,
    };
    let bytes = reemit(&repr);
    assert_eq!(&bytes[8..12], &[0x0f, 0x8f, 0, 2]);
    assert_eq!(parse(&bytes), Ok(repr));
    let addrs: Vec<Ipv4Addr> = repr.sources().collect();
    assert_eq!(addrs, vec![Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2)]);
    assert_eq!(
        repr.to_string(),
        "igmp query v3 [max resp time 12.8s] [gaddr 232.1.1.1] [2 source(s)]"
    );
    assert_eq!(
        std::format!("{repr:#}"),
        "igmp query v3 [max resp time 12.8s] [gaddr 232.1.1.1] [s] [qrv 7] [qqic 248s] \
         { 192.0.2.1 192.0.2.2 } [type 0x11, length 20]"
    );
    // Number of Sources beyond the message.
    let mut bad = bytes.clone();
    bad[11] = 3;
    assert_eq!(parse(&checksummed(bad)), Err(WireError::Truncated));
}

#[test]
fn rfc3376_7_1_query_length_selects_version() {
    // 9 to 11 bytes is no valid query of any version.
    for len in 9..12 {
        let bytes = checksummed({
            let mut b = vec![0x11, 100, 0, 0, 0, 0, 0, 0];
            b.resize(len, 0);
            b
        });
        assert_eq!(parse(&bytes), Err(WireError::BadLength), "length {len}");
    }
    // Max Resp Time zero in an 8-byte query: version 1.
    let v1 = Repr::Query { max_resp_code: 0, group_addr: Ipv4Addr::UNSPECIFIED };
    assert_eq!(parse(&reemit(&v1)), Ok(v1));
    assert_eq!(v1.to_string(), "igmp query v1");
}

#[test]
fn rfc1112_v1_report_and_rfc2236_2_5_longer_messages() {
    let r = Repr::ReportV1 { group_addr: Ipv4Addr::new(224, 0, 1, 1) };
    assert_eq!(parse(&reemit(&r)), Ok(r));
    assert_eq!(r.to_string(), "igmp v1 report 224.0.1.1");
    // "ignore anything past the first 8 octets" (the checksum still covers it).
    let mut long = reemit(&Repr::ReportV2 { group_addr: Ipv4Addr::new(224, 0, 1, 1) });
    long.extend_from_slice(&[1, 2, 3, 4]);
    let long = checksummed(long);
    assert_eq!(parse(&long), Ok(Repr::ReportV2 { group_addr: Ipv4Addr::new(224, 0, 1, 1) }));
}

#[test]
fn rfc3376_4_2_v3_report_group_records() {
    // Two records: TO_EX with no sources, ALLOW with two sources and one word of aux data.
    let records = hex("04 00 0000 e1010101 \
         05 01 0002 e8010101 c0000201 c0000202 deadbeef");
    let repr = Repr::ReportV3 { num_records: 2, records: &records };
    let bytes = reemit(&repr);
    assert_eq!(&bytes[..8], &[0x22, 0, bytes[2], bytes[3], 0, 0, 0, 2]);
    assert_eq!(parse(&bytes), Ok(repr));
    let recs: Vec<GroupRecord<'_>> = repr.group_records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].record_type, RecordType::CHANGE_TO_EXCLUDE);
    assert_eq!(recs[0].num_sources(), 0);
    assert_eq!(recs[1].multicast_addr, Ipv4Addr::new(232, 1, 1, 1));
    assert_eq!(recs[1].sources().nth(1), Some(Ipv4Addr::new(192, 0, 2, 2)));
    assert_eq!(recs[1].aux_data, &[0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(repr.to_string(), "igmp v3 report, 2 group record(s)");
    assert_eq!(
        std::format!("{repr:#}"),
        "igmp v3 report, 2 group record(s) [gaddr 225.1.1.1 to_ex { }] \
         [gaddr 232.1.1.1 allow { 192.0.2.1 192.0.2.2 } aux 4] [type 0x22, length 36]"
    );
    // Each record re-emits its own bytes.
    let mut out = [0u8; 20];
    assert_eq!(recs[1].emit(&mut out), Ok(20));
    assert_eq!(&out[..], &records[8..]);
    // A record whose sources run past the message.
    let mut bad = bytes.clone();
    bad[8 + 8 + 3] = 9;
    assert_eq!(parse(&checksummed(bad)), Err(WireError::Truncated));
    // More records announced than present.
    let mut bad = bytes.clone();
    bad[7] = 3;
    assert_eq!(parse(&checksummed(bad)), Err(WireError::Truncated));
}

#[test]
fn group_record_emit_errors() {
    let r = GroupRecord {
        record_type: RecordType::MODE_IS_INCLUDE,
        multicast_addr: Ipv4Addr::new(239, 1, 1, 1),
        sources: &[1, 2, 3],
        aux_data: &[],
    };
    assert_eq!(r.emit(&mut [0; 16]), Err(WireError::BadLength));
    let r = GroupRecord { sources: &[1, 2, 3, 4], ..r };
    assert_eq!(r.emit(&mut [0; 11]), Err(WireError::BufferTooSmall));
    assert_eq!(r.emit(&mut [0; 12]), Ok(12));
}

#[test]
fn unknown_types_kept_and_bad_inputs_typed() {
    // DVMRP (0x13) is not decoded, only kept.
    let bytes = checksummed(hex("1301 0000 00000001 0203"));
    let repr = parse(&bytes).unwrap();
    assert!(matches!(
        repr,
        Repr::Other { msg_type: Type(0x13), code: 1, rest_of_header: [0, 0, 0, 1], .. }
    ));
    assert_eq!(reemit(&repr), bytes);
    assert_eq!(repr.to_string(), "igmp type-#0x13 code 1");

    assert_eq!(Packet::new_checked(&[0x11u8; 7][..]), Err(WireError::Truncated));
    let mut bytes = igmp_of(V2_FRAMES[0]);
    bytes[4] ^= 1;
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(Repr::parse(&p), Err(WireError::BadChecksum));
    assert!(Repr::parse_with(&p, Checks::OFFLOADED).is_ok());
    let r = Repr::LeaveGroup { group_addr: Ipv4Addr::new(224, 0, 0, 2) };
    assert_eq!(
        r.emit(&mut Packet::new_unchecked(&mut [0u8; 7][..])),
        Err(WireError::BufferTooSmall)
    );
}

/// Group records that parse: random records concatenated.
fn arb_records() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let record = (any::<u8>(), any::<[u8; 4]>(), 0usize..3, 0usize..2, any::<u8>()).prop_map(
        |(t, addr, n, aux, fill)| {
            let mut r = vec![t, aux as u8, 0, n as u8];
            r.extend_from_slice(&addr);
            r.resize(8 + 4 * n + 4 * aux, fill);
            r
        },
    );
    proptest::collection::vec(record, 0..4).prop_map(|rs| (rs.len() as u16, rs.concat()))
}

proptest! {
    #[test]
    fn repr_round_trip(
        kind in 0u8..7, code in any::<u8>(), addr in any::<[u8; 4]>(), s_flag in any::<bool>(),
        qrv in 0u8..8, qqic in any::<u8>(), n in 0u16..4, extra in 0usize..5,
        (num_records, records) in arb_records(), t in 0x30u8..0x40,
    ) {
        let sources: Vec<u8> = (0..usize::from(n) * 4 + extra).map(|i| i as u8).collect();
        let group_addr = Ipv4Addr::from(addr);
        let repr = match kind {
            0 => Repr::Query { max_resp_code: code, group_addr },
            1 => Repr::QueryV3 {
                max_resp_code: code, group_addr, s_flag, qrv, qqic, num_sources: n, sources: &sources,
            },
            2 => Repr::ReportV1 { group_addr },
            3 => Repr::ReportV2 { group_addr },
            4 => Repr::LeaveGroup { group_addr },
            5 => Repr::ReportV3 { num_records, records: &records },
            _ => Repr::Other { msg_type: Type(t), code, rest_of_header: addr, data: &sources },
        };
        let bytes = reemit(&repr);
        prop_assert_eq!(parse(&bytes), Ok(repr));
        let _ = (repr.to_string(), std::format!("{repr:#}"));
    }

    #[test]
    fn parse_never_panics_and_reparses(mut bytes in proptest::collection::vec(any::<u8>(), 0..64),
                                       t in prop_oneof![Just(0x11u8), Just(0x12), Just(0x16), Just(0x17), Just(0x22), any::<u8>()]) {
        if let Some(b) = bytes.first_mut() {
            *b = t;
        }
        let bytes = if bytes.len() >= 8 { checksummed(bytes) } else { bytes };
        if let Ok(p) = Packet::new_checked(&bytes[..]) {
            let _ = (p.s_flag(), p.qrv(), p.qqic(), p.num_sources(), p.query_sources(),
                     p.num_group_records(), p.group_records());
            if let Ok(repr) = Repr::parse(&p) {
                let again = reemit(&repr);
                prop_assert_eq!(parse(&again), Ok(repr));
                let _ = (repr.to_string(), std::format!("{repr:#}"));
                for r in repr.group_records() {
                    let _ = r.map(|r| r.to_string());
                }
            }
        }
    }
}
