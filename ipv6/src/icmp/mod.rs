//! ICMPv6 (RFC 4443): the message view, type and code numbers, and the checksum over the
//! IPv6 pseudo-header (RFC 4443 §2.3, RFC 8200 §8.1).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Message Body                          |
//! ```
//!
//! The typed messages are in [`Repr`] (with Neighbor Discovery in [`crate::ndp`] and MLD
//! in [`crate::mld`]).

mod codes;
mod display;
mod repr;

use core::fmt;
use core::net::Ipv6Addr;

use unet_core::checksum::pseudo_header_v6;
use unet_core::{IpProtocol, WireError};

pub use codes::{DstUnreachableCode, ParamProblemCode, TimeExceededCode};
pub use repr::Repr;

/// Length of the type, code and checksum fields.
pub const HEADER_LEN: usize = 4;

/// An ICMPv6 message type (IANA "ICMPv6 Parameters" registry).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Icmpv6Type(pub u8);

impl Icmpv6Type {
    /// Destination Unreachable (RFC 4443 §3.1).
    pub const DST_UNREACHABLE: Icmpv6Type = Icmpv6Type(1);
    /// Packet Too Big (RFC 4443 §3.2).
    pub const PACKET_TOO_BIG: Icmpv6Type = Icmpv6Type(2);
    /// Time Exceeded (RFC 4443 §3.3).
    pub const TIME_EXCEEDED: Icmpv6Type = Icmpv6Type(3);
    /// Parameter Problem (RFC 4443 §3.4).
    pub const PARAM_PROBLEM: Icmpv6Type = Icmpv6Type(4);
    /// Echo Request (RFC 4443 §4.1).
    pub const ECHO_REQUEST: Icmpv6Type = Icmpv6Type(128);
    /// Echo Reply (RFC 4443 §4.2).
    pub const ECHO_REPLY: Icmpv6Type = Icmpv6Type(129);
    /// Multicast Listener Query (RFC 2710 §3, RFC 3810 §5.1).
    pub const MLD_QUERY: Icmpv6Type = Icmpv6Type(130);
    /// Version 1 Multicast Listener Report (RFC 2710 §3).
    pub const MLD_REPORT: Icmpv6Type = Icmpv6Type(131);
    /// Multicast Listener Done (RFC 2710 §3).
    pub const MLD_DONE: Icmpv6Type = Icmpv6Type(132);
    /// Router Solicitation (RFC 4861 §4.1).
    pub const ROUTER_SOLICIT: Icmpv6Type = Icmpv6Type(133);
    /// Router Advertisement (RFC 4861 §4.2).
    pub const ROUTER_ADVERT: Icmpv6Type = Icmpv6Type(134);
    /// Neighbor Solicitation (RFC 4861 §4.3).
    pub const NEIGHBOR_SOLICIT: Icmpv6Type = Icmpv6Type(135);
    /// Neighbor Advertisement (RFC 4861 §4.4).
    pub const NEIGHBOR_ADVERT: Icmpv6Type = Icmpv6Type(136);
    /// Redirect (RFC 4861 §4.5).
    pub const REDIRECT: Icmpv6Type = Icmpv6Type(137);
    /// Version 2 Multicast Listener Report (RFC 3810 §5.2).
    pub const MLDV2_REPORT: Icmpv6Type = Icmpv6Type(143);

    /// True for error messages (types 0–127, RFC 4443 §2.1).
    pub const fn is_error(self) -> bool {
        self.0 < 128
    }

    /// tcpdump's name for the known types.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "destination unreachable",
            2 => "packet too big",
            3 => "time exceeded",
            4 => "parameter problem",
            128 => "echo request",
            129 => "echo reply",
            130 => "multicast listener query",
            131 => "multicast listener report",
            132 => "multicast listener done",
            133 => "router solicitation",
            134 => "router advertisement",
            135 => "neighbor solicitation",
            136 => "neighbor advertisement",
            137 => "redirect",
            143 => "multicast listener report v2",
            _ => return None,
        })
    }
}

impl fmt::Debug for Icmpv6Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Icmpv6Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "type-#{}", self.0),
        }
    }
}

/// A view of an ICMPv6 message.
///
/// [`Message::new_checked`] guarantees the type, code and checksum are present; everything
/// else is read from [`Message::body`] by [`Repr::parse`], so no accessor can panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Message<T> {
    /// Wraps without checks.
    pub const fn new_unchecked(buffer: T) -> Message<T> {
        Message { buffer }
    }
    /// Wraps after checking the 4-byte header is present ([`WireError::Truncated`]).
    pub fn new_checked(buffer: T) -> Result<Message<T>, WireError> {
        if buffer.as_ref().len() < HEADER_LEN {
            return Err(WireError::Truncated);
        }
        Ok(Message { buffer })
    }
    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }
    /// The whole message.
    pub fn as_bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }
    /// Type.
    pub fn msg_type(&self) -> Icmpv6Type {
        Icmpv6Type(self.buffer.as_ref()[0])
    }
    /// Code.
    pub fn msg_code(&self) -> u8 {
        self.buffer.as_ref()[1]
    }
    /// Checksum field.
    pub fn checksum(&self) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_be_bytes([b[2], b[3]])
    }
    /// The message body (after the checksum).
    pub fn body(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..]
    }

    /// True when the checksum over the pseudo-header and the whole message verifies
    /// (RFC 4443 §2.3).
    pub fn verify_checksum(&self, src: Ipv6Addr, dst: Ipv6Addr) -> bool {
        let b = self.buffer.as_ref();
        let Ok(len) = u32::try_from(b.len()) else { return false };
        let mut c = pseudo_header_v6(src, dst, IpProtocol::ICMPV6.0, len);
        c.add_bytes(b).is_valid()
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Message<T> {
    /// Sets the type.
    pub fn set_msg_type(&mut self, t: Icmpv6Type) {
        self.buffer.as_mut()[0] = t.0;
    }
    /// Sets the code.
    pub fn set_msg_code(&mut self, c: u8) {
        self.buffer.as_mut()[1] = c;
    }
    /// Sets the checksum field.
    pub fn set_checksum(&mut self, c: u16) {
        self.buffer.as_mut()[2..4].copy_from_slice(&c.to_be_bytes());
    }
    /// The body, writable.
    pub fn body_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[HEADER_LEN..]
    }
    /// Computes and writes the checksum over the pseudo-header and the whole message.
    ///
    /// Errors: [`WireError::BadLength`] for a message longer than 2³² − 1 bytes.
    pub fn fill_checksum(&mut self, src: Ipv6Addr, dst: Ipv6Addr) -> Result<(), WireError> {
        self.set_checksum(0);
        let b = self.buffer.as_ref();
        let len = u32::try_from(b.len()).map_err(|_| WireError::BadLength)?;
        let mut c = pseudo_header_v6(src, dst, IpProtocol::ICMPV6.0, len);
        let sum = c.add_bytes(b).finish();
        self.set_checksum(sum);
        Ok(())
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
