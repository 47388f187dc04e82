//! NDP option tests: RFC length rules and round trips.
use super::*;
extern crate std;
use proptest::prelude::*;
use std::vec;

#[test]
fn rfc4861_4_6_length_zero_is_bad_option() {
    assert_eq!(NdpOption::parse(&[1, 0, 0, 0, 0, 0, 0, 0]), Err(WireError::BadOption));
    assert_eq!(NdpOptions::parse(&[1]), Err(WireError::BadOption));
}

#[test]
fn rfc4861_4_6_2_prefix_information_must_be_four_units() {
    assert_eq!(NdpOption::parse(&[3, 1, 0, 0, 0, 0, 0, 0]), Err(WireError::BadOption));
}

#[test]
fn rfc8106_5_1_rdnss_length_must_be_odd_and_at_least_three() {
    let mut b = vec![25u8, 2];
    b.resize(16, 0);
    assert_eq!(NdpOption::parse(&b), Err(WireError::BadOption));
    let mut b = vec![25u8, 3];
    b.resize(24, 0);
    assert!(matches!(NdpOption::parse(&b), Ok((NdpOption::Rdnss { .. }, 24))));
}

#[test]
fn rfc4191_2_3_route_information_length_must_hold_prefix() {
    // Prefix length 64 needs length 2; length 1 is inconsistent.
    assert_eq!(NdpOption::parse(&[24, 1, 64, 0x18, 0, 0, 0, 9]), Err(WireError::BadOption));
    let mut b = vec![24u8, 2, 48, 0x08, 0, 0, 0, 9];
    b.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0]);
    let (opt, len) = NdpOption::parse(&b).unwrap();
    let NdpOption::RouteInformation(r) = opt else { panic!("{opt:?}") };
    assert_eq!((len, r.prefix_len, r.route_lifetime), (16, 48, 9));
    assert_eq!(r.preference(), RouterPreference::High);
    assert_eq!(r.prefix_addr(), "2001:db8:1::".parse::<Ipv6Addr>().unwrap());
}

#[test]
fn rfc2464_6_ethernet_link_layer_option_is_one_unit() {
    let (o, _) = NdpOption::parse(&[1, 1, 2, 0, 0, 0, 0, 1]).unwrap();
    assert!(matches!(o, NdpOption::SourceLinkLayerAddr(LinkLayerAddress::Ethernet(_))));
    let mut b = vec![2u8, 2];
    b.resize(16, 7);
    let (o, _) = NdpOption::parse(&b).unwrap();
    assert!(
        matches!(o, NdpOption::TargetLinkLayerAddr(LinkLayerAddress::Other(d)) if d.len() == 14)
    );
}

#[test]
fn emit_rejects_option_not_multiple_of_eight() {
    assert_eq!(NdpOption::Nonce(&[1, 2, 3]).emit(&mut [0u8; 16]), Err(WireError::BadLength));
    assert_eq!(
        NdpOption::Mtu { reserved: 0, mtu: 1500 }.emit(&mut [0u8; 7]),
        Err(WireError::BufferTooSmall)
    );
}

proptest! {
    #[test]
    fn option_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..48), ty in 0u8..40, units in 0u8..6) {
        let mut b = bytes;
        if b.len() >= 2 {
            b[0] = ty;
            b[1] = units;
        }
        if let Ok((o, len)) = NdpOption::parse(&b) {
            let mut out = vec![0u8; o.buffer_len()];
            prop_assert_eq!(o.emit(&mut out).unwrap(), len);
            prop_assert_eq!(&out[..], &b[..len]);
        }
    }
}

#[test]
fn rfc8781_4_scaled_lifetime_is_13_bits() {
    let p = Pref64 { scaled_lifetime: 0x2000, plc: 0, prefix: [0; 12] };
    assert_eq!(NdpOption::Pref64(p).emit(&mut [0u8; 16]), Err(WireError::BadLength));
    let p = Pref64 { scaled_lifetime: 0x1fff, plc: 1, prefix: [0x20; 12] };
    let mut b = [0u8; 16];
    NdpOption::Pref64(p).emit(&mut b).unwrap();
    assert_eq!(NdpOption::parse(&b), Ok((NdpOption::Pref64(p), 16)));
    assert_eq!(p.prefix_len(), Some(64));
}
