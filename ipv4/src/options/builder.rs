//! Writing an options field into a caller's buffer.

use unet_core::WireError;

use super::{Ipv4Option, OptionType};
use crate::packet::MAX_OPTIONS_LEN;

/// Writes options into a caller's buffer, then pads them to a multiple of four bytes with
/// End of Option List octets (RFC 791 §3.1: "the internet header padding ... ends on a
/// 32 bit boundary").
///
/// ```
/// use unet_ipv4::options::{OptionsBuilder, Ipv4Option};
/// let mut buf = [0xaa; 40];
/// let mut b = OptionsBuilder::new(&mut buf);
/// b.push(&Ipv4Option::RouterAlert(0)).unwrap();
/// assert_eq!(b.finish(), &[148, 4, 0, 0]);
/// ```
#[derive(Debug)]
pub struct OptionsBuilder<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> OptionsBuilder<'b> {
    /// An empty options field in `buf` (only the first 40 bytes are ever used).
    pub fn new(buf: &'b mut [u8]) -> OptionsBuilder<'b> {
        OptionsBuilder { buf, len: 0 }
    }

    /// Appends one option. [`WireError::BufferTooSmall`] if it does not fit the buffer or
    /// the 40 bytes a header has room for (padding included).
    pub fn push(&mut self, option: &Ipv4Option<'_>) -> Result<&mut Self, WireError> {
        let end = self.len + option.buffer_len();
        if end.next_multiple_of(4) > MAX_OPTIONS_LEN || end.next_multiple_of(4) > self.buf.len() {
            return Err(WireError::BufferTooSmall);
        }
        let written = option.emit(&mut self.buf[self.len..])?;
        self.len += written;
        Ok(self)
    }

    /// Appends Router Alert with value 0, "router shall examine packet" (RFC 2113 §2.1), as
    /// IGMP (RFC 2236 §2, RFC 3376 §4) and MLD need.
    pub fn router_alert(&mut self) -> Result<&mut Self, WireError> {
        self.push(&Ipv4Option::RouterAlert(0))
    }

    /// Appends a No Operation octet (to align the next option).
    pub fn nop(&mut self) -> Result<&mut Self, WireError> {
        self.push(&Ipv4Option::Nop)
    }

    /// Bytes written so far, without padding.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Pads with End of Option List octets to a multiple of four and returns the options
    /// field (`push` made sure the padding fits).
    pub fn finish(self) -> &'b [u8] {
        let end = self.len.next_multiple_of(4);
        let buf: &'b mut [u8] = self.buf;
        let field = buf.get_mut(..end).unwrap_or_default();
        if let Some(pad) = field.get_mut(self.len..) {
            pad.fill(OptionType::END_OF_LIST.0);
        }
        field
    }
}
