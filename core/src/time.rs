//! Time as the caller gives it.
//!
//! Machines never read a clock: every entry point takes `now: Instant`. An [`Instant`] is a
//! count of microseconds since an epoch the caller chooses (boot, process start, a test's
//! zero); only differences between instants mean anything. Microseconds are fine enough for
//! RTT measurement on a LAN and a `u64` of them lasts 584 000 years, so arithmetic saturates
//! instead of wrapping and never panics.

use core::fmt;
use core::ops::{Add, AddAssign, Sub, SubAssign};

/// A span of time, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration {
    micros: u64,
}

impl Duration {
    /// No time at all.
    pub const ZERO: Duration = Duration { micros: 0 };
    /// The longest representable span.
    pub const MAX: Duration = Duration { micros: u64::MAX };

    /// A span of `micros` microseconds.
    pub const fn from_micros(micros: u64) -> Duration {
        Duration { micros }
    }
    /// A span of `millis` milliseconds (saturating).
    pub const fn from_millis(millis: u64) -> Duration {
        Duration { micros: millis.saturating_mul(1_000) }
    }
    /// A span of `secs` seconds (saturating).
    pub const fn from_secs(secs: u64) -> Duration {
        Duration { micros: secs.saturating_mul(1_000_000) }
    }
    /// The span in whole microseconds.
    pub const fn as_micros(self) -> u64 {
        self.micros
    }
    /// The span in whole milliseconds (rounded down).
    pub const fn as_millis(self) -> u64 {
        self.micros / 1_000
    }
    /// The span in whole seconds (rounded down).
    pub const fn as_secs(self) -> u64 {
        self.micros / 1_000_000
    }
    /// `self * n`, saturating at [`Duration::MAX`].
    pub const fn saturating_mul(self, n: u64) -> Duration {
        Duration { micros: self.micros.saturating_mul(n) }
    }
    /// `self - other`, or zero if `other` is longer.
    pub const fn saturating_sub(self, other: Duration) -> Duration {
        Duration { micros: self.micros.saturating_sub(other.micros) }
    }
}

impl From<core::time::Duration> for Duration {
    fn from(d: core::time::Duration) -> Duration {
        Duration { micros: u64::try_from(d.as_micros()).unwrap_or(u64::MAX) }
    }
}

impl From<Duration> for core::time::Duration {
    fn from(d: Duration) -> core::time::Duration {
        core::time::Duration::from_micros(d.micros)
    }
}

impl Add for Duration {
    type Output = Duration;
    fn add(self, rhs: Duration) -> Duration {
        Duration { micros: self.micros.saturating_add(rhs.micros) }
    }
}

impl Sub for Duration {
    type Output = Duration;
    fn sub(self, rhs: Duration) -> Duration {
        self.saturating_sub(rhs)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}s", self.micros / 1_000_000, self.micros % 1_000_000)
    }
}

/// A point in time: microseconds since the caller's epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant {
    micros: u64,
}

impl Instant {
    /// The caller's epoch.
    pub const ZERO: Instant = Instant { micros: 0 };
    /// The last representable instant; a deadline that never comes.
    pub const MAX: Instant = Instant { micros: u64::MAX };

    /// The instant `micros` microseconds after the epoch.
    pub const fn from_micros(micros: u64) -> Instant {
        Instant { micros }
    }
    /// The instant `millis` milliseconds after the epoch (saturating).
    pub const fn from_millis(millis: u64) -> Instant {
        Instant { micros: millis.saturating_mul(1_000) }
    }
    /// The instant `secs` seconds after the epoch (saturating).
    pub const fn from_secs(secs: u64) -> Instant {
        Instant { micros: secs.saturating_mul(1_000_000) }
    }
    /// Microseconds since the epoch.
    pub const fn as_micros(self) -> u64 {
        self.micros
    }
    /// Milliseconds since the epoch (rounded down).
    pub const fn as_millis(self) -> u64 {
        self.micros / 1_000
    }
    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    pub const fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_micros(self.micros.saturating_sub(earlier.micros))
    }
    /// `self + d`, or `None` past [`Instant::MAX`].
    pub const fn checked_add(self, d: Duration) -> Option<Instant> {
        match self.micros.checked_add(d.as_micros()) {
            Some(micros) => Some(Instant { micros }),
            None => None,
        }
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, rhs: Duration) -> Instant {
        Instant { micros: self.micros.saturating_add(rhs.as_micros()) }
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    fn sub(self, rhs: Duration) -> Instant {
        Instant { micros: self.micros.saturating_sub(rhs.as_micros()) }
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, rhs: Duration) {
        *self = *self - rhs;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, rhs: Instant) -> Duration {
        self.saturating_duration_since(rhs)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}", self.micros / 1_000_000, self.micros % 1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        assert_eq!(Instant::MAX + Duration::from_secs(1), Instant::MAX);
        assert_eq!(Instant::ZERO - Duration::from_secs(1), Instant::ZERO);
        assert_eq!(Instant::ZERO - Instant::from_secs(3), Duration::ZERO);
        assert_eq!(Instant::from_secs(3) - Instant::from_secs(1), Duration::from_secs(2));
        assert_eq!(Duration::from_secs(u64::MAX), Duration::MAX);
    }

    #[test]
    fn display_is_seconds_with_micros() {
        extern crate std;
        use std::string::ToString;
        assert_eq!(Instant::from_micros(1_500_000).to_string(), "1.500000");
        assert_eq!(Duration::from_millis(2).to_string(), "0.002000s");
    }

    #[test]
    fn converts_from_core_duration() {
        let d: Duration = core::time::Duration::from_millis(1500).into();
        assert_eq!(d, Duration::from_millis(1500));
        let back: core::time::Duration = d.into();
        assert_eq!(back.as_millis(), 1500);
    }
}
