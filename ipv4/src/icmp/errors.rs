//! When a host may send an ICMP error (RFC 1122 §3.2.2, RFC 1812 §4.3.2.7), and the
//! builder of the errors it sends (RFC 792, RFC 1191 §4, RFC 1812 §4.3.2.3).

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::{IpProtocol, WireError};

use super::original::Original;
use super::packet::Packet as IcmpPacket;
use super::types::{ParamProblem, TimeExceeded, Type, Unreachable};
use crate::packet::{Packet, HEADER_LEN};
use crate::route::Ipv4Cidr;
use crate::Repr;

/// Largest ICMP error datagram, IP header included (RFC 1812 §4.3.2.3: "as much of the
/// original datagram as possible without the length of the ICMP datagram exceeding 576
/// bytes").
pub const MAX_ERROR_LEN: usize = 576;

/// TTL of the errors [`ErrorMessage::new`] builds (RFC 1700's default, as Linux uses).
pub const DEFAULT_TTL: u8 = 64;

/// Why no ICMP error may be sent about a received datagram (RFC 1122 §3.2.2: "An ICMP
/// error message MUST NOT be sent as the result of receiving: ..."; RFC 1812 §4.3.2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Suppressed {
    /// The datagram is itself an ICMP error message (or too short to tell).
    IcmpError,
    /// It was sent to an IP multicast address.
    Multicast,
    /// It was sent to an IP broadcast address (limited, or our subnet's directed one).
    Broadcast,
    /// It arrived as a link-layer broadcast (or multicast).
    LinkBroadcast,
    /// It is a fragment other than the first.
    NonInitialFragment,
    /// Its source does not name a single host: 0.0.0.0, loopback, broadcast, multicast,
    /// class E (240.0.0.0/4).
    BadSource,
}

impl fmt::Display for Suppressed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Suppressed::IcmpError => "no ICMP error about an ICMP error",
            Suppressed::Multicast => "no ICMP error about a multicast datagram",
            Suppressed::Broadcast => "no ICMP error about a broadcast datagram",
            Suppressed::LinkBroadcast => "no ICMP error about a link-layer broadcast",
            Suppressed::NonInitialFragment => "no ICMP error about a non-initial fragment",
            Suppressed::BadSource => "no ICMP error to a source that is not a host",
        })
    }
}

/// Decides whether an ICMP error may be sent about a received datagram with header
/// `header` and (first bytes of) payload `payload`. `link_broadcast` says whether the
/// frame was a link-layer broadcast or multicast; `ours` (the interface address) lets
/// directed broadcasts be recognised.
pub fn may_send_error(
    header: &Repr<'_>,
    payload: &[u8],
    link_broadcast: bool,
    ours: Option<Ipv4Cidr>,
) -> Result<(), Suppressed> {
    if header.frag_offset != 0 {
        return Err(Suppressed::NonInitialFragment);
    }
    if header.protocol == IpProtocol::ICMP {
        match payload.first() {
            Some(&t) if !Type(t).is_error() => {}
            _ => return Err(Suppressed::IcmpError),
        }
    }
    let directed = |a: Ipv4Addr| ours.is_some_and(|c| c.broadcast() == Some(a));
    if header.dst.is_multicast() {
        return Err(Suppressed::Multicast);
    }
    if header.dst.is_broadcast() || directed(header.dst) {
        return Err(Suppressed::Broadcast);
    }
    if link_broadcast {
        return Err(Suppressed::LinkBroadcast);
    }
    let src = header.src;
    let class_e = src.octets()[0] >= 240;
    if src.is_unspecified() || src.is_loopback() || src.is_multicast() || class_e || directed(src) {
        return Err(Suppressed::BadSource);
    }
    Ok(())
}

