//! [`ZoneError`]: why a record cannot enter a zone, or why a zone is not servable.

use alloc::boxed::Box;
use core::fmt;

use crate::{Class, Error, NameBuf, RecordType};

/// Names are boxed to keep the error small.
///
/// Why a record was refused by [`crate::zone::Zone::insert`] or a zone failed
/// [`crate::zone::Zone::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ZoneError {
    /// The owner is not at or below the zone's origin.
    OutOfZone(Box<NameBuf>),
    /// The record's class is not the zone's.
    ClassMismatch(Class),
    /// A meta or pseudo type that cannot be stored (OPT, ANY, AXFR, IXFR, MAILA, MAILB,
    /// TKEY, TSIG: RFC 6895 §3.1).
    MetaType(RecordType),
    /// The RDATA does not parse as its type.
    BadRdata(RecordType, Error),
    /// The zone holds more data than its 32-bit offsets address (4 GiB).
    TooLarge,
    /// No SOA record at the apex (RFC 1035 §5.2).
    NoSoa,
    /// More than one SOA record at the apex (RFC 1035 §5.2).
    MultipleSoa,
    /// An SOA record below the apex.
    SoaNotAtApex(Box<NameBuf>),
    /// No NS record at the apex (RFC 1035 §5.2).
    NoApexNs,
    /// A CNAME beside other data (RFC 1034 §3.6.2, RFC 2181 §10.1), or several CNAMEs at
    /// one name.
    CnameAndOtherData(Box<NameBuf>),
    /// An in-zone name server of a delegation has no address (glue, RFC 1034 §4.2.1).
    MissingGlue {
        /// The delegation point.
        cut: Box<NameBuf>,
        /// The name server without A or AAAA.
        ns: Box<NameBuf>,
    },
    /// Data other than glue below a zone cut (RFC 1034 §4.2.1), or other than NS/DS/NSEC
    /// (RFC 4035 §2.4) at it.
    DataBelowCut(Box<NameBuf>, RecordType),
}

impl fmt::Display for ZoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZoneError::OutOfZone(n) => write!(f, "{n} is outside the zone"),
            ZoneError::ClassMismatch(c) => write!(f, "class {c} is not the zone's"),
            ZoneError::MetaType(t) => write!(f, "type {t} cannot be stored in a zone"),
            ZoneError::BadRdata(t, e) => write!(f, "bad {t} rdata: {e}"),
            ZoneError::TooLarge => f.write_str("zone too large (4 GiB of data)"),
            ZoneError::NoSoa => f.write_str("no SOA at the apex"),
            ZoneError::MultipleSoa => f.write_str("more than one SOA at the apex"),
            ZoneError::SoaNotAtApex(n) => write!(f, "SOA at {n}, below the apex"),
            ZoneError::NoApexNs => f.write_str("no NS at the apex"),
            ZoneError::CnameAndOtherData(n) => write!(f, "CNAME and other data at {n}"),
            ZoneError::MissingGlue { cut, ns } => {
                write!(f, "delegation {cut}: name server {ns} has no glue address")
            }
            ZoneError::DataBelowCut(n, t) => write!(f, "{t} at {n}, at or below a zone cut"),
        }
    }
}
