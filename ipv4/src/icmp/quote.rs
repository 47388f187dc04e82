//! Reading a received ICMP error for the transport it concerns (RFC 1122 §3.2.2: "the
//! ICMP error message ... MUST be passed to the transport layer"; §4.1.3.3 for UDP).

use core::net::Ipv4Addr;

use unet_core::{IpProtocol, WireError};

use super::types::Type;
use crate::packet::Packet;

/// What an ICMP error says about one of our datagrams: its addresses, protocol and first
/// 8 payload bytes (RFC 792 guarantees them: the transport's ports, and TCP's sequence
/// number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceivedError {
    /// Destination Unreachable, Time Exceeded or Parameter Problem.
    pub msg_type: Type,
    /// The code.
    pub code: u8,
    /// Next-hop MTU of a "fragmentation needed" (RFC 1191 §4); zero otherwise, or when an
    /// old router does not fill it.
    pub next_hop_mtu: u16,
    /// Parameter Problem pointer (zero for other types).
    pub pointer: u8,
    /// Source of the quoted datagram (ours, if it is genuine: the stack checks).
    pub src: Ipv4Addr,
    /// Destination of the quoted datagram.
    pub dst: Ipv4Addr,
    /// Protocol of the quoted datagram.
    pub protocol: IpProtocol,
    /// The first 8 bytes of the quoted datagram's payload.
    pub transport: [u8; 8],
}

impl ReceivedError {
    /// Reads an ICMP error message for delivery to a transport.
    ///
    /// Errors: [`WireError::Unsupported`] for messages that are not delivered to
    /// transports (queries, Redirect — for routing — and Source Quench, which RFC 6633 §2
    /// says to ignore); the quoted header's own errors ([`Packet::new_checked_header`]);
    /// [`WireError::Malformed`] when the quoted datagram is a non-initial fragment (its
    /// first bytes are not a transport header); [`WireError::Truncated`] when fewer than 8
    /// payload bytes are quoted.
    pub fn from_icmp(repr: &super::Repr<'_>) -> Result<ReceivedError, WireError> {
        let (next_hop_mtu, pointer, original) = match *repr {
            super::Repr::DstUnreachable { next_hop_mtu, original, .. } => {
                (next_hop_mtu, 0, original)
            }
            super::Repr::TimeExceeded { original, .. } => (0, 0, original),
            super::Repr::ParamProblem { pointer, original, .. } => (0, pointer, original),
            _ => return Err(WireError::Unsupported),
        };
        let quoted = Packet::new_checked_header(original.datagram)?;
        if quoted.frag_offset() != 0 {
            return Err(WireError::Malformed);
        }
        let first = quoted.payload().first_chunk::<8>().ok_or(WireError::Truncated)?;
        Ok(ReceivedError {
            msg_type: repr.msg_type(),
            code: repr.code(),
            next_hop_mtu,
            pointer,
            src: quoted.src_addr(),
            dst: quoted.dst_addr(),
            protocol: quoted.protocol(),
            transport: *first,
        })
    }

    /// The quoted source and destination ports (UDP, TCP, SCTP, DCCP all start so).
    pub fn ports(&self) -> (u16, u16) {
        let [a, b, c, d, ..] = self.transport;
        (u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d]))
    }
}
