//! Tests of the RFC 6298 estimator (included from `rtt.rs`).

use super::*;
use proptest::prelude::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn us(n: u64) -> Duration {
    Duration::from_micros(n)
}

/// Linux's 200 ms minimum, so that sub-second RTOs are visible.
fn linux() -> RttEstimator {
    RttEstimator::new(RttConfig::LINUX)
}

#[test]
fn rfc6298_2_1_initial_rto_is_one_second() {
    let rtt = RttEstimator::new(RttConfig::default());
    assert_eq!(rtt.rto(), Duration::from_secs(1));
    assert_eq!(rtt.srtt(), None);
    assert_eq!(rtt.rttvar(), None);
}

#[test]
fn rfc6298_2_2_first_rtt_measurement() {
    let mut rtt = linux();
    rtt.on_sample(ms(100), 1);
    assert_eq!(rtt.srtt(), Some(ms(100)));
    assert_eq!(rtt.rttvar(), Some(ms(50)));
    // RTO = SRTT + max(G, K*RTTVAR) = 100 + 200 ms.
    assert_eq!(rtt.rto(), ms(300));
}

#[test]
fn rfc6298_2_3_subsequent_rtt_measurement() {
    let mut rtt = linux();
    rtt.on_sample(ms(100), 1);
    rtt.on_sample(ms(200), 1);
    // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5 ms (computed with the old SRTT).
    assert_eq!(rtt.rttvar(), Some(us(62_500)));
    // SRTT = 7/8 * 100 + 1/8 * 200 = 112.5 ms.
    assert_eq!(rtt.srtt(), Some(us(112_500)));
    assert_eq!(rtt.rto(), us(112_500 + 250_000));
}

#[test]
fn rfc6298_2_4_rto_rounded_up_to_minimum() {
    let mut rtt = RttEstimator::new(RttConfig::RFC6298);
    rtt.on_sample(ms(10), 1);
    assert_eq!(rtt.rto(), Duration::from_secs(1));
    let mut rtt = linux();
    rtt.on_sample(ms(10), 1);
    assert_eq!(rtt.rto(), ms(200));
}

#[test]
fn rfc6298_2_5_maximum_is_at_least_sixty_seconds() {
    let config = RttConfig { max_rto: Duration::from_secs(5), ..RttConfig::RFC6298 };
    let mut rtt = RttEstimator::new(config);
    assert_eq!(rtt.config().max_rto, Duration::from_secs(60));
    rtt.on_sample(Duration::from_secs(100), 1);
    assert_eq!(rtt.rto(), Duration::from_secs(60));
}

#[test]
fn rfc6298_2_clock_granularity_bounds_the_variance_term() {
    let config =
        RttConfig { min_rto: Duration::ZERO, clock_granularity: ms(10), ..RttConfig::RFC6298 };
    let mut rtt = RttEstimator::new(config);
    // Identical samples drive RTTVAR towards zero; RTO stays at least SRTT + G.
    for _ in 0..200 {
        rtt.on_sample(ms(50), 1);
    }
    assert_eq!(rtt.srtt(), Some(ms(50)));
    assert_eq!(rtt.rttvar(), Some(Duration::ZERO));
    assert_eq!(rtt.rto(), ms(60));
}

#[test]
fn rfc6298_5_5_timeout_doubles_rto_up_to_the_maximum() {
    let mut rtt = RttEstimator::new(RttConfig::RFC6298);
    let mut expected = 1;
    for _ in 0..5 {
        assert_eq!(rtt.rto(), Duration::from_secs(expected));
        rtt.on_timeout();
        expected *= 2;
    }
    assert_eq!(rtt.rto(), Duration::from_secs(32));
    rtt.on_timeout();
    assert_eq!(rtt.rto(), Duration::from_secs(60));
    for _ in 0..100 {
        rtt.on_timeout();
    }
    assert_eq!(rtt.rto(), Duration::from_secs(60));
    // The count stops growing once the maximum is reached.
    assert_eq!(rtt.backoffs(), 6);
}

