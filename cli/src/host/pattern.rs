//! The bytes `unet host --tcp-source` sends: the same stream as the benchmarks' source
//! (`benches/src/bulk.rs`, `Source`), so a download can be checked by hash against either.
//!
//! The stream is a fixed pattern of [`PATTERN_LEN`] bytes (a prime, so segment and buffer
//! boundaries never line up with its period), repeated. Starting from
//! `x = 0x9e3779b97f4a7c15`, each byte of the pattern steps xorshift64 (`x ^= x << 13;
//! x ^= x >> 7; x ^= x << 17`, on 64 bits) and takes bits 32 to 39, `(x >> 32) & 0xff`.
//! In Python:
//!
//! ```text
//! M = (1 << 64) - 1
//! def pattern():
//!     x, out = 0x9E3779B97F4A7C15, bytearray()
//!     for _ in range(65521):
//!         x ^= (x << 13) & M; x ^= x >> 7; x ^= (x << 17) & M
//!         out.append((x >> 32) & 0xFF)
//!     return bytes(out)
//! def stream(n):
//!     p = pattern()
//!     return (p * (n // len(p) + 1))[:n]
//! ```

use std::sync::OnceLock;

/// Length of the repeating pattern (the largest prime below 2^16).
pub const PATTERN_LEN: usize = 65_521;

/// The pattern, computed once.
pub fn pattern() -> &'static [u8] {
    static PATTERN: OnceLock<Vec<u8>> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..PATTERN_LEN)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect()
    })
}

/// Writes the stream's bytes from `offset` on into `buf` (all of it).
pub fn fill(offset: u64, buf: &mut [u8]) {
    let p = pattern();
    // The remainder is below PATTERN_LEN, so it fits a usize.
    let mut at = (offset % PATTERN_LEN as u64) as usize;
    let mut rest = buf;
    while !rest.is_empty() {
        let from = p.get(at..).unwrap_or_default();
        let n = from.len().min(rest.len());
        let (head, tail) = rest.split_at_mut(n);
        head.copy_from_slice(from.get(..n).unwrap_or_default());
        rest = tail;
        at = 0;
    }
}

/// The first `n` bytes of the stream (for checks in tests and the demo).
pub fn stream(n: usize) -> Vec<u8> {
    let mut v = vec![0; n];
    fill(0, &mut v);
    v
}

/// Counts how many bytes of `data`, found at `offset` of a stream, differ from the
/// pattern (0: byte for byte the same).
pub fn mismatches(offset: u64, data: &[u8]) -> usize {
    let p = pattern();
    let start = (offset % PATTERN_LEN as u64) as usize;
    data.iter().enumerate().filter(|&(k, b)| p.get((start + k) % PATTERN_LEN) != Some(b)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_is_what_the_documented_python_computes() {
        // Values printed by the Python in the module docs (the benches' `Source` too).
        let p = pattern();
        assert_eq!(p.len(), PATTERN_LEN);
        assert_eq!(p[..8], [0xae, 0xb9, 0x91, 0x0c, 0xe0, 0xce, 0x44, 0x2e]);
        assert_eq!(p[PATTERN_LEN - 8..], [0x89, 0xc3, 0xf6, 0xc4, 0x95, 0x09, 0x23, 0xee]);
        assert_eq!(p.iter().map(|&b| u64::from(b)).sum::<u64>(), 8_337_250);
        let mib = stream(1 << 20);
        assert_eq!(mib.iter().map(|&b| u64::from(b)).sum::<u64>(), 133_426_194);
    }

    #[test]
    fn fill_wraps_around_the_pattern_and_continues_from_any_offset() {
        let whole = stream(3 * PATTERN_LEN + 17);
        assert_eq!(&whole[..PATTERN_LEN], pattern());
        assert_eq!(&whole[PATTERN_LEN..2 * PATTERN_LEN], pattern());
        for offset in [0u64, 1, 65_520, 65_521, 100_000] {
            let mut part = vec![0; 70_000];
            fill(offset, &mut part);
            let o = offset as usize;
            assert_eq!(&part[..], &whole[o..o + 70_000], "offset {offset}");
            assert_eq!(mismatches(offset, &part), 0);
        }
        let mut bad = stream(10);
        bad[3] ^= 1;
        assert_eq!(mismatches(0, &bad), 1);
        assert_eq!(mismatches(1, &stream(10)), 10 - mismatches_at_shift());
    }

    /// Bytes of the first 10 that equal their neighbour one position later (a shifted
    /// stream differs everywhere else).
    fn mismatches_at_shift() -> usize {
        let p = pattern();
        (0..10).filter(|&k| p[k] == p[k + 1]).count()
    }
}
