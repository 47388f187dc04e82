//! Bounded tracking of out-of-order receive data (RFC 9293 §3.10.7.4, RFC 2018 §4).
//!
//! RFC 9293 §3.10.7.4 lets a receiver keep segments that arrive ahead of RCV.NXT: "segments
//! with higher beginning sequence numbers … may be held for later processing". The bytes
//! themselves go into the receive [`RingBuffer`](crate::buffer::RingBuffer) beyond its
//! allocated part; the [`Assembler`] remembers *which* of those bytes are present, as up to
//! `N` disjoint ranges of offsets counted from RCV.NXT (the *front*).
//!
//! Offsets are kept in 32 bits: out-of-order data ending more than 4 GiB past the front is
//! refused like a segment needing one range too many (a TCP window is at most 1 GiB,
//! RFC 7323 §2.3, so a connection never offers such data).
//!
//! **Capacity:** `N` ranges (the const parameter, default [`DEFAULT_RANGES`] = 4: one per
//! SACK block a segment with Timestamps can carry, RFC 2018 §3, plus one). A range costs
//! 12 bytes (on every target). Data that joins, overlaps or extends a known range, or that
//! starts at the front, never needs a new range and is always accepted. A segment that
//! would need an `N + 1`-th range is **refused**: [`add`](Assembler::add) returns
//! [`TooManyHoles`], the refusal is counted ([`refused`](Assembler::refused)), and the
//! caller drops the segment (not acknowledging it: the peer retransmits it later, when the
//! holes before it have filled).
//!
//! The caller trims every segment to the receive window first, writes its bytes with
//! [`RingBuffer::write_unallocated`](crate::buffer::RingBuffer::write_unallocated), then
//! calls `add`; the count it returns is how far RCV.NXT advances (pass it to
//! [`RingBuffer::enqueue_unallocated`](crate::buffer::RingBuffer::enqueue_unallocated)).
//! The remaining ranges are then re-counted from the new front.
//!
//! ```
//! use unet_tcp::assembler::Assembler;
//! let mut asm: Assembler = Assembler::new();
//! assert_eq!(asm.add(10, 5), Ok(0)); // ahead of RCV.NXT: held
//! assert_eq!(asm.add(0, 10), Ok(15)); // fills the hole: 15 bytes now in order
//! assert!(asm.is_empty());
//! ```

use core::fmt;

/// The default number of out-of-order ranges an [`Assembler`] tracks.
pub const DEFAULT_RANGES: usize = 4;

/// A run of present bytes, as offsets from the front (RCV.NXT): `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Range {
    /// First present byte.
    pub start: usize,
    /// One past the last present byte.
    pub end: usize,
}

impl Range {
    /// Bytes in the range.
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// True for an empty range (never stored).
    pub const fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// A segment was refused: it would need one more out-of-order range than the
/// [`Assembler`] has (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TooManyHoles;

impl fmt::Display for TooManyHoles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("too many holes in the out-of-order data")
    }
}

/// A range held, in 32 bits (module docs).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    start: u32,
    end: u32,
    /// When the range last took data (larger is more recent; unique).
    touched: u32,
}

impl Slot {
    const fn range(&self) -> Range {
        Range { start: self.start as usize, end: self.end as usize }
    }
}

/// Which out-of-order bytes are present, in at most `N` ranges (module docs).
#[derive(Debug, Clone)]
pub struct Assembler<const N: usize = DEFAULT_RANGES> {
    /// `slots[..len]` sorted by start, disjoint and not adjacent, every start > 0.
    slots: [Slot; N],
    len: u16,
    /// The range holding the most recent segment, while it is out of order (`NONE`: none).
    last: u16,
    clock: u32,
    refused: u32,
}

/// `last` when no range holds the most recent segment.
const NONE: u16 = u16::MAX;

impl<const N: usize> Default for Assembler<N> {
    fn default() -> Self {
        Assembler::new()
    }
}

impl<const N: usize> Assembler<N> {
    /// An empty assembler: nothing out of order.
    /// `len` and `last` fit 16 bits (checked when `new` is instantiated).
    const N_FITS: () = assert!(N < NONE as usize, "Assembler: N must be below 65535");

    /// An empty assembler: nothing out of order.
    #[allow(clippy::let_unit_value)]
    pub const fn new() -> Assembler<N> {
        let () = Self::N_FITS;
        Assembler {
            slots: [Slot { start: 0, end: 0, touched: 0 }; N],
            len: 0,
            last: NONE,
            clock: 0,
            refused: 0,
        }
    }

    /// Most ranges it can hold (`N`).
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Ranges held now.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// True when no out-of-order data is held.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Segments refused so far for lack of a range ([`TooManyHoles`]).
    pub const fn refused(&self) -> u64 {
        self.refused as u64
    }

