//! Every DHCP message of the bundled captures (tests/corpus/pcap, see SOURCES.md there):
//! it parses, its options decode typed, and re-emitting reproduces it byte for byte.

extern crate std;
use std::{format, vec::Vec};

use crate::option::{DhcpOption, OptionCode};
use crate::{Message, MessageType, Repr, Vendor};
use unet_core::WireError;

#[path = "../tests/corpus_pcap/mod.rs"]
mod corpus_pcap;
use corpus_pcap::{udp_datagrams, CAPTURES};

/// (frame index, UDP payload) of every Ethernet/IPv4/UDP frame to or from port 67/68.
fn dhcp_payloads(pcap: &[u8]) -> Vec<(usize, &[u8])> {
    let dhcp = |p: u16| p == 67 || p == 68;
    udp_datagrams(pcap)
        .into_iter()
        .filter(|d| dhcp(d.src_port) || dhcp(d.dst_port))
        .map(|d| (d.frame, d.payload))
        .collect()
}

fn all_messages() -> Vec<(&'static str, usize, &'static [u8])> {
    let mut v = Vec::new();
    for (name, pcap) in CAPTURES {
        for (i, p) in dhcp_payloads(pcap) {
            v.push((*name, i, p));
        }
    }
    v
}

/// Options in the captures whose contents break their RFC on purpose (tcpdump's
/// option-33 test sends lengths 3 and 0 for classful static routes, RFC 2132 §5.8).
fn known_bad(name: &str, frame: usize, code: OptionCode) -> bool {
    name == "dhcp-option-33" && (frame == 3 || frame == 4) && code == OptionCode::STATIC_ROUTE
}

#[test]
fn corpus_every_message_parses_types_and_reemits_exactly() {
    let msgs = all_messages();
    assert_eq!(msgs.len(), 58);
    for (name, frame, bytes) in msgs {
        let msg = Message::new_checked(bytes).unwrap();
        let repr = Repr::parse(&msg).unwrap_or_else(|e| panic!("{name} #{frame}: {e}"));
        assert_eq!(repr.buffer_len(), bytes.len());
        let mut out = std::vec![0u8; repr.buffer_len()];
        repr.emit(&mut Message::new_unchecked(&mut out[..])).unwrap();
        assert_eq!(out, bytes, "{name} #{frame}");
        for o in repr.options() {
            let o = o.unwrap();
            let mut buf = [0u8; 1024];
            let typed = repr.get(o.code, &mut buf);
            if known_bad(name, frame, o.code) {
                assert_eq!(typed, Err(WireError::BadOption), "{name} #{frame}");
            } else {
                let typed = typed.unwrap_or_else(|e| panic!("{name} #{frame} {}: {e}", o.code));
                assert!(typed.is_some());
            }
        }
        // both forms print without panicking
        let _ = format!("{repr} {repr:#}");
    }
}

#[test]
fn corpus_charrua_dhcp2_discover_one_liner_and_options() {
    let pcap = CAPTURES[1].1;
    let msgs = dhcp_payloads(pcap);
    let repr = Repr::parse(&Message::new_checked(msgs[0].1).unwrap()).unwrap();
    assert_eq!(
        format!("{repr}"),
        "BOOTP/DHCP, Request from 00:0b:82:01:fc:42, length 272, xid 0x00003d1d, DHCP-Message Discover"
    );
    let mut buf = [0u8; 16];
    match repr.get(OptionCode::CLIENT_ID, &mut buf).unwrap() {
        Some(DhcpOption::ClientId(c)) => assert_eq!(c.id(), &[0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42]),
        other => panic!("{other:?}"),
    }
    let ack = Repr::parse(&Message::new_checked(msgs[3].1).unwrap()).unwrap();
    assert_eq!(ack.message_type(), Some(MessageType::ACK));
    assert!(format!("{ack}").starts_with("BOOTP/DHCP, Reply, length 300, xid 0x00003d1e"));
    let long = format!("{ack:#}");
    assert!(long.contains("Subnet-Mask (1), length 4: "), "{long}");
    assert!(long.contains("Lease-Time (51), length 4: "), "{long}");
}

#[test]
fn corpus_rfc4388_leasequery_and_bootp_without_cookie() {
    let msgs = dhcp_payloads(CAPTURES[5].1);
    let by_frame = |f: usize| msgs.iter().find(|(i, _)| *i == f).unwrap().1;
    let q = Repr::parse(&Message::new_checked(by_frame(8)).unwrap()).unwrap();
    assert_eq!(q.message_type(), Some(MessageType::LEASEQUERY));
    assert!(format!("{q}").ends_with("DHCP-Message Lease Query"));
    let a = Repr::parse(&Message::new_checked(by_frame(9)).unwrap()).unwrap();
    assert_eq!(a.message_type(), Some(MessageType::LEASEACTIVE));
    // Frame 42 has its cookie shifted by one octet: no cookie, so a raw vendor area.
    let raw = Repr::parse(&Message::new_checked(by_frame(42)).unwrap()).unwrap();
    assert!(matches!(raw.vendor, Vendor::Raw(v) if v.len() == 282 - 236));
    assert_eq!(raw.message_type(), None);
}

#[test]
fn corpus_option_33_static_routes() {
    let msgs = dhcp_payloads(CAPTURES[3].1);
    let repr = Repr::parse(&Message::new_checked(msgs[1].1).unwrap()).unwrap();
    let mut buf = [0u8; 64];
    match repr.get(OptionCode::STATIC_ROUTE, &mut buf).unwrap() {
        Some(DhcpOption::StaticRoute(r)) => assert_eq!(r.iter().count(), 2),
        other => panic!("{other:?}"),
    }
}
