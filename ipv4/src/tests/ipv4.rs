extern crate std;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

use core::net::Ipv4Addr;

use proptest::prelude::*;
use unet_core::{IpProtocol, WireError};

use super::{after_ethernet, hex};
use crate::options::{Ipv4Option, OptionsBuilder};
use crate::{Checks, Packet, Repr};

/// tcpdump-LINKTYPE_IPV4.pcap, frame 0: a raw-IP (link type 228) UDP DNS query.
const RAW_IPV4_DNS: &str = "45000039000100004011a695c0a80164090909093039003500251976\
    123401000001000000000000076578616d706c6503636f6d0000010001";

/// tcpdump-IGMP_V2.pcap, frame 2: an IGMPv2 report with Router Alert, padded by Ethernet.
const IGMP_V2_REPORT_FRAME: &str = "01005e0a0a0a00020219512808004600002000004000010\
    22d52c0a80bc9e10a0a0a940400001600feeae10a0a0a0000000000000000000000000000";

/// tcpdump-igmpv3-queries.pcap, frame 0: DSCP CS6, Router Alert, IGMPv3 query.
const IGMPV3_QUERY_FRAME: &str = "01005e0000010200016300000800\
    46c00024000100000102840dc0020002e0000001940400001164ec1e00000000027d0000";

#[test]
fn rfc791_3_1_raw_ip_capture_fields() {
    let bytes = hex(RAW_IPV4_DNS);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!((p.version(), p.ihl(), p.header_len()), (4, 5, 20));
    assert_eq!((p.dscp(), p.ecn(), p.total_len()), (0, 0, 57));
    assert_eq!((p.identification(), p.ttl(), p.protocol()), (1, 64, IpProtocol::UDP));
    assert!(!p.dont_frag() && !p.more_frags() && !p.reserved_flag() && !p.is_fragment());
    assert_eq!(p.checksum(), 0xa695);
    assert!(p.verify_checksum());
    assert_eq!(p.src_addr(), Ipv4Addr::new(192, 168, 1, 100));
    assert_eq!(p.dst_addr(), Ipv4Addr::new(9, 9, 9, 9));
    assert_eq!(p.options(), &[] as &[u8]);
    assert_eq!(p.payload(), &bytes[20..]);
    let r = Repr::parse(&p).unwrap();
    assert_eq!(r.payload_len, 37);
    assert_eq!(r.to_string(), "IP 192.168.1.100 > 9.9.9.9: UDP, length 37");
    assert_eq!(
        std::format!("{r:#}"),
        "IP (tos 0x0, dscp 0, ecn 0, ttl 64, id 1, offset 0, flags [none], proto UDP (17), \
         length 57) 192.168.1.100 > 9.9.9.9"
    );
}

/// Emits `repr` over a copy of `bytes` with the header zeroed and checks the result equals
/// `bytes` (payload untouched, header reproduced byte for byte).
fn assert_reemits_exactly(bytes: &[u8], repr: &Repr<'_>) {
    let mut out = bytes.to_vec();
    out[..repr.header_len()].fill(0);
    repr.emit(&mut Packet::new_unchecked(&mut out[..])).unwrap();
    assert_eq!(out, bytes);
}

#[test]
fn corpus_headers_reemit_exactly() {
    let raw = hex(RAW_IPV4_DNS);
    let igmp = hex(IGMP_V2_REPORT_FRAME);
    let igmpv3 = hex(IGMPV3_QUERY_FRAME);
    for bytes in [&raw[..], after_ethernet(&igmp), after_ethernet(&igmpv3)] {
        let p = Packet::new_checked(bytes).unwrap();
        let r = Repr::parse(&p).unwrap();
        let total = usize::from(p.total_len());
        assert_reemits_exactly(&bytes[..total], &r);
    }
}

