use super::*;
extern crate std;
use proptest::prelude::*;
use std::collections::VecDeque;
use std::vec;
use std::vec::Vec;

fn buffer<'a>(meta: &'a mut [PacketMetadata<u32>], payload: &'a mut [u8]) -> PacketBuffer<'a, u32> {
    PacketBuffer::new(meta, payload)
}

#[test]
fn fifo_and_bytes_in_place() {
    let (mut m, mut p) = ([PacketMetadata::EMPTY; 4], [0u8; 16]);
    let mut b = buffer(&mut m, &mut p);
    b.enqueue(3, 1).unwrap().copy_from_slice(b"abc");
    b.enqueue(2, 2).unwrap().copy_from_slice(b"de");
    assert_eq!(b.len(), 2);
    assert_eq!(b.peek().map(|(h, d)| (*h, d.to_vec())), Ok((1, b"abc".to_vec())));
    assert_eq!(b.peek_size(), Some(3));
    assert_eq!(b.dequeue().map(|(h, d)| (h, d.to_vec())), Ok((1, b"abc".to_vec())));
    assert_eq!(b.dequeue().map(|(h, d)| (h, d.to_vec())), Ok((2, b"de".to_vec())));
    assert_eq!(b.dequeue().map(|(h, _)| h), Err(BufferError::Empty));
    assert!(b.is_empty());
}

#[test]
fn datagram_larger_than_storage_is_too_large() {
    let (mut m, mut p) = ([PacketMetadata::EMPTY; 2], [0u8; 8]);
    let mut b = buffer(&mut m, &mut p);
    assert_eq!(b.enqueue(9, 0).map(|_| ()), Err(BufferError::TooLarge));
    assert_eq!(b.enqueue(8, 0).map(|s| s.len()), Ok(8));
    // Full now, and a too-large datagram is still reported as such.
    assert_eq!(b.enqueue(1, 0).map(|_| ()), Err(BufferError::Full));
    assert_eq!(b.enqueue(9, 0).map(|_| ()), Err(BufferError::TooLarge));
}

#[test]
fn metadata_slots_bound_the_datagram_count() {
    let (mut m, mut p) = ([PacketMetadata::EMPTY; 2], [0u8; 64]);
    let mut b = buffer(&mut m, &mut p);
    b.enqueue(0, 1).unwrap();
    b.enqueue(0, 2).unwrap();
    assert!(b.is_full());
    assert_eq!(b.enqueue(0, 3).map(|_| ()), Err(BufferError::Full));
    assert_eq!(b.len(), 2);
    // Zero storage: nothing ever fits, nothing panics.
    let mut none: PacketBuffer<'_, u8> = PacketBuffer::new(&mut [][..], &mut [][..]);
    assert_eq!(none.enqueue(0, 1).map(|_| ()), Err(BufferError::Full));
    assert_eq!(none.enqueue(1, 1).map(|_| ()), Err(BufferError::TooLarge));
    assert_eq!(none.dequeue().map(|_| ()), Err(BufferError::Empty));
}

#[test]
fn datagram_never_wraps_tail_is_padding() {
    let (mut m, mut p) = ([PacketMetadata::EMPTY; 4], [0u8; 10]);
    let mut b = buffer(&mut m, &mut p);
    b.enqueue(6, 1).unwrap().fill(1);
    b.enqueue(2, 2).unwrap().fill(2);
    b.dequeue().unwrap();
    // 2 bytes free at the tail, 6 at the head: a 5-byte datagram goes to the head and the
    // tail becomes its padding.
    assert!(!b.can_enqueue(7));
    b.enqueue(5, 3).unwrap().copy_from_slice(b"hello");
    assert_eq!(b.payload_used(), 2 + 2 + 5);
    assert_eq!(b.dequeue().map(|(h, d)| (h, d.to_vec())), Ok((2, vec![2, 2])));
    assert_eq!(b.dequeue().map(|(h, d)| (h, d.to_vec())), Ok((3, b"hello".to_vec())));
    assert_eq!(b.payload_used(), 0);
    // Empty again: the whole ring is one run.
    assert_eq!(b.enqueue(10, 4).map(|s| s.len()), Ok(10));
}

