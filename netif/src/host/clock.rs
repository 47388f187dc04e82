//! Mapping the host's monotonic clock to unet's [`Instant`]s.

use unet_core::Instant;

/// The host's monotonic clock as unet time: [`Instant::ZERO`] is the moment the clock was
/// made (the runner's start), and time counts in microseconds from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    start: std::time::Instant,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

impl Clock {
    /// A clock whose epoch is now.
    pub fn new() -> Clock {
        Clock { start: std::time::Instant::now() }
    }

    /// A clock whose epoch is `start`.
    pub fn with_start(start: std::time::Instant) -> Clock {
        Clock { start }
    }

    /// The host instant that is unet's [`Instant::ZERO`].
    pub fn start(&self) -> std::time::Instant {
        self.start
    }

    /// The current time.
    pub fn now(&self) -> Instant {
        self.to_unet(std::time::Instant::now())
    }

    /// A host instant as unet time (instants before the epoch map to the epoch).
    pub fn to_unet(&self, t: std::time::Instant) -> Instant {
        let micros = t.saturating_duration_since(self.start).as_micros();
        Instant::from_micros(u64::try_from(micros).unwrap_or(u64::MAX))
    }

    /// A unet instant as host time, `None` if the host cannot represent it (a deadline so
    /// far away that it is as good as never).
    pub fn to_std(&self, t: Instant) -> Option<std::time::Instant> {
        self.start.checked_add(std::time::Duration::from_micros(t.as_micros()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn round_trips_and_saturates() {
        let start = std::time::Instant::now();
        let clock = Clock::with_start(start);
        let later = start + Duration::from_micros(1_234_567);
        assert_eq!(clock.to_unet(later), Instant::from_micros(1_234_567));
        assert_eq!(clock.to_std(Instant::from_micros(1_234_567)), Some(later));
        // Before the epoch: the epoch.
        if let Some(before) = start.checked_sub(Duration::from_secs(1)) {
            assert_eq!(clock.to_unet(before), Instant::ZERO);
        }
        // u64::MAX microseconds (584 000 years) must not panic, whatever the host says.
        let _ = clock.to_std(Instant::MAX);
    }
}
