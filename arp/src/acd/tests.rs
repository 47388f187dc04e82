//! RFC 5227 tests at fake times.

extern crate std;

use std::vec::Vec;

use unet_core::rng::SplitMix64;

use super::*;

const ME: EthernetAddress = EthernetAddress([0x02, 0, 0, 0, 0, 0x01]);
const OTHER: EthernetAddress = EthernetAddress([0x02, 0, 0, 0, 0, 0x02]);
const ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 7);
const ELSEWHERE: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 8);

/// What a run produced: (time, packet) and (time, event).
type Trace = (Vec<(Instant, Repr)>, Vec<(Instant, AcdEvent)>);

/// Runs the machine's timers until `until`.
fn run(acd: &mut AddressConflictDetection, until: Instant) -> Trace {
    let (mut sent, mut events) = (Vec::new(), Vec::new());
    while let Some(now) = acd.poll_timeout().filter(|t| *t <= until) {
        acd.handle_timeout(now);
        sent.extend(core::iter::from_fn(|| acd.poll_transmit(now)).map(|r| (now, r)));
        events.extend(core::iter::from_fn(|| acd.poll_event()).map(|e| (now, e)));
    }
    (sent, events)
}

fn probing(seed: u64) -> AddressConflictDetection {
    let mut acd = AddressConflictDetection::new(AcdConfig::RFC5227, ME);
    acd.start_probing(Instant::ZERO, ADDR, &mut SplitMix64::new(seed));
    acd
}

fn bound(policy: DefendPolicy) -> AddressConflictDetection {
    let config = AcdConfig { defend: policy, ..AcdConfig::RFC5227 };
    let mut acd = AddressConflictDetection::new(config, ME);
    acd.start_announcing(Instant::ZERO, ADDR);
    run(&mut acd, Instant::from_secs(10));
    while acd.poll_transmit(Instant::from_secs(10)).is_some() {}
    while acd.poll_event().is_some() {}
    assert_eq!(acd.state(), AcdState::Bound);
    acd
}

#[test]
fn rfc5227_2_1_1_probe_wait_then_three_probes_one_to_two_seconds_apart() {
    for seed in 0..50 {
        let mut acd = probing(seed);
        assert_eq!(acd.state(), AcdState::Probing);
        assert!(!acd.is_usable());
        let (sent, events) = run(&mut acd, Instant::from_secs(30));
        let probes: Vec<Instant> =
            sent.iter().filter(|(_, r)| *r == Repr::probe(ME, ADDR)).map(|(t, _)| *t).collect();
        assert_eq!(probes.len(), 3);
        assert!(probes[0] <= Instant::from_secs(1), "PROBE_WAIT");
        for w in probes.windows(2) {
            let gap = w[1] - w[0];
            assert!(gap >= Duration::from_secs(1) && gap <= Duration::from_secs(2), "{gap}");
        }
        // §2.1.1: the probe itself: request, sender IP zero, target hardware zero.
        let probe = Repr::probe(ME, ADDR);
        assert!(probe.is_probe() && probe.target_hardware_addr == EthernetAddress::UNSPECIFIED);
        // ANNOUNCE_WAIT after the last probe, the address is ours.
        assert_eq!(
            events,
            [(probes[2] + Duration::from_secs(2), AcdEvent::AddressReady { addr: ADDR })]
        );
    }
}

#[test]
fn rfc5227_2_1_1_same_seed_same_schedule() {
    let (a, b) = (
        run(&mut probing(9), Instant::from_secs(30)),
        run(&mut probing(9), Instant::from_secs(30)),
    );
    assert_eq!(a, b);
    let c = run(&mut probing(10), Instant::from_secs(30));
    assert_ne!(a.0, c.0);
}

#[test]
fn rfc5227_2_3_two_announcements_two_seconds_apart_then_bound() {
    let mut acd = probing(1);
    let (sent, events) = run(&mut acd, Instant::from_secs(30));
    let ready = events[0].0;
    let announcements: Vec<(Instant, Repr)> =
        sent.into_iter().filter(|(_, r)| r.is_announcement()).collect();
    assert_eq!(
        announcements,
        [
            (ready, Repr::announcement(ME, ADDR)),
            (ready + Duration::from_secs(2), Repr::announcement(ME, ADDR))
        ]
    );
    assert_eq!(acd.state(), AcdState::Bound);
    assert_eq!(acd.poll_timeout(), None);
    assert_eq!((acd.stats().probes_sent, acd.stats().announcements_sent), (3, 2));
}

