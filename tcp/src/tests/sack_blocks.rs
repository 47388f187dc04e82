//! Tests of the receiver's SACK block choice (included from `sack.rs`).

use super::*;

fn b(left: u32, right: u32) -> SackBlock {
    SackBlock { left: SeqNumber(left), right: SeqNumber(right) }
}

#[test]
fn rfc2018_4_first_block_holds_the_latest_segment() {
    let blocks = choose_blocks(None, Some(b(5000, 5500)), [b(3000, 3500), b(5000, 5500)], 4);
    assert_eq!(blocks.as_slice(), [b(5000, 5500), b(3000, 3500)]);
}

#[test]
fn rfc2018_4_most_recent_blocks_follow_up_to_the_limit() {
    let recency = [b(7000, 7100), b(5000, 5100), b(3000, 3100), b(1000, 1100)];
    let with_ts = choose_blocks(None, Some(b(7000, 7100)), recency, MAX_BLOCKS_WITH_TIMESTAMPS);
    assert_eq!(with_ts.as_slice(), [b(7000, 7100), b(5000, 5100), b(3000, 3100)]);
    let without = choose_blocks(None, Some(b(7000, 7100)), recency, MAX_BLOCKS);
    assert_eq!(without.len(), 4);
    // More than an option holds is never returned.
    assert_eq!(choose_blocks(None, None, recency, 10).len(), 4);
    assert!(choose_blocks(None, None, recency, 0).is_empty());
}

#[test]
fn rfc2018_4_no_subsets_of_included_blocks() {
    let blocks = choose_blocks(None, Some(b(1000, 3000)), [b(1500, 2000), b(4000, 4100)], 4);
    assert_eq!(blocks.as_slice(), [b(1000, 3000), b(4000, 4100)]);
}

#[test]
fn rfc2018_4_latest_segment_delivered_in_order() {
    // The triggering segment filled the first hole: no "latest" block, the rest remain.
    let blocks = choose_blocks(None, None, [b(5000, 5100)], 3);
    assert_eq!(blocks.as_slice(), [b(5000, 5100)]);
    assert!(choose_blocks(None, None, [], 3).is_empty());
}

#[test]
fn rfc2883_4_dsack_first_then_its_containing_block() {
    let blocks =
        choose_blocks(Some(b(4000, 4500)), Some(b(3000, 6000)), [b(8000, 9000), b(3000, 6000)], 3);
    assert_eq!(blocks.as_slice(), [b(4000, 4500), b(3000, 6000), b(8000, 9000)]);
    // A duplicate below RCV.NXT: reported alone first.
    let blocks = choose_blocks(Some(b(100, 200)), None, [b(8000, 9000)], 3);
    assert_eq!(blocks.as_slice(), [b(100, 200), b(8000, 9000)]);
}

#[test]
fn rfc2018_4_from_the_assembler() {
    let mut asm: Assembler = Assembler::new();
    let rcv_nxt = SeqNumber(u32::MAX - 99);
    asm.add(200, 100).unwrap();
    asm.add(600, 100).unwrap();
    asm.add(400, 100).unwrap();
    let blocks = blocks_from_assembler(&asm, rcv_nxt, None, 3);
    assert_eq!(
        blocks.as_slice(),
        [
            SackBlock { left: rcv_nxt + 400, right: rcv_nxt + 500 },
            SackBlock { left: rcv_nxt + 600, right: rcv_nxt + 700 },
            SackBlock { left: rcv_nxt + 200, right: rcv_nxt + 300 },
        ]
    );
    // The hole at the front fills: the latest segment is in order now.
    asm.add(0, 200).unwrap();
    let blocks = blocks_from_assembler(&asm, rcv_nxt + 300, None, 3);
    assert_eq!(blocks.len(), 2);
}
