//! Errors of socket and table operations.

use core::fmt;

use unet_core::ports::PortError;

use crate::icmp::IcmpErrorKind;
use crate::packet_buffer::BufferError;

/// Why a socket operation failed; the POSIX `errno` it stands for in brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UdpError {
    /// The handle names no socket (`EBADF`).
    InvalidHandle,
    /// Every socket slot of the table is taken (`EMFILE`).
    TableFull,
    /// Bind on a socket that is already bound (`EINVAL`).
    AlreadyBound,
    /// Another socket holds the address and port, and they do not both allow sharing
    /// (`EADDRINUSE`).
    AddrInUse,
    /// No ephemeral port was free (`EAGAIN`/`EADDRNOTAVAIL`).
    PortsExhausted,
    /// Send on a socket that is not bound: bind (port 0 for any) or connect first.
    Unbound,
    /// Send without a destination on a socket that is not connected (`EDESTADDRREQ`).
    NotConnected,
    /// A remote address or port is unspecified (`EINVAL`).
    Unaddressable,
    /// A hop limit of 0 (`EINVAL`).
    InvalidHopLimit,
    /// The datagram is longer than UDP over this IP version can carry (`EMSGSIZE`).
    MessageTooLong,
    /// The datagram is larger than the socket's whole transmit storage: it can never be
    /// sent (`EMSGSIZE`).
    LargerThanBuffer,
    /// The transmit queue has no room now; retry after the stack has sent some (`EAGAIN`).
    BufferFull,
    /// Nothing to receive now (`EAGAIN`).
    WouldBlock,
    /// A pending ICMP error for this socket, reported once (`ECONNREFUSED`, …).
    Icmp(IcmpErrorKind),
}

impl fmt::Display for UdpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UdpError::InvalidHandle => f.write_str("invalid socket handle"),
            UdpError::TableFull => f.write_str("socket table full"),
            UdpError::AlreadyBound => f.write_str("socket already bound"),
            UdpError::AddrInUse => f.write_str("address in use"),
            UdpError::PortsExhausted => f.write_str("no ephemeral port available"),
            UdpError::Unbound => f.write_str("socket not bound"),
            UdpError::NotConnected => f.write_str("destination address required"),
            UdpError::Unaddressable => f.write_str("unspecified remote address or port"),
            UdpError::InvalidHopLimit => f.write_str("invalid hop limit"),
            UdpError::MessageTooLong => f.write_str("message too long"),
            UdpError::LargerThanBuffer => f.write_str("datagram larger than the send buffer"),
            UdpError::BufferFull => f.write_str("send buffer full"),
            UdpError::WouldBlock => f.write_str("no datagram to receive"),
            UdpError::Icmp(kind) => kind.fmt(f),
        }
    }
}

impl From<PortError> for UdpError {
    fn from(_: PortError) -> UdpError {
        UdpError::PortsExhausted
    }
}

impl From<BufferError> for UdpError {
    fn from(e: BufferError) -> UdpError {
        match e {
            BufferError::TooLarge => UdpError::LargerThanBuffer,
            BufferError::Empty => UdpError::WouldBlock,
            _ => UdpError::BufferFull,
        }
    }
}
