//! Neighbour cache capacity tests: eviction, refusal, bounded queues, a flood, and a
//! property test over random inputs.

extern crate std;

use core::net::Ipv4Addr;

use unet_core::{Duration, Instant};
use unet_ethernet::EthernetAddress;

use super::tests::*;
use super::*;
use crate::{Operation, Repr};

#[test]
fn full_table_evicts_the_least_recently_used_resolved_entry() {
    let mut slots = [Neighbor::EMPTY; 3];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    let ip = |i: u8| Ipv4Addr::new(192, 0, 2, 100 + i);
    let mac = |i: u8| EthernetAddress([2, 0, 0, 0, 1, i]);
    for i in 0..3 {
        cache.handle_arp(secs(1), &Repr::request(mac(i), ip(i), MY_IP)).unwrap();
    }
    // Use 0 and 2 later than 1: 1 is the least recently used.
    cache.lookup(secs(2), ip(0));
    cache.lookup(secs(3), ip(2));
    assert_eq!(cache.resolve(secs(4), PEER_IP), Resolution::Pending);
    assert_eq!(cache.state(ip(1)), None);
    assert_eq!(cache.peek(secs(4), ip(0)), Some(mac(0)));
    assert_eq!(cache.peek(secs(4), ip(2)), Some(mac(2)));
    assert_eq!((cache.len(), cache.stats().evicted), (3, 1));
}

#[test]
fn rfc826_senders_of_requests_are_added_only_into_free_slots_never_evicting() {
    let mut slots = [Neighbor::EMPTY; 2];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    resolve_peer(&mut cache, secs(1));
    cache.handle_arp(secs(2), &Repr::request(OTHER_MAC, OTHER_IP, MY_IP)).unwrap();
    for i in 0..100 {
        let spoofed =
            Repr::request(EthernetAddress([2, 9, 0, 0, 0, i]), Ipv4Addr::new(10, 0, 0, i), MY_IP);
        cache.handle_arp(secs(3), &spoofed).unwrap();
    }
    assert_eq!(cache.peek(secs(3), PEER_IP), Some(PEER_MAC));
    assert_eq!(cache.peek(secs(3), OTHER_IP), Some(OTHER_MAC));
    assert_eq!((cache.stats().table_full, cache.stats().evicted), (100, 0));
    // Every request is still answered (up to the reply queue).
    assert_eq!(drain(&mut cache, secs(3)).len(), REPLY_QUEUE_LEN);
}

#[test]
fn full_table_takes_an_expired_entry_before_evicting_a_live_one() {
    let config = CacheConfig { entry_lifetime: Duration::from_secs(10), ..CacheConfig::DEFAULT };
    let mut slots = [Neighbor::EMPTY; 2];
    let mut cache = new_cache(&mut slots, config);
    cache.handle_arp(secs(1), &Repr::request(PEER_MAC, PEER_IP, MY_IP)).unwrap();
    cache.handle_arp(secs(8), &Repr::request(OTHER_MAC, OTHER_IP, MY_IP)).unwrap();
    cache.lookup(secs(9), PEER_IP); // PEER is now the most recently used, but expires at 11
    assert_eq!(cache.resolve(secs(12), Ipv4Addr::new(192, 0, 2, 50)), Resolution::Pending);
    assert_eq!(cache.state(PEER_IP), None);
    assert_eq!(cache.peek(secs(12), OTHER_IP), Some(OTHER_MAC));
    assert_eq!((cache.stats().expired, cache.stats().evicted), (1, 0));
}

#[test]
fn full_table_of_pending_entries_refuses_new_addresses_until_they_finish() {
    let mut slots = [Neighbor::EMPTY; 2];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    assert_eq!(cache.resolve(secs(0), PEER_IP), Resolution::Pending);
    assert_eq!(cache.resolve(secs(0), OTHER_IP), Resolution::Pending);
    let third = Ipv4Addr::new(192, 0, 2, 50);
    assert_eq!(cache.resolve(secs(0), third), Resolution::TableFull);
    // A request from a new host is still answered, though it cannot be cached.
    cache
        .handle_arp(secs(0), &Repr::request(EthernetAddress([2, 0, 0, 0, 0, 9]), third, MY_IP))
        .unwrap();
    assert_eq!(drain(&mut cache, secs(0)).len(), 3);
    assert_eq!(cache.stats().table_full, 2);
    // Failed entries hold their slot until their event is polled, then free it.
    cache.handle_timeout(secs(3));
    assert_eq!(cache.resolve(secs(3), third), Resolution::TableFull);
    assert_eq!(events(&mut cache).len(), 2);
    assert_eq!(cache.resolve(secs(3), third), Resolution::Pending);
}

