//! Walks over an options field and over the addresses and timestamps inside options.

use core::net::Ipv4Addr;

use unet_core::WireError;

use super::{Ipv4Option, OptionType};

/// The addresses of a route option, four bytes each (a trailing partial slot is skipped).
#[derive(Debug, Clone)]
pub struct Addresses<'a> {
    pub(super) bytes: &'a [u8],
}

impl Iterator for Addresses<'_> {
    type Item = Ipv4Addr;
    fn next(&mut self) -> Option<Ipv4Addr> {
        let (slot, rest) = self.bytes.split_first_chunk::<4>()?;
        self.bytes = rest;
        Some(Ipv4Addr::from(*slot))
    }
}

/// One entry of a Timestamp option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampEntry {
    /// The registering (or prespecified) address, for flags 1 and 3.
    pub addr: Option<Ipv4Addr>,
    /// Milliseconds since midnight UT, or any value with the high bit set (RFC 791).
    pub timestamp: u32,
}

/// The entries of a Timestamp option (a trailing partial entry is skipped).
#[derive(Debug, Clone)]
pub struct Timestamps<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) with_addresses: bool,
}

impl Iterator for Timestamps<'_> {
    type Item = TimestampEntry;
    fn next(&mut self) -> Option<TimestampEntry> {
        if self.with_addresses {
            let (entry, rest) = self.bytes.split_first_chunk::<8>()?;
            self.bytes = rest;
            let [a0, a1, a2, a3, t0, t1, t2, t3] = *entry;
            return Some(TimestampEntry {
                addr: Some(Ipv4Addr::new(a0, a1, a2, a3)),
                timestamp: u32::from_be_bytes([t0, t1, t2, t3]),
            });
        }
        let (t, rest) = self.bytes.split_first_chunk::<4>()?;
        self.bytes = rest;
        Some(TimestampEntry { addr: None, timestamp: u32::from_be_bytes(*t) })
    }
}

/// A walk over an options field, yielding each option or the first error.
///
/// The walk stops after End of Option List (what follows is padding) and after an error.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    bytes: &'a [u8],
}

impl<'a> Options<'a> {
    /// A walk over `bytes`, the options field of a header.
    pub const fn new(bytes: &'a [u8]) -> Options<'a> {
        Options { bytes }
    }

    /// Checks that every option is well formed.
    pub fn check(bytes: &[u8]) -> Result<(), WireError> {
        Options::new(bytes).try_for_each(|o| o.map(|_| ()))
    }

    /// The first option of type `kind`, if the walk reaches one.
    pub fn find(bytes: &'a [u8], kind: OptionType) -> Option<Ipv4Option<'a>> {
        Options::new(bytes).map_while(Result::ok).find(|o| o.kind() == kind)
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<Ipv4Option<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.bytes.is_empty() {
            return None;
        }
        match Ipv4Option::parse(self.bytes) {
            Ok((Ipv4Option::EndOfList, _)) => {
                self.bytes = &[];
                Some(Ok(Ipv4Option::EndOfList))
            }
            Ok((option, len)) => {
                self.bytes = self.bytes.get(len..).unwrap_or(&[]);
                Some(Ok(option))
            }
            Err(e) => {
                self.bytes = &[];
                Some(Err(e))
            }
        }
    }
}
