//! The UDP datagram as it lies in a buffer (RFC 768, "Format").
//!
//! ```text
//!  0      7 8     15 16    23 24    31
//! +--------+--------+--------+--------+
//! |     Source      |   Destination   |
//! |      Port       |      Port       |
//! +--------+--------+--------+--------+
//! |                 |                 |
//! |     Length      |    Checksum     |
//! +--------+--------+--------+--------+
//! |          data octets ...
//! ```

use core::fmt;

use unet_core::{IpAddress, IpProtocol, WireError};

/// Size of the UDP header: 8 bytes.
pub const HEADER_LEN: usize = 8;

mod field {
    use core::ops::Range;
    pub const SRC_PORT: Range<usize> = 0..2;
    pub const DST_PORT: Range<usize> = 2..4;
    pub const LENGTH: Range<usize> = 4..6;
    pub const CHECKSUM: Range<usize> = 6..8;
}

/// A view over a UDP datagram (header and data) in a buffer.
///
/// The buffer may be longer than the datagram (link-layer padding): the datagram ends where
/// the Length field says, and [`payload`](Packet::payload) stops there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer` without any check. Accessors of fixed header fields panic if the buffer
    /// is shorter than [`HEADER_LEN`]; use [`new_checked`](Packet::new_checked) on input.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps `buffer` after [`check_len`](Packet::check_len): no accessor can panic then.
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        let packet = Packet::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// Checks the lengths the accessors rely on (RFC 768 "Length"):
    /// - [`WireError::Truncated`] if the buffer cannot hold the header, or is shorter than
    ///   the Length field (a datagram cut by the capture or the IP layer);
    /// - [`WireError::BadLength`] if the Length field is below the 8 header bytes it counts.
    ///
    /// A Length of zero is rejected too: it only has a meaning inside an IPv6 jumbogram
    /// (RFC 2675 §4), which unet does not carry.
    pub fn check_len(&self) -> Result<(), WireError> {
        let buf = self.buffer.as_ref();
        if buf.len() < HEADER_LEN {
            return Err(WireError::Truncated);
        }
        let len = usize::from(self.len());
        if len < HEADER_LEN {
            Err(WireError::BadLength)
        } else if len > buf.len() {
            Err(WireError::Truncated)
        } else {
            Ok(())
        }
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn get_u16(&self, range: core::ops::Range<usize>) -> u16 {
        let b = &self.buffer.as_ref()[range];
        u16::from_be_bytes([b[0], b[1]])
    }

    /// Source Port (0 when the sender expects no reply, RFC 768).
    pub fn src_port(&self) -> u16 {
        self.get_u16(field::SRC_PORT)
    }

    /// Destination Port.
    pub fn dst_port(&self) -> u16 {
        self.get_u16(field::DST_PORT)
    }

    /// Length: header and data, in octets.
    // `len` is the RFC's name for the field, not a collection length.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> u16 {
        self.get_u16(field::LENGTH)
    }

    /// Checksum, as carried (0 means "no checksum" over IPv4).
    pub fn checksum(&self) -> u16 {
        self.get_u16(field::CHECKSUM)
    }

    /// The datagram's bytes, header included, as bounded by the Length field (never past
    /// the buffer).
    pub fn datagram(&self) -> &[u8] {
        let buf = self.buffer.as_ref();
        let end = usize::from(self.len()).min(buf.len());
        buf.get(..end).unwrap_or(&[])
    }

    /// The data octets, bounded by the Length field.
    pub fn payload(&self) -> &[u8] {
        self.datagram().get(HEADER_LEN..).unwrap_or(&[])
    }

    /// True when the checksum verifies over the pseudo-header of `src` and `dst`
    /// (RFC 768, RFC 8200 §8.1).
    ///
    /// A zero checksum means the sender computed none: accepted over IPv4 (RFC 768), but
    /// invalid over IPv6, where the checksum is mandatory (RFC 8200 §8.1).
    pub fn verify_checksum<A: IpAddress>(&self, src: &A, dst: &A) -> bool {
        if self.checksum() == 0 {
            return A::VERSION == 4;
        }
        let data = self.datagram();
        let mut sum = A::pseudo_header(src, dst, IpProtocol::UDP, data.len() as u32);
        sum.add_bytes(data);
        sum.is_valid()
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_u16(&mut self, range: core::ops::Range<usize>, value: u16) {
        self.buffer.as_mut()[range].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets Source Port.
    pub fn set_src_port(&mut self, value: u16) {
        self.set_u16(field::SRC_PORT, value)
    }

    /// Sets Destination Port.
    pub fn set_dst_port(&mut self, value: u16) {
        self.set_u16(field::DST_PORT, value)
    }

    /// Sets Length.
    pub fn set_len(&mut self, value: u16) {
        self.set_u16(field::LENGTH, value)
    }

    /// Sets Checksum.
    pub fn set_checksum(&mut self, value: u16) {
        self.set_u16(field::CHECKSUM, value)
    }

    /// The data octets, writable, bounded by the Length field.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let buf = self.buffer.as_mut();
        let end = usize::from(u16::from_be_bytes([buf[4], buf[5]])).min(buf.len());
        buf.get_mut(HEADER_LEN..end).unwrap_or(&mut [])
    }

    /// Computes and writes the checksum over the pseudo-header of `src` and `dst` and the
    /// datagram (as long as its Length field says).
    ///
    /// A computed checksum of zero is sent as all ones (RFC 768: zero is reserved for "no
    /// checksum"; both are zero in one's-complement arithmetic, so it still verifies).
    pub fn fill_checksum<A: IpAddress>(&mut self, src: &A, dst: &A) {
        self.set_checksum(0);
        let data = self.datagram();
        let mut sum = A::pseudo_header(src, dst, IpProtocol::UDP, data.len() as u32);
        sum.add_bytes(data);
        let checksum = match sum.finish() {
            0 => 0xffff,
            c => c,
        };
        self.set_checksum(checksum);
    }
}

