//! IGMPv3 group records (RFC 3376 §4.2.4), read without allocation.
//!
//! ```text
//! | Record Type | Aux Data Len | Number of Sources (N) |
//! |              Multicast Address                     |
//! |              Source Address [1..N]                 |
//! |              Auxiliary Data (Aux Data Len words)   |
//! ```

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::WireError;

/// A group record type (RFC 3376 §4.2.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordType(pub u8);

impl RecordType {
    /// Current-State: MODE_IS_INCLUDE.
    pub const MODE_IS_INCLUDE: RecordType = RecordType(1);
    /// Current-State: MODE_IS_EXCLUDE.
    pub const MODE_IS_EXCLUDE: RecordType = RecordType(2);
    /// Filter-Mode-Change: CHANGE_TO_INCLUDE_MODE.
    pub const CHANGE_TO_INCLUDE: RecordType = RecordType(3);
    /// Filter-Mode-Change: CHANGE_TO_EXCLUDE_MODE.
    pub const CHANGE_TO_EXCLUDE: RecordType = RecordType(4);
    /// Source-List-Change: ALLOW_NEW_SOURCES.
    pub const ALLOW_NEW_SOURCES: RecordType = RecordType(5);
    /// Source-List-Change: BLOCK_OLD_SOURCES.
    pub const BLOCK_OLD_SOURCES: RecordType = RecordType(6);
}

impl fmt::Display for RecordType {
    /// tcpdump's short names: `is_in`, `is_ex`, `to_in`, `to_ex`, `allow`, `block`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            1 => "is_in",
            2 => "is_ex",
            3 => "to_in",
            4 => "to_ex",
            5 => "allow",
            6 => "block",
            t => return write!(f, "type-#{t}"),
        };
        f.write_str(name)
    }
}

/// One group record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupRecord<'a> {
    /// Record type.
    pub record_type: RecordType,
    /// The multicast group.
    pub multicast_addr: Ipv4Addr,
    /// The source addresses, 4 bytes each.
    pub sources: &'a [u8],
    /// Auxiliary data (a multiple of 4 bytes; RFC 3376 defines none and says to ignore it).
    pub aux_data: &'a [u8],
}

impl<'a> GroupRecord<'a> {
    /// Reads one record at the start of `bytes`; returns it and its length.
    pub fn parse(bytes: &'a [u8]) -> Result<(GroupRecord<'a>, usize), WireError> {
        let (fixed, rest) = bytes.split_first_chunk::<8>().ok_or(WireError::Truncated)?;
        let [record_type, aux_words, n_hi, n_lo, a0, a1, a2, a3] = *fixed;
        let sources_len = usize::from(u16::from_be_bytes([n_hi, n_lo])) * 4;
        let aux_len = usize::from(aux_words) * 4;
        let sources = rest.get(..sources_len).ok_or(WireError::Truncated)?;
        let aux_data = rest.get(sources_len..sources_len + aux_len).ok_or(WireError::Truncated)?;
        let record = GroupRecord {
            record_type: RecordType(record_type),
            multicast_addr: Ipv4Addr::new(a0, a1, a2, a3),
            sources,
            aux_data,
        };
        Ok((record, 8 + sources_len + aux_len))
    }

    /// Number of sources.
    pub fn num_sources(&self) -> usize {
        self.sources.len() / 4
    }

    /// The source addresses.
    pub fn sources(&self) -> Sources<'a> {
        Sources { bytes: self.sources }
    }

    /// Bytes this record takes.
    pub fn buffer_len(&self) -> usize {
        8 + self.sources.len() + self.aux_data.len()
    }

    /// Writes the record at the start of `buf`; returns its length.
    ///
    /// [`WireError::BadLength`] if `sources` or `aux_data` is not a multiple of 4 bytes or
    /// too long for its count field; [`WireError::BufferTooSmall`] if `buf` is too short.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        if !self.sources.len().is_multiple_of(4) || !self.aux_data.len().is_multiple_of(4) {
            return Err(WireError::BadLength);
        }
        let n = u16::try_from(self.sources.len() / 4).map_err(|_| WireError::BadLength)?;
        let aux = u8::try_from(self.aux_data.len() / 4).map_err(|_| WireError::BadLength)?;
        let len = self.buffer_len();
        let out = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.record_type.0;
        out[1] = aux;
        out[2..4].copy_from_slice(&n.to_be_bytes());
        out[4..8].copy_from_slice(&self.multicast_addr.octets());
        let (s, a) = out[8..].split_at_mut(self.sources.len());
        s.copy_from_slice(self.sources);
        a.copy_from_slice(self.aux_data);
        Ok(len)
    }
}

impl fmt::Display for GroupRecord<'_> {
    /// tcpdump's `[gaddr 225.1.1.1 to_ex { 192.0.2.1 }]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[gaddr {} {} {{", self.multicast_addr, self.record_type)?;
        for s in self.sources() {
            write!(f, " {s}")?;
        }
        f.write_str(" }")?;
        if !self.aux_data.is_empty() {
            write!(f, " aux {}", self.aux_data.len())?;
        }
        f.write_str("]")
    }
}

/// IPv4 addresses packed 4 bytes each (a trailing partial address is skipped).
#[derive(Debug, Clone)]
pub struct Sources<'a> {
    bytes: &'a [u8],
}

impl<'a> Sources<'a> {
    /// The addresses in `bytes`.
    pub const fn new(bytes: &'a [u8]) -> Sources<'a> {
        Sources { bytes }
    }
}

impl Iterator for Sources<'_> {
    type Item = Ipv4Addr;
    fn next(&mut self) -> Option<Ipv4Addr> {
        let (a, rest) = self.bytes.split_first_chunk::<4>()?;
        self.bytes = rest;
        Some(Ipv4Addr::from(*a))
    }
}

/// The group records of a version 3 report: `count` records read one after the other;
/// the walk ends after the first error.
#[derive(Debug, Clone)]
pub struct GroupRecords<'a> {
    bytes: &'a [u8],
    left: u16,
}

impl<'a> GroupRecords<'a> {
    /// A walk over `count` records at the start of `bytes`.
    pub const fn new(bytes: &'a [u8], count: u16) -> GroupRecords<'a> {
        GroupRecords { bytes, left: count }
    }
}

impl<'a> Iterator for GroupRecords<'a> {
    type Item = Result<GroupRecord<'a>, WireError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.left = self.left.checked_sub(1)?;
        match GroupRecord::parse(self.bytes) {
            Ok((record, len)) => {
                self.bytes = self.bytes.get(len..).unwrap_or(&[]);
                Some(Ok(record))
            }
            Err(e) => {
                self.left = 0;
                Some(Err(e))
            }
        }
    }
}