#[test]
fn rfc5227_2_1_1_reply_from_the_address_during_probing_is_a_conflict() {
    let mut acd = probing(2);
    let (sent, _) = run(&mut acd, Instant::from_secs(2));
    assert!(!sent.is_empty());
    // The owner answers our probe (as the neighbour cache does): sender IP is ADDR.
    let reply = Repr::probe(ME, ADDR).reply(OTHER);
    acd.handle_arp(Instant::from_secs(2), &reply);
    assert_eq!(acd.poll_event(), Some(AcdEvent::Conflict { addr: ADDR, mac: OTHER }));
    assert_eq!(acd.state(), AcdState::Conflict);
    assert!(!acd.is_usable());
    assert_eq!(acd.poll_timeout(), None);
    assert_eq!(acd.poll_transmit(Instant::from_secs(20)), None);
    assert_eq!(acd.conflicts(), 1);
}

#[test]
fn rfc5227_2_1_1_any_packet_with_the_candidate_as_sender_during_announce_wait_is_a_conflict() {
    let mut acd = probing(3);
    let (sent, _) = run(&mut acd, Instant::from_secs(5));
    assert_eq!(sent.len(), 3, "all probes out, waiting ANNOUNCE_WAIT");
    let request = Repr::request(OTHER, ADDR, ELSEWHERE);
    acd.handle_arp(Instant::from_secs(5), &request);
    assert_eq!(acd.poll_event(), Some(AcdEvent::Conflict { addr: ADDR, mac: OTHER }));
}

#[test]
fn rfc5227_2_1_1_simultaneous_probe_from_another_host_is_a_conflict() {
    let mut acd = probing(4);
    acd.handle_arp(Instant::from_millis(10), &Repr::probe(OTHER, ADDR));
    assert_eq!(acd.poll_event(), Some(AcdEvent::Conflict { addr: ADDR, mac: OTHER }));
}

#[test]
fn rfc5227_2_1_1_own_packets_and_unrelated_requests_are_not_conflicts() {
    let mut acd = probing(5);
    let now = Instant::from_millis(10);
    acd.handle_arp(now, &Repr::probe(ME, ADDR));
    acd.handle_arp(now, &Repr::probe(OTHER, ELSEWHERE));
    // A request *for* the candidate from a host with an address is not a probe.
    acd.handle_arp(now, &Repr::request(OTHER, ELSEWHERE, ADDR));
    let rarp = Repr { operation: Operation::REVERSE_REPLY, ..Repr::announcement(OTHER, ADDR) };
    acd.handle_arp(now, &rarp);
    assert_eq!(acd.poll_event(), None);
    assert_eq!(acd.state(), AcdState::Probing);
}

#[test]
fn rfc5227_2_1_1_after_max_conflicts_probing_is_rate_limited() {
    let mut acd = AddressConflictDetection::new(AcdConfig::RFC5227, ME);
    let mut rng = SplitMix64::new(6);
    let mut now = Instant::ZERO;
    let mut starts = Vec::new();
    for i in 0..12u8 {
        let candidate = Ipv4Addr::new(192, 0, 2, 20 + i);
        acd.start_probing(now, candidate, &mut rng);
        let first = acd.poll_timeout().unwrap();
        starts.push(first);
        // The first probe goes out, and the address's owner answers it.
        acd.handle_timeout(first);
        assert_eq!(acd.poll_transmit(first), Some(Repr::probe(ME, candidate)));
        acd.handle_arp(first, &Repr::probe(ME, candidate).reply(OTHER));
        assert!(matches!(acd.poll_event(), Some(AcdEvent::Conflict { .. })));
        now = first;
    }
    // Ten conflicts came at PROBE_WAIT pace; from the eleventh attempt, 60 s apart.
    assert!(starts[9] < Instant::from_secs(10));
    assert!(starts[10] - starts[9] >= Duration::from_secs(60));
    assert!(starts[11] - starts[10] >= Duration::from_secs(60));
    assert_eq!(acd.stats().rate_limited, 2);
    acd.reset_conflicts();
    acd.start_probing(now, ADDR, &mut rng);
    assert!(acd.poll_timeout().unwrap() <= now + Duration::from_secs(1));
}

