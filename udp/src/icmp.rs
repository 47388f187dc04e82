//! ICMP errors as a transport sees them (RFC 1122 §4.1.3.3, RFC 4443 §2.4).
//!
//! The IP layer parses ICMPv4 or ICMPv6 errors, finds the transport header they quote, and
//! hands the transport an [`IcmpErrorKind`]: one vocabulary for both IP versions.

use core::fmt;

use crate::Endpoint;

/// What an ICMP error said about a datagram we sent.
///
/// Mapping from the wire (done by the IP layer): ICMPv4 Destination Unreachable codes 0/6
/// and ICMPv6 code 0 → [`NetworkUnreachable`](IcmpErrorKind::NetworkUnreachable); ICMPv4 1,
/// 7 and ICMPv6 3 → [`HostUnreachable`](IcmpErrorKind::HostUnreachable); ICMPv4 2 →
/// [`ProtocolUnreachable`](IcmpErrorKind::ProtocolUnreachable); ICMPv4 3 and ICMPv6 4 →
/// [`PortUnreachable`](IcmpErrorKind::PortUnreachable); ICMPv4 4 and ICMPv6 Packet Too Big →
/// [`MessageTooBig`](IcmpErrorKind::MessageTooBig); ICMPv4 9, 10, 13 and ICMPv6 1, 5, 6 →
/// [`AdminProhibited`](IcmpErrorKind::AdminProhibited); Time Exceeded →
/// [`TimeExceeded`](IcmpErrorKind::TimeExceeded); Parameter Problem →
/// [`ParameterProblem`](IcmpErrorKind::ParameterProblem); any other code →
/// [`Other`](IcmpErrorKind::Other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IcmpErrorKind {
    /// Nobody listens on the port (`ECONNREFUSED`).
    PortUnreachable,
    /// The host does not speak UDP (`ENOPROTOOPT`).
    ProtocolUnreachable,
    /// No route to the host (`EHOSTUNREACH`).
    HostUnreachable,
    /// No route to the network (`ENETUNREACH`).
    NetworkUnreachable,
    /// Communication administratively prohibited (`EACCES`-like).
    AdminProhibited,
    /// The datagram needed fragmenting but could not be (`EMSGSIZE`); the next-hop MTU,
    /// when the router reported one.
    MessageTooBig {
        /// Next-hop MTU from the message, 0 if unknown.
        mtu: u32,
    },
    /// The hop limit ran out, or reassembly timed out (`EHOSTUNREACH`).
    TimeExceeded,
    /// A header field was wrong (`EPROTO`).
    ParameterProblem,
    /// Any other error: the ICMP type and code as received.
    Other {
        /// ICMP type.
        icmp_type: u8,
        /// ICMP code.
        code: u8,
    },
}

impl IcmpErrorKind {
    /// True for errors Linux calls *hard* (`icmp_err_convert[].fatal`): the destination
    /// will not accept the datagram whatever is retried. Soft errors (no route, TTL
    /// exceeded, message too big) may be transient (RFC 1122 §4.2.3.9 makes the same split
    /// for TCP).
    pub const fn is_hard(&self) -> bool {
        matches!(
            self,
            IcmpErrorKind::PortUnreachable
                | IcmpErrorKind::ProtocolUnreachable
                | IcmpErrorKind::AdminProhibited
                | IcmpErrorKind::ParameterProblem
        )
    }
}

impl fmt::Display for IcmpErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IcmpErrorKind::PortUnreachable => f.write_str("connection refused (port unreachable)"),
            IcmpErrorKind::ProtocolUnreachable => f.write_str("protocol unreachable"),
            IcmpErrorKind::HostUnreachable => f.write_str("host unreachable"),
            IcmpErrorKind::NetworkUnreachable => f.write_str("network unreachable"),
            IcmpErrorKind::AdminProhibited => f.write_str("administratively prohibited"),
            IcmpErrorKind::MessageTooBig { mtu } => write!(f, "message too big (mtu {mtu})"),
            IcmpErrorKind::TimeExceeded => f.write_str("time exceeded"),
            IcmpErrorKind::ParameterProblem => f.write_str("parameter problem"),
            IcmpErrorKind::Other { icmp_type, code } => {
                write!(f, "icmp error type {icmp_type} code {code}")
            }
        }
    }
}

/// An ICMP error delivered to a socket: what it said and which datagram it was about (the
/// destination of the datagram we sent, as quoted in the error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IcmpError<A> {
    /// What went wrong.
    pub kind: IcmpErrorKind,
    /// Where the offending datagram was going.
    pub remote: Endpoint<A>,
}
