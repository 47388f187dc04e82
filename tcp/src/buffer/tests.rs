extern crate std;

use std::collections::VecDeque;
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::RingBuffer;

#[test]
fn zero_capacity_takes_nothing_and_never_panics() {
    let mut ring = RingBuffer::new(&mut [][..]);
    assert_eq!(ring.capacity(), 0);
    assert!(ring.is_empty() && ring.is_full());
    assert_eq!(ring.enqueue_slice(b"x"), 0);
    assert_eq!(ring.write_unallocated(3, b"x"), 0);
    assert_eq!(ring.enqueue_many_with(|free| free.len() + 5), 0);
    assert_eq!(ring.dequeue_many_with(|data| data.len() + 5), 0);
    assert_eq!(ring.get_allocated(0, 10), b"");
    assert_eq!(ring.get_unallocated(0, 10).len(), 0);
    assert_eq!(ring.read_allocated(usize::MAX, &mut [0; 4]), 0);
    assert_eq!(ring.dequeue_allocated(usize::MAX), 0);
    assert_eq!(ring.enqueue_unallocated(usize::MAX), 0);
}

#[test]
fn wrapped_data_comes_back_in_two_contiguous_runs() {
    let mut storage = [0u8; 6];
    let mut ring = RingBuffer::new(&mut storage[..]);
    assert_eq!(ring.enqueue_slice(b"abcd"), 4);
    assert_eq!(ring.dequeue_allocated(3), 3);
    assert_eq!(ring.enqueue_slice(b"efghij"), 5); // 1 + 5 = full
    assert!(ring.is_full());
    assert_eq!(ring.get_allocated(0, 10), b"def");
    assert_eq!(ring.get_allocated(3, 10), b"ghi");
    assert_eq!(ring.get_allocated(4, 1), b"h");
    let mut out = [0u8; 6];
    assert_eq!(ring.read_allocated(1, &mut out), 5);
    assert_eq!(&out[..5], b"efghi");
    assert_eq!(ring.dequeue_many_with(|d| d.len()), 3);
    assert_eq!(ring.dequeue_many_with(|d| d.len()), 3);
    assert!(ring.is_empty());
}

#[test]
fn zero_copy_enqueue_fills_the_free_run_up_to_the_end_of_storage() {
    let mut storage = [0u8; 8];
    let mut ring = RingBuffer::new(&mut storage[..]);
    ring.enqueue_slice(b"123456");
    ring.dequeue_allocated(4);
    // Free: indices 6, 7 then 0..4 (wrapped): the first run is 2 bytes.
    assert_eq!(
        ring.enqueue_many_with(|free| {
            assert_eq!(free.len(), 2);
            free.copy_from_slice(b"78");
            2
        }),
        2
    );
    assert_eq!(ring.enqueue_many_with(|free| free.len()), 4);
    assert!(ring.is_full());
    // A closure claiming more than it was given is clamped to the run (the front is now
    // at index 4, so the run ends at the storage's end).
    ring.dequeue_allocated(8);
    assert_eq!(ring.enqueue_many_with(|_| 1000), 4);
    assert_eq!(ring.enqueue_many_with(|_| 1000), 4);
}

/// RFC 9293 §3.10.7.4: out-of-order data is held beyond RCV.NXT and delivered once the hole
/// before it fills; the application reading everything in between must not move it.
#[test]
fn rfc9293_3_10_7_4_out_of_order_data_survives_the_ring_emptying() {
    let mut storage = [0u8; 8];
    let mut ring = RingBuffer::new(&mut storage[..]);
    ring.enqueue_slice(b"ab");
    assert_eq!(ring.write_unallocated(2, b"ef"), 2); // "cd" missing
    let mut out = [0u8; 2];
    assert_eq!(ring.dequeue_slice(&mut out), 2);
    assert!(ring.is_empty());
    assert_eq!(ring.write_unallocated(0, b"cd"), 2);
    assert_eq!(ring.enqueue_unallocated(4), 4);
    let mut all = [0u8; 4];
    assert_eq!(ring.dequeue_slice(&mut all), 4);
    assert_eq!(&all, b"cdef");
}