#[test]
fn full_table_never_evicts_an_entry_whose_resolved_event_is_unpolled() {
    let mut slots = [Neighbor::EMPTY; 1];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    cache.lookup(secs(0), PEER_IP);
    cache.handle_arp(secs(0), &packet(Operation::REPLY, PEER_MAC, PEER_IP, MY_IP)).unwrap();
    assert_eq!(cache.resolve(secs(1), OTHER_IP), Resolution::TableFull);
    assert_eq!(events(&mut cache), [CacheEvent::Resolved { ip: PEER_IP, mac: PEER_MAC }]);
    assert_eq!(cache.resolve(secs(1), OTHER_IP), Resolution::Pending);
    assert_eq!(cache.stats().evicted, 1);
}

#[test]
fn reply_queue_is_bounded_and_counts_what_it_drops() {
    let mut slots = [Neighbor::EMPTY; 2];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    for i in 0..(REPLY_QUEUE_LEN as u8 + 3) {
        let sender = Repr::request(
            EthernetAddress([2, 0, 0, 0, 2, i]),
            Ipv4Addr::new(198, 51, 100, i),
            MY_IP,
        );
        cache.handle_arp(secs(1), &sender).unwrap();
    }
    assert_eq!(drain(&mut cache, secs(1)).len(), REPLY_QUEUE_LEN);
    assert_eq!(cache.stats().replies_dropped, 3);
}

/// A flood: lookups for 5000 unknown addresses and requests from 5000 spoofed senders, over
/// 5 s, while we talk to a real neighbour. Output stays within the global limit, the table
/// within its slots, the neighbour in use stays resolved, and afterwards a new neighbour
/// resolves at once.
#[test]
fn rfc1122_2_3_2_1_flood_of_thousands_of_addresses_stays_bounded_and_recovers() {
    let mut slots = [Neighbor::EMPTY; 16];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    let gateway = Ipv4Addr::new(192, 0, 2, 254);
    let gateway_mac = EthernetAddress([2, 0, 0, 0, 0, 0xfe]);
    cache.handle_arp(ms(0), &Repr::request(gateway_mac, gateway, MY_IP)).unwrap();
    drain(&mut cache, ms(0));
    let (mut requests, mut replies) = (0u32, 0u32);
    for i in 0..5000u32 {
        let now = ms(u64::from(i));
        let [_, _, b, c] = (0x0a00_0000 + i).to_be_bytes();
        let victim = Ipv4Addr::new(10, 0, b, c);
        let _ = cache.resolve(now, victim);
        let spoofed =
            Repr::request(EthernetAddress([2, 1, 0, 0, b, c]), Ipv4Addr::new(10, 1, b, c), MY_IP);
        cache.handle_arp(now, &spoofed).unwrap();
        if i % 100 == 0 {
            assert_eq!(cache.lookup(now, gateway), Some(gateway_mac), "at {i} ms");
        }
        cache.handle_timeout(now);
        for t in drain(&mut cache, now) {
            match t.repr.operation {
                Operation::REQUEST => requests += 1,
                _ => replies += 1,
            }
        }
        events(&mut cache);
        assert!(cache.len() <= cache.capacity());
    }
    // 10 at once, then one per 100 ms, over 5 s: at most 10 + 50.
    assert!(requests <= 60, "{requests} requests");
    assert_eq!(replies, 5000, "every request answered, none amplified");
    assert!(cache.stats().table_full > 0);
    // Afterwards: the table recovers within a resolution time, and a neighbour resolves.
    let after = ms(5000) + Duration::from_secs(4);
    cache.handle_timeout(after);
    events(&mut cache);
    resolve_peer(&mut cache, after);
    assert_eq!(cache.lookup(after, PEER_IP), Some(PEER_MAC));
    assert_eq!(cache.lookup(after, gateway), Some(gateway_mac));
}

