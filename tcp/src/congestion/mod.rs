//! Congestion control: RFC 5681 slow start, congestion avoidance, fast retransmit and
//! fast recovery, with RFC 6582 NewReno partial ACKs (or RFC 6675 SACK recovery), RFC 3042
//! limited transmit, RFC 6928's initial window and RFC 5681 §4.1's restart after idle.
//! The window growth and reduction are those of [`Cubic`] (RFC 9438, the default) or
//! [`Reno`] (RFC 5681).
//!
//! A connection owns one [`Congestion`] (an enum: static dispatch, no allocation) and
//! calls, through the [`CongestionControl`] trait:
//!
//! | event | call | the connection then |
//! |---|---|---|
//! | ACK advancing SND.UNA | [`on_ack`](CongestionControl::on_ack) | on [`AckOutcome::PartialAck`] retransmits the first unacknowledged segment (and restarts the timer if `first`) |
//! | duplicate ACK (RFC 5681 §2) | [`on_dup_ack`](CongestionControl::on_dup_ack) | sends one new segment within [`limited_transmit_allowance`], or retransmits on [`DupAckOutcome::FastRetransmit`] |
//! | SACK loss detected without DupThresh duplicates (RFC 6675 §5 step 3b) | [`enter_recovery`](CongestionControl::enter_recovery) | runs RFC 6675 §5 step 4 |
//! | retransmission timeout | [`on_rto`](CongestionControl::on_rto) | retransmits SND.UNA |
//! | sending after an idle period | [`on_idle_restart`](CongestionControl::on_idle_restart) | — |
//! | SACK negotiated | [`set_mode`](CongestionControl::set_mode) | — |
//!
//! It may send while `FlightSize < cwnd()` (NewReno mode) or `pipe < cwnd()` (SACK
//! mode, RFC 6675 §5 step C). All sizes are bytes. cwnd never falls below one SMSS.
//!
//! Not done: RFC 9438 §4.9's spurious-congestion undo, HyStart++, RFC 7661 cwnd
//! validation for application-limited flows, ECN.
//!
//! ```
//! use unet_core::time::Instant;
//! use unet_tcp::congestion::{Ack, Congestion, CongestionConfig, CongestionControl};
//! use unet_tcp::SeqNumber;
//!
//! let mut cc = Congestion::new(CongestionConfig::default(), 1460);
//! assert_eq!(cc.cwnd(), 14_600); // RFC 6928
//! cc.on_ack(&Ack {
//!     now: Instant::ZERO,
//!     ack: SeqNumber(1461),
//!     acked: 1460,
//!     flight_size: 0,
//!     srtt: None,
//! });
//! assert_eq!(cc.cwnd(), 16_060); // slow start
//! ```

#[cfg(feature = "cubic")]
mod cubic;
mod reno;
mod window;

use unet_core::time::{Duration, Instant};

use crate::seq::SeqNumber;

#[cfg(feature = "cubic")]
pub use cubic::{cbrt, Cubic, BETA_CUBIC_PERMILLE, C_CUBIC_PERMILLE};
pub use reno::Reno;
pub use window::{
    initial_window, limited_transmit_allowance, Ack, AckOutcome, DupAckOutcome, RecoveryMode,
    Window, DUP_THRESH,
};

/// Which window algorithm to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// RFC 9438 CUBIC (the default, as in Linux). Without the `cubic` cargo feature
    /// (which leaves CUBIC's code out of an image) a connection asked for CUBIC runs
    /// [`Algorithm::Reno`].
    #[default]
    Cubic,
    /// RFC 5681 Reno.
    Reno,
}

/// Congestion control settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CongestionConfig {
    /// The window algorithm. Default CUBIC.
    pub algorithm: Algorithm,
    /// The initial window in bytes; `None` for RFC 6928's `min(10·MSS, max(2·MSS, 14600))`.
    pub initial_window: Option<u32>,
    /// RFC 3465 appropriate byte counting limit L in slow start, in SMSS: 1 (RFC 5681's
    /// `min(N, SMSS)`, the default) or 2 (RFC 3465 §2.2's L = 2·SMSS).
    pub abc_limit: u32,
    /// CUBIC fast convergence (RFC 9438 §4.7). Default on.
    pub fast_convergence: bool,
}

