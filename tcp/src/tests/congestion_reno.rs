//! Tests of the shared RFC 5681 / RFC 6582 machinery, run with Reno (included from
//! `congestion/mod.rs`).

use super::*;
use proptest::prelude::*;

const SMSS: u32 = 1000;

fn reno() -> Congestion {
    let config = CongestionConfig { algorithm: Algorithm::Reno, ..CongestionConfig::default() };
    Congestion::new(config, SMSS)
}

fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

fn ack(cc: &mut Congestion, to: u32, acked: u32, flight_size: u32) -> AckOutcome {
    cc.on_ack(&Ack { now: at(0), ack: SeqNumber(to), acked, flight_size, srtt: None })
}

/// Reno in fast recovery: SND.UNA = 1000, SND.NXT = 11000 (ten segments out), cwnd was
/// 10000 before the third duplicate ACK.
fn in_recovery(mode: RecoveryMode) -> Congestion {
    let mut cc = reno();
    cc.set_mode(mode);
    assert_eq!(cc.cwnd(), 10_000);
    let (una, nxt) = (SeqNumber(1000), SeqNumber(11_000));
    assert_eq!(cc.on_dup_ack(at(0), una, nxt, 10_000), DupAckOutcome::LimitedTransmit);
    assert_eq!(cc.on_dup_ack(at(0), una, nxt, 10_000), DupAckOutcome::LimitedTransmit);
    assert_eq!(cc.on_dup_ack(at(0), una, nxt, 10_000), DupAckOutcome::FastRetransmit);
    cc
}

#[test]
fn rfc6928_2_initial_window() {
    assert_eq!(initial_window(1460), 14_600);
    assert_eq!(initial_window(536), 5_360);
    assert_eq!(initial_window(1000), 10_000);
    assert_eq!(initial_window(4000), 14_600);
    assert_eq!(initial_window(9000), 18_000);
    assert_eq!(initial_window(u32::MAX), u32::MAX);
    assert_eq!(reno().cwnd(), 10_000);
    let config = CongestionConfig { initial_window: Some(2 * SMSS), ..CongestionConfig::default() };
    assert_eq!(Congestion::new(config, SMSS).cwnd(), 2000);
}

#[test]
fn rfc5681_3_1_initial_ssthresh_arbitrarily_high() {
    let cc = reno();
    assert_eq!(cc.ssthresh(), u32::MAX);
    assert!(cc.in_slow_start());
}

#[test]
fn rfc5681_3_1_slow_start_increase() {
    let mut cc = reno();
    assert_eq!(ack(&mut cc, 2000, 1000, 9000), AckOutcome::Normal);
    assert_eq!(cc.cwnd(), 11_000);
    // A stretch ACK of four segments still adds at most SMSS (cwnd += min(N, SMSS)).
    ack(&mut cc, 6000, 4000, 9000);
    assert_eq!(cc.cwnd(), 12_000);
    // A small ACK adds only what it acknowledges.
    ack(&mut cc, 6100, 100, 9000);
    assert_eq!(cc.cwnd(), 12_100);
}

#[test]
fn rfc3465_2_2_abc_limit_two_smss() {
    let config = CongestionConfig {
        algorithm: Algorithm::Reno,
        abc_limit: 2,
        ..CongestionConfig::default()
    };
    let mut cc = Congestion::new(config, SMSS);
    ack(&mut cc, 5000, 4000, 0);
    assert_eq!(cc.cwnd(), 12_000);
}

#[test]
fn rfc5681_3_1_congestion_avoidance_one_smss_per_window() {
    let mut cc = in_recovery(RecoveryMode::NewReno);
    assert_eq!(ack(&mut cc, 11_000, 10_000, 0), AckOutcome::RecoveryExited);
    // ssthresh = 5000; cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS) = 2000.
    assert_eq!(cc.ssthresh(), 5000);
    assert_eq!(cc.cwnd(), 2000);
    // Slow start up to ssthresh...
    for i in 0..3 {
        ack(&mut cc, 12_000 + i * 1000, 1000, 0);
    }
    assert_eq!(cc.cwnd(), 5000);
    assert!(!cc.in_slow_start());
    // ...then one SMSS per cwnd of acknowledged bytes.
    for i in 0..4 {
        ack(&mut cc, 15_000 + i * 1000, 1000, 0);
        assert_eq!(cc.cwnd(), 5000);
    }
    ack(&mut cc, 19_000, 1000, 0);
    assert_eq!(cc.cwnd(), 6000);
}

#[test]
fn rfc5681_3_1_eq4_rto_sets_loss_window() {
    let mut cc = reno();
    cc.on_rto(at(0), 20_000, SeqNumber(21_000));
    assert_eq!(cc.ssthresh(), 10_000);
    assert_eq!(cc.cwnd(), SMSS);
    let mut cc = reno();
    cc.on_rto(at(0), 3000, SeqNumber(4000));
    assert_eq!(cc.ssthresh(), 2 * SMSS);
    assert_eq!(cc.window().timeouts(), 1);
}

