//! A bounded FIFO of variable-length packets in one caller-provided byte buffer.
//!
//! Holds what the receive path must answer after `handle_frame` returns (ICMP echo replies
//! and errors): the bytes are copied once, from the received frame into this buffer, and
//! once more into the transmit frame. Each packet occupies one contiguous run of the
//! buffer (a packet never wraps), so a packet can be handed out as one slice.
//!
//! Bounds: at most `N` packets and at most `buffer.len()` bytes. When either is exhausted a
//! new packet is refused (the caller counts it); packets already queued are kept.

use heapless::Deque;
use managed::ManagedSlice;

#[derive(Debug, Clone, Copy)]
struct Entry<H> {
    meta: H,
    start: usize,
    len: usize,
    /// Placed after the write position wrapped to the start of the buffer while older
    /// packets still sit at its end. Kept explicitly because positions alone cannot tell
    /// (a zero-length packet at the head's offset looks both before and after the wrap).
    wrapped: bool,
}

/// A FIFO of at most `N` packets with metadata `H`, stored in a byte buffer.
#[derive(Debug)]
pub(crate) struct PacketQueue<'a, H: Copy, const N: usize> {
    entries: Deque<Entry<H>, N>,
    buf: ManagedSlice<'a, u8>,
}

impl<'a, H: Copy, const N: usize> PacketQueue<'a, H, N> {
    pub(crate) fn new(buf: ManagedSlice<'a, u8>) -> Self {
        PacketQueue { entries: Deque::new(), buf }
    }

    /// Room for a packet of `len` bytes: returns its bytes to fill, or `None` when full.
    pub(crate) fn push(&mut self, meta: H, len: usize) -> Option<&mut [u8]> {
        let cap = self.buf.len();
        let (start, wrapped) = match (self.entries.front(), self.entries.back()) {
            (Some(front), Some(back)) => {
                let head = front.start;
                let tail = back.start + back.len;
                if back.wrapped {
                    // Live data wraps: the free run is [tail, head).
                    if head.checked_sub(tail)? >= len {
                        (tail, true)
                    } else {
                        return None;
                    }
                } else if cap - tail >= len {
                    // Live data is one run [head, tail): place after it...
                    (tail, false)
                } else if len <= head {
                    // ...or wrap to 0, in front of it.
                    (0, true)
                } else {
                    return None;
                }
            }
            _ if len <= cap => (0, false),
            _ => return None,
        };
        self.entries.push_back(Entry { meta, start, len, wrapped }).ok()?;
        self.buf.get_mut(start..start + len)
    }

    /// Cancels the last [`push`](Self::push) (used when filling it failed).
    pub(crate) fn unpush(&mut self) {
        self.entries.pop_back();
    }

    /// The oldest packet.
    pub(crate) fn front(&self) -> Option<(H, &[u8])> {
        let e = self.entries.front()?;
        Some((e.meta, self.buf.get(e.start..e.start + e.len)?))
    }

    /// Drops the oldest packet.
    pub(crate) fn pop(&mut self) {
        self.entries.pop_front();
        // Once the oldest packet is one placed after the wrap, the live data is one run
        // again, starting there.
        if self.entries.front().is_some_and(|e| e.wrapped) {
            self.entries.iter_mut().for_each(|e| e.wrapped = false);
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use proptest::prelude::*;
    use std::collections::VecDeque;
    use std::vec::Vec;

    #[test]
    fn refuses_when_bytes_or_slots_run_out() {
        let mut storage = [0u8; 10];
        let mut q: PacketQueue<'_, u8, 2> = PacketQueue::new(ManagedSlice::Borrowed(&mut storage));
        assert!(q.push(0, 11).is_none());
        q.push(1, 6).unwrap().fill(1);
        assert!(q.push(2, 5).is_none(), "only 4 bytes left");
        q.push(2, 4).unwrap().fill(2);
        assert!(q.push(3, 0).is_none(), "two slots only");
        assert_eq!(q.front(), Some((1, &[1u8; 6][..])));
        q.pop();
        // Wraps to the start: 6 bytes free in front of the live packet at [6, 10).
        q.push(3, 6).unwrap().fill(3);
        assert_eq!(q.front(), Some((2, &[2u8; 4][..])));
        q.pop();
        assert_eq!(q.front(), Some((3, &[3u8; 6][..])));
        q.pop();
        assert!(q.is_empty());
    }

    #[test]
    fn zero_length_packet_at_the_head_offset_does_not_hide_the_wrap() {
        // Proptest's find: a zero-length packet placed at the head's offset after a
        // wrap made the next push overwrite the oldest packet.
        let mut storage = [0u8; 64];
        let mut q: PacketQueue<'_, u8, 4> = PacketQueue::new(ManagedSlice::Borrowed(&mut storage));
        q.push(0, 35).unwrap().fill(0);
        q.push(1, 1).unwrap().fill(1);
        q.pop();
        q.push(3, 35).unwrap().fill(3);
        assert!(q.push(4, 0).is_some());
        assert!(q.push(5, 1).is_none(), "no byte is free");
        assert_eq!(q.front(), Some((1, &[1u8][..])));
        q.pop();
        assert_eq!(q.front(), Some((3, &[3u8; 35][..])));
    }

    proptest! {
        /// The queue behaves as a FIFO model and never hands out overlapping runs.
        #[test]
        fn fifo_model(ops in proptest::collection::vec((any::<bool>(), 0usize..40), 0..200)) {
            let mut storage = [0u8; 64];
            let mut q: PacketQueue<'_, u32, 4> = PacketQueue::new(ManagedSlice::Borrowed(&mut storage));
            let mut model: VecDeque<(u32, Vec<u8>)> = VecDeque::new();
            for (i, (push, len)) in ops.into_iter().enumerate() {
                let tag = i as u32;
                if push {
                    if let Some(b) = q.push(tag, len) {
                        b.fill(tag as u8);
                        model.push_back((tag, std::vec![tag as u8; len]));
                    } else {
                        prop_assert!(model.len() == 4 || len > 0);
                    }
                } else {
                    let got = q.front().map(|(m, b)| (m, b.to_vec()));
                    prop_assert_eq!(got, model.front().cloned());
                    q.pop();
                    model.pop_front();
                }
                prop_assert_eq!(q.len(), model.len());
            }
            while let Some((m, b)) = q.front() {
                prop_assert_eq!(Some(&(m, b.to_vec())), model.front());
                q.pop();
                model.pop_front();
            }
        }
    }
}
