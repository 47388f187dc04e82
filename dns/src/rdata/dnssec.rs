//! DNSSEC RDATA: DS, DNSKEY, RRSIG, NSEC (RFC 4034) and NSEC3, NSEC3PARAM (RFC 5155).
//! Names in them are never compressed (RFC 4034 §3.1.7, §4.1.1; RFC 3597 §4).

use core::fmt;

use super::reader::RdataReader;
use crate::name::Compression;
use crate::text::{write_base32hex, write_base64, write_hex, write_timestamp};
use crate::writer::Writer;
use crate::{Error, Name, RecordType};

/// Delegation signer (RFC 4034 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ds<'a> {
    /// Key tag of the DNSKEY referred to.
    pub key_tag: u16,
    /// Its algorithm (IANA "DNS Security Algorithm Numbers").
    pub algorithm: u8,
    /// Digest type (1 = SHA-1, 2 = SHA-256, 4 = SHA-384).
    pub digest_type: u8,
    /// The digest.
    pub digest: &'a [u8],
}

impl<'a> Ds<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Ds { key_tag: r.u16()?, algorithm: r.u8()?, digest_type: r.u8()?, digest: r.rest() })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.u16(self.key_tag)?;
        w.bytes(&[self.algorithm, self.digest_type])?;
        w.bytes(self.digest)
    }
}

impl fmt::Display for Ds<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} ", self.key_tag, self.algorithm, self.digest_type)?;
        write_hex(f, self.digest)
    }
}

/// A DNS public key (RFC 4034 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dnskey<'a> {
    /// Flags: 256 zone key, 257 zone key + secure entry point.
    pub flags: u16,
    /// Protocol: always 3.
    pub protocol: u8,
    /// Algorithm.
    pub algorithm: u8,
    /// The public key.
    pub public_key: &'a [u8],
}

impl<'a> Dnskey<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Dnskey { flags: r.u16()?, protocol: r.u8()?, algorithm: r.u8()?, public_key: r.rest() })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.u16(self.flags)?;
        w.bytes(&[self.protocol, self.algorithm])?;
        w.bytes(self.public_key)
    }

    /// The key tag (RFC 4034 Appendix B; algorithm 1 is not special-cased since RSA/MD5 is
    /// retired, RFC 6725).
    pub fn key_tag(&self) -> u16 {
        let head = [(self.flags >> 8) as u8, self.flags as u8, self.protocol, self.algorithm];
        let mut ac: u32 = 0;
        for (i, b) in head.iter().chain(self.public_key).enumerate() {
            ac = ac.wrapping_add(if i & 1 == 0 { u32::from(*b) << 8 } else { u32::from(*b) });
        }
        ac = ac.wrapping_add(ac >> 16);
        ac as u16
    }
}

impl fmt::Display for Dnskey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} ", self.flags, self.protocol, self.algorithm)?;
        write_base64(f, self.public_key)
    }
}

/// A signature over an RRset (RFC 4034 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rrsig<'a> {
    /// The type of the RRset signed.
    pub type_covered: RecordType,
    /// Algorithm.
    pub algorithm: u8,
    /// Labels in the original owner name (wildcards have fewer).
    pub labels: u8,
    /// The RRset's TTL as in the zone.
    pub original_ttl: u32,
    /// Signature expiration, seconds since 1970 (serial arithmetic, RFC 1982).
    pub expiration: u32,
    /// Signature inception, likewise.
    pub inception: u32,
    /// Key tag of the signing DNSKEY.
    pub key_tag: u16,
    /// The zone of the signing key; never compressed.
    pub signer_name: Name<'a>,
    /// The signature.
    pub signature: &'a [u8],
}

impl<'a> Rrsig<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Rrsig {
            type_covered: RecordType(r.u16()?),
            algorithm: r.u8()?,
            labels: r.u8()?,
            original_ttl: r.u32()?,
            expiration: r.u32()?,
            inception: r.u32()?,
            key_tag: r.u16()?,
            signer_name: r.name(Compression::Forbidden)?,
            signature: r.rest(),
        })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.u16(self.type_covered.0)?;
        w.bytes(&[self.algorithm, self.labels])?;
        w.u32(self.original_ttl)?;
        w.u32(self.expiration)?;
        w.u32(self.inception)?;
        w.u16(self.key_tag)?;
        w.name(&self.signer_name, false)?;
        w.bytes(self.signature)
    }
}