impl Default for CongestionConfig {
    fn default() -> CongestionConfig {
        CongestionConfig {
            algorithm: Algorithm::Cubic,
            initial_window: None,
            abc_limit: 1,
            fast_convergence: true,
        }
    }
}

/// A congestion control algorithm: the shared RFC 5681/6582 machinery as provided
/// methods, over the algorithm's own growth and reduction rules.
pub trait CongestionControl {
    /// The shared window state.
    fn window(&self) -> &Window;
    /// The shared window state, mutably.
    fn window_mut(&mut self) -> &mut Window;
    /// Congestion avoidance growth for a new ACK (called when not in slow start and not
    /// in recovery).
    fn congestion_avoidance(&mut self, ack: &Ack);
    /// A congestion event (fast retransmit or RTO) with `flight_size` bytes outstanding:
    /// returns the new ssthresh and updates the algorithm's own state.
    fn on_congestion_event(&mut self, now: Instant, flight_size: u32, timeout: bool) -> u32;
    /// Fast recovery ended (a new congestion avoidance stage begins).
    fn on_recovery_end(&mut self, now: Instant);
    /// cwnd was cut back after idle (RFC 5681 §4.1).
    fn on_restart(&mut self, now: Instant);

    /// The congestion window, bytes.
    fn cwnd(&self) -> u32 {
        self.window().cwnd
    }
    /// The slow start threshold, bytes.
    fn ssthresh(&self) -> u32 {
        self.window().ssthresh
    }
    /// cwnd < ssthresh (RFC 5681 §3.1).
    fn in_slow_start(&self) -> bool {
        self.window().cwnd < self.window().ssthresh
    }
    /// In fast recovery.
    fn in_recovery(&self) -> bool {
        self.window().in_recovery
    }
    /// SMSS, bytes.
    fn smss(&self) -> u32 {
        self.window().smss
    }
    /// A new SMSS (path MTU change); cwnd stays at least one SMSS.
    fn set_smss(&mut self, smss: u32) {
        let w = self.window_mut();
        w.smss = smss.max(1);
        w.floor_cwnd();
    }
    /// Chooses NewReno or SACK (RFC 6675) recovery; set once SACK is negotiated.
    fn set_mode(&mut self, mode: RecoveryMode) {
        self.window_mut().mode = mode;
    }

    /// An ACK advanced SND.UNA (RFC 5681 §3.1; RFC 6582 §3.2 step 3).
    ///
    /// In recovery, an ACK covering `recover` ends it (cwnd = min(ssthresh,
    /// max(FlightSize, SMSS) + SMSS), RFC 6582's first option); one short of it is a
    /// partial ACK: NewReno deflates cwnd by the bytes acknowledged and adds back SMSS if
    /// at least SMSS was acknowledged. Outside recovery cwnd grows: slow start below
    /// ssthresh, the algorithm's congestion avoidance above.
    fn on_ack(&mut self, ack: &Ack) -> AckOutcome {
        let w = self.window_mut();
        w.dup_acks = 0;
        w.timeouts_in_row = 0;
        if w.in_recovery {
            if w.covers_recover(ack.ack) {
                w.in_recovery = false;
                w.recover = None;
                let deflated = ack.flight_size.max(w.smss).saturating_add(w.smss);
                w.cwnd = w.ssthresh.min(deflated);
                w.floor_cwnd();
                self.on_recovery_end(ack.now);
                return AckOutcome::RecoveryExited;
            }
            w.partial_acks = w.partial_acks.saturating_add(1);
            let first = w.partial_acks == 1;
            if w.mode == RecoveryMode::NewReno {
                w.cwnd = w.cwnd.saturating_sub(ack.acked);
                if ack.acked >= w.smss {
                    w.cwnd = w.cwnd.saturating_add(w.smss);
                }
                w.floor_cwnd();
            }
            return AckOutcome::PartialAck { first };
        }
        if w.covers_recover(ack.ack) {
            w.recover = None;
        }
        if w.cwnd < w.ssthresh {
            w.slow_start(ack.acked);
        } else {
            self.congestion_avoidance(ack);
        }
        self.window_mut().floor_cwnd();
        AckOutcome::Normal
    }

