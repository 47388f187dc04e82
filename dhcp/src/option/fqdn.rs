//! The client FQDN option, 81 (RFC 4702 §2).
//!
//! ```text
//! Code   Len    Flags  RCODE1 RCODE2   Domain Name
//! +------+------+------+------+------+------+--
//! |  81  |   n  |      |      |      |       ...
//! +------+------+------+------+------+------+--
//! ```

use core::fmt;

use unet_core::WireError;

use super::name::{labels_to_text, Labels};

bitflags::bitflags! {
    /// The flags octet (RFC 4702 §2.1): `MBZ|N|E|O|S`. Must-be-zero bits are kept.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
    pub struct FqdnFlags: u8 {
        /// S: the server should perform the A RR (FQDN-to-address) update.
        const S = 0x01;
        /// O: the server has overridden the client's S preference.
        const O = 0x02;
        /// E: the domain name is in canonical wire format, not ASCII.
        const E = 0x04;
        /// N: the server should perform no DNS updates.
        const N = 0x08;
    }
}

/// A client FQDN option: flags, the two deprecated RCODE octets, and the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientFqdn<'a> {
    /// The flags.
    pub flags: FqdnFlags,
    /// RCODE1 (RFC 4702 §2.2: 0 from clients, 255 from servers).
    pub rcode1: u8,
    /// RCODE2.
    pub rcode2: u8,
    /// The name as on the wire: labels when `E` is set (a name without a final root label
    /// is a partial name, RFC 4702 §2.3.1), ASCII otherwise (deprecated).
    pub name: &'a [u8],
}

impl<'a> ClientFqdn<'a> {
    /// Reads the option data: at least three octets; with `E`, the name must be valid
    /// uncompressed labels, with no data after a root label.
    pub fn parse(data: &'a [u8]) -> Result<ClientFqdn<'a>, WireError> {
        let [flags, rcode1, rcode2, name @ ..] = data else {
            return Err(WireError::BadOption);
        };
        let fqdn = ClientFqdn {
            flags: FqdnFlags::from_bits_retain(*flags),
            rcode1: *rcode1,
            rcode2: *rcode2,
            name,
        };
        if fqdn.flags.contains(FqdnFlags::E) {
            let mut at = 0usize;
            while at < name.len() {
                let len = usize::from(name[at]);
                if len == 0 {
                    // The root label ends the name: nothing may follow it.
                    if at + 1 != name.len() {
                        return Err(WireError::BadOption);
                    }
                    break;
                }
                if len > 63 {
                    return Err(WireError::Malformed);
                }
                at = at.saturating_add(1 + len);
                if at > name.len() {
                    return Err(WireError::BadOption);
                }
            }
        }
        Ok(fqdn)
    }

    /// Octets of option data.
    pub fn data_len(&self) -> usize {
        3 + self.name.len()
    }

    /// Writes the option data into `buf`; returns its length.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let out = buf.get_mut(..self.data_len()).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.flags.bits();
        out[1] = self.rcode1;
        out[2] = self.rcode2;
        out[3..].copy_from_slice(self.name);
        Ok(out.len())
    }

    /// True when the name is in wire format and lacks the final root label.
    pub fn is_partial(&self) -> bool {
        self.flags.contains(FqdnFlags::E) && self.name.last() != Some(&0)
    }

    /// Writes the name as text into `buf` (dotted, escaped as DNS master files; an ASCII
    /// name is copied as is) and returns it.
    pub fn name_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, WireError> {
        let n = if self.flags.contains(FqdnFlags::E) {
            if self.name.is_empty() {
                0
            } else {
                let mut wire = [0u8; 256];
                // A partial name has no root label: lend it one so the walk ends.
                let src = if self.is_partial() {
                    let w = wire.get_mut(..self.name.len()).ok_or(WireError::Malformed)?;
                    w.copy_from_slice(self.name);
                    wire.get(..=self.name.len()).ok_or(WireError::Malformed)?
                } else {
                    self.name
                };
                labels_to_text(Labels::new(src, 0, false), buf)?
            }
        } else {
            let out = buf.get_mut(..self.name.len()).ok_or(WireError::BufferTooSmall)?;
            out.copy_from_slice(self.name);
            out.len()
        };
        let text = buf.get(..n).ok_or(WireError::BufferTooSmall)?;
        core::str::from_utf8(text).map_err(|_| WireError::Malformed)
    }
}

impl fmt::Display for ClientFqdn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fl = self.flags;
        write!(f, "[")?;
        for (bit, c) in
            [(FqdnFlags::N, "N"), (FqdnFlags::E, "E"), (FqdnFlags::O, "O"), (FqdnFlags::S, "S")]
        {
            if fl.contains(bit) {
                f.write_str(c)?;
            }
        }
        write!(f, "] {}/{} ", self.rcode1, self.rcode2)?;
        let mut buf = [0u8; 1024];
        match self.name_into(&mut buf) {
            Ok(s) => write!(f, "\"{s}\""),
            Err(_) => f.write_str("[bad name]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4702_2_wire_name_decoded() {
        let data = b"\x05\x00\x00\x04host\x07example\x00";
        let f = ClientFqdn::parse(data).unwrap();
        assert_eq!(f.flags, FqdnFlags::S | FqdnFlags::E);
        assert!(!f.is_partial());
        let mut buf = [0u8; 64];
        assert_eq!(f.name_into(&mut buf), Ok("host.example"));
        let mut out = [0u8; 64];
        assert_eq!(f.emit(&mut out), Ok(data.len()));
        assert_eq!(&out[..data.len()], data);
    }

    #[test]
    fn rfc4702_2_3_1_partial_and_ascii_names() {
        let f = ClientFqdn::parse(b"\x04\x00\x00\x04host").unwrap();
        assert!(f.is_partial());
        let mut buf = [0u8; 64];
        assert_eq!(f.name_into(&mut buf), Ok("host"));
        let f = ClientFqdn::parse(b"\x01\x00\x00my.host").unwrap();
        assert_eq!(f.name_into(&mut buf), Ok("my.host"));
    }

    #[test]
    fn rfc4702_2_bad_lengths_rejected() {
        assert_eq!(ClientFqdn::parse(b"\x04\x00"), Err(WireError::BadOption));
        assert_eq!(ClientFqdn::parse(b"\x04\x00\x00\x05ab"), Err(WireError::BadOption));
        assert_eq!(ClientFqdn::parse(b"\x04\x00\x00\x00\x01a"), Err(WireError::BadOption));
        assert_eq!(ClientFqdn::parse(b"\x04\x00\x00\xc0\x00"), Err(WireError::Malformed));
    }
}
