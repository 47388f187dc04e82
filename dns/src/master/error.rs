//! [`MasterError`]: where a master file is wrong (file, line, record type) and why.

use core::fmt;

use crate::rdata::SvcParamKey;
use crate::{Class, Error, RecordType};

/// The first bytes of an offending field, kept inline (no allocation) for the message.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Snippet {
    bytes: [u8; Snippet::CAPACITY],
    len: u8,
    cut: bool,
}

impl Snippet {
    /// Bytes kept; longer fields are shown cut, with `...`.
    pub const CAPACITY: usize = 40;

    /// Keeps the first [`Snippet::CAPACITY`] bytes of `s`.
    pub fn new(s: &str) -> Snippet {
        let mut bytes = [0u8; Snippet::CAPACITY];
        let n = s.len().min(Snippet::CAPACITY);
        bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
        Snippet { bytes, len: n as u8, cut: s.len() > n }
    }

    /// The bytes kept.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl fmt::Display for Snippet {
    /// Quoted, non-printable bytes as `\DDD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for &b in self.as_bytes() {
            match b {
                0x20..=0x7E => write!(f, "{}", char::from(b))?,
                _ => write!(f, "\\{b:03}")?,
            }
        }
        f.write_str(if self.cut { "...\"" } else { "\"" })
    }
}

