//! tcpdump-like text for ICMPv6 messages.

use core::fmt;

use super::Repr;
use crate::packet::{Packet, HEADER_LEN};

/// Writes ` [src > dst: next-header]` for the quoted packet of an error message, if its
/// fixed header is there (the rest may be cut short, RFC 4443 §2.4(c)).
fn invoking_summary(f: &mut fmt::Formatter<'_>, invoking: &[u8]) -> fmt::Result {
    if invoking.len() >= HEADER_LEN {
        let p = Packet::new_unchecked(invoking);
        if p.version() == 6 {
            return write!(f, " [{} > {}: {}]", p.src_addr(), p.dst_addr(), p.next_header());
        }
    }
    write!(f, " [{} bytes]", invoking.len())
}

impl fmt::Display for Repr<'_> {
    /// `ICMP6, neighbor solicitation, who has 2001:db8::2`; `{:#}` adds every field (and
    /// every NDP option or MLD record).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let alt = f.alternate();
        f.write_str("ICMP6, ")?;
        match self {
            Repr::DstUnreachable { code, unused, invoking } => {
                write!(f, "destination unreachable, {code}")?;
                if alt {
                    write!(f, ", unused 0x{unused:08x}")?;
                }
                invoking_summary(f, invoking)?;
            }
            Repr::PacketTooBig { mtu, invoking } => {
                write!(f, "packet too big, mtu {mtu}")?;
                invoking_summary(f, invoking)?;
            }
            Repr::TimeExceeded { code, unused, invoking } => {
                write!(f, "{code}")?;
                if alt {
                    write!(f, ", unused 0x{unused:08x}")?;
                }
                invoking_summary(f, invoking)?;
            }
            Repr::ParamProblem { code, pointer, invoking } => {
                write!(f, "parameter problem, {code} {pointer}")?;
                invoking_summary(f, invoking)?;
            }
            Repr::EchoRequest { ident, seq_no, .. } => {
                write!(f, "echo request, id {ident}, seq {seq_no}, length {}", self.buffer_len())?
            }
            Repr::EchoReply { ident, seq_no, .. } => {
                write!(f, "echo reply, id {ident}, seq {seq_no}, length {}", self.buffer_len())?
            }
            Repr::Ndp(n) if alt => write!(f, "{n:#}")?,
            Repr::Ndp(n) => write!(f, "{n}")?,
            Repr::Mld(m) if alt => write!(f, "{m:#}")?,
            Repr::Mld(m) => write!(f, "{m}")?,
            Repr::Other { msg_type, code, .. } => write!(f, "{msg_type}, code {code}")?,
        }
        if alt {
            write!(f, ", length {}", self.buffer_len())?;
        }
        Ok(())
    }
}