#[test]
fn rfc2113_router_alert_in_igmp_capture() {
    let frame = hex(IGMP_V2_REPORT_FRAME);
    let p = Packet::new_checked(after_ethernet(&frame)).unwrap();
    assert_eq!((p.ihl(), p.header_len()), (6, 24));
    assert!(p.dont_frag());
    let r = Repr::parse(&p).unwrap();
    assert!(r.has_router_alert());
    assert_eq!(r.options().collect::<Vec<_>>(), vec![Ok(Ipv4Option::RouterAlert(0))]);
    assert_eq!(r.protocol, IpProtocol::IGMP);
    // Total Length is 32: the 14 bytes of Ethernet padding are not payload.
    assert_eq!(p.payload().len(), 8);
    assert_eq!(r.payload_len, 8);
    assert_eq!(
        std::format!("{r:#}"),
        "IP (tos 0x0, dscp 0, ecn 0, ttl 1, id 0, offset 0, flags [DF], proto IGMP (2), \
         length 32, options (RA value 0)) 192.168.11.201 > 225.10.10.10"
    );
}

#[test]
fn rfc2474_dscp_and_rfc3168_ecn() {
    let frame = hex(IGMPV3_QUERY_FRAME);
    let p = Packet::new_checked(after_ethernet(&frame)).unwrap();
    assert_eq!((p.dscp(), p.ecn()), (48, 0));
    let mut bytes = after_ethernet(&frame).to_vec();
    let mut q = Packet::new_unchecked(&mut bytes[..]);
    q.set_ecn(3);
    q.set_dscp(46);
    assert_eq!((q.dscp(), q.ecn()), (46, 3));
    assert_eq!(q.as_ref()[1], 0xbb);
}

#[test]
fn rfc791_3_1_ihl_below_five_rejected() {
    let mut bytes = hex(RAW_IPV4_DNS);
    bytes[0] = 0x44;
    assert_eq!(Packet::new_checked(&bytes[..]), Err(WireError::BadLength));
}

#[test]
fn rfc791_3_1_header_longer_than_buffer_is_truncated() {
    let mut bytes = hex(RAW_IPV4_DNS);
    bytes.truncate(30);
    bytes[0] = 0x4f; // 60-byte header in 30 bytes
    assert_eq!(Packet::new_checked(&bytes[..]), Err(WireError::Truncated));
    assert_eq!(Packet::new_checked(&bytes[..19]), Err(WireError::Truncated));
    assert_eq!(Packet::new_checked(&[][..]), Err(WireError::Truncated));
}

#[test]
fn rfc791_3_1_total_length_checks() {
    let bytes = hex(RAW_IPV4_DNS);
    // Total length beyond the buffer.
    assert_eq!(Packet::new_checked(&bytes[..56]), Err(WireError::Truncated));
    // Total length shorter than the header.
    let mut short = bytes.clone();
    short[2..4].copy_from_slice(&19u16.to_be_bytes());
    assert_eq!(Packet::new_checked(&short[..]), Err(WireError::BadLength));
    // Bytes after Total Length are allowed and ignored.
    let mut padded = bytes.clone();
    padded.extend_from_slice(&[0; 9]);
    let p = Packet::new_checked(&padded[..]).unwrap();
    assert_eq!(p.payload(), &bytes[20..]);
}

#[test]
fn rfc791_3_1_version_other_than_four_rejected() {
    let mut bytes = hex(RAW_IPV4_DNS);
    bytes[0] = 0x65;
    assert_eq!(Packet::new_checked(&bytes[..]), Err(WireError::BadVersion));
}

#[test]
fn rfc1071_bad_header_checksum_rejected_unless_offloaded() {
    let mut bytes = hex(RAW_IPV4_DNS);
    bytes[10] ^= 0x01;
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert!(!p.verify_checksum());
    assert_eq!(Repr::parse(&p), Err(WireError::BadChecksum));
    assert!(Repr::parse_with(&p, Checks::OFFLOADED).is_ok());
}

#[test]
fn rfc791_3_1_reserved_flag_must_be_zero() {
    // RFC 3514's "evil bit": the reserved flag set is reported as malformed.
    let mut bytes = hex(RAW_IPV4_DNS);
    let mut p = Packet::new_unchecked(&mut bytes[..]);
    p.set_flags(crate::Flags::RESERVED);
    p.fill_checksum();
    assert!(p.reserved_flag());
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(Repr::parse(&p), Err(WireError::Malformed));
}

