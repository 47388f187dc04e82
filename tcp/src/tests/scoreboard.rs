//! Tests of the RFC 6675 scoreboard (included from `scoreboard.rs`).

use super::*;
use proptest::prelude::*;

const SMSS: u32 = 1000;

fn b(left: u32, right: u32) -> SackBlock {
    SackBlock { left: SeqNumber(left), right: SeqNumber(right) }
}

/// SND.UNA = 0, SND.NXT = 10000 (ten segments); segments 2, 4 and 6 SACKed.
fn three_holes() -> Scoreboard {
    let mut sb: Scoreboard = Scoreboard::new(SeqNumber(0));
    let up =
        sb.update(SeqNumber(0), SeqNumber(10_000), &[b(6000, 7000), b(4000, 5000), b(2000, 3000)]);
    assert_eq!(up.newly_sacked, 3000);
    assert_eq!(up.ignored, 0);
    sb
}

#[test]
fn rfc2018_3_blocks_merge_when_adjacent_or_overlapping() {
    let mut sb: Scoreboard = Scoreboard::new(SeqNumber(0));
    let nxt = SeqNumber(10_000);
    sb.update(SeqNumber(0), nxt, &[b(1000, 2000)]);
    sb.update(SeqNumber(0), nxt, &[b(3000, 4000)]);
    assert_eq!(sb.ranges().len(), 2);
    // Adjacent on the left, overlapping on the right: one range.
    let up = sb.update(SeqNumber(0), nxt, &[b(2000, 3500)]);
    assert_eq!(up.newly_sacked, 1000);
    assert_eq!(sb.ranges(), [b(1000, 4000)]);
    // Reporting it again adds nothing.
    assert_eq!(sb.update(SeqNumber(0), nxt, &[b(1000, 4000)]).newly_sacked, 0);
}

#[test]
fn rfc6675_5_invalid_blocks_ignored() {
    let mut sb: Scoreboard = Scoreboard::new(SeqNumber(10_000));
    let nxt = SeqNumber(20_000);
    let blocks = [b(12_000, 13_000), b(5000, 8000), b(19_000, 21_000), b(15_000, 15_000)];
    let up = sb.update(SeqNumber(10_000), nxt, &blocks);
    // Below SND.UNA, beyond SND.NXT, empty.
    assert_eq!(up.ignored, 3);
    assert!(!up.dsack);
    assert_eq!(sb.ranges(), [b(12_000, 13_000)]);
    // A block straddling SND.UNA is trimmed to it.
    let up = sb.update(SeqNumber(10_000), nxt, &[b(14_000, 15_000), b(9000, 11_000)]);
    assert_eq!(up.ignored, 0);
    assert_eq!(sb.ranges(), [b(10_000, 11_000), b(12_000, 13_000), b(14_000, 15_000)]);
}

#[test]
fn rfc2883_4_dsack_below_the_cumulative_ack() {
    let mut sb: Scoreboard = Scoreboard::new(SeqNumber(0));
    let up = sb.update(SeqNumber(4000), SeqNumber(8000), &[b(1000, 2000), b(5000, 6000)]);
    assert!(up.dsack);
    assert_eq!(sb.ranges(), [b(5000, 6000)]);
}

#[test]
fn rfc2883_4_dsack_inside_the_second_block() {
    let mut sb: Scoreboard = Scoreboard::new(SeqNumber(0));
    let up = sb.update(SeqNumber(0), SeqNumber(8000), &[b(5000, 5500), b(4000, 6000)]);
    assert!(up.dsack);
    assert_eq!(up.newly_sacked, 2000);
    assert_eq!(sb.ranges(), [b(4000, 6000)]);
}

#[test]
fn rfc6675_5_cumulative_ack_trims_and_drops_ranges() {
    let mut sb = three_holes();
    sb.update(SeqNumber(2500), SeqNumber(10_000), &[]);
    assert_eq!(sb.ranges(), [b(2500, 3000), b(4000, 5000), b(6000, 7000)]);
    sb.update(SeqNumber(5000), SeqNumber(10_000), &[]);
    assert_eq!(sb.ranges(), [b(6000, 7000)]);
    assert_eq!(sb.high_ack(), SeqNumber(5000));
    // An old ACK does not move SND.UNA back.
    sb.update(SeqNumber(1000), SeqNumber(10_000), &[]);
    assert_eq!(sb.high_ack(), SeqNumber(5000));
}

