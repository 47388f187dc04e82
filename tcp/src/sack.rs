//! The receiver's choice of SACK blocks (RFC 2018 §4, with RFC 2883 D-SACK).
//!
//! RFC 2018 §4: the first block MUST be the one containing the segment that triggered the
//! ACK (unless it advanced RCV.NXT); the others SHOULD repeat the most recently reported
//! blocks, not subsets of one already included, so that each block is reported in at
//! least three ACKs; as many blocks as fit. A SACK option holds at most 4 blocks, 3 next
//! to the Timestamps option (40 bytes of option space, RFC 2018 §3).
//!
//! The sender side (scoreboard, RFC 6675) is in [`crate::scoreboard`].
//!
//! ```
//! use unet_tcp::assembler::Assembler;
//! use unet_tcp::sack::{blocks_from_assembler, MAX_BLOCKS_WITH_TIMESTAMPS};
//! use unet_tcp::{SackBlock, SeqNumber};
//!
//! let rcv_nxt = SeqNumber(1000);
//! let mut asm: Assembler = Assembler::new();
//! asm.add(1000, 100).unwrap(); // 2000..2100
//! asm.add(3000, 100).unwrap(); // 4000..4100, the latest
//! let blocks = blocks_from_assembler(&asm, rcv_nxt, None, MAX_BLOCKS_WITH_TIMESTAMPS);
//! assert_eq!(
//!     blocks.as_slice(),
//!     [
//!         SackBlock { left: SeqNumber(4000), right: SeqNumber(4100) },
//!         SackBlock { left: SeqNumber(2000), right: SeqNumber(2100) },
//!     ]
//! );
//! ```

use crate::assembler::Assembler;
use crate::option::{SackBlock, SackBlocks};
use crate::seq::SeqNumber;

/// Most SACK blocks in an option (RFC 2018 §3).
pub const MAX_BLOCKS: usize = SackBlocks::MAX;
/// Most SACK blocks next to a Timestamps option (RFC 2018 §3).
pub const MAX_BLOCKS_WITH_TIMESTAMPS: usize = 3;

fn contains(outer: &SackBlock, inner: &SackBlock) -> bool {
    inner.left.diff(outer.left) >= 0 && outer.right.diff(inner.right) >= 0
}

/// The blocks for the next ACK, at most `max_blocks` (and at most 4):
///
/// 1. `dsack`, a duplicate segment's range, if one was just received (RFC 2883 §4: the
///    D-SACK block goes first; when the duplicate lies inside an out-of-order block,
///    pass that block as `latest` so it comes second);
/// 2. `latest`, the out-of-order block holding the segment that triggered this ACK
///    (RFC 2018 §4's first block), if it is still out of order;
/// 3. the other out-of-order blocks in `by_recency` order (most recently changed or
///    reported first), skipping empty ones and any contained in a block already chosen.
pub fn choose_blocks<I>(
    dsack: Option<SackBlock>,
    latest: Option<SackBlock>,
    by_recency: I,
    max_blocks: usize,
) -> SackBlocks
where
    I: IntoIterator<Item = SackBlock>,
{
    let max = max_blocks.min(MAX_BLOCKS);
    let mut out = SackBlocks::new();
    if let Some(d) = dsack.filter(|d| d.right.diff(d.left) > 0) {
        if out.len() < max {
            let _ = out.push(d);
        }
    }
    let rest = latest.into_iter().chain(by_recency);
    for b in rest {
        if out.len() >= max {
            break;
        }
        if b.right.diff(b.left) <= 0 {
            continue;
        }
        // The D-SACK block may sit inside `b` (RFC 2883 §4's second block), so only
        // out-of-order blocks already chosen can make `b` redundant.
        let skip_dsack = usize::from(dsack.is_some() && !out.is_empty());
        if out.as_slice().iter().skip(skip_dsack).any(|c| contains(c, &b)) {
            continue;
        }
        // `out.len() < max <= 4`: the push cannot fail.
        let _ = out.push(b);
    }
    out
}

/// [`choose_blocks`] over an [`Assembler`] whose front is `rcv_nxt`: its last-touched
/// range first, then the others by recency. Ranges whose offsets do not fit a sequence
/// number (impossible with a window below 2^31) are skipped.
pub fn blocks_from_assembler<const N: usize>(
    asm: &Assembler<N>,
    rcv_nxt: SeqNumber,
    dsack: Option<SackBlock>,
    max_blocks: usize,
) -> SackBlocks {
    let to_block = |r: crate::assembler::Range| {
        let start = u32::try_from(r.start).ok()?;
        let end = u32::try_from(r.end).ok()?;
        Some(SackBlock { left: rcv_nxt + start, right: rcv_nxt + end })
    };
    let latest = asm.last_touched().and_then(to_block);
    choose_blocks(dsack, latest, asm.iter_by_recency().filter_map(to_block), max_blocks)
}

#[cfg(test)]
#[path = "tests/sack_blocks.rs"]
mod tests;
