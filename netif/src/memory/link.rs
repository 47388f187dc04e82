//! One switch port's link to its host: the seeded faults and the queue of frames in flight.
//!
//! Faults are applied to every frame the switch forwards *to* this port, in this order,
//! each drawn from the link's own SplitMix64 so one link's traffic never changes another's
//! draws: loss, corruption (one bit flipped), duplication (a second copy right behind the
//! first), then for each copy the queue limit, the delay, the rate limit and reordering
//! (the frame is held back and released right after the next one, or after
//! [`LinkFaults::reorder_hold`] if none comes).

use std::collections::VecDeque;

use unet_core::rng::{RngCore, SplitMix64};
use unet_core::{Duration, Instant};

/// The faults of one link (switch to host), all off by default: a perfect, instant wire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkFaults {
    /// Probability that a frame is lost, 0.0 to 1.0.
    pub loss: f64,
    /// Probability that a frame is delivered twice.
    pub duplicate: f64,
    /// Probability that a frame is held back and delivered after the next one.
    pub reorder: f64,
    /// Probability that one bit of a frame is flipped.
    pub corrupt: f64,
    /// Time every frame takes to cross the link (propagation).
    pub delay: Duration,
    /// Link rate in bytes per second; frames queue behind each other at this rate
    /// (serialisation delay, on top of `delay`). 0: unlimited.
    pub rate: u64,
    /// Frames that may be in flight (queued, delayed, held) on this link at once; a frame
    /// arriving when it is full is dropped and counted in [`LinkStats::queue_full`] (tail
    /// drop, like a router's interface queue). Default 1024.
    pub queue_limit: usize,
    /// Longest a held-back frame waits for another to overtake it before it is delivered
    /// anyway (and not counted as reordered). Default 10 ms.
    pub reorder_hold: Duration,
}

impl Default for LinkFaults {
    fn default() -> Self {
        LinkFaults {
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            corrupt: 0.0,
            delay: Duration::ZERO,
            rate: 0,
            queue_limit: 1024,
            reorder_hold: Duration::from_millis(10),
        }
    }
}

/// What one link did, frame by frame. Every frame offered ends up `delivered`, `lost`,
/// `queue_full`, `too_big`, or still in flight; duplicates add one offered copy each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Frames the port sent into the switch.
    pub sent: u64,
    /// Frames the switch forwarded to this port (before faults).
    pub offered: u64,
    /// Frames the port received.
    pub delivered: u64,
    /// Frames dropped by the loss fault.
    pub lost: u64,
    /// Frames delivered a second time by the duplication fault.
    pub duplicated: u64,
    /// Frames that were overtaken by a later one.
    pub reordered: u64,
    /// Frames with a bit flipped.
    pub corrupted: u64,
    /// Frames that waited behind others because of the rate limit.
    pub rate_limited: u64,
    /// Frames dropped because [`LinkFaults::queue_limit`] frames were in flight.
    pub queue_full: u64,
    /// Frames dropped because the receiver's buffer was too short for them.
    pub too_big: u64,
}

#[derive(Debug)]
struct InFlight {
    at: Instant,
    seq: u64,
    frame: Vec<u8>,
}

#[derive(Debug)]
struct Held {
    at: Instant,
    release_by: Instant,
    frame: Vec<u8>,
}

/// The link state: configuration, generator, frames in flight ordered by delivery time.
#[derive(Debug)]
pub(crate) struct Link {
    pub faults: LinkFaults,
    pub stats: LinkStats,
    rng: SplitMix64,
    queue: VecDeque<InFlight>,
    held: Option<Held>,
    /// When the rate-limited wire is free again.
    free_at: Instant,
    seq: u64,
}

/// Draws against `p` with 53 bits of resolution; never draws when the fault is off, so
/// turning one fault on does not shift the others' sequences for links without it.
fn chance(rng: &mut SplitMix64, p: f64) -> bool {
    if p.is_nan() || p <= 0.0 {
        return false;
    }
    let threshold = (p.min(1.0) * (1u64 << 53) as f64) as u64;
    (rng.next_u64() >> 11) < threshold
}

impl Link {
    pub fn new(seed: u64) -> Link {
        Link {
            faults: LinkFaults::default(),
            stats: LinkStats::default(),
            rng: SplitMix64::new(seed),
            queue: VecDeque::new(),
            held: None,
            free_at: Instant::ZERO,
            seq: 0,
        }
    }

    /// Frames in flight (queued or held back).
    pub fn in_flight(&self) -> usize {
        self.queue.len().saturating_add(usize::from(self.held.is_some()))
    }

    /// Puts a frame on the link at `now`, applying the faults.
    pub fn offer(&mut self, now: Instant, frame: &[u8]) {
        self.stats.offered = self.stats.offered.saturating_add(1);
        if chance(&mut self.rng, self.faults.loss) {
            self.stats.lost = self.stats.lost.saturating_add(1);
            return;
        }
        let mut frame = frame.to_vec();
        if !frame.is_empty() && chance(&mut self.rng, self.faults.corrupt) {
            let bits = (frame.len() as u64).saturating_mul(8);
            let bit = self.rng.next_u64() % bits;
            if let Some(byte) = usize::try_from(bit / 8).ok().and_then(|i| frame.get_mut(i)) {
                *byte ^= 1 << (bit % 8);
            }
            self.stats.corrupted = self.stats.corrupted.saturating_add(1);
        }
        if chance(&mut self.rng, self.faults.duplicate) {
            self.stats.duplicated = self.stats.duplicated.saturating_add(1);
            self.stats.offered = self.stats.offered.saturating_add(1);
            self.enqueue(now, frame.clone());
        }
        self.enqueue(now, frame);
    }

