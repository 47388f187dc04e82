//! The IGMP message view (RFC 2236 §2, RFC 3376 §4).
//!
//! ```text
//! All messages:                          Version 3 Membership Query adds:
//!  0       7 8      15 16             31  8: Resv | S | QRV   9: QQIC
//! | Type   | Max Resp |    Checksum     | 10–11: Number of Sources (N)
//! |        Group Address (4–7)          | 12…: Source Address [1..N]
//! Version 3 Membership Report: bytes 4–5 reserved, 6–7 Number of Group Records, 8…: records.
//! ```

use core::net::Ipv4Addr;

use unet_core::{checksum, WireError};

use crate::view;

/// Length of the part every IGMP message has.
pub const HEADER_LEN: usize = 8;
/// Length of a version 3 query without sources.
pub const V3_QUERY_LEN: usize = 12;

/// An IGMP message type (IANA "IGMP Type Numbers").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Type(pub u8);

impl Type {
    /// Membership Query, all versions (RFC 3376 §4.1; length tells the version, §7.1).
    pub const MEMBERSHIP_QUERY: Type = Type(0x11);
    /// Version 1 Membership Report (RFC 1112).
    pub const V1_REPORT: Type = Type(0x12);
    /// Version 2 Membership Report (RFC 2236).
    pub const V2_REPORT: Type = Type(0x16);
    /// Leave Group (RFC 2236).
    pub const LEAVE_GROUP: Type = Type(0x17);
    /// Version 3 Membership Report (RFC 3376 §4.2).
    pub const V3_REPORT: Type = Type(0x22);
}

view! {
    /// A view of an IGMP message over a buffer holding exactly the message (the IP payload).
    ///
    /// The version 3 accessors read 0 (or an empty slice) where the message is too short to
    /// hold their field, so no accessor panics after [`new_checked`](Packet::new_checked).
    pub struct Packet;
    unchecked = "Wraps `buffer` without checks; the fixed accessors panic if it is under 8 bytes.";
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer`, which must hold the 8-byte header ([`WireError::Truncated`]).
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        view::at_least(buffer.as_ref(), HEADER_LEN)?;
        Ok(Packet::new_unchecked(buffer))
    }

    fn byte(&self, at: usize) -> u8 {
        self.bytes().get(at).copied().unwrap_or(0)
    }

    /// Length of the message (the whole buffer).
    pub fn len(&self) -> usize {
        self.bytes().len()
    }

    /// True for an empty buffer (never after `new_checked`).
    pub fn is_empty(&self) -> bool {
        self.bytes().is_empty()
    }

    /// Message type.
    pub fn msg_type(&self) -> Type {
        Type(self.bytes()[0])
    }

    /// Max Resp Code (queries; "unused" and zero in reports).
    pub fn max_resp_code(&self) -> u8 {
        self.bytes()[1]
    }

    /// Checksum as found in the message.
    pub fn checksum(&self) -> u16 {
        view::be16_or_zero(self.bytes(), 2)
    }

    /// Group Address (bytes 4–7) of queries, version 1/2 reports and leaves.
    pub fn group_addr(&self) -> Ipv4Addr {
        view::ipv4_addr(self.bytes(), 4)
    }

    /// Version 3 query: Suppress Router-Side Processing flag (RFC 3376 §4.1.5).
    pub fn s_flag(&self) -> bool {
        self.byte(8) & 0x08 != 0
    }

    /// Version 3 query: Querier's Robustness Variable (RFC 3376 §4.1.6).
    pub fn qrv(&self) -> u8 {
        self.byte(8) & 0x07
    }

    /// Version 3 query: Querier's Query Interval Code (RFC 3376 §4.1.7).
    pub fn qqic(&self) -> u8 {
        self.byte(9)
    }

    /// Version 3 query: Number of Sources.
    pub fn num_sources(&self) -> u16 {
        view::be16_or_zero(self.bytes(), 10)
    }

    /// Version 3 query: everything after byte 12 (the sources, then any additional data
    /// RFC 3376 §4.1.10 says to ignore).
    pub fn query_sources(&self) -> &[u8] {
        self.bytes().get(V3_QUERY_LEN..).unwrap_or(&[])
    }

    /// Version 3 report: Number of Group Records (bytes 6–7).
    pub fn num_group_records(&self) -> u16 {
        view::be16_or_zero(self.bytes(), 6)
    }

    /// Version 3 report: everything after byte 8 (the group records).
    pub fn group_records(&self) -> &[u8] {
        self.bytes().get(HEADER_LEN..).unwrap_or(&[])
    }

    /// True when the checksum over the whole message verifies (RFC 3376 §4.1.2: "the
    /// entire IP payload").
    pub fn verify_checksum(&self) -> bool {
        checksum::verify(self.bytes())
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the checksum field as given.
    pub fn set_checksum(&mut self, value: u16) {
        view::set_be16(self.bytes_mut(), 2, value)
    }

    /// Computes the checksum over the whole buffer and writes it.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let c = checksum::checksum(self.bytes());
        self.set_checksum(c)
    }
}
