//! A bounds-checked reader over one record's RDATA, inside the whole message (names in
//! RDATA may point back into it).

use crate::name::Compression;
use crate::{Error, Name, RecordType};

/// Reads the fields of one RDATA; running past RDLENGTH is [`Error::BadRdata`].
#[derive(Debug, Clone)]
pub(crate) struct RdataReader<'a> {
    msg: &'a [u8],
    pos: usize,
    end: usize,
    rtype: RecordType,
}

impl<'a> RdataReader<'a> {
    /// `msg[start..end]` is the RDATA; `end` must be within `msg`.
    pub(crate) fn new(msg: &'a [u8], start: usize, end: usize, rtype: RecordType) -> Self {
        let end = end.min(msg.len());
        RdataReader { msg, pos: start.min(end), end, rtype }
    }

    pub(crate) fn bad(&self) -> Error {
        Error::BadRdata(self.rtype)
    }

    pub(crate) fn remaining(&self) -> usize {
        self.end - self.pos
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.remaining() {
            return Err(self.bad());
        }
        let out = self.msg.get(self.pos..self.pos + n).ok_or(self.bad())?;
        self.pos += n;
        Ok(out)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let b = self.bytes(N)?;
        b.try_into().map_err(|_| self.bad())
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// The rest of the RDATA.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let out = self.msg.get(self.pos..self.end).unwrap_or(&[]);
        self.pos = self.end;
        out
    }

    /// A character-string (RFC 1035 §3.3): a length byte and that many bytes.
    pub(crate) fn char_string(&mut self) -> Result<&'a [u8], Error> {
        let n = self.u8()?;
        self.bytes(usize::from(n))
    }

    /// A domain name; with `Compression::Forbidden` a pointer is an error.
    pub(crate) fn name(&mut self, compression: Compression) -> Result<Name<'a>, Error> {
        let (name, next) = Name::parse_within(self.msg, self.pos, self.end, compression)
            .map_err(|e| if e == Error::Truncated { self.bad() } else { e })?;
        self.pos = next;
        Ok(name)
    }

    /// Checks that every byte of the RDATA was used.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        if self.pos == self.end {
            Ok(())
        } else {
            Err(self.bad())
        }
    }
}
