//! Typed RDATA (RFC 1035 §3.3 and the RFCs of later types), with every other type kept as
//! opaque bytes (RFC 3597).
//!
//! Names in RDATA are read with compression pointers followed for the types of RFC 1035
//! (NS, CNAME, SOA, PTR, MX) and for SRV and NAPTR (RFC 3597 §4 asks receivers to
//! decompress those); in every other type a pointer is [`Error::CompressionNotAllowed`].
//! On emit only the RFC 1035 types are compressed.

mod dnssec;
mod edns;
mod reader;
mod rfc1035;
mod service;
mod svcb;

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr};

pub use dnssec::{Dnskey, Ds, Nsec, Nsec3, Nsec3Param, Rrsig, TypeBitmap, TypeBitmapIter};
pub use edns::{
    ClientSubnet, Edns, EdnsFlags, EdnsOption, EdnsOptionCode, EdnsOptionIter, EdnsOptions,
};
pub(crate) use reader::RdataReader;
pub use rfc1035::{CharacterStringIter, CharacterStrings, Hinfo, Mx, Soa};
pub use service::{Caa, Naptr, Srv, Sshfp, Tlsa, Uri};
pub use svcb::{AddrList, KeyList, SvcParam, SvcParamIter, SvcParamKey, SvcParams, Svcb};

use crate::name::Compression;
use crate::text::write_hex;
use crate::writer::Writer;
use crate::{Class, Error, Name, RecordType};