#[test]
fn rfc5681_3_1_repeated_rto_holds_ssthresh() {
    let mut cc = reno();
    cc.on_rto(at(0), 20_000, SeqNumber(21_000));
    // The retransmission times out too: FlightSize is now one segment but ssthresh holds.
    cc.on_rto(at(1000), 1000, SeqNumber(21_000));
    assert_eq!(cc.ssthresh(), 10_000);
    assert_eq!(cc.cwnd(), SMSS);
}

#[test]
fn rfc5681_3_2_fast_retransmit_and_inflation() {
    let mut cc = in_recovery(RecoveryMode::NewReno);
    assert!(cc.in_recovery());
    // ssthresh = max(FlightSize / 2, 2 SMSS); cwnd = ssthresh + 3 SMSS.
    assert_eq!(cc.ssthresh(), 5000);
    assert_eq!(cc.cwnd(), 8000);
    assert_eq!(
        cc.on_dup_ack(at(0), SeqNumber(1000), SeqNumber(11_000), 10_000),
        DupAckOutcome::InRecovery
    );
    assert_eq!(cc.cwnd(), 9000);
    assert_eq!(cc.window().recoveries(), 1);
}

#[test]
fn rfc5681_3_2_first_two_dup_acks_leave_cwnd_alone() {
    let mut cc = reno();
    cc.on_dup_ack(at(0), SeqNumber(1), SeqNumber(5001), 5000);
    cc.on_dup_ack(at(0), SeqNumber(1), SeqNumber(5001), 5000);
    assert_eq!(cc.cwnd(), 10_000);
    assert_eq!(cc.window().dup_acks(), 2);
    // A new ACK resets the count.
    ack(&mut cc, 1001, 1000, 4000);
    assert_eq!(cc.window().dup_acks(), 0);
}

#[test]
fn rfc3042_2_limited_transmit_allowance() {
    // One segment per duplicate, on the first two only.
    assert_eq!(limited_transmit_allowance(1, 10_000, 10_000, SMSS), SMSS);
    assert_eq!(limited_transmit_allowance(2, 11_000, 10_000, SMSS), SMSS);
    assert_eq!(limited_transmit_allowance(0, 0, 10_000, SMSS), 0);
    assert_eq!(limited_transmit_allowance(3, 10_000, 10_000, SMSS), 0);
    // FlightSize must stay at most cwnd + 2 SMSS.
    assert_eq!(limited_transmit_allowance(2, 11_500, 10_000, SMSS), 500);
    assert_eq!(limited_transmit_allowance(2, 12_000, 10_000, SMSS), 0);
    assert_eq!(limited_transmit_allowance(1, u32::MAX, u32::MAX, u32::MAX), 0);
}

#[test]
fn rfc6582_3_2_step2_no_fast_retransmit_below_recover() {
    let mut cc = reno();
    // An RTO sets recover = SND.NXT = 11000.
    cc.on_rto(at(0), 10_000, SeqNumber(11_000));
    ack(&mut cc, 2000, 1000, 9000);
    let (una, nxt) = (SeqNumber(2000), SeqNumber(11_000));
    cc.on_dup_ack(at(0), una, nxt, 9000);
    cc.on_dup_ack(at(0), una, nxt, 9000);
    // The duplicates do not cover recover: they may come from the go-back-N retransmits.
    assert_eq!(cc.on_dup_ack(at(0), una, nxt, 9000), DupAckOutcome::Ignored);
    assert!(!cc.in_recovery());
    assert_eq!(cc.ssthresh(), 5000);
    // Once SND.UNA passed recover, a new loss is recognised.
    ack(&mut cc, 11_000, 9000, 0);
    let (una, nxt) = (SeqNumber(11_000), SeqNumber(15_000));
    cc.on_dup_ack(at(0), una, nxt, 4000);
    cc.on_dup_ack(at(0), una, nxt, 4000);
    assert_eq!(cc.on_dup_ack(at(0), una, nxt, 4000), DupAckOutcome::FastRetransmit);
}

#[test]
fn rfc6582_3_2_partial_ack() {
    let mut cc = in_recovery(RecoveryMode::NewReno);
    assert_eq!(cc.cwnd(), 8000);
    // Two segments acknowledged: deflate by 2000, add back one SMSS.
    assert_eq!(ack(&mut cc, 3000, 2000, 8000), AckOutcome::PartialAck { first: true });
    assert_eq!(cc.cwnd(), 7000);
    assert!(cc.in_recovery());
    // Less than one SMSS acknowledged: no SMSS added back.
    assert_eq!(ack(&mut cc, 3500, 500, 7500), AckOutcome::PartialAck { first: false });
    assert_eq!(cc.cwnd(), 6500);
}

