//! The control bits (RFC 9293 §3.1, RFC 3168 §6.1, RFC 3540 and accurate ECN).

use core::fmt;

bitflags::bitflags! {
    /// The 12 bits after the data offset: nine control bits and three reserved bits.
    ///
    /// Reserved bits a segment carries are kept ([`TcpFlags::from_bits_retain`]) so that a
    /// parsed segment re-emits unchanged; [`TcpFlags::RESERVED`] selects them.
    ///
    /// ```
    /// use unet_tcp::TcpFlags;
    /// let syn_ack = TcpFlags::SYN | TcpFlags::ACK;
    /// assert_eq!(syn_ack.to_string(), "S.");
    /// assert_eq!(TcpFlags::empty().to_string(), "none");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
    pub struct TcpFlags: u16 {
        /// No more data from sender.
        const FIN = 0x001;
        /// Synchronize sequence numbers.
        const SYN = 0x002;
        /// Reset the connection.
        const RST = 0x004;
        /// Push function.
        const PSH = 0x008;
        /// Acknowledgment field is significant.
        const ACK = 0x010;
        /// Urgent pointer field is significant.
        const URG = 0x020;
        /// ECN-Echo (RFC 3168 §6.1).
        const ECE = 0x040;
        /// Congestion Window Reduced (RFC 3168 §6.1).
        const CWR = 0x080;
        /// Accurate ECN (the bit RFC 3540 named NS, the ECN-nonce sum, now historic).
        const AE = 0x100;
        /// The three bits still reserved, which a sender must set to zero.
        const RESERVED = 0xe00;
    }
}

impl TcpFlags {
    /// RFC 3540's name for [`TcpFlags::AE`] (the ECN-nonce sum).
    pub const NS: TcpFlags = TcpFlags::AE;

    /// The flags from the 12 bits of the wire (the upper four bits of the 16-bit word, the
    /// data offset, are dropped).
    pub const fn from_wire(word: u16) -> TcpFlags {
        TcpFlags::from_bits_retain(word & 0x0fff)
    }
}

/// tcpdump's letters, in its order: `F S R P . U E W e` (`.` is ACK, `W` is CWR, `e` is
/// AE); `none` when no control bit is set. Reserved bits are not shown.
impl fmt::Display for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const LETTERS: [(TcpFlags, char); 9] = [
            (TcpFlags::FIN, 'F'),
            (TcpFlags::SYN, 'S'),
            (TcpFlags::RST, 'R'),
            (TcpFlags::PSH, 'P'),
            (TcpFlags::ACK, '.'),
            (TcpFlags::URG, 'U'),
            (TcpFlags::ECE, 'E'),
            (TcpFlags::CWR, 'W'),
            (TcpFlags::AE, 'e'),
        ];
        let mut any = false;
        for (flag, letter) in LETTERS {
            if self.contains(flag) {
                fmt::Write::write_char(f, letter)?;
                any = true;
            }
        }
        if !any {
            f.write_str("none")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    #[test]
    fn rfc9293_3_1_bit_positions() {
        // Byte 13 of the header carries CWR..FIN from the most significant bit down; the
        // lowest bit of byte 12 is AE.
        assert_eq!(TcpFlags::from_wire(0x5012), TcpFlags::SYN | TcpFlags::ACK);
        assert_eq!(TcpFlags::from_wire(0x01c0), TcpFlags::AE | TcpFlags::CWR | TcpFlags::ECE);
        assert_eq!(TcpFlags::from_wire(0xfe00), TcpFlags::RESERVED);
        assert_eq!(TcpFlags::NS, TcpFlags::AE);
    }

    #[test]
    fn tcpdump_letters() {
        let f = |b| TcpFlags::from_wire(b).to_string();
        assert_eq!(f(0x002), "S");
        assert_eq!(f(0x012), "S.");
        assert_eq!(f(0x018), "P.");
        assert_eq!(f(0x011), "F.");
        assert_eq!(f(0x0c2), "SEW");
        assert_eq!(f(0x1ff), "FSRP.UEWe");
        assert_eq!(f(0xe00), "none");
    }
}