/// The RDATA of a record, typed by its TYPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RData<'a> {
    /// A (RFC 1035 §3.4.1), class IN.
    A(Ipv4Addr),
    /// NS (RFC 1035 §3.3.11).
    Ns(Name<'a>),
    /// CNAME (RFC 1035 §3.3.1).
    Cname(Name<'a>),
    /// SOA (RFC 1035 §3.3.13).
    Soa(Soa<'a>),
    /// PTR (RFC 1035 §3.3.12).
    Ptr(Name<'a>),
    /// HINFO (RFC 1035 §3.3.2).
    Hinfo(Hinfo<'a>),
    /// MX (RFC 1035 §3.3.9).
    Mx(Mx<'a>),
    /// TXT (RFC 1035 §3.3.14): one or more character-strings.
    Txt(CharacterStrings<'a>),
    /// AAAA (RFC 3596 §2.2), class IN.
    Aaaa(Ipv6Addr),
    /// SRV (RFC 2782).
    Srv(Srv<'a>),
    /// NAPTR (RFC 3403 §4.1).
    Naptr(Naptr<'a>),
    /// DS (RFC 4034 §5.1).
    Ds(Ds<'a>),
    /// SSHFP (RFC 4255 §3.1).
    Sshfp(Sshfp<'a>),
    /// RRSIG (RFC 4034 §3.1).
    Rrsig(Rrsig<'a>),
    /// NSEC (RFC 4034 §4.1).
    Nsec(Nsec<'a>),
    /// DNSKEY (RFC 4034 §2.1).
    Dnskey(Dnskey<'a>),
    /// NSEC3 (RFC 5155 §3.2).
    Nsec3(Nsec3<'a>),
    /// NSEC3PARAM (RFC 5155 §4.2).
    Nsec3Param(Nsec3Param<'a>),
    /// TLSA (RFC 6698 §2.1).
    Tlsa(Tlsa<'a>),
    /// SVCB (RFC 9460 §2.2).
    Svcb(Svcb<'a>),
    /// HTTPS (RFC 9460 §9): the SVCB format.
    Https(Svcb<'a>),
    /// URI (RFC 7553 §4.5).
    Uri(Uri<'a>),
    /// CAA (RFC 8659 §4.1).
    Caa(Caa<'a>),
    /// OPT (RFC 6891 §6.1.2): the options; the other fields live in the record's CLASS and
    /// TTL (see [`Edns`]).
    Opt(EdnsOptions<'a>),
    /// Any other type, or a typed one whose class gives it another format, as opaque bytes
    /// (RFC 3597 §3). Also empty RDATA in class ANY or NONE (RFC 2136 §2.4, §2.5).
    Unknown {
        /// The TYPE.
        rtype: RecordType,
        /// The RDATA.
        data: &'a [u8],
    },
}

impl<'a> RData<'a> {
    /// Reads the RDATA at `msg[start..end]` of a record of type `rtype` and class `class`;
    /// names may point back into `msg`. Every byte must be used.
    pub fn parse(
        msg: &'a [u8],
        start: usize,
        end: usize,
        rtype: RecordType,
        class: Class,
    ) -> Result<RData<'a>, Error> {
        if end > msg.len() || start > end {
            return Err(Error::Truncated);
        }
        let mut r = RdataReader::new(msg, start, end, rtype);
        if rtype != RecordType::OPT && start == end && (class == Class::ANY || class == Class::NONE)
        {
            return Ok(RData::Unknown { rtype, data: &[] });
        }
        // A, AAAA and SRV are defined for class IN; Chaos and Hesiod A records have other
        // formats (RFC 1035 §3.4.1), so they stay opaque.
        let other_class = rtype != RecordType::OPT && (class == Class::CH || class == Class::HS);
        let allowed = Compression::Allowed;
        let data = match rtype {
            _ if other_class => RData::Unknown { rtype, data: r.rest() },
            RecordType::A => RData::A(Ipv4Addr::from(r.array::<4>()?)),
            RecordType::NS => RData::Ns(r.name(allowed)?),
            RecordType::CNAME => RData::Cname(r.name(allowed)?),
            RecordType::SOA => RData::Soa(Soa::parse(&mut r)?),
            RecordType::PTR => RData::Ptr(r.name(allowed)?),
            RecordType::HINFO => RData::Hinfo(Hinfo::parse(&mut r)?),
            RecordType::MX => RData::Mx(Mx::parse(&mut r)?),
            RecordType::TXT => RData::Txt(rfc1035::parse_txt(&mut r)?),
            RecordType::AAAA => RData::Aaaa(Ipv6Addr::from(r.array::<16>()?)),
            RecordType::SRV => RData::Srv(Srv::parse(&mut r)?),
            RecordType::NAPTR => RData::Naptr(Naptr::parse(&mut r)?),
            RecordType::DS => RData::Ds(Ds::parse(&mut r)?),
            RecordType::SSHFP => RData::Sshfp(Sshfp::parse(&mut r)?),
            RecordType::RRSIG => RData::Rrsig(Rrsig::parse(&mut r)?),
            RecordType::NSEC => RData::Nsec(Nsec::parse(&mut r)?),
            RecordType::DNSKEY => RData::Dnskey(Dnskey::parse(&mut r)?),
            RecordType::NSEC3 => RData::Nsec3(Nsec3::parse(&mut r)?),
            RecordType::NSEC3PARAM => RData::Nsec3Param(Nsec3Param::parse(&mut r)?),
            RecordType::TLSA => RData::Tlsa(Tlsa::parse(&mut r)?),
            RecordType::SVCB => RData::Svcb(Svcb::parse(&mut r)?),
            RecordType::HTTPS => RData::Https(Svcb::parse(&mut r)?),
            RecordType::URI => RData::Uri(Uri::parse(&mut r)?),
            RecordType::CAA => RData::Caa(Caa::parse(&mut r)?),
            RecordType::OPT => RData::Opt(EdnsOptions::new(r.rest())?),
            _ => RData::Unknown { rtype, data: r.rest() },
        };
        r.finish()?;
        Ok(data)
    }

    /// Reads standalone RDATA (no message around it, so no compression) of class IN.
    pub fn from_wire(rtype: RecordType, data: &'a [u8]) -> Result<RData<'a>, Error> {
        RData::parse(data, 0, data.len(), rtype, Class::IN)
    }

    /// The record TYPE this RDATA belongs to.
    pub fn rtype(&self) -> RecordType {
        match self {
            RData::A(_) => RecordType::A,
            RData::Ns(_) => RecordType::NS,
            RData::Cname(_) => RecordType::CNAME,
            RData::Soa(_) => RecordType::SOA,
            RData::Ptr(_) => RecordType::PTR,
            RData::Hinfo(_) => RecordType::HINFO,
            RData::Mx(_) => RecordType::MX,
            RData::Txt(_) => RecordType::TXT,
            RData::Aaaa(_) => RecordType::AAAA,
            RData::Srv(_) => RecordType::SRV,
            RData::Naptr(_) => RecordType::NAPTR,
            RData::Ds(_) => RecordType::DS,
            RData::Sshfp(_) => RecordType::SSHFP,
            RData::Rrsig(_) => RecordType::RRSIG,
            RData::Nsec(_) => RecordType::NSEC,
            RData::Dnskey(_) => RecordType::DNSKEY,
            RData::Nsec3(_) => RecordType::NSEC3,
            RData::Nsec3Param(_) => RecordType::NSEC3PARAM,
            RData::Tlsa(_) => RecordType::TLSA,
            RData::Svcb(_) => RecordType::SVCB,
            RData::Https(_) => RecordType::HTTPS,
            RData::Uri(_) => RecordType::URI,
            RData::Caa(_) => RecordType::CAA,
            RData::Opt(_) => RecordType::OPT,
            RData::Unknown { rtype, .. } => *rtype,
        }
    }

    /// Writes the RDATA (without RDLENGTH), compressing names where RFC 3597 §4 allows.
    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        match self {
            RData::A(a) => w.bytes(&a.octets()),
            RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => w.name(n, true),
            RData::Soa(s) => s.emit(w),
            RData::Hinfo(h) => h.emit(w),
            RData::Mx(m) => m.emit(w),
            RData::Txt(t) if t.is_empty() => Err(Error::BadRdata(RecordType::TXT)),
            RData::Txt(t) => w.bytes(t.as_bytes()),
            RData::Aaaa(a) => w.bytes(&a.octets()),
            RData::Srv(s) => s.emit(w),
            RData::Naptr(n) => n.emit(w),
            RData::Ds(d) => d.emit(w),
            RData::Sshfp(s) => s.emit(w),
            RData::Rrsig(r) => r.emit(w),
            RData::Nsec(n) => n.emit(w),
            RData::Dnskey(d) => d.emit(w),
            RData::Nsec3(n) => n.emit(w),
            RData::Nsec3Param(n) => n.emit(w, RecordType::NSEC3PARAM),
            RData::Tlsa(t) => t.emit(w),
            RData::Svcb(s) | RData::Https(s) => s.emit(w),
            RData::Uri(u) => u.emit(w),
            RData::Caa(c) => c.emit(w),
            RData::Opt(o) => w.bytes(o.as_bytes()),
            RData::Unknown { data, .. } => w.bytes(data),
        }
    }
}

impl fmt::Display for RData<'_> {
    /// The RDATA in presentation format, as dig prints it; opaque data as RFC 3597 §5
    /// `\# <length> <hex>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RData::A(a) => write!(f, "{a}"),
            RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => write!(f, "{n}"),
            RData::Soa(s) => write!(f, "{s}"),
            RData::Hinfo(h) => write!(f, "{h}"),
            RData::Mx(m) => write!(f, "{m}"),
            RData::Txt(t) => write!(f, "{t}"),
            RData::Aaaa(a) => write!(f, "{a}"),
            RData::Srv(s) => write!(f, "{s}"),
            RData::Naptr(n) => write!(f, "{n}"),
            RData::Ds(d) => write!(f, "{d}"),
            RData::Sshfp(s) => write!(f, "{s}"),
            RData::Rrsig(r) => write!(f, "{r}"),
            RData::Nsec(n) => write!(f, "{n}"),
            RData::Dnskey(d) => write!(f, "{d}"),
            RData::Nsec3(n) => write!(f, "{n}"),
            RData::Nsec3Param(n) => write!(f, "{n}"),
            RData::Tlsa(t) => write!(f, "{t}"),
            RData::Svcb(s) | RData::Https(s) => write!(f, "{s}"),
            RData::Uri(u) => write!(f, "{u}"),
            RData::Caa(c) => write!(f, "{c}"),
            RData::Opt(o) => write!(f, "{o}"),
            RData::Unknown { data, .. } => {
                write!(f, "\\# {}", data.len())?;
                if !data.is_empty() {
                    f.write_str(" ")?;
                    write_hex(f, data)?;
                }
                Ok(())
            }
        }
    }
}
