//! A simulated link between the two connections of a [`pair`](super::pair): a seeded
//! generator to decide losses, duplicates and delays, and segments in flight ordered by
//! arrival time.

use super::pair::Wire;
use unet_core::Instant;

/// A small deterministic generator (xorshift).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// True with probability `p` / 1000.
    pub fn per_mille(&mut self, p: u64) -> bool {
        self.next() % 1000 < p
    }
    /// True with probability `p` / 100.
    pub fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
}

/// A segment in flight, ordered by arrival time (then by send order), earliest first
/// out of a `BinaryHeap`.
#[derive(PartialEq, Eq)]
pub struct InFlight {
    pub at: Instant,
    pub order: u64,
    pub to_b: bool,
    pub seg: Wire,
}

impl Ord for InFlight {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (o.at, o.order).cmp(&(self.at, self.order))
    }
}
impl PartialOrd for InFlight {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
