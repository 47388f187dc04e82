//! The retransmission timer: RTT estimation and RTO (RFC 6298), with Karn's rule and the
//! timestamp-based RTT measurement of RFC 7323 §4.
//!
//! A connection owns one [`RttEstimator`] and calls it:
//!
//! - [`RttEstimator::on_transmit`] for every data segment (or SYN/FIN) it sends, saying
//!   whether it is a retransmission. Without timestamps the estimator times one segment
//!   at a time and, by Karn's rule (RFC 6298 §3), drops the timing as soon as anything is
//!   retransmitted: an ACK after a retransmission cannot tell which copy it answers.
//! - [`RttEstimator::on_ack`] for every ACK that advances SND.UNA, when timestamps are
//!   *not* in use; it returns the sample it took, if any.
//! - [`RttEstimator::on_ack_timestamp`] for every ACK carrying a TSecr, when timestamps are
//!   in use (RFC 7323 §4): the echoed TSval times the segment exactly, even a
//!   retransmitted one, so Karn's rule is not needed; an ACK that does not advance SND.UNA
//!   gives no sample. Several samples per window are taken, so the gains are divided by
//!   the number of samples expected per RTT (RFC 7323 Appendix G).
//! - [`RttEstimator::on_timeout`] when the retransmission timer expires: RTO doubles
//!   (RFC 6298 §5.5) until the next valid sample collapses it back.
//! - [`RttEstimator::on_syn_timeout`] and [`RttEstimator::on_handshake_complete`] around
//!   the handshake, for RFC 6298 §5.7's 3-second RTO after a retransmitted SYN.
//!
//! The timer itself (when it is armed, restarted, stopped: RFC 6298 §5.1–§5.6) belongs to
//! the connection, which reads [`RttEstimator::rto`].
//!
//! ```
//! use unet_core::time::{Duration, Instant};
//! use unet_tcp::rtt::{RttConfig, RttEstimator};
//! use unet_tcp::SeqNumber;
//!
//! let mut rtt = RttEstimator::new(RttConfig::default());
//! assert_eq!(rtt.rto(), Duration::from_secs(1)); // RFC 6298 §2.1
//! rtt.on_transmit(Instant::from_millis(0), SeqNumber(1001), false);
//! let sample = rtt.on_ack(Instant::from_millis(100), SeqNumber(1001));
//! assert_eq!(sample, Some(Duration::from_millis(100)));
//! assert_eq!(rtt.srtt(), Some(Duration::from_millis(100)));
//! rtt.on_timeout();
//! assert_eq!(rtt.rto(), Duration::from_secs(2)); // backed off from the 1 s minimum
//! ```

use unet_core::time::{Duration, Instant};

use crate::seq::SeqNumber;

/// RFC 6298 §2: K, the variance multiplier.
const K: u64 = 4;
/// RFC 6298 §2.3: 1/alpha.
const ALPHA_INV: u64 = 8;
/// RFC 6298 §2.3: 1/beta.
const BETA_INV: u64 = 4;

/// RFC 6298 §2.5: a maximum RTO may be placed, but at least 60 seconds.
pub const MIN_MAX_RTO: Duration = Duration::from_secs(60);
/// RFC 6298 §5.7: the RTO once data transmission begins after a retransmitted SYN.
pub const SYN_FALLBACK_RTO: Duration = Duration::from_secs(3);

/// The estimator's settings (RFC 6298 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RttConfig {
    /// RTO before the first measurement (RFC 6298 §2.1: 1 second).
    pub initial_rto: Duration,
    /// Lower bound on RTO. RFC 6298 §2.4 says SHOULD be 1 second, the default here; Linux
    /// uses 200 ms (`TCP_RTO_MIN`), which recovers faster on low-latency paths at the
    /// price of more spurious timeouts.
    pub min_rto: Duration,
    /// Upper bound on RTO, backoff included. RFC 6298 §2.5 allows a maximum only if it is
    /// at least 60 seconds, so smaller values are raised to 60 s. Default 60 s (Linux: 120 s).
    pub max_rto: Duration,
    /// G, the clock granularity (RFC 6298 §2): RTO is at least SRTT + G. Default 1 ms,
    /// the usual timestamp clock tick.
    pub clock_granularity: Duration,
}

