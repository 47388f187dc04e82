//! Why a capture file could not be read or written.

use std::fmt;
use std::io;

use super::LinkType;

/// Why a capture could not be read (or written).
///
/// Every variant but [`PcapError::UnsupportedLinkType`] is *fatal*: the reader stops after
/// returning it, because the file's framing can no longer be trusted.
#[derive(Debug)]
#[non_exhaustive]
pub enum PcapError {
    /// The underlying reader or writer failed.
    Io(io::Error),
    /// The file starts with neither a pcap magic number nor a pcapng section header.
    NotACapture {
        /// The first four bytes of the file (fewer if the file is shorter).
        magic: u32,
    },
    /// The file ends in the middle of a header or a record.
    Truncated,
    /// A header or record holds a value the format forbids; the text names the field.
    Corrupt(&'static str),
    /// A pcapng packet names an interface no interface description block declared.
    UnknownInterface(u32),
    /// A frame of a link type unet does not decode. Not fatal: the next frame may be of
    /// another interface.
    UnsupportedLinkType(LinkType),
}

impl PcapError {
    /// Whether the reader stops after this error (see the type's documentation).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, PcapError::UnsupportedLinkType(_))
    }

    /// Maps pcap-file's error to ours: running out of bytes is a truncated file, whatever
    /// layer noticed it.
    pub(crate) fn from_pcap_file(e: pcap_file::PcapError) -> PcapError {
        match e {
            pcap_file::PcapError::IncompleteBuffer => PcapError::Truncated,
            pcap_file::PcapError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                PcapError::Truncated
            }
            pcap_file::PcapError::IoError(e) => PcapError::Io(e),
            pcap_file::PcapError::InvalidField(field) => PcapError::Corrupt(field),
            pcap_file::PcapError::Utf8Error(_) | pcap_file::PcapError::FromUtf8Error(_) => {
                PcapError::Corrupt("pcapng: option text is not UTF-8")
            }
            pcap_file::PcapError::InvalidInterfaceId(id) => PcapError::UnknownInterface(id),
        }
    }
}

impl fmt::Display for PcapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PcapError::Io(e) => write!(f, "i/o error: {e}"),
            PcapError::NotACapture { magic } => {
                write!(f, "not a pcap or pcapng file (magic {magic:#010x})")
            }
            PcapError::Truncated => f.write_str("capture file is truncated"),
            PcapError::Corrupt(what) => write!(f, "corrupt capture file: {what}"),
            PcapError::UnknownInterface(id) => {
                write!(f, "packet of undeclared pcapng interface {id}")
            }
            PcapError::UnsupportedLinkType(lt) => write!(f, "unsupported {lt}"),
        }
    }
}

impl std::error::Error for PcapError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PcapError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for PcapError {
    fn from(e: io::Error) -> PcapError {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            PcapError::Truncated
        } else {
            PcapError::Io(e)
        }
    }
}