#[test]
fn rfc5227_2_4_b_defend_once_then_give_up_on_a_second_conflict_within_defend_interval() {
    let mut acd = bound(DefendPolicy::DefendOnce);
    let claim = Repr::announcement(OTHER, ADDR);
    acd.handle_arp(Instant::from_secs(20), &claim);
    assert_eq!(acd.poll_event(), Some(AcdEvent::Defended { addr: ADDR, mac: OTHER }));
    assert_eq!(acd.poll_transmit(Instant::from_secs(20)), Some(Repr::announcement(ME, ADDR)));
    assert_eq!(acd.state(), AcdState::Bound);
    acd.handle_arp(Instant::from_secs(29), &claim);
    assert_eq!(acd.poll_event(), Some(AcdEvent::AddressLost { addr: ADDR, mac: OTHER }));
    assert_eq!(acd.poll_transmit(Instant::from_secs(29)), None);
    assert_eq!(acd.state(), AcdState::Conflict);
}

#[test]
fn rfc5227_2_4_b_conflicts_further_apart_than_defend_interval_are_each_defended() {
    let mut acd = bound(DefendPolicy::DefendOnce);
    let claim = Repr::probe(ME, ADDR).reply(OTHER);
    for s in [20, 30, 40] {
        acd.handle_arp(Instant::from_secs(s), &claim);
        assert_eq!(acd.poll_event(), Some(AcdEvent::Defended { addr: ADDR, mac: OTHER }));
        assert_eq!(acd.poll_transmit(Instant::from_secs(s)), Some(Repr::announcement(ME, ADDR)));
    }
    assert!(acd.is_usable());
}

#[test]
fn rfc5227_2_4_a_retreat_gives_up_at_the_first_conflict() {
    let mut acd = bound(DefendPolicy::Retreat);
    acd.handle_arp(Instant::from_secs(20), &Repr::announcement(OTHER, ADDR));
    assert_eq!(acd.poll_event(), Some(AcdEvent::AddressLost { addr: ADDR, mac: OTHER }));
    assert_eq!(acd.poll_transmit(Instant::from_secs(20)), None);
}

#[test]
fn rfc5227_2_4_c_defend_always_announces_at_most_once_per_defend_interval() {
    let mut acd = bound(DefendPolicy::DefendAlways);
    let mut defences = Vec::new();
    for s in 20..60 {
        let now = Instant::from_secs(s);
        acd.handle_arp(now, &Repr::announcement(OTHER, ADDR));
        defences.extend(core::iter::from_fn(|| acd.poll_transmit(now)).map(|_| s));
    }
    assert_eq!(defences, [20, 30, 40, 50]);
    assert_eq!(acd.state(), AcdState::Bound);
    assert_eq!(acd.stats().conflicts_ignored, 36);
}

#[test]
fn rfc5227_2_4_probes_for_a_bound_address_are_left_to_the_neighbour_cache() {
    let mut acd = bound(DefendPolicy::DefendOnce);
    acd.handle_arp(Instant::from_secs(20), &Repr::probe(OTHER, ADDR));
    assert_eq!(acd.poll_event(), None);
    assert_eq!(acd.poll_transmit(Instant::from_secs(20)), None);
}

#[test]
fn rfc5227_3_static_address_is_announced_without_probing_then_defended() {
    let mut acd = AddressConflictDetection::new(AcdConfig::RFC5227, ME);
    acd.start_announcing(Instant::from_secs(5), ADDR);
    assert!(acd.is_usable());
    assert_eq!(acd.poll_event(), Some(AcdEvent::AddressReady { addr: ADDR }));
    let expected = Repr::announcement(ME, ADDR);
    // The first announcement goes at once, the second ANNOUNCE_INTERVAL later.
    assert_eq!(acd.poll_transmit(Instant::from_secs(5)), Some(expected));
    let (sent, _) = run(&mut acd, Instant::from_secs(30));
    assert_eq!(sent, [(Instant::from_secs(7), expected)]);
    assert_eq!(acd.stats().announcements_sent, 2);
    assert_eq!(acd.state(), AcdState::Bound);
    acd.handle_arp(Instant::from_secs(40), &Repr::announcement(OTHER, ADDR));
    assert_eq!(acd.poll_event(), Some(AcdEvent::Defended { addr: ADDR, mac: OTHER }));
}