#[test]
fn write_unallocated_is_clamped_to_the_window() {
    let mut storage = [0u8; 4];
    let mut ring = RingBuffer::new(&mut storage[..]);
    ring.enqueue_slice(b"a");
    assert_eq!(ring.window(), 3);
    assert_eq!(ring.write_unallocated(1, b"xyz"), 2);
    assert_eq!(ring.write_unallocated(3, b"x"), 0);
    assert_eq!(ring.write_unallocated(usize::MAX, b"x"), 0);
    assert_eq!(ring.get_unallocated(1, 10).len(), 2);
    assert_eq!(ring.enqueue_unallocated(10), 3);
    assert_eq!(ring.get_allocated(2, 2), b"xy");
}

#[derive(Debug, Clone)]
enum Op {
    Enqueue(Vec<u8>),
    EnqueueWith(Vec<u8>),
    Dequeue(usize),
    DequeueWith(usize),
    ReadAllocated(usize, usize),
    GetAllocated(usize, usize),
    DequeueAllocated(usize),
    WriteUnallocated(usize, Vec<u8>),
    EnqueueUnallocated(usize),
    GetUnallocated(usize, Vec<u8>),
}

fn op() -> impl Strategy<Value = Op> {
    let bytes = || proptest::collection::vec(any::<u8>(), 0..24);
    prop_oneof![
        bytes().prop_map(Op::Enqueue),
        bytes().prop_map(Op::EnqueueWith),
        (0usize..24).prop_map(Op::Dequeue),
        (0usize..24).prop_map(Op::DequeueWith),
        (0usize..24, 0usize..24).prop_map(|(o, n)| Op::ReadAllocated(o, n)),
        (0usize..24, 0usize..24).prop_map(|(o, n)| Op::GetAllocated(o, n)),
        (0usize..24).prop_map(Op::DequeueAllocated),
        (0usize..24, bytes()).prop_map(|(o, b)| Op::WriteUnallocated(o, b)),
        (0usize..24).prop_map(Op::EnqueueUnallocated),
        (0usize..24, bytes()).prop_map(|(o, b)| Op::GetUnallocated(o, b)),
    ]
}

/// The model: allocated bytes in a `VecDeque` (`None` for bytes allocated without ever
/// being written) and the free space, indexed from the end of the allocated part.
struct Model {
    cap: usize,
    data: VecDeque<Option<u8>>,
    free: Vec<Option<u8>>,
}

impl Model {
    fn enqueue(&mut self, n: usize) {
        let taken: Vec<_> = self.free.drain(..n).collect();
        self.data.extend(taken);
        self.free.resize(self.cap - self.data.len(), None);
    }
    fn dequeue(&mut self, n: usize) -> Vec<Option<u8>> {
        let out: Vec<_> = self.data.drain(..n).collect();
        self.free.resize(self.cap - self.data.len(), None);
        out
    }
    fn check(&self, got: &[u8], want: &[Option<u8>]) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            if let Some(w) = w {
                assert_eq!(g, w);
            }
        }
    }
}

