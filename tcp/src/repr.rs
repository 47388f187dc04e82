//! The TCP header as plain values (RFC 9293 §3.1).

use core::fmt;

use unet_core::{IpAddress, WireError};

use crate::display::Line;
use crate::flags::TcpFlags;
use crate::options::TcpOptions;
use crate::segment::{checksum_sum, Segment, HEADER_LEN, MAX_HEADER_LEN};
use crate::seq::SeqNumber;

/// SEG.LEN (RFC 9293 §3.4): data octets plus one for SYN and one for FIN.
pub(crate) fn segment_len(payload_len: usize, flags: TcpFlags) -> usize {
    payload_len
        .saturating_add(usize::from(flags.contains(TcpFlags::SYN)))
        .saturating_add(usize::from(flags.contains(TcpFlags::FIN)))
}

/// A TCP header, parsed or to be emitted. The data stays in the buffer: layers emit from the
/// inside out, so it is already in place when the header is written.
///
/// Every field is kept as carried, even those the flags make meaningless (the
/// acknowledgment number without ACK, the urgent pointer without URG, reserved bits), so a
/// parsed segment re-emits byte for byte; the connection machine decides what they mean.
///
/// Options serve both directions: a parsed segment holds [`TcpOptions::Raw`] (its exact
/// bytes, with typed accessors), a new one usually [`TcpOptions::Typed`].
///
/// ```
/// use core::net::Ipv4Addr;
/// use unet_tcp::{OptionSet, Repr, Segment, SeqNumber, TcpFlags, TcpOptions, Timestamps};
///
/// let (src, dst) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2));
/// let syn = Repr {
///     src_port: 40000,
///     dst_port: 80,
///     seq_number: SeqNumber(123),
///     ack_number: SeqNumber(0),
///     flags: TcpFlags::SYN,
///     window_len: 65535,
///     urgent_pointer: 0,
///     options: TcpOptions::Typed(OptionSet {
///         mss: Some(1460),
///         sack_permitted: true,
///         timestamps: Some(Timestamps { tsval: 1, tsecr: 0 }),
///         window_scale: Some(7),
///         ..OptionSet::default()
///     }),
///     payload_len: 0,
/// };
/// let mut buf = [0u8; 40];
/// syn.emit(&mut Segment::new_unchecked(&mut buf[..]), &src, &dst).unwrap();
///
/// let segment = Segment::new_checked(&buf[..]).unwrap();
/// let parsed = Repr::parse(&segment, &src, &dst).unwrap();
/// assert_eq!(parsed, syn);
/// assert_eq!(parsed.options.mss(), Some(1460));
/// assert_eq!(
///     parsed.to_string(),
///     "TCP 40000 > 80: Flags [S], seq 123, win 65535, \
///      options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0"
/// );
/// # extern crate std;
/// # use std::string::ToString;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// Source Port.
    pub src_port: u16,
    /// Destination Port.
    pub dst_port: u16,
    /// Sequence Number.
    pub seq_number: SeqNumber,
    /// Acknowledgment Number (significant only with ACK).
    pub ack_number: SeqNumber,
    /// Control bits (reserved bits included).
    pub flags: TcpFlags,
    /// Window (unscaled, as on the wire).
    pub window_len: u16,
    /// Urgent Pointer (significant only with URG).
    pub urgent_pointer: u16,
    /// Options.
    pub options: TcpOptions<'a>,
    /// Number of data octets after the header.
    pub payload_len: usize,
}