#[test]
fn rfc6582_3_2_full_ack_exits_fast_recovery() {
    let mut cc = in_recovery(RecoveryMode::NewReno);
    ack(&mut cc, 3000, 2000, 8000);
    // recover = 11000: an ACK of 11000 acknowledges everything up to and including it.
    assert_eq!(ack(&mut cc, 11_000, 8000, 3000), AckOutcome::RecoveryExited);
    assert!(!cc.in_recovery());
    // cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS) = min(5000, 4000).
    assert_eq!(cc.cwnd(), 4000);
    assert_eq!(cc.window().recover(), None);
}

#[test]
fn rfc6582_3_2_step4_rto_exits_recovery_and_sets_recover() {
    let mut cc = in_recovery(RecoveryMode::NewReno);
    cc.on_rto(at(1000), 10_000, SeqNumber(12_000));
    assert!(!cc.in_recovery());
    assert_eq!(cc.window().recover(), Some(SeqNumber(12_000)));
    assert_eq!(cc.cwnd(), SMSS);
}

#[test]
fn rfc6675_5_sack_recovery_cwnd_is_ssthresh() {
    let mut cc = in_recovery(RecoveryMode::Sack);
    assert_eq!(cc.ssthresh(), 5000);
    assert_eq!(cc.cwnd(), 5000);
    // No inflation, no deflation: pipe governs sending.
    cc.on_dup_ack(at(0), SeqNumber(1000), SeqNumber(11_000), 10_000);
    assert_eq!(cc.cwnd(), 5000);
    assert_eq!(ack(&mut cc, 3000, 2000, 8000), AckOutcome::PartialAck { first: true });
    assert_eq!(cc.cwnd(), 5000);
    assert_eq!(ack(&mut cc, 11_000, 8000, 0), AckOutcome::RecoveryExited);
    assert_eq!(cc.cwnd(), 2000);
}

#[test]
fn rfc6675_5_enter_recovery_directly() {
    let mut cc = reno();
    cc.set_mode(RecoveryMode::Sack);
    cc.enter_recovery(at(0), 8000, SeqNumber(9000));
    assert!(cc.in_recovery());
    assert_eq!(cc.cwnd(), 4000);
    // A second call in the same recovery changes nothing.
    cc.enter_recovery(at(0), 4000, SeqNumber(9000));
    assert_eq!(cc.ssthresh(), 4000);
    assert_eq!(cc.window().recoveries(), 1);
}

#[test]
fn rfc5681_4_1_restart_after_idle() {
    let mut cc = reno();
    for i in 0..20 {
        ack(&mut cc, 1000 * (i + 2), 1000, 0);
    }
    assert_eq!(cc.cwnd(), 30_000);
    let rto = Duration::from_secs(1);
    assert!(!cc.on_idle_restart(at(0), Duration::from_millis(900), rto));
    assert_eq!(cc.cwnd(), 30_000);
    assert!(cc.on_idle_restart(at(0), Duration::from_millis(1100), rto));
    assert_eq!(cc.cwnd(), 10_000);
    // Already at or below IW: unchanged.
    assert!(!cc.on_idle_restart(at(0), Duration::from_secs(5), rto));
}

#[test]
fn set_smss_keeps_cwnd_at_least_one_segment() {
    let mut cc = reno();
    cc.on_rto(at(0), 0, SeqNumber(0));
    cc.set_smss(1400);
    assert_eq!(cc.smss(), 1400);
    assert_eq!(cc.cwnd(), 1400);
    cc.set_smss(0);
    assert_eq!(cc.smss(), 1);
}

proptest! {
    #[test]
    fn cwnd_never_below_one_smss(
        cubic: bool,
        smss in 1u32..10_000,
        ops in proptest::collection::vec((0u8..6, any::<u32>(), any::<u32>()), 0..200),
    ) {
        let algorithm = if cubic { Algorithm::Cubic } else { Algorithm::Reno };
        let config = CongestionConfig { algorithm, ..CongestionConfig::default() };
        let mut cc = Congestion::new(config, smss);
        let mut now = 0u64;
        for (op, a, b) in ops {
            now += u64::from(a % 100_000);
            let t = Instant::from_micros(now);
            match op {
                0 => {
                    let srtt = Some(Duration::from_micros(u64::from(b % 1_000_000)));
                    cc.on_ack(&Ack { now: t, ack: SeqNumber(a), acked: b, flight_size: a, srtt });
                }
                1 => {
                    cc.on_dup_ack(t, SeqNumber(a), SeqNumber(b), b.wrapping_sub(a));
                }
                2 => cc.on_rto(t, a, SeqNumber(b)),
                3 => cc.enter_recovery(t, a, SeqNumber(b)),
                4 => {
                    cc.on_idle_restart(t, Duration::from_micros(u64::from(a)), Duration::from_micros(u64::from(b)));
                }
                _ => cc.set_mode(if a % 2 == 0 { RecoveryMode::Sack } else { RecoveryMode::NewReno }),
            }
            prop_assert!(cc.cwnd() >= cc.smss());
            prop_assert!(cc.ssthresh() >= 2 * cc.smss() || cc.ssthresh() == u32::MAX || cc.smss() > u32::MAX / 2);
        }
    }
}