impl fmt::Display for Rrsig<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} ",
            self.type_covered, self.algorithm, self.labels, self.original_ttl
        )?;
        write_timestamp(f, self.expiration)?;
        f.write_str(" ")?;
        write_timestamp(f, self.inception)?;
        write!(f, " {} {} ", self.key_tag, self.signer_name)?;
        write_base64(f, self.signature)
    }
}

/// The type bit maps of NSEC and NSEC3 (RFC 4034 §4.1.2), kept in wire form and iterated
/// as [`RecordType`]s in increasing order.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeBitmap<'a> {
    raw: &'a [u8],
}

impl<'a> TypeBitmap<'a> {
    /// Checks the window blocks: increasing window numbers, bitmap lengths 1 to 32.
    pub fn new(raw: &'a [u8]) -> Result<TypeBitmap<'a>, Error> {
        let mut rest = raw;
        let mut last: Option<u8> = None;
        while let [window, len, tail @ ..] = rest {
            let len = usize::from(*len);
            if len == 0 || len > 32 || len > tail.len() || last.is_some_and(|l| l >= *window) {
                return Err(Error::BadRdata(RecordType::NSEC));
            }
            last = Some(*window);
            rest = &tail[len..];
        }
        if rest.is_empty() {
            Ok(TypeBitmap { raw })
        } else {
            Err(Error::BadRdata(RecordType::NSEC))
        }
    }

    /// Encodes `types` (in any order, duplicates allowed) into `out` and returns the view.
    pub fn encode<'o>(types: &[RecordType], out: &'o mut [u8]) -> Result<TypeBitmap<'o>, Error> {
        let mut p = 0usize;
        for window in 0..=255u8 {
            let mut bits = [0u8; 32];
            let mut len = 0usize;
            for t in types.iter().filter(|t| (t.0 >> 8) as u8 == window) {
                let low = usize::from(t.0 as u8);
                bits[low / 8] |= 0x80 >> (low % 8);
                len = len.max(low / 8 + 1);
            }
            if len > 0 {
                let dst = out.get_mut(p..p + 2 + len).ok_or(Error::BufferTooSmall)?;
                dst[0] = window;
                dst[1] = len as u8;
                dst[2..].copy_from_slice(&bits[..len]);
                p += 2 + len;
            }
        }
        Ok(TypeBitmap { raw: &out[..p] })
    }

    /// The wire form.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The types present, in increasing order.
    pub fn iter(&self) -> TypeBitmapIter<'a> {
        TypeBitmapIter { rest: self.raw, window: 0, bits: &[], index: 0 }
    }
}

impl<'a> IntoIterator for TypeBitmap<'a> {
    type Item = RecordType;
    type IntoIter = TypeBitmapIter<'a>;
    fn into_iter(self) -> TypeBitmapIter<'a> {
        self.iter()
    }
}

impl fmt::Display for TypeBitmap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for TypeBitmap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Iterator over a [`TypeBitmap`].
#[derive(Debug, Clone)]
pub struct TypeBitmapIter<'a> {
    rest: &'a [u8],
    window: u8,
    bits: &'a [u8],
    index: usize,
}

impl Iterator for TypeBitmapIter<'_> {
    type Item = RecordType;
    fn next(&mut self) -> Option<RecordType> {
        loop {
            while self.index < self.bits.len() * 8 {
                let i = self.index;
                self.index += 1;
                if self.bits.get(i / 8).is_some_and(|b| b & (0x80 >> (i % 8)) != 0) {
                    return Some(RecordType(u16::from(self.window) << 8 | i as u16));
                }
            }
            let [window, len, tail @ ..] = self.rest else { return None };
            let len = usize::from(*len).min(tail.len());
            self.window = *window;
            self.bits = &tail[..len];
            self.rest = &tail[len..];
            self.index = 0;
        }
    }
}

