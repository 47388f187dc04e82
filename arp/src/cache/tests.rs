//! Neighbour cache tests at fake times, named after the rule they check.

extern crate std;

use core::net::Ipv4Addr;
use std::vec::Vec;

use unet_core::{Duration, Instant, TokenBucket};
use unet_ethernet::EthernetAddress;

use super::*;
use crate::{Operation, Repr};

pub(super) const ME: EthernetAddress = EthernetAddress([0x02, 0, 0, 0, 0, 0x01]);
pub(super) const PEER_MAC: EthernetAddress = EthernetAddress([0x02, 0, 0, 0, 0, 0x02]);
pub(super) const OTHER_MAC: EthernetAddress = EthernetAddress([0x02, 0, 0, 0, 0, 0x03]);
pub(super) const MY_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub(super) const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);
pub(super) const OTHER_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 3);

pub(super) fn ms(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

pub(super) fn secs(s: u64) -> Instant {
    Instant::from_secs(s)
}

pub(super) fn new_cache(slots: &mut [Neighbor], config: CacheConfig) -> NeighborCache<'_> {
    let mut cache = NeighborCache::new(config, ME, slots);
    cache.add_protocol_addr(MY_IP).unwrap();
    cache
}

pub(super) fn drain(cache: &mut NeighborCache<'_>, now: Instant) -> Vec<Transmit> {
    core::iter::from_fn(|| cache.poll_transmit(now)).collect()
}

pub(super) fn events(cache: &mut NeighborCache<'_>) -> Vec<CacheEvent> {
    core::iter::from_fn(|| cache.poll_event()).collect()
}

pub(super) fn packet(op: Operation, sha: EthernetAddress, spa: Ipv4Addr, tpa: Ipv4Addr) -> Repr {
    let tha = if op == Operation::REPLY { ME } else { EthernetAddress::UNSPECIFIED };
    Repr {
        operation: op,
        source_hardware_addr: sha,
        source_protocol_addr: spa,
        target_hardware_addr: tha,
        target_protocol_addr: tpa,
    }
}

/// Resolves PEER_IP to PEER_MAC at `now` through a request and its reply.
pub(super) fn resolve_peer(cache: &mut NeighborCache<'_>, now: Instant) {
    assert_eq!(cache.lookup(now, PEER_IP), None);
    let sent = drain(cache, now);
    assert_eq!(sent.len(), 1);
    cache.handle_arp(now, &sent[0].repr.reply(PEER_MAC)).unwrap();
    assert_eq!(events(cache), [CacheEvent::Resolved { ip: PEER_IP, mac: PEER_MAC }]);
}

#[test]
fn rfc826_request_for_our_address_is_answered_to_its_sender_and_cached() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    let request = Repr::request(PEER_MAC, PEER_IP, MY_IP);
    cache.handle_arp(secs(1), &request).unwrap();
    let sent = drain(&mut cache, secs(1));
    assert_eq!(sent, [Transmit { destination: PEER_MAC, repr: request.reply(ME) }]);
    assert_eq!(sent[0].repr.target_hardware_addr, PEER_MAC);
    assert_eq!(sent[0].repr.source_protocol_addr, MY_IP);
    // "add the triplet ... to the translation table", without an event: nothing waited.
    assert_eq!(cache.peek(secs(1), PEER_IP), Some(PEER_MAC));
    assert_eq!(cache.state(PEER_IP), Some(NeighborState::Reachable));
    assert_eq!(events(&mut cache), []);
    assert_eq!((cache.stats().added, cache.stats().replies_sent), (1, 1));
}

#[test]
fn rfc826_packet_for_another_target_adds_nothing_and_is_not_answered() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    cache.handle_arp(secs(1), &Repr::request(PEER_MAC, PEER_IP, OTHER_IP)).unwrap();
    cache.handle_arp(secs(1), &packet(Operation::REPLY, PEER_MAC, PEER_IP, OTHER_IP)).unwrap();
    assert!(cache.is_empty());
    assert_eq!(drain(&mut cache, secs(1)), []);
}

#[test]
fn rfc826_merge_updates_an_existing_entry_from_any_packet() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    resolve_peer(&mut cache, secs(1));
    // PEER_IP moves to another card, and says so in a request to someone else.
    cache.handle_arp(secs(2), &Repr::request(OTHER_MAC, PEER_IP, OTHER_IP)).unwrap();
    assert_eq!(cache.lookup(secs(2), PEER_IP), Some(OTHER_MAC));
    assert_eq!(drain(&mut cache, secs(2)), []);
    assert_eq!(cache.stats().merged, 2);
    // The merge restarted the lifetime: alive at 2 s + 60 s - 1 µs.
    assert_eq!(cache.peek(secs(62) - Duration::from_micros(1), PEER_IP), Some(OTHER_MAC));
}

