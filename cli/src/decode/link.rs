//! The link layer: Ethernet (with VLAN tags), Linux cooked capture, raw IP.

use unet_ethernet::{EtherType, Frame};
use unet_netif::pcap::LinkType;

use super::sll::{Sll2Repr, SllRepr};
use super::{ip, stop, Data, DataKind, Layer, LayerKind, Step, Walker};
use unet_core::WireError;

/// Decodes a frame of `link_type` from its first byte.
pub(crate) fn walk_link(w: &mut Walker<'_>, link_type: LinkType, frame: &[u8]) -> Step {
    match link_type {
        LinkType::ETHERNET => ethernet(w, frame, 0),
        LinkType::LINUX_SLL => {
            let repr = SllRepr::parse(frame).map_err(stop(LayerKind::Sll, 0))?;
            let common = repr.common;
            w.emit(Layer::Sll(repr), 0, frame.len(), SllRepr::HEADER_LEN);
            cooked_payload(w, common.ethertype(), common.protocol.0, frame, SllRepr::HEADER_LEN)
        }
        LinkType::LINUX_SLL2 => {
            let repr = Sll2Repr::parse(frame).map_err(stop(LayerKind::Sll2, 0))?;
            let common = repr.common;
            w.emit(Layer::Sll2(repr), 0, frame.len(), Sll2Repr::HEADER_LEN);
            cooked_payload(w, common.ethertype(), common.protocol.0, frame, Sll2Repr::HEADER_LEN)
        }
        LinkType::IPV4 => ip::ipv4(w, frame, 0),
        LinkType::IPV6 => ip::ipv6(w, frame, 0),
        raw if raw.is_raw_ip() => match frame.first().map(|b| b >> 4) {
            Some(4) => ip::ipv4(w, frame, 0),
            Some(6) => ip::ipv6(w, frame, 0),
            Some(version) => {
                data(w, DataKind::IpVersion(version), frame.len(), 0);
                Ok(())
            }
            None => Err(stop(LayerKind::RawIp, 0)(WireError::Truncated)),
        },
        _ => Err(stop(LayerKind::Link, 0)(WireError::Unsupported)),
    }
}

/// Ethernet II / 802.3 with up to two VLAN tags (unet-ethernet), at offset `at`.
fn ethernet(w: &mut Walker<'_>, bytes: &[u8], at: usize) -> Step {
    let frame = Frame::new_checked(bytes).map_err(stop(LayerKind::Ethernet, at))?;
    let repr = unet_ethernet::Repr::parse(&frame).map_err(stop(LayerKind::Ethernet, at))?;
    let header_len = repr.header_len();
    w.emit(Layer::Ethernet(repr), at, bytes.len(), header_len);
    let payload = bytes.get(header_len..).unwrap_or(&[]);
    let at = at.saturating_add(header_len);
    match repr.ethertype.as_length() {
        // An 802.3 frame: the length counts the LLC payload; what follows is padding.
        Some(len) => {
            data(w, DataKind::Llc, usize::from(len), at);
            Ok(())
        }
        None => ethertype(w, repr.ethertype, payload, at),
    }
}

/// The payload of a cooked capture: an EtherType's, or a Linux protocol unet does not read.
fn cooked_payload(
    w: &mut Walker<'_>,
    ethertype: Option<EtherType>,
    protocol: u16,
    frame: &[u8],
    header_len: usize,
) -> Step {
    let payload = frame.get(header_len..).unwrap_or(&[]);
    match ethertype {
        Some(t) => self::ethertype(w, t, payload, header_len),
        None => {
            data(w, DataKind::LinkProtocol(protocol), payload.len(), header_len);
            Ok(())
        }
    }
}

/// Dispatches on an EtherType.
pub(crate) fn ethertype(w: &mut Walker<'_>, t: EtherType, payload: &[u8], at: usize) -> Step {
    match t {
        EtherType::IPV4 => ip::ipv4(w, payload, at),
        EtherType::IPV6 => ip::ipv6(w, payload, at),
        EtherType::ARP => ip::arp(w, payload, at),
        _ => {
            data(w, DataKind::EtherType(t), payload.len(), at);
            Ok(())
        }
    }
}

/// Records `len` undecoded bytes at `at` (nothing for an empty payload).
pub(crate) fn data(w: &mut Walker<'_>, kind: DataKind, len: usize, at: usize) {
    if len > 0 {
        w.emit(Layer::Data(Data { kind, len }), at, len, 0);
    }
}
