//! RDATA for services and certificates: SRV (RFC 2782), NAPTR (RFC 3403), URI (RFC 7553),
//! CAA (RFC 8659), TLSA (RFC 6698) and SSHFP (RFC 4255).
//!
//! SRV and NAPTR names are decompressed when read (RFC 3597 §4 asks receivers to) but never
//! compressed on emit (RFC 2782, RFC 3597 §4).

use core::fmt;

use super::reader::RdataReader;
use crate::name::Compression;
use crate::text::{write_hex, write_quoted};
use crate::writer::Writer;
use crate::{Error, Name, RecordType};

/// Server selection (RFC 2782).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Srv<'a> {
    /// Priority: lower is tried first.
    pub priority: u16,
    /// Weight among equal priorities.
    pub weight: u16,
    /// The service's port.
    pub port: u16,
    /// The host; `.` means "not available here".
    pub target: Name<'a>,
}

impl<'a> Srv<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Srv {
            priority: r.u16()?,
            weight: r.u16()?,
            port: r.u16()?,
            target: r.name(Compression::Allowed)?,
        })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.u16(self.priority)?;
        w.u16(self.weight)?;
        w.u16(self.port)?;
        w.name(&self.target, false)
    }
}

impl fmt::Display for Srv<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}", self.priority, self.weight, self.port, self.target)
    }
}

/// Naming authority pointer (RFC 3403 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Naptr<'a> {
    /// ORDER: lower first.
    pub order: u16,
    /// PREFERENCE among equal orders.
    pub preference: u16,
    /// FLAGS character-string.
    pub flags: &'a [u8],
    /// SERVICES character-string.
    pub services: &'a [u8],
    /// REGEXP character-string.
    pub regexp: &'a [u8],
    /// REPLACEMENT name.
    pub replacement: Name<'a>,
}

impl<'a> Naptr<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Naptr {
            order: r.u16()?,
            preference: r.u16()?,
            flags: r.char_string()?,
            services: r.char_string()?,
            regexp: r.char_string()?,
            replacement: r.name(Compression::Allowed)?,
        })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.u16(self.order)?;
        w.u16(self.preference)?;
        for s in [self.flags, self.services, self.regexp] {
            w.char_string(s, RecordType::NAPTR)?;
        }
        w.name(&self.replacement, false)
    }
}

impl fmt::Display for Naptr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.order, self.preference)?;
        for s in [self.flags, self.services, self.regexp] {
            write_quoted(f, s)?;
            f.write_str(" ")?;
        }
        write!(f, "{}", self.replacement)
    }
}

/// Uniform resource identifier (RFC 7553 §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Uri<'a> {
    /// Priority: lower first.
    pub priority: u16,
    /// Weight among equal priorities.
    pub weight: u16,
    /// The URI: the rest of the RDATA, not a character-string; never empty.
    pub target: &'a [u8],
}

impl<'a> Uri<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        let (priority, weight) = (r.u16()?, r.u16()?);
        let target = r.rest();
        if target.is_empty() {
            return Err(Error::BadRdata(RecordType::URI));
        }
        Ok(Uri { priority, weight, target })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        if self.target.is_empty() {
            return Err(Error::BadRdata(RecordType::URI));
        }
        w.u16(self.priority)?;
        w.u16(self.weight)?;
        w.bytes(self.target)
    }
}

impl fmt::Display for Uri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.priority, self.weight)?;
        write_quoted(f, self.target)
    }
}

/// Certification authority authorization (RFC 8659 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Caa<'a> {
    /// Flags; 128 is "issuer critical".
    pub flags: u8,
    /// The property tag (`issue`, `issuewild`, `iodef`…), 1 to 255 bytes.
    pub tag: &'a [u8],
    /// The property value: the rest of the RDATA.
    pub value: &'a [u8],
}

impl<'a> Caa<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        let flags = r.u8()?;
        let tag = r.char_string()?;
        if tag.is_empty() {
            return Err(Error::BadRdata(RecordType::CAA));
        }
        Ok(Caa { flags, tag, value: r.rest() })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        if self.tag.is_empty() {
            return Err(Error::BadRdata(RecordType::CAA));
        }
        w.u8(self.flags)?;
        w.char_string(self.tag, RecordType::CAA)?;
        w.bytes(self.value)
    }
}

impl fmt::Display for Caa<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.flags)?;
        crate::text::write_label(f, self.tag)?;
        f.write_str(" ")?;
        write_quoted(f, self.value)
    }
}

/// TLS certificate association (RFC 6698 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tlsa<'a> {
    /// Certificate usage.
    pub usage: u8,
    /// Selector: which part of the certificate.
    pub selector: u8,
    /// Matching type: how `data` is compared.
    pub matching_type: u8,
    /// Certificate association data.
    pub data: &'a [u8],
}

impl<'a> Tlsa<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Tlsa { usage: r.u8()?, selector: r.u8()?, matching_type: r.u8()?, data: r.rest() })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.bytes(&[self.usage, self.selector, self.matching_type])?;
        w.bytes(self.data)
    }
}

impl fmt::Display for Tlsa<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} ", self.usage, self.selector, self.matching_type)?;
        write_hex(f, self.data)
    }
}

/// SSH key fingerprint (RFC 4255 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sshfp<'a> {
    /// Key algorithm.
    pub algorithm: u8,
    /// Fingerprint type (1 = SHA-1, 2 = SHA-256).
    pub fingerprint_type: u8,
    /// The fingerprint.
    pub fingerprint: &'a [u8],
}

impl<'a> Sshfp<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        Ok(Sshfp { algorithm: r.u8()?, fingerprint_type: r.u8()?, fingerprint: r.rest() })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.bytes(&[self.algorithm, self.fingerprint_type])?;
        w.bytes(self.fingerprint)
    }
}

impl fmt::Display for Sshfp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.algorithm, self.fingerprint_type)?;
        write_hex(f, self.fingerprint)
    }
}
