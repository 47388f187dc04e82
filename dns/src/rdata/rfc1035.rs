//! RDATA of RFC 1035 §3.3: SOA, MX, HINFO and TXT (character-strings). Their names may be
//! compressed (RFC 3597 §4), and are compressed on emit.

use core::fmt;

use super::reader::RdataReader;
use crate::name::Compression;
use crate::text::write_quoted;
use crate::writer::Writer;
use crate::{Error, Name, RecordType};

/// A sequence of character-strings (RFC 1035 §3.3: a length byte then that many bytes),
/// kept in wire form and iterated without copying — the RDATA of TXT, and the list of
/// ALPN ids in SVCB (RFC 9460 §7.1.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CharacterStrings<'a> {
    raw: &'a [u8],
}

impl<'a> CharacterStrings<'a> {
    /// Checks that `raw` is a whole number of character-strings.
    pub fn new(raw: &'a [u8]) -> Result<CharacterStrings<'a>, Error> {
        let mut p = 0usize;
        while p < raw.len() {
            p += 1 + usize::from(raw[p]);
        }
        if p == raw.len() {
            Ok(CharacterStrings { raw })
        } else {
            Err(Error::BadRdata(RecordType::TXT))
        }
    }

    /// Encodes `strings` into `out` (each at most 255 bytes) and returns them as a view.
    pub fn encode<'o>(strings: &[&[u8]], out: &'o mut [u8]) -> Result<CharacterStrings<'o>, Error> {
        let mut p = 0;
        for s in strings {
            let len = u8::try_from(s.len()).map_err(|_| Error::BadRdata(RecordType::TXT))?;
            let dst = out.get_mut(p..p + 1 + s.len()).ok_or(Error::BufferTooSmall)?;
            dst[0] = len;
            dst[1..].copy_from_slice(s);
            p += 1 + s.len();
        }
        Ok(CharacterStrings { raw: &out[..p] })
    }

    /// The wire form: length-prefixed strings back to back.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// True when there is no string at all.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The strings, without their length bytes.
    pub fn iter(&self) -> CharacterStringIter<'a> {
        CharacterStringIter { raw: self.raw }
    }
}

impl<'a> IntoIterator for CharacterStrings<'a> {
    type Item = &'a [u8];
    type IntoIter = CharacterStringIter<'a>;
    fn into_iter(self) -> CharacterStringIter<'a> {
        self.iter()
    }
}

impl fmt::Display for CharacterStrings<'_> {
    /// Each string quoted and escaped, separated by spaces: `"v=spf1" "-all"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write_quoted(f, s)?;
        }
        Ok(())
    }
}

impl fmt::Debug for CharacterStrings<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(Quoted)).finish()
    }
}

/// Debug helper printing bytes as an escaped quoted string.
struct Quoted<'a>(&'a [u8]);

impl fmt::Debug for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_quoted(f, self.0)
    }
}

/// Iterator over [`CharacterStrings`].
#[derive(Debug, Clone)]
pub struct CharacterStringIter<'a> {
    raw: &'a [u8],
}

impl<'a> Iterator for CharacterStringIter<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let (&len, rest) = self.raw.split_first()?;
        let len = usize::from(len).min(rest.len());
        let (s, rest) = rest.split_at(len);
        self.raw = rest;
        Some(s)
    }
}

/// Start of authority (RFC 1035 §3.3.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Soa<'a> {
    /// MNAME: the primary name server.
    pub mname: Name<'a>,
    /// RNAME: the mailbox of the person responsible.
    pub rname: Name<'a>,
    /// SERIAL: the zone's version.
    pub serial: u32,
    /// REFRESH interval, seconds.
    pub refresh: u32,
    /// RETRY interval, seconds.
    pub retry: u32,
    /// EXPIRE limit, seconds.
    pub expire: u32,
    /// MINIMUM: the negative-caching TTL (RFC 2308 §4).
    pub minimum: u32,
}

impl<'a> Soa<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Soa {
            mname: r.name(Compression::Allowed)?,
            rname: r.name(Compression::Allowed)?,
            serial: r.u32()?,
            refresh: r.u32()?,
            retry: r.u32()?,
            expire: r.u32()?,
            minimum: r.u32()?,
        })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.name(&self.mname, true)?;
        w.name(&self.rname, true)?;
        for v in [self.serial, self.refresh, self.retry, self.expire, self.minimum] {
            w.u32(v)?;
        }
        Ok(())
    }
}

impl fmt::Display for Soa<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} {} {} {}",
            self.mname,
            self.rname,
            self.serial,
            self.refresh,
            self.retry,
            self.expire,
            self.minimum
        )
    }
}

/// Mail exchange (RFC 1035 §3.3.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mx<'a> {
    /// PREFERENCE: lower is preferred.
    pub preference: u16,
    /// EXCHANGE: the mail host.
    pub exchange: Name<'a>,
}

impl<'a> Mx<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Mx { preference: r.u16()?, exchange: r.name(Compression::Allowed)? })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.u16(self.preference)?;
        w.name(&self.exchange, true)
    }
}

impl fmt::Display for Mx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.preference, self.exchange)
    }
}

/// Host information (RFC 1035 §3.3.2; RFC 8482 §4.2 answers ANY with `"RFC8482" ""`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hinfo<'a> {
    /// CPU type.
    pub cpu: &'a [u8],
    /// Operating system.
    pub os: &'a [u8],
}

impl<'a> Hinfo<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Hinfo { cpu: r.char_string()?, os: r.char_string()? })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.char_string(self.cpu, RecordType::HINFO)?;
        w.char_string(self.os, RecordType::HINFO)
    }
}

impl fmt::Display for Hinfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_quoted(f, self.cpu)?;
        f.write_str(" ")?;
        write_quoted(f, self.os)
    }
}

/// Reads TXT RDATA (RFC 1035 §3.3.14): one or more character-strings.
pub(crate) fn parse_txt<'a>(r: &mut RdataReader<'a>) -> Result<CharacterStrings<'a>, Error> {
    let bad = r.bad();
    let raw = r.rest();
    if raw.is_empty() {
        return Err(bad);
    }
    CharacterStrings::new(raw).map_err(|_| bad)
}