#[test]
fn rfc6675_4_is_lost() {
    let sb = three_holes();
    // Three SACKed segments above: lost.
    assert!(sb.is_lost(SeqNumber(0), SMSS));
    assert!(sb.is_lost(SeqNumber(1999), SMSS));
    // Two above (2000 bytes, not more than (DupThresh − 1)·SMSS): not lost.
    assert!(!sb.is_lost(SeqNumber(3000), SMSS));
    assert!(!sb.is_lost(SeqNumber(7000), SMSS));
}

#[test]
fn rfc6675_4_is_lost_by_bytes_or_by_discontiguous_segments() {
    let nxt = SeqNumber(10_000);
    // One block of 2001 bytes: more than 2·SMSS bytes above.
    let mut sb: Scoreboard = Scoreboard::new(SeqNumber(0));
    sb.update(SeqNumber(0), nxt, &[b(1000, 3001)]);
    assert!(sb.is_lost(SeqNumber(0), SMSS));
    let mut sb: Scoreboard = Scoreboard::new(SeqNumber(0));
    sb.update(SeqNumber(0), nxt, &[b(1000, 3000)]);
    assert!(!sb.is_lost(SeqNumber(0), SMSS));
    // Three small discontiguous segments: DupThresh SACKed segments.
    let mut sb: Scoreboard = Scoreboard::new(SeqNumber(0));
    sb.update(SeqNumber(0), nxt, &[b(1000, 1100), b(2000, 2100), b(3000, 3100)]);
    assert!(sb.is_lost(SeqNumber(0), SMSS));
    // The same bytes contiguous may be one segment: not lost.
    let mut sb: Scoreboard = Scoreboard::new(SeqNumber(0));
    sb.update(SeqNumber(0), nxt, &[b(1000, 1300)]);
    assert!(!sb.is_lost(SeqNumber(0), SMSS));
}

#[test]
fn rfc6675_4_set_pipe() {
    let mut sb = three_holes();
    let nxt = SeqNumber(10_000);
    // Hole 0..2000 lost: not counted; 3000..4000, 5000..6000, 7000..10000 in flight.
    assert_eq!(sb.pipe(nxt, SMSS), 5000);
    let first = sb.enter_recovery(nxt, SMSS);
    assert_eq!(first, NextSeg { seq: SeqNumber(0), len: 1000, kind: NextSegKind::First });
    sb.on_sent(&first);
    // The retransmission counts (octets at or below HighRxt).
    assert_eq!(sb.pipe(nxt, SMSS), 6000);
    assert_eq!(sb.high_rxt(), SeqNumber(1000));
}

#[test]
fn rfc6675_4_next_seg_rule_1_lost_segments_first() {
    let mut sb = three_holes();
    let nxt = SeqNumber(10_000);
    let first = sb.enter_recovery(nxt, SMSS);
    sb.on_sent(&first);
    let seg = sb.next_seg(nxt, SMSS, 5000).unwrap();
    assert_eq!(seg, NextSeg { seq: SeqNumber(1000), len: 1000, kind: NextSegKind::Lost });
    sb.on_sent(&seg);
    assert_eq!(sb.high_rxt(), SeqNumber(2000));
}

#[test]
fn rfc6675_4_next_seg_rule_2_new_data() {
    let mut sb = three_holes();
    let nxt = SeqNumber(10_000);
    sb.on_sent(&NextSeg { seq: SeqNumber(0), len: 2000, kind: NextSegKind::Lost });
    // Nothing lost above HighRxt: new data, up to SMSS.
    let seg = sb.next_seg(nxt, SMSS, 5000).unwrap();
    assert_eq!(seg, NextSeg { seq: nxt, len: 1000, kind: NextSegKind::NewData });
    assert_eq!(sb.next_seg(nxt, SMSS, 300).unwrap().len, 300);
    sb.on_sent(&seg);
    assert_eq!(sb.high_rxt(), SeqNumber(2000));
}

#[test]
fn rfc6675_4_next_seg_rule_3_unsacked_below_highest_sack() {
    let mut sb = three_holes();
    let nxt = SeqNumber(10_000);
    sb.on_sent(&NextSeg { seq: SeqNumber(0), len: 2000, kind: NextSegKind::Lost });
    let seg = sb.next_seg(nxt, SMSS, 0).unwrap();
    assert_eq!(seg, NextSeg { seq: SeqNumber(3000), len: 1000, kind: NextSegKind::Unsacked });
    sb.on_sent(&seg);
    let seg = sb.next_seg(nxt, SMSS, 0).unwrap();
    assert_eq!(seg, NextSeg { seq: SeqNumber(5000), len: 1000, kind: NextSegKind::Unsacked });
    sb.on_sent(&seg);
    // Above the highest SACKed octet rule 3 does not apply; not in recovery: no rescue.
    assert_eq!(sb.next_seg(nxt, SMSS, 0), None);
}

