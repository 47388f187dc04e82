//! Where a layer of a corpus frame decodes, emitting its `Repr` again reproduces the
//! original bytes — header fields and checksums — layer by layer: `emit(parse(b)) == b`.
//!
//! A layer whose checksum did not verify (left for checksum offload) is emitted with the
//! right one, so it is compared, byte for byte, with the original in which the checksum
//! field holds the value the dissector said it should: every other byte must match, and
//! that value must be the one `emit` computes.

use unet::decode::{walk, Decoded, IpPair, Layer, LayerKind, Options};
use unet_core::WireError;
use unet_tests::{corpus_files, file_name, read_frames};

/// How many bytes of the unit the layer's `emit` writes: the header, or the whole message
/// for ICMP, ICMPv6, IGMP and DHCP, whose `Repr` holds the data too.
fn written_len(d: &Decoded<'_>) -> usize {
    match &d.layer {
        Layer::Icmpv4(r) => r.buffer_len(),
        Layer::Igmp(r) => r.buffer_len(),
        Layer::Icmpv6(r) => r.buffer_len(),
        Layer::Dhcp(r) => r.buffer_len(),
        _ => d.header_len,
    }
}

/// Where the checksum field lies in the unit of a layer that has one: IPv4 (RFC 791 §3.1),
/// ICMP (RFC 792), IGMP (RFC 2236 §2), ICMPv6 (RFC 4443 §2.1), UDP (RFC 768), TCP
/// (RFC 9293 §3.1).
fn checksum_field(kind: LayerKind) -> Option<std::ops::Range<usize>> {
    match kind {
        LayerKind::Ipv4 => Some(10..12),
        LayerKind::Icmpv4 | LayerKind::Igmp | LayerKind::Icmpv6 => Some(2..4),
        LayerKind::Udp => Some(6..8),
        LayerKind::Tcp => Some(16..18),
        _ => None,
    }
}

/// `unit` as it should have been sent: a checksum that did not verify replaced by the one
/// that does. Counts each replacement in `patched`.
fn as_sent(unit: &[u8], d: &Decoded<'_>, patched: &mut usize) -> Vec<u8> {
    let mut unit = unit.to_vec();
    if let Some(status) = d.checksum.filter(|c| !c.ok) {
        let field = checksum_field(d.layer.kind()).expect("a checksum on a layer without one");
        assert_eq!(unit[field.clone()], status.found.to_be_bytes(), "{}", d.layer);
        unit[field].copy_from_slice(&status.expected.to_be_bytes());
        *patched += 1;
    }
    unit
}

/// Emits `d`'s layer into a copy of its unit whose written part was zeroed, and returns the
/// bytes written; `None` for a layer that has nothing to emit.
fn reemit(unit: &[u8], d: &Decoded<'_>) -> Option<Result<Vec<u8>, WireError>> {
    let len = written_len(d);
    let mut buf = unit.to_vec();
    buf.get_mut(..len)?.fill(0);
    let result = match (&d.layer, d.ip) {
        (Layer::Ethernet(r), _) => r.emit(&mut unet_ethernet::Frame::new_unchecked(&mut buf)),
        (Layer::Sll(r), _) => r.emit(&mut buf),
        (Layer::Sll2(r), _) => r.emit(&mut buf),
        (Layer::Arp(r), _) => r.emit(&mut unet_arp::Packet::new_unchecked(&mut buf)),
        (Layer::Ipv4(r), _) => r.emit(&mut unet_ipv4::Packet::new_unchecked(&mut buf)),
        (Layer::Ipv6(r), _) => r.emit(&mut unet_ipv6::Packet::new_unchecked(&mut buf)),
        (Layer::Ipv6Ext(h), _) => h.emit(&mut buf),
        (Layer::Icmpv4(r), _) => r.emit(&mut unet_ipv4::icmp::Packet::new_unchecked(&mut buf)),
        (Layer::Igmp(r), _) => r.emit(&mut unet_ipv4::igmp::Packet::new_unchecked(&mut buf)),
        (Layer::Icmpv6(r), Some(IpPair::V6 { src, dst })) => {
            r.emit(&mut unet_ipv6::Message::new_unchecked(&mut buf), src, dst)
        }
        (Layer::Dhcp(r), _) => r.emit(&mut unet_dhcp::Message::new_unchecked(&mut buf)),
        (Layer::Udp(r), Some(ip)) => {
            let mut packet = unet_udp::Packet::new_unchecked(&mut buf);
            match ip {
                // RFC 768: an all-zero checksum over IPv4 means "none", and stays so.
                IpPair::V4 { .. } if unit.get(6..8) == Some(&[0, 0]) => r.emit_header(&mut packet),
                IpPair::V4 { src, dst } => r.emit(&mut packet, &src, &dst),
                IpPair::V6 { src, dst } => r.emit(&mut packet, &src, &dst),
            }
        }
        (Layer::Tcp(r), Some(ip)) => {
            let mut segment = unet_tcp::Segment::new_unchecked(&mut buf);
            match ip {
                IpPair::V4 { src, dst } => r.emit(&mut segment, &src, &dst),
                IpPair::V6 { src, dst } => r.emit(&mut segment, &src, &dst),
            }
        }
        // Undecoded bytes; DNS has a checked view and a builder but no byte-exact `Repr`.
        (Layer::Data(_) | Layer::Dns(_), _) => return None,
        (layer, ip) => panic!("no re-emit for {:?} (ip {ip:?})", layer.kind()),
    };
    Some(result.map(|()| buf[..len].to_vec()))
}

#[test]
fn every_decoded_layer_reemits_its_original_bytes() {
    let mut checked = std::collections::BTreeMap::<&'static str, usize>::new();
    let mut patched = 0;
    for path in corpus_files() {
        let name = file_name(&path);
        for (i, frame) in read_frames(&path).unwrap().iter().enumerate() {
            walk(frame.link_type, &frame.data, Options::default(), &mut |d: &Decoded<'_>| {
                let unit = as_sent(&frame.data[d.range.clone()], d, &mut patched);
                let Some(emitted) = reemit(&unit, d) else { return };
                let kind = d.layer.kind();
                let emitted = emitted.unwrap_or_else(|e| panic!("{name} #{i} {kind}: {e}"));
                assert_eq!(
                    emitted,
                    &unit[..emitted.len()],
                    "{name} #{} {kind}: {}",
                    i + 1,
                    d.layer
                );
                *checked.entry(kind.name()).or_default() += 1;
            });
        }
    }
    // Every kind the corpus holds was re-emitted at least once.
    for kind in [
        LayerKind::Ethernet,
        LayerKind::Sll,
        LayerKind::Ipv4,
        LayerKind::Ipv6,
        LayerKind::Ipv6Ext,
        LayerKind::Icmpv4,
        LayerKind::Igmp,
        LayerKind::Icmpv6,
        LayerKind::Udp,
        LayerKind::Tcp,
        LayerKind::Dhcp,
    ] {
        assert!(checked.contains_key(kind.name()), "no {kind} layer re-emitted: {checked:?}");
    }
    // The corpus's offloaded checksums (see corpus_decode.rs): 2 IPv4 headers of
    // charrua-dhcp2, the UDP of 4 + 6 loopback frames and 21 edns-opts queries.
    assert_eq!(patched, 2 + 4 + 6 + 21);
}
