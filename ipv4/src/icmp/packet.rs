//! The ICMP message view (RFC 792): type, code, checksum, four bytes whose meaning depends
//! on the type ("rest of header"), then data.

use core::net::Ipv4Addr;

use unet_core::{checksum, WireError};

use super::types::Type;

/// Length of the fixed part every ICMP message has.
pub const HEADER_LEN: usize = 8;

/// A view of an ICMP message over a buffer holding exactly the message (the IP payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer` without checks; accessors may panic if it is shorter than 8 bytes.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps `buffer`, which must hold at least the 8-byte header
    /// ([`WireError::Truncated`] otherwise).
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        if buffer.as_ref().len() < HEADER_LEN {
            return Err(WireError::Truncated);
        }
        Ok(Packet { buffer })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    fn be16(&self, at: usize) -> u16 {
        u16::from_be_bytes([self.b()[at], self.b()[at + 1]])
    }

    /// Message type.
    pub fn msg_type(&self) -> Type {
        Type(self.b()[0])
    }

    /// Message code.
    pub fn msg_code(&self) -> u8 {
        self.b()[1]
    }

    /// Checksum as found in the message.
    pub fn checksum(&self) -> u16 {
        self.be16(2)
    }

    /// Bytes 4 to 7, whose meaning depends on the type.
    pub fn rest_of_header(&self) -> [u8; 4] {
        let b = self.b();
        [b[4], b[5], b[6], b[7]]
    }

    /// Identifier of echo, timestamp, information and address mask messages (bytes 4–5).
    pub fn ident(&self) -> u16 {
        self.be16(4)
    }

    /// Sequence number of the same messages (bytes 6–7).
    pub fn seq_no(&self) -> u16 {
        self.be16(6)
    }

    /// Gateway address of a Redirect (bytes 4–7).
    pub fn gateway(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.rest_of_header())
    }

    /// Pointer of a Parameter Problem (byte 4).
    pub fn pointer(&self) -> u8 {
        self.b()[4]
    }

    /// RFC 4884 §4.1 length of the quoted datagram in 32-bit words (byte 5; types 3, 11, 12).
    pub fn rfc4884_length(&self) -> u8 {
        self.b()[5]
    }

    /// Next-hop MTU of a "fragmentation needed" Destination Unreachable (RFC 1191 §4,
    /// bytes 6–7).
    pub fn next_hop_mtu(&self) -> u16 {
        self.be16(6)
    }

    /// Everything after the 8-byte header.
    pub fn data(&self) -> &[u8] {
        &self.b()[HEADER_LEN..]
    }

    /// True when the checksum over the whole message verifies (RFC 792).
    pub fn verify_checksum(&self) -> bool {
        checksum::verify(self.b())
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    /// Sets the type.
    pub fn set_msg_type(&mut self, t: Type) {
        self.bm()[0] = t.0
    }

    /// Sets the code.
    pub fn set_msg_code(&mut self, code: u8) {
        self.bm()[1] = code
    }

    /// Sets the checksum field as given.
    pub fn set_checksum(&mut self, value: u16) {
        self.bm()[2..4].copy_from_slice(&value.to_be_bytes())
    }

    /// Sets bytes 4 to 7.
    pub fn set_rest_of_header(&mut self, rest: [u8; 4]) {
        self.bm()[4..8].copy_from_slice(&rest)
    }

    /// Everything after the header, writable.
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.bm()[HEADER_LEN..]
    }

    /// Computes the checksum over the whole buffer and writes it.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let c = checksum::checksum(self.b());
        self.set_checksum(c)
    }
}

impl<T: AsRef<[u8]>> AsRef<[u8]> for Packet<T> {
    fn as_ref(&self) -> &[u8] {
        self.buffer.as_ref()
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> AsMut<[u8]> for Packet<T> {
    fn as_mut(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The whole buffer with the buffer's lifetime (not the view's), so that a `Repr`
    /// parsed from a borrowed view can outlive the view.
    pub fn as_slice(&self) -> &'a [u8] {
        T::as_ref(self.buffer)
    }
}
