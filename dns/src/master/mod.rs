//! Master files (zone files) in the format of RFC 1035 §5, read entry by entry without
//! allocation.
//!
//! [`MasterReader`] reads a `&str`; `MasterFile` (feature `std`) reads a file and follows
//! `$INCLUDE`. Each call to `next_entry` writes one record's RDATA, uncompressed (names in
//! full wire form), into a buffer the caller gives ([`RDATA_BUF_LEN`] always suffices) and
//! returns it as an [`Entry`] with the line it starts on.
//!
//! Syntax accepted, as BIND, Knot and NSD read it:
//!
//! - `$ORIGIN name` (relative to the current origin), `$TTL ttl` (RFC 2308 §4),
//!   `$INCLUDE file [origin]` (files only: relative to the including file's directory, at
//!   most [`MAX_INCLUDE_DEPTH`] deep; the included file starts with the given origin or the
//!   current one and no previous owner; afterwards the includer's origin is back (RFC 1035
//!   §5.1) while `$TTL`, the last TTL and owner set inside carry on, as NSD reads it);
//! - `@` for the origin, names without a final `.` relative to it, `.` for the root, `\X`
//!   and `\DDD` escapes, case preserved; labels over 63 and names over 255 octets rejected;
//! - an owner omitted (line starting with a blank) repeats the previous one;
//! - TTL and class optional, in either order; TTLs as seconds or with units (`1h30m`,
//!   `1w`), at most 2^31 - 1 (RFC 2181 §8);
//! - an omitted TTL is `$TTL`; without `$TTL` the last TTL stated (RFC 1035 §5.1); before
//!   any TTL at all, an SOA takes its MINIMUM (what BIND does) and any other record is an
//!   error ([`MasterErrorKind::NoTtl`]);
//! - an omitted class is the zone's class: the first record's, [`Class::IN`] by default
//!   ([`MasterReader::with_class`]); a record of another class is an error;
//! - `( ... )` across lines, `;` comments, `"quoted strings"` with blanks;
//! - RDATA of A, NS, MD, MF, CNAME, SOA (timers with units), MB, MG, MR, PTR, HINFO, MINFO,
//!   MX, TXT and SPF (several strings, each at most 255 octets), RP, AFSDB, RT, AAAA, SRV,
//!   NAPTR, KX, DNAME, DS and CDS, SSHFP, RRSIG (times as `YYYYMMDDHHmmSS` or seconds),
//!   NSEC, DNSKEY and CDNSKEY (Base64, algorithm numbers or mnemonics), NSEC3 and
//!   NSEC3PARAM (salt `-`, Base32hex next owner), TLSA and SMIMEA, OPENPGPKEY, SVCB and
//!   HTTPS (RFC 9460 `key=value` parameters in any order), URI and CAA; `TYPEnnn` and
//!   `CLASSnnn`, and RFC 3597 §5 `\# length hex` for any type (checked against the type's
//!   format when it is one of the above).
//!
//! Every entry's RDATA decodes with [`RData::from_wire`](crate::RData::from_wire), and the
//! `Display` of that (dig's form) reads back to the same bytes.
//!
//! ```
//! use unet_dns::master::MasterReader;
//! use unet_dns::{NameBuf, RData, RecordType};
//! let zone = "$TTL 1h\n@ IN SOA ns1 hostmaster ( 1 2h 1h 1w 5m )\n  NS ns1\nns1 A 192.0.2.1\n";
//! let origin: NameBuf = "example.com.".parse().unwrap();
//! let mut reader = MasterReader::new(zone, &origin);
//! let mut buf = [0u8; 1024];
//! let (soa, line) = reader.next_entry(&mut buf).unwrap().unwrap();
//! assert_eq!((soa.rtype, soa.ttl, line), (RecordType::SOA, 3600, 2));
//! assert_eq!(
//!     RData::from_wire(soa.rtype, soa.rdata).unwrap().to_string(),
//!     "ns1.example.com. hostmaster.example.com. 1 7200 3600 604800 300"
//! );
//! let (ns, _) = reader.next_entry(&mut buf).unwrap().unwrap();
//! assert_eq!(format!("{ns}"), "example.com. 3600 IN NS ns1.example.com.");
//! ```

