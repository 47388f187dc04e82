//! The ICMP message view (RFC 792): type, code, checksum, four bytes whose meaning depends
//! on the type ("rest of header"), then data.

use core::net::Ipv4Addr;

use unet_core::{checksum, WireError};

use super::types::Type;
use crate::view;

/// Length of the fixed part every ICMP message has.
pub const HEADER_LEN: usize = 8;

view! {
    /// A view of an ICMP message over a buffer holding exactly the message (the IP payload).
    pub struct Packet;
    unchecked = "Wraps `buffer` without checks; accessors may panic if it is shorter than 8 bytes.";
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer`, which must hold at least the 8-byte header
    /// ([`WireError::Truncated`] otherwise).
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        view::at_least(buffer.as_ref(), HEADER_LEN)?;
        Ok(Packet::new_unchecked(buffer))
    }

    /// Message type.
    pub fn msg_type(&self) -> Type {
        Type(self.bytes()[0])
    }

    /// Message code.
    pub fn msg_code(&self) -> u8 {
        self.bytes()[1]
    }

    /// Checksum as found in the message.
    pub fn checksum(&self) -> u16 {
        view::be16(self.bytes(), 2)
    }

    /// Bytes 4 to 7, whose meaning depends on the type.
    pub fn rest_of_header(&self) -> [u8; 4] {
        let b = self.bytes();
        [b[4], b[5], b[6], b[7]]
    }

    /// Identifier of echo, timestamp, information and address mask messages (bytes 4–5).
    pub fn ident(&self) -> u16 {
        view::be16(self.bytes(), 4)
    }

    /// Sequence number of the same messages (bytes 6–7).
    pub fn seq_no(&self) -> u16 {
        view::be16(self.bytes(), 6)
    }

    /// Gateway address of a Redirect (bytes 4–7).
    pub fn gateway(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.rest_of_header())
    }

    /// Pointer of a Parameter Problem (byte 4).
    pub fn pointer(&self) -> u8 {
        self.bytes()[4]
    }

    /// RFC 4884 §4.1 length of the quoted datagram in 32-bit words (byte 5; types 3, 11, 12).
    pub fn rfc4884_length(&self) -> u8 {
        self.bytes()[5]
    }

    /// Next-hop MTU of a "fragmentation needed" Destination Unreachable (RFC 1191 §4,
    /// bytes 6–7).
    pub fn next_hop_mtu(&self) -> u16 {
        view::be16(self.bytes(), 6)
    }

    /// Everything after the 8-byte header.
    pub fn data(&self) -> &[u8] {
        &self.bytes()[HEADER_LEN..]
    }

    /// True when the checksum over the whole message verifies (RFC 792).
    pub fn verify_checksum(&self) -> bool {
        checksum::verify(self.bytes())
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the type.
    pub fn set_msg_type(&mut self, t: Type) {
        self.bytes_mut()[0] = t.0
    }

    /// Sets the code.
    pub fn set_msg_code(&mut self, code: u8) {
        self.bytes_mut()[1] = code
    }

    /// Sets the checksum field as given.
    pub fn set_checksum(&mut self, value: u16) {
        view::set_be16(self.bytes_mut(), 2, value)
    }

    /// Sets bytes 4 to 7.
    pub fn set_rest_of_header(&mut self, rest: [u8; 4]) {
        self.bytes_mut()[4..8].copy_from_slice(&rest)
    }

    /// Everything after the header, writable.
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.bytes_mut()[HEADER_LEN..]
    }

    /// Computes the checksum over the whole buffer and writes it.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let c = checksum::checksum(self.bytes());
        self.set_checksum(c)
    }
}
