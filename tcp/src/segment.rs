//! The TCP segment as it lies in a buffer (RFC 9293 §3.1).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Source Port          |       Destination Port        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                        Sequence Number                        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Acknowledgment Number                      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Data |  Rsr|A|C|E|U|A|P|R|S|F|                               |
//! | Offset|  vd |E|W|C|R|C|S|S|Y|I|            Window             |
//! |       |     | |R|E|G|K|H|T|N|N|                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Checksum            |         Urgent Pointer        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                           [Options]                           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                             Data ...
//! ```
//!
//! TCP has no length field: the segment is the whole buffer, as the IP layer delimits it.

use core::fmt;

use unet_core::{IpAddress, IpProtocol, WireError};

use crate::display::Line;
use crate::flags::TcpFlags;
use crate::option::OptionIter;
use crate::options::TcpOptions;
use crate::seq::SeqNumber;

/// Size of the header without options: 20 bytes.
pub const HEADER_LEN: usize = 20;
/// Largest header: a data offset of 15 words.
pub const MAX_HEADER_LEN: usize = 60;

mod field {
    use core::ops::Range;
    pub const SRC_PORT: Range<usize> = 0..2;
    pub const DST_PORT: Range<usize> = 2..4;
    pub const SEQ_NUM: Range<usize> = 4..8;
    pub const ACK_NUM: Range<usize> = 8..12;
    pub const OFFSET_FLAGS: Range<usize> = 12..14;
    pub const WINDOW: Range<usize> = 14..16;
    pub const CHECKSUM: Range<usize> = 16..18;
    pub const URGENT: Range<usize> = 18..20;
}

/// A view over a TCP segment (header, options and data) in a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<T: AsRef<[u8]>> {
    pub(crate) buffer: T,
}

/// The name the other wire crates use for their view.
pub type Packet<T> = Segment<T>;

impl<T: AsRef<[u8]>> Segment<T> {
    /// Wraps `buffer` without any check. Accessors of fixed header fields panic if the buffer
    /// is shorter than [`HEADER_LEN`]; use [`new_checked`](Segment::new_checked) on input.
    pub const fn new_unchecked(buffer: T) -> Segment<T> {
        Segment { buffer }
    }

    /// Wraps `buffer` after [`check_len`](Segment::check_len): no accessor can panic then.
    pub fn new_checked(buffer: T) -> Result<Segment<T>, WireError> {
        let segment = Segment::new_unchecked(buffer);
        segment.check_len()?;
        Ok(segment)
    }

    /// Checks the lengths the accessors rely on (RFC 9293 §3.1 "Data Offset"):
    /// [`WireError::Truncated`] if the buffer cannot hold the fixed header or the header
    /// the data offset announces, [`WireError::BadLength`] if the data offset is below 5
    /// words (it counts the fixed header).
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            Err(WireError::Truncated)
        } else if self.header_len() < HEADER_LEN {
            Err(WireError::BadLength)
        } else if self.header_len() > len {
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

    fn get_u32(&self, range: core::ops::Range<usize>) -> u32 {
        let b = &self.buffer.as_ref()[range];
        u32::from_be_bytes([b[0], b[1], b[2], b[3]])
    }

    /// Source Port.
    pub fn src_port(&self) -> u16 {
        self.get_u16(field::SRC_PORT)
    }

    /// Destination Port.
    pub fn dst_port(&self) -> u16 {
        self.get_u16(field::DST_PORT)
    }

    /// Sequence Number.
    pub fn seq_number(&self) -> SeqNumber {
        SeqNumber(self.get_u32(field::SEQ_NUM))
    }

    /// Acknowledgment Number (significant only with ACK).
    pub fn ack_number(&self) -> SeqNumber {
        SeqNumber(self.get_u32(field::ACK_NUM))
    }

    /// Data Offset, in 32-bit words.
    pub fn data_offset(&self) -> u8 {
        self.buffer.as_ref()[field::OFFSET_FLAGS.start] >> 4
    }

    /// Header length in bytes (Data Offset × 4), options included.
    pub fn header_len(&self) -> usize {
        usize::from(self.data_offset()) * 4
    }

    /// The control bits, reserved bits included.
    pub fn flags(&self) -> TcpFlags {
        TcpFlags::from_wire(self.get_u16(field::OFFSET_FLAGS))
    }

    /// Window.
    pub fn window_len(&self) -> u16 {
        self.get_u16(field::WINDOW)
    }

    /// Checksum, as carried.
    pub fn checksum(&self) -> u16 {
        self.get_u16(field::CHECKSUM)
    }

    /// Urgent Pointer (significant only with URG).
    pub fn urgent_pointer(&self) -> u16 {
        self.get_u16(field::URGENT)
    }

    /// The option bytes, between the fixed header and the data.
    pub fn options(&self) -> &[u8] {
        let buf = self.buffer.as_ref();
        buf.get(HEADER_LEN..self.header_len()).unwrap_or(&[])
    }

    /// The options, typed, in wire order.
    pub fn option_iter(&self) -> OptionIter<'_> {
        OptionIter::new(self.options())
    }

    /// The data after the header.
    pub fn payload(&self) -> &[u8] {
        self.buffer.as_ref().get(self.header_len()..).unwrap_or(&[])
    }

    /// SEG.LEN (RFC 9293 §3.4): the data length, plus one for SYN and one for FIN, which
    /// occupy sequence space.
    pub fn segment_len(&self) -> usize {
        crate::repr::segment_len(self.payload().len(), self.flags())
    }

    /// True when the checksum verifies over the pseudo-header of `src` and `dst` and the
    /// whole buffer (RFC 9293 §3.1; RFC 8200 §8.1 for IPv6).
    pub fn verify_checksum<A: IpAddress>(&self, src: &A, dst: &A) -> bool {
        checksum_sum(self.buffer.as_ref(), src, dst).is_valid()
    }
}

