//! Above UDP and TCP: DHCP (ports 67/68) and DNS (port 53, over TCP with its length prefix).

use unet_core::WireError;

use super::link::data;
use super::{stop, DataKind, Layer, LayerKind, Step, Walker};

/// DHCP server and client ports (RFC 2131 §4.1).
const DHCP_PORTS: [u16; 2] = [67, 68];
/// DNS (RFC 1035 §4.2).
const DNS_PORT: u16 = 53;

fn uses(src_port: u16, dst_port: u16, ports: &[u16]) -> bool {
    ports.contains(&src_port) || ports.contains(&dst_port)
}

/// The data of a UDP datagram between `src_port` and `dst_port`, at `at`.
pub(crate) fn udp_payload(
    w: &mut Walker<'_>,
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
    at: usize,
) -> Step {
    if payload.is_empty() {
        return Ok(());
    }
    if uses(src_port, dst_port, &DHCP_PORTS) {
        dhcp(w, payload, at)
    } else if uses(src_port, dst_port, &[DNS_PORT]) {
        dns(w, payload, at)
    } else {
        Ok(())
    }
}

/// The data of a TCP segment: DNS messages, each behind its two-byte length (RFC 1035
/// §4.2.2). A segment that does not hold whole messages (one split across segments) is
/// shown as stream data: decoding it needs the stream reassembled.
pub(crate) fn tcp_payload(
    w: &mut Walker<'_>,
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
    at: usize,
) -> Step {
    if payload.is_empty() || !uses(src_port, dst_port, &[DNS_PORT]) {
        return Ok(());
    }
    let mut rest = payload;
    let mut at = at;
    while let Some((prefix, after)) = rest.split_first_chunk::<2>() {
        let len = usize::from(u16::from_be_bytes(*prefix));
        let Some(message) = after.get(..len) else { break };
        dns(w, message, at.saturating_add(2))?;
        rest = after.get(len..).unwrap_or(&[]);
        at = at.saturating_add(2).saturating_add(len);
    }
    data(w, DataKind::Stream { app: "DNS over TCP" }, rest.len(), at);
    Ok(())
}

/// DHCP / BOOTP (RFC 2131, RFC 951).
fn dhcp(w: &mut Walker<'_>, bytes: &[u8], at: usize) -> Step {
    let msg = unet_dhcp::Message::new_checked(bytes).map_err(stop(LayerKind::Dhcp, at))?;
    let repr = unet_dhcp::Repr::parse(&msg).map_err(stop(LayerKind::Dhcp, at))?;
    let len = repr.buffer_len();
    w.emit(Layer::Dhcp(repr), at, len, len);
    Ok(())
}

/// A DNS message (RFC 1035 §4), read whole.
fn dns(w: &mut Walker<'_>, bytes: &[u8], at: usize) -> Step {
    let msg = unet_dns::Message::new_checked(bytes)
        .map_err(|e| stop(LayerKind::Dns, at)(WireError::from(e)))?;
    let len = msg.as_bytes().len();
    w.emit(Layer::Dns(msg), at, len, unet_dns::HEADER_LEN.min(len));
    Ok(())
}
