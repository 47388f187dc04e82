//! A bounded queue of datagrams in caller-provided storage.
//!
//! [`PacketBuffer`] keeps two rings, both borrowed (or, with the `alloc` feature, owned)
//! through [`ManagedSlice`]:
//!
//! - a ring of [`PacketMetadata`] (one slot per queued datagram: where its bytes are, how
//!   long it is, and a header `H` such as the remote endpoint);
//! - a ring of payload bytes.
//!
//! **A datagram never wraps.** Its bytes are always one contiguous slice, so the sender
//! writes it once, in place, and the receiver (or the stack copying it into a frame) reads
//! it with one slice. When a datagram does not fit between the write position and the end
//! of the payload ring but fits at its start, the tail is skipped: those bytes are charged
//! to the datagram as *padding* and released with it (no metadata slot is spent on the
//! padding, unlike smoltcp's padding entries). So a ring of `n` bytes always accepts a
//! datagram of up to `n` bytes when empty, but may refuse one of `n / 2 + 1` bytes while
//! it holds another.
//!
//! Full is never silent: [`enqueue`](PacketBuffer::enqueue) returns
//! [`BufferError::Full`] (no metadata slot, or no contiguous room now) or
//! [`BufferError::TooLarge`] (larger than the whole payload storage: it can never fit), and
//! leaves the queue unchanged. The caller counts the drop.

use core::fmt;

use managed::ManagedSlice;

/// Why a [`PacketBuffer`] operation did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BufferError {
    /// No room now: every metadata slot is taken, or no contiguous run of payload bytes is
    /// long enough. Room comes back as datagrams are dequeued.
    Full,
    /// Nothing queued.
    Empty,
    /// The datagram is larger than the whole payload storage: it can never be queued.
    TooLarge,
}

impl fmt::Display for BufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BufferError::Full => "buffer full",
            BufferError::Empty => "buffer empty",
            BufferError::TooLarge => "datagram larger than the buffer",
        })
    }
}

/// One slot of a [`PacketBuffer`]'s metadata ring. Callers only create empty ones
/// ([`PacketMetadata::EMPTY`]) to give the buffer its storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketMetadata<H> {
    /// Where the datagram's bytes start in the payload ring.
    offset: usize,
    size: usize,
    /// Bytes skipped at the end of the ring before this datagram (see the module docs).
    pad: usize,
    header: Option<H>,
}

impl<H> PacketMetadata<H> {
    /// An unused slot: `[PacketMetadata::EMPTY; 16]` is storage for 16 datagrams.
    pub const EMPTY: PacketMetadata<H> =
        PacketMetadata { offset: 0, size: 0, pad: 0, header: None };
}

impl<H> Default for PacketMetadata<H> {
    fn default() -> PacketMetadata<H> {
        PacketMetadata::EMPTY
    }
}

/// A FIFO of datagrams with per-datagram header `H`, in caller storage (module docs).
///
/// Capacity: at most `metadata.len()` datagrams and `payload.len()` bytes (padding
/// included) at once. Suggested: as many slots as datagrams you expect in a burst, and
/// payload for that many typical datagrams (e.g. 8 slots and 8 × 1472 bytes for
/// Ethernet-sized datagrams).
#[derive(Debug)]
pub struct PacketBuffer<'a, H> {
    metadata: ManagedSlice<'a, PacketMetadata<H>>,
    /// Index of the oldest datagram's slot.
    meta_read: usize,
    /// Slots in use.
    meta_len: usize,
    payload: ManagedSlice<'a, u8>,
    /// Start of the oldest datagram's bytes (its padding first); 0 when empty.
    read: usize,
    /// Payload bytes in use, padding included.
    used: usize,
}

impl<'a, H> PacketBuffer<'a, H> {
    /// A queue over `metadata` slots and `payload` bytes (their current contents are
    /// ignored).
    pub fn new<MS, PS>(metadata: MS, payload: PS) -> PacketBuffer<'a, H>
    where
        MS: Into<ManagedSlice<'a, PacketMetadata<H>>>,
        PS: Into<ManagedSlice<'a, u8>>,
    {
        let mut metadata = metadata.into();
        for slot in metadata.iter_mut() {
            slot.header = None;
        }
        PacketBuffer {
            metadata,
            meta_read: 0,
            meta_len: 0,
            payload: payload.into(),
            read: 0,
            used: 0,
        }
    }

    /// Number of datagrams queued.
    pub fn len(&self) -> usize {
        self.meta_len
    }

    /// True when no datagram is queued.
    pub fn is_empty(&self) -> bool {
        self.meta_len == 0
    }

    /// True when every metadata slot is taken (no datagram can be queued, whatever its size).
    pub fn is_full(&self) -> bool {
        self.meta_len >= self.metadata.len()
    }

    /// How many datagrams the queue can hold.
    pub fn packet_capacity(&self) -> usize {
        self.metadata.len()
    }

