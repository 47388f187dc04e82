//! The network layer: ARP, IPv4, IPv6 with its extension header chain.

use std::net::Ipv6Addr;

use unet_ipv6::chain::ExtHeaders;
use unet_ipv6::ext::routing::RoutingType;
use unet_ipv6::ExtHeader;

use super::link::data;
use super::{checksum, stop, transport, DataKind, IpPair, Layer, LayerKind, Step, Stop, Walker};

/// ARP (RFC 826) for Ethernet/IPv4; the unit ends where the packet does, before padding.
pub(crate) fn arp(w: &mut Walker<'_>, bytes: &[u8], at: usize) -> Step {
    let packet = unet_arp::packet::Packet::new_checked(bytes).map_err(stop(LayerKind::Arp, at))?;
    let repr = unet_arp::repr::Repr::parse(&packet).map_err(stop(LayerKind::Arp, at))?;
    let len = packet.packet_len();
    w.emit(Layer::Arp(repr), at, len, len);
    Ok(())
}

/// IPv4 (RFC 791): the header, then the payload up to Total Length (Ethernet padding
/// after it is not part of the packet). A fragment after the first is shown as data.
///
/// The header is read without its checksum, which is then verified on its own: one that
/// fails marks the layer and the walk goes on (see [`checksum`]).
pub(crate) fn ipv4(w: &mut Walker<'_>, bytes: &[u8], at: usize) -> Step {
    let packet = unet_ipv4::Packet::new_checked(bytes).map_err(stop(LayerKind::Ipv4, at))?;
    let repr = unet_ipv4::Repr::parse_with(&packet, unet_ipv4::Checks::OFFLOADED)
        .map_err(stop(LayerKind::Ipv4, at))?;
    let status = w
        .checksums()
        .then(|| {
            checksum::status(packet.checksum(), packet.verify_checksum(), || checksum::ipv4(bytes))
        })
        .transpose()
        .map_err(stop(LayerKind::Ipv4, at))?;
    let header_len = repr.header_len();
    w.emit_checked(Layer::Ipv4(repr), at, repr.buffer_len(), header_len, status);
    w.ip = Some(IpPair::V4 { src: repr.src, dst: repr.dst });
    let payload = packet.payload();
    let at = at.saturating_add(header_len);
    if repr.frag_offset != 0 {
        let offset = repr.frag_offset_bytes();
        data(w, DataKind::Fragment { protocol: repr.protocol, offset }, payload.len(), at);
        return Ok(());
    }
    transport::ip_payload(w, repr.protocol, payload, at, repr.more_frags)
}

/// IPv6 (RFC 8200): the fixed header, each extension header (§4), then the upper layer.
pub(crate) fn ipv6(w: &mut Walker<'_>, bytes: &[u8], at: usize) -> Step {
    let packet = unet_ipv6::Packet::new_checked(bytes).map_err(stop(LayerKind::Ipv6, at))?;
    let repr = unet_ipv6::Repr::parse(&packet).map_err(stop(LayerKind::Ipv6, at))?;
    w.emit(Layer::Ipv6(repr), at, repr.buffer_len(), repr.header_len());
    let payload = packet.payload();
    let mut at = at.saturating_add(repr.header_len());
    let mut dst = repr.dst_addr;
    let mut fragment = None;
    let mut headers = ExtHeaders::new(repr.next_header, payload);
    while let Some(header) = headers.next() {
        let header =
            header.map_err(|e| Stop { layer: LayerKind::Ipv6Ext, error: e.into(), offset: at })?;
        let len = header.header_len();
        let unit = len.saturating_add(headers.rest().len());
        match header {
            ExtHeader::Routing(r) if r.segments_left > 0 => {
                dst = final_destination(&r).unwrap_or(dst);
            }
            ExtHeader::Fragment(f) => fragment = Some(f),
            _ => {}
        }
        w.emit(Layer::Ipv6Ext(header), at, unit, len);
        at = at.saturating_add(len);
    }
    w.ip = Some(IpPair::V6 { src: repr.src_addr, dst });
    let upper = headers.upper_layer();
    let rest = headers.rest();
    match fragment {
        Some(f) if !f.is_first() => {
            let offset = u32::try_from(f.offset_bytes()).unwrap_or(u32::MAX);
            data(w, DataKind::Fragment { protocol: upper, offset }, rest.len(), at);
            Ok(())
        }
        Some(f) => transport::ip_payload(w, upper, rest, at, f.more_frags),
        None => transport::ip_payload(w, upper, rest, at, false),
    }
}

/// The destination the upper-layer pseudo-header uses when a routing header still has
/// segments to visit (RFC 8200 §8.1): the last address of a type 0 or type 2 list, the
/// first (Segment List\[0\], RFC 8754 §2) of a segment routing header.
fn final_destination(r: &unet_ipv6::ext::routing::RoutingRepr<'_>) -> Option<Ipv6Addr> {
    let mut addrs = r.addresses()?;
    match r.routing_type {
        RoutingType::SEGMENT_ROUTING => addrs.next(),
        _ => addrs.last(),
    }
}
