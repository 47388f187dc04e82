//! What IP carries: UDP, TCP, ICMPv4, IGMP, ICMPv6.
//!
//! Each is read without its checksum, which is then verified on its own (unless checksums
//! are skipped, or the unit is cut by fragmentation): one that fails marks the layer and the
//! walk goes on, see [`checksum`].

use unet_core::{IpAddress, IpProtocol, WireError};

use super::link::data;
use super::{
    app, checksum, stop, ChecksumStatus, DataKind, IpPair, Layer, LayerKind, Step, Stop, Walker,
};

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

/// The addresses of the enclosing IP header when checksums are to be verified: not when
/// skipped, nor in a fragment, whose checksum covers bytes this frame does not hold.
fn verify_with(w: &Walker<'_>, fragment: bool) -> Option<IpPair> {
    w.ip.filter(|_| w.checksums() && !fragment)
}

/// UDP (RFC 768), its checksum verified over the enclosing IP pseudo-header.
fn udp(w: &mut Walker<'_>, bytes: &[u8], at: usize, fragment: bool) -> Step {
    let packet = unet_udp::Packet::new_checked(bytes).map_err(stop(LayerKind::Udp, at))?;
    let repr = unet_udp::Repr::parse_without_checksum(&packet).map_err(stop(LayerKind::Udp, at))?;
    fn status<A: IpAddress>(
        packet: &unet_udp::Packet<&[u8]>,
        bytes: &[u8],
        src: &A,
        dst: &A,
    ) -> Result<ChecksumStatus, WireError> {
        let verified = packet.verify_checksum(src, dst);
        checksum::status(packet.checksum(), verified, || checksum::udp(bytes, src, dst))
    }
    let status = match verify_with(w, fragment) {
        Some(IpPair::V4 { src, dst }) => Some(status(&packet, bytes, &src, &dst)),
        Some(IpPair::V6 { src, dst }) => Some(status(&packet, bytes, &src, &dst)),
        None => None,
    }
    .transpose()
    .map_err(stop(LayerKind::Udp, at))?;
    w.emit_checked(Layer::Udp(repr), at, repr.buffer_len(), repr.header_len(), status);
    let data = packet.payload();
    app::udp_payload(w, repr.src_port, repr.dst_port, data, at.saturating_add(repr.header_len()))
}

/// TCP (RFC 9293), its checksum verified over the enclosing IP pseudo-header.
fn tcp(w: &mut Walker<'_>, bytes: &[u8], at: usize, fragment: bool) -> Step {
    let segment = unet_tcp::Segment::new_checked(bytes).map_err(stop(LayerKind::Tcp, at))?;
    let repr =
        unet_tcp::Repr::parse_without_checksum(&segment).map_err(stop(LayerKind::Tcp, at))?;
    fn status<A: IpAddress>(
        segment: &unet_tcp::Segment<&[u8]>,
        bytes: &[u8],
        src: &A,
        dst: &A,
    ) -> Result<ChecksumStatus, WireError> {
        let verified = segment.verify_checksum(src, dst);
        checksum::status(segment.checksum(), verified, || checksum::tcp(bytes, src, dst))
    }
    let status = match verify_with(w, fragment) {
        Some(IpPair::V4 { src, dst }) => Some(status(&segment, bytes, &src, &dst)),
        Some(IpPair::V6 { src, dst }) => Some(status(&segment, bytes, &src, &dst)),
        None => None,
    }
    .transpose()
    .map_err(stop(LayerKind::Tcp, at))?;
    w.emit_checked(Layer::Tcp(repr), at, repr.buffer_len(), repr.header_len(), status);
    let data = segment.payload();
    app::tcp_payload(w, repr.src_port, repr.dst_port, data, at.saturating_add(repr.header_len()))
}

fn is_v4(w: &Walker<'_>) -> bool {
    matches!(w.ip, Some(IpPair::V4 { .. }))
}

/// ICMP (RFC 792): the whole message is the unit; its first 8 bytes the header.
fn icmpv4(w: &mut Walker<'_>, bytes: &[u8], at: usize, fragment: bool) -> Step {
    use unet_ipv4::icmp;
    let packet = icmp::Packet::new_checked(bytes).map_err(stop(LayerKind::Icmpv4, at))?;
    let repr = icmp::Repr::parse_with(&packet, unet_ipv4::Checks::OFFLOADED)
        .map_err(stop(LayerKind::Icmpv4, at))?;
    let status = verify_with(w, fragment)
        .map(|_| {
            checksum::status(packet.checksum(), packet.verify_checksum(), || {
                checksum::icmpv4(bytes)
            })
        })
        .transpose()
        .map_err(stop(LayerKind::Icmpv4, at))?;
    let len = repr.buffer_len();
    w.emit_checked(Layer::Icmpv4(repr), at, len, icmp::HEADER_LEN.min(len), status);
    Ok(())
}

/// IGMP (RFC 2236, RFC 3376): the whole message is the unit.
fn igmp(w: &mut Walker<'_>, bytes: &[u8], at: usize, fragment: bool) -> Step {
    use unet_ipv4::igmp;
    let packet = igmp::Packet::new_checked(bytes).map_err(stop(LayerKind::Igmp, at))?;
    let repr = igmp::Repr::parse_with(&packet, unet_ipv4::Checks::OFFLOADED)
        .map_err(stop(LayerKind::Igmp, at))?;
    let status = verify_with(w, fragment)
        .map(|_| {
            checksum::status(packet.checksum(), packet.verify_checksum(), || checksum::igmp(bytes))
        })
        .transpose()
        .map_err(stop(LayerKind::Igmp, at))?;
    let len = repr.buffer_len();
    w.emit_checked(Layer::Igmp(repr), at, len, igmp::HEADER_LEN.min(len), status);
    Ok(())
}

/// ICMPv6 (RFC 4443) with NDP (RFC 4861) and MLD (RFC 2710, RFC 3810), its checksum
/// verified over the IPv6 pseudo-header.
fn icmpv6(w: &mut Walker<'_>, bytes: &[u8], at: usize, fragment: bool) -> Step {
    use unet_ipv6::icmp;
    let msg = unet_ipv6::Message::new_checked(bytes).map_err(stop(LayerKind::Icmpv6, at))?;
    let repr = icmp::Repr::parse_unverified(&msg).map_err(stop(LayerKind::Icmpv6, at))?;
    let status = match verify_with(w, fragment) {
        Some(IpPair::V6 { src, dst }) => {
            Some(checksum::status(msg.checksum(), msg.verify_checksum(src, dst), || {
                checksum::icmpv6(bytes, src, dst)
            }))
        }
        _ => None,
    }
    .transpose()
    .map_err(stop(LayerKind::Icmpv6, at))?;
    let len = repr.buffer_len();
    w.emit_checked(Layer::Icmpv6(repr), at, len, icmp::HEADER_LEN.min(len), status);
    Ok(())
}
