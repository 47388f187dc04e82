//! The 12-byte message header (RFC 1035 §4.1.1, with the AD and CD bits of RFC 4035 §3.2).

use core::fmt;

use bitflags::bitflags;

use crate::registry::registry;
use crate::Error;

/// Length of the fixed header.
pub const HEADER_LEN: usize = 12;

registry! {
    /// The kind of query (RFC 1035 §4.1.1 OPCODE, IANA "DNS OpCodes").
    Opcode(u8), generic "OPCODE";
    QUERY = 0, "QUERY", "A standard query (RFC 1035).";
    IQUERY = 1, "IQUERY", "An inverse query, obsolete (RFC 3425).";
    STATUS = 2, "STATUS", "A server status request (RFC 1035).";
    NOTIFY = 4, "NOTIFY", "Zone change notification (RFC 1996).";
    UPDATE = 5, "UPDATE", "Dynamic update (RFC 2136).";
    DSO = 6, "DSO", "DNS stateful operations (RFC 8490).";
}

registry! {
    /// A response code (RFC 1035 §4.1.1 RCODE), 12 bits wide when the upper 8 bits come from
    /// an OPT record (RFC 6891 §6.1.3). Value 16 is both BADVERS (OPT) and BADSIG (TSIG,
    /// RFC 8945); it prints as `BADVERS`.
    Rcode(u16), generic "RCODE";
    NOERROR = 0, "NOERROR", "No error (RFC 1035).";
    FORMERR = 1, "FORMERR", "Format error (RFC 1035).";
    SERVFAIL = 2, "SERVFAIL", "Server failure (RFC 1035).";
    NXDOMAIN = 3, "NXDOMAIN", "Non-existent domain (RFC 1035).";
    NOTIMP = 4, "NOTIMP", "Not implemented (RFC 1035).";
    REFUSED = 5, "REFUSED", "Query refused (RFC 1035).";
    YXDOMAIN = 6, "YXDOMAIN", "Name exists when it should not (RFC 2136).";
    YXRRSET = 7, "YXRRSET", "RRset exists when it should not (RFC 2136).";
    NXRRSET = 8, "NXRRSET", "RRset that should exist does not (RFC 2136).";
    NOTAUTH = 9, "NOTAUTH", "Server not authoritative for zone, or not authorized (RFC 2136, RFC 8945).";
    NOTZONE = 10, "NOTZONE", "Name not contained in zone (RFC 2136).";
    DSOTYPENI = 11, "DSOTYPENI", "DSO-TYPE not implemented (RFC 8490).";
    BADVERS = 16, "BADVERS", "Bad OPT version (RFC 6891).";
    BADKEY = 17, "BADKEY", "Key not recognized (RFC 8945).";
    BADTIME = 18, "BADTIME", "Signature out of time window (RFC 8945).";
    BADMODE = 19, "BADMODE", "Bad TKEY mode (RFC 2930).";
    BADNAME = 20, "BADNAME", "Duplicate key name (RFC 2930).";
    BADALG = 21, "BADALG", "Algorithm not supported (RFC 2930).";
    BADTRUNC = 22, "BADTRUNC", "Bad truncation (RFC 8945).";
    BADCOOKIE = 23, "BADCOOKIE", "Bad or missing server cookie (RFC 7873).";
}

impl Rcode {
    /// TSIG signature failure (RFC 8945 §5.2); the same value as [`Rcode::BADVERS`].
    pub const BADSIG: Rcode = Rcode(16);
}

bitflags! {
    /// The single-bit header fields, in their positions within the header's second 16-bit
    /// word (the OPCODE and RCODE bits are not flags and are kept apart).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Flags: u16 {
        /// QR: this message is a response (RFC 1035 §4.1.1).
        const QR = 0x8000;
        /// AA: authoritative answer (RFC 1035 §4.1.1).
        const AA = 0x0400;
        /// TC: truncated (RFC 1035 §4.1.1).
        const TC = 0x0200;
        /// RD: recursion desired (RFC 1035 §4.1.1).
        const RD = 0x0100;
        /// RA: recursion available (RFC 1035 §4.1.1).
        const RA = 0x0080;
        /// Z: reserved, must be zero (RFC 1035 §4.1.1); kept so a re-emit reproduces it.
        const Z = 0x0040;
        /// AD: authentic data (RFC 4035 §3.2.3).
        const AD = 0x0020;
        /// CD: checking disabled (RFC 4035 §3.2.2).
        const CD = 0x0010;
    }
}

const OPCODE_MASK: u16 = 0x7800;
const RCODE_MASK: u16 = 0x000F;

