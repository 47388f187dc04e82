//! Hop-by-Hop Options (RFC 8200 §4.3) and Destination Options (RFC 8200 §4.6) headers.
//!
//! Both have the same format, so one view and one `Repr` serve both; the chain walker
//! ([`crate::chain`]) tells them apart by the Next Header value that led to them.
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Next Header  |  Hdr Ext Len  |                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//! .                            Options                            .
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use core::fmt;

use unet_core::{IpProtocol, WireError};

use super::options::Options;
use super::{len_field, len_in_8_octets};

/// A view of a Hop-by-Hop or Destination Options header at the start of a buffer.
///
/// After [`OptionsHeader::new_checked`] the whole header (Hdr Ext Len + 1 units of 8 bytes)
/// is in the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionsHeader<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> OptionsHeader<T> {
    /// Wraps without checks.
    pub const fn new_unchecked(buffer: T) -> OptionsHeader<T> {
        OptionsHeader { buffer }
    }

    /// Wraps after checking that the whole header is present ([`WireError::Truncated`]).
    pub fn new_checked(buffer: T) -> Result<OptionsHeader<T>, WireError> {
        let len = len_in_8_octets(buffer.as_ref())?;
        if buffer.as_ref().len() < len {
            return Err(WireError::Truncated);
        }
        Ok(OptionsHeader { buffer })
    }

    /// Next Header.
    pub fn next_header(&self) -> IpProtocol {
        IpProtocol(self.buffer.as_ref()[0])
    }

    /// Length of the header in bytes: (Hdr Ext Len + 1) × 8.
    pub fn header_len(&self) -> usize {
        (usize::from(self.buffer.as_ref()[1]) + 1) * 8
    }

    /// The option area (after Next Header and Hdr Ext Len).
    pub fn options_bytes(&self) -> &[u8] {
        &self.buffer.as_ref()[2..self.header_len()]
    }

    /// The options, as an iterator.
    pub fn options(&self) -> Options<'_> {
        Options::new(self.options_bytes())
    }

    /// What follows the header.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[self.header_len()..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> OptionsHeader<T> {
    /// Sets Next Header.
    pub fn set_next_header(&mut self, nh: IpProtocol) {
        self.buffer.as_mut()[0] = nh.0;
    }
    /// Sets Hdr Ext Len (in 8-octet units, not counting the first 8 octets).
    pub fn set_header_len_field(&mut self, units: u8) {
        self.buffer.as_mut()[1] = units;
    }
    /// The option area, writable.
    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = self.header_len();
        &mut self.buffer.as_mut()[2..end]
    }
}

/// A parsed Hop-by-Hop or Destination Options header; the option area is kept as bytes
/// (iterate with [`OptionsRepr::options`]) so unknown options re-emit exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OptionsRepr<'a> {
    /// Next Header.
    pub next_header: IpProtocol,
    /// The option area: header length − 2 bytes, every option well formed.
    pub options: &'a [u8],
}

