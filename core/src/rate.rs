//! A token bucket: how unet rate-limits anything that answers an attacker's traffic (ICMP
//! errors, ARP requests, TCP challenge ACKs and RSTs, DNS responses — DESIGN.md §7).
//!
//! The bucket holds at most `burst` tokens and gains one every `interval`; each permitted
//! event takes one. It is driven by the caller's clock like every other machine, and is a
//! few words of state, so a per-destination limiter table stays small.
//!
//! ```
//! use unet_core::{rate::TokenBucket, Duration, Instant};
//! // RFC 1812 §4.3.2.8-style: a burst of 2, then one per 100 ms.
//! let mut bucket = TokenBucket::new(Duration::from_millis(100), 2);
//! let t0 = Instant::from_secs(1);
//! assert!(bucket.try_take(t0));
//! assert!(bucket.try_take(t0));
//! assert!(!bucket.try_take(t0));
//! assert!(bucket.try_take(t0 + Duration::from_millis(100)));
//! ```

use crate::{Duration, Instant};

/// A token bucket rate limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenBucket {
    interval: Duration,
    burst: u32,
    tokens: u32,
    /// When the last token was credited; `None` until first use (the bucket starts full).
    last: Option<Instant>,
}

impl TokenBucket {
    /// A full bucket of `burst` tokens, refilled by one every `interval`. An `interval` of
    /// zero disables the limit; a `burst` of zero permits nothing.
    pub const fn new(interval: Duration, burst: u32) -> TokenBucket {
        TokenBucket { interval, burst, tokens: burst, last: None }
    }

    /// Takes a token if one is available at `now`; false means "rate limited, drop it".
    pub fn try_take(&mut self, now: Instant) -> bool {
        self.refill(now);
        if self.interval == Duration::ZERO {
            return self.burst > 0;
        }
        if self.tokens == 0 {
            return false;
        }
        self.tokens -= 1;
        true
    }

    /// Tokens available at `now` (without taking one).
    pub fn available(&mut self, now: Instant) -> u32 {
        self.refill(now);
        self.tokens
    }

    /// When the next token arrives, if the bucket is empty.
    pub fn next_token_at(&self) -> Option<Instant> {
        match (self.tokens, self.last) {
            (0, Some(last)) if self.burst > 0 => Some(last + self.interval),
            _ => None,
        }
    }

    fn refill(&mut self, now: Instant) {
        let Some(last) = self.last else {
            self.last = Some(now);
            return;
        };
        let interval = self.interval.as_micros();
        if interval == 0 || now <= last {
            return;
        }
        let elapsed = (now - last).as_micros();
        let gained = elapsed / interval;
        if gained == 0 {
            return;
        }
        let gained32 = u32::try_from(gained).unwrap_or(u32::MAX);
        self.tokens = self.tokens.saturating_add(gained32).min(self.burst);
        // Advance by whole intervals only: the remainder is kept, so tokens arrive on a fixed
        // phase and a steady stream gets exactly one per interval (tokens that arrive while
        // the bucket is full are lost, which is what bounds the burst).
        self.last = Some(last + Duration::from_micros(gained.saturating_mul(interval)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refills_one_token_per_interval_up_to_the_burst() {
        let mut b = TokenBucket::new(Duration::from_secs(1), 3);
        let t = Instant::from_secs(10);
        assert_eq!(b.available(t), 3);
        for _ in 0..3 {
            assert!(b.try_take(t));
        }
        assert!(!b.try_take(t));
        assert_eq!(b.next_token_at(), Some(t + Duration::from_secs(1)));
        assert!(!b.try_take(t + Duration::from_millis(999)));
        assert!(b.try_take(t + Duration::from_millis(1000)));
        assert!(!b.try_take(t + Duration::from_millis(1500)));
        // A long silence refills to the burst, not beyond.
        assert_eq!(b.available(t + Duration::from_secs(100)), 3);
    }

    #[test]
    fn steady_rate_is_exact_despite_jitter() {
        let mut b = TokenBucket::new(Duration::from_millis(100), 1);
        let mut granted = 0;
        let start = Instant::from_secs(1);
        for ms in (0..10_000).step_by(7) {
            if b.try_take(start + Duration::from_millis(ms)) {
                granted += 1;
            }
        }
        // One at the start plus one per full 100 ms of the 9.996 s that follow.
        assert_eq!(granted, 100);
    }

    #[test]
    fn zero_interval_means_unlimited_and_zero_burst_means_never() {
        let mut free = TokenBucket::new(Duration::ZERO, 1);
        let mut never = TokenBucket::new(Duration::from_secs(1), 0);
        for s in 0..5 {
            assert!(free.try_take(Instant::from_secs(1)));
            assert!(!never.try_take(Instant::from_secs(s)));
        }
    }

    #[test]
    fn time_going_backwards_grants_nothing_extra() {
        let mut b = TokenBucket::new(Duration::from_secs(1), 1);
        assert!(b.try_take(Instant::from_secs(5)));
        assert!(!b.try_take(Instant::from_secs(2)));
        assert!(b.try_take(Instant::from_secs(6)));
    }
}