#[test]
fn rfc6298_5_new_sample_collapses_the_backoff() {
    let mut rtt = linux();
    rtt.on_sample(ms(100), 1);
    rtt.on_timeout();
    rtt.on_timeout();
    assert_eq!(rtt.rto(), ms(1200));
    rtt.on_sample(ms(100), 1);
    assert_eq!(rtt.backoffs(), 0);
    assert!(rtt.rto() < ms(400));
}

#[test]
fn rfc6298_3_classic_timing_takes_one_sample() {
    let mut rtt = linux();
    let t0 = Instant::from_millis(1000);
    rtt.on_transmit(t0, SeqNumber(101), false);
    // A second segment does not restart the timing.
    rtt.on_transmit(t0 + ms(10), SeqNumber(201), false);
    assert!(rtt.is_timing());
    // An ACK short of the timed segment gives nothing.
    assert_eq!(rtt.on_ack(t0 + ms(40), SeqNumber(51)), None);
    assert_eq!(rtt.on_ack(t0 + ms(80), SeqNumber(201)), Some(ms(80)));
    assert!(!rtt.is_timing());
    assert_eq!(rtt.srtt(), Some(ms(80)));
    // Nothing timed any more: no second sample.
    assert_eq!(rtt.on_ack(t0 + ms(90), SeqNumber(201)), None);
}

#[test]
fn rfc6298_3_karn_no_sample_from_a_retransmitted_segment() {
    let mut rtt = linux();
    let t0 = Instant::from_millis(0);
    rtt.on_transmit(t0, SeqNumber(1001), false);
    rtt.on_timeout();
    rtt.on_transmit(t0 + Duration::from_secs(1), SeqNumber(1001), true);
    assert_eq!(rtt.on_ack(t0 + ms(1010), SeqNumber(1001)), None);
    assert_eq!(rtt.srtt(), None);
    // The backoff stays until new data is sent and acknowledged.
    assert_eq!(rtt.rto(), Duration::from_secs(2));
    rtt.on_transmit(t0 + ms(1020), SeqNumber(2001), false);
    assert_eq!(rtt.on_ack(t0 + ms(1070), SeqNumber(2001)), Some(ms(50)));
    assert_eq!(rtt.backoffs(), 0);
}

#[test]
fn rfc6298_3_timing_across_sequence_wrap() {
    let mut rtt = linux();
    rtt.on_transmit(Instant::ZERO, SeqNumber(5), false);
    assert_eq!(rtt.on_ack(Instant::from_millis(7), SeqNumber(u32::MAX)), None);
    assert_eq!(rtt.on_ack(Instant::from_millis(8), SeqNumber(5)), Some(ms(8)));
}

#[test]
fn rfc6298_5_7_rto_three_seconds_after_retransmitted_syn() {
    let mut rtt = RttEstimator::new(RttConfig::RFC6298);
    rtt.on_syn_timeout();
    assert_eq!(rtt.rto(), Duration::from_secs(2));
    rtt.on_handshake_complete();
    assert_eq!(rtt.rto(), Duration::from_secs(3));
    // Later samples compute RTO normally again.
    rtt.on_sample(ms(100), 1);
    assert_eq!(rtt.rto(), Duration::from_secs(1));
}

#[test]
fn rfc6298_5_7_no_change_without_syn_retransmission() {
    let mut rtt = RttEstimator::new(RttConfig::RFC6298);
    rtt.on_handshake_complete();
    assert_eq!(rtt.rto(), Duration::from_secs(1));
}

#[test]
fn rfc7323_4_rttm_sample_from_tsecr() {
    let mut rtt = linux();
    let got = rtt.on_ack_timestamp(1_100, 1_000, ms(1), true, 1460, 1460);
    assert_eq!(got, Some(ms(100)));
    assert_eq!(rtt.srtt(), Some(ms(100)));
}

#[test]
fn rfc7323_4_rttm_no_sample_when_nothing_new_is_acknowledged() {
    let mut rtt = linux();
    assert_eq!(rtt.on_ack_timestamp(1_100, 1_000, ms(1), false, 1460, 1460), None);
    assert_eq!(rtt.srtt(), None);
}

