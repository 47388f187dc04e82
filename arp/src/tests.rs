//! ARP tests: capture vectors, RFC 5227 probes and announcements, other hardware types,
//! bad lengths, and proptest round trips.

extern crate std;

use core::net::Ipv4Addr;
use std::string::ToString;
use std::vec::Vec;

use proptest::prelude::*;
use unet_core::WireError;
use unet_ethernet::{EtherType, EthernetAddress, Frame};

use crate::{HardwareType, Operation, Packet, Repr};

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(core::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// tcpdump-dhcp-rfc4388.pcap, frame 7: a request in a 60-byte frame (18 bytes of padding).
const CAPTURE_REQUEST_FRAME: &str = "7483ef07d0a9 a6824bc9a1a7 0806
    0001 0800 06 04 0001 a6824bc9a1a7 0a280203 000000000000 0a280101
    000000000000000000000000000000000000";

/// tcpdump-dhcp-rfc4388.pcap, frame 8: the reply, in a 42-byte frame.
const CAPTURE_REPLY_FRAME: &str = "a6824bc9a1a7 7483ef07d0a9 0806
    0001 0800 06 04 0002 7483ef07d0a9 0a280101 a6824bc9a1a7 0a280203";

const MAC_A: EthernetAddress = EthernetAddress([0xa6, 0x82, 0x4b, 0xc9, 0xa1, 0xa7]);
const MAC_B: EthernetAddress = EthernetAddress([0x74, 0x83, 0xef, 0x07, 0xd0, 0xa9]);

/// The ARP packet inside a captured Ethernet frame, with whatever padding follows it.
fn arp_payload(frame_hex: &str) -> Vec<u8> {
    let bytes = hex(frame_hex);
    let frame = Frame::new_checked(&bytes[..]).unwrap();
    assert_eq!(frame.payload_ethertype(), EtherType::ARP);
    frame.payload().to_vec()
}

#[test]
fn rfc826_capture_request_with_ethernet_padding() {
    let bytes = arp_payload(CAPTURE_REQUEST_FRAME);
    assert_eq!(bytes.len(), 46);
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(packet.hardware_type(), HardwareType::ETHERNET);
    assert_eq!(packet.protocol_type(), EtherType::IPV4);
    assert_eq!((packet.hardware_len(), packet.protocol_len()), (6, 4));
    assert_eq!(packet.operation(), Operation::REQUEST);
    assert_eq!(packet.packet_len(), 28);
    assert_eq!(packet.padding(), &[0; 18]);
    let repr = Repr::parse(&packet).unwrap();
    assert_eq!(
        repr,
        Repr::request(MAC_A, Ipv4Addr::new(10, 40, 2, 3), Ipv4Addr::new(10, 40, 1, 1))
    );
    assert_eq!(repr.buffer_len(), 28);
    assert_eq!(repr.to_string(), "Request who-has 10.40.1.1 tell 10.40.2.3");
    assert_eq!(
        std::format!("{repr:#}"),
        "ARP htype 1 (Ethernet) ptype 0x0800 (IPv4) hlen 6 plen 4 oper 1 (Request) \
         sha a6:82:4b:c9:a1:a7 spa 10.40.2.3 tha 00:00:00:00:00:00 tpa 10.40.1.1"
    );
    // The view's Display gives the same fields (addresses in hex).
    assert_eq!(
        packet.to_string(),
        "ARP htype 1 (Ethernet) ptype 0x0800 (IPv4) hlen 6 plen 4 oper 1 (Request) \
         sha a6:82:4b:c9:a1:a7 spa 0a:28:02:03 tha 00:00:00:00:00:00 tpa 0a:28:01:01"
    );
    assert_reemits(&bytes);
}

#[test]
fn rfc826_capture_reply_answers_the_request() {
    let bytes = arp_payload(CAPTURE_REPLY_FRAME);
    assert_eq!(bytes.len(), 28);
    let repr = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
    assert_eq!(repr.to_string(), "Reply 10.40.1.1 is-at 74:83:ef:07:d0:a9");
    let request = arp_payload(CAPTURE_REQUEST_FRAME);
    let request = Repr::parse(&Packet::new_checked(&request[..]).unwrap()).unwrap();
    assert_eq!(request.reply(MAC_B), repr);
    assert_reemits(&bytes);
}

/// Emits the parsed packet over a scrambled copy and checks every byte comes back,
/// padding included.
fn assert_reemits(bytes: &[u8]) {
    let repr = Repr::parse(&Packet::new_checked(bytes).unwrap()).unwrap();
    let mut out = bytes.to_vec();
    out[..Repr::PACKET_LEN].fill(0x5a);
    repr.emit(&mut Packet::new_unchecked(&mut out[..])).unwrap();
    assert_eq!(out, bytes);
}

#[test]
fn rfc5227_2_1_1_probe_and_2_3_announcement() {
    let mac = EthernetAddress([2, 0, 0, 0, 0, 1]);
    let addr = Ipv4Addr::new(192, 0, 2, 1);
    let probe = Repr::probe(mac, addr);
    assert!(probe.is_probe() && !probe.is_gratuitous());
    assert_eq!(probe.to_string(), "Probe who-has 192.0.2.1 from 02:00:00:00:00:01");
    let announce = Repr::announcement(mac, addr);
    assert!(announce.is_announcement() && announce.is_gratuitous() && !announce.is_probe());
    assert_eq!(announce.to_string(), "Gratuitous Request 192.0.2.1 is-at 02:00:00:00:00:01");
    let grat_reply = Repr { operation: Operation::REPLY, ..announce };
    assert!(grat_reply.is_gratuitous() && !grat_reply.is_announcement());
    assert_eq!(grat_reply.to_string(), "Gratuitous Reply 192.0.2.1 is-at 02:00:00:00:00:01");
    for repr in [probe, announce, grat_reply] {
        let mut buf = [0u8; 28];
        repr.emit(&mut Packet::new_unchecked(&mut buf[..])).unwrap();
        assert_eq!(Repr::parse(&Packet::new_checked(&buf[..]).unwrap()), Ok(repr));
    }
}

#[test]
fn rfc826_request_naming_a_target_and_rfc903_reverse_operations() {
    let mac = EthernetAddress([2, 0, 0, 0, 0, 1]);
    let peer = EthernetAddress([2, 0, 0, 0, 0, 2]);
    let (a, b) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2));
    let unicast_poll = Repr { target_hardware_addr: peer, ..Repr::request(mac, b, a) };
    assert_eq!(
        unicast_poll.to_string(),
        "Request who-has 192.0.2.1 (02:00:00:00:00:02) tell 192.0.2.2"
    );
    let rarp = Repr { operation: Operation::REVERSE_REQUEST, ..unicast_poll };
    assert_eq!(rarp.to_string(), "Reverse Request who-is 02:00:00:00:00:02 tell 02:00:00:00:00:01");
    let rarp_reply = Repr { operation: Operation::REVERSE_REPLY, ..unicast_poll };
    assert_eq!(rarp_reply.to_string(), "Reverse Reply 02:00:00:00:00:02 at 192.0.2.1");
    let odd = Repr { operation: Operation(77), ..unicast_poll };
    assert_eq!(
        odd.to_string(),
        "Unknown (77) 192.0.2.2 (02:00:00:00:00:01) > 192.0.2.1 (02:00:00:00:00:02)"
    );
}