impl RttConfig {
    /// RFC 6298's values: initial RTO 1 s, minimum 1 s, maximum 60 s, G = 1 ms.
    pub const RFC6298: RttConfig = RttConfig {
        initial_rto: Duration::from_secs(1),
        min_rto: Duration::from_secs(1),
        max_rto: MIN_MAX_RTO,
        clock_granularity: Duration::from_millis(1),
    };

    /// Linux's values: minimum 200 ms, maximum 120 s, initial 1 s.
    pub const LINUX: RttConfig = RttConfig {
        initial_rto: Duration::from_secs(1),
        min_rto: Duration::from_millis(200),
        max_rto: Duration::from_secs(120),
        clock_granularity: Duration::from_millis(1),
    };
}

impl Default for RttConfig {
    fn default() -> RttConfig {
        RttConfig::RFC6298
    }
}

/// RFC 6298 SRTT/RTTVAR/RTO state, Karn's rule and the backoff (see the module doc).
///
/// About 80 bytes; all arithmetic saturates, so no input makes it panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RttEstimator {
    config: RttConfig,
    /// SRTT and RTTVAR in microseconds, once a first measurement was made.
    /// (Valid when `has_srtt`: an `Option<u64>` would take 8 bytes more.)
    srtt: u64,
    rttvar: u64,
    /// RTO computed by §2 (clamped), before backoff.
    base_rto: Duration,
    /// Number of consecutive timeouts since the last valid sample (§5.5).
    backoffs: u32,
    /// The segment being timed without timestamps: its end and when it was sent.
    /// (`timed_at` is `Instant::MAX` when no segment is timed.)
    timed_end: SeqNumber,
    timed_at: Instant,
    /// A SYN was retransmitted (§5.7).
    syn_retransmitted: bool,
    has_srtt: bool,
}

impl RttEstimator {
    /// A new estimator: no measurement yet, RTO = `initial_rto` (RFC 6298 §2.1).
    pub fn new(mut config: RttConfig) -> RttEstimator {
        if config.max_rto < MIN_MAX_RTO {
            config.max_rto = MIN_MAX_RTO;
        }
        // A zero RTO would make the timer fire at once, forever.
        config.min_rto = clamp(config.min_rto, Duration::from_micros(1), config.max_rto);
        let base_rto = clamp(config.initial_rto, config.min_rto, config.max_rto);
        RttEstimator {
            config,
            srtt: 0,
            has_srtt: false,
            rttvar: 0,
            base_rto,
            backoffs: 0,
            timed_end: SeqNumber(0),
            timed_at: Instant::MAX,
            syn_retransmitted: false,
        }
    }

    /// The settings in force: `max_rto` raised to 60 s if it was lower, `min_rto` kept
    /// between 1 µs and `max_rto`.
    pub const fn config(&self) -> &RttConfig {
        &self.config
    }

    /// SRTT, once a measurement was made.
    pub fn srtt(&self) -> Option<Duration> {
        self.srtt_us().map(Duration::from_micros)
    }

    /// RTTVAR, once a measurement was made.
    pub fn rttvar(&self) -> Option<Duration> {
        self.srtt_us().map(|_| Duration::from_micros(self.rttvar))
    }

    /// The current RTO: §2's value doubled once per timeout since the last valid sample
    /// (§5.5), never above `max_rto` (§2.5).
    pub fn rto(&self) -> Duration {
        let factor = 1u64.checked_shl(self.backoffs).unwrap_or(u64::MAX);
        let backed = self.base_rto.saturating_mul(factor);
        if backed > self.config.max_rto {
            self.config.max_rto
        } else {
            backed
        }
    }