impl fmt::Debug for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a master file entry was rejected. `field` names the RDATA field in the words of the
/// type's RFC (`preference`, `exchange`, `serial`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MasterErrorKind {
    /// A `"` without its closing `"` on the same line.
    UnterminatedQuote,
    /// A `)` without `(`.
    UnbalancedParen,
    /// The text ends inside `(`.
    UnclosedParen,
    /// A `$` directive other than `$ORIGIN`, `$TTL` and `$INCLUDE`.
    UnknownDirective(Snippet),
    /// A directive without its argument (`$TTL`, `$ORIGIN`, `$INCLUDE`).
    MissingArgument(&'static str),
    /// The first entry starts with a blank: there is no previous owner to repeat.
    NoOwner,
    /// No TTL on the record, no `$TTL` before it and no earlier record's TTL (only an SOA
    /// may then take its MINIMUM, as BIND does).
    NoTtl,
    /// A record's class differs from the zone's (the first record's).
    ClassMismatch {
        /// The class of the first record.
        zone: Class,
        /// The class of this one.
        found: Class,
    },
    /// Neither a TTL, a class nor a known type where the type is expected.
    UnknownType(Snippet),
    /// A QTYPE-only or pseudo type (ANY, AXFR, IXFR, MAILA, MAILB, OPT, TSIG, TKEY).
    MetaType(RecordType),
    /// A type known by number only here: its RDATA must be written as `\#` (RFC 3597 §5).
    NoPresentation(RecordType),
    /// The line ends before this field.
    Missing(&'static str),
    /// Not a decimal number.
    NotANumber(&'static str, Snippet),
    /// A number too large for its field.
    OutOfRange(&'static str, Snippet),
    /// Not a TTL (decimal seconds or units like `1h30m`, at most 2^31 - 1: RFC 2181 §8).
    BadTtl(&'static str, Snippet),
    /// Not a domain name; the reason from the name parser.
    BadName(&'static str, Snippet, Error),
    /// Not an address.
    BadAddress(&'static str, Snippet),
    /// Bad hex, Base64 or Base32hex (RFC 4648) in this field.
    BadEncoding(&'static str, &'static str),
    /// Not a DNSSEC time (`YYYYMMDDHHmmSS` or seconds, RFC 4034 §3.2).
    BadTime(&'static str, Snippet),
    /// A bad `\` escape (`\DDD` over 255, or nothing after `\`).
    BadEscape(&'static str),
    /// A character-string longer than 255 octets (RFC 1035 §3.3).
    StringTooLong(&'static str),
    /// A field that must not be empty is.
    Empty(&'static str),
    /// More fields than the type has.
    Trailing(Snippet),
    /// The RDATA is longer than 65535 octets or than the caller's buffer.
    RdataTooLong,
    /// `\# <length>` disagrees with the hex that follows (RFC 3597 §5).
    GenericLength {
        /// The length written.
        declared: u16,
        /// The octets found (saturating).
        found: u16,
    },
    /// `\#` RDATA of a known type that is not well-formed for it.
    GenericInvalid(Error),
    /// An unknown SvcParamKey name (RFC 9460 §2.1; use `keyNNNNN`).
    UnknownSvcParamKey(Snippet),
    /// A SvcParamKey given twice (RFC 9460 §2.2).
    DuplicateSvcParam(SvcParamKey),
    /// A SvcParamValue not in its key's format (RFC 9460 §7, §8).
    BadSvcParam(SvcParamKey, &'static str),
    /// `$INCLUDE` in a reader without files (use `MasterFile`, feature `std`).
    IncludeNotSupported,
    /// `$INCLUDE` nested deeper than the limit (a loop, usually).
    IncludeTooDeep(usize),
    /// The file could not be read.
    #[cfg(feature = "std")]
    Io(std::io::ErrorKind),
}

impl fmt::Display for MasterErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use MasterErrorKind::*;
        match self {
            UnterminatedQuote => f.write_str("quoted string not closed on its line"),
            UnbalancedParen => f.write_str("\")\" without \"(\""),
            UnclosedParen => f.write_str("\"(\" not closed at the end of the file"),
            UnknownDirective(s) => write!(f, "unknown directive {s}"),
            MissingArgument(d) => write!(f, "{d} needs an argument"),
            NoOwner => f.write_str("no owner name, and no previous record to take it from"),
            NoTtl => f.write_str("no TTL, no $TTL and no previous TTL (RFC 2308 §4)"),
            ClassMismatch { zone, found } => {
                write!(f, "class {found} differs from the zone's class {zone}")
            }
            UnknownType(s) => write!(f, "unknown type {s}"),
            MetaType(t) => write!(f, "{t} is not a type of record in a zone"),
            NoPresentation(t) => {
                write!(
                    f,
                    "no presentation format known for {t}: write its RDATA as \\# (RFC 3597 §5)"
                )
            }
            Missing(field) => write!(f, "missing {field}"),
            NotANumber(field, s) => write!(f, "{field} {s} is not a number"),
            OutOfRange(field, s) => write!(f, "{field} {s} is out of range"),
            BadTtl(field, s) => write!(f, "{field} {s} is not a TTL"),
            BadName(field, s, e) => write!(f, "{field} {s} is not a domain name: {e}"),
            BadAddress(field, s) => write!(f, "{field} {s} is not an address"),
            BadEncoding(field, enc) => write!(f, "{field} is not valid {enc}"),
            BadTime(field, s) => write!(f, "{field} {s} is not a time (YYYYMMDDHHmmSS or seconds)"),
            BadEscape(field) => write!(f, "bad escape in {field}"),
            StringTooLong(field) => write!(f, "{field} is longer than 255 octets"),
            Empty(field) => write!(f, "{field} is empty"),
            Trailing(s) => write!(f, "unexpected {s} after the RDATA"),
            RdataTooLong => f.write_str("RDATA longer than 65535 octets or the buffer"),
            GenericLength { declared, found } => {
                write!(f, "\\# says {declared} octets, the data has {found}")
            }
            GenericInvalid(e) => write!(f, "\\# RDATA is not valid for the type: {e}"),
            UnknownSvcParamKey(s) => write!(f, "unknown SvcParamKey {s}"),
            DuplicateSvcParam(k) => write!(f, "SvcParamKey {k} appears twice"),
            BadSvcParam(k, why) => write!(f, "{k}: {why}"),
            IncludeNotSupported => f.write_str("$INCLUDE needs a reader with files"),
            IncludeTooDeep(d) => write!(f, "$INCLUDE nested more than {d} deep"),
            #[cfg(feature = "std")]
            Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

/// A rejected entry: where (file, line, record type) and why.
///
/// `Display` reads `example.zone:12: MX: preference "ten" is not a number`; without a file
/// (a [`MasterReader`](super::MasterReader) over a string) `line 12: MX: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MasterError {
    /// The file, for errors from a [`MasterFile`](super::MasterFile).
    #[cfg(feature = "std")]
    pub file: Option<std::path::PathBuf>,
    /// The physical line (1-based).
    pub line: u32,
    /// The record's type, once it has been read.
    pub rtype: Option<RecordType>,
    /// Why.
    pub kind: MasterErrorKind,
}

impl MasterError {
    pub(crate) fn new(line: u32, rtype: Option<RecordType>, kind: MasterErrorKind) -> Self {
        MasterError {
            #[cfg(feature = "std")]
            file: None,
            line,
            rtype,
            kind,
        }
    }
}

impl fmt::Display for MasterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(feature = "std")]
        let file = self.file.as_ref();
        #[cfg(not(feature = "std"))]
        let file: Option<&str> = None;
        match file {
            #[cfg(feature = "std")]
            Some(p) => write!(f, "{}:{}: ", p.display(), self.line)?,
            #[cfg(not(feature = "std"))]
            Some(p) => write!(f, "{}:{}: ", p, self.line)?,
            None => write!(f, "line {}: ", self.line)?,
        }
        if let Some(t) = self.rtype {
            write!(f, "{t}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl core::error::Error for MasterError {}
