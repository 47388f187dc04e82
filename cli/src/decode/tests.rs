//! The dissector on frames built here: the paths the corpus does not take.

use std::net::{Ipv4Addr, Ipv6Addr};

use unet_core::{IpProtocol, WireError};
use unet_ethernet::{EtherType, EthernetAddress, VlanTag, VlanTags};
use unet_netif::pcap::LinkType;

use super::*;

/// Checksums that do not verify mark their layer; the walk goes on.
mod bad_checksums;

const A: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const B: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

fn kinds(d: &Dissection) -> Vec<LayerKind> {
    d.layers.iter().map(|l| l.kind).collect()
}

fn ethernet(ethertype: EtherType, tags: &[VlanTag], payload: &[u8]) -> Vec<u8> {
    let repr = unet_ethernet::Repr {
        src_addr: EthernetAddress([2, 0, 0, 0, 0, 1]),
        dst_addr: EthernetAddress::BROADCAST,
        tags: VlanTags::from_slice(tags).unwrap(),
        ethertype,
    };
    let mut frame = vec![0u8; repr.header_len()];
    frame.extend_from_slice(payload);
    repr.emit(&mut unet_ethernet::Frame::new_unchecked(&mut frame[..])).unwrap();
    frame
}

/// An IPv4 packet around `payload`, header checksum filled.
fn ipv4(protocol: IpProtocol, more_frags: bool, frag_offset: u16, payload: &[u8]) -> Vec<u8> {
    let repr = unet_ipv4::Repr {
        src: A,
        dst: B,
        protocol,
        ttl: 64,
        dscp: 0,
        ecn: 0,
        identification: 7,
        dont_frag: false,
        more_frags,
        frag_offset,
        payload_len: payload.len(),
        options: &[],
    };
    let mut packet = vec![0u8; repr.header_len()];
    packet.extend_from_slice(payload);
    repr.emit(&mut unet_ipv4::Packet::new_unchecked(&mut packet[..])).unwrap();
    packet
}

/// A UDP datagram from port `src` to `dst`, checksum over A > B.
fn udp(src_port: u16, dst_port: u16, data: &[u8]) -> Vec<u8> {
    let repr = unet_udp::Repr { src_port, dst_port, payload_len: data.len() };
    let mut dgram = vec![0u8; 8];
    dgram.extend_from_slice(data);
    repr.emit(&mut unet_udp::Packet::new_unchecked(&mut dgram[..]), &A, &B).unwrap();
    dgram
}

#[test]
fn arp_in_qinq_tagged_ethernet() {
    let me = EthernetAddress([2, 0, 0, 0, 0, 1]);
    let arp = unet_arp::Repr::request(me, A, B);
    let mut body = vec![0u8; 46];
    arp.emit(&mut unet_arp::Packet::new_unchecked(&mut body[..])).unwrap();
    let tags = [VlanTag::s_tag(100, 1), VlanTag::c_tag(10, 0)];
    let frame = ethernet(EtherType::ARP, &tags, &body);
    let d = dissect(LinkType::ETHERNET, &frame, Options::default());
    assert_eq!(d.outcome, Outcome::Complete);
    assert_eq!(kinds(&d), [LayerKind::Ethernet, LayerKind::Arp]);
    // The ARP unit is its 28 bytes, not the padding after them.
    assert_eq!(d.layers[1].range, 22..50);
    assert!(d.line().contains("Request who-has 192.0.2.2 tell 192.0.2.1"), "{}", d.line());
}

#[test]
fn rfc791_later_fragment_is_data_first_fragment_cut_udp_too() {
    let whole = udp(1000, 2000, &[0xaa; 40]);
    let first = ipv4(IpProtocol::UDP, true, 0, &whole[..24]);
    let d = dissect(LinkType::IPV4, &first, Options::default());
    assert_eq!(d.outcome, Outcome::Complete, "{}", d.line());
    assert_eq!(kinds(&d), [LayerKind::Ipv4, LayerKind::Data]);
    assert!(d.line().ends_with("fragment of UDP at offset 0, 24 bytes"), "{}", d.line());
    let later = ipv4(IpProtocol::UDP, false, 3, &whole[24..]);
    let d = dissect(LinkType::RAW, &later, Options::default());
    assert!(d.line().ends_with("fragment of UDP at offset 24, 24 bytes"), "{}", d.line());
}

