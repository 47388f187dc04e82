use core::net::{Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;
use unet_core::rng::RngCore;
use unet_core::rng::SplitMix64;
use unet_core::{Duration, Instant};

use super::*;

fn tuple() -> CookieTuple<Ipv4Addr> {
    CookieTuple {
        local: Ipv4Addr::new(192, 0, 2, 1),
        local_port: 80,
        remote: Ipv4Addr::new(198, 51, 100, 7),
        remote_port: 40000,
    }
}

const T0: Instant = Instant::from_secs(10_000);

#[test]
fn rfc4987_3_6_round_trip_recovers_the_mss() {
    let c = SynCookies::new(&mut SplitMix64::new(1));
    let isn = SeqNumber(0xdead_beef);
    for (peer_mss, want) in [
        (1460, 1460),
        (1400, 1400),
        (1459, 1440),
        (9000, 8960),
        (65535, 8960),
        (536, 536),
        (100, 536), // below the table: the smallest entry
        (1220, 1220),
        (4400, 4312),
    ] {
        let (cookie, mss) = c.generate(T0, &tuple(), isn, peer_mss);
        assert_eq!(mss, want, "peer mss {peer_mss}");
        assert_eq!(c.validate(T0, &tuple(), isn, cookie), Ok(want));
    }
    let v6 = CookieTuple {
        local: Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
        local_port: 443,
        remote: Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2),
        remote_port: 50000,
    };
    let (cookie, mss) = c.generate(T0, &v6, isn, 1440);
    assert_eq!(c.validate(T0, &v6, isn, cookie), Ok(mss));
}

#[test]
fn rfc4987_3_6_cookie_expires_after_max_age_periods() {
    let c = SynCookies::from_key([3; 16]);
    let isn = SeqNumber(1);
    let (cookie, _) = c.generate(T0, &tuple(), isn, 1460);
    let period = COUNTER_PERIOD.as_micros();
    // Valid through MAX_AGE full periods after the one it was issued in.
    let start_of_period = Instant::from_micros(T0.as_micros() / period * period);
    let last_valid = start_of_period + COUNTER_PERIOD.saturating_mul(u64::from(MAX_AGE) + 1)
        - Duration::from_micros(1);
    assert_eq!(c.validate(last_valid, &tuple(), isn, cookie), Ok(1460));
    assert_eq!(
        c.validate(last_valid + Duration::from_micros(1), &tuple(), isn, cookie),
        Err(CookieError::Expired)
    );
    // 32 periods later the 5 counter bits match again, but the MAC covers the full counter.
    let wrapped = T0 + COUNTER_PERIOD.saturating_mul(32);
    assert_eq!(c.validate(wrapped, &tuple(), isn, cookie), Err(CookieError::BadMac));
    // A cookie "from the future" is refused too.
    let earlier = T0 - COUNTER_PERIOD;
    assert!(c.validate(earlier, &tuple(), isn, cookie).is_err());
}

#[test]
fn rfc4987_3_6_tampered_cookies_are_rejected() {
    let c = SynCookies::from_key([4; 16]);
    let isn = SeqNumber(77);
    let (cookie, _) = c.generate(T0, &tuple(), isn, 1460);
    // Another MSS index (a peer trying to raise its MSS), another client ISN, tuple.
    let bumped = SeqNumber(cookie.0 ^ (1 << 24));
    assert_eq!(c.validate(T0, &tuple(), isn, bumped), Err(CookieError::BadMac));
    assert_eq!(c.validate(T0, &tuple(), isn + 1, cookie), Err(CookieError::BadMac));
    let mut other = tuple();
    other.remote_port += 1;
    assert_eq!(c.validate(T0, &other, isn, cookie), Err(CookieError::BadMac));
    // Every single-bit flip of the MAC is caught.
    for bit in 0..24 {
        let flipped = SeqNumber(cookie.0 ^ (1 << bit));
        assert!(c.validate(T0, &tuple(), isn, flipped).is_err(), "bit {bit}");
    }
}