#[test]
fn rfc826_merge_resolves_a_pending_entry_from_an_overheard_request() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    assert_eq!(cache.resolve(secs(1), PEER_IP), Resolution::Pending);
    cache.handle_arp(ms(1200), &Repr::request(PEER_MAC, PEER_IP, OTHER_IP)).unwrap();
    assert_eq!(events(&mut cache), [CacheEvent::Resolved { ip: PEER_IP, mac: PEER_MAC }]);
    assert_eq!(cache.resolve(ms(1200), PEER_IP), Resolution::Resolved(PEER_MAC));
}

#[test]
fn rfc826_replies_and_other_operations_are_not_answered() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    cache.handle_arp(secs(1), &packet(Operation::REPLY, PEER_MAC, PEER_IP, MY_IP)).unwrap();
    assert_eq!(drain(&mut cache, secs(1)), []);
    let rarp = packet(Operation::REVERSE_REQUEST, OTHER_MAC, OTHER_IP, MY_IP);
    assert_eq!(cache.handle_arp(secs(1), &rarp), Err(CacheError::UnsupportedOperation));
    assert_eq!(cache.state(OTHER_IP), None);
    assert_eq!(cache.stats().ignored_operation, 1);
}

#[test]
fn rfc826_own_and_group_sender_hardware_addresses_are_ignored() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    let own = Repr::request(ME, PEER_IP, MY_IP);
    assert_eq!(cache.handle_arp(secs(1), &own), Err(CacheError::OwnHardwareAddr));
    for bad in [
        EthernetAddress::BROADCAST,
        EthernetAddress([1, 0, 0x5e, 0, 0, 1]),
        EthernetAddress::UNSPECIFIED,
    ] {
        let request = Repr::request(bad, PEER_IP, MY_IP);
        assert_eq!(cache.handle_arp(secs(1), &request), Err(CacheError::BadSenderHardwareAddr));
    }
    assert!(cache.is_empty());
    assert_eq!(drain(&mut cache, secs(1)), []);
    assert_eq!((cache.stats().ignored_own, cache.stats().ignored_bad_sender), (1, 3));
}

#[test]
fn rfc1122_2_3_2_1_out_of_date_entries_are_flushed_after_the_configured_timeout() {
    let config = CacheConfig { entry_lifetime: Duration::from_secs(10), ..CacheConfig::DEFAULT };
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, config);
    cache.handle_arp(secs(1), &Repr::request(PEER_MAC, PEER_IP, MY_IP)).unwrap();
    assert_eq!(cache.poll_timeout(), Some(secs(11)));
    assert_eq!(cache.peek(ms(10_999), PEER_IP), Some(PEER_MAC));
    assert_eq!(cache.peek(secs(11), PEER_IP), None);
    cache.handle_timeout(secs(11));
    assert!(cache.is_empty());
    assert_eq!(cache.stats().expired, 1);
    assert_eq!(cache.poll_timeout(), None);
}

#[test]
fn rfc1122_2_3_2_1_an_unused_entry_is_not_polled_and_expires() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    resolve_peer(&mut cache, secs(0));
    for s in 1..=60 {
        cache.handle_timeout(secs(s));
        assert_eq!(drain(&mut cache, secs(s)), []);
    }
    assert_eq!(cache.state(PEER_IP), None);
}

#[test]
fn rfc1122_2_3_2_1_unicast_poll_revalidates_an_entry_in_use() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    resolve_peer(&mut cache, secs(0));
    drain(&mut cache, secs(0));
    // Before the refresh window (last 5 s of 60): no poll.
    assert_eq!(cache.lookup(secs(54), PEER_IP), Some(PEER_MAC));
    assert_eq!(drain(&mut cache, secs(54)), []);
    // In it: still usable, and a unicast request to the known address.
    assert_eq!(cache.lookup(secs(56), PEER_IP), Some(PEER_MAC));
    assert_eq!(cache.state(PEER_IP), Some(NeighborState::Refreshing));
    let poll = drain(&mut cache, secs(56));
    let mut expected = Repr::request(ME, MY_IP, PEER_IP);
    expected.target_hardware_addr = PEER_MAC;
    assert_eq!(poll, [Transmit { destination: PEER_MAC, repr: expected }]);
    // The answer restarts the lifetime, without a new Resolved event.
    cache.handle_arp(ms(56_010), &poll[0].repr.reply(PEER_MAC)).unwrap();
    assert_eq!(cache.state(PEER_IP), Some(NeighborState::Reachable));
    assert_eq!(events(&mut cache), []);
    assert_eq!(cache.peek(ms(116_009), PEER_IP), Some(PEER_MAC));
}

