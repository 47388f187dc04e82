//! ARP machines: the neighbour cache, the pending queue and RFC 5227 conflict detection,
//! driven by random packets, lookups and packets to queue at random times. None may panic,
//! and every bound must hold after every step.
#![no_main]

use core::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use unet_arp::{
    AcdConfig, AddressConflictDetection, CacheConfig, Neighbor, NeighborCache, Operation,
    Packet, PendingConfig, PendingPacket, PendingQueue, Repr,
};
use unet_core::rng::SplitMix64;
use unet_core::{Duration, Instant};
use unet_ethernet::EthernetAddress;

const ME: EthernetAddress = EthernetAddress([0x02, 0, 0, 0, 0, 0x01]);
const MY_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const SLOTS: usize = 8;
const PER_DESTINATION: usize = 3;

/// A cursor over the fuzzer's bytes that yields zeros once they run out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        *first
    }
    fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
    /// A small address space, so that packets and lookups meet; 1 is ours.
    fn ip(&mut self) -> Ipv4Addr {
        match self.byte() {
            0 => Ipv4Addr::UNSPECIFIED,
            255 => Ipv4Addr::BROADCAST,
            b => Ipv4Addr::new(192, 0, 2, b % 16),
        }
    }
    fn mac(&mut self) -> EthernetAddress {
        match self.byte() % 8 {
            0 => ME,
            1 => EthernetAddress::BROADCAST,
            b => EthernetAddress([0x02, 0, 0, 0, 0, b]),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let mut slots = [Neighbor::EMPTY; SLOTS];
    let mut cache = NeighborCache::new(CacheConfig::DEFAULT, ME, &mut slots[..]);
    cache.add_protocol_addr(MY_IP).expect("one address");
    let (mut pending_slots, mut pool) = ([PendingPacket::EMPTY; SLOTS], [0u8; 256]);
    let config = PendingConfig { max_per_destination: PER_DESTINATION, ..PendingConfig::DEFAULT };
    let mut queue = PendingQueue::new(config, &mut pending_slots[..], &mut pool[..]);
    let mut acd = AddressConflictDetection::new(AcdConfig::RFC5227, ME);
    let mut rng = SplitMix64::new(u64::from(input.byte()));
    let mut now = Instant::from_secs(1);
    let mut out = [0u8; 256];

    while !input.0.is_empty() {
        now += Duration::from_millis(u64::from(input.byte()) * 40);
        match input.byte() % 10 {
            // A received packet, from raw bytes: whatever parses goes to both machines.
            0 => {
                let len = usize::from(input.byte() % 40);
                if let Ok(repr) = Repr::parse(&Packet::new_unchecked(input.bytes(len))) {
                    let _ = cache.handle_arp(now, &repr);
                    acd.handle_arp(now, &repr);
                }
            }
            // A received packet, structured, so that the interesting cases are reached.
            1 => {
                let repr = Repr {
                    operation: Operation(u16::from(input.byte() % 4)),
                    source_hardware_addr: input.mac(),
                    source_protocol_addr: input.ip(),
                    target_hardware_addr: input.mac(),
                    target_protocol_addr: input.ip(),
                };
                let _ = cache.handle_arp(now, &repr);
                acd.handle_arp(now, &repr);
            }
            // Sending a packet: resolve the next hop, or queue the packet.
            2 => {
                let ip = input.ip();
                let len = usize::from(input.byte());
                let packet = input.bytes(len);
                if cache.lookup(now, ip).is_none() {
                    let _ = queue.enqueue(now, ip, packet);
                }
            }
            3 => {
                let ip = input.ip();
                let _ = cache.confirm(now, ip);
            }
            4 => {
                let ip = input.ip();
                let _ = cache.flush(ip);
            }
            5 => match input.byte() % 3 {
                0 => acd.start_probing(now, input.ip(), &mut rng),
                1 => acd.start_announcing(now, input.ip()),
                _ => acd.stop(),
            },
            6 => {
                let ip = input.ip();
                let want = usize::from(input.byte());
                if let Some(n) = queue.pop_for(ip, &mut out[..want]) {
                    assert!(n <= want);
                }
            }
            _ => {
                cache.handle_timeout(now);
                queue.handle_timeout(now);
                acd.handle_timeout(now);
            }
        }
        // Outputs, drained as a stack would.
        while let Some(t) = cache.poll_transmit(now) {
            assert_eq!(t.repr.source_hardware_addr, ME);
            let mut buf = [0u8; 28];
            t.repr.emit(&mut Packet::new_unchecked(&mut buf[..])).expect("28 bytes");
        }
        while let Some(event) = cache.poll_event() {
            if let unet_arp::CacheEvent::Failed { ip } = event {
                queue.drop_for(ip);
            }
            if let unet_arp::CacheEvent::Resolved { ip, .. } = event {
                while queue.pop_for(ip, &mut out).is_some() {}
            }
        }
        while let Some(r) = acd.poll_transmit(now) {
            assert!(r.is_probe() || r.is_announcement());
        }
        while acd.poll_event().is_some() {}
        let _ = (cache.poll_timeout(), queue.poll_timeout(), acd.poll_timeout());

        assert!(cache.len() <= SLOTS);
        assert!(queue.len() <= SLOTS);
        assert!(queue.bytes_used() <= 256);
        for b in 0..16 {
            assert!(queue.len_for(Ipv4Addr::new(192, 0, 2, b)) <= PER_DESTINATION);
        }
        assert!(cache.neighbors().all(|(ip, _, _)| ip != MY_IP));
    }
});