impl<'a> Repr<'a> {
    /// Reads the header of `segment`, checking the checksum over the pseudo-header of `src`
    /// and `dst` ([`WireError::BadChecksum`]) and everything
    /// [`parse_without_checksum`](Repr::parse_without_checksum) checks.
    pub fn parse<T: AsRef<[u8]> + ?Sized, A: IpAddress>(
        segment: &Segment<&'a T>,
        src: &A,
        dst: &A,
    ) -> Result<Repr<'a>, WireError> {
        let repr = Repr::parse_without_checksum(segment)?;
        if !segment.verify_checksum(src, dst) {
            return Err(WireError::BadChecksum);
        }
        Ok(repr)
    }

    /// Reads the header of `segment` without its checksum (for captures taken before
    /// checksum offload, or when the NIC verified it). Checks:
    /// - the lengths ([`Segment::check_len`]);
    /// - every option ([`WireError::BadOption`], see [`TcpOptions::parse`]).
    ///
    /// URG with an urgent pointer of zero announces no urgent byte (RFC 9293 §3.8.5 points
    /// just past the urgent data); it is odd but well-formed, Linux accepts it, and what it
    /// means for a connection is the machine's business, so the wire layer keeps it.
    pub fn parse_without_checksum<T: AsRef<[u8]> + ?Sized>(
        segment: &Segment<&'a T>,
    ) -> Result<Repr<'a>, WireError> {
        segment.check_len()?;
        let bytes: &'a [u8] = AsRef::<[u8]>::as_ref(segment.buffer);
        let header_len = segment.header_len();
        let options = TcpOptions::parse(bytes.get(HEADER_LEN..header_len).unwrap_or(&[]))?;
        let flags = segment.flags();
        Ok(Repr {
            src_port: segment.src_port(),
            dst_port: segment.dst_port(),
            seq_number: segment.seq_number(),
            ack_number: segment.ack_number(),
            flags,
            window_len: segment.window_len(),
            urgent_pointer: segment.urgent_pointer(),
            options,
            payload_len: bytes.len() - header_len,
        })
    }

    /// Size of the header, options included.
    pub fn header_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.options.buffer_len())
    }

    /// Size of the whole segment: header and data.
    pub fn buffer_len(&self) -> usize {
        self.header_len().saturating_add(self.payload_len)
    }

    /// SEG.LEN (RFC 9293 §3.4): the sequence space the segment occupies, its data plus one
    /// for SYN and one for FIN.
    pub fn segment_len(&self) -> usize {
        segment_len(self.payload_len, self.flags)
    }

    /// Writes the header with a zero checksum (for checksum offload, or to fill it in later
    /// with [`Segment::fill_checksum`]). The segment is the first
    /// [`buffer_len`](Repr::buffer_len) bytes of the buffer.
    ///
    /// [`WireError::BadOption`] if the options do not fit the 40 bytes a header can hold
    /// (or are raw bytes that are not whole words); [`WireError::BufferTooSmall`] if the
    /// buffer cannot hold the segment.
    pub fn emit_header<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        segment: &mut Segment<T>,
    ) -> Result<(), WireError> {
        let header_len = self.header_len();
        if header_len > MAX_HEADER_LEN {
            return Err(WireError::BadOption);
        }
        if segment.as_ref().len() < self.buffer_len() {
            return Err(WireError::BufferTooSmall);
        }
        // Options first: they may still refuse (a raw list that is not whole words).
        let options = segment.buffer.as_mut().get_mut(HEADER_LEN..header_len).unwrap_or(&mut []);
        self.options.emit(options)?;
        segment.set_src_port(self.src_port);
        segment.set_dst_port(self.dst_port);
        segment.set_seq_number(self.seq_number);
        segment.set_ack_number(self.ack_number);
        segment.set_header_len(header_len);
        segment.set_flags(self.flags);
        segment.set_window_len(self.window_len);
        segment.set_checksum(0);
        segment.set_urgent_pointer(self.urgent_pointer);
        Ok(())
    }

    /// Writes the header and its checksum over the pseudo-header of `src` and `dst` and the
    /// data already in place. Errors as [`emit_header`](Repr::emit_header).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>, A: IpAddress>(
        &self,
        segment: &mut Segment<T>,
        src: &A,
        dst: &A,
    ) -> Result<(), WireError> {
        self.emit_header(segment)?;
        let bytes = segment.as_ref().get(..self.buffer_len()).unwrap_or(&[]);
        let checksum = checksum_sum(bytes, src, dst).finish();
        segment.set_checksum(checksum);
        Ok(())
    }
}

/// `TCP 40000 > 80: Flags [S.], seq 123, ack 456, win 65535, options [mss 1460,sackOK,TS val
/// 1 ecr 0,nop,wscale 7], length 0`, as tcpdump -S prints it; `{:#}` prints every field
/// (the checksum is only known to [`Segment`]'s `Display`).
impl fmt::Display for Repr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Line {
            src_port: self.src_port,
            dst_port: self.dst_port,
            seq_number: self.seq_number,
            ack_number: self.ack_number,
            flags: self.flags,
            window_len: self.window_len,
            checksum: None,
            urgent_pointer: self.urgent_pointer,
            options: self.options,
            payload_len: self.payload_len,
        }
        .fmt(f)
    }
}