#[test]
fn lookups_evict_only_while_fewer_than_half_the_slots_are_resolving() {
    let mut slots = [Neighbor::EMPTY; 4];
    let mut cache = new_cache(&mut slots, CacheConfig::DEFAULT);
    for i in 0..4 {
        let mac = EthernetAddress([2, 0, 0, 0, 3, i]);
        cache
            .handle_arp(secs(1), &Repr::request(mac, Ipv4Addr::new(192, 0, 2, 20 + i), MY_IP))
            .unwrap();
    }
    let unknown = |i: u8| Ipv4Addr::new(198, 51, 100, i);
    assert_eq!(cache.resolve(secs(2), unknown(1)), Resolution::Pending);
    assert_eq!(cache.resolve(secs(2), unknown(2)), Resolution::Pending);
    assert_eq!(cache.resolve(secs(2), unknown(3)), Resolution::TableFull);
    assert_eq!(cache.neighbors().filter(|n| n.1 == NeighborState::Reachable).count(), 2);
    assert_eq!(cache.stats().evicted, 2);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Lookup(u8),
        Arp(u16, u8, u8, u8, u8),
        Confirm(u8),
        Flush(u8),
        Timeout,
        Transmit,
        Event,
    }

    fn ip(i: u8) -> Ipv4Addr {
        // A small space, so that ops hit the same addresses; 0 is our own.
        Ipv4Addr::new(192, 0, 2, i % 12)
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            any::<u8>().prop_map(Op::Lookup),
            (0u16..4, any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>())
                .prop_map(|(o, m, s, t, z)| Op::Arp(o, m, s, t, z)),
            any::<u8>().prop_map(Op::Confirm),
            any::<u8>().prop_map(Op::Flush),
            Just(Op::Timeout),
            Just(Op::Transmit),
            Just(Op::Event),
        ]
    }

    proptest! {
        #[test]
        fn random_packets_at_random_times_never_panic_or_exceed_capacity(
            cap in 0usize..6,
            ops in proptest::collection::vec((0u64..3_000, op()), 0..200),
        ) {
            let mut slots = [Neighbor::EMPTY; 6];
            let mut cache = NeighborCache::new(CacheConfig::DEFAULT, ME, &mut slots[..cap]);
            cache.add_protocol_addr(ip(0)).unwrap();
            let mut now = Instant::from_secs(1);
            let mut sent = 0u64;
            for (dt, op) in ops {
                now += Duration::from_millis(dt);
                match op {
                    Op::Lookup(i) => { let _ = cache.resolve(now, ip(i)); }
                    Op::Arp(o, m, s, t, z) => {
                        let sha = match z % 4 {
                            0 => ME,
                            1 => EthernetAddress::BROADCAST,
                            _ => EthernetAddress([2, 0, 0, 0, 0, m % 4]),
                        };
                        let spa = if z % 5 == 0 { Ipv4Addr::UNSPECIFIED } else { ip(s) };
                        let repr = packet(Operation(o), sha, spa, ip(t));
                        let _ = cache.handle_arp(now, &repr);
                    }
                    Op::Confirm(i) => { cache.confirm(now, ip(i)); }
                    Op::Flush(i) => { cache.flush(ip(i)); }
                    Op::Timeout => cache.handle_timeout(now),
                    Op::Transmit => {
                        while let Some(t) = cache.poll_transmit(now) {
                            if t.repr.operation == Operation::REQUEST {
                                sent += 1;
                                prop_assert!(t.repr.source_hardware_addr == ME);
                            } else {
                                prop_assert_eq!(t.destination, t.repr.target_hardware_addr);
                            }
                        }
                    }
                    Op::Event => while cache.poll_event().is_some() {},
                }
                prop_assert!(cache.len() <= cap);
                prop_assert!(cache.neighbors().all(|(a, _, _)| a != ip(0)));
                if let Some(t) = cache.poll_timeout() { let _ = t; }
            }
            prop_assert_eq!(sent, cache.stats().requests_sent);
        }
    }
}
