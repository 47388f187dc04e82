//! The byte writer under [`crate::MessageBuilder`], with name compression on emit
//! (RFC 1035 §4.1.4).
//!
//! Compression keeps a bounded table of the offsets of names (and their suffixes) already
//! written: [`COMPRESSION_TABLE_LEN`] entries. When it is full, later names are still
//! compressed against the entries it has, and their own suffixes are simply not remembered —
//! a name that finds no match is written in full, which is always correct, only longer.

use crate::{Error, Name};

/// Capacity of the compression table: how many name suffixes a message remembers as
/// pointer targets (each entry is a 2-byte offset).
pub const COMPRESSION_TABLE_LEN: usize = 64;

/// Pointers hold 14 bits: names that start later cannot be pointed at.
const MAX_POINTER_TARGET: usize = 0x3FFF;

/// A position to roll back to (a record that did not fit is removed whole).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    len: usize,
    entries: usize,
}

/// Writes a message front to back into a caller buffer.
#[derive(Debug)]
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    len: usize,
    table: [u16; COMPRESSION_TABLE_LEN],
    entries: usize,
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Writer<'b> {
        Writer { buf, len: 0, table: [0; COMPRESSION_TABLE_LEN], entries: 0 }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn written(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    pub(crate) fn written_mut(&mut self) -> &mut [u8] {
        &mut self.buf[..self.len]
    }

    pub(crate) fn into_written(self) -> &'b mut [u8] {
        &mut self.buf[..self.len]
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark { len: self.len, entries: self.entries }
    }

    pub(crate) fn reset(&mut self, mark: Mark) {
        self.len = mark.len.min(self.len);
        self.entries = mark.entries.min(self.entries);
    }

    fn reserve(&mut self, n: usize) -> Result<&mut [u8], Error> {
        let end = self.len.checked_add(n).ok_or(Error::BufferTooSmall)?;
        let out = self.buf.get_mut(self.len..end).ok_or(Error::BufferTooSmall)?;
        self.len = end;
        Ok(out)
    }

    pub(crate) fn bytes(&mut self, data: &[u8]) -> Result<(), Error> {
        self.reserve(data.len())?.copy_from_slice(data);
        Ok(())
    }

    pub(crate) fn u8(&mut self, v: u8) -> Result<(), Error> {
        self.bytes(&[v])
    }

    pub(crate) fn u16(&mut self, v: u16) -> Result<(), Error> {
        self.bytes(&v.to_be_bytes())
    }

    pub(crate) fn u32(&mut self, v: u32) -> Result<(), Error> {
        self.bytes(&v.to_be_bytes())
    }

    /// Writes a character-string (RFC 1035 §3.3): a length byte and at most 255 bytes.
    pub(crate) fn char_string(&mut self, s: &[u8], rtype: crate::RecordType) -> Result<(), Error> {
        let len = u8::try_from(s.len()).map_err(|_| Error::BadRdata(rtype))?;
        self.u8(len)?;
        self.bytes(s)
    }

    /// Overwrites a 16-bit field written earlier (RDLENGTH, section counts).
    pub(crate) fn patch_u16(&mut self, at: usize, v: u16) -> Result<(), Error> {
        let dst = self.buf.get_mut(at..at + 2).ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(&v.to_be_bytes());
        Ok(())
    }

    /// Writes a name; with `compress`, its longest suffix already in the message becomes a
    /// pointer. Either way its own suffixes become targets for later names.
    pub(crate) fn name(&mut self, name: &Name<'_>, compress: bool) -> Result<(), Error> {
        let n = name.label_count();
        let mut target = None;
        let mut full = n;
        if compress {
            for skip in 0..n {
                if let Some(off) = self.find(&name.suffix(skip)) {
                    target = Some(off);
                    full = skip;
                    break;
                }
            }
        }
        for label in name.labels().take(full) {
            let at = self.len;
            self.u8(label.len() as u8)?;
            self.bytes(label)?;
            self.remember(at);
        }
        match target {
            Some(off) => self.u16(0xC000 | off),
            None => self.u8(0),
        }
    }

    fn remember(&mut self, at: usize) {
        if at <= MAX_POINTER_TARGET && self.entries < COMPRESSION_TABLE_LEN {
            self.table[self.entries] = at as u16;
            self.entries += 1;
        }
    }

    fn find(&self, suffix: &Name<'_>) -> Option<u16> {
        let msg = self.written();
        self.table[..self.entries].iter().copied().find(|&off| {
            // Entries point at names this writer produced; they parse unless a caller
            // overwrote the bytes, and then they simply do not match.
            Name::parse(msg, usize::from(off)).is_ok_and(|(n, _)| n == *suffix)
        })
    }
}
