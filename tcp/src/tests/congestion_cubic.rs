//! Tests of CUBIC (RFC 9438) and its integer cube root (included from
//! `congestion/mod.rs`).

use super::*;
use proptest::prelude::*;

const SMSS: u32 = 1000;

fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

fn cubic_with(initial: u32, fast_convergence: bool) -> Cubic {
    let config = CongestionConfig {
        initial_window: Some(initial),
        fast_convergence,
        ..CongestionConfig::default()
    };
    Cubic::new(config, SMSS)
}

/// A loss at cwnd = 100 segments, recovery over, cwnd = 70 segments: the state at the
/// start of a congestion avoidance stage.
fn after_loss() -> Cubic {
    let mut cc = cubic_with(initial_window(SMSS), true);
    for _ in 0..90 {
        ack_at(&mut cc, at(0), SMSS, 0);
    }
    assert_eq!(cc.cwnd(), 100 * SMSS);
    cc.enter_recovery(at(0), 100 * SMSS, SeqNumber(100_000));
    assert_eq!(cc.ssthresh(), 70 * SMSS);
    let full = Ack {
        now: at(100),
        ack: SeqNumber(100_000),
        acked: 100 * SMSS,
        flight_size: 80 * SMSS,
        srtt: None,
    };
    assert_eq!(cc.on_ack(&full), AckOutcome::RecoveryExited);
    assert_eq!(cc.cwnd(), 70 * SMSS);
    assert!(!cc.in_slow_start());
    cc
}

fn ack_at(cc: &mut Cubic, now: Instant, acked: u32, srtt_ms: u64) {
    let srtt = Some(Duration::from_millis(srtt_ms));
    cc.on_ack(&Ack { now, ack: SeqNumber(0), acked, flight_size: 0, srtt });
}

#[test]
fn cbrt_small_values_exhaustive() {
    for n in 0u128..200_000 {
        let r = u128::from(cbrt(n));
        assert!(r * r * r <= n && (r + 1) * (r + 1) * (r + 1) > n, "cbrt({n}) = {r}");
    }
}

#[test]
fn cbrt_perfect_cubes_and_neighbours() {
    for r in [1u128, 2, 10, 1000, 4217, 1 << 20, 1 << 40, 6_981_463_658_331] {
        let c = r * r * r;
        assert_eq!(u128::from(cbrt(c)), r);
        assert_eq!(u128::from(cbrt(c - 1)), r - 1);
        if let Some(next) = c.checked_add(1) {
            assert_eq!(u128::from(cbrt(next)), r);
        }
    }
    assert_eq!(cbrt(u128::MAX), 6_981_463_658_331);
}

proptest! {
    #[test]
    fn cbrt_is_the_floor_cube_root(n: u128) {
        let r = u128::from(cbrt(n));
        prop_assert!(r.pow(3) <= n);
        prop_assert!((r + 1).checked_pow(3).is_none_or(|c| c > n));
    }

    #[test]
    fn cbrt_of_u64_is_the_floor_cube_root(n: u64) {
        let r = u128::from(cbrt(u128::from(n)));
        prop_assert!(r.pow(3) <= u128::from(n) && (r + 1).pow(3) > u128::from(n));
    }
}

#[test]
fn rfc9438_default_algorithm_is_cubic() {
    let cc = Congestion::new(CongestionConfig::default(), 1460);
    assert_eq!(cc.algorithm(), Algorithm::Cubic);
}

#[test]
fn rfc9438_4_6_multiplicative_decrease_beta() {
    let cc = after_loss();
    // ssthresh = FlightSize * 0.7; W_max = cwnd at the loss.
    assert_eq!(cc.ssthresh(), 70_000);
    assert_eq!(cc.w_max(), 100_000);
    // Floor of 2 SMSS.
    let mut cc = cubic_with(10 * SMSS, true);
    cc.enter_recovery(at(0), 2000, SeqNumber(3000));
    assert_eq!(cc.ssthresh(), 2000);
}

#[test]
fn rfc9438_4_2_k_and_w_cubic() {
    let mut cc = after_loss();
    ack_at(&mut cc, at(1000), SMSS, 0);
    // K = ∛((W_max − cwnd_epoch) / C) = ∛(30 / 0.4) s = 4.2172 s.
    assert_eq!(cc.k_millis(), 4217);
    // W_cubic(0) is cwnd_epoch, W_cubic(K) is W_max (to the millisecond's rounding).
    let w0 = cc.w_cubic(Duration::ZERO);
    assert!((69_990..=70_010).contains(&w0), "{w0}");
    assert_eq!(cc.w_cubic(Duration::from_millis(4217)), 100_000);
    // t = K + 1 s: W_max + C·1³ segments = 100 400 bytes.
    assert_eq!(cc.w_cubic(Duration::from_millis(5217)), 100_400);
    // t = K + 10 s: W_max + 0.4·1000 segments.
    assert_eq!(cc.w_cubic(Duration::from_millis(14_217)), 500_000);
}