/// The message header (RFC 1035 §4.1.1) as plain values.
///
/// `rcode` holds only the 4 header bits; [`crate::Message::rcode`] adds the OPT record's
/// upper bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Header {
    /// ID: copied from query to response.
    pub id: u16,
    /// The single-bit fields.
    pub flags: Flags,
    /// OPCODE (4 bits; higher bits are dropped on emit).
    pub opcode: Opcode,
    /// RCODE, lower 4 bits (higher bits are dropped on emit).
    pub rcode: Rcode,
    /// QDCOUNT: entries in the question section.
    pub qdcount: u16,
    /// ANCOUNT: records in the answer section.
    pub ancount: u16,
    /// NSCOUNT: records in the authority section.
    pub nscount: u16,
    /// ARCOUNT: records in the additional section.
    pub arcount: u16,
}

impl Header {
    /// Reads the header from the first 12 bytes of `buf`.
    pub fn parse(buf: &[u8]) -> Result<Header, Error> {
        let b: &[u8; HEADER_LEN] =
            buf.get(..HEADER_LEN).and_then(|s| s.try_into().ok()).ok_or(Error::Truncated)?;
        let word = |i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
        let bits = word(2);
        Ok(Header {
            id: word(0),
            flags: Flags::from_bits_truncate(bits),
            opcode: Opcode(((bits & OPCODE_MASK) >> 11) as u8),
            rcode: Rcode(bits & RCODE_MASK),
            qdcount: word(4),
            ancount: word(6),
            nscount: word(8),
            arcount: word(10),
        })
    }

    /// Length of the header in bytes (always 12).
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// The second 16-bit word: flags, opcode and rcode together.
    pub fn flags_word(&self) -> u16 {
        self.flags.bits()
            | ((u16::from(self.opcode.0) << 11) & OPCODE_MASK)
            | (self.rcode.0 & RCODE_MASK)
    }

    /// Writes the header into the first 12 bytes of `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), Error> {
        let b = buf.get_mut(..HEADER_LEN).ok_or(Error::BufferTooSmall)?;
        let words =
            [self.id, self.flags_word(), self.qdcount, self.ancount, self.nscount, self.arcount];
        for (chunk, w) in b.chunks_exact_mut(2).zip(words) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        Ok(())
    }
}

impl fmt::Display for Header {
    /// dig's header lines: `opcode: QUERY, status: NOERROR, id: 1234` and the flags.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "opcode: {}, status: {}, id: {}; flags:", self.opcode, self.rcode, self.id)?;
        for (name, flag) in [
            ("qr", Flags::QR),
            ("aa", Flags::AA),
            ("tc", Flags::TC),
            ("rd", Flags::RD),
            ("ra", Flags::RA),
            ("z", Flags::Z),
            ("ad", Flags::AD),
            ("cd", Flags::CD),
        ] {
            if self.flags.contains(flag) {
                write!(f, " {name}")?;
            }
        }
        write!(
            f,
            "; QUERY: {}, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}",
            self.qdcount, self.ancount, self.nscount, self.arcount
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1035_4_1_1_header_fields_in_place() {
        // id 0x1234, QR=1 opcode=NOTIFY AA=1 TC=0 RD=1 RA=1 Z=0 AD=1 CD=0 rcode=NXDOMAIN
        let bytes = [0x12, 0x34, 0xA5, 0xA3, 0, 1, 0, 2, 0, 3, 0, 4];
        let h = Header::parse(&bytes).unwrap();
        assert_eq!(h.id, 0x1234);
        assert_eq!(h.opcode, Opcode::NOTIFY);
        assert_eq!(h.rcode, Rcode::NXDOMAIN);
        assert_eq!(h.flags, Flags::QR | Flags::AA | Flags::RD | Flags::RA | Flags::AD);
        assert_eq!((h.qdcount, h.ancount, h.nscount, h.arcount), (1, 2, 3, 4));
        let mut out = [0u8; 12];
        h.emit(&mut out).unwrap();
        assert_eq!(out, bytes);
        assert_eq!(Header::parse(&bytes[..11]), Err(Error::Truncated));
        assert_eq!(h.emit(&mut out[..11]), Err(Error::BufferTooSmall));
    }

    #[test]
    fn rfc6891_extended_rcode_names() {
        assert_eq!(std::format!("{}", Rcode(16)), "BADVERS");
        assert_eq!(Rcode::BADSIG, Rcode::BADVERS);
        assert_eq!(std::format!("{}", Rcode(23)), "BADCOOKIE");
        assert_eq!(std::format!("{}", Rcode(3841)), "RCODE3841");
    }
}
