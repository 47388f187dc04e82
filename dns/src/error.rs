//! The typed reasons a DNS message is rejected or cannot be written.

use core::fmt;

use unet_core::WireError;

use crate::RecordType;

/// Why bytes are not a well-formed DNS message (or a message could not be emitted).
///
/// Every variant converts into the protocol-neutral [`WireError`] for callers that only need
/// "which layer, which reason".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The message ends inside the header, a name, a fixed field or RDATA.
    Truncated,
    /// A compression pointer (RFC 1035 §4.1.4) points at or after itself.
    ForwardPointer,
    /// A compression pointer points back into the part of the name already read: following
    /// it would loop.
    PointerLoop,
    /// More compression pointers in one name than a 255-byte name can need.
    TooManyPointers,
    /// A compression pointer inside RDATA of a type whose names must not be compressed
    /// (RFC 3597 §4).
    CompressionNotAllowed,
    /// The name is longer than 255 bytes in wire form (RFC 1035 §2.3.4).
    NameTooLong,
    /// A label is longer than 63 bytes (RFC 1035 §2.3.4).
    LabelTooLong,
    /// A label type other than a normal label or a pointer: 0x40 (extended label, RFC 6891
    /// §5) or 0x80 (reserved); the first length byte is kept.
    ExtendedLabel(u8),
    /// RDATA of this type is shorter or longer than its format requires, or its internal
    /// lengths disagree with RDLENGTH.
    BadRdata(RecordType),
    /// An EDNS(0) option (RFC 6891 §6.1.2) or SVCB parameter (RFC 9460 §2.2) is malformed.
    BadOption,
    /// SVCB parameter keys are not in strictly increasing order (RFC 9460 §2.2).
    SvcParamOrder,
    /// More than one OPT record, or an OPT record outside the additional section or with a
    /// non-root owner (RFC 6891 §6.1.1).
    BadOpt,
    /// A presentation-format string could not be read.
    BadPresentation,
    /// The destination buffer is full: the message is truncated (the caller sets TC).
    BufferTooSmall,
    /// Records were added to an earlier section after a later one.
    SectionOrder,
    /// A section count would exceed 65535.
    TooManyRecords,
    /// Another failure reported by a `unet_core` cursor.
    Wire(WireError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("truncated"),
            Error::ForwardPointer => f.write_str("forward compression pointer"),
            Error::PointerLoop => f.write_str("compression pointer loop"),
            Error::TooManyPointers => f.write_str("too many compression pointers"),
            Error::CompressionNotAllowed => f.write_str("compressed name where not allowed"),
            Error::NameTooLong => f.write_str("name longer than 255 bytes"),
            Error::LabelTooLong => f.write_str("label longer than 63 bytes"),
            Error::ExtendedLabel(b) => write!(f, "unsupported label type {:#04x}", b & 0xC0),
            Error::BadRdata(t) => write!(f, "malformed {t} RDATA"),
            Error::BadOption => f.write_str("malformed option"),
            Error::SvcParamOrder => f.write_str("SvcParamKeys out of order"),
            Error::BadOpt => f.write_str("misplaced or duplicate OPT record"),
            Error::BadPresentation => f.write_str("bad presentation format"),
            Error::BufferTooSmall => f.write_str("buffer too small"),
            Error::SectionOrder => f.write_str("section out of order"),
            Error::TooManyRecords => f.write_str("too many records in a section"),
            Error::Wire(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for Error {}

impl From<Error> for WireError {
    fn from(e: Error) -> WireError {
        match e {
            Error::Truncated => WireError::Truncated,
            Error::BadRdata(_) => WireError::BadLength,
            Error::BadOption | Error::SvcParamOrder => WireError::BadOption,
            Error::ExtendedLabel(_) => WireError::Unsupported,
            Error::BufferTooSmall => WireError::BufferTooSmall,
            Error::Wire(e) => e,
            _ => WireError::Malformed,
        }
    }
}

impl From<WireError> for Error {
    fn from(e: WireError) -> Error {
        match e {
            WireError::BufferTooSmall => Error::BufferTooSmall,
            WireError::Truncated => Error::Truncated,
            WireError::BadOption => Error::BadOption,
            e => Error::Wire(e),
        }
    }
}