    /// How many payload bytes the queue can hold (the largest datagram it can ever take).
    pub fn payload_capacity(&self) -> usize {
        self.payload.len()
    }

    /// Payload bytes in use, padding included.
    pub fn payload_used(&self) -> usize {
        self.used
    }

    /// Drops every queued datagram.
    pub fn reset(&mut self) {
        for slot in self.metadata.iter_mut() {
            slot.header = None;
        }
        (self.meta_read, self.meta_len, self.read, self.used) = (0, 0, 0, 0);
    }

    /// Where a datagram of `size` bytes would go now: `(offset, pad)`.
    fn place(&self, size: usize) -> Result<(usize, usize), BufferError> {
        let cap = self.payload.len();
        if size > cap {
            return Err(BufferError::TooLarge);
        }
        if self.is_full() {
            return Err(BufferError::Full);
        }
        // read < cap (or 0) and len <= cap, so this cannot overflow.
        let end = self.read + self.used;
        if end <= cap {
            // In use: [read, end). Free: [end, cap) then [0, read).
            if size <= cap - end {
                Ok((end, 0))
            } else if size <= self.read {
                Ok((0, cap - end))
            } else {
                Err(BufferError::Full)
            }
        } else {
            // In use: [read, cap) and [0, end - cap). Free: [end - cap, read).
            let write = end - cap;
            if size <= self.read - write {
                Ok((write, 0))
            } else {
                Err(BufferError::Full)
            }
        }
    }

    /// True if a datagram of `size` bytes can be queued now.
    pub fn can_enqueue(&self, size: usize) -> bool {
        self.place(size).is_ok()
    }

    /// Queues a datagram of `size` bytes with `header` and returns its bytes, to be written
    /// in place. On error the queue is unchanged.
    pub fn enqueue(&mut self, size: usize, header: H) -> Result<&mut [u8], BufferError> {
        let (offset, pad) = self.place(size)?;
        let slots = self.metadata.len();
        // place() succeeded, so meta_len < slots and slots > 0.
        let index = (self.meta_read + self.meta_len) % slots;
        let slot = self.metadata.get_mut(index).ok_or(BufferError::Full)?;
        *slot = PacketMetadata { offset, size, pad, header: Some(header) };
        self.meta_len += 1;
        self.used += pad + size;
        Ok(self.payload.get_mut(offset..offset + size).unwrap_or(&mut []))
    }

    /// Queues a datagram of at most `max_size` bytes: `fill` writes it in place and returns
    /// its real length (clamped to `max_size`), which is returned. The room reserved beyond
    /// that length is given back at once.
    pub fn enqueue_with(
        &mut self,
        max_size: usize,
        header: H,
        fill: impl FnOnce(&mut [u8]) -> usize,
    ) -> Result<usize, BufferError> {
        let written = fill(self.enqueue(max_size, header)?).min(max_size);
        let slots = self.metadata.len();
        let last = (self.meta_read + self.meta_len - 1) % slots;
        if let Some(slot) = self.metadata.get_mut(last) {
            self.used -= slot.size - written;
            slot.size = written;
        }
        Ok(written)
    }

    /// The oldest datagram and its header, left in the queue.
    pub fn peek(&self) -> Result<(&H, &[u8]), BufferError> {
        if self.meta_len == 0 {
            return Err(BufferError::Empty);
        }
        let slot = self.metadata.get(self.meta_read).ok_or(BufferError::Empty)?;
        let header = slot.header.as_ref().ok_or(BufferError::Empty)?;
        let bytes = self.payload.get(slot.offset..slot.offset + slot.size).unwrap_or(&[]);
        Ok((header, bytes))
    }

    /// Size of the oldest datagram.
    pub fn peek_size(&self) -> Option<usize> {
        self.peek().ok().map(|(_, b)| b.len())
    }

    /// Takes the oldest datagram out of the queue: its header, and its bytes (valid until
    /// the next change to the queue).
    pub fn dequeue(&mut self) -> Result<(H, &mut [u8]), BufferError> {
        if self.meta_len == 0 {
            return Err(BufferError::Empty);
        }
        let slots = self.metadata.len();
        let slot = self.metadata.get_mut(self.meta_read).ok_or(BufferError::Empty)?;
        let header = slot.header.take().ok_or(BufferError::Empty)?;
        let (offset, size, pad) = (slot.offset, slot.size, slot.pad);
        self.meta_read = (self.meta_read + 1) % slots;
        self.meta_len -= 1;
        let cap = self.payload.len();
        self.used -= pad + size;
        self.read += pad + size;
        if self.read >= cap {
            self.read -= cap;
        }
        if self.used == 0 {
            // Empty: start over at 0 so the whole ring is one contiguous run again.
            self.read = 0;
        }
        Ok((header, self.payload.get_mut(offset..offset + size).unwrap_or(&mut [])))
    }
}

#[cfg(test)]
mod tests;