mod error;
mod fields;
#[cfg(feature = "std")]
mod file;
mod lexer;
#[cfg(feature = "alloc")]
mod load;
mod rdata;
mod reader;
mod svcb;

use core::fmt;

pub use error::{MasterError, MasterErrorKind, Snippet};
#[cfg(feature = "std")]
pub use file::MasterFile;
#[cfg(feature = "alloc")]
pub use load::{LoadError, LoadProblem, MAX_LOAD_PROBLEMS};

use crate::{Class, NameBuf, RData, RecordType};
use reader::{Item, Parser};

/// A buffer of this many bytes holds any RDATA (RDLENGTH is 16 bits).
pub const RDATA_BUF_LEN: usize = 65535;

/// How deep `$INCLUDE`s may nest in a `MasterFile` (feature `std`; the top file is depth
/// 0); deeper is [`MasterErrorKind::IncludeTooDeep`], which is how an include loop ends.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// One record read from a master file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The owner, absolute.
    pub owner: NameBuf,
    /// The class (the zone's).
    pub class: Class,
    /// The TTL, stated or defaulted.
    pub ttl: u32,
    /// The type.
    pub rtype: RecordType,
    /// The RDATA in uncompressed wire form (names in full), in the caller's buffer.
    pub rdata: &'a [u8],
}

impl Entry<'_> {
    /// The RDATA, typed.
    pub fn data(&self) -> Result<RData<'_>, crate::Error> {
        RData::from_wire(self.rtype, self.rdata)
    }
}

impl fmt::Display for Entry<'_> {
    /// dig's form: `www.example.com. 3600 IN A 192.0.2.1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {} ", self.owner, self.ttl, self.class, self.rtype)?;
        match self.data() {
            Ok(d) => write!(f, "{d}"),
            Err(_) => write!(f, "{}", RData::Unknown { rtype: self.rtype, data: self.rdata }),
        }
    }
}

/// Reads the entries of a master file held in a string.
///
/// `$INCLUDE` is an error here ([`MasterErrorKind::IncludeNotSupported`]); use
/// `MasterFile` (feature `std`) to follow it.
#[derive(Debug, Clone)]
pub struct MasterReader<'a> {
    text: &'a str,
    parser: Parser,
}

impl<'a> MasterReader<'a> {
    /// A reader of `text` whose relative names are relative to `origin` until `$ORIGIN`.
    pub fn new(text: &'a str, origin: &NameBuf) -> MasterReader<'a> {
        MasterReader { text, parser: Parser::new(*origin) }
    }

    /// Sets the class of records that give none before the first that does (default IN).
    pub fn with_class(mut self, class: Class) -> MasterReader<'a> {
        self.parser.default_class = class;
        self
    }

    /// The current origin (changed by `$ORIGIN`).
    pub fn origin(&self) -> &NameBuf {
        &self.parser.origin
    }

    /// The next entry and the line it starts on, its RDATA written into `rdata_buf`; `None`
    /// at the end of the text. After an error the rest of the entry is skipped, so calling
    /// again reports the next error or entry (every error of a file in one pass).
    pub fn next_entry<'b>(
        &mut self,
        rdata_buf: &'b mut [u8],
    ) -> Option<Result<(Entry<'b>, u32), MasterError>> {
        Some(match self.parser.next_item(self.text, rdata_buf)? {
            Ok(Item::Entry(head, line)) => Ok((head.entry(rdata_buf), line)),
            Ok(Item::Include { line, .. }) => {
                Err(MasterError::new(line, None, MasterErrorKind::IncludeNotSupported))
            }
            Err(e) => Err(e),
        })
    }
}
