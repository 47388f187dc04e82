//! Pending-queue tests: RFC 1122 §2.3.2.2 rules, every bound and every drop reason, and a
//! model check.

extern crate std;

use std::collections::VecDeque;
use std::vec::Vec;

use super::*;

const A: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const B: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

fn config(max_per_destination: usize) -> PendingConfig {
    PendingConfig { max_per_destination, ..PendingConfig::DEFAULT }
}

fn drain(q: &mut PendingQueue<'_>, ip: Ipv4Addr) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 64];
    while let Some(n) = q.pop_for(ip, &mut buf) {
        out.push(buf[..n].to_vec());
    }
    out
}

#[test]
fn rfc1122_2_3_2_2_queue_saves_at_least_the_latest_packet() {
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 4], [0u8; 64]);
    let mut q = PendingQueue::new(config(1), &mut slots[..], &mut pool[..]);
    q.enqueue(Instant::ZERO, A, b"first").unwrap();
    q.enqueue(Instant::ZERO, A, b"latest").unwrap();
    assert_eq!(drain(&mut q, A), [b"latest".to_vec()]);
    assert_eq!(q.stats().dropped_destination_full, 1);
}

#[test]
fn rfc1122_2_3_2_2_saved_packets_go_out_in_order_once_resolved() {
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 8], [0u8; 64]);
    let mut q = PendingQueue::new(PendingConfig::DEFAULT, &mut slots[..], &mut pool[..]);
    for p in [&b"a1"[..], b"b1", b"a2", b"b2", b"a3"] {
        q.enqueue(Instant::ZERO, if p[0] == b'a' { A } else { B }, p).unwrap();
    }
    assert_eq!(q.len_for(A), 3);
    assert_eq!(q.peek_for(B), Some(&b"b1"[..]));
    assert_eq!(q.dequeue_for(A, <[u8]>::to_vec), Some(b"a1".to_vec()));
    assert_eq!(drain(&mut q, A), [b"a2".to_vec(), b"a3".to_vec()]);
    assert_eq!(drain(&mut q, B), [b"b1".to_vec(), b"b2".to_vec()]);
    assert!(q.is_empty());
    assert_eq!((q.bytes_used(), q.stats().dequeued), (0, 5));
}

#[test]
fn rfc1122_2_3_2_2_failed_resolution_drops_that_destination_only() {
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 8], [0u8; 64]);
    let mut q = PendingQueue::new(PendingConfig::DEFAULT, &mut slots[..], &mut pool[..]);
    q.enqueue(Instant::ZERO, A, b"a1").unwrap();
    q.enqueue(Instant::ZERO, B, b"b1").unwrap();
    q.enqueue(Instant::ZERO, A, b"a2").unwrap();
    assert_eq!(q.drop_for(A), 2);
    assert_eq!(q.drop_for(A), 0);
    assert_eq!(drain(&mut q, B), [b"b1".to_vec()]);
    assert_eq!(q.stats().dropped_unresolved, 2);
}

#[test]
fn per_destination_bound_drops_that_destinations_oldest() {
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 8], [0u8; 64]);
    let mut q = PendingQueue::new(config(2), &mut slots[..], &mut pool[..]);
    q.enqueue(Instant::ZERO, B, b"b1").unwrap();
    for p in [&b"a1"[..], b"a2", b"a3"] {
        q.enqueue(Instant::ZERO, A, p).unwrap();
    }
    assert_eq!(drain(&mut q, A), [b"a2".to_vec(), b"a3".to_vec()]);
    assert_eq!(drain(&mut q, B), [b"b1".to_vec()]);
}

#[test]
fn full_slots_drop_the_oldest_packet_of_any_destination() {
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 2], [0u8; 64]);
    let mut q = PendingQueue::new(PendingConfig::DEFAULT, &mut slots[..], &mut pool[..]);
    q.enqueue(Instant::ZERO, A, b"a1").unwrap();
    q.enqueue(Instant::ZERO, B, b"b1").unwrap();
    q.enqueue(Instant::ZERO, B, b"b2").unwrap();
    assert_eq!(q.len(), 2);
    assert_eq!(q.len_for(A), 0);
    assert_eq!(q.stats().dropped_queue_full, 1);
}