#[test]
fn enqueue_with_gives_back_unused_room() {
    let (mut m, mut p) = ([PacketMetadata::EMPTY; 4], [0u8; 10]);
    let mut b = buffer(&mut m, &mut p);
    let n = b.enqueue_with(10, 7, |buf| {
        buf[..3].copy_from_slice(b"xyz");
        3
    });
    assert_eq!(n, Ok(3));
    assert_eq!(b.payload_used(), 3);
    // A closure that claims more than it was given is clamped.
    assert_eq!(b.enqueue_with(4, 8, |_| 99), Ok(4));
    assert_eq!(b.dequeue().map(|(h, d)| (h, d.to_vec())), Ok((7, b"xyz".to_vec())));
    b.reset();
    assert!(b.is_empty());
    assert_eq!(b.payload_used(), 0);
}

#[derive(Debug, Clone)]
enum Op {
    Enqueue(usize, u8),
    EnqueueWith(usize, usize, u8),
    Dequeue,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..80, any::<u8>()).prop_map(|(s, b)| Op::Enqueue(s, b)),
        (0usize..80, 0usize..100, any::<u8>()).prop_map(|(m, w, b)| Op::EnqueueWith(m, w, b)),
        Just(Op::Dequeue),
    ]
}

proptest! {
    /// FIFO order, bytes preserved, capacity never exceeded, never a panic; an empty
    /// buffer takes any datagram up to its payload capacity.
    #[test]
    fn behaves_as_a_bounded_fifo(slots in 0usize..8, cap in 0usize..64,
                                 ops in proptest::collection::vec(op(), 0..200)) {
        let mut meta = vec![PacketMetadata::EMPTY; slots];
        let mut payload = vec![0u8; cap];
        let mut b: PacketBuffer<'_, u32> = PacketBuffer::new(&mut meta[..], &mut payload[..]);
        let mut model: VecDeque<(u32, Vec<u8>)> = VecDeque::new();
        let mut tag = 0u32;
        for op in ops {
            tag += 1;
            let was_empty = b.is_empty();
            match op {
                Op::Enqueue(size, byte) => match b.enqueue(size, tag) {
                    Ok(buf) => {
                        prop_assert_eq!(buf.len(), size);
                        buf.fill(byte);
                        model.push_back((tag, vec![byte; size]));
                    }
                    Err(BufferError::TooLarge) => prop_assert!(size > cap),
                    Err(e) => {
                        prop_assert_eq!(e, BufferError::Full);
                        prop_assert!(size <= cap);
                        prop_assert!(!was_empty || slots == 0);
                    }
                },
                Op::EnqueueWith(max, wrote, byte) => {
                    match b.enqueue_with(max, tag, |buf| { buf.fill(byte); wrote }) {
                        Ok(n) => {
                            prop_assert_eq!(n, wrote.min(max));
                            model.push_back((tag, vec![byte; n]));
                        }
                        Err(BufferError::TooLarge) => prop_assert!(max > cap),
                        Err(e) => prop_assert_eq!(e, BufferError::Full),
                    }
                }
                Op::Dequeue => match (b.dequeue(), model.pop_front()) {
                    (Ok((h, d)), Some((t, bytes))) => {
                        prop_assert_eq!(h, t);
                        prop_assert_eq!(&d[..], &bytes[..]);
                    }
                    (Err(BufferError::Empty), None) => {}
                    (got, want) => prop_assert!(false, "{:?} vs {:?}", got.map(|(h, _)| h), want),
                },
            }
            prop_assert_eq!(b.len(), model.len());
            prop_assert!(b.len() <= slots);
            prop_assert!(b.payload_used() <= cap);
            let live: usize = model.iter().map(|(_, d)| d.len()).sum();
            prop_assert!(b.payload_used() >= live);
        }
    }
}