#[test]
fn rfc791_first_fragment_holding_a_whole_tcp_header_decodes_it() {
    let repr = unet_tcp::Repr {
        src_port: 80,
        dst_port: 4000,
        seq_number: unet_tcp::SeqNumber(1),
        ack_number: unet_tcp::SeqNumber(0),
        flags: unet_tcp::TcpFlags::SYN,
        window_len: 1000,
        urgent_pointer: 0,
        options: unet_tcp::TcpOptions::default(),
        payload_len: 0,
    };
    let mut seg = vec![0u8; 20];
    repr.emit(&mut unet_tcp::Segment::new_unchecked(&mut seg[..]), &A, &B).unwrap();
    seg[16] ^= 0xff; // the checksum cannot be checked on a fragment: not even a wrong one
    let d = dissect(LinkType::IPV4, &ipv4(IpProtocol::TCP, true, 0, &seg), Options::default());
    assert_eq!(kinds(&d), [LayerKind::Ipv4, LayerKind::Tcp], "{}", d.line());
}

#[test]
fn unknown_protocols_end_as_data() {
    let d =
        dissect(LinkType::ETHERNET, &ethernet(EtherType::LLDP, &[], &[1; 30]), Options::default());
    assert_eq!(d.outcome, Outcome::Complete);
    assert!(d.line().ends_with("ethertype LLDP (0x88cc) data, 30 bytes"), "{}", d.line());
    let gre = ipv4(IpProtocol(47), false, 0, &[0; 8]);
    let d = dissect(LinkType::RAW, &gre, Options::default());
    assert!(d.line().ends_with("proto-47 data, 8 bytes"), "{}", d.line());
    let d = dissect(LinkType::RAW_BSDOS, &[0x50, 1, 2], Options::default());
    assert_eq!(d.line(), "IP version 5 data, 3 bytes");
    // An 802.3 frame: its LLC payload is data, its padding is not counted.
    let mut llc = ethernet(EtherType(38), &[], &[0x42; 46]);
    llc[12..14].copy_from_slice(&38u16.to_be_bytes());
    let d = dissect(LinkType::ETHERNET, &llc, Options::default());
    assert!(d.line().ends_with("802.3 LLC data, 38 bytes"), "{}", d.line());
}

#[test]
fn linux_sll2_carries_ipv6_with_fragment_header() {
    // IPv6, Fragment header (offset 8, later fragment) then 8 bytes of UDP data.
    let src: Ipv6Addr = "2001:db8::1".parse().unwrap();
    let dst: Ipv6Addr = "2001:db8::2".parse().unwrap();
    let mut packet = vec![0x60, 0, 0, 0, 0, 16, 44, 64];
    packet.extend_from_slice(&src.octets());
    packet.extend_from_slice(&dst.octets());
    packet.extend_from_slice(&[17, 0, 0, 8, 0, 0, 0, 9]);
    packet.extend_from_slice(&[0xee; 8]);
    let mut frame = vec![0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0];
    frame.extend_from_slice(&packet);
    let d = dissect(LinkType::LINUX_SLL2, &frame, Options::default());
    assert_eq!(d.outcome, Outcome::Complete, "{}", d.line());
    assert_eq!(kinds(&d), [LayerKind::Sll2, LayerKind::Ipv6, LayerKind::Ipv6Ext, LayerKind::Data]);
    assert!(d.line().starts_with("SLL2 ifindex 2 Out 02:00:00:00:00:01 ethertype IPv6"));
    assert!(d.line().ends_with("fragment of UDP at offset 8, 8 bytes"), "{}", d.line());
    // A broken chain names the extension layer.
    let mut bad = frame.clone();
    bad[20 + 6] = 0; // Hop-by-Hop... after which 8 bytes of fragment header are not options
    bad[20 + 40 + 1] = 9; // and a length past the packet
    let d = dissect(LinkType::LINUX_SLL2, &bad, Options::default());
    assert!(
        matches!(d.outcome, Outcome::Stopped(s) if s.layer == LayerKind::Ipv6Ext && s.offset == 60)
    );
}

