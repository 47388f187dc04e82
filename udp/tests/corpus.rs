//! Real datagrams from the capture corpus: checksums verify against the real pseudo-header,
//! and a parse followed by an emit reproduces every byte.

#[path = "data/vectors.rs"]
#[allow(dead_code)]
mod vectors;

use core::net::{Ipv4Addr, Ipv6Addr};

use unet_core::{IpAddress, WireError};
use unet_udp::{Packet, Repr};
use vectors::{Addr, Vector};

/// Parses with the vector's own addresses, re-emits into a fresh buffer holding the same
/// payload, and checks the bytes match.
fn roundtrip<A: IpAddress>(v: &Vector, src: A, dst: A) -> Repr {
    let bytes = v.bytes();
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert!(packet.verify_checksum(&src, &dst), "checksum of {packet}");
    let repr = Repr::parse(&packet, &src, &dst).unwrap();
    let mut out = vec![0u8; repr.buffer_len()];
    out[8..].copy_from_slice(packet.payload());
    let mut emitted = Packet::new_unchecked(&mut out[..]);
    if packet.checksum() == 0 {
        repr.emit_header(&mut emitted).unwrap();
    } else {
        repr.emit(&mut emitted, &src, &dst).unwrap();
    }
    assert_eq!(out, bytes);
    repr
}

fn roundtrip_any(v: &Vector) -> Repr {
    match (&v.src, &v.dst) {
        (Addr::V4(s), Addr::V4(d)) => roundtrip(v, Ipv4Addr::from(*s), Ipv4Addr::from(*d)),
        (Addr::V6(s), Addr::V6(d)) => roundtrip(v, Ipv6Addr::from(*s), Ipv6Addr::from(*d)),
        _ => unreachable!("vectors keep one IP version"),
    }
}

#[test]
fn dns_over_udp_ipv4() {
    let q = roundtrip_any(&vectors::DNS_QUERY);
    assert_eq!(q, Repr { src_port: 43966, dst_port: 53, payload_len: 56 });
    assert_eq!(q.to_string(), "UDP 43966 > 53, length 56");
    let a = roundtrip_any(&vectors::DNS_RESPONSE);
    assert_eq!((a.src_port, a.dst_port, a.payload_len), (53, 43966, 224));
}

#[test]
fn rfc8200_8_1_dns_over_udp_ipv6_checksum() {
    let r = roundtrip_any(&vectors::IPV6_DNS_QUERY);
    assert_eq!(r, Repr { src_port: 12345, dst_port: 53, payload_len: 29 });
    // The same bytes do not verify under another pseudo-header.
    let bytes = vectors::IPV6_DNS_QUERY.bytes();
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert!(!p.verify_checksum(&Ipv6Addr::LOCALHOST, &Ipv6Addr::LOCALHOST));
}

#[test]
fn dhcp_datagrams() {
    let d = roundtrip_any(&vectors::DHCP_DISCOVER);
    assert_eq!((d.src_port, d.dst_port), (68, 67));
    let a = roundtrip_any(&vectors::DHCP_ACK);
    assert_eq!((a.src_port, a.dst_port), (67, 68));
}

#[test]
fn rfc768_zero_checksum_from_capture_means_none() {
    let bytes = vectors::DHCP_NO_CHECKSUM.bytes();
    assert_eq!(Packet::new_checked(&bytes[..]).unwrap().checksum(), 0);
    let r = roundtrip_any(&vectors::DHCP_NO_CHECKSUM);
    assert_eq!(r.payload_len, 282);
    // Over IPv6 the same datagram would be invalid (RFC 8200 §8.1).
    let p = Packet::new_checked(&bytes[..]).unwrap();
    let any6 = Ipv6Addr::UNSPECIFIED;
    assert_eq!(Repr::parse(&p, &any6, &any6), Err(WireError::BadChecksum));
}

#[test]
fn rfc768_capture_cut_by_snaplen_is_truncated() {
    let bytes = vectors::DNS_RESPONSE_CUT.bytes();
    assert_eq!(bytes.len(), 64);
    assert_eq!(Packet::new_checked(&bytes[..]), Err(WireError::Truncated));
    assert_eq!(
        Repr::parse_without_checksum(&Packet::new_unchecked(&bytes[..])),
        Err(WireError::Truncated)
    );
}

#[test]
fn every_truncation_of_a_real_datagram_is_a_typed_error() {
    let bytes = vectors::DHCP_DISCOVER.bytes();
    for n in 0..bytes.len() {
        assert_eq!(Packet::new_checked(&bytes[..n]), Err(WireError::Truncated), "cut at {n}");
    }
}