impl<'a> OptionsRepr<'a> {
    /// Reads a checked header. Errors: [`WireError::BadOption`] for a malformed option.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(
        header: &OptionsHeader<&'a T>,
    ) -> Result<OptionsRepr<'a>, WireError> {
        let buf: &'a T = header.buffer;
        let options = buf.as_ref().get(2..header.header_len()).ok_or(WireError::Truncated)?;
        Options::validate(options)?;
        Ok(OptionsRepr { next_header: header.next_header(), options })
    }

    /// Reads the header at the start of `bytes`.
    pub fn parse_bytes(bytes: &'a [u8]) -> Result<OptionsRepr<'a>, WireError> {
        let h = OptionsHeader::new_checked(bytes)?;
        let options = bytes.get(2..h.header_len()).ok_or(WireError::Truncated)?;
        Options::validate(options)?;
        Ok(OptionsRepr { next_header: h.next_header(), options })
    }

    /// The options.
    pub fn options(&self) -> Options<'a> {
        Options::new(self.options)
    }

    /// Header length in bytes.
    pub const fn header_len(&self) -> usize {
        2 + self.options.len()
    }

    /// Same as [`OptionsRepr::header_len`].
    pub const fn buffer_len(&self) -> usize {
        self.header_len()
    }

    /// Writes the header at the start of `buf`.
    ///
    /// Errors: [`WireError::BadLength`] unless 2 + the option area is a multiple of 8 up
    /// to 2048; [`WireError::BufferTooSmall`].
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let units = len_field(self.header_len())?;
        let out = buf.get_mut(..self.header_len()).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.next_header.0;
        out[1] = units;
        out[2..].copy_from_slice(self.options);
        Ok(())
    }

    /// Writes the options and the padding after them.
    pub fn fmt_options(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, o) in self.options().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match o {
                Ok(o) => write!(f, "{o}")?,
                Err(e) => write!(f, "{e}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for OptionsRepr<'_> {
    /// `(router-alert MLD, padn 0)`; `{:#}` adds the next header and length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(f, "next-header {}, length {}, ", self.next_header, self.header_len())?;
        }
        f.write_str("(")?;
        self.fmt_options(f)?;
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ext::options::{Ipv6Option, RouterAlert};
    extern crate std;
    use proptest::prelude::*;
    use std::string::ToString;
    use std::vec;

    #[test]
    fn rfc8200_4_3_hop_by_hop_from_mld_capture() {
        // tcpdump-icmpv6.pcap frame 1: next header ICMPv6, Router Alert MLD, PadN.
        let bytes = [0x3a, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00, 0x8f];
        let r = OptionsRepr::parse_bytes(&bytes).unwrap();
        assert_eq!(r.next_header, IpProtocol::ICMPV6);
        assert_eq!(r.header_len(), 8);
        assert_eq!(r.options().next(), Some(Ok(Ipv6Option::RouterAlert(RouterAlert::MLD))));
        assert_eq!(r.to_string(), "(router-alert MLD, padn 0)");
        let mut out = [0u8; 8];
        r.emit(&mut out).unwrap();
        assert_eq!(out, bytes[..8]);
        let h = OptionsHeader::new_checked(&bytes[..]).unwrap();
        assert_eq!(h.payload(), &[0x8f]);
        assert_eq!(OptionsRepr::parse(&h), Ok(r));
    }

    #[test]
    fn rfc8200_4_3_length_past_buffer_is_truncated() {
        assert_eq!(
            OptionsHeader::new_checked(&[0x3a, 0x01, 1, 4, 0, 0, 0, 0][..]).unwrap_err(),
            WireError::Truncated
        );
        assert_eq!(OptionsHeader::new_checked(&[0x3a][..]).unwrap_err(), WireError::Truncated);
    }

    #[test]
    fn rfc8200_4_2_malformed_option_is_bad_option() {
        assert_eq!(
            OptionsRepr::parse_bytes(&[0x3a, 0, 1, 5, 0, 0, 0, 0]),
            Err(WireError::BadOption)
        );
    }

    #[test]
    fn rfc8200_4_3_emit_rejects_unaligned_length() {
        let r = OptionsRepr { next_header: IpProtocol::TCP, options: &[1, 0, 0] };
        assert_eq!(r.emit(&mut [0u8; 8]), Err(WireError::BadLength));
        let r = OptionsRepr { next_header: IpProtocol::TCP, options: &[1, 4, 0, 0, 0, 0] };
        assert_eq!(r.emit(&mut [0u8; 7]), Err(WireError::BufferTooSmall));
    }

    proptest! {
        #[test]
        fn bytes_round_trip(mut bytes in proptest::collection::vec(any::<u8>(), 8..40)) {
            bytes[1] %= 4;
            if let Ok(r) = OptionsRepr::parse_bytes(&bytes) {
                let mut out = vec![0u8; r.buffer_len()];
                r.emit(&mut out).unwrap();
                prop_assert_eq!(&out[..], &bytes[..r.buffer_len()]);
                prop_assert_eq!(OptionsRepr::parse_bytes(&out).unwrap(), r);
            }
        }
    }
}