impl<T: AsRef<[u8]>> AsRef<[u8]> for Packet<T> {
    fn as_ref(&self) -> &[u8] {
        self.buffer.as_ref()
    }
}

/// `UDP 53 > 1024, length 33` (the data length, as tcpdump prints it); the alternate form
/// `{:#}` adds the Length field and the checksum.
impl<T: AsRef<[u8]>> fmt::Display for Packet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.buffer.as_ref().len() < HEADER_LEN {
            return f.write_str("UDP [truncated]");
        }
        let data_len = usize::from(self.len()).saturating_sub(HEADER_LEN);
        write!(f, "UDP {} > {}, length {}", self.src_port(), self.dst_port(), data_len)?;
        if f.alternate() {
            write!(f, " (len field {}, cksum {:#06x})", self.len(), self.checksum())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};
    extern crate std;
    use std::format;

    const SRC: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    const DST: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

    #[test]
    fn rfc768_buffer_shorter_than_header_is_truncated() {
        assert_eq!(Packet::new_checked(&[0u8; 7][..]), Err(WireError::Truncated));
    }

    #[test]
    fn rfc768_length_below_header_is_bad_length() {
        for len in [0u8, 1, 7] {
            let buf = [0, 1, 0, 2, 0, len, 0, 0, 0xaa];
            assert_eq!(Packet::new_checked(&buf[..]), Err(WireError::BadLength));
        }
    }

    #[test]
    fn rfc768_length_past_buffer_is_truncated() {
        let buf = [0, 1, 0, 2, 0, 10, 0, 0, 0xaa];
        assert_eq!(Packet::new_checked(&buf[..]), Err(WireError::Truncated));
    }

    #[test]
    fn rfc768_length_bounds_payload_not_buffer() {
        // Ethernet pads short frames: the bytes after Length are not data.
        let buf = [0, 1, 0, 2, 0, 9, 0, 0, 0xaa, 0, 0, 0];
        let p = Packet::new_checked(&buf[..]).unwrap();
        assert_eq!(p.payload(), &[0xaa]);
        assert_eq!(p.datagram().len(), 9);
    }

    #[test]
    fn rfc768_zero_checksum_is_none_over_ipv4() {
        let buf = [0, 1, 0, 2, 0, 9, 0, 0, 0xaa];
        let p = Packet::new_checked(&buf[..]).unwrap();
        assert!(p.verify_checksum(&SRC, &DST));
    }

    #[test]
    fn rfc8200_8_1_zero_checksum_is_invalid_over_ipv6() {
        let buf = [0, 1, 0, 2, 0, 9, 0, 0, 0xaa];
        let p = Packet::new_checked(&buf[..]).unwrap();
        let (a, b) = (Ipv6Addr::LOCALHOST, Ipv6Addr::UNSPECIFIED);
        assert!(!p.verify_checksum(&a, &b));
    }

    #[test]
    fn rfc768_computed_zero_is_sent_as_all_ones() {
        // Choose a payload word that makes the complemented sum zero: with checksum 0 and
        // payload word w, the sum is S + w; w = !S makes it 0xffff, so the checksum is 0.
        let mut buf = [0, 1, 0, 2, 0, 10, 0, 0, 0, 0];
        let mut sum = Ipv4Addr::pseudo_header(&SRC, &DST, IpProtocol::UDP, 10);
        sum.add_bytes(&buf);
        buf[8..10].copy_from_slice(&(!sum.sum()).to_be_bytes());
        let mut p = Packet::new_checked(&mut buf[..]).unwrap();
        p.fill_checksum(&SRC, &DST);
        assert_eq!(p.checksum(), 0xffff);
        assert!(p.verify_checksum(&SRC, &DST));
    }

    #[test]
    fn fill_then_verify_over_both_versions() {
        let mut buf = [0, 1, 0, 2, 0, 11, 0, 0, 1, 2, 3, 0xee];
        let mut p = Packet::new_checked(&mut buf[..]).unwrap();
        p.fill_checksum(&SRC, &DST);
        assert!(p.verify_checksum(&SRC, &DST));
        assert!(!p.verify_checksum(&DST, &Ipv4Addr::LOCALHOST));
        let (a, b): (Ipv6Addr, Ipv6Addr) =
            ("2001:db8::1".parse().unwrap(), "2001:db8::2".parse().unwrap());
        p.fill_checksum(&a, &b);
        assert!(p.verify_checksum(&a, &b));
        // The padding byte after Length is not summed.
        buf[11] = 0x11;
        assert!(Packet::new_checked(&buf[..]).unwrap().verify_checksum(&a, &b));
    }

    #[test]
    fn display_forms() {
        let buf = [0, 53, 4, 0, 0, 41, 0x12, 0x34];
        let mut full = [0u8; 41];
        full[..8].copy_from_slice(&buf);
        let p = Packet::new_checked(&full[..]).unwrap();
        assert_eq!(format!("{p}"), "UDP 53 > 1024, length 33");
        assert_eq!(format!("{p:#}"), "UDP 53 > 1024, length 33 (len field 41, cksum 0x1234)");
        assert_eq!(format!("{}", Packet::new_unchecked(&[0u8; 3][..])), "UDP [truncated]");
    }
}