/// The ICMP errors a host sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Destination Unreachable, protocol unreachable (code 2): no handler for the protocol.
    ProtocolUnreachable,
    /// Destination Unreachable, port unreachable (code 3): no UDP socket on the port.
    PortUnreachable,
    /// Destination Unreachable, fragmentation needed and DF set (code 4), with the MTU
    /// of the next hop (RFC 1191 §4).
    FragNeeded {
        /// Next-hop MTU.
        next_hop_mtu: u16,
    },
    /// Time Exceeded, TTL exceeded in transit (code 0).
    TtlExceeded,
    /// Time Exceeded, fragment reassembly time exceeded (code 1).
    ReassemblyTimeExceeded,
    /// Parameter Problem, pointer indicates the error (code 0).
    ParamProblem {
        /// Octet of the offending datagram where the problem is.
        pointer: u8,
    },
}

/// An ICMP error ready to emit: its IP header and the ICMP message, quoting the offending
/// datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorMessage<'a> {
    /// The IP header: from `our_addr` to the offending datagram's source, protocol ICMP,
    /// TTL [`DEFAULT_TTL`], TOS 0, identification 0 (set it before emitting).
    pub ip: Repr<'static>,
    /// The ICMP message.
    pub icmp: super::Repr<'a>,
}

impl<'a> ErrorMessage<'a> {
    /// An error of `kind` about `offending` (the received datagram from its IP header on,
    /// as much of it as the caller has: at least the header and 8 bytes, RFC 792), sent
    /// from `our_addr`. The quote is the offending datagram up to its Total Length, cut
    /// so the whole error fits in 576 bytes (RFC 1812 §4.3.2.3).
    ///
    /// Errors: the offending bytes do not start with a readable IPv4 header
    /// ([`Packet::new_checked_header`]).
    pub fn new(
        kind: ErrorKind,
        our_addr: Ipv4Addr,
        offending: &'a [u8],
    ) -> Result<ErrorMessage<'a>, WireError> {
        let packet = Packet::new_checked_header(offending)?;
        let len = (packet.header_len() + packet.payload().len())
            .min(MAX_ERROR_LEN - HEADER_LEN - super::HEADER_LEN);
        let quote = offending.get(..len).ok_or(WireError::Truncated)?;
        let original = Original::new(quote);
        let unreachable =
            |code, next_hop_mtu| super::Repr::DstUnreachable { code, next_hop_mtu, original };
        let icmp = match kind {
            ErrorKind::ProtocolUnreachable => unreachable(Unreachable::PROTOCOL, 0),
            ErrorKind::PortUnreachable => unreachable(Unreachable::PORT, 0),
            ErrorKind::FragNeeded { next_hop_mtu } => {
                unreachable(Unreachable::FRAG_NEEDED, next_hop_mtu)
            }
            ErrorKind::TtlExceeded => {
                super::Repr::TimeExceeded { code: TimeExceeded::TTL, original }
            }
            ErrorKind::ReassemblyTimeExceeded => {
                super::Repr::TimeExceeded { code: TimeExceeded::REASSEMBLY, original }
            }
            ErrorKind::ParamProblem { pointer } => {
                super::Repr::ParamProblem { code: ParamProblem::POINTER, pointer, original }
            }
        };
        let ip = Repr {
            src: our_addr,
            dst: packet.src_addr(),
            protocol: IpProtocol::ICMP,
            ttl: DEFAULT_TTL,
            dscp: 0,
            ecn: 0,
            identification: 0,
            dont_frag: false,
            more_frags: false,
            frag_offset: 0,
            payload_len: icmp.buffer_len(),
            options: &[],
        };
        Ok(ErrorMessage { ip, icmp })
    }

    /// Bytes of the whole IP datagram (at most 576).
    pub fn buffer_len(&self) -> usize {
        self.ip.header_len() + self.icmp.buffer_len()
    }

    /// Writes the IP datagram (header and ICMP message, checksums filled) at the start of
    /// `buf`; returns its length. [`WireError::BufferTooSmall`] if it does not fit.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let len = self.buffer_len();
        let out = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        let (head, body) = out.split_at_mut(self.ip.header_len());
        self.icmp.emit(&mut IcmpPacket::new_unchecked(body))?;
        self.ip.emit(&mut Packet::new_unchecked(head))?;
        Ok(len)
    }
}