#[test]
fn rfc791_3_1_malformed_option_rejected() {
    // IHL 6 with an option whose length (5) runs past the options field.
    let mut bytes = hex("46000018000000004001000 0c0000201c0000202 07050400");
    let mut p = Packet::new_unchecked(&mut bytes[..]);
    p.fill_checksum();
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(Repr::parse(&p), Err(WireError::BadOption));
}

#[test]
fn rfc791_3_2_fragment_fields() {
    let mut bytes = hex(RAW_IPV4_DNS);
    let mut p = Packet::new_unchecked(&mut bytes[..]);
    p.set_more_frags(true);
    p.set_frag_offset(185);
    p.set_dont_frag(false);
    p.fill_checksum();
    assert!(p.is_fragment());
    assert_eq!((p.frag_offset(), p.frag_offset_bytes()), (185, 1480));
    let p = Packet::new_checked(&bytes[..]).unwrap();
    let r = Repr::parse(&p).unwrap();
    assert!(r.is_fragment() && r.more_frags && !r.dont_frag);
    assert_eq!(r.frag_offset_bytes(), 1480);
    assert_eq!(r.to_string(), "IP 192.168.1.100 > 9.9.9.9: UDP, length 37 (frag 1:37@1480+)");
    // The last fragment: offset without More Fragments is still a fragment.
    let last = Repr { more_frags: false, ..r };
    assert!(last.is_fragment());
    assert!(!Repr { frag_offset: 0, ..last }.is_fragment());
}

#[test]
fn rfc1624_decrement_ttl_keeps_checksum_valid() {
    let mut bytes = hex(RAW_IPV4_DNS);
    let mut p = Packet::new_unchecked(&mut bytes[..]);
    assert_eq!(p.decrement_ttl(), 63);
    assert!(p.verify_checksum());
    p.set_ttl(0);
    p.fill_checksum();
    assert_eq!(p.decrement_ttl(), 0);
    assert!(p.verify_checksum());
}

#[test]
fn emit_errors_are_typed() {
    let base = Repr {
        src: Ipv4Addr::new(192, 0, 2, 1),
        dst: Ipv4Addr::new(192, 0, 2, 2),
        protocol: IpProtocol::UDP,
        ttl: 64,
        dscp: 0,
        ecn: 0,
        identification: 7,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        payload_len: 0,
        options: &[],
    };
    let mut buf = [0u8; 80];
    // Options not a multiple of four, or longer than 40 bytes.
    let r = Repr { options: &[1, 1, 1], ..base };
    assert_eq!(r.emit(&mut Packet::new_unchecked(&mut buf[..])), Err(WireError::BadOption));
    let long = [1u8; 44];
    let r = Repr { options: &long, ..base };
    assert_eq!(r.emit(&mut Packet::new_unchecked(&mut buf[..])), Err(WireError::BadOption));
    // Total length over 65535.
    let r = Repr { payload_len: 65516, ..base };
    assert_eq!(r.emit(&mut Packet::new_unchecked(&mut buf[..])), Err(WireError::BadLength));
    // Buffer shorter than the header.
    assert_eq!(
        base.emit(&mut Packet::new_unchecked(&mut buf[..19])),
        Err(WireError::BufferTooSmall)
    );
    // Largest payload that fits.
    let r = Repr { payload_len: 65515, ..base };
    assert_eq!(r.emit(&mut Packet::new_unchecked(&mut buf[..])), Ok(()));
    assert_eq!(Packet::new_unchecked(&buf[..]).total_len(), 65535);
}

#[test]
fn emit_with_router_alert_from_builder() {
    let mut opts = [0u8; 40];
    let mut b = OptionsBuilder::new(&mut opts);
    b.router_alert().unwrap();
    let options = b.finish();
    let repr = Repr {
        src: Ipv4Addr::new(192, 0, 2, 1),
        dst: Ipv4Addr::new(224, 0, 0, 22),
        protocol: IpProtocol::IGMP,
        ttl: 1,
        dscp: 48,
        ecn: 0,
        identification: 0,
        dont_frag: false,
        more_frags: false,
        frag_offset: 0,
        payload_len: 8,
        options,
    };
    let mut buf = [0u8; 32];
    repr.emit(&mut Packet::new_unchecked(&mut buf[..])).unwrap();
    assert_eq!(&buf[..4], &[0x46, 0xc0, 0x00, 0x20]);
    assert_eq!(&buf[20..24], &[0x94, 0x04, 0x00, 0x00]);
    let p = Packet::new_checked(&buf[..]).unwrap();
    assert_eq!(Repr::parse(&p), Ok(repr));
}

