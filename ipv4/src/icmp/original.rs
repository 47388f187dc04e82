//! The datagram an ICMP error quotes, and the RFC 4884 extension structure after it.

use unet_core::WireError;

/// The datagram an error message quotes (RFC 792: "Internet Header + 64 bits of Original
/// Data Datagram"; RFC 1812 §4.3.2.3 allows more), with the RFC 4884 extension structure
/// that may follow it.
///
/// RFC 4884 §4.1: byte 5 of types 3, 11 and 12 is the quoted datagram's length in 32-bit
/// words when an extension structure follows, zero otherwise. Here `extensions` is `None`
/// exactly when that length is zero, so a re-emit writes the same byte 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Original<'a> {
    /// The quoted datagram: its IP header and leading payload bytes (padded to a 32-bit
    /// boundary when extensions follow).
    pub datagram: &'a [u8],
    /// The RFC 4884 extension structure, kept opaque; `None` when byte 5 is zero.
    pub extensions: Option<&'a [u8]>,
}

impl<'a> Original<'a> {
    /// Just a quoted datagram, no extensions.
    pub const fn new(datagram: &'a [u8]) -> Original<'a> {
        Original { datagram, extensions: None }
    }

    /// The quoted datagram's IP header, if it holds a readable one (its payload is cut, so
    /// only the header is checked; see [`crate::Packet::new_checked_header`]).
    pub fn ip_header(&self) -> Result<crate::Packet<&'a [u8]>, WireError> {
        crate::Packet::new_checked_header(self.datagram)
    }

    pub(super) fn parse(length_words: u8, data: &'a [u8]) -> Result<Original<'a>, WireError> {
        if length_words == 0 {
            return Ok(Original::new(data));
        }
        let split = usize::from(length_words) * 4;
        if split > data.len() {
            return Err(WireError::BadLength);
        }
        let (datagram, ext) = data.split_at(split);
        Ok(Original { datagram, extensions: Some(ext) })
    }

    /// Byte 5, or an error when the datagram cannot be described by it.
    pub(super) fn length_words(&self) -> Result<u8, WireError> {
        match self.extensions {
            None => Ok(0),
            Some(_) => {
                let len = self.datagram.len();
                if len == 0 || !len.is_multiple_of(4) {
                    return Err(WireError::BadLength);
                }
                u8::try_from(len / 4).map_err(|_| WireError::BadLength)
            }
        }
    }

    pub(super) fn len(&self) -> usize {
        self.datagram.len() + self.extensions.map_or(0, <[u8]>::len)
    }
}