#[test]
fn key_rotation_keeps_cookies_valid_for_one_rotation_only() {
    let mut rng = SplitMix64::new(5);
    let mut c = SynCookies::new(&mut rng);
    let isn = SeqNumber(9);
    let (cookie, _) = c.generate(T0, &tuple(), isn, 1460);
    c.rotate(&mut rng);
    assert_eq!(c.validate(T0, &tuple(), isn, cookie), Ok(1460));
    let (fresh, _) = c.generate(T0, &tuple(), isn, 1460);
    assert_ne!(fresh, cookie);
    c.rotate(&mut rng);
    assert_eq!(c.validate(T0, &tuple(), isn, cookie), Err(CookieError::BadMac));
    assert_eq!(c.validate(T0, &tuple(), isn, fresh), Ok(1460));
}

#[test]
fn rfc4987_3_6_blind_guesses_are_rejected() {
    // 200 000 random ACK numbers against one tuple and ISN: none may pass (the chance that
    // one does is about 200 000 * 3/32 * 2^-24, about 0.1%, and the seed is fixed).
    let c = SynCookies::from_key([6; 16]);
    let mut rng = SplitMix64::new(6);
    let accepted = (0..200_000)
        .filter(|_| c.validate(T0, &tuple(), SeqNumber(5), SeqNumber(rng.next_u32())).is_ok())
        .count();
    assert_eq!(accepted, 0);
}

/// RFC 7323 §5.4 / RFC 4987 §3.6: the options survive in the TSval's low bits, and the
/// TSval never runs ahead of the clock it was taken from.
#[test]
fn rfc7323_window_scale_and_sack_survive_in_the_tsval() {
    let all = [
        CookieOptions { window_scale: None, sack_permitted: false },
        CookieOptions { window_scale: Some(0), sack_permitted: true },
        CookieOptions { window_scale: Some(7), sack_permitted: false },
        CookieOptions { window_scale: Some(14), sack_permitted: true },
    ];
    for now in [0u32, 5, 63, 64, 1_000_000, u32::MAX] {
        for opts in all {
            let ts = encode_tsval(now, opts);
            assert_eq!(decode_tsecr(ts), opts);
            let behind = now.wrapping_sub(ts);
            assert!(behind < 64, "ts {ts} now {now}");
        }
    }
    // A shift above 14 is recorded as 14.
    let big = CookieOptions { window_scale: Some(20), sack_permitted: false };
    assert_eq!(decode_tsecr(encode_tsval(1000, big)).window_scale, Some(14));
}

proptest! {
    #[test]
    fn random_acks_are_rejected(key in any::<[u8; 16]>(), isn in any::<u32>(), ack in any::<u32>(),
                                secs in 0u64..1_000_000) {
        let c = SynCookies::from_key(key);
        let now = Instant::from_secs(secs);
        let (real, _) = c.generate(now, &tuple(), SeqNumber(isn), 1460);
        prop_assume!(ack != real.0);
        prop_assert!(c.validate(now, &tuple(), SeqNumber(isn), SeqNumber(ack)).is_err());
    }

    #[test]
    fn generated_cookies_validate_for_any_input(key in any::<[u8; 16]>(), isn in any::<u32>(),
                                                mss in any::<u16>(), secs in 0u64..u64::MAX / 2_000_000,
                                                delay in 0u64..128) {
        let c = SynCookies::from_key(key);
        let now = Instant::from_secs(secs);
        let (cookie, used) = c.generate(now, &tuple(), SeqNumber(isn), mss);
        prop_assert!(MSS_TABLE.contains(&used));
        prop_assert!(used <= mss.max(536));
        let later = now + Duration::from_secs(delay);
        prop_assert_eq!(c.validate(later, &tuple(), SeqNumber(isn), cookie), Ok(used));
    }
}