#[test]
fn rfc6675_4_next_seg_rule_4_one_rescue_per_recovery() {
    let mut sb = three_holes();
    let nxt = SeqNumber(10_000);
    let first = sb.enter_recovery(nxt, SMSS);
    sb.on_sent(&first);
    for _ in 0..3 {
        let seg = sb.next_seg(nxt, SMSS, 0).unwrap();
        assert_ne!(seg.kind, NextSegKind::Rescue);
        sb.on_sent(&seg);
    }
    // RescueRxt (the first retransmission's end) not yet passed by SND.UNA: no rescue.
    assert_eq!(sb.next_seg(nxt, SMSS, 0), None);
    sb.update(SeqNumber(2000), nxt, &[b(2000, 3000), b(4000, 5000), b(6000, 7000)]);
    let rescue = sb.next_seg(nxt, SMSS, 0).unwrap();
    // It includes the highest outstanding un-SACKed octet, 9999.
    assert_eq!(rescue, NextSeg { seq: SeqNumber(9000), len: 1000, kind: NextSegKind::Rescue });
    let high_rxt = sb.high_rxt();
    sb.on_sent(&rescue);
    assert_eq!(sb.high_rxt(), high_rxt);
    assert_eq!(sb.rescue_rxt(), Some(nxt));
    assert_eq!(sb.next_seg(nxt, SMSS, 0), None);
}

#[test]
fn rfc6675_5_recovery_ends_at_recovery_point() {
    let mut sb = three_holes();
    let nxt = SeqNumber(10_000);
    assert!(sb.may_enter_recovery());
    sb.enter_recovery(nxt, SMSS);
    assert!(!sb.may_enter_recovery());
    assert_eq!(sb.recovery_point(), Some(nxt));
    assert!(!sb.update(SeqNumber(9000), SeqNumber(12_000), &[]).recovery_ended);
    assert!(sb.update(SeqNumber(10_000), SeqNumber(12_000), &[]).recovery_ended);
    assert!(!sb.in_recovery());
    assert!(sb.may_enter_recovery());
}

#[test]
fn rfc6675_5_1_rto_keeps_recovery_point() {
    let mut sb = three_holes();
    sb.enter_recovery(SeqNumber(10_000), SMSS);
    sb.on_rto(SeqNumber(12_000));
    assert!(!sb.in_recovery());
    assert_eq!(sb.recovery_point(), Some(SeqNumber(12_000)));
    assert!(!sb.may_enter_recovery());
    sb.update(SeqNumber(11_000), SeqNumber(12_000), &[]);
    assert!(!sb.may_enter_recovery());
    let up = sb.update(SeqNumber(12_000), SeqNumber(12_000), &[]);
    assert!(!up.recovery_ended);
    assert!(sb.may_enter_recovery());
}

#[test]
fn next_unsacked_skips_sacked_data() {
    let sb = three_holes();
    let nxt = SeqNumber(10_000);
    assert_eq!(sb.next_unsacked(SeqNumber(0), nxt, SMSS), Some((SeqNumber(0), 1000)));
    assert_eq!(sb.next_unsacked(SeqNumber(1500), nxt, SMSS), Some((SeqNumber(1500), 500)));
    assert_eq!(sb.next_unsacked(SeqNumber(2000), nxt, SMSS), Some((SeqNumber(3000), 1000)));
    assert_eq!(sb.next_unsacked(SeqNumber(9500), nxt, SMSS), Some((SeqNumber(9500), 500)));
    assert_eq!(sb.next_unsacked(nxt, nxt, SMSS), None);
}

