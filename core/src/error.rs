//! The typed reasons a wire parser rejects bytes.

use core::fmt;

/// Why bytes could not be read as (or written into) a protocol unit.
///
/// Every `new_checked`/`parse` in unet returns one of these; none of them panics. The
/// variants are deliberately few and protocol-neutral so that a decoder can report "which
/// layer, which reason" uniformly; crates with richer failure modes wrap this in their own
/// error enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WireError {
    /// The buffer ends before the fixed header or a length field says it does.
    Truncated,
    /// A length field is impossible: smaller than the header it counts, or inconsistent
    /// with another length.
    BadLength,
    /// The checksum (or frame check sequence) does not verify.
    BadChecksum,
    /// The version field names a version this parser does not read.
    BadVersion,
    /// A field holds a value the protocol's specification forbids.
    Malformed,
    /// An option or extension is malformed (bad length, runs past its container).
    BadOption,
    /// Well-formed, but of a kind this implementation does not decode (an ARP for another
    /// hardware type, say).
    Unsupported,
    /// The destination buffer is too small to emit into.
    BufferTooSmall,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WireError::Truncated => "truncated",
            WireError::BadLength => "bad length field",
            WireError::BadChecksum => "bad checksum",
            WireError::BadVersion => "bad version",
            WireError::Malformed => "malformed field",
            WireError::BadOption => "malformed option",
            WireError::Unsupported => "unsupported",
            WireError::BufferTooSmall => "buffer too small",
        })
    }
}

impl core::error::Error for WireError {}
