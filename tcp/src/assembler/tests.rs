extern crate std;

use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::{Assembler, Range, TooManyHoles};

fn ranges<const N: usize>(asm: &Assembler<N>) -> Vec<(usize, usize)> {
    asm.iter().map(|r| (r.start, r.end)).collect()
}

#[test]
fn rfc9293_3_10_7_4_segments_ahead_are_held_and_delivered_when_the_hole_fills() {
    let mut asm: Assembler = Assembler::new();
    assert_eq!(asm.add(100, 50), Ok(0));
    assert_eq!(asm.add(200, 50), Ok(0));
    assert_eq!(ranges(&asm), [(100, 150), (200, 250)]);
    assert_eq!(asm.add(0, 100), Ok(150));
    // The rest now counts from the new front (RCV.NXT advanced by 150).
    assert_eq!(ranges(&asm), [(50, 100)]);
    assert_eq!(asm.add(0, 50), Ok(100));
    assert!(asm.is_empty());
}

#[test]
fn duplicates_and_overlaps_merge_into_one_range() {
    let mut asm: Assembler = Assembler::new();
    assert_eq!(asm.add(10, 10), Ok(0));
    assert_eq!(asm.add(10, 10), Ok(0)); // duplicate
    assert_eq!(asm.add(15, 10), Ok(0)); // overlaps the end
    assert_eq!(asm.add(5, 5), Ok(0)); // adjacent before
    assert_eq!(asm.add(30, 5), Ok(0));
    assert_eq!(ranges(&asm), [(5, 25), (30, 35)]);
    assert_eq!(asm.add(20, 12), Ok(0)); // bridges both
    assert_eq!(ranges(&asm), [(5, 35)]);
    // Old data that overlaps the front (a retransmission covering RCV.NXT) delivers all.
    assert_eq!(asm.add(0, 40), Ok(40));
    assert!(asm.is_empty());
}

#[test]
fn capacity_full_refuses_a_new_range_counts_it_but_still_merges_and_delivers() {
    let mut asm: Assembler<2> = Assembler::new();
    assert_eq!(asm.capacity(), 2);
    asm.add(10, 1).unwrap();
    asm.add(20, 1).unwrap();
    assert_eq!(asm.add(30, 1), Err(TooManyHoles));
    assert_eq!(asm.add(5, 1), Err(TooManyHoles));
    assert_eq!(asm.refused(), 2);
    assert_eq!(ranges(&asm), [(10, 11), (20, 21)]); // unchanged by the refusals
    assert_eq!(asm.add(11, 2), Ok(0)); // extends a range: accepted
    assert_eq!(asm.add(0, 3), Ok(3)); // in order, touching nothing: accepted
    assert_eq!(ranges(&asm), [(7, 10), (17, 18)]);
    assert_eq!(asm.add(0, 7), Ok(10));
    assert_eq!(ranges(&asm), [(7, 8)]);
}

#[test]
fn zero_ranges_still_take_in_order_data() {
    let mut asm: Assembler<0> = Assembler::new();
    assert_eq!(asm.add(0, 5), Ok(5));
    assert_eq!(asm.add(1, 5), Err(TooManyHoles));
    assert_eq!(asm.add(0, 0), Ok(0));
    assert_eq!(asm.refused(), 1);
}

#[test]
fn huge_offsets_saturate_instead_of_overflowing() {
    let mut asm: Assembler = Assembler::new();
    let top = u32::MAX as usize;
    assert_eq!(asm.add(top - 1, 1), Ok(0));
    assert_eq!(ranges(&asm), [(top - 1, top)]);
    if usize::BITS > 32 {
        // Ranges are kept in 32 bits: data ending beyond 4 GiB is refused and counted.
        assert_eq!(asm.add(usize::MAX - 1, 10), Err(TooManyHoles));
        assert_eq!(asm.add(top + 1, 1), Err(TooManyHoles));
        assert_eq!(asm.refused(), 2);
    }
    // In-order data of any length is delivered whole.
    assert_eq!(asm.add(0, usize::MAX), Ok(usize::MAX));
    assert!(asm.is_empty());
}

/// The 32-bit recency clock wraps by renumbering: RFC 2018 §4's order survives it.
#[test]
fn rfc2018_4_recency_order_survives_the_clock_wrap() {
    let mut asm: Assembler = Assembler::new();
    asm.clock = u32::MAX - 3;
    for start in [10, 20, 30, 40] {
        assert_eq!(asm.add(start, 1), Ok(0));
    }
    assert_eq!(asm.add(20, 2), Ok(0));
    assert_eq!(asm.add(10, 2), Ok(0));
    let order: Vec<usize> = asm.iter_by_recency().map(|r| r.start).collect();
    assert_eq!(order, [10, 20, 40, 30]);
    assert!(asm.clock < 16, "renumbered: {}", asm.clock);
}

/// RFC 2018 §4: "The first SACK block … MUST specify the contiguous block of data containing
/// the segment which triggered this ACK"; later blocks repeat the most recent ones.
#[test]
fn rfc2018_4_last_touched_and_recency_order() {
    let mut asm: Assembler = Assembler::new();
    asm.add(10, 5).unwrap();
    asm.add(30, 5).unwrap();
    asm.add(50, 5).unwrap();
    asm.add(15, 5).unwrap(); // extends the first
    assert_eq!(asm.last_touched(), Some(Range { start: 10, end: 20 }));
    let recent: Vec<_> = asm.iter_by_recency().map(|r| r.start).collect();
    assert_eq!(recent, [10, 50, 30]);
    asm.add(0, 3).unwrap(); // in order, touches nothing: the last segment is no hole
    assert_eq!(asm.last_touched(), None);
    assert!(asm.contains(7) && !asm.contains(6) && !asm.contains(17));
    asm.clear();
    assert!(asm.is_empty() && asm.iter_by_recency().next().is_none());
}

/// Runs of set bits in `map` from index 1 on, as (start, end).
fn runs(map: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < map.len() {
        if map[i] {
            let s = i;
            while i < map.len() && map[i] {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

proptest! {
    /// The assembler against a bitmap of received bytes: same deliveries, same ranges,
    /// refusals exactly when a new range would be needed at capacity.
    #[test]
    fn matches_a_bitmap_model(adds in proptest::collection::vec((0usize..96, 0usize..20), 0..80)) {
        const W: usize = 128;
        let mut asm: Assembler<3> = Assembler::new();
        let mut map = vec![false; W];
        let mut refused = 0u64;
        for (offset, len) in adds {
            let before = runs(&map);
            let touches = before.iter().any(|&(s, e)| s <= offset + len && e >= offset);
            let needs_new = len > 0 && offset > 0 && !touches;
            match asm.add(offset, len) {
                Err(TooManyHoles) => {
                    prop_assert!(needs_new && before.len() == 3);
                    refused += 1;
                }
                Ok(n) => {
                    prop_assert!(!(needs_new && before.len() == 3));
                    for b in &mut map[offset..offset + len] { *b = true; }
                    let front = map.iter().take_while(|b| **b).count();
                    prop_assert_eq!(n, front);
                    map.drain(..front);
                    map.resize(W, false);
                    if len > 0 && n == 0 {
                        let last = asm.last_touched().unwrap();
                        prop_assert!(last.start <= offset && offset + len <= last.end);
                    } else if n > 0 {
                        prop_assert_eq!(asm.last_touched(), None);
                    }
                }
            }
            prop_assert_eq!(ranges(&asm), runs(&map));
            prop_assert_eq!(asm.refused(), refused);
            prop_assert_eq!(asm.iter_by_recency().count(), asm.len());
        }
    }
}