#[test]
fn rfc1122_2_3_2_1_unanswered_unicast_polls_let_the_entry_expire_then_broadcast() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    resolve_peer(&mut cache, secs(0));
    let mut polls = Vec::new();
    for m in (55_500..60_000).step_by(100) {
        assert_eq!(cache.lookup(ms(m), PEER_IP), Some(PEER_MAC));
        cache.handle_timeout(ms(m));
        polls.extend(drain(&mut cache, ms(m)).into_iter().map(|t| (m, t.destination)));
    }
    assert_eq!(polls, [(55_500, PEER_MAC), (56_500, PEER_MAC), (57_500, PEER_MAC)]);
    assert_eq!(cache.lookup(secs(60), PEER_IP), None);
    assert_eq!(cache.state(PEER_IP), Some(NeighborState::Incomplete));
    let sent = drain(&mut cache, secs(60));
    assert_eq!(sent[0].destination, EthernetAddress::BROADCAST);
    assert_eq!(sent[0].repr, Repr::request(ME, MY_IP, PEER_IP));
}

#[test]
fn rfc1122_2_3_2_1_three_tries_one_second_apart_then_failed() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    assert_eq!(cache.lookup(secs(10), PEER_IP), None);
    let mut sent = Vec::new();
    let mut now = secs(10);
    while cache.state(PEER_IP) == Some(NeighborState::Incomplete) {
        sent.extend(drain(&mut cache, now).into_iter().map(|_| now));
        now = cache.poll_timeout().unwrap();
        cache.handle_timeout(now);
    }
    assert_eq!(sent, [secs(10), secs(11), secs(12)]);
    assert_eq!(now, secs(13));
    assert_eq!(events(&mut cache), [CacheEvent::Failed { ip: PEER_IP }]);
    assert_eq!(cache.state(PEER_IP), None);
    assert_eq!((cache.stats().requests_sent, cache.stats().failed), (3, 1));
}

#[test]
fn rfc1122_2_3_2_1_at_most_one_request_per_second_per_destination() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    let mut times = Vec::new();
    // A packet every 10 ms for 10 s: each lookup may start a resolution, none may hurry it.
    for m in (0..10_000).step_by(10) {
        let _ = cache.lookup(ms(m), PEER_IP);
        cache.handle_timeout(ms(m));
        times.extend(drain(&mut cache, ms(m)).into_iter().map(|_| m));
        events(&mut cache);
    }
    assert!(times.windows(2).all(|w| w[1] - w[0] >= 1000), "{times:?}");
    assert_eq!(times.len(), 10);
}

#[test]
fn rfc1122_2_3_2_1_global_request_limit_caps_requests_to_many_destinations() {
    let config = CacheConfig {
        request_limit: TokenBucket::new(Duration::from_millis(500), 2),
        ..CacheConfig::DEFAULT
    };
    let mut slots = [Neighbor::EMPTY; 8];
    let mut cache = new_cache(&mut slots, config);
    for i in 0..8 {
        assert_eq!(cache.resolve(secs(1), Ipv4Addr::new(192, 0, 2, 10 + i)), Resolution::Pending);
    }
    assert_eq!(drain(&mut cache, secs(1)).len(), 2);
    assert_eq!(cache.stats().requests_rate_limited, 1);
    // The next token comes 500 ms later, and poll_timeout says so.
    assert_eq!(cache.poll_timeout(), Some(ms(1500)));
    assert_eq!(drain(&mut cache, ms(1499)).len(), 0);
    assert_eq!(drain(&mut cache, ms(1500)).len(), 1);
}

#[test]
fn rfc1122_2_3_2_2_resolution_is_reported_once() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    resolve_peer(&mut cache, secs(1));
    cache.handle_arp(secs(1), &packet(Operation::REPLY, PEER_MAC, PEER_IP, MY_IP)).unwrap();
    assert_eq!(events(&mut cache), []);
    assert_eq!(cache.stats().resolved, 1);
}

