//! The Fragment header (RFC 8200 §4.5).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Identification                        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use core::fmt;

use unet_core::{IpProtocol, WireError};

/// Length of the Fragment header: always 8.
pub const HEADER_LEN: usize = 8;

/// A view of a Fragment header at the start of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragmentHeader<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> FragmentHeader<T> {
    /// Wraps without checks.
    pub const fn new_unchecked(buffer: T) -> FragmentHeader<T> {
        FragmentHeader { buffer }
    }
    /// Wraps after checking the 8 bytes are present ([`WireError::Truncated`]).
    pub fn new_checked(buffer: T) -> Result<FragmentHeader<T>, WireError> {
        if buffer.as_ref().len() < HEADER_LEN {
            return Err(WireError::Truncated);
        }
        Ok(FragmentHeader { buffer })
    }
    /// Next Header (of the fragmentable part's first header).
    pub fn next_header(&self) -> IpProtocol {
        IpProtocol(self.buffer.as_ref()[0])
    }
    /// The Reserved byte (zero when sent, ignored on receipt).
    pub fn reserved(&self) -> u8 {
        self.buffer.as_ref()[1]
    }
    fn word(&self) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_be_bytes([b[2], b[3]])
    }
    /// Fragment Offset in 8-octet units.
    pub fn frag_offset(&self) -> u16 {
        self.word() >> 3
    }
    /// The two Res bits.
    pub fn res(&self) -> u8 {
        ((self.word() >> 1) & 0b11) as u8
    }
    /// M flag: more fragments follow.
    pub fn more_frags(&self) -> bool {
        self.word() & 1 != 0
    }
    /// Identification.
    pub fn ident(&self) -> u32 {
        let b = self.buffer.as_ref();
        u32::from_be_bytes([b[4], b[5], b[6], b[7]])
    }
    /// What follows the header.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..]
    }
}

/// A parsed Fragment header.
///
/// The reserved bits are kept so that a re-emit is exact (RFC 8200 §4.5: zero when sent,
/// ignored on receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FragmentRepr {
    /// Next Header.
    pub next_header: IpProtocol,
    /// Fragment Offset, in 8-octet units (13 bits).
    pub frag_offset: u16,
    /// M flag.
    pub more_frags: bool,
    /// Identification.
    pub ident: u32,
    /// The Reserved byte.
    pub reserved: u8,
    /// The two Res bits.
    pub res: u8,
}

impl FragmentRepr {
    /// Reads a checked header.
    pub fn parse<T: AsRef<[u8]>>(h: &FragmentHeader<T>) -> Result<FragmentRepr, WireError> {
        if h.buffer.as_ref().len() < HEADER_LEN {
            return Err(WireError::Truncated);
        }
        Ok(FragmentRepr {
            next_header: h.next_header(),
            frag_offset: h.frag_offset(),
            more_frags: h.more_frags(),
            ident: h.ident(),
            reserved: h.reserved(),
            res: h.res(),
        })
    }

    /// Reads the header at the start of `bytes`.
    pub fn parse_bytes(bytes: &[u8]) -> Result<FragmentRepr, WireError> {
        FragmentRepr::parse(&FragmentHeader::new_checked(bytes)?)
    }

    /// Offset of this fragment's data in the original packet, in bytes.
    pub const fn offset_bytes(&self) -> usize {
        self.frag_offset as usize * 8
    }

    /// True for the first fragment (offset 0), which must carry the whole header chain
    /// (RFC 7112 §5).
    pub const fn is_first(&self) -> bool {
        self.frag_offset == 0
    }

    /// True for an atomic fragment (offset 0, no more fragments: RFC 6946).
    pub const fn is_atomic(&self) -> bool {
        self.frag_offset == 0 && !self.more_frags
    }

    /// 8.
    pub const fn header_len(&self) -> usize {
        HEADER_LEN
    }
    /// 8.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Writes the header at the start of `buf`.
    ///
    /// Errors: [`WireError::BufferTooSmall`]; [`WireError::BadLength`] for an offset above
    /// 13 bits or Res above 2 bits.
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), WireError> {
        if self.frag_offset > 0x1fff || self.res > 3 {
            return Err(WireError::BadLength);
        }
        let out = buf.get_mut(..HEADER_LEN).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.next_header.0;
        out[1] = self.reserved;
        let word =
            (self.frag_offset << 3) | (u16::from(self.res) << 1) | u16::from(self.more_frags);
        out[2..4].copy_from_slice(&word.to_be_bytes());
        out[4..8].copy_from_slice(&self.ident.to_be_bytes());
        Ok(())
    }
}

impl fmt::Display for FragmentRepr {
    /// `frag id 0x1234 off 0 M` (offset in bytes, as tcpdump prints it); `{:#}` adds the
    /// next header and reserved bits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "frag id 0x{:x} off {}", self.ident, self.offset_bytes())?;
        if self.more_frags {
            f.write_str(" M")?;
        }
        if f.alternate() {
            write!(
                f,
                ", next-header {}, reserved 0x{:02x}, res {}",
                self.next_header, self.reserved, self.res
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use proptest::prelude::*;
    use std::string::ToString;

    #[test]
    fn rfc8200_4_5_fragment_from_rfc7112_capture() {
        // The invoking packet quoted by tcpdump-icmpv6-rfc7112.pcap: Fragment header with
        // next header IPv6, offset 0, M set, identification 0xd6b1.
        let bytes = [0x29, 0x00, 0x00, 0x01, 0x00, 0x00, 0xd6, 0xb1];
        let r = FragmentRepr::parse_bytes(&bytes).unwrap();
        assert_eq!(r.next_header, IpProtocol::IPV6_IN_IP);
        assert_eq!((r.frag_offset, r.more_frags, r.ident), (0, true, 0xd6b1));
        assert!(r.is_first() && !r.is_atomic());
        assert_eq!(r.to_string(), "frag id 0xd6b1 off 0 M");
        let mut out = [0u8; 8];
        r.emit(&mut out).unwrap();
        assert_eq!(out, bytes);
    }

    #[test]
    fn rfc8200_4_5_offset_in_8_octet_units() {
        let r = FragmentRepr::parse_bytes(&[17, 0, 0x00, 0xb8, 0, 0, 0x12, 0x34]).unwrap();
        assert_eq!((r.frag_offset, r.offset_bytes(), r.more_frags), (23, 184, false));
        assert_eq!(r.to_string(), "frag id 0x1234 off 184");
        assert_eq!(FragmentRepr::parse_bytes(&[17, 0, 0]), Err(WireError::Truncated));
    }

    proptest! {
        #[test]
        fn repr_round_trip(bytes in any::<[u8; 8]>()) {
            let r = FragmentRepr::parse_bytes(&bytes).unwrap();
            let mut out = [0u8; 8];
            r.emit(&mut out).unwrap();
            prop_assert_eq!(out, bytes);
            prop_assert_eq!(FragmentRepr::parse_bytes(&out).unwrap(), r);
        }
    }
}