    /// Forgets every range (the refusal count is kept).
    pub fn clear(&mut self) {
        self.len = 0;
        self.last = NONE;
    }

    /// The ranges in use.
    fn held(&self) -> &[Slot] {
        &self.slots[..self.len()]
    }

    /// Records that bytes `offset..offset + len` (from the front) are present. Returns how
    /// many bytes are now contiguous from the front — the caller advances RCV.NXT by that
    /// much, and the remaining ranges are shifted to count from there. Duplicates and
    /// overlaps are merged. Fails with [`TooManyHoles`] (and changes nothing) when the data
    /// would need a new range and all `N` are in use.
    pub fn add(&mut self, offset: usize, len: usize) -> Result<usize, TooManyHoles> {
        if len == 0 {
            return Ok(0);
        }
        let end = offset.saturating_add(len);
        // Ranges that overlap or touch the new data form one block: [first, past).
        let held = self.held();
        let first = held.iter().position(|s| s.end as usize >= offset).unwrap_or(held.len());
        let past = first + held[first..].iter().take_while(|s| s.start as usize <= end).count();
        let merged = if first < past {
            Range {
                start: offset.min(held[first].range().start),
                end: end.max(held[past - 1].range().end),
            }
        } else {
            Range { start: offset, end }
        };
        if merged.start == 0 {
            // In order now: deliver, and count the rest from the new front.
            self.remove(first, past);
            // Every range left starts beyond `merged.end`, so fits 32 bits.
            let shift = merged.end as u32;
            let len = self.len();
            for slot in &mut self.slots[..len] {
                slot.start -= shift;
                slot.end -= shift;
            }
            self.last = NONE;
            return Ok(merged.end);
        }
        let (Ok(start), Ok(end)) = (u32::try_from(merged.start), u32::try_from(merged.end)) else {
            // Beyond 4 GiB from the front (module docs).
            self.refused = self.refused.saturating_add(1);
            return Err(TooManyHoles);
        };
        if first == past && self.len() == N {
            self.refused = self.refused.saturating_add(1);
            return Err(TooManyHoles);
        }
        let slot = Slot { start, end, touched: self.tick() };
        if first < past {
            self.remove(first + 1, past);
            self.slots[first] = slot;
        } else {
            let len = self.len();
            self.slots.copy_within(first..len, first + 1);
            self.slots[first] = slot;
            self.len += 1;
        }
        self.last = first as u16;
        Ok(0)
    }

    /// The next `touched` value. When the 32-bit clock runs out, the ranges are renumbered
    /// 1..=len in the same order, so recency survives the wrap.
    fn tick(&mut self) -> u32 {
        // Below u32::MAX, which `iter_by_recency` starts under.
        if self.clock >= u32::MAX - 1 {
            let len = self.len();
            let mut ranks = [0u32; N];
            for (i, rank) in ranks.iter_mut().enumerate().take(len) {
                let t = self.slots[i].touched;
                *rank = self.slots[..len].iter().filter(|s| s.touched <= t).count() as u32;
            }
            for (slot, rank) in self.slots[..len].iter_mut().zip(ranks) {
                slot.touched = rank;
            }
            self.clock = len as u32;
        }
        self.clock += 1;
        self.clock
    }

    /// Removes `slots[from..to]`.
    fn remove(&mut self, from: usize, to: usize) {
        let len = self.len();
        self.slots.copy_within(to..len, from);
        self.len -= (to - from) as u16;
    }

    /// The out-of-order ranges in sequence order (offsets from the front).
    pub fn iter(&self) -> impl Iterator<Item = Range> + '_ {
        self.held().iter().map(Slot::range)
    }

    /// The range that holds the most recently added segment, while that segment is still
    /// out of order: RFC 2018 §4's first SACK block ("the block containing the most
    /// recently received segment"). `None` once it was delivered in order.
    pub fn last_touched(&self) -> Option<Range> {
        self.held().get(usize::from(self.last)).map(Slot::range)
    }

    /// The ranges, most recently extended first: RFC 2018 §4's order for the SACK blocks
    /// after the first ("the most recently reported SACK blocks").
    pub fn iter_by_recency(&self) -> impl Iterator<Item = Range> + '_ {
        let slots = self.held();
        let mut below = u32::MAX;
        core::iter::from_fn(move || {
            let next = slots.iter().filter(|s| s.touched < below).max_by_key(|s| s.touched)?;
            below = next.touched;
            Some(next.range())
        })
    }

    /// True when the byte at `offset` from the front is held out of order.
    pub fn contains(&self, offset: usize) -> bool {
        self.iter().any(|r| r.start <= offset && offset < r.end)
    }
}

#[cfg(test)]
mod tests;