#[test]
fn full_pool_drops_the_oldest_and_keeps_the_bytes_of_the_rest_intact() {
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 8], [0u8; 10]);
    let mut q = PendingQueue::new(PendingConfig::DEFAULT, &mut slots[..], &mut pool[..]);
    q.enqueue(Instant::ZERO, A, b"aaaa").unwrap();
    q.enqueue(Instant::ZERO, B, b"bbb").unwrap();
    q.enqueue(Instant::ZERO, A, b"AA").unwrap();
    // 9 bytes used; 5 more need room: "aaaa" (the oldest) goes, the rest move down.
    q.enqueue(Instant::ZERO, B, b"BBBBB").unwrap();
    assert_eq!(q.bytes_used(), 10);
    assert_eq!(drain(&mut q, A), [b"AA".to_vec()]);
    assert_eq!(drain(&mut q, B), [b"bbb".to_vec(), b"BBBBB".to_vec()]);
    assert_eq!(q.stats().dropped_queue_full, 1);
}

#[test]
fn a_packet_longer_than_the_pool_is_refused_and_nothing_else_is_lost() {
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 4], [0u8; 8]);
    let mut q = PendingQueue::new(PendingConfig::DEFAULT, &mut slots[..], &mut pool[..]);
    q.enqueue(Instant::ZERO, A, b"keep").unwrap();
    assert_eq!(q.enqueue(Instant::ZERO, A, &[0; 9]), Err(Dropped::TooLarge));
    assert_eq!(q.len(), 1);
    assert_eq!(q.stats().dropped_too_large, 1);
    // Exactly the pool's size fits, after dropping what was there.
    q.enqueue(Instant::ZERO, B, &[7; 8]).unwrap();
    assert_eq!(q.peek_for(B), Some(&[7u8; 8][..]));
}

#[test]
fn no_capacity_refuses_everything() {
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 0], [0u8; 8]);
    let mut q = PendingQueue::new(PendingConfig::DEFAULT, &mut slots[..], &mut pool[..]);
    assert_eq!(q.enqueue(Instant::ZERO, A, b"x"), Err(Dropped::NoCapacity));
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 2], [0u8; 8]);
    let mut q = PendingQueue::new(config(0), &mut slots[..], &mut pool[..]);
    assert_eq!(q.enqueue(Instant::ZERO, A, b"x"), Err(Dropped::NoCapacity));
    assert_eq!(q.stats().dropped_no_capacity, 1);
}

#[test]
fn packets_older_than_the_timeout_expire() {
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 4], [0u8; 64]);
    let mut q = PendingQueue::new(PendingConfig::DEFAULT, &mut slots[..], &mut pool[..]);
    q.enqueue(Instant::from_secs(1), A, b"old").unwrap();
    q.enqueue(Instant::from_secs(3), B, b"new").unwrap();
    assert_eq!(q.poll_timeout(), Some(Instant::from_secs(6)));
    q.handle_timeout(Instant::from_millis(5_999));
    assert_eq!(q.len(), 2);
    q.handle_timeout(Instant::from_secs(6));
    assert_eq!((q.len(), q.len_for(B), q.stats().expired), (1, 1, 1));
    assert_eq!(q.poll_timeout(), Some(Instant::from_secs(8)));
    // Enqueueing expires too.
    q.enqueue(Instant::from_secs(9), A, b"x").unwrap();
    assert_eq!((q.len_for(B), q.stats().expired), (0, 2));
}