proptest! {
    #[test]
    fn ring_matches_a_vecdeque_model(cap in 0usize..20, ops in proptest::collection::vec(op(), 0..60)) {
        let mut storage = vec![0u8; cap];
        let mut ring = RingBuffer::new(&mut storage[..]);
        let mut m = Model { cap, data: VecDeque::new(), free: vec![None; cap] };
        for op in ops {
            match op {
                Op::Enqueue(b) => {
                    let n = ring.enqueue_slice(&b);
                    prop_assert_eq!(n, b.len().min(m.free.len()));
                    for (i, x) in b[..n].iter().enumerate() { m.free[i] = Some(*x); }
                    m.enqueue(n);
                }
                Op::EnqueueWith(b) => {
                    let mut offered = 0;
                    let n = ring.enqueue_many_with(|free| {
                        offered = free.len();
                        let k = free.len().min(b.len());
                        free[..k].copy_from_slice(&b[..k]);
                        k
                    });
                    prop_assert!(offered <= m.free.len());
                    prop_assert!(offered > 0 || m.free.is_empty());
                    prop_assert_eq!(n, offered.min(b.len()));
                    for (i, x) in b[..n].iter().enumerate() { m.free[i] = Some(*x); }
                    m.enqueue(n);
                }
                Op::Dequeue(k) => {
                    let mut out = vec![0u8; k];
                    let n = ring.dequeue_slice(&mut out);
                    prop_assert_eq!(n, k.min(m.data.len()));
                    let want = m.dequeue(n);
                    m.check(&out[..n], &want);
                }
                Op::DequeueWith(k) => {
                    let mut seen = Vec::new();
                    let n = ring.dequeue_many_with(|d| { seen.extend_from_slice(d); k });
                    prop_assert!(seen.len() <= m.data.len());
                    prop_assert!(!seen.is_empty() || m.data.is_empty());
                    prop_assert_eq!(n, k.min(seen.len()));
                    let want: Vec<_> = m.data.iter().take(seen.len()).copied().collect();
                    m.check(&seen, &want);
                    m.dequeue(n);
                }
                Op::ReadAllocated(o, k) => {
                    let mut out = vec![0u8; k];
                    let n = ring.read_allocated(o, &mut out);
                    prop_assert_eq!(n, k.min(m.data.len().saturating_sub(o)));
                    let want: Vec<_> = m.data.iter().skip(o).take(n).copied().collect();
                    m.check(&out[..n], &want);
                }
                Op::GetAllocated(o, k) => {
                    let got = ring.get_allocated(o, k);
                    prop_assert!(got.len() <= k.min(m.data.len().saturating_sub(o)));
                    prop_assert!(!got.is_empty() || k == 0 || o >= m.data.len());
                    let want: Vec<_> = m.data.iter().skip(o).take(got.len()).copied().collect();
                    m.check(got, &want);
                }
                Op::DequeueAllocated(k) => {
                    let n = ring.dequeue_allocated(k);
                    prop_assert_eq!(n, k.min(m.data.len()));
                    m.dequeue(n);
                }
                Op::WriteUnallocated(o, b) => {
                    let n = ring.write_unallocated(o, &b);
                    prop_assert_eq!(n, b.len().min(m.free.len().saturating_sub(o)));
                    for (i, x) in b[..n].iter().enumerate() { m.free[o + i] = Some(*x); }
                }
                Op::EnqueueUnallocated(k) => {
                    let n = ring.enqueue_unallocated(k);
                    prop_assert_eq!(n, k.min(m.free.len()));
                    m.enqueue(n);
                }
                Op::GetUnallocated(o, b) => {
                    let free = ring.get_unallocated(o, b.len());
                    let n = free.len();
                    prop_assert!(n <= b.len().min(m.free.len().saturating_sub(o)));
                    prop_assert!(n > 0 || b.is_empty() || o >= m.free.len());
                    free.copy_from_slice(&b[..n]);
                    for (i, x) in b[..n].iter().enumerate() { m.free[o + i] = Some(*x); }
                }
            }
            prop_assert_eq!(ring.len(), m.data.len());
            prop_assert_eq!(ring.window(), m.free.len());
            prop_assert_eq!(ring.capacity(), cap);
        }
        // Drain and compare everything that is left.
        let mut out = vec![0u8; cap];
        let n = ring.read_allocated(0, &mut out);
        let want: Vec<_> = m.data.iter().copied().collect();
        m.check(&out[..n], &want);
    }
}
