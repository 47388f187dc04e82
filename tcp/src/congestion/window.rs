//! The state every algorithm shares: cwnd, ssthresh, the duplicate-ACK count and the
//! fast recovery bookkeeping of RFC 5681 §3.2 and RFC 6582 §3.2.

use unet_core::time::Instant;

use crate::seq::SeqNumber;

/// RFC 5681 §3.2 / RFC 6675 §2: the number of duplicate ACKs that triggers fast retransmit.
pub const DUP_THRESH: u32 = 3;

/// RFC 6928 §2: IW = min(10·MSS, max(2·MSS, 14600)) bytes.
///
/// ```
/// assert_eq!(unet_tcp::congestion::initial_window(1460), 14_600);
/// assert_eq!(unet_tcp::congestion::initial_window(9000), 18_000);
/// assert_eq!(unet_tcp::congestion::initial_window(536), 5_360);
/// ```
pub const fn initial_window(smss: u32) -> u32 {
    let floor = if 2 * (smss as u64) > 14_600 { 2 * (smss as u64) } else { 14_600 };
    let ten = 10 * smss as u64;
    let iw = if ten < floor { ten } else { floor };
    if iw > u32::MAX as u64 {
        u32::MAX
    } else {
        iw as u32
    }
}

/// RFC 3042 §2 (limited transmit): how many bytes of new data may be sent in answer to
/// the `dup_acks`-th duplicate ACK, before fast retransmit. On each of the first two
/// duplicate ACKs one segment of at most SMSS may go out, provided FlightSize stays at
/// most cwnd + 2·SMSS; cwnd itself is not changed. The caller must also respect the
/// receiver's window and have new data to send. Returns 0 when nothing may be sent.
pub fn limited_transmit_allowance(dup_acks: u32, flight_size: u32, cwnd: u32, smss: u32) -> u32 {
    if !(1..DUP_THRESH).contains(&dup_acks) {
        return 0;
    }
    let limit = cwnd.saturating_add(smss.saturating_mul(2));
    limit.saturating_sub(flight_size).min(smss)
}

/// How the connection recovers from loss, which decides what cwnd does in fast recovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecoveryMode {
    /// No SACK: RFC 5681 §3.2 fast recovery with RFC 6582 NewReno partial ACKs (cwnd
    /// inflated by 3·SMSS and by SMSS per further duplicate ACK, deflated on partial ACKs).
    #[default]
    NewReno,
    /// SACK in use: RFC 6675 §5 loss recovery; cwnd = ssthresh for the whole recovery and
    /// the connection sends while `pipe < cwnd`, choosing segments with the scoreboard.
    Sack,
}

/// A cumulative ACK that advanced SND.UNA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack {
    /// When it arrived.
    pub now: Instant,
    /// The new SND.UNA (the ACK's acknowledgment number).
    pub ack: SeqNumber,
    /// Bytes it newly acknowledged (the advance of SND.UNA).
    pub acked: u32,
    /// Bytes still outstanding after it (SND.NXT − new SND.UNA): RFC 6582's "FlightSize"
    /// when fast recovery ends.
    pub flight_size: u32,
    /// The current smoothed RTT, if any (CUBIC's W_cubic(t + RTT), RFC 9438 §4.2).
    pub srtt: Option<unet_core::time::Duration>,
}

/// What the connection must do after [`on_ack`](super::CongestionControl::on_ack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// Nothing special: send what cwnd allows.
    Normal,
    /// A partial ACK in fast recovery (RFC 6582 §3.2 step 3): retransmit the first
    /// unacknowledged segment (NewReno mode; in SACK mode the scoreboard picks) and, if
    /// `first`, restart the retransmission timer.
    PartialAck {
        /// The first partial ACK of this recovery.
        first: bool,
    },
    /// A full ACK: fast recovery is over and cwnd was deflated (RFC 6582 §3.2 step 3).
    RecoveryExited,
}

/// What the connection must do after [`on_dup_ack`](super::CongestionControl::on_dup_ack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DupAckOutcome {
    /// First or second duplicate: RFC 3042 limited transmit; see
    /// [`limited_transmit_allowance`].
    LimitedTransmit,
    /// DupThresh reached and recovery entered: retransmit the first unacknowledged
    /// segment now (RFC 5681 §3.2 step 2; RFC 6675 §5 step 4.3).
    FastRetransmit,
    /// In recovery: cwnd was inflated by SMSS (NewReno mode); send what it allows.
    InRecovery,
    /// DupThresh reached but the ACK does not cover `recover` (RFC 6582 §3.2 step 2,
    /// so not a new loss event), or more duplicates outside recovery: nothing to do.
    Ignored,
}

