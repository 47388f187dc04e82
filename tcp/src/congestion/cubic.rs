//! CUBIC's window rules (RFC 9438 §4), in integers: bytes for windows, milliseconds for
//! t and K, an integer cube root for K.

use unet_core::time::{Duration, Instant};

use super::window::{Ack, Window};
use super::{CongestionConfig, CongestionControl};

/// β_cubic = 0.7 (RFC 9438 §4.6), in thousandths.
pub const BETA_CUBIC_PERMILLE: u32 = 700;
/// C = 0.4 segments/s³ (RFC 9438 §5), in thousandths.
pub const C_CUBIC_PERMILLE: u32 = 400;

/// Bound on t − K in milliseconds (about 28 hours), so that its cube stays far inside i128.
const MAX_T_MS: i128 = 100_000_000;

/// ⌊∛n⌋, digit by digit in base 2 (no floating point, no `libm`, no division: a
/// u128 division is a large routine on a 32-bit MCU, and K is computed once per
/// congestion avoidance stage, so the 43 short steps cost nothing that matters).
///
/// ```
/// use unet_tcp::congestion::cbrt;
/// assert_eq!(cbrt(26), 2);
/// assert_eq!(cbrt(27), 3);
/// assert_eq!(cbrt(u128::MAX), 6_981_463_658_331);
/// ```
pub fn cbrt(n: u128) -> u64 {
    // Invariant before each step: y = ⌊∛(n >> (s + 3))⌋ and rem = (n >> (s + 3)) − y³,
    // scaled back by 2^(s+3). Bringing in the next three bits tries y' = 2y + 1:
    // (2y + 1)³ − (2y)³ = 3·2y·(2y + 1) + 1.
    let mut rem = n;
    let mut y: u128 = 0;
    let mut s: i32 = 126;
    while s >= 0 {
        y <<= 1;
        let step = 3 * y * (y + 1) + 1;
        // rem ≥ step·2^s, tested without shifting step (it could overflow).
        if rem >> s >= step {
            rem -= step << s;
            y += 1;
        }
        s -= 3;
    }
    // y < 2^43: the cube root of a u128.
    y as u64
}

/// `epoch_start` outside an epoch (an `Option<Instant>` would take 8 bytes more).
const NO_EPOCH: Instant = Instant::MAX;

/// RFC 9438 CUBIC. Slow start and fast recovery come from [`CongestionControl`]'s
/// provided methods; this type supplies §4.2–§4.8.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cubic {
    window: Window,
    fast_convergence: bool,
    /// W_max, bytes: cwnd just before the last reduction (§4.6, §4.7); 0 before any.
    w_max: u32,
    /// cwnd_prior (§4.6): cwnd when ssthresh was last set, for W_est's α switch.
    cwnd_prior: u32,
    /// Start of the current congestion avoidance stage, once it began.
    epoch_start: Instant,
    /// K in milliseconds (negative when the stage started above W_max).
    k_ms: i64,
    /// W_est, bytes (§4.3), and the remainder of its fractional growth.
    w_est: u32,
    w_est_rem: u64,
    /// Remainder of cwnd's fractional growth toward the target.
    cwnd_rem: u32,
    /// The next congestion avoidance stage follows an RTO (§4.8).
    after_rto: bool,
}

impl Cubic {
    /// CUBIC for a connection with this SMSS.
    pub fn new(config: CongestionConfig, smss: u32) -> Cubic {
        Cubic {
            window: Window::new(smss, config.initial_window, config.abc_limit),
            fast_convergence: config.fast_convergence,
            w_max: 0,
            cwnd_prior: 0,
            epoch_start: NO_EPOCH,
            k_ms: 0,
            w_est: 0,
            w_est_rem: 0,
            cwnd_rem: 0,
            after_rto: false,
        }
    }

    /// W_max in bytes (0 before the first congestion event).
    pub const fn w_max(&self) -> u32 {
        self.w_max
    }

    /// K in milliseconds for the current congestion avoidance stage (§4.2 eq. 2).
    pub const fn k_millis(&self) -> i64 {
        self.k_ms
    }

    /// W_est in bytes (§4.3).
    pub const fn w_est(&self) -> u32 {
        self.w_est
    }

    /// W_cubic(t) = C·(t − K)³ + W_max in bytes (§4.2 eq. 1), t since the start of the
    /// current congestion avoidance stage; saturates to `0..=u32::MAX`.
    pub fn w_cubic(&self, t: Duration) -> u32 {
        let t_ms = i128::from(t.as_millis().min(MAX_T_MS as u64));
        let d = (t_ms - i128::from(self.k_ms)).clamp(-MAX_T_MS, MAX_T_MS);
        // C·d³ segments with d in ms: C_permille/1000 · d³/10^9, times SMSS for bytes.
        let delta = d * d * d * i128::from(C_CUBIC_PERMILLE) * i128::from(self.window.smss)
            / 1_000_000_000_000;
        let w = i128::from(self.w_max) + delta;
        w.clamp(0, i128::from(u32::MAX)) as u32
    }