#[test]
fn rfc1035_4_2_2_dns_over_tcp_whole_and_split() {
    // A query for "a." with its two-byte length, then half of another message.
    let query = [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, b'a', 0, 0, 1, 0, 1];
    let mut data = (query.len() as u16).to_be_bytes().to_vec();
    data.extend_from_slice(&query);
    data.extend_from_slice(&[0, 40, 0x12]);
    let repr = unet_tcp::Repr {
        src_port: 40000,
        dst_port: 53,
        seq_number: unet_tcp::SeqNumber(1),
        ack_number: unet_tcp::SeqNumber(1),
        flags: unet_tcp::TcpFlags::ACK | unet_tcp::TcpFlags::PSH,
        window_len: 1000,
        urgent_pointer: 0,
        options: unet_tcp::TcpOptions::default(),
        payload_len: data.len(),
    };
    let mut seg = vec![0u8; 20];
    seg.extend_from_slice(&data);
    repr.emit(&mut unet_tcp::Segment::new_unchecked(&mut seg[..]), &A, &B).unwrap();
    let packet = ipv4(IpProtocol::TCP, false, 0, &seg);
    let d = dissect(LinkType::IPV4, &packet, Options::default());
    assert_eq!(d.outcome, Outcome::Complete, "{}", d.line());
    assert_eq!(kinds(&d), [LayerKind::Ipv4, LayerKind::Tcp, LayerKind::Dns, LayerKind::Data]);
    assert_eq!(d.layers[2].range, 42..42 + query.len());
    assert!(d.line().contains("4660+ A? a. (19)"), "{}", d.line());
    assert!(d.line().ends_with("DNS over TCP stream data, 3 bytes"), "{}", d.line());
}

#[test]
fn malformed_dns_and_dhcp_are_typed_stops() {
    // A DNS header announcing one question that is not there.
    let packet =
        ipv4(IpProtocol::UDP, false, 0, &udp(53, 5353, &[0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
    let d = dissect(LinkType::IPV4, &packet, Options::default());
    assert!(
        matches!(d.outcome, Outcome::Stopped(s) if s.layer == LayerKind::Dns && s.offset == 28),
        "{:?}",
        d.outcome
    );
    let packet = ipv4(IpProtocol::UDP, false, 0, &udp(68, 67, &[1, 1, 6, 0]));
    let d = dissect(LinkType::IPV4, &packet, Options::default());
    assert!(matches!(d.outcome, Outcome::Stopped(s) if s.layer == LayerKind::Dhcp), "{}", d.line());
}

#[test]
fn verbose_forms_are_recorded() {
    let packet = ipv4(IpProtocol::UDP, false, 0, &udp(5, 6, b"hi"));
    let d = dissect(LinkType::IPV4, &packet, Options::default());
    assert_eq!(d.layers[1].line, "UDP 5 > 6, length 2");
    let cksum = u16::from_be_bytes([packet[26], packet[27]]);
    assert_eq!(
        d.layers[1].verbose,
        format!("UDP src port 5, dst port 6, length 10 (data 2), cksum 0x{cksum:04x} (correct)")
    );
    // Without verification there is nothing to say about the checksum.
    let d = dissect(LinkType::IPV4, &packet, Options { skip_checksums: true });
    assert_eq!(d.layers[1].verbose, "UDP src port 5, dst port 6, length 10 (data 2)");
}
