//! Frame and Repr tests: capture vectors, constructed 802.1Q/802.1ad/802.3 frames, bad
//! input, and proptest round trips.

extern crate std;

use std::string::ToString;
use std::vec::Vec;

use proptest::prelude::*;
use unet_core::{TxBuf, WireError};

use crate::{fcs, EtherType, EthernetAddress, Frame, Repr, VlanTag, VlanTags, MAX_VLAN_TAGS};

/// Hex digits to bytes; anything that is not a hex digit (spaces, newlines) is skipped.
pub(crate) fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(core::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// tcpdump-ipv4_tcp_http_xml.pcap, frame 1 (first 38 of 663 bytes): 802.1Q VLAN 165
/// carrying IPv4.
const CAPTURE_VLAN_165: &str = "0003b2780417 0050569f369f 8100 00a5 0800
    4500 0285 59ef 4000 8006 1927 0a150b5e 0a726578 0050 1687";

/// tcpdump-dhcp-rfc4388.pcap, frame 7: an ARP request padded to 60 bytes.
const CAPTURE_ARP_PADDED: &str = "7483ef07d0a9 a6824bc9a1a7 0806
    0001 0800 06 04 0001 a6824bc9a1a7 0a280203 000000000000 0a280101
    000000000000000000000000000000000000";

/// tcpdump-dhcp-rfc4388.pcap, frame 8: the ARP reply, 42 bytes, unpadded.
const CAPTURE_ARP_REPLY: &str = "a6824bc9a1a7 7483ef07d0a9 0806
    0001 0800 06 04 0002 7483ef07d0a9 0a280101 a6824bc9a1a7 0a280203";

#[test]
fn capture_vlan_165_frame() {
    let bytes = hex(CAPTURE_VLAN_165);
    let frame = Frame::new_checked(&bytes[..]).unwrap();
    assert_eq!(frame.ethertype(), EtherType::VLAN);
    assert_eq!(frame.tag_count(), 1);
    assert_eq!(frame.header_len(), 18);
    assert_eq!(frame.payload_ethertype(), EtherType::IPV4);
    assert_eq!(frame.payload()[0], 0x45);
    let repr = Repr::parse(&frame).unwrap();
    assert_eq!(repr.vid(), Some(165));
    assert_eq!(repr.tags.as_slice(), &[VlanTag::c_tag(165, 0)]);
    assert_eq!(
        repr.to_string(),
        "00:50:56:9f:36:9f > 00:03:b2:78:04:17, ethertype IPv4 (0x0800), vlan 165 p 0"
    );
    assert_eq!(
        std::format!("{repr:#}"),
        "Ethernet dst 00:03:b2:78:04:17 src 00:50:56:9f:36:9f \
         tag [tpid 0x8100 pcp 0 dei 0 vid 165] ethertype 0x0800 (IPv4)"
    );
    assert_reemits(&bytes);
}

#[test]
fn capture_arp_frames_padded_and_unpadded() {
    for (vector, len) in [(CAPTURE_ARP_PADDED, 60), (CAPTURE_ARP_REPLY, 42)] {
        let bytes = hex(vector);
        assert_eq!(bytes.len(), len);
        let frame = Frame::new_checked(&bytes[..]).unwrap();
        let repr = Repr::parse(&frame).unwrap();
        assert_eq!(repr.ethertype, EtherType::ARP);
        assert!(repr.tags.is_empty());
        assert_eq!(frame.payload().len(), len - 14);
        assert_reemits(&bytes);
    }
    let frame = hex(CAPTURE_ARP_REPLY);
    let repr = Repr::parse(&Frame::new_checked(&frame[..]).unwrap()).unwrap();
    assert_eq!(repr.to_string(), "74:83:ef:07:d0:a9 > a6:82:4b:c9:a1:a7, ethertype ARP (0x0806)");
}

/// Emits the parsed header over a copy with a scrambled header and checks the bytes come
/// back exactly.
fn assert_reemits(bytes: &[u8]) {
    let repr = Repr::parse(&Frame::new_checked(bytes).unwrap()).unwrap();
    let mut out = bytes.to_vec();
    out[..repr.header_len()].fill(0x5a);
    repr.emit(&mut Frame::new_unchecked(&mut out[..])).unwrap();
    assert_eq!(out, bytes);
}

#[test]
fn ieee802_1ad_s_tag_then_c_tag() {
    let bytes = hex("ffffffffffff 020000000001 88a8 6064 8100 000a 0806 aabb");
    let frame = Frame::new_checked(&bytes[..]).unwrap();
    let tags: Vec<VlanTag> = frame.vlan_tags().collect();
    assert_eq!(tags, [VlanTag::s_tag(100, 3), VlanTag::c_tag(10, 0)]);
    assert_eq!(frame.header_len(), 22);
    assert_eq!(frame.payload(), &[0xaa, 0xbb]);
    let repr = Repr::parse(&frame).unwrap();
    assert_eq!(repr.tags.outer().map(|t| t.vid), Some(100));
    assert_eq!(repr.vid(), Some(10));
    assert_eq!(
        repr.to_string(),
        "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), svlan 100 p 3, vlan 10 p 0"
    );
    assert_reemits(&bytes);
}

#[test]
fn ieee802_1q_double_c_tag_and_dei() {
    let bytes = hex("ffffffffffff 020000000001 8100 1005 8100 e00a 86dd");
    let repr = Repr::parse(&Frame::new_checked(&bytes[..]).unwrap()).unwrap();
    let dei = VlanTag { dei: true, ..VlanTag::c_tag(5, 0) };
    assert_eq!(repr.tags.as_slice(), &[dei, VlanTag::c_tag(10, 7)]);
    assert_eq!(repr.ethertype, EtherType::IPV6);
    assert!(repr.to_string().ends_with("vlan 5 p 0, DEI, vlan 10 p 7"));
    assert_reemits(&bytes);
}

#[test]
fn more_tags_than_max_vlan_tags_is_unsupported() {
    assert_eq!(MAX_VLAN_TAGS, 2);
    let bytes = hex("ffffffffffff 020000000001 88a8 0001 8100 0002 8100 0003 0800");
    assert_eq!(Frame::new_checked(&bytes[..]).err(), Some(WireError::Unsupported));
    // Through an unchecked view the parser still refuses rather than misreading.
    assert_eq!(Repr::parse(&Frame::new_unchecked(&bytes[..])), Err(WireError::Unsupported));
    // The unchecked view stops at the bound and does not panic.
    let frame = Frame::new_unchecked(&bytes[..]);
    assert_eq!(frame.tag_count(), 0);
    assert_eq!(frame.header_len(), 14);
}

#[test]
fn truncated_headers_are_typed_errors() {
    let bytes = hex("ffffffffffff 020000000001 8100 000a 0800");
    for len in 0..bytes.len() {
        assert_eq!(Frame::new_checked(&bytes[..len]).err(), Some(WireError::Truncated), "{len}");
        assert_eq!(Repr::parse(&Frame::new_unchecked(&bytes[..len])), Err(WireError::Truncated));
    }
    assert!(Frame::new_checked(&bytes[..]).is_ok());
}

/// An IEEE 802.1D configuration BPDU: LLC (DSAP/SSAP 0x42, UI) after a length of 38, then
/// 8 bytes of padding up to the 60-byte minimum.
const BPDU_802_3: &str = "0180c2000000 020000000002 0026 424203
    0000 00 00 00 8000020000000002 00000000 8000020000000002 8001 0000 1400 0200 0f00
    0000000000000000";

#[test]
fn ieee802_3_3_2_6_length_frames_are_reported_not_misparsed() {
    let bytes = hex(BPDU_802_3);
    assert_eq!(bytes.len(), 60);
    let frame = Frame::new_checked(&bytes[..]).unwrap();
    assert!(frame.is_802_3());
    assert_eq!(frame.payload_ethertype().as_length(), Some(38));
    let repr = Repr::parse(&frame).unwrap();
    assert_eq!(repr.ethertype, EtherType(38));
    assert_eq!(repr.to_string(), "02:00:00:00:00:02 > 01:80:c2:00:00:00, 802.3 len 38");
    assert!(std::format!("{repr:#}").ends_with(" length 38 (802.3)"));
    assert_reemits(&bytes);
}

#[test]
fn ieee802_3_3_2_6_bad_length_values() {
    let mut bytes = hex(BPDU_802_3);
    // Longer than the 46 bytes present.
    bytes[12..14].copy_from_slice(&47u16.to_be_bytes());
    assert_eq!(Repr::parse(&Frame::new_checked(&bytes[..]).unwrap()), Err(WireError::BadLength));
    // 1501..=1535: neither a length nor a type.
    bytes.resize(1600, 0);
    for v in [1501u16, 0x05ff] {
        bytes[12..14].copy_from_slice(&v.to_be_bytes());
        assert_eq!(
            Repr::parse(&Frame::new_checked(&bytes[..]).unwrap()),
            Err(WireError::Malformed)
        );
    }
    bytes[12..14].copy_from_slice(&1500u16.to_be_bytes());
    assert!(Repr::parse(&Frame::new_checked(&bytes[..]).unwrap()).is_ok());
}

#[test]
fn emit_refuses_what_would_not_read_back() {
    let mut repr = Repr {
        src_addr: EthernetAddress([2, 0, 0, 0, 0, 1]),
        dst_addr: EthernetAddress::BROADCAST,
        tags: VlanTags::from_slice(&[VlanTag::c_tag(1, 0)]).unwrap(),
        ethertype: EtherType::IPV4,
    };
    let mut buf = [0u8; 18];
    assert_eq!(
        repr.emit(&mut Frame::new_unchecked(&mut buf[..17])),
        Err(WireError::BufferTooSmall)
    );
    assert!(repr.emit(&mut Frame::new_unchecked(&mut buf[..])).is_ok());
    repr.ethertype = EtherType::QINQ;
    assert_eq!(repr.emit(&mut Frame::new_unchecked(&mut buf[..])), Err(WireError::Malformed));
    repr.ethertype = EtherType::IPV4;
    repr.tags = VlanTags::from_slice(&[VlanTag::c_tag(4096, 0)]).unwrap();
    assert_eq!(repr.emit(&mut Frame::new_unchecked(&mut buf[..])), Err(WireError::Malformed));
}

#[test]
fn setters_and_prepend_with_fcs() {
    let repr = Repr {
        src_addr: EthernetAddress([2, 0, 0, 0, 0, 1]),
        dst_addr: EthernetAddress([2, 0, 0, 0, 0, 2]),
        tags: VlanTags::new(),
        ethertype: EtherType(0x88b5),
    };
    let mut storage = [0u8; 80];
    let mut tx = TxBuf::new(&mut storage, 14);
    tx.append(46).unwrap().fill(0x11);
    repr.prepend(&mut tx).unwrap();
    assert_eq!(
        repr.to_string(),
        "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5)"
    );
    assert!(std::format!("{repr:#}").ends_with("ethertype 0x88b5 (Unknown)"));
    assert_eq!(repr.prepend(&mut tx), Err(WireError::BufferTooSmall));
    fcs::append(&mut tx).unwrap();
    let frame = fcs::verify(tx.data()).unwrap();
    assert_eq!(frame.len(), 60);
    let mut copy = frame.to_vec();
    let mut view = Frame::new_checked(&mut copy[..]).unwrap();
    view.set_dst_addr(EthernetAddress::BROADCAST);
    view.set_src_addr(EthernetAddress([2, 0, 0, 0, 0, 3]));
    view.set_ethertype(EtherType::IPV6);
    view.payload_mut()[0] = 0x60;
    let parsed = Repr::parse(&Frame::new_checked(&copy[..]).unwrap()).unwrap();
    assert_eq!(parsed.dst_addr, EthernetAddress::BROADCAST);
    assert_eq!(parsed.src_addr, EthernetAddress([2, 0, 0, 0, 0, 3]));
    assert_eq!(parsed.ethertype, EtherType::IPV6);
    assert_eq!(copy[14], 0x60);
}

fn arb_tag() -> impl Strategy<Value = VlanTag> {
    (prop::bool::ANY, 0u8..=7, prop::bool::ANY, 0u16..=0x0fff).prop_map(|(s, pcp, dei, vid)| {
        let tpid = if s { EtherType::QINQ } else { EtherType::VLAN };
        VlanTag { tpid, pcp, dei, vid }
    })
}

fn arb_repr_and_payload() -> impl Strategy<Value = (Repr, Vec<u8>)> {
    (
        any::<[u8; 6]>(),
        any::<[u8; 6]>(),
        prop::collection::vec(arb_tag(), 0..=MAX_VLAN_TAGS),
        prop_oneof![0u16..=1500, 0x0600u16..=0xffff],
        prop::collection::vec(any::<u8>(), 0..1600),
    )
        .prop_filter_map("ethertype must read back", |(src, dst, tags, et, mut payload)| {
            let ethertype = EtherType(et);
            if ethertype.is_vlan_tpid() {
                return None;
            }
            // An 802.3 length must fit the payload: pad (as a sender does) to make it.
            if let Some(len) = ethertype.as_length() {
                payload.resize(payload.len().max(usize::from(len)), 0);
            }
            let tags = VlanTags::from_slice(&tags).ok()?;
            let repr = Repr { src_addr: src.into(), dst_addr: dst.into(), tags, ethertype };
            Some((repr, payload))
        })
}

proptest! {
    #[test]
    fn repr_parse_emit_round_trip((repr, payload) in arb_repr_and_payload()) {
        let mut buf = std::vec![0u8; repr.buffer_len(payload.len())];
        buf[repr.header_len()..].copy_from_slice(&payload);
        repr.emit(&mut Frame::new_unchecked(&mut buf[..])).unwrap();
        let frame = Frame::new_checked(&buf[..]).unwrap();
        prop_assert_eq!(frame.payload(), &payload[..]);
        prop_assert_eq!(Repr::parse(&frame), Ok(repr));
    }

    #[test]
    fn any_bytes_parse_or_fail_typed_and_reemit_exactly(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        // Bias towards tags so that the walk is exercised.
        let mut bytes = bytes;
        if bytes.len() > 17 && bytes[0] & 1 == 0 {
            bytes[12..14].copy_from_slice(&0x8100u16.to_be_bytes());
            if bytes[1] & 1 == 0 {
                bytes[16..18].copy_from_slice(&0x88a8u16.to_be_bytes());
            }
        }
        let view = Frame::new_unchecked(&bytes[..]);
        if let Ok(repr) = Repr::parse(&view) {
            assert_reemits(&bytes);
            prop_assert_eq!(repr.header_len(), Frame::new_checked(&bytes[..]).unwrap().header_len());
        }
    }
}