/// The state shared by every algorithm: RFC 5681 cwnd/ssthresh (bytes), SMSS, the
/// duplicate-ACK count and RFC 6582's `recover`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub(super) smss: u32,
    pub(super) cwnd: u32,
    pub(super) ssthresh: u32,
    pub(super) initial_window: u32,
    /// RFC 3465 L: slow start grows by at most `abc_limit · SMSS` per ACK.
    pub(super) abc_limit: u32,
    pub(super) mode: RecoveryMode,
    pub(super) dup_acks: u32,
    /// RFC 6582 `recover`; `None` until the first loss event, and again once SND.UNA has
    /// passed it (any later ACK "covers more than recover"; forgetting it avoids the
    /// comparison going wrong after 2^31 bytes).
    pub(super) recover: Option<SeqNumber>,
    pub(super) in_recovery: bool,
    pub(super) partial_acks: u32,
    /// Consecutive RTOs without an ACK of new data (RFC 5681 §3.1: ssthresh is held on
    /// the second and later ones).
    pub(super) timeouts_in_row: u32,
    pub(super) recoveries: u32,
    pub(super) timeouts: u32,
}

impl Window {
    pub(super) fn new(smss: u32, initial: Option<u32>, abc_limit: u32) -> Window {
        let smss = smss.max(1);
        let initial_window = initial.unwrap_or_else(|| initial_window(smss)).max(smss);
        Window {
            smss,
            cwnd: initial_window,
            // RFC 5681 §3.1: initially arbitrarily high.
            ssthresh: u32::MAX,
            initial_window,
            abc_limit: abc_limit.clamp(1, 2),
            mode: RecoveryMode::NewReno,
            dup_acks: 0,
            recover: None,
            in_recovery: false,
            partial_acks: 0,
            timeouts_in_row: 0,
            recoveries: 0,
            timeouts: 0,
        }
    }

    /// cwnd in bytes.
    pub const fn cwnd(&self) -> u32 {
        self.cwnd
    }
    /// ssthresh in bytes (`u32::MAX` until the first loss).
    pub const fn ssthresh(&self) -> u32 {
        self.ssthresh
    }
    /// SMSS in bytes.
    pub const fn smss(&self) -> u32 {
        self.smss
    }
    /// The initial window (RFC 6928 unless configured), also the restart window's bound.
    pub const fn initial_window(&self) -> u32 {
        self.initial_window
    }
    /// Duplicate ACKs in a row.
    pub const fn dup_acks(&self) -> u32 {
        self.dup_acks
    }
    /// In fast recovery / SACK loss recovery.
    pub const fn in_recovery(&self) -> bool {
        self.in_recovery
    }
    /// RFC 6582 `recover`, stored as SND.NXT at the last loss event or RTO (one past the
    /// highest sequence number transmitted then), while it still matters.
    pub const fn recover(&self) -> Option<SeqNumber> {
        self.recover
    }
    /// The recovery mode.
    pub const fn mode(&self) -> RecoveryMode {
        self.mode
    }
    /// Fast retransmits / loss recoveries entered so far.
    pub const fn recoveries(&self) -> u32 {
        self.recoveries
    }
    /// Retransmission timeouts so far.
    pub const fn timeouts(&self) -> u32 {
        self.timeouts
    }

    /// RFC 6582 §3.2: does the cumulative ACK `ack` cover more than `recover` (step 2),
    /// i.e. acknowledge all data up to and including it (step 3's full ACK)? `recover`
    /// is stored as SND.NXT at the loss event, one past RFC 6582's "highest sequence
    /// number transmitted", so both tests are `ack >= recover`.
    pub(super) fn covers_recover(&self, ack: SeqNumber) -> bool {
        match self.recover {
            None => true,
            Some(r) => ack.diff(r) >= 0,
        }
    }

    /// Slow start (RFC 5681 §3.1 eq. 2, RFC 3465 §2.2): cwnd += min(N, L·SMSS).
    pub(super) fn slow_start(&mut self, acked: u32) {
        let limit = self.smss.saturating_mul(self.abc_limit);
        self.cwnd = self.cwnd.saturating_add(acked.min(limit));
    }

    pub(super) fn floor_cwnd(&mut self) {
        if self.cwnd < self.smss {
            self.cwnd = self.smss;
        }
    }
}