#[test]
fn rfc826_other_hardware_and_protocol_types_are_unsupported_but_visible() {
    // InfiniBand (RFC 4391): 20-byte hardware addresses.
    let mut ib = hex("0020 0800 14 04 0001");
    ib.extend((0..20).chain([192, 0, 2, 2]).chain(20..40).chain([192, 0, 2, 1]));
    let packet = Packet::new_checked(&ib[..]).unwrap();
    assert_eq!(packet.packet_len(), 56);
    assert_eq!(packet.hardware_type(), HardwareType::INFINIBAND);
    assert_eq!(packet.source_hardware_addr().len(), 20);
    assert_eq!(packet.target_protocol_addr(), &[192, 0, 2, 1]);
    assert_eq!(Repr::parse(&packet), Err(WireError::Unsupported));
    assert!(packet
        .to_string()
        .starts_with("ARP htype 32 (InfiniBand) ptype 0x0800 (IPv4) hlen 20"));
    // IEEE 802 hardware with Ethernet-sized addresses, and Ethernet with IPv6.
    let mut bytes = arp_payload(CAPTURE_REPLY_FRAME);
    bytes[1] = 6;
    assert_eq!(Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()), Err(WireError::Unsupported));
    bytes[1] = 1;
    bytes[2..4].copy_from_slice(&EtherType::IPV6.0.to_be_bytes());
    assert_eq!(Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()), Err(WireError::Unsupported));
}

