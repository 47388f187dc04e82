//! A checksum that does not verify marks its layer, with the value found and the one that
//! would have verified; decoding goes on into the payload. Structural errors still stop.

use unet_core::checksum::{checksum, pseudo_header_v6};

use super::*;

/// The checksum field at `field` in `bytes`.
fn field(bytes: &[u8], field: usize) -> u16 {
    u16::from_be_bytes([bytes[field], bytes[field + 1]])
}

/// Dissects `frame` (of `link`) as it is, then with the checksum at `at` flipped, and checks
/// that `kind` goes from correct to marked, with the right values, and nothing else changes.
fn check_marked(link: LinkType, frame: &[u8], kind: LayerKind, at: usize) {
    let good = dissect(link, frame, Options::default());
    assert_eq!(good.outcome, Outcome::Complete, "{}", good.line());
    assert_eq!(good.bad_checksums().count(), 0, "{}", good.line());
    let layer = good.layers.iter().find(|l| l.kind == kind).unwrap();
    let right = field(frame, at);
    assert_eq!(layer.checksum, Some(ChecksumStatus::correct(right)), "{kind}");
    assert!(layer.verbose.ends_with(&format!("cksum 0x{right:04x} (correct)")), "{kind}");

    let mut broken = frame.to_vec();
    broken[at] ^= 0x5a;
    let wrong = field(&broken, at);
    let d = dissect(link, &broken, Options::default());
    assert_eq!(d.outcome, Outcome::Complete, "{}", d.line());
    assert_eq!(kinds(&d), kinds(&good), "{}", d.line());
    let marked: Vec<_> = d.bad_checksums().map(|l| (l.kind, l.checksum)).collect();
    assert_eq!(marked, [(kind, Some(ChecksumStatus::incorrect(wrong, right)))]);
    let mark = format!("[bad cksum 0x{wrong:04x} -> 0x{right:04x}]");
    assert!(d.line().contains(&mark), "{}", d.line());
    let layer = d.layers.iter().find(|l| l.kind == kind).unwrap();
    assert!(layer.line.ends_with(&mark), "{}", layer.line);
    let verbose = format!("cksum 0x{wrong:04x} (incorrect -> 0x{right:04x})");
    assert!(layer.verbose.ends_with(&verbose), "{}", layer.verbose);

    // --no-checksum: nothing verified, nothing marked.
    let skipped = dissect(link, &broken, Options { skip_checksums: true });
    assert_eq!(kinds(&skipped), kinds(&good));
    assert!(skipped.layers.iter().all(|l| l.checksum.is_none()));
    assert!(!skipped.line().contains("cksum"), "{}", skipped.line());
}

/// A DNS query for `a.`: something above UDP, to see the walk go past a bad checksum.
const QUERY: [u8; 19] = [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, b'a', 0, 0, 1, 0, 1];

#[test]
fn rfc791_3_1_bad_header_checksum_marks_ipv4_and_decoding_goes_on() {
    let packet = ipv4(IpProtocol::UDP, false, 0, &udp(40000, 53, &QUERY));
    check_marked(LinkType::IPV4, &packet, LayerKind::Ipv4, 10);
    assert_eq!(
        kinds(&dissect(LinkType::IPV4, &packet, Options::default())),
        [LayerKind::Ipv4, LayerKind::Udp, LayerKind::Dns]
    );
}

#[test]
fn rfc768_bad_udp_checksum_decodes_fully_and_is_marked() {
    let packet = ipv4(IpProtocol::UDP, false, 0, &udp(40000, 53, &QUERY));
    check_marked(LinkType::IPV4, &packet, LayerKind::Udp, 20 + 6);
}

#[test]
fn rfc9293_3_1_bad_tcp_checksum_is_marked() {
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
    let packet = ipv4(IpProtocol::TCP, false, 0, &seg);
    check_marked(LinkType::IPV4, &packet, LayerKind::Tcp, 20 + 16);
}

#[test]
fn rfc792_bad_icmp_checksum_is_marked() {
    // Echo request, identifier 1, sequence 2, four bytes of data.
    let mut echo = vec![8, 0, 0, 0, 0, 1, 0, 2, 1, 2, 3, 4];
    let c = checksum(&echo);
    echo[2..4].copy_from_slice(&c.to_be_bytes());
    let packet = ipv4(IpProtocol::ICMP, false, 0, &echo);
    check_marked(LinkType::IPV4, &packet, LayerKind::Icmpv4, 20 + 2);
}

#[test]
fn rfc2236_2_3_bad_igmp_checksum_is_marked() {
    // Version 2 membership report for 224.0.0.251.
    let mut report = vec![0x16, 0, 0, 0, 224, 0, 0, 251];
    let c = checksum(&report);
    report[2..4].copy_from_slice(&c.to_be_bytes());
    let packet = ipv4(IpProtocol::IGMP, false, 0, &report);
    check_marked(LinkType::IPV4, &packet, LayerKind::Igmp, 20 + 2);
}

#[test]
fn rfc4443_2_3_bad_icmpv6_checksum_is_marked() {
    let src: Ipv6Addr = "2001:db8::1".parse().unwrap();
    let dst: Ipv6Addr = "2001:db8::2".parse().unwrap();
    // Echo request, identifier 1, sequence 2.
    let mut echo = vec![128, 0, 0, 0, 0, 1, 0, 2, 0xab, 0xcd];
    let sum = pseudo_header_v6(src, dst, 58, echo.len() as u32).add_bytes(&echo).finish();
    echo[2..4].copy_from_slice(&sum.to_be_bytes());
    let mut packet = vec![0x60, 0, 0, 0, 0, echo.len() as u8, 58, 64];
    packet.extend_from_slice(&src.octets());
    packet.extend_from_slice(&dst.octets());
    packet.extend_from_slice(&echo);
    check_marked(LinkType::IPV6, &packet, LayerKind::Icmpv6, 40 + 2);
}