    /// A duplicate ACK (RFC 5681 §2's definition, checked by the connection) with
    /// SND.UNA = `snd_una`, SND.NXT = `snd_nxt` and `flight_size` bytes outstanding.
    ///
    /// The first two allow limited transmit (RFC 3042). The third enters fast recovery
    /// if it covers more than `recover` (RFC 6582 §3.2 step 2): `recover` = SND.NXT,
    /// ssthresh per the algorithm, cwnd = ssthresh + 3·SMSS (NewReno mode, RFC 5681 §3.2
    /// step 2–3) or ssthresh (SACK mode, RFC 6675 §5 step 4.2). Further duplicates in
    /// NewReno recovery inflate cwnd by SMSS (RFC 5681 §3.2 step 4).
    fn on_dup_ack(
        &mut self,
        now: Instant,
        snd_una: SeqNumber,
        snd_nxt: SeqNumber,
        flight_size: u32,
    ) -> DupAckOutcome {
        let w = self.window_mut();
        w.dup_acks = w.dup_acks.saturating_add(1);
        if w.in_recovery {
            if w.mode == RecoveryMode::NewReno {
                w.cwnd = w.cwnd.saturating_add(w.smss);
            }
            return DupAckOutcome::InRecovery;
        }
        if w.dup_acks < DUP_THRESH {
            return DupAckOutcome::LimitedTransmit;
        }
        if w.dup_acks > DUP_THRESH || !w.covers_recover(snd_una) {
            return DupAckOutcome::Ignored;
        }
        self.enter_recovery(now, flight_size, snd_nxt);
        DupAckOutcome::FastRetransmit
    }

    /// Enters fast recovery / loss recovery now (RFC 6675 §5 step 4, also used by
    /// [`on_dup_ack`](Self::on_dup_ack)): `recover` (RecoveryPoint) = `snd_nxt`, ssthresh
    /// from the algorithm with `flight_size`, cwnd = ssthresh (+ 3·SMSS in NewReno mode).
    /// Does nothing if already in recovery.
    fn enter_recovery(&mut self, now: Instant, flight_size: u32, snd_nxt: SeqNumber) {
        if self.window().in_recovery {
            return;
        }
        let ssthresh = self.on_congestion_event(now, flight_size, false);
        let w = self.window_mut();
        w.ssthresh = ssthresh.max(w.smss.saturating_mul(2));
        w.cwnd = match w.mode {
            RecoveryMode::NewReno => w.ssthresh.saturating_add(w.smss.saturating_mul(3)),
            RecoveryMode::Sack => w.ssthresh,
        };
        w.recover = Some(snd_nxt);
        w.in_recovery = true;
        w.partial_acks = 0;
        w.recoveries = w.recoveries.saturating_add(1);
    }

    /// The retransmission timer expired with `flight_size` bytes outstanding and
    /// SND.NXT = `snd_nxt` (RFC 5681 §3.1 eq. 4, RFC 6582 §3.2 step 4).
    ///
    /// ssthresh = the algorithm's reduction of FlightSize (Reno: max(FlightSize/2,
    /// 2·SMSS)), held on a repeated timeout of the same data; cwnd = 1 SMSS (the loss
    /// window); fast recovery ends and `recover` = SND.NXT.
    fn on_rto(&mut self, now: Instant, flight_size: u32, snd_nxt: SeqNumber) {
        if self.window().timeouts_in_row == 0 {
            let ssthresh = self.on_congestion_event(now, flight_size, true);
            let w = self.window_mut();
            w.ssthresh = ssthresh.max(w.smss.saturating_mul(2));
        }
        let w = self.window_mut();
        w.cwnd = w.smss;
        w.in_recovery = false;
        w.recover = Some(snd_nxt);
        w.dup_acks = 0;
        w.timeouts_in_row = w.timeouts_in_row.saturating_add(1);
        w.timeouts = w.timeouts.saturating_add(1);
    }

