//! Tests of the chain walker, from captures and from RFC 8200 / RFC 7112 rules.
use super::*;
use crate::ext::options::{Ipv6Option, RouterAlert};
use crate::ext::routing::RoutingType;
use crate::packet::{Packet, Repr};
use crate::testutil::*;
extern crate std;
use proptest::prelude::*;
use std::format;
use std::vec;
use std::vec::Vec;

fn chain_of(ip: &[u8]) -> Result<Chain<'_>, ChainError> {
    let p = Packet::new_checked(ip).unwrap();
    let r = Repr::parse(&p).unwrap();
    let payload = &ip[40..40 + usize::from(r.payload_len)];
    Chain::parse(r.next_header, payload)
}

#[test]
fn rfc8200_4_3_hop_by_hop_then_icmpv6_from_mld_capture() {
    let ip = ip_of_frame(MLD_REPORT_FRAME);
    let c = chain_of(&ip).unwrap();
    assert_eq!(c.upper_layer(), IpProtocol::ICMPV6);
    assert_eq!((c.len(), c.upper_offset()), (1, 8));
    assert_eq!(c.payload()[0], 143);
    match c.headers().next() {
        Some(Ok(ExtHeader::HopByHop(h))) => {
            assert_eq!(h.options().next(), Some(Ok(Ipv6Option::RouterAlert(RouterAlert::MLD))))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(format!("{c}"), "[hbh (router-alert MLD, padn 0)]");
}

#[test]
fn rfc8200_4_4_routing_header_from_capture() {
    for (frame, upper) in [(RH0_ECHO_FRAME, IpProtocol::ICMPV6), (RH0_UDP_FRAME, IpProtocol::UDP)] {
        let ip = ip_of_frame(frame);
        let c = chain_of(&ip).unwrap();
        assert_eq!(c.upper_layer(), upper);
        assert_eq!(c.upper_offset(), 24);
        match c.headers().next() {
            Some(Ok(ExtHeader::Routing(r))) => {
                assert_eq!((r.routing_type, r.segments_left), (RoutingType::TYPE0, 1));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn rfc7112_5_incomplete_first_fragment_from_capture() {
    // The packet quoted inside the ICMPv6 Parameter Problem: a first fragment whose upper
    // layer (IPv6-in-IPv6) has only 16 of its 40 header bytes.
    let ip = ip_of_frame(RFC7112_FRAME);
    let quoted = &ip[48..];
    let p = Packet::new_checked(quoted).unwrap();
    let r = Repr::parse(&p).unwrap();
    assert_eq!(r.next_header, IpProtocol::IPV6_FRAGMENT);
    assert_eq!(Chain::parse(r.next_header, p.payload()), Err(ChainError::IncompleteFirstFragment));
    let mut walk = ExtHeaders::new(r.next_header, p.payload());
    assert!(matches!(walk.next(), Some(Ok(ExtHeader::Fragment(_)))));
    assert_eq!(walk.next(), Some(Err(ChainError::IncompleteFirstFragment)));
    assert_eq!(walk.next(), None);
}

#[test]
fn rfc7112_5_first_fragment_with_truncated_extension_header() {
    // Fragment (offset 0, M) then a Destination Options header that claims 16 bytes.
    let payload = [60, 0, 0, 1, 0, 0, 0, 9, 6, 1, 1, 4, 0, 0, 0, 0];
    assert_eq!(
        Chain::parse(IpProtocol::IPV6_FRAGMENT, &payload),
        Err(ChainError::IncompleteFirstFragment)
    );
    // Without the fragment header it is simply truncated.
    assert_eq!(
        Chain::parse(IpProtocol::IPV6_OPTS, &payload[8..]),
        Err(ChainError::Header {
            protocol: IpProtocol::IPV6_OPTS,
            offset: 0,
            error: WireError::Truncated
        })
    );
}

#[test]
fn rfc7112_5_first_fragment_with_whole_tcp_header_is_accepted() {
    let mut payload = vec![6, 0, 0, 1, 0, 0, 0x12, 0x34];
    payload.extend_from_slice(&[0; 20]);
    let c = Chain::parse(IpProtocol::IPV6_FRAGMENT, &payload).unwrap();
    assert_eq!(c.upper_layer(), IpProtocol::TCP);
    assert_eq!(format!("{c}"), "[frag id 0x1234 off 0 M]");
    payload.truncate(27);
    assert_eq!(
        Chain::parse(IpProtocol::IPV6_FRAGMENT, &payload),
        Err(ChainError::IncompleteFirstFragment)
    );
}

#[test]
fn rfc8200_4_5_later_fragment_data_is_not_walked() {
    // Offset 8 (64 bytes): what follows looks like a Hop-by-Hop header but is data.
    let payload = [0, 0, 0, 0x40, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    let c = Chain::parse(IpProtocol::IPV6_FRAGMENT, &payload).unwrap();
    assert!(c.is_later_fragment());
    assert_eq!(c.upper_layer(), IpProtocol::HOP_BY_HOP);
    assert_eq!(c.payload().len(), 8);
}

#[test]
fn rfc8200_4_1_hop_by_hop_only_first() {
    // Destination Options, then Hop-by-Hop.
    let payload = [0, 0, 1, 4, 0, 0, 0, 0, 59, 0, 1, 4, 0, 0, 0, 0];
    assert_eq!(
        Chain::parse(IpProtocol::IPV6_OPTS, &payload),
        Err(ChainError::HopByHopNotFirst { offset: 8 })
    );
    assert_eq!(WireError::from(ChainError::HopByHopNotFirst { offset: 8 }), WireError::Malformed);
}

#[test]
fn chain_longer_than_the_bound_is_rejected() {
    let mut payload = Vec::new();
    for _ in 0..MAX_EXT_HEADERS + 1 {
        payload.extend_from_slice(&[60, 0, 1, 4, 0, 0, 0, 0]);
    }
    assert_eq!(Chain::parse(IpProtocol::IPV6_OPTS, &payload), Err(ChainError::TooManyHeaders));
    payload.truncate(MAX_EXT_HEADERS * 8);
    let last = (MAX_EXT_HEADERS - 1) * 8;
    payload[last] = 59;
    assert_eq!(Chain::parse(IpProtocol::IPV6_OPTS, &payload).unwrap().len(), MAX_EXT_HEADERS);
}

#[test]
fn rfc4302_2_2_authentication_header_length_in_words() {
    // AH with Payload Len 4: (4 + 2) * 4 = 24 bytes, then UDP.
    let mut payload = vec![17, 4];
    payload.extend_from_slice(&[0; 22]);
    payload.extend_from_slice(&[0; 8]);
    let c = Chain::parse(IpProtocol::AH, &payload).unwrap();
    assert_eq!((c.upper_layer(), c.upper_offset()), (IpProtocol::UDP, 24));
}

proptest! {
    #[test]
    fn walked_headers_re_emit_exactly(first in prop::sample::select(vec![0u8, 43, 44, 51, 60, 135, 6]),
                                      bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
        if let Ok(c) = Chain::parse(IpProtocol(first), &bytes) {
            let mut out = vec![0u8; c.upper_offset()];
            let mut at = 0;
            for h in c.headers() {
                let h = h.unwrap();
                h.emit(&mut out[at..]).unwrap();
                prop_assert_eq!(ExtHeader::parse(h.protocol(), &out[at..]).unwrap(), h);
                at += h.header_len();
            }
            prop_assert_eq!(&out[..], &bytes[..c.upper_offset()]);
        }
    }
}
