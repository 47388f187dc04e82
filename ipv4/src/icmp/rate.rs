//! Rate limiting of the ICMP errors a host sends (RFC 1812 §4.3.2.8; RFC 1122 §3.2.2:
//! errors "SHOULD be rate limited"), so that a flood of bad packets is not answered with
//! a flood of errors.

use unet_core::{Duration, Instant, TokenBucket};

/// A token bucket for outgoing ICMP errors, counting what it suppressed.
///
/// One limiter for all destinations keeps the state to a few words; RFC 1812 §4.3.2.8
/// leaves the granularity open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpRateLimiter {
    bucket: TokenBucket,
    suppressed: u64,
}

impl IcmpRateLimiter {
    /// Default interval between errors once the burst is spent: 10 ms (100 per second).
    pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(10);
    /// Default burst: 10 errors at once.
    pub const DEFAULT_BURST: u32 = 10;

    /// A limiter allowing `burst` errors at once, then one every `interval`. A zero
    /// `interval` disables the limit; a zero `burst` suppresses every error.
    pub const fn new(interval: Duration, burst: u32) -> IcmpRateLimiter {
        IcmpRateLimiter { bucket: TokenBucket::new(interval, burst), suppressed: 0 }
    }

    /// True if an error may be sent at `now` (and counts it); false means drop it, and
    /// counts it as suppressed.
    pub fn try_send(&mut self, now: Instant) -> bool {
        let ok = self.bucket.try_take(now);
        if !ok {
            self.suppressed = self.suppressed.saturating_add(1);
        }
        ok
    }

    /// Errors suppressed so far.
    pub fn suppressed(&self) -> u64 {
        self.suppressed
    }
}

impl Default for IcmpRateLimiter {
    fn default() -> IcmpRateLimiter {
        IcmpRateLimiter::new(IcmpRateLimiter::DEFAULT_INTERVAL, IcmpRateLimiter::DEFAULT_BURST)
    }
}
