//! Buffer cursors: [`Reader`] for parsing variable formats, [`TxBuf`] for emitting a packet
//! from the payload outwards.
//!
//! Sending follows DESIGN.md §4: the application writes its payload once, at an offset that
//! leaves room (headroom) for every header below it; each lower layer then *prepends* its
//! header in front. No layer copies the bytes of the layer above.
//!
//! ```
//! use unet_core::TxBuf;
//! let mut storage = [0u8; 64];
//! let mut tx = TxBuf::new(&mut storage, 32);
//! tx.append(5).unwrap().copy_from_slice(b"hello");   // payload
//! tx.prepend(8).unwrap().copy_from_slice(&[0; 8]);  // e.g. a UDP header
//! tx.prepend(20).unwrap().fill(0);                  // e.g. an IPv4 header
//! assert_eq!(tx.len(), 33);
//! assert_eq!(&tx.data()[28..], b"hello");
//! ```

use crate::WireError;

/// A bounds-checked reader over a byte slice. Every read returns
/// [`WireError::Truncated`] instead of panicking when the bytes run out.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub const fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }
    /// Bytes consumed so far.
    pub const fn position(&self) -> usize {
        self.pos
    }
    /// Bytes left to read.
    pub const fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    /// True when every byte has been read.
    pub const fn is_empty(&self) -> bool {
        self.remaining() == 0
    }
    /// The bytes not yet read, without consuming them.
    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }
    /// Reads `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self.pos.checked_add(n).ok_or(WireError::Truncated)?;
        let out = self.buf.get(self.pos..end).ok_or(WireError::Truncated)?;
        self.pos = end;
        Ok(out)
    }
    /// Reads exactly `N` bytes into an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }
    /// Reads one byte.
    pub fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.array::<1>()?[0])
    }
    /// Reads a big-endian (network order) `u16`.
    pub fn be_u16(&mut self) -> Result<u16, WireError> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    /// Reads a big-endian (network order) `u32`.
    pub fn be_u32(&mut self) -> Result<u32, WireError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    /// Skips `n` bytes.
    pub fn skip(&mut self, n: usize) -> Result<(), WireError> {
        self.bytes(n).map(|_| ())
    }
}

/// A transmit buffer that grows at both ends: payload appended at the tail, headers
/// prepended at the head.
///
/// Capacity is the caller's buffer; [`prepend`](TxBuf::prepend) fails with
/// [`WireError::BufferTooSmall`] when the headroom is used up and
/// [`append`](TxBuf::append) when the tailroom is.
#[derive(Debug)]
pub struct TxBuf<'a> {
    buf: &'a mut [u8],
    head: usize,
    tail: usize,
}

impl<'a> TxBuf<'a> {
    /// An empty packet in `buf`, starting `headroom` bytes in (clamped to the buffer).
    pub fn new(buf: &'a mut [u8], headroom: usize) -> TxBuf<'a> {
        let head = headroom.min(buf.len());
        TxBuf { buf, head, tail: head }
    }
    /// Makes room for `n` more bytes at the end and returns them.
    pub fn append(&mut self, n: usize) -> Result<&mut [u8], WireError> {
        let end = self.tail.checked_add(n).filter(|e| *e <= self.buf.len());
        let end = end.ok_or(WireError::BufferTooSmall)?;
        let start = self.tail;
        self.tail = end;
        Ok(&mut self.buf[start..end])
    }
    /// Makes room for `n` more bytes in front and returns them.
    pub fn prepend(&mut self, n: usize) -> Result<&mut [u8], WireError> {
        let start = self.head.checked_sub(n).ok_or(WireError::BufferTooSmall)?;
        let end = self.head;
        self.head = start;
        Ok(&mut self.buf[start..end])
    }
    /// Shortens the packet to `len` bytes from its head.
    pub fn truncate(&mut self, len: usize) {
        self.tail = self.tail.min(self.head + len);
    }
    /// The packet so far.
    pub fn data(&self) -> &[u8] {
        &self.buf[self.head..self.tail]
    }
    /// The packet so far, writable (a layer that checksums what follows its header needs it).
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.buf[self.head..self.tail]
    }
    /// Length of the packet so far.
    pub fn len(&self) -> usize {
        self.tail - self.head
    }
    /// True when nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Room left in front.
    pub fn headroom(&self) -> usize {
        self.head
    }
    /// Room left behind.
    pub fn tailroom(&self) -> usize {
        self.buf.len() - self.tail
    }
    /// Offset of the packet's first byte in the underlying buffer.
    pub fn offset(&self) -> usize {
        self.head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_never_reads_past_the_end() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.be_u16(), Ok(0x0102));
        assert_eq!(r.be_u16(), Err(WireError::Truncated));
        assert_eq!(r.u8(), Ok(3));
        assert_eq!(r.u8(), Err(WireError::Truncated));
        assert_eq!(r.bytes(usize::MAX), Err(WireError::Truncated));
        assert!(r.is_empty());
    }

    #[test]
    fn txbuf_refuses_to_overrun_either_end() {
        let mut storage = [0u8; 10];
        let mut tx = TxBuf::new(&mut storage, 4);
        assert!(tx.prepend(5).is_err());
        assert!(tx.append(7).is_err());
        tx.append(6).unwrap().fill(1);
        tx.prepend(4).unwrap().fill(2);
        assert_eq!(tx.data(), &[2, 2, 2, 2, 1, 1, 1, 1, 1, 1]);
        assert_eq!((tx.headroom(), tx.tailroom()), (0, 0));
        tx.truncate(5);
        assert_eq!(tx.len(), 5);
        let mut tiny = [0u8; 2];
        assert_eq!(TxBuf::new(&mut tiny, 10).headroom(), 2);
    }
}
