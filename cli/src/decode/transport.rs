//! What IP carries: UDP, TCP, ICMPv4, IGMP, ICMPv6.

use unet_core::{IpProtocol, WireError};

use super::link::data;
use super::{stop, DataKind, IpPair, Layer, LayerKind, Step, Stop, Walker};

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
    Ok(())
}