#[test]
fn rfc5227_2_4_conflict_while_announcing_is_defended() {
    let mut acd = AddressConflictDetection::new(AcdConfig::RFC5227, ME);
    acd.start_announcing(Instant::ZERO, ADDR);
    assert_eq!(acd.poll_transmit(Instant::ZERO), Some(Repr::announcement(ME, ADDR)));
    acd.handle_arp(Instant::from_secs(1), &Repr::announcement(OTHER, ADDR));
    assert_eq!(acd.poll_transmit(Instant::from_secs(1)), Some(Repr::announcement(ME, ADDR)));
    assert_eq!(acd.state(), AcdState::Announcing);
}

#[test]
fn stop_and_idle_send_nothing() {
    let mut acd = probing(7);
    acd.stop();
    assert_eq!((acd.state(), acd.poll_timeout()), (AcdState::Idle, None));
    acd.handle_arp(Instant::ZERO, &Repr::probe(OTHER, Ipv4Addr::UNSPECIFIED));
    assert_eq!(acd.poll_transmit(Instant::from_secs(100)), None);
    assert_eq!(acd.poll_event(), None);
}

#[test]
fn zero_timings_still_terminate_and_keep_queues_bounded() {
    let config = AcdConfig {
        probe_wait: Duration::ZERO,
        probe_min: Duration::ZERO,
        probe_max: Duration::ZERO,
        announce_wait: Duration::ZERO,
        announce_interval: Duration::ZERO,
        probe_num: 255,
        announce_num: 255,
        ..AcdConfig::RFC5227
    };
    let mut acd = AddressConflictDetection::new(config, ME);
    acd.start_probing(Instant::ZERO, ADDR, &mut SplitMix64::new(1));
    acd.handle_timeout(Instant::ZERO);
    assert_eq!(acd.state(), AcdState::Bound);
    assert_eq!(core::iter::from_fn(|| acd.poll_transmit(Instant::ZERO)).count(), ACD_TX_QUEUE_LEN);
    assert_eq!(acd.stats().tx_dropped, 255 + 255 - ACD_TX_QUEUE_LEN as u64);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn random_packets_at_random_times_never_panic_and_stay_bounded(
            seed in any::<u64>(),
            announce_only in any::<bool>(),
            ops in proptest::collection::vec((0u64..3_000, 0u16..4, any::<u8>(), 0u8..4, 0u8..4, 0u8..4), 0..100),
        ) {
            let mut acd = AddressConflictDetection::new(AcdConfig::RFC5227, ME);
            let mut rng = SplitMix64::new(seed);
            let mut now = Instant::ZERO;
            let ip = |i: u8| [Ipv4Addr::UNSPECIFIED, ADDR, ELSEWHERE, Ipv4Addr::BROADCAST][usize::from(i)];
            for (dt, op, m, s, t, action) in ops {
                now += Duration::from_millis(dt);
                match action {
                    0 if announce_only => acd.start_announcing(now, ADDR),
                    0 => acd.start_probing(now, ADDR, &mut rng),
                    1 => acd.handle_timeout(now),
                    _ => {
                        let sha = if m % 3 == 0 { ME } else { EthernetAddress([2, 0, 0, 0, 0, m]) };
                        let repr = Repr {
                            operation: Operation(op),
                            source_hardware_addr: sha,
                            source_protocol_addr: ip(s),
                            target_hardware_addr: EthernetAddress::UNSPECIFIED,
                            target_protocol_addr: ip(t),
                        };
                        acd.handle_arp(now, &repr);
                    }
                }
                let mut n = 0;
                while let Some(r) = acd.poll_transmit(now) {
                    prop_assert!(r.is_probe() || r.is_announcement());
                    prop_assert_eq!(r.source_hardware_addr, ME);
                    n += 1;
                }
                prop_assert!(n <= ACD_TX_QUEUE_LEN);
                while let Some(e) = acd.poll_event() {
                    if let AcdEvent::AddressReady { .. } = e {
                        prop_assert!(acd.is_usable() || acd.state() == AcdState::Conflict);
                    }
                }
                if let Some(t) = acd.poll_timeout() {
                    prop_assert!(acd.state() == AcdState::Probing || acd.state() == AcdState::Announcing);
                    let _ = t;
                }
            }
        }
    }
}
