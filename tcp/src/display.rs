//! The tcpdump-style line shared by [`Segment`](crate::Segment) and [`Repr`](crate::Repr).

use core::fmt;

use crate::flags::TcpFlags;
use crate::options::TcpOptions;
use crate::seq::SeqNumber;

/// Every field a line may show.
pub(crate) struct Line<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq_number: SeqNumber,
    pub ack_number: SeqNumber,
    pub flags: TcpFlags,
    pub window_len: u16,
    /// Known for a view, not for a `Repr`.
    pub checksum: Option<u16>,
    pub urgent_pointer: u16,
    pub options: TcpOptions<'a>,
    pub payload_len: usize,
}

impl Line<'_> {
    /// Short form, as `tcpdump -S` prints it: `TCP 1 > 2: Flags [S.], seq 123, ack 456,
    /// win 65535, options [mss 1460], length 0` (ack only with ACK, urg only with URG,
    /// options only when there are some, `seq a:b` when there is data).
    ///
    /// Long form (`{:#}`): every field, whatever the flags.
    pub fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return self.fmt_long(f);
        }
        write!(
            f,
            "TCP {} > {}: Flags [{}], seq {}",
            self.src_port, self.dst_port, self.flags, self.seq_number
        )?;
        if self.payload_len > 0 {
            // The data spans seq..seq+len, modulo 2^32 (a u32 cannot hold a longer payload
            // anyway, so truncating the length is only for display).
            write!(f, ":{}", self.seq_number + self.payload_len as u32)?;
        }
        if self.flags.contains(TcpFlags::ACK) {
            write!(f, ", ack {}", self.ack_number)?;
        }
        write!(f, ", win {}", self.window_len)?;
        if self.flags.contains(TcpFlags::URG) {
            write!(f, ", urg {}", self.urgent_pointer)?;
        }
        if !self.options.is_empty() {
            write!(f, ", options {}", self.options)?;
        }
        write!(f, ", length {}", self.payload_len)
    }

    fn fmt_long(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_len = 20usize.saturating_add(self.options.buffer_len());
        write!(
            f,
            "TCP src port {}, dst port {}, seq {}, ack {}, data offset {} ({} bytes), flags [{}] ({:#05x}), win {}",
            self.src_port,
            self.dst_port,
            self.seq_number,
            self.ack_number,
            header_len / 4,
            header_len,
            self.flags,
            self.flags.bits(),
            self.window_len,
        )?;
        if let Some(checksum) = self.checksum {
            write!(f, ", cksum {checksum:#06x}")?;
        }
        write!(
            f,
            ", urg {}, options {}, length {} (SEG.LEN {})",
            self.urgent_pointer,
            self.options,
            self.payload_len,
            crate::repr::segment_len(self.payload_len, self.flags)
        )
    }
}