#[test]
fn rfc8200_8_1_zero_udp_checksum_over_ipv6_is_marked() {
    // Mandatory over IPv6: zero is not "none" there, so it is wrong.
    let src: Ipv6Addr = "2001:db8::1".parse().unwrap();
    let dst: Ipv6Addr = "2001:db8::2".parse().unwrap();
    let repr = unet_udp::Repr { src_port: 5, dst_port: 6, payload_len: 2 };
    let mut dgram = vec![0u8, 0, 0, 0, 0, 0, 0, 0, b'h', b'i'];
    repr.emit(&mut unet_udp::Packet::new_unchecked(&mut dgram[..]), &src, &dst).unwrap();
    let right = field(&dgram, 6);
    dgram[6..8].fill(0);
    let mut packet = vec![0x60, 0, 0, 0, 0, dgram.len() as u8, 17, 64];
    packet.extend_from_slice(&src.octets());
    packet.extend_from_slice(&dst.octets());
    packet.extend_from_slice(&dgram);
    let d = dissect(LinkType::IPV6, &packet, Options::default());
    assert_eq!(d.outcome, Outcome::Complete);
    assert_eq!(d.layers[1].checksum, Some(ChecksumStatus::incorrect(0, right)));
    // Over IPv4 a zero UDP checksum means "none" (RFC 768) and is fine.
    let mut packet = ipv4(IpProtocol::UDP, false, 0, &udp(5, 6, b"hi"));
    packet[26..28].fill(0);
    let d = dissect(LinkType::IPV4, &packet, Options::default());
    assert_eq!(d.layers[1].checksum, Some(ChecksumStatus::correct(0)));
}

#[test]
fn dissection_names_every_layer_with_a_bad_checksum() {
    let mut packet = ipv4(IpProtocol::UDP, false, 0, &udp(40000, 53, &QUERY));
    let (ip_right, udp_right) = (field(&packet, 10), field(&packet, 26));
    packet[10..12].fill(0);
    packet[26..28].copy_from_slice(&[0x12, 0x34]);
    let frame = ethernet(EtherType::IPV4, &[], &packet);
    let d = dissect(LinkType::ETHERNET, &frame, Options::default());
    assert_eq!(d.outcome, Outcome::Complete, "{}", d.line());
    let marked: Vec<_> = d.bad_checksums().map(|l| (l.kind, l.checksum.unwrap())).collect();
    assert_eq!(
        marked,
        [
            (LayerKind::Ipv4, ChecksumStatus::incorrect(0, ip_right)),
            (LayerKind::Udp, ChecksumStatus::incorrect(0x1234, udp_right)),
        ]
    );
    assert!(!d.layers[0].has_bad_checksum() && !d.layers[3].has_bad_checksum());
    assert_eq!(d.layers[3].kind, LayerKind::Dns);
    // The walk's visitor sees the same marks.
    let mut seen = Vec::new();
    let outcome = walk(LinkType::ETHERNET, &frame, Options::default(), &mut |l: &Decoded<'_>| {
        seen.push(l.checksum.map(|c| c.ok));
    });
    assert!(outcome.is_complete());
    assert_eq!(seen, [None, Some(false), Some(false), None]);
}

#[test]
fn rfc791_3_1_structural_errors_still_stop_a_walk_with_a_bad_checksum() {
    // A bad checksum and the reserved flag set: the flag is what stops the walk.
    let mut packet = ipv4(IpProtocol::UDP, false, 0, &udp(5, 6, b"hi"));
    packet[6] |= 0x80;
    packet[10] ^= 1;
    let d = dissect(LinkType::IPV4, &packet, Options::default());
    assert_eq!(
        d.outcome,
        Outcome::Stopped(Stop { layer: LayerKind::Ipv4, error: WireError::Malformed, offset: 0 })
    );
    assert!(d.layers.is_empty());
    // A bad IPv4 checksum, then a UDP length shorter than its header: marked, then stopped.
    let mut packet = ipv4(IpProtocol::UDP, false, 0, &udp(5, 6, b"hi"));
    packet[10] ^= 1;
    packet[25] = 4;
    let d = dissect(LinkType::IPV4, &packet, Options::default());
    assert_eq!(kinds(&d), [LayerKind::Ipv4]);
    assert!(d.layers[0].has_bad_checksum());
    assert!(
        matches!(d.outcome, Outcome::Stopped(s) if s.layer == LayerKind::Udp && s.offset == 20)
    );
    assert!(d.line().ends_with("] | [udp: bad length field]"), "{}", d.line());
}

#[test]
fn rfc791_fragment_checksums_are_not_verified() {
    // A first fragment: the UDP checksum covers bytes the frame does not hold.
    let whole = udp(1000, 2000, &[0xaa; 4]);
    let packet = ipv4(IpProtocol::UDP, true, 0, &whole);
    let d = dissect(LinkType::IPV4, &packet, Options::default());
    assert_eq!(kinds(&d), [LayerKind::Ipv4, LayerKind::Udp]);
    assert!(d.layers[0].checksum.is_some_and(|c| c.ok));
    assert_eq!(d.layers[1].checksum, None);
}
