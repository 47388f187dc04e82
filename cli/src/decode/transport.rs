//! What IP carries: UDP, TCP, ICMPv4, IGMP, ICMPv6.

use unet_core::{IpProtocol, WireError};

use super::link::data;
use super::{app, stop, DataKind, IpPair, Layer, LayerKind, Step, Stop, Walker};

/// Decodes the payload of an IP packet whose protocol is `protocol`, starting at `at`.
///
/// In a first fragment (`first_fragment`) checksums cannot be verified, and a transport
/// unit cut by the fragmentation is shown as fragment data rather than as an error.
pub(crate) fn ip_payload(
    w: &mut Walker<'_>,
    protocol: IpProtocol,
    payload: &[u8],
    at: usize,
    first_fragment: bool,
) -> Step {
    let result = match protocol {
        IpProtocol::UDP => udp(w, payload, at, first_fragment),
        IpProtocol::TCP => tcp(w, payload, at, first_fragment),
        IpProtocol::ICMP if is_v4(w) => icmpv4(w, payload, at, first_fragment),
        IpProtocol::IGMP if is_v4(w) => igmp(w, payload, at, first_fragment),
        IpProtocol::ICMPV6 if !is_v4(w) => icmpv6(w, payload, at, first_fragment),
        p => {
            data(w, DataKind::IpProtocol(p), payload.len(), at);
            Ok(())
        }
    };
    match result {
        Err(Stop { error: WireError::Truncated, offset, .. }) if first_fragment && offset == at => {
            data(w, DataKind::Fragment { protocol, offset: 0 }, payload.len(), at);
            Ok(())
        }
        other => other,
    }
}

/// UDP (RFC 768), its checksum verified over the enclosing IP pseudo-header.
fn udp(w: &mut Walker<'_>, bytes: &[u8], at: usize, fragment: bool) -> Step {
    let packet = unet_udp::Packet::new_checked(bytes).map_err(stop(LayerKind::Udp, at))?;
    let verify = w.checksums() && !fragment;
    let repr = match w.ip {
        Some(IpPair::V4 { src, dst }) if verify => unet_udp::Repr::parse(&packet, &src, &dst),
        Some(IpPair::V6 { src, dst }) if verify => unet_udp::Repr::parse(&packet, &src, &dst),
        _ => unet_udp::Repr::parse_without_checksum(&packet),
    }
    .map_err(stop(LayerKind::Udp, at))?;
    w.emit(Layer::Udp(repr), at, repr.buffer_len(), repr.header_len());
    let data = packet.payload();
    app::udp_payload(w, repr.src_port, repr.dst_port, data, at.saturating_add(repr.header_len()))
}

/// TCP (RFC 9293), its checksum verified over the enclosing IP pseudo-header.
fn tcp(w: &mut Walker<'_>, bytes: &[u8], at: usize, fragment: bool) -> Step {
    let segment = unet_tcp::Segment::new_checked(bytes).map_err(stop(LayerKind::Tcp, at))?;
    let verify = w.checksums() && !fragment;
    let repr = match w.ip {
        Some(IpPair::V4 { src, dst }) if verify => unet_tcp::Repr::parse(&segment, &src, &dst),
        Some(IpPair::V6 { src, dst }) if verify => unet_tcp::Repr::parse(&segment, &src, &dst),
        _ => unet_tcp::Repr::parse_without_checksum(&segment),
    }
    .map_err(stop(LayerKind::Tcp, at))?;
    w.emit(Layer::Tcp(repr), at, repr.buffer_len(), repr.header_len());
    let data = segment.payload();
    app::tcp_payload(w, repr.src_port, repr.dst_port, data, at.saturating_add(repr.header_len()))
}

fn is_v4(w: &Walker<'_>) -> bool {
    matches!(w.ip, Some(IpPair::V4 { .. }))
}

fn ipv4_checks(w: &Walker<'_>, fragment: bool) -> unet_ipv4::Checks {
    if w.checksums() && !fragment {
        unet_ipv4::Checks::ALL
    } else {
        unet_ipv4::Checks::OFFLOADED
    }
}

/// ICMP (RFC 792): the whole message is the unit; its first 8 bytes the header.
fn icmpv4(w: &mut Walker<'_>, bytes: &[u8], at: usize, fragment: bool) -> Step {
    use unet_ipv4::icmp;
    let packet = icmp::Packet::new_checked(bytes).map_err(stop(LayerKind::Icmpv4, at))?;
    let repr = icmp::Repr::parse_with(&packet, ipv4_checks(w, fragment))
        .map_err(stop(LayerKind::Icmpv4, at))?;
    let len = repr.buffer_len();
    w.emit(Layer::Icmpv4(repr), at, len, icmp::HEADER_LEN.min(len));
    Ok(())
}

/// IGMP (RFC 2236, RFC 3376): the whole message is the unit.
fn igmp(w: &mut Walker<'_>, bytes: &[u8], at: usize, fragment: bool) -> Step {
    use unet_ipv4::igmp;
    let packet = igmp::Packet::new_checked(bytes).map_err(stop(LayerKind::Igmp, at))?;
    let repr = igmp::Repr::parse_with(&packet, ipv4_checks(w, fragment))
        .map_err(stop(LayerKind::Igmp, at))?;
    let len = repr.buffer_len();
    w.emit(Layer::Igmp(repr), at, len, igmp::HEADER_LEN.min(len));
    Ok(())
}

/// ICMPv6 (RFC 4443) with NDP (RFC 4861) and MLD (RFC 2710, RFC 3810), its checksum
/// verified over the IPv6 pseudo-header.
fn icmpv6(w: &mut Walker<'_>, bytes: &[u8], at: usize, fragment: bool) -> Step {
    use unet_ipv6::icmp;
    let msg = unet_ipv6::Message::new_checked(bytes).map_err(stop(LayerKind::Icmpv6, at))?;
    let repr = match w.ip {
        Some(IpPair::V6 { src, dst }) if w.checksums() && !fragment => {
            icmp::Repr::parse(&msg, src, dst)
        }
        _ => icmp::Repr::parse_unverified(&msg),
    }
    .map_err(stop(LayerKind::Icmpv6, at))?;
    let len = repr.buffer_len();
    w.emit(Layer::Icmpv6(repr), at, len, icmp::HEADER_LEN.min(len));
    Ok(())
}