    fn enqueue(&mut self, now: Instant, frame: Vec<u8>) {
        if self.in_flight() >= self.faults.queue_limit {
            self.stats.queue_full = self.stats.queue_full.saturating_add(1);
            return;
        }
        let arrival = now + self.faults.delay;
        let at = if self.faults.rate == 0 {
            arrival
        } else {
            let start = arrival.max(self.free_at);
            if start > arrival {
                self.stats.rate_limited = self.stats.rate_limited.saturating_add(1);
            }
            // Serialisation time, rounded up to a whole microsecond.
            let micros = (frame.len() as u128)
                .saturating_mul(1_000_000)
                .div_ceil(u128::from(self.faults.rate));
            let done = start + Duration::from_micros(u64::try_from(micros).unwrap_or(u64::MAX));
            self.free_at = done;
            done
        };
        if self.held.is_none() && chance(&mut self.rng, self.faults.reorder) {
            let release_by = at + self.faults.reorder_hold;
            self.held = Some(Held { at, release_by, frame });
            return;
        }
        self.push(at, frame);
        // A held frame goes right behind the one that overtook it.
        if let Some(held) = self.held.take() {
            self.stats.reordered = self.stats.reordered.saturating_add(1);
            self.push(at.max(held.at), held.frame);
        }
    }

    fn push(&mut self, at: Instant, frame: Vec<u8>) {
        self.seq = self.seq.wrapping_add(1);
        let entry = InFlight { at, seq: self.seq, frame };
        // Keep the queue ordered by (time, arrival order): find the first later entry.
        let pos = self.queue.iter().rposition(|f| (f.at, f.seq) <= (entry.at, entry.seq));
        match pos {
            Some(i) => self.queue.insert(i.saturating_add(1), entry),
            None => self.queue.push_front(entry),
        }
    }

    /// Releases a held frame whose wait is over by `now` (nobody overtook it).
    pub fn advance(&mut self, now: Instant) {
        if self.held.as_ref().is_some_and(|h| h.release_by <= now) {
            if let Some(held) = self.held.take() {
                self.push(held.release_by, held.frame);
            }
        }
    }

    /// When the next frame becomes receivable (or a held one is released).
    pub fn next_event(&self) -> Option<Instant> {
        let queued = self.queue.front().map(|f| f.at);
        let held = self.held.as_ref().map(|h| h.release_by);
        match (queued, held) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The first event strictly after `t` (frames due by `t` and never received, say on a
    /// port nobody reads, must not hide later ones from a simulation loop).
    pub fn next_event_after(&self, t: Instant) -> Option<Instant> {
        // The queue is sorted by time: the first later entry is the earliest.
        let queued = self.queue.iter().map(|f| f.at).find(|at| *at > t);
        let held = self.held.as_ref().map(|h| h.release_by).filter(|at| *at > t);
        match (queued, held) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next frame receivable at `now`, if any.
    pub fn pop_due(&mut self, now: Instant) -> Option<Vec<u8>> {
        if self.queue.front().is_some_and(|f| f.at <= now) {
            self.queue.pop_front().map(|f| f.frame)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certain_and_impossible_chances() {
        let mut rng = SplitMix64::new(1);
        assert!((0..1000).all(|_| chance(&mut rng, 1.0)));
        assert!((0..1000).all(|_| !chance(&mut rng, 0.0)));
        assert!((0..1000).all(|_| !chance(&mut rng, -3.0)));
        assert!((0..1000).all(|_| !chance(&mut rng, f64::NAN)));
    }

    #[test]
    fn rate_limit_serialises_frames() {
        let mut link = Link::new(7);
        // 1000 bytes/s: a 100-byte frame takes 100 ms on the wire.
        link.faults.rate = 1000;
        link.offer(Instant::ZERO, &[0; 100]);
        link.offer(Instant::ZERO, &[0; 100]);
        assert_eq!(link.next_event(), Some(Instant::from_millis(100)));
        assert!(link.pop_due(Instant::from_millis(99)).is_none());
        assert!(link.pop_due(Instant::from_millis(100)).is_some());
        assert!(link.pop_due(Instant::from_millis(199)).is_none());
        assert!(link.pop_due(Instant::from_millis(200)).is_some());
        assert_eq!(link.stats.rate_limited, 1);
    }

    #[test]
    fn held_frame_is_released_after_its_hold_time() {
        let mut link = Link::new(7);
        link.faults.reorder = 1.0;
        link.faults.reorder_hold = Duration::from_millis(5);
        link.offer(Instant::ZERO, &[1; 20]);
        assert!(link.pop_due(Instant::ZERO).is_none());
        assert_eq!(link.next_event(), Some(Instant::from_millis(5)));
        link.advance(Instant::from_millis(5));
        assert_eq!(link.pop_due(Instant::from_millis(5)), Some(vec![1; 20]));
        // Released by its timer, it was not overtaken.
        assert_eq!(link.stats.reordered, 0);
    }
}
