//! One datagram under reassembly: its bookkeeping (in a [`Slot`]) and its share of the
//! byte pool (bitmap of received 8-byte blocks, room for the header, the payload).

use core::net::Ipv4Addr;

use unet_core::{Instant, IpProtocol};

/// Room kept in front of each payload for the reassembled datagram's header, so the whole
/// datagram comes out as one contiguous slice (the longest IPv4 header, RFC 791 §3.1).
pub(super) const HEADER_ROOM: usize = crate::packet::MAX_HEADER_LEN;

/// What identifies the fragments of one datagram (RFC 791 §3.2: "source, destination,
/// protocol, and identification").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: IpProtocol,
    pub identification: u16,
}

impl Key {
    const NONE: Key = Key {
        src: Ipv4Addr::UNSPECIFIED,
        dst: Ipv4Addr::UNSPECIFIED,
        protocol: IpProtocol(0),
        identification: 0,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// Unused.
    Free,
    /// Fragments are arriving.
    Incomplete,
    /// Timed out after fragment zero arrived: the ICMP Time Exceeded event is pending, the
    /// quote is still in the pool. Reusable (the event is then lost, and counted).
    Expired,
    /// Handed to the caller as [`Complete`](super::Complete); freed at the next call.
    Delivered,
}

/// The bookkeeping of one reassembly slot (about 40 bytes). The user provides an array of
/// them, one per datagram that may be reassembled at the same time: `[Slot::EMPTY; N]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub(super) state: State,
    pub(super) key: Key,
    /// When the first fragment arrived (eviction picks the oldest).
    pub(super) started: Instant,
    /// When the datagram is given up (RFC 1122 §3.3.2: a fixed timeout from the first
    /// fragment, not refreshed by later ones).
    pub(super) deadline: Instant,
    /// Payload length, known once the last fragment (MF clear) arrived.
    pub(super) total: Option<u32>,
    /// Highest payload byte (exclusive) any fragment reached.
    pub(super) max_end: u32,
    /// 8-byte blocks received.
    pub(super) blocks: u32,
    /// Length of fragment zero's header, 0 until it arrives.
    pub(super) header_len: u8,
}

impl Slot {
    /// An unused slot.
    pub const EMPTY: Slot = Slot {
        state: State::Free,
        key: Key::NONE,
        started: Instant::ZERO,
        deadline: Instant::ZERO,
        total: None,
        max_end: 0,
        blocks: 0,
        header_len: 0,
    };

    pub(super) fn start(&mut self, key: Key, now: Instant, deadline: Instant) {
        *self = Slot { state: State::Incomplete, key, started: now, deadline, ..Slot::EMPTY };
    }

    pub(super) fn is_complete(&self) -> bool {
        match self.total {
            Some(total) => self.header_len != 0 && self.blocks == total.div_ceil(8),
            None => false,
        }
    }
}

impl Default for Slot {
    fn default() -> Slot {
        Slot::EMPTY
    }
}

/// Where one slot's parts lie in the pool: `[bitmap | header room | payload]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Layout {
    /// Bytes of pool per slot.
    pub share: usize,
    /// Bitmap bytes at the start of the share (one bit per 8-byte payload block).
    pub bitmap: usize,
    /// Payload capacity.
    pub capacity: usize,
}

impl Layout {
    /// Splits `pool_len` evenly among `slots`; payloads are also capped at `max_payload`.
    pub fn new(pool_len: usize, slots: usize, max_payload: usize) -> Layout {
        let share = pool_len.checked_div(slots).unwrap_or(0);
        let avail = share.saturating_sub(HEADER_ROOM);
        // One bitmap byte covers 64 payload bytes: avail/65 bitmap bytes leave at most
        // 64 × that for the payload, which the bitmap then covers.
        let bitmap = avail.div_ceil(65);
        let capacity = (avail - bitmap).min(max_payload);
        Layout { share, bitmap, capacity }
    }

    pub fn base(&self, slot: usize) -> usize {
        slot * self.share
    }

    pub fn bitmap_range(&self, slot: usize) -> core::ops::Range<usize> {
        let b = self.base(slot);
        b..b + self.bitmap
    }

    /// Where payload byte 0 of `slot` lies in the pool.
    pub fn payload_start(&self, slot: usize) -> usize {
        self.base(slot) + self.bitmap + HEADER_ROOM
    }
}

/// How many of `blocks` are set in `bitmap` (bits past the bitmap count as unset).
pub(super) fn count_set(bitmap: &[u8], blocks: core::ops::Range<usize>) -> usize {
    blocks.filter(|&b| bitmap.get(b / 8).is_some_and(|byte| byte & (1 << (b % 8)) != 0)).count()
}

/// Sets `blocks` in `bitmap` (bits past the bitmap are ignored; callers bound the range).
pub(super) fn set_all(bitmap: &mut [u8], blocks: core::ops::Range<usize>) {
    for b in blocks {
        if let Some(byte) = bitmap.get_mut(b / 8) {
            *byte |= 1 << (b % 8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_bitmap_covers_the_payload() {
        for pool in [0, 59, 60, 61, 200, 1000, 65_536, 70_000, 300_001] {
            for slots in 1..5 {
                let l = Layout::new(pool, slots, usize::MAX);
                assert!(l.capacity.div_ceil(8) <= l.bitmap * 8, "{pool} {slots}");
                assert!(l.bitmap + HEADER_ROOM + l.capacity <= l.share.max(HEADER_ROOM));
                assert!(l.share * slots <= pool);
            }
        }
        assert_eq!(Layout::new(100, 0, 10).capacity, 0);
    }

    #[test]
    fn bitmap_count_and_set() {
        let mut bits = [0u8; 3];
        set_all(&mut bits, 3..11);
        assert_eq!(count_set(&bits, 0..24), 8);
        assert_eq!(count_set(&bits, 10..12), 1);
        assert_eq!(count_set(&bits, 20..40), 0);
        set_all(&mut bits, 20..40);
        assert_eq!(count_set(&bits, 0..40), 12);
    }
}