    /// Consecutive timeouts since the last valid sample.
    pub const fn backoffs(&self) -> u32 {
        self.backoffs
    }

    /// Whether a segment is being timed (classic measurement, no timestamps).
    pub const fn is_timing(&self) -> bool {
        self.timed_at.as_micros() != u64::MAX
    }

    /// A segment ending at `end` (SEG.SEQ + SEG.LEN) was sent at `now`.
    ///
    /// A retransmission cancels any timing in progress (Karn's rule, RFC 6298 §3): the next
    /// cumulative ACK might answer the retransmitted copy. New data starts a timing if
    /// none is in progress (one sample per round trip, RFC 6298 §3's "at least once per
    /// RTT").
    pub fn on_transmit(&mut self, now: Instant, end: SeqNumber, retransmission: bool) {
        if retransmission {
            self.set_timed(None);
        } else if self.timed().is_none() {
            self.set_timed(Some((end, now)));
        }
    }

    /// An ACK advanced SND.UNA to `ack` at `now` (no timestamps in use). If it covers the
    /// timed segment, the elapsed time is a valid sample (it was never retransmitted):
    /// it is applied (RFC 6298 §2.2/§2.3, which also clears the backoff) and returned.
    pub fn on_ack(&mut self, now: Instant, ack: SeqNumber) -> Option<Duration> {
        let (end, sent) = self.timed()?;
        if ack.diff(end) < 0 {
            return None;
        }
        self.set_timed(None);
        let sample = now.saturating_duration_since(sent);
        self.on_sample(sample, 1);
        Some(sample)
    }

    /// RTTM (RFC 7323 §4): an ACK echoing `tsecr` arrived when the local timestamp clock
    /// reads `ts_now`, that clock ticking every `tick`.
    ///
    /// `advances_una` says whether the ACK acknowledged new data: only those give a sample
    /// (RFC 7323 §4.1's RTTM rule: a TSecr is used only if SND.UNA advances, because
    /// duplicate ACKs echo the timestamp of the last in-order segment). `flight_size`
    /// (bytes outstanding before this ACK) and `smss` give ExpectedSamples =
    /// ceil(FlightSize / (2 · SMSS)), by which alpha and beta are divided (RFC 7323
    /// Appendix G) since every ACK now yields a sample. A TSecr "ahead" of `ts_now`
    /// (modular difference negative) is ignored. Returns the sample applied.
    pub fn on_ack_timestamp(
        &mut self,
        ts_now: u32,
        tsecr: u32,
        tick: Duration,
        advances_una: bool,
        flight_size: u32,
        smss: u32,
    ) -> Option<Duration> {
        if !advances_una {
            return None;
        }
        let ticks = ts_now.wrapping_sub(tsecr);
        if ticks > i32::MAX as u32 {
            return None;
        }
        let sample = tick.saturating_mul(u64::from(ticks));
        let per_sample = u64::from(smss.max(1)).saturating_mul(2);
        let expected = u64::from(flight_size).div_ceil(per_sample).max(1);
        // Timestamps make any timing by segment redundant.
        self.set_timed(None);
        self.on_sample(sample, expected);
        Some(sample)
    }

    /// Applies one RTT measurement `r` (RFC 6298 §2.2 for the first, §2.3 afterwards), with
    /// alpha and beta divided by `expected_samples` (1 for one sample per RTT; RFC 7323
    /// Appendix G otherwise). A new sample clears the backoff, "collapsing" RTO (§5,
    /// last paragraph), and RTO is clamped to `[min_rto, max_rto]` (§2.4, §2.5).
    pub fn on_sample(&mut self, r: Duration, expected_samples: u64) {
        let r = r.as_micros();
        let n = expected_samples.max(1);
        match self.srtt_us() {
            None => {
                // §2.2: SRTT <- R, RTTVAR <- R/2.
                self.set_srtt(Some(r));
                self.rttvar = r / 2;
            }
            Some(srtt) => {
                // §2.3: RTTVAR <- (1 - beta') RTTVAR + beta' |SRTT - R'| first (it uses
                // the old SRTT), then SRTT <- (1 - alpha') SRTT + alpha' R', with
                // beta' = 1/(4n), alpha' = 1/(8n).
                self.rttvar = ewma(self.rttvar, srtt.abs_diff(r), BETA_INV.checked_mul(n));
                self.set_srtt(Some(ewma(srtt, r, ALPHA_INV.checked_mul(n))));
            }
        }
        self.recompute();
        self.backoffs = 0;
    }