#[test]
fn pop_into_a_short_buffer_drops_that_packet_and_returns_the_next() {
    let (mut slots, mut pool) = ([PendingPacket::EMPTY; 4], [0u8; 64]);
    let mut q = PendingQueue::new(PendingConfig::DEFAULT, &mut slots[..], &mut pool[..]);
    q.enqueue(Instant::ZERO, A, b"too long").unwrap();
    q.enqueue(Instant::ZERO, A, b"ok").unwrap();
    let mut out = [0u8; 4];
    assert_eq!(q.pop_for(A, &mut out), Some(2));
    assert_eq!(&out[..2], b"ok");
    assert_eq!(q.pop_for(A, &mut out), None);
    assert_eq!(q.stats().dropped_output_too_small, 1);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Enqueue(u8, Vec<u8>),
        Pop(u8),
        Drop(u8),
        Timeout,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u8..4, proptest::collection::vec(any::<u8>(), 0..40)).prop_map(|(d, p)| Op::Enqueue(d, p)),
            2 => (0u8..4).prop_map(Op::Pop),
            1 => (0u8..4).prop_map(Op::Drop),
            1 => Just(Op::Timeout),
        ]
    }

    proptest! {
        /// The queue behaves like a plain list of (destination, bytes, time) with the
        /// documented drop rules, and never exceeds any bound.
        #[test]
        fn queue_matches_a_model_and_stays_within_bounds(
            nslots in 0usize..6,
            pool_len in 0usize..100,
            per_dest in 0usize..4,
            ops in proptest::collection::vec((0u64..2_000, op()), 0..120),
        ) {
            let mut slots = [PendingPacket::EMPTY; 6];
            let mut pool = [0u8; 100];
            let config = PendingConfig { max_per_destination: per_dest, timeout: Duration::from_secs(3) };
            let mut q = PendingQueue::new(config, &mut slots[..nslots], &mut pool[..pool_len]);
            let mut model: VecDeque<(Ipv4Addr, Vec<u8>, Instant)> = VecDeque::new();
            let mut now = Instant::ZERO;
            let ip = |d: u8| Ipv4Addr::new(192, 0, 2, d);
            for (dt, op) in ops {
                now += Duration::from_millis(dt);
                match op {
                    Op::Enqueue(d, bytes) => {
                        model.retain(|(_, _, t)| now < *t + config.timeout);
                        let result = q.enqueue(now, ip(d), &bytes);
                        if nslots == 0 || per_dest == 0 || bytes.len() > pool_len {
                            prop_assert!(result.is_err());
                        } else {
                            prop_assert!(result.is_ok());
                            while model.iter().filter(|(a, _, _)| *a == ip(d)).count() >= per_dest {
                                let i = model.iter().position(|(a, _, _)| *a == ip(d)).unwrap();
                                model.remove(i);
                            }
                            while !model.is_empty()
                                && (model.len() >= nslots
                                    || pool_len - model.iter().map(|m| m.1.len()).sum::<usize>() < bytes.len())
                            {
                                model.pop_front();
                            }
                            model.push_back((ip(d), bytes, now));
                        }
                    }
                    Op::Pop(d) => {
                        let mut out = [0u8; 40];
                        let got = q.pop_for(ip(d), &mut out).map(|n| out[..n].to_vec());
                        let want = model.iter().position(|(a, _, _)| *a == ip(d)).map(|i| model.remove(i).unwrap().1);
                        prop_assert_eq!(got, want);
                    }
                    Op::Drop(d) => {
                        let before = model.len();
                        model.retain(|(a, _, _)| *a != ip(d));
                        prop_assert_eq!(q.drop_for(ip(d)), before - model.len());
                    }
                    Op::Timeout => {
                        q.handle_timeout(now);
                        model.retain(|(_, _, t)| now < *t + config.timeout);
                    }
                }
                prop_assert_eq!(q.len(), model.len());
                prop_assert!(q.len() <= nslots);
                prop_assert!(q.bytes_used() <= pool_len);
                prop_assert_eq!(q.bytes_used(), model.iter().map(|m| m.1.len()).sum::<usize>());
                for d in 0..4 {
                    prop_assert!(q.len_for(ip(d)) <= per_dest);
                    let first = model.iter().find(|(a, _, _)| *a == ip(d)).map(|m| m.1.clone());
                    prop_assert_eq!(q.peek_for(ip(d)).map(<[u8]>::to_vec), first);
                }
            }
        }
    }
}