/// Next secure record (RFC 4034 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nsec<'a> {
    /// The next owner name in canonical order; never compressed.
    pub next_domain_name: Name<'a>,
    /// Types present at the owner.
    pub types: TypeBitmap<'a>,
}

impl<'a> Nsec<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        let next_domain_name = r.name(Compression::Forbidden)?;
        let bad = r.bad();
        let types = TypeBitmap::new(r.rest()).map_err(|_| bad)?;
        Ok(Nsec { next_domain_name, types })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.name(&self.next_domain_name, false)?;
        w.bytes(self.types.raw)
    }
}

impl fmt::Display for Nsec<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.next_domain_name, self.types)
    }
}

/// NSEC3 parameters (RFC 5155 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nsec3Param<'a> {
    /// Hash algorithm (1 = SHA-1).
    pub hash_algorithm: u8,
    /// Flags (0 in NSEC3PARAM).
    pub flags: u8,
    /// Additional hash iterations.
    pub iterations: u16,
    /// Salt, 0 to 255 bytes.
    pub salt: &'a [u8],
}

impl<'a> Nsec3Param<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Nsec3Param {
            hash_algorithm: r.u8()?,
            flags: r.u8()?,
            iterations: r.u16()?,
            salt: r.char_string()?,
        })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>, rtype: RecordType) -> Result<(), Error> {
        w.bytes(&[self.hash_algorithm, self.flags])?;
        w.u16(self.iterations)?;
        w.char_string(self.salt, rtype)
    }
}

impl fmt::Display for Nsec3Param<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} ", self.hash_algorithm, self.flags, self.iterations)?;
        if self.salt.is_empty() {
            f.write_str("-")
        } else {
            write_hex(f, self.salt)
        }
    }
}

/// Hashed next secure record (RFC 5155 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nsec3<'a> {
    /// Hash algorithm, flags (bit 0: opt-out), iterations and salt.
    pub params: Nsec3Param<'a>,
    /// The next hashed owner name, 1 to 255 bytes (unencoded).
    pub next_hashed_owner: &'a [u8],
    /// Types present at the original owner.
    pub types: TypeBitmap<'a>,
}

impl<'a> Nsec3<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        let params = Nsec3Param::parse(r)?;
        let next_hashed_owner = r.char_string()?;
        let bad = r.bad();
        if next_hashed_owner.is_empty() {
            return Err(bad);
        }
        let types = TypeBitmap::new(r.rest()).map_err(|_| bad)?;
        Ok(Nsec3 { params, next_hashed_owner, types })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        if self.next_hashed_owner.is_empty() {
            return Err(Error::BadRdata(RecordType::NSEC3));
        }
        self.params.emit(w, RecordType::NSEC3)?;
        w.char_string(self.next_hashed_owner, RecordType::NSEC3)?;
        w.bytes(self.types.raw)
    }
}

impl fmt::Display for Nsec3<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.params)?;
        write_base32hex(f, self.next_hashed_owner)?;
        if self.types.raw.is_empty() {
            Ok(())
        } else {
            write!(f, " {}", self.types)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4034_4_3_nsec_type_bitmap_example() {
        // RFC 4034 §4.3: A MX RRSIG NSEC TYPE1234.
        let raw = [
            0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03, 0x04, 0x1b, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
        ];
        let bm = TypeBitmap::new(&raw).unwrap();
        assert_eq!(std::format!("{bm}"), "A MX RRSIG NSEC TYPE1234");
        let mut out = [0u8; 64];
        let types =
            [RecordType(1234), RecordType::A, RecordType::NSEC, RecordType::RRSIG, RecordType::MX];
        assert_eq!(TypeBitmap::encode(&types, &mut out).unwrap().as_bytes(), &raw);
        assert!(TypeBitmap::new(&raw[..raw.len() - 1]).is_err());
        assert!(TypeBitmap::new(&[0, 0]).is_err());
        assert!(TypeBitmap::new(&[1, 1, 0x40, 0, 1, 0x40]).is_err());
    }
}
