//! Question entries (RFC 1035 §4.1.2) and resource records (RFC 1035 §4.1.3).

use core::fmt;

use crate::rdata::Edns;
use crate::writer::Writer;
use crate::{Class, Error, Name, RData, RecordType};

/// An entry of the question section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Question<'a> {
    /// QNAME.
    pub name: Name<'a>,
    /// QTYPE.
    pub qtype: RecordType,
    /// QCLASS.
    pub qclass: Class,
}

fn be_u16(msg: &[u8], at: usize) -> Result<u16, Error> {
    let b = msg.get(at..at + 2).ok_or(Error::Truncated)?;
    Ok(u16::from_be_bytes([b[0], b[1]]))
}

impl<'a> Question<'a> {
    /// Reads the question at `pos` of `msg`; returns it and the offset after it.
    pub fn parse(msg: &'a [u8], pos: usize) -> Result<(Question<'a>, usize), Error> {
        let (name, p) = Name::parse(msg, pos)?;
        let q = Question {
            name,
            qtype: RecordType(be_u16(msg, p)?),
            qclass: Class(be_u16(msg, p + 2)?),
        };
        Ok((q, p + 4))
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.name(&self.name, true)?;
        w.u16(self.qtype.0)?;
        w.u16(self.qclass.0)
    }
}

impl fmt::Display for Question<'_> {
    /// `example.com. IN A`, as dig's question section.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.name, self.qclass, self.qtype)
    }
}

/// A resource record; its TYPE is that of its [`RData`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Record<'a> {
    /// NAME: the owner.
    pub name: Name<'a>,
    /// CLASS (for OPT: the UDP payload size).
    pub class: Class,
    /// TTL in seconds (for OPT: extended RCODE, version and flags).
    pub ttl: u32,
    /// The typed RDATA.
    pub data: RData<'a>,
}

impl<'a> Record<'a> {
    /// Reads the record at `pos` of `msg`; returns it and the offset after it.
    pub fn parse(msg: &'a [u8], pos: usize) -> Result<(Record<'a>, usize), Error> {
        let (name, p) = Name::parse(msg, pos)?;
        let rtype = RecordType(be_u16(msg, p)?);
        let class = Class(be_u16(msg, p + 2)?);
        let ttl = be_u16(msg, p + 4)?;
        let ttl = u32::from(ttl) << 16 | u32::from(be_u16(msg, p + 6)?);
        let rdlength = usize::from(be_u16(msg, p + 8)?);
        let start = p + 10;
        let end = start + rdlength;
        if end > msg.len() {
            return Err(Error::Truncated);
        }
        let data = RData::parse(msg, start, end, rtype, class)?;
        Ok((Record { name, class, ttl, data }, end))
    }

    /// The record's TYPE.
    pub fn rtype(&self) -> RecordType {
        self.data.rtype()
    }

    /// The EDNS fields if this is an OPT record.
    pub fn edns(&self) -> Option<Edns<'a>> {
        Edns::from_record(self)
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.name(&self.name, true)?;
        w.u16(self.rtype().0)?;
        w.u16(self.class.0)?;
        w.u32(self.ttl)?;
        let at = w.len();
        w.u16(0)?;
        self.data.emit(w)?;
        let rdlength =
            u16::try_from(w.len() - at - 2).map_err(|_| Error::BadRdata(self.rtype()))?;
        w.patch_u16(at, rdlength)
    }
}

impl fmt::Display for Record<'_> {
    /// dig's form, `example.com. 3600 IN A 192.0.2.1`; an OPT record as dig's pseudosection
    /// line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(edns) = self.edns() {
            return write!(f, "; {edns}");
        }
        write!(f, "{} {} {} {} {}", self.name, self.ttl, self.class, self.rtype(), self.data)
    }
}