    /// About to send after `idle` without sending, the RTO being `rto` (RFC 5681 §4.1):
    /// if idle exceeded RTO, cwnd = min(IW, cwnd) (the restart window). Returns whether
    /// cwnd was reduced.
    fn on_idle_restart(&mut self, now: Instant, idle: Duration, rto: Duration) -> bool {
        if idle <= rto {
            return false;
        }
        let w = self.window_mut();
        let restart = w.initial_window.min(w.cwnd);
        let reduced = restart < w.cwnd;
        w.cwnd = restart;
        w.floor_cwnd();
        self.on_restart(now);
        reduced
    }
}

/// The algorithm a connection runs, chosen at run time without allocation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Congestion {
    /// RFC 5681 Reno.
    Reno(Reno),
    /// RFC 9438 CUBIC.
    #[cfg(feature = "cubic")]
    Cubic(Cubic),
}

impl Congestion {
    /// A controller for a connection whose SMSS is `smss` bytes.
    pub fn new(config: CongestionConfig, smss: u32) -> Congestion {
        match config.algorithm {
            Algorithm::Reno => Congestion::Reno(Reno::new(config, smss)),
            #[cfg(feature = "cubic")]
            Algorithm::Cubic => Congestion::Cubic(Cubic::new(config, smss)),
            #[cfg(not(feature = "cubic"))]
            Algorithm::Cubic => Congestion::Reno(Reno::new(config, smss)),
        }
    }

    /// Which algorithm runs.
    pub const fn algorithm(&self) -> Algorithm {
        match self {
            Congestion::Reno(_) => Algorithm::Reno,
            #[cfg(feature = "cubic")]
            Congestion::Cubic(_) => Algorithm::Cubic,
        }
    }
}

impl CongestionControl for Congestion {
    fn window(&self) -> &Window {
        match self {
            Congestion::Reno(r) => r.window(),
            #[cfg(feature = "cubic")]
            Congestion::Cubic(c) => c.window(),
        }
    }
    fn window_mut(&mut self) -> &mut Window {
        match self {
            Congestion::Reno(r) => r.window_mut(),
            #[cfg(feature = "cubic")]
            Congestion::Cubic(c) => c.window_mut(),
        }
    }
    fn congestion_avoidance(&mut self, ack: &Ack) {
        match self {
            Congestion::Reno(r) => r.congestion_avoidance(ack),
            #[cfg(feature = "cubic")]
            Congestion::Cubic(c) => c.congestion_avoidance(ack),
        }
    }
    fn on_congestion_event(&mut self, now: Instant, flight_size: u32, timeout: bool) -> u32 {
        match self {
            Congestion::Reno(r) => r.on_congestion_event(now, flight_size, timeout),
            #[cfg(feature = "cubic")]
            Congestion::Cubic(c) => c.on_congestion_event(now, flight_size, timeout),
        }
    }
    fn on_recovery_end(&mut self, now: Instant) {
        match self {
            Congestion::Reno(r) => r.on_recovery_end(now),
            #[cfg(feature = "cubic")]
            Congestion::Cubic(c) => c.on_recovery_end(now),
        }
    }
    fn on_restart(&mut self, now: Instant) {
        match self {
            Congestion::Reno(r) => r.on_restart(now),
            #[cfg(feature = "cubic")]
            Congestion::Cubic(c) => c.on_restart(now),
        }
    }
}

#[cfg(test)]
#[path = "../tests/congestion_reno.rs"]
mod tests_reno;

#[cfg(all(test, feature = "cubic"))]
#[path = "../tests/congestion_cubic.rs"]
mod tests_cubic;