#[test]
fn rfc826_bad_hln_and_pln_for_ethernet_ipv4() {
    let mut bytes = arp_payload(CAPTURE_REQUEST_FRAME); // 46 bytes: room for longer fields
    bytes[4] = 5;
    assert_eq!(Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()), Err(WireError::BadLength));
    bytes[4] = 6;
    bytes[5] = 16;
    // 8 + 12 + 32 = 52 > 46: the view itself refuses.
    assert_eq!(Packet::new_checked(&bytes[..]).err(), Some(WireError::Truncated));
    assert_eq!(Repr::parse(&Packet::new_unchecked(&bytes[..])), Err(WireError::Truncated));
    bytes[5] = 0;
    assert_eq!(Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()), Err(WireError::BadLength));
}

#[test]
fn truncated_packets_are_typed_errors() {
    let bytes = arp_payload(CAPTURE_REPLY_FRAME);
    for len in 0..bytes.len() {
        assert_eq!(Packet::new_checked(&bytes[..len]).err(), Some(WireError::Truncated), "{len}");
        assert_eq!(Repr::parse(&Packet::new_unchecked(&bytes[..len])), Err(WireError::Truncated));
    }
    let repr = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
    let mut small = [0u8; 27];
    assert_eq!(
        repr.emit(&mut Packet::new_unchecked(&mut small[..])),
        Err(WireError::BufferTooSmall)
    );
    // Unchecked views of short buffers: address accessors are empty, not panics.
    let stub = Packet::new_unchecked(&bytes[..3]);
    assert_eq!((stub.packet_len(), stub.source_hardware_addr()), (8, &[][..]));
    assert_eq!(stub.to_string(), "ARP (truncated)");
}

#[test]
fn address_setters_check_lengths() {
    let mut bytes = arp_payload(CAPTURE_REPLY_FRAME);
    let mut packet = Packet::new_checked(&mut bytes[..]).unwrap();
    assert_eq!(packet.set_source_protocol_addr(&[1, 2, 3]), Err(WireError::BadLength));
    packet.set_source_protocol_addr(&[192, 0, 2, 9]).unwrap();
    packet.set_hardware_len(200);
    assert_eq!(packet.set_target_hardware_addr(&[0; 200]), Err(WireError::BufferTooSmall));
    packet.set_hardware_len(6);
    let repr = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
    assert_eq!(repr.source_protocol_addr, Ipv4Addr::new(192, 0, 2, 9));
}

fn arb_repr() -> impl Strategy<Value = Repr> {
    (any::<u16>(), any::<[u8; 6]>(), any::<u32>(), any::<[u8; 6]>(), any::<u32>()).prop_map(
        |(op, sha, spa, tha, tpa)| Repr {
            operation: Operation(op),
            source_hardware_addr: sha.into(),
            source_protocol_addr: spa.into(),
            target_hardware_addr: tha.into(),
            target_protocol_addr: tpa.into(),
        },
    )
}

proptest! {
    #[test]
    fn repr_parse_emit_round_trip(repr in arb_repr(), padding in 0usize..32) {
        let mut buf = std::vec![0xee; repr.buffer_len() + padding];
        repr.emit(&mut Packet::new_unchecked(&mut buf[..])).unwrap();
        let packet = Packet::new_checked(&buf[..]).unwrap();
        prop_assert_eq!(packet.padding().len(), padding);
        prop_assert_eq!(Repr::parse(&packet), Ok(repr));
        let _ = (repr.to_string(), std::format!("{repr:#}"));
    }

    #[test]
    fn ethernet_ipv4_bytes_reemit_exactly(tail in prop::collection::vec(any::<u8>(), 22..60)) {
        let mut bytes = hex("0001 0800 06 04");
        bytes.extend_from_slice(&tail);
        assert_reemits(&bytes);
    }

    #[test]
    fn any_bytes_parse_or_fail_typed(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
        let packet = Packet::new_unchecked(&bytes[..]);
        let _ = packet.to_string();
        match Repr::parse(&packet) {
            Ok(_) => assert_reemits(&bytes),
            Err(e) => prop_assert!(matches!(
                e,
                WireError::Truncated | WireError::Unsupported | WireError::BadLength
            )),
        }
    }
}
