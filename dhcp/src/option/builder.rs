//! Writing options into a caller's buffer (RFC 2132 §2), splitting long ones into
//! several instances (RFC 3396 §7), ending with End and padding to the BOOTP minimum
//! (RFC 2131 §2, RFC 1542 §2.1).

use core::net::Ipv4Addr;

use unet_core::WireError;

use super::code::OptionCode;
use super::typed::DhcpOption;
use crate::message::{BOOTP_MIN_LEN, OPTIONS_OFFSET};

/// The smallest options field (after the cookie) that makes a 300-octet message.
pub const MIN_OPTIONS_LEN: usize = BOOTP_MIN_LEN - OPTIONS_OFFSET;

/// Writes options one after the other into a buffer (the options field after the cookie,
/// or an overloaded `file`/`sname`).
///
/// ```
/// use unet_dhcp::{DhcpOption, MessageType, OptionBuilder, OptionIter};
/// let mut buf = [0u8; 64];
/// let mut b = OptionBuilder::new(&mut buf);
/// b.push(&DhcpOption::MessageType(MessageType::DISCOVER)).unwrap();
/// b.push_raw(unet_dhcp::OptionCode::HOST_NAME, b"unet").unwrap();
/// let n = b.finish(true).unwrap();
/// assert_eq!(n, 60);
/// assert_eq!(&buf[..10], &[53, 1, 1, 12, 4, b'u', b'n', b'e', b't', 255]);
/// assert_eq!(OptionIter::new(&buf[..n]).count(), 2);
/// ```
#[derive(Debug)]
pub struct OptionBuilder<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> OptionBuilder<'b> {
    /// An empty option list at the start of `buf`.
    pub fn new(buf: &'b mut [u8]) -> OptionBuilder<'b> {
        OptionBuilder { buf, len: 0 }
    }

    /// Octets written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The options written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Writes a typed option.
    pub fn push(&mut self, option: &DhcpOption<'_>) -> Result<(), WireError> {
        let code = option.code();
        self.push_with(code, option.data_len(), |out| option.emit_data(out).map(|_| ()))
    }

    /// Writes option `code` with `data`, split into instances of at most 255 octets when
    /// longer (RFC 3396 §7). Empty data is one instance of length 0. Pad and End are
    /// [`WireError::BadOption`]: use [`OptionBuilder::finish`].
    pub fn push_raw(&mut self, code: OptionCode, data: &[u8]) -> Result<(), WireError> {
        self.push_with(code, data.len(), |out| {
            out.copy_from_slice(data);
            Ok(())
        })
    }

    /// Writes an address-list option (router, DNS, NTP... RFC 2132 §3.5) from addresses.
    pub fn push_addresses(
        &mut self,
        code: OptionCode,
        addrs: &[Ipv4Addr],
    ) -> Result<(), WireError> {
        let len = addrs.len().checked_mul(4).ok_or(WireError::BufferTooSmall)?;
        self.push_with(code, len, |out| {
            for (chunk, a) in out.chunks_exact_mut(4).zip(addrs) {
                chunk.copy_from_slice(&a.octets());
            }
            Ok(())
        })
    }

    /// Writes option `code` whose `len` data octets `fill` writes into the slice it is
    /// given. The data is written first, `2 * instances` octets further on, then moved
    /// into place between the instance headers, so no scratch buffer is needed.
    pub fn push_with(
        &mut self,
        code: OptionCode,
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> Result<(), WireError>,
    ) -> Result<(), WireError> {
        if code == OptionCode::PAD || code == OptionCode::END {
            return Err(WireError::BadOption);
        }
        let instances = len.div_ceil(255).max(1);
        let total = len.checked_add(2 * instances).ok_or(WireError::BufferTooSmall)?;
        let start = self.len;
        let end = start.checked_add(total).ok_or(WireError::BufferTooSmall)?;
        let area = self.buf.get_mut(start..end).ok_or(WireError::BufferTooSmall)?;
        fill(&mut area[2 * instances..])?;
        // Instance i's data sits at 2*instances + 255*i and belongs at 257*i + 2: never
        // further on, so moving in increasing order overwrites only moved octets.
        for i in 0..instances {
            let from = 2 * instances + 255 * i;
            let n = (len - 255 * i).min(255);
            let to = 257 * i;
            area.copy_within(from..from + n, to + 2);
            area[to] = code.0;
            area[to + 1] = n as u8;
        }
        self.len = end;
        Ok(())
    }

    /// Writes End and, with `pad_to_minimum`, Pad octets up to [`MIN_OPTIONS_LEN`] so
    /// that the message reaches the 300-octet BOOTP minimum. Returns the total length.
    pub fn finish(self, pad_to_minimum: bool) -> Result<usize, WireError> {
        let end = self.len + 1;
        *self.buf.get_mut(self.len).ok_or(WireError::BufferTooSmall)? = 255;
        let total = if pad_to_minimum { end.max(MIN_OPTIONS_LEN) } else { end };
        self.buf.get_mut(end..total).ok_or(WireError::BufferTooSmall)?.fill(0);
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::option::iter::{OptionIter, Options};
    extern crate std;
    use std::vec::Vec;

    #[test]
    fn rfc3396_7_long_option_is_split_and_rejoined() {
        let data: Vec<u8> = (0..600u32).map(|i| i as u8).collect();
        let mut buf = [0u8; 700];
        let mut b = OptionBuilder::new(&mut buf);
        b.push_raw(OptionCode::VENDOR_SPECIFIC, &data).unwrap();
        assert_eq!(b.len(), 606);
        let n = b.finish(false).unwrap();
        let lens: Vec<usize> = OptionIter::new(&buf[..n]).map(|o| o.unwrap().data.len()).collect();
        assert_eq!(lens, [255, 255, 90]);
        let mut joined = [0u8; 600];
        let got = Options::new(&buf[..n], &[], &[]).join(OptionCode::VENDOR_SPECIFIC, &mut joined);
        assert_eq!(got, Ok(Some(&data[..])));
    }

    #[test]
    fn rfc3396_7_exactly_255_is_one_instance_and_empty_is_one() {
        let mut buf = [0u8; 300];
        let mut b = OptionBuilder::new(&mut buf);
        b.push_raw(OptionCode::VENDOR_SPECIFIC, &[7; 255]).unwrap();
        b.push(&DhcpOption::RapidCommit).unwrap();
        assert_eq!(b.len(), 257 + 2);
        assert_eq!(&buf[257..259], &[80, 0]);
    }

    #[test]
    fn rfc2131_2_padded_to_300_octet_message() {
        let mut buf = [0xaau8; 80];
        let mut b = OptionBuilder::new(&mut buf);
        b.push_addresses(OptionCode::ROUTER, &[Ipv4Addr::new(192, 0, 2, 1)]).unwrap();
        assert_eq!(b.finish(true), Ok(MIN_OPTIONS_LEN));
        assert_eq!(&buf[..7], &[3, 4, 192, 0, 2, 1, 255]);
        assert!(buf[7..60].iter().all(|&b| b == 0));
        assert_eq!(buf[60], 0xaa);
    }

    #[test]
    fn builder_reports_small_buffers_and_refuses_pad_end() {
        let mut buf = [0u8; 4];
        let mut b = OptionBuilder::new(&mut buf);
        assert_eq!(b.push_raw(OptionCode::HOST_NAME, b"abc"), Err(WireError::BufferTooSmall));
        assert_eq!(b.push_raw(OptionCode::END, b""), Err(WireError::BadOption));
        assert_eq!(b.push_raw(OptionCode::PAD, b""), Err(WireError::BadOption));
        b.push_raw(OptionCode::HOST_NAME, b"ab").unwrap();
        assert_eq!(b.finish(true), Err(WireError::BufferTooSmall));
        let mut full = [0u8; 0];
        assert_eq!(OptionBuilder::new(&mut full).finish(false), Err(WireError::BufferTooSmall));
    }
}
