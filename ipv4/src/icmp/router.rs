//! The router entries of an RFC 1256 Router Advertisement.

use core::net::Ipv4Addr;

/// One router of a Router Advertisement (RFC 1256 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouterEntry {
    /// Router address.
    pub addr: Ipv4Addr,
    /// Preference level (signed; 0x80000000 means "do not use as default").
    pub preference: i32,
}

/// The entries of a Router Advertisement.
#[derive(Debug, Clone)]
pub struct RouterEntries<'a> {
    bytes: &'a [u8],
    left: u8,
    stride: usize,
}

impl<'a> RouterEntries<'a> {
    /// A walk over `count` entries of `entry_size` 32-bit words at the start of `bytes`
    /// (only the first two words of each entry, address and preference, are read).
    pub fn new(bytes: &'a [u8], count: u8, entry_size: u8) -> RouterEntries<'a> {
        RouterEntries { bytes, left: count, stride: usize::from(entry_size) * 4 }
    }
}

impl Iterator for RouterEntries<'_> {
    type Item = RouterEntry;
    fn next(&mut self) -> Option<RouterEntry> {
        self.left = self.left.checked_sub(1)?;
        let entry = self.bytes.get(..self.stride)?;
        self.bytes = self.bytes.get(self.stride..).unwrap_or(&[]);
        let (addr, rest) = entry.split_first_chunk::<4>()?;
        let (pref, _) = rest.split_first_chunk::<4>()?;
        Some(RouterEntry { addr: Ipv4Addr::from(*addr), preference: i32::from_be_bytes(*pref) })
    }
}
