//! A byte ring over caller storage: a connection's send and receive buffers.
//!
//! [`RingBuffer`] holds a contiguous run of *allocated* bytes (from `read` for `len` bytes,
//! wrapping at the end of the storage); the rest is *unallocated*. How TCP uses it:
//!
//! - **Send buffer** (RFC 9293 §3.8, §3.10.2 SEND): the application enqueues; the bytes stay
//!   allocated until acknowledged, so the front of the ring is SND.UNA. The connection reads
//!   the bytes of a segment (new or retransmitted) at offset `seq − SND.UNA` with
//!   [`read_allocated`](RingBuffer::read_allocated) or
//!   [`get_allocated`](RingBuffer::get_allocated), and releases acknowledged bytes with
//!   [`dequeue_allocated`](RingBuffer::dequeue_allocated).
//! - **Receive buffer** (§3.10.7.4): in-order data is enqueued; data that arrives ahead of
//!   RCV.NXT is written *beyond* the allocated part with
//!   [`write_unallocated`](RingBuffer::write_unallocated) at offset `seq − RCV.NXT`, tracked
//!   by the [`Assembler`](crate::assembler::Assembler), and becomes allocated with
//!   [`enqueue_unallocated`](RingBuffer::enqueue_unallocated) once the gap before it fills.
//!   The receive window RCV.WND is [`window`](RingBuffer::window).
//!
//! Capacity is the storage length, chosen by the caller (suggested: at least 4 MSS, e.g.
//! 8 KiB on a microcontroller, 64 KiB or more for bulk transfers). Nothing is refused
//! silently: every write returns how many bytes it took, which is fewer than offered when
//! the ring is full. No method panics, whatever the offsets and lengths.
//!
//! ```
//! use unet_tcp::buffer::RingBuffer;
//! let mut storage = [0u8; 8];
//! let mut ring = RingBuffer::new(&mut storage[..]);
//! assert_eq!(ring.enqueue_slice(b"hello world"), 8); // only 8 fit
//! let mut out = [0u8; 5];
//! assert_eq!(ring.read_allocated(6, &mut out), 2); // retransmission read, nothing removed
//! assert_eq!(&out[..2], b"wo");
//! assert_eq!(ring.dequeue_allocated(6), 6); // acknowledged
//! assert_eq!(ring.len(), 2);
//! ```

use managed::ManagedSlice;

/// A byte ring over caller storage (module docs).
#[derive(Debug)]
pub struct RingBuffer<'a> {
    storage: ManagedSlice<'a, u8>,
    /// Index of the first allocated byte (always `< capacity`, or 0 when capacity is 0).
    read: usize,
    /// Allocated bytes.
    len: usize,
}

impl<'a> RingBuffer<'a> {
    /// A ring over `storage` (its current contents are ignored; it starts empty).
    pub fn new<S: Into<ManagedSlice<'a, u8>>>(storage: S) -> RingBuffer<'a> {
        RingBuffer { storage: storage.into(), read: 0, len: 0 }
    }