#[test]
fn with_payload_display() {
    let bytes = hex(RAW_IPV4_DNS);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    let r = Repr::parse(&p).unwrap();
    assert_eq!(r.with_payload("x").to_string(), "IP 192.168.1.100 > 9.9.9.9: x");
    assert!(std::format!("{:#}", r.with_payload("x")).ends_with("> 9.9.9.9: x"));
}

/// Options fields that parse: sequences of well-formed options, padded to 4 bytes.
fn arb_options() -> impl Strategy<Value = Vec<u8>> {
    let option = prop_oneof![
        Just(vec![1u8]),
        any::<u16>().prop_map(|v| {
            let [a, b] = v.to_be_bytes();
            vec![148, 4, a, b]
        }),
        any::<u16>().prop_map(|v| {
            let [a, b] = v.to_be_bytes();
            vec![136, 4, a, b]
        }),
        (0u8..3).prop_map(|n| {
            let mut o = vec![7, 3 + 4 * n, 4];
            o.resize(usize::from(3 + 4 * n), 0);
            o
        }),
        proptest::collection::vec(any::<u8>(), 0..6).prop_map(|d| {
            let mut o = vec![25, 2 + d.len() as u8];
            o.extend_from_slice(&d);
            o
        }),
    ];
    proptest::collection::vec(option, 0..4).prop_filter_map("fits in 40 bytes", |opts| {
        let mut out: Vec<u8> = opts.concat();
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
        (out.len() <= 40).then_some(out)
    })
}

proptest! {
    #[test]
    fn repr_round_trip(
        src in any::<[u8; 4]>(), dst in any::<[u8; 4]>(), protocol in any::<u8>(),
        ttl in any::<u8>(), dscp in 0u8..64, ecn in 0u8..4, identification in any::<u16>(),
        dont_frag in any::<bool>(), more_frags in any::<bool>(), frag_offset in 0u16..0x2000,
        payload_len in 0usize..64, options in arb_options(),
    ) {
        let repr = Repr {
            src: src.into(), dst: dst.into(), protocol: IpProtocol(protocol), ttl, dscp, ecn,
            identification, dont_frag, more_frags, frag_offset, payload_len, options: &options,
        };
        let mut buf = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut buf[..])).unwrap();
        let p = Packet::new_checked(&buf[..]).unwrap();
        prop_assert_eq!(Repr::parse(&p), Ok(repr));
    }

    #[test]
    fn parse_never_panics_and_reemits_exactly(
        mut bytes in proptest::collection::vec(any::<u8>(), 0..80),
        ihl in 5u8..16, options in proptest::collection::vec(prop_oneof![Just(1u8), Just(0), any::<u8>()], 40),
    ) {
        // Mostly plausible headers, so that parsing gets past the first checks.
        if bytes.len() >= 20 && ihl % 3 != 0 {
            bytes[0] = 0x40 | ihl;
            let hl = usize::from(ihl) * 4;
            if bytes.len() >= hl {
                bytes[20..hl].copy_from_slice(&options[..hl - 20]);
                let total = bytes.len() as u16;
                bytes[2..4].copy_from_slice(&total.to_be_bytes());
            }
        }
        if let Ok(p) = Packet::new_checked(&bytes[..]) {
            let _ = (p.payload(), p.options(), p.flags(), p.frag_offset_bytes());
            if let Ok(r) = Repr::parse_with(&p, Checks::OFFLOADED) {
                let _ = (r.to_string(), std::format!("{r:#}"));
                let total = usize::from(p.total_len());
                let mut out = bytes[..total].to_vec();
                r.emit(&mut Packet::new_unchecked(&mut out[..])).unwrap();
                let mut expected = bytes[..total].to_vec();
                Packet::new_unchecked(&mut expected[..]).fill_checksum();
                prop_assert_eq!(out, expected);
            }
        }
    }
}