#[test]
fn capacity_full_forgets_the_highest_range() {
    let mut sb: Scoreboard<3> = Scoreboard::new(SeqNumber(0));
    let nxt = SeqNumber(100_000);
    sb.update(SeqNumber(0), nxt, &[b(10_000, 11_000), b(20_000, 21_000), b(30_000, 31_000)]);
    assert_eq!(sb.ranges().len(), 3);
    // A block above all the others is the one forgotten.
    let up = sb.update(SeqNumber(0), nxt, &[b(40_000, 41_000)]);
    assert_eq!(up.newly_sacked, 0);
    assert_eq!(sb.dropped_ranges(), 1);
    assert_eq!(sb.ranges(), [b(10_000, 11_000), b(20_000, 21_000), b(30_000, 31_000)]);
    // A lower block displaces the highest range.
    sb.update(SeqNumber(0), nxt, &[b(5000, 6000)]);
    assert_eq!(sb.dropped_ranges(), 2);
    assert_eq!(sb.ranges(), [b(5000, 6000), b(10_000, 11_000), b(20_000, 21_000)]);
    // Merging never needs a new range, even when full.
    sb.update(SeqNumber(0), nxt, &[b(6000, 10_000)]);
    assert_eq!(sb.dropped_ranges(), 2);
    assert_eq!(sb.ranges(), [b(5000, 11_000), b(20_000, 21_000)]);
    // Forgotten bytes count as in flight: pipe stays conservative.
    assert!(sb.pipe(nxt, SMSS) <= 100_000 - 7000);
}

#[test]
fn sequence_space_wraps() {
    let una = SeqNumber(u32::MAX - 2999);
    let nxt = una + 10_000;
    let mut sb: Scoreboard = Scoreboard::new(una);
    sb.update(una, nxt, &[b((una + 2000).0, (una + 3000).0), b((una + 4000).0, (una + 7000).0)]);
    assert!(sb.is_lost(una, SMSS));
    // Both holes below the SACKed data are lost; only 7000..10000 is in flight.
    assert_eq!(sb.pipe(nxt, SMSS), 3000);
    let first = sb.enter_recovery(nxt, SMSS);
    assert_eq!(first.seq, una);
    sb.update(una + 3000, nxt, &[]);
    assert_eq!(sb.ranges(), [b((una + 4000).0, (una + 7000).0)]);
}

proptest! {
    #[test]
    fn scoreboard_invariants(
        start: u32,
        ops in proptest::collection::vec(
            (0u8..5, any::<u32>(), proptest::collection::vec((any::<u16>(), any::<u16>()), 0..5)),
            0..60,
        ),
        smss in 1u32..3000,
    ) {
        let mut sb: Scoreboard<4> = Scoreboard::new(SeqNumber(start));
        let mut una = SeqNumber(start);
        let mut nxt = una;
        for (op, x, raw) in ops {
            match op {
                0 => nxt += x % 20_000,
                1 => una += (x % 20_000).min(nxt.diff(una).max(0) as u32),
                2 => {
                    let seg = sb.enter_recovery(nxt, smss);
                    sb.on_sent(&seg);
                }
                3 => sb.on_rto(nxt),
                _ => {
                    if let Some(seg) = sb.next_seg(nxt, smss, x % 3000) {
                        prop_assert!(seg.len > 0 && seg.len <= smss);
                        if seg.kind != NextSegKind::NewData {
                            // Never overlaps SACKed data; within the flight.
                            for r in sb.ranges() {
                                let end = seg.seq + seg.len;
                                prop_assert!(end.diff(r.left) <= 0 || seg.seq.diff(r.right) >= 0);
                            }
                            prop_assert!((seg.seq + seg.len).diff(nxt) <= 0);
                        }
                        sb.on_sent(&seg);
                    }
                }
            }
            // Blocks as a receiver (or an attacker) might send them, around SND.UNA.
            let blocks: heapless::Vec<SackBlock, 4> = raw
                .iter()
                .map(|&(o, l)| {
                    let left = una.wrapping_add(u32::from(o) * 4).wrapping_sub(4096);
                    SackBlock { left, right: left + u32::from(l) }
                })
                .collect();
            sb.update(una, nxt, &blocks);
            let flight = nxt.diff(una) as u32;
            prop_assert!(sb.ranges().len() <= sb.capacity());
            let mut prev = una;
            for r in sb.ranges() {
                prop_assert!(r.left.diff(prev) >= 0);
                prop_assert!(r.right.diff(r.left) > 0);
                prop_assert!(r.right.diff(nxt) <= 0);
                prev = r.right + 1;
            }
            let pipe = sb.pipe(nxt, smss);
            prop_assert!(pipe <= 2 * flight);
            if sb.high_rxt() == una {
                prop_assert!(pipe <= flight);
            }
        }
    }
}