    /// The retransmission timer expired: RTO <- RTO · 2 (RFC 6298 §5.5), bounded by
    /// `max_rto`; any timing in progress is dropped (the segment will be retransmitted).
    pub fn on_timeout(&mut self) {
        if self.rto() < self.config.max_rto {
            self.backoffs = self.backoffs.saturating_add(1);
        }
        self.set_timed(None);
    }

    /// The timer expired while waiting for the ACK of a SYN: backs off like
    /// [`on_timeout`](Self::on_timeout) and remembers it for RFC 6298 §5.7.
    pub fn on_syn_timeout(&mut self) {
        self.syn_retransmitted = true;
        self.on_timeout();
    }

    /// The handshake completed and data transmission begins. If a SYN was retransmitted
    /// and RTO is below 3 seconds, RTO is re-initialized to 3 s (RFC 6298 §5.7); the
    /// backoff is cleared either way (the handshake's ACK acknowledged new data).
    pub fn on_handshake_complete(&mut self) {
        if self.syn_retransmitted && self.base_rto < SYN_FALLBACK_RTO {
            self.base_rto = clamp(SYN_FALLBACK_RTO, self.config.min_rto, self.config.max_rto);
        }
        self.syn_retransmitted = false;
        self.backoffs = 0;
    }

    fn srtt_us(&self) -> Option<u64> {
        self.has_srtt.then_some(self.srtt)
    }

    fn set_srtt(&mut self, srtt: Option<u64>) {
        self.has_srtt = srtt.is_some();
        self.srtt = srtt.unwrap_or(0);
    }

    /// The timed segment's end and when it was sent.
    fn timed(&self) -> Option<(SeqNumber, Instant)> {
        (self.timed_at != Instant::MAX).then_some((self.timed_end, self.timed_at))
    }

    fn set_timed(&mut self, timed: Option<(SeqNumber, Instant)>) {
        let (end, at) = timed.unwrap_or((SeqNumber(0), Instant::MAX));
        self.timed_end = end;
        self.timed_at = at;
    }

    /// §2.2/§2.3: RTO <- SRTT + max(G, K·RTTVAR), then §2.4/§2.5's bounds.
    fn recompute(&mut self) {
        let srtt = self.srtt_us().unwrap_or(0);
        let var = self.rttvar.saturating_mul(K).max(self.config.clock_granularity.as_micros());
        let rto = Duration::from_micros(srtt.saturating_add(var));
        self.base_rto = clamp(rto, self.config.min_rto, self.config.max_rto);
    }
}

/// ⌊(x·(d − 1) + sample) / d⌋, the average that moves x by 1/d of the way to `sample`,
/// exactly and in u64 (no u128 division, a large routine on a 32-bit MCU):
/// it equals x + ⌊(sample − x) / d⌋. `d` is `None` when it exceeds u64 (then the
/// quotient of a difference below 2^64 is 0 upwards and −1 downwards).
fn ewma(x: u64, sample: u64, d: Option<u64>) -> u64 {
    if sample >= x {
        x + d.map_or(0, |d| (sample - x) / d)
    } else {
        x - d.map_or(1, |d| (x - sample).div_ceil(d))
    }
}

fn clamp(d: Duration, min: Duration, max: Duration) -> Duration {
    if d < min {
        min
    } else if d > max {
        max
    } else {
        d
    }
}

#[cfg(test)]
#[path = "tests/rtt_estimator.rs"]
mod tests;
