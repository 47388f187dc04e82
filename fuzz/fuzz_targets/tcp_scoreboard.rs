//! The sender's SACK scoreboard (RFC 6675) and the receiver's SACK block choice (RFC
//! 2018 §4) driven by random ACKs, SACK blocks, sends and timeouts. Nothing may panic; the
//! scoreboard never holds more ranges than its capacity, keeps them sorted, disjoint and
//! within SND.UNA..SND.NXT; pipe is at most twice the flight size; NextSeg never returns
//! an empty segment, one longer than SMSS, or a retransmission overlapping SACKed data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_tcp::scoreboard::{NextSegKind, Scoreboard};
use unet_tcp::{sack, SackBlock, SeqNumber};

fn u32_at(d: &[u8]) -> u32 {
    let mut b = [0u8; 4];
    for (dst, src) in b.iter_mut().zip(d) {
        *dst = *src;
    }
    u32::from_le_bytes(b)
}

fuzz_target!(|data: &[u8]| {
    let Some((head, ops)) = data.split_first_chunk::<5>() else { return };
    let start = SeqNumber(u32_at(&head[..4]));
    let smss = u32::from(head[4]) * 16 + 1;
    let mut sb: Scoreboard<4> = Scoreboard::new(start);
    let (mut una, mut nxt) = (start, start);
    for op in ops.chunks(9) {
        let kind = op.first().copied().unwrap_or(0);
        let x = u32_at(op.get(1..5).unwrap_or(&[]));
        let y = u32_at(op.get(5..9).unwrap_or(&[]));
        match kind % 8 {
            0 if nxt.diff(una) < 1 << 30 => nxt += x % 65_536,
            0 => {}
            1 => una += (x % 65_536).min(nxt.diff(una).max(0) as u32),
            2 => {
                let seg = sb.enter_recovery(nxt, smss);
                sb.on_sent(&seg);
            }
            3 => sb.on_rto(nxt),
            4 => {
                if let Some(seg) = sb.next_seg(nxt, smss, y % 4096) {
                    assert!(seg.len > 0 && seg.len <= smss);
                    if seg.kind != NextSegKind::NewData {
                        for r in sb.ranges() {
                            let end = seg.seq + seg.len;
                            assert!(end.diff(r.left) <= 0 || seg.seq.diff(r.right) >= 0);
                        }
                    }
                    sb.on_sent(&seg);
                }
            }
            5 => {
                let _ = sb.next_unsacked(SeqNumber(x), nxt, smss);
                let _ = sb.is_lost(SeqNumber(y), smss);
            }
            6 => {
                // Receiver side: arbitrary blocks, never more than asked or than 4.
                let blocks = [
                    SackBlock { left: SeqNumber(x), right: SeqNumber(y) },
                    SackBlock { left: SeqNumber(y), right: SeqNumber(x) },
                ];
                let latest = (x % 2 == 0).then_some(blocks[0]);
                let out = sack::choose_blocks(None, latest, blocks, (y % 6) as usize);
                assert!(out.len() <= 4 && out.len() <= (y % 6) as usize);
            }
            _ => {
                // Blocks around SND.UNA: valid, stale, straddling, beyond SND.NXT.
                let mk = |v: u32| {
                    let left = una.wrapping_add(v % 131_072).wrapping_sub(32_768);
                    SackBlock { left, right: left + (v >> 17) % 16_384 }
                };
                let blocks = [mk(x), mk(y), mk(x ^ y)];
                let n = (kind as usize / 8) % 4;
                let up = sb.update(una, nxt, &blocks[..n.min(3)]);
                assert!(usize::from(up.ignored) <= n);
            }
        }
        sb.update(una, nxt, &[]);
        assert!(sb.ranges().len() <= sb.capacity());
        let mut prev = una;
        for r in sb.ranges() {
            assert!(r.left.diff(prev) >= 0 && r.right.diff(r.left) > 0 && r.right.diff(nxt) <= 0);
            prev = r.right + 1;
        }
        let flight = nxt.diff(una) as u32;
        assert!(u64::from(sb.pipe(nxt, smss)) <= 2 * u64::from(flight));
    }
});