    /// §4.2, §4.3, §4.8: a new congestion avoidance stage begins at `now`.
    fn start_epoch(&mut self, now: Instant) {
        let cwnd = self.window.cwnd;
        self.epoch_start = now;
        self.w_est = cwnd;
        self.w_est_rem = 0;
        self.cwnd_rem = 0;
        if self.after_rto || self.w_max == 0 {
            // §4.8: after a timeout, K = 0 and W_max = cwnd at the stage's start (also
            // the only sensible origin before any congestion event).
            self.after_rto = false;
            self.w_max = cwnd;
            self.k_ms = 0;
            return;
        }
        // §4.2 eq. 2: K = ∛((W_max − cwnd_epoch) / C), in ms: ∛(Δbytes·10^12 / (C‰·SMSS)).
        let smss = u128::from(self.window.smss);
        let c = u128::from(C_CUBIC_PERMILLE);
        let cube = |diff: u32| -> i64 {
            let k = cbrt(u128::from(diff) * 1_000_000_000_000 / (c * smss));
            i64::try_from(k).unwrap_or(i64::MAX)
        };
        self.k_ms =
            if self.w_max >= cwnd { cube(self.w_max - cwnd) } else { -cube(cwnd - self.w_max) };
    }
}

impl CongestionControl for Cubic {
    fn window(&self) -> &Window {
        &self.window
    }

    fn window_mut(&mut self) -> &mut Window {
        &mut self.window
    }

    /// §4.2–§4.5: cwnd moves toward target = W_cubic(t + RTT), bounded to
    /// [cwnd, 1.5·cwnd], by (target − cwnd)/cwnd per SMSS acknowledged — concave below
    /// W_max, convex above — unless W_cubic(t) is below W_est (§4.3, the Reno-friendly
    /// region), where cwnd = W_est. W_est grows by α·acked/cwnd per SMSS, with
    /// α = 3(1−β)/(1+β) = 9/17 until W_est reaches cwnd_prior and 1 after.
    fn congestion_avoidance(&mut self, ack: &Ack) {
        let start = match self.epoch_start {
            NO_EPOCH => {
                self.start_epoch(ack.now);
                ack.now
            }
            start => start,
        };
        let t = ack.now.saturating_duration_since(start);
        let rtt = ack.srtt.unwrap_or(Duration::ZERO);
        let cwnd = self.window.cwnd.max(1);
        let smss = self.window.smss;
        // u64 throughout (no u128 division, a large routine on a 32-bit MCU): every
        // product below is bounded under 2^64 as noted.
        let acked = u64::from(ack.acked);

        // §4.3: W_est.
        let (num, den) = if self.w_est >= self.cwnd_prior { (1u64, 1u64) } else { (9, 17) };
        // SMSS < 2^16 (the MSS option is 16 bits), so this stays below 2^53; saturating
        // all the same, so no input can overflow it.
        let rem = self
            .w_est_rem
            .saturating_add(num.saturating_mul(acked).saturating_mul(u64::from(smss)));
        let w_den = den * u64::from(cwnd);
        let grow = rem / w_den;
        // Below 17·cwnd < 2^37: kept in 64 bits (state per connection).
        self.w_est_rem = rem % w_den;
        self.w_est = u32::try_from(u64::from(self.w_est) + grow).unwrap_or(u32::MAX);

        if self.w_cubic(t) < self.w_est {
            self.window.cwnd = self.window.cwnd.max(self.w_est);
            self.cwnd_rem = 0;
            return;
        }
        let upper = u64::from(cwnd) + u64::from(cwnd / 2);
        let target = u64::from(self.w_cubic(t + rtt)).clamp(u64::from(cwnd), upper);
        // < 2^32 + 2^31·2^32 (target − cwnd ≤ cwnd/2).
        let rem = u64::from(self.cwnd_rem) + (target - u64::from(cwnd)) * acked;
        let grow = rem / u64::from(cwnd);
        // Below cwnd: kept in 32 bits.
        self.cwnd_rem = u32::try_from(rem % u64::from(cwnd)).unwrap_or(0);
        let grown = u64::from(self.window.cwnd) + grow;
        self.window.cwnd = u32::try_from(grown).unwrap_or(u32::MAX);
    }

    /// §4.6, §4.7, §4.8: W_max = cwnd (or cwnd·(1 + β)/2 with fast convergence when
    /// cwnd < W_max), cwnd_prior = cwnd, ssthresh = FlightSize·β_cubic; the next
    /// congestion avoidance stage starts a new epoch.
    fn on_congestion_event(&mut self, _now: Instant, flight_size: u32, timeout: bool) -> u32 {
        let cwnd = self.window.cwnd;
        self.w_max = if self.fast_convergence && cwnd < self.w_max {
            (u64::from(cwnd) * u64::from(1000 + BETA_CUBIC_PERMILLE) / 2000) as u32
        } else {
            cwnd
        };
        self.cwnd_prior = cwnd;
        self.epoch_start = NO_EPOCH;
        if timeout {
            self.after_rto = true;
        }
        (u64::from(flight_size) * u64::from(BETA_CUBIC_PERMILLE) / 1000) as u32
    }

    fn on_recovery_end(&mut self, _now: Instant) {
        self.epoch_start = NO_EPOCH;
    }

    /// After idle the cubic curve restarts from the reduced cwnd: t must not count the
    /// idle time (RFC 9438 §5.8).
    fn on_restart(&mut self, _now: Instant) {
        self.epoch_start = NO_EPOCH;
    }
}
