//! The IPv4 header view (RFC 791 §3.1).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version|  IHL  |   DSCP    |ECN|          Total Length         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Identification        |Flags|      Fragment Offset    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Time to Live |    Protocol   |         Header Checksum       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                       Source Address                          |
//! |                    Destination Address                        |
//! |                    Options                    |    Padding    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The type-of-service byte is read as DSCP and ECN (RFC 2474 §3, RFC 3168 §5).

use core::net::Ipv4Addr;

use bitflags::bitflags;
use unet_core::{checksum, IpProtocol, WireError};

use crate::view;

/// Length of the header without options (IHL = 5).
pub const HEADER_LEN: usize = 20;
/// Longest header: IHL = 15, that is 40 bytes of options (RFC 791 §3.1).
pub const MAX_HEADER_LEN: usize = 60;
/// Longest room for options.
pub const MAX_OPTIONS_LEN: usize = MAX_HEADER_LEN - HEADER_LEN;

/// Where each fixed field starts (RFC 791 §3.1).
mod field {
    pub const VER_IHL: usize = 0;
    pub const TOS: usize = 1;
    pub const LENGTH: usize = 2;
    pub const IDENT: usize = 4;
    pub const FLG_OFF: usize = 6;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: usize = 10;
    pub const SRC: usize = 12;
    pub const DST: usize = 16;
}

bitflags! {
    /// The three flag bits of the fragmentation word (RFC 791 §3.1), in their place in the
    /// 16-bit flags/offset field.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Flags: u16 {
        /// Bit 0, reserved: must be zero (RFC 791; RFC 3514's "evil bit" is a joke).
        const RESERVED = 0x8000;
        /// Don't Fragment.
        const DONT_FRAGMENT = 0x4000;
        /// More Fragments.
        const MORE_FRAGMENTS = 0x2000;
    }
}

/// The mask of the 13-bit fragment offset inside the flags/offset word.
const OFFSET_MASK: u16 = 0x1fff;