#[test]
fn rfc7323_4_rttm_valid_after_retransmission() {
    // The echoed TSval identifies the copy that was received, so no Karn's rule.
    let mut rtt = linux();
    rtt.on_transmit(Instant::ZERO, SeqNumber(100), false);
    rtt.on_timeout();
    rtt.on_transmit(Instant::from_secs(1), SeqNumber(100), true);
    assert_eq!(rtt.on_ack_timestamp(1_030, 1_000, ms(1), true, 100, 1460), Some(ms(30)));
    assert_eq!(rtt.backoffs(), 0);
}

#[test]
fn rfc7323_4_rttm_timestamp_clock_wraps() {
    let mut rtt = linux();
    let got = rtt.on_ack_timestamp(10, u32::MAX - 9, ms(1), true, 1, 1460);
    assert_eq!(got, Some(ms(20)));
    // A TSecr from "the future" is ignored.
    assert_eq!(rtt.on_ack_timestamp(1_000, 1_001, ms(1), true, 1, 1460), None);
    assert_eq!(rtt.srtt(), Some(ms(20)));
}

#[test]
fn rfc7323_appendix_g_gains_divided_by_expected_samples() {
    let mut rtt = linux();
    assert!(rtt.on_ack_timestamp(100, 0, ms(1), true, 1460, 1460).is_some());
    // FlightSize 10 segments: ExpectedSamples = ceil(10 / 2) = 5, alpha' = 1/40,
    // beta' = 1/20.
    assert!(rtt.on_ack_timestamp(400, 200, ms(1), true, 14_600, 1460).is_some());
    // RTTVAR = 19/20 * 50 + 1/20 * 100 = 52.5 ms; SRTT = 39/40 * 100 + 1/40 * 200 = 102.5.
    assert_eq!(rtt.rttvar(), Some(us(52_500)));
    assert_eq!(rtt.srtt(), Some(us(102_500)));
}

proptest! {
    #[test]
    fn rto_stays_within_bounds(
        ops in proptest::collection::vec((0u8..4, any::<u64>(), any::<u32>()), 0..64),
        min_ms in 0u64..2_000,
        max_s in 0u64..200,
    ) {
        let config = RttConfig {
            min_rto: ms(min_ms),
            max_rto: Duration::from_secs(max_s),
            ..RttConfig::RFC6298
        };
        let mut rtt = RttEstimator::new(config);
        let max = rtt.config().max_rto;
        prop_assert!(max >= MIN_MAX_RTO);
        for (op, a, b) in ops {
            match op {
                0 => rtt.on_sample(Duration::from_micros(a), u64::from(b)),
                1 => rtt.on_timeout(),
                2 => {
                    rtt.on_ack_timestamp(b, a as u32, Duration::from_micros(a), true, b, a as u32);
                }
                _ => {
                    rtt.on_transmit(Instant::from_micros(a), SeqNumber(b), a % 2 == 0);
                    rtt.on_ack(Instant::from_micros(a.wrapping_mul(3)), SeqNumber(b));
                }
            }
            prop_assert!(rtt.rto() <= max);
            prop_assert!(rtt.rto() >= rtt.config().min_rto);
        }
    }
}

proptest! {
    /// The u64 form of RFC 6298 §2.3's averages equals the plain u128 formula.
    #[test]
    fn rfc6298_2_3_ewma_matches_the_u128_formula(x: u64, sample: u64, k in 1u64..=8, n: u32) {
        let d = u128::from(k) * u128::from(n.max(1));
        let exact = (u128::from(x) * (d - 1) + u128::from(sample)) / d;
        prop_assert_eq!(u128::from(ewma(x, sample, Some(k * u64::from(n.max(1))))), exact);
    }

    /// A divisor beyond u64 (absurd sample counts): the step is below one, rounded down.
    #[test]
    fn rfc6298_2_3_ewma_with_a_divisor_beyond_u64(x: u64, sample: u64) {
        let expected = if sample >= x { x } else { x - 1 };
        prop_assert_eq!(ewma(x, sample, None), expected);
    }
}