#[test]
fn rfc1122_2_3_2_2_a_late_answer_turns_an_unpolled_failure_into_resolved() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    cache.lookup(secs(0), PEER_IP);
    drain(&mut cache, secs(0));
    cache.handle_timeout(secs(3));
    assert_eq!(cache.state(PEER_IP), Some(NeighborState::Failed));
    assert_eq!(cache.resolve(secs(3), PEER_IP), Resolution::Pending);
    cache.handle_arp(secs(3), &packet(Operation::REPLY, PEER_MAC, PEER_IP, MY_IP)).unwrap();
    assert_eq!(events(&mut cache), [CacheEvent::Resolved { ip: PEER_IP, mac: PEER_MAC }]);
}

#[test]
fn rfc5227_2_4_a_sender_claiming_our_address_is_a_conflict_never_cached() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    // An announcement of our address by someone else: no reply, no entry, one event.
    cache.handle_arp(secs(1), &Repr::announcement(OTHER_MAC, MY_IP)).unwrap();
    cache.handle_arp(secs(1), &packet(Operation::REPLY, OTHER_MAC, MY_IP, PEER_IP)).unwrap();
    assert_eq!(drain(&mut cache, secs(1)), []);
    assert!(cache.is_empty());
    assert_eq!(events(&mut cache), [CacheEvent::Conflict { ip: MY_IP, mac: OTHER_MAC }]);
    assert_eq!(cache.stats().conflicts, 2);
    assert_eq!(cache.resolve(secs(1), MY_IP), Resolution::NotResolvable);
}

#[test]
fn rfc5227_2_1_1_probes_are_answered_but_never_cached() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    let probe = Repr::probe(OTHER_MAC, MY_IP);
    cache.handle_arp(secs(1), &probe).unwrap();
    let sent = drain(&mut cache, secs(1));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].destination, OTHER_MAC);
    // The reply's sender is our address: the prober sees the conflict (RFC 5227 §2.1.1).
    assert_eq!(sent[0].repr.operation, Operation::REPLY);
    assert_eq!(sent[0].repr.source_protocol_addr, MY_IP);
    assert_eq!(sent[0].repr.target_protocol_addr, Ipv4Addr::UNSPECIFIED);
    assert!(cache.is_empty());
    // A probe for another address is none of our business.
    cache.handle_arp(secs(1), &Repr::probe(OTHER_MAC, OTHER_IP)).unwrap();
    assert_eq!(drain(&mut cache, secs(1)), []);
    assert!(cache.is_empty());
}

#[test]
fn lookups_of_broadcast_multicast_unspecified_and_own_addresses_are_not_resolved() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    for ip in [Ipv4Addr::BROADCAST, Ipv4Addr::UNSPECIFIED, Ipv4Addr::new(224, 0, 0, 1), MY_IP] {
        assert_eq!(cache.resolve(secs(1), ip), Resolution::NotResolvable);
    }
    assert!(cache.is_empty());
    assert_eq!(drain(&mut cache, secs(1)), []);
    assert_eq!(cache.stats().invalid_lookups, 4);
}

#[test]
fn protocol_addresses_are_bounded_and_flush_their_entry() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    cache.handle_arp(secs(1), &Repr::request(PEER_MAC, PEER_IP, MY_IP)).unwrap();
    cache.add_protocol_addr(PEER_IP).unwrap();
    assert_eq!(cache.state(PEER_IP), None);
    assert_eq!(cache.add_protocol_addr(Ipv4Addr::BROADCAST), Err(CacheError::InvalidProtocolAddr));
    cache.add_protocol_addr(Ipv4Addr::new(192, 0, 2, 8)).unwrap();
    cache.add_protocol_addr(Ipv4Addr::new(192, 0, 2, 9)).unwrap();
    let fifth = cache.add_protocol_addr(Ipv4Addr::new(192, 0, 2, 10));
    assert_eq!(fifth, Err(CacheError::TooManyProtocolAddrs));
    assert!(cache.remove_protocol_addr(PEER_IP));
    assert!(!cache.remove_protocol_addr(PEER_IP));
    assert_eq!(cache.protocol_addrs().len(), 3);
}

#[test]
fn without_an_address_requests_ask_from_0_0_0_0_and_the_answer_still_resolves() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = NeighborCache::new(CacheConfig::DEFAULT, ME, &mut slots[..]);
    cache.lookup(secs(1), PEER_IP);
    let sent = drain(&mut cache, secs(1));
    assert_eq!(sent[0].repr, Repr::probe(ME, PEER_IP));
    cache.handle_arp(secs(1), &sent[0].repr.reply(PEER_MAC)).unwrap();
    assert_eq!(cache.lookup(secs(1), PEER_IP), Some(PEER_MAC));
}