    /// Gives the storage back, for a new ring (a slot that serves connection after
    /// connection without an allocator, DESIGN.md §5). Its bytes are whatever the ring
    /// last held; [`new`](Self::new) ignores them.
    pub fn into_storage(self) -> ManagedSlice<'a, u8> {
        self.storage
    }

    /// Total bytes the ring can hold.
    pub fn capacity(&self) -> usize {
        self.storage.len()
    }

    /// Allocated bytes (queued data).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is allocated.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when nothing more can be enqueued.
    pub fn is_full(&self) -> bool {
        self.len == self.capacity()
    }

    /// Unallocated bytes: room for more data. For a receive buffer this is RCV.WND.
    pub fn window(&self) -> usize {
        self.capacity() - self.len
    }

    /// Drops every byte: the ring is empty, with its whole capacity free. The storage
    /// itself is not overwritten (the old bytes stay in memory until new data replaces
    /// them; zero it through [`into_storage`](Self::into_storage) if that matters).
    pub fn clear(&mut self) {
        self.read = 0;
        self.len = 0;
    }

    /// Storage index of the byte `offset` bytes after `read` (any offset; wraps).
    fn index(&self, offset: usize) -> usize {
        let cap = self.capacity();
        if cap == 0 {
            return 0;
        }
        // `read < cap`, so reduce the offset first: the sum cannot overflow.
        let off = offset % cap;
        let room = cap - self.read;
        if off < room {
            self.read + off
        } else {
            off - room
        }
    }

    /// The storage run of up to `max` bytes starting `offset` bytes after the front,
    /// not crossing the end of the storage: `(start index, length)`.
    fn run(&self, offset: usize, max: usize) -> (usize, usize) {
        let start = self.index(offset);
        (start, max.min(self.capacity() - start))
    }

    // ----- whole-slice copies -----

    /// Appends as much of `data` as fits; returns the bytes taken.
    pub fn enqueue_slice(&mut self, data: &[u8]) -> usize {
        let n = self.write_unallocated(0, data);
        self.enqueue_unallocated(n)
    }

    /// Removes up to `buf.len()` bytes from the front into `buf`; returns the bytes moved.
    pub fn dequeue_slice(&mut self, buf: &mut [u8]) -> usize {
        let n = self.read_allocated(0, buf);
        self.dequeue_allocated(n)
    }

    // ----- zero copy -----

    /// Lets `f` write directly into the largest contiguous run of free bytes (it may be
    /// shorter than [`window`](Self::window) when the free space wraps); `f` returns how
    /// many bytes it wrote, which become allocated (clamped to the run's length). Returns
    /// the bytes enqueued. Call twice to fill a wrapped free space.
    pub fn enqueue_many_with<F: FnOnce(&mut [u8]) -> usize>(&mut self, f: F) -> usize {
        let (start, len) = self.run(self.len, self.window());
        let n = f(&mut self.storage[start..start + len]).min(len);
        self.enqueue_unallocated(n)
    }

    /// Lets `f` read the largest contiguous run of queued bytes at the front; `f` returns
    /// how many it consumed, which are removed (clamped to the run's length). Returns the
    /// bytes dequeued.
    pub fn dequeue_many_with<F: FnOnce(&[u8]) -> usize>(&mut self, f: F) -> usize {
        let (start, len) = self.run(0, self.len);
        let n = f(&self.storage[start..start + len]).min(len);
        self.dequeue_allocated(n)
    }

    // ----- allocated bytes, at an offset (send buffer: retransmission) -----

    /// Copies allocated bytes starting `offset` bytes after the front into `buf`, without
    /// removing them; returns the bytes copied (0 when `offset >= len`).
    pub fn read_allocated(&self, offset: usize, buf: &mut [u8]) -> usize {
        let avail = self.len.saturating_sub(offset);
        let want = buf.len().min(avail);
        let mut done = 0;
        while done < want {
            let (start, n) = self.run(offset + done, want - done);
            buf[done..done + n].copy_from_slice(&self.storage[start..start + n]);
            done += n;
        }
        done
    }

    /// The contiguous allocated bytes starting `offset` bytes after the front, at most
    /// `len` of them: shorter than asked when the data wraps (call again at the next
    /// offset) or ends; empty when `offset >= len()`.
    pub fn get_allocated(&self, offset: usize, len: usize) -> &[u8] {
        let avail = self.len.saturating_sub(offset);
        if avail == 0 {
            return &[];
        }
        let (start, n) = self.run(offset, len.min(avail));
        &self.storage[start..start + n]
    }

    /// Releases up to `n` bytes from the front (acknowledged data); returns the bytes
    /// released.
    pub fn dequeue_allocated(&mut self, n: usize) -> usize {
        let n = n.min(self.len);
        self.read = self.index(n);
        // No rewind to index 0 when the ring empties: bytes written beyond the allocated
        // part (out-of-order data) must stay where they are.
        self.len -= n;
        n
    }

    // ----- unallocated bytes, at an offset (receive buffer: out of order) -----

    /// Writes `data` into the free space starting `offset` bytes after the end of the
    /// allocated data, without allocating it; returns the bytes written (fewer than
    /// `data.len()` when the free space ends first, 0 when `offset >= window()`).
    pub fn write_unallocated(&mut self, offset: usize, data: &[u8]) -> usize {
        let free = self.window().saturating_sub(offset);
        let want = data.len().min(free);
        if want == 0 {
            return 0;
        }
        let base = self.len + offset; // < capacity, as offset < window
        let mut done = 0;
        while done < want {
            let (start, n) = self.run(base + done, want - done);
            self.storage[start..start + n].copy_from_slice(&data[done..done + n]);
            done += n;
        }
        done
    }

    /// Marks up to `n` free bytes after the allocated data as allocated (data written
    /// there earlier by [`write_unallocated`](Self::write_unallocated)); returns the bytes
    /// allocated.
    pub fn enqueue_unallocated(&mut self, n: usize) -> usize {
        let n = n.min(self.window());
        self.len += n;
        n
    }

    /// The contiguous free bytes starting `offset` bytes after the allocated data, at most
    /// `len` of them (shorter when the free space wraps or ends).
    pub fn get_unallocated(&mut self, offset: usize, len: usize) -> &mut [u8] {
        let free = self.window().saturating_sub(offset);
        if free == 0 {
            return &mut [];
        }
        let (start, n) = self.run(self.len + offset, len.min(free));
        &mut self.storage[start..start + n]
    }
}

#[cfg(test)]
mod tests;