view! {
    /// A view of an IPv4 packet (header, options and payload) over a buffer.
    pub struct Packet;
    unchecked = "Wraps `buffer` without any check; accessors may panic on short buffers.";
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer` after checking every length the accessors rely on.
    ///
    /// - fewer than 20 bytes, or fewer than IHL × 4, or fewer than Total Length:
    ///   [`WireError::Truncated`] (bytes *after* Total Length, e.g. Ethernet padding, are
    ///   allowed and ignored by [`payload`](Packet::payload));
    /// - version other than 4: [`WireError::BadVersion`];
    /// - IHL below 5 (RFC 791 §3.1: "the minimum value for a correct header is 5") or Total
    ///   Length below the header length: [`WireError::BadLength`].
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        let packet = Packet::new_checked_header(buffer)?;
        let total = usize::from(packet.total_len());
        if total < packet.header_len() {
            return Err(WireError::BadLength);
        }
        if total > packet.bytes().len() {
            return Err(WireError::Truncated);
        }
        Ok(packet)
    }

    /// Like [`new_checked`](Packet::new_checked), but only the header (options included)
    /// must be present: for the datagram an ICMP error quotes (RFC 792), whose payload is
    /// cut after its first bytes. [`payload`](Packet::payload) then returns what is there.
    pub fn new_checked_header(buffer: T) -> Result<Packet<T>, WireError> {
        view::at_least(buffer.as_ref(), HEADER_LEN)?;
        let packet = Packet::new_unchecked(buffer);
        let len = packet.bytes().len();
        if packet.version() != 4 {
            return Err(WireError::BadVersion);
        }
        if packet.header_len() < HEADER_LEN {
            return Err(WireError::BadLength);
        }
        if packet.header_len() > len {
            return Err(WireError::Truncated);
        }
        Ok(packet)
    }

    fn be16(&self, at: usize) -> u16 {
        view::be16(self.bytes(), at)
    }

    /// Version field (4 for IPv4).
    pub fn version(&self) -> u8 {
        self.bytes()[field::VER_IHL] >> 4
    }

    /// Internet Header Length, in 32-bit words.
    pub fn ihl(&self) -> u8 {
        self.bytes()[field::VER_IHL] & 0x0f
    }

    /// Header length in bytes (IHL × 4).
    pub fn header_len(&self) -> usize {
        usize::from(self.ihl()) * 4
    }

    /// Differentiated Services Code Point (RFC 2474 §3): the high six bits of the old TOS.
    pub fn dscp(&self) -> u8 {
        self.bytes()[field::TOS] >> 2
    }

    /// Explicit Congestion Notification (RFC 3168 §5): the low two bits of the old TOS.
    pub fn ecn(&self) -> u8 {
        self.bytes()[field::TOS] & 0x03
    }

    /// Total Length: header plus payload, in bytes.
    pub fn total_len(&self) -> u16 {
        self.be16(field::LENGTH)
    }

    /// Identification (RFC 791 §3.1, RFC 6864).
    pub fn identification(&self) -> u16 {
        self.be16(field::IDENT)
    }

    /// The three flag bits.
    pub fn flags(&self) -> Flags {
        Flags::from_bits_truncate(self.be16(field::FLG_OFF))
    }

    /// The reserved flag (bit 0): RFC 791 says it must be zero.
    pub fn reserved_flag(&self) -> bool {
        self.flags().contains(Flags::RESERVED)
    }

    /// Don't Fragment flag.
    pub fn dont_frag(&self) -> bool {
        self.flags().contains(Flags::DONT_FRAGMENT)
    }

    /// More Fragments flag.
    pub fn more_frags(&self) -> bool {
        self.flags().contains(Flags::MORE_FRAGMENTS)
    }

    /// Fragment Offset, in units of 8 bytes.
    pub fn frag_offset(&self) -> u16 {
        self.be16(field::FLG_OFF) & OFFSET_MASK
    }

    /// Fragment Offset in bytes (at most 65528).
    pub fn frag_offset_bytes(&self) -> u32 {
        u32::from(self.frag_offset()) * 8
    }

    /// True if this packet is a fragment of a larger datagram: More Fragments is set or the
    /// offset is not zero (RFC 791 §3.2, reassembly).
    pub fn is_fragment(&self) -> bool {
        self.more_frags() || self.frag_offset() != 0
    }

    /// Time to Live.
    pub fn ttl(&self) -> u8 {
        self.bytes()[field::TTL]
    }

    /// The protocol of the payload.
    pub fn protocol(&self) -> IpProtocol {
        IpProtocol(self.bytes()[field::PROTOCOL])
    }

    /// Header Checksum as found in the packet.
    pub fn checksum(&self) -> u16 {
        self.be16(field::CHECKSUM)
    }

    /// Source address.
    pub fn src_addr(&self) -> Ipv4Addr {
        view::ipv4_addr(self.bytes(), field::SRC)
    }

    /// Destination address.
    pub fn dst_addr(&self) -> Ipv4Addr {
        view::ipv4_addr(self.bytes(), field::DST)
    }

    /// The whole header, options included.
    pub fn header(&self) -> &[u8] {
        &self.bytes()[..self.header_len()]
    }

    /// The options and padding: bytes 20 to IHL × 4.
    pub fn options(&self) -> &[u8] {
        &self.bytes()[HEADER_LEN..self.header_len()]
    }

    /// True when the header checksum verifies (RFC 791 §3.1; RFC 1071).
    pub fn verify_checksum(&self) -> bool {
        checksum::verify(self.header())
    }

    /// The payload: from the end of the header to Total Length, never past the buffer (so
    /// Ethernet padding after Total Length is left out, and a quoted datagram read with
    /// [`new_checked_header`](Packet::new_checked_header) gives what was quoted).
    pub fn payload(&self) -> &[u8] {
        let bytes = self.bytes();
        let end = usize::from(self.total_len()).min(bytes.len());
        bytes.get(self.header_len()..end).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_be16(&mut self, at: usize, v: u16) {
        view::set_be16(self.bytes_mut(), at, v)
    }

    /// Sets the version field.
    pub fn set_version(&mut self, version: u8) {
        let b = &mut self.bytes_mut()[field::VER_IHL];
        *b = (*b & 0x0f) | (version << 4);
    }

    /// Sets IHL from a header length in bytes (which must be a multiple of 4, at most 60).
    pub fn set_header_len(&mut self, len: usize) {
        let ihl = ((len / 4) & 0x0f) as u8;
        let b = &mut self.bytes_mut()[field::VER_IHL];
        *b = (*b & 0xf0) | ihl;
    }

    /// Sets the DSCP (six bits; higher bits are dropped).
    pub fn set_dscp(&mut self, dscp: u8) {
        let b = &mut self.bytes_mut()[field::TOS];
        *b = (*b & 0x03) | (dscp << 2);
    }

    /// Sets the ECN field (two bits; higher bits are dropped).
    pub fn set_ecn(&mut self, ecn: u8) {
        let b = &mut self.bytes_mut()[field::TOS];
        *b = (*b & 0xfc) | (ecn & 0x03);
    }

    /// Sets Total Length.
    pub fn set_total_len(&mut self, len: u16) {
        self.set_be16(field::LENGTH, len)
    }

    /// Sets Identification.
    pub fn set_identification(&mut self, id: u16) {
        self.set_be16(field::IDENT, id)
    }

    /// Sets the three flag bits, keeping the fragment offset.
    pub fn set_flags(&mut self, flags: Flags) {
        let off = self.frag_offset();
        self.set_be16(field::FLG_OFF, flags.bits() | off)
    }

    /// Sets or clears Don't Fragment.
    pub fn set_dont_frag(&mut self, value: bool) {
        let mut f = self.flags();
        f.set(Flags::DONT_FRAGMENT, value);
        self.set_flags(f)
    }

    /// Sets or clears More Fragments.
    pub fn set_more_frags(&mut self, value: bool) {
        let mut f = self.flags();
        f.set(Flags::MORE_FRAGMENTS, value);
        self.set_flags(f)
    }

    /// Sets the fragment offset, in units of 8 bytes (13 bits; higher bits are dropped).
    pub fn set_frag_offset(&mut self, offset: u16) {
        let flags = self.flags();
        self.set_be16(field::FLG_OFF, flags.bits() | (offset & OFFSET_MASK))
    }

    /// Sets Time to Live.
    pub fn set_ttl(&mut self, ttl: u8) {
        self.bytes_mut()[field::TTL] = ttl
    }

    /// Sets the protocol.
    pub fn set_protocol(&mut self, protocol: IpProtocol) {
        self.bytes_mut()[field::PROTOCOL] = protocol.0
    }

    /// Sets the header checksum field as given.
    pub fn set_checksum(&mut self, value: u16) {
        self.set_be16(field::CHECKSUM, value)
    }

    /// Sets the source address.
    pub fn set_src_addr(&mut self, addr: Ipv4Addr) {
        view::set_ipv4_addr(self.bytes_mut(), field::SRC, addr)
    }

    /// Sets the destination address.
    pub fn set_dst_addr(&mut self, addr: Ipv4Addr) {
        view::set_ipv4_addr(self.bytes_mut(), field::DST, addr)
    }

    /// The options, writable.
    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = self.header_len();
        &mut self.bytes_mut()[HEADER_LEN..end]
    }

    /// Computes the header checksum and writes it.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let c = checksum::checksum(self.header());
        self.set_checksum(c)
    }

    /// Decrements TTL and patches the checksum incrementally (RFC 1624 §3, RFC 1812 §5.3.1),
    /// as a router forwarding the packet does. Returns the new TTL; at zero it stays zero.
    pub fn decrement_ttl(&mut self) -> u8 {
        let old_word = u16::from_be_bytes([self.ttl(), self.protocol().0]);
        let ttl = self.ttl().saturating_sub(1);
        self.set_ttl(ttl);
        let new_word = u16::from_be_bytes([ttl, self.protocol().0]);
        let c = checksum::update_u16(self.checksum(), old_word, new_word);
        self.set_checksum(c);
        ttl
    }

    /// The payload, writable (bounded like [`payload`](Packet::payload)).
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = self.header_len();
        let end = usize::from(self.total_len()).min(self.bytes().len());
        self.bytes_mut().get_mut(start..end).unwrap_or(&mut [])
    }
}