#[test]
fn rfc9438_4_4_concave_then_4_5_convex() {
    let mut cc = after_loss();
    ack_at(&mut cc, at(1000), SMSS, 0);
    let w = |s: u64| cc.w_cubic(Duration::from_millis(s));
    // Concave region (t < K): below W_max, growth slowing down.
    assert!(w(1000) - w(0) > w(2000) - w(1000));
    assert!(w(2000) - w(1000) > w(3000) - w(2000));
    assert!(w(4000) < 100_000);
    // Convex region (t > K): above W_max, growth speeding up.
    assert!(w(5000) > 100_000);
    assert!(w(7000) - w(6000) > w(6000) - w(5000));
}

#[test]
fn rfc9438_4_2_cwnd_follows_the_curve_over_time() {
    let mut cc = after_loss();
    // One window of ACKs per 100 ms RTT, for 8 seconds.
    let mut now = 1000;
    let mut at_k = 0;
    for _ in 0..80 {
        let segments = cc.cwnd() / SMSS;
        for _ in 0..segments {
            ack_at(&mut cc, at(now), SMSS, 100);
        }
        now += 100;
        if now == 1000 + 4200 {
            at_k = cc.cwnd();
        }
    }
    // Near K the window is back near W_max (a plateau), and later above it.
    assert!((95_000..=105_000).contains(&at_k), "{at_k}");
    assert!(cc.cwnd() > 110_000, "{}", cc.cwnd());
}

#[test]
fn rfc9438_4_2_target_at_most_one_and_a_half_cwnd() {
    let mut cc = after_loss();
    ack_at(&mut cc, at(1000), SMSS, 0);
    let before = cc.cwnd();
    // Far in the convex region, one ACK of a whole window adds at most cwnd / 2.
    ack_at(&mut cc, at(100_000), before, 0);
    assert!(cc.cwnd() <= before + before / 2 + SMSS, "{}", cc.cwnd());
    assert!(cc.cwnd() > before);
}

#[test]
fn rfc9438_4_3_reno_friendly_region() {
    let mut cc = after_loss();
    // Many ACKs at the very start of the stage: W_cubic has not moved, W_est has.
    for _ in 0..(17 * 70) {
        ack_at(&mut cc, at(1000), SMSS, 1);
    }
    // 17 windows of 70 segments acknowledged: W_est grew by about 9 segments (α = 9/17).
    let w_est = cc.w_est();
    assert!((78_000..=79_500).contains(&w_est), "{w_est}");
    assert_eq!(cc.cwnd(), w_est);
}

#[test]
fn rfc9438_4_7_fast_convergence() {
    let mut cc = after_loss();
    ack_at(&mut cc, at(1000), SMSS, 0);
    let cwnd = cc.cwnd();
    assert!(cwnd < cc.w_max());
    // A second loss below W_max: W_max = cwnd (1 + β) / 2, releasing bandwidth.
    cc.enter_recovery(at(2000), cwnd, SeqNumber(200_000));
    assert_eq!(cc.w_max(), cwnd * 17 / 20);
    // Without fast convergence W_max is cwnd.
    let mut config = CongestionConfig { fast_convergence: false, ..CongestionConfig::default() };
    config.initial_window = Some(100 * SMSS);
    let mut cc = Cubic::new(config, SMSS);
    cc.enter_recovery(at(0), 100 * SMSS, SeqNumber(100_000));
    cc.on_ack(&Ack { now: at(10), ack: SeqNumber(100_000), acked: 1, flight_size: 0, srtt: None });
    cc.enter_recovery(at(20), 10_000, SeqNumber(200_000));
    assert_eq!(cc.w_max(), 2000);
}

#[test]
fn rfc9438_4_8_timeout() {
    let mut cc = cubic_with(100 * SMSS, true);
    cc.on_rto(at(0), 100 * SMSS, SeqNumber(100_000));
    // ssthresh with β_cubic, cwnd = the loss window.
    assert_eq!(cc.ssthresh(), 70_000);
    assert_eq!(cc.cwnd(), SMSS);
    // Slow start back to ssthresh...
    let mut now = 100;
    while cc.in_slow_start() {
        ack_at(&mut cc, at(now), SMSS, 100);
        now += 1;
    }
    // ...then the first stage after the timeout has K = 0 and W_max = its start cwnd.
    ack_at(&mut cc, at(now), SMSS, 100);
    assert_eq!(cc.k_millis(), 0);
    assert_eq!(cc.w_max(), 70_000);
}

#[test]
fn rfc5681_4_1_cubic_restart_after_idle() {
    let mut cc = after_loss();
    ack_at(&mut cc, at(1000), SMSS, 0);
    assert!(cc.on_idle_restart(at(60_000), Duration::from_secs(5), Duration::from_secs(1)));
    assert_eq!(cc.cwnd(), initial_window(SMSS));
    let mut now = 60_000;
    while cc.in_slow_start() {
        ack_at(&mut cc, at(now), SMSS, 100);
        now += 1;
    }
    // A new stage, not the old epoch 59 s later (which would jump to 1.5 cwnd).
    ack_at(&mut cc, at(now), SMSS, 100);
    assert_eq!(cc.k_millis(), 4217);
    assert!(cc.cwnd() < 71_000, "{}", cc.cwnd());
}