/// The pseudo-header and segment sum; `bytes` is the whole segment.
pub(crate) fn checksum_sum<A: IpAddress>(bytes: &[u8], src: &A, dst: &A) -> unet_core::Checksum {
    // A segment longer than 4 GiB cannot exist; saturate rather than wrap if one did.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    let mut sum = A::pseudo_header(src, dst, IpProtocol::TCP, len);
    sum.add_bytes(bytes);
    sum
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Segment<T> {
    fn set_u16(&mut self, range: core::ops::Range<usize>, value: u16) {
        self.buffer.as_mut()[range].copy_from_slice(&value.to_be_bytes());
    }

    fn set_u32(&mut self, range: core::ops::Range<usize>, value: u32) {
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

    /// Sets Sequence Number.
    pub fn set_seq_number(&mut self, value: SeqNumber) {
        self.set_u32(field::SEQ_NUM, value.0)
    }

    /// Sets Acknowledgment Number.
    pub fn set_ack_number(&mut self, value: SeqNumber) {
        self.set_u32(field::ACK_NUM, value.0)
    }

    /// Sets Data Offset from a header length in bytes (rounded down to whole words, at
    /// most 60), keeping the control bits.
    pub fn set_header_len(&mut self, len: usize) {
        let words = (len.min(MAX_HEADER_LEN) / 4) as u8;
        let b = &mut self.buffer.as_mut()[field::OFFSET_FLAGS.start];
        *b = (*b & 0x0f) | (words << 4);
    }

    /// Sets the control bits (and reserved bits), keeping Data Offset.
    pub fn set_flags(&mut self, flags: TcpFlags) {
        let offset = u16::from(self.data_offset()) << 12;
        self.set_u16(field::OFFSET_FLAGS, offset | (flags.bits() & 0x0fff))
    }

    /// Sets Window.
    pub fn set_window_len(&mut self, value: u16) {
        self.set_u16(field::WINDOW, value)
    }

    /// Sets Checksum.
    pub fn set_checksum(&mut self, value: u16) {
        self.set_u16(field::CHECKSUM, value)
    }

    /// Sets Urgent Pointer.
    pub fn set_urgent_pointer(&mut self, value: u16) {
        self.set_u16(field::URGENT, value)
    }

    /// The option bytes, writable.
    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = self.header_len();
        self.buffer.as_mut().get_mut(HEADER_LEN..end).unwrap_or(&mut [])
    }

    /// The data, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = self.header_len();
        self.buffer.as_mut().get_mut(start..).unwrap_or(&mut [])
    }

    /// Computes and writes the checksum over the pseudo-header of `src` and `dst` and the
    /// whole buffer (RFC 9293 §3.1).
    pub fn fill_checksum<A: IpAddress>(&mut self, src: &A, dst: &A) {
        self.set_checksum(0);
        let checksum = checksum_sum(self.buffer.as_ref(), src, dst).finish();
        self.set_checksum(checksum);
    }
}

impl<T: AsRef<[u8]>> AsRef<[u8]> for Segment<T> {
    fn as_ref(&self) -> &[u8] {
        self.buffer.as_ref()
    }
}

/// tcpdump's line, as for [`Repr`](crate::Repr); `{:#}` prints every field, the checksum
/// included. A buffer that fails [`check_len`](Segment::check_len) prints as
/// `TCP [truncated]` or `TCP [bad length]`.
impl<T: AsRef<[u8]>> fmt::Display for Segment<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Err(e) = self.check_len() {
            return write!(f, "TCP [{e}]");
        }
        Line {
            src_port: self.src_port(),
            dst_port: self.dst_port(),
            seq_number: self.seq_number(),
            ack_number: self.ack_number(),
            flags: self.flags(),
            window_len: self.window_len(),
            checksum: Some(self.checksum()),
            urgent_pointer: self.urgent_pointer(),
            options: TcpOptions::Raw(self.options()),
            payload_len: self.payload().len(),
        }
        .fmt(f)
    }
}
