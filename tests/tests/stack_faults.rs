//! Two unet stacks on unet-netif's in-memory switch with seeded faults, in virtual time.
//!
//! Complements unet-stack's own switch test (three hosts, small datagrams): here the UDP
//! requests go up to several fragments, every answer is checked byte for byte, and a run
//! with corruption only checks that each flipped bit is caught by a checksum or a header
//! check — never delivered — and counted.

use std::net::Ipv4Addr;
use std::ops::ControlFlow;

use unet_core::{Duration, Instant};
use unet_ethernet::EthernetAddress;
use unet_netif::memory::{LinkFaults, Switch};
use unet_netif::sim::Simulation;
use unet_stack::udp::Endpoint;
use unet_stack::{Config, Event, Stack, Storage};

const RETRY: Duration = Duration::from_millis(250);
/// Request sizes: one byte, a full frame, then 3 and 6 fragments.
const SIZES: [usize; 5] = [1, 100, 1472, 4000, 8000];

fn mac(n: u8) -> EthernetAddress {
    EthernetAddress([0x02, 0, 0, 0, 0, n])
}

fn host(n: u8, now: Instant) -> Stack<'static> {
    let mut config = Config::new(mac(n)).with_ipv4(format!("192.0.2.{n}/24").parse().unwrap());
    config.acd = false;
    config.seed = u64::from(n) * 1000 + 1;
    Stack::new(config, Storage::with_defaults(), now)
}

/// The request with sequence number `seq`: its number, then bytes derived from it.
fn request(seq: u32) -> Vec<u8> {
    let len = SIZES[seq as usize % SIZES.len()].max(4);
    let mut data: Vec<u8> =
        (0..len).map(|i| (i as u32 ^ seq.wrapping_mul(2_654_435_761)) as u8).collect();
    data[..4].copy_from_slice(&seq.to_be_bytes());
    data
}

struct Outcome {
    answered: u32,
    pongs: u16,
    stacks: Vec<unet_stack::Counters>,
    corrupted: u64,
}

/// Host 1 sends `requests` UDP requests to host 2's echo port, one at a time, each retried
/// every 250 ms until its exact echo comes back, and pings host 2 `pings` times the same
/// way, on a switch with `faults` on every link.
fn run(seed: u64, faults: LinkFaults, requests: u32, pings: u16) -> Outcome {
    let t0 = Instant::from_secs(1);
    let switch = Switch::new(seed);
    let mut sim: Simulation<Stack<'static>> = Simulation::new(switch.clone());
    let mut nodes = Vec::new();
    for n in 1..=2u8 {
        let port = switch.add_port(mac(n).0);
        nodes.push(sim.add_node(host(n, t0), port));
    }
    switch.set_faults_all(faults);
    let (c, s) = (nodes[0], nodes[1]);
    let client = sim.machine_mut(c).udp_open(16384, 16384).unwrap();
    let server = sim.machine_mut(s).udp_open(65536, 65536).unwrap();
    sim.machine_mut(s).udp_bind(server, 7).unwrap();
    let server_ep = Endpoint::new(Ipv4Addr::new(192, 0, 2, 2), 7);
    let (mut answered, mut next_udp) = (0u32, Instant::ZERO);
    let (mut pongs, mut next_ping) = (0u16, Instant::ZERO);
    let mut buf = vec![0u8; 65536];
    let outcome = sim.run_for(Duration::from_secs(600), |sim| {
        let now = sim.now();
        let srv = sim.machine_mut(s);
        while let Ok((n, meta)) = srv.udp_recv_from(server, &mut buf) {
            let _ = srv.udp_send_to(server, &buf[..n], meta.remote);
        }
        while srv.poll_event().is_some() {}
        let cli = sim.machine_mut(c);
        while let Ok((n, meta)) = cli.udp_recv_from(client, &mut buf) {
            assert_eq!(meta.remote, server_ep);
            let got = &buf[..n];
            let seq = got.get(..4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            // A late echo of an earlier request (its retry answered first) is fine; any
            // datagram that is not an exact earlier request is corruption let through.
            let seq = seq.filter(|s| *s <= answered).unwrap_or_else(|| panic!("stray {n} bytes"));
            assert_eq!(got, &request(seq)[..], "seed {seed}: echo of request {seq} differs");
            if seq == answered {
                answered += 1;
                next_udp = now;
            }
        }
        while let Some(e) = cli.poll_event() {
            if let Event::EchoReply { seq, len, .. } = e {
                assert_eq!(len, 56, "seed {seed}: echo reply length");
                if seq == pongs {
                    pongs += 1;
                    next_ping = now;
                }
            }
        }
        if answered < requests && now >= next_udp {
            cli.udp_send_to(client, &request(answered), server_ep).unwrap();
            next_udp = now + RETRY;
        }
        if pongs < pings && now >= next_ping {
            let _ = cli.ping(now, Ipv4Addr::new(192, 0, 2, 2), 9, pongs, &[0x5a; 56]);
            next_ping = now + RETRY;
        }
        if answered == requests && pongs == pings {
            return ControlFlow::Break(());
        }
        sim.wake_at(next_udp.min(next_ping).max(now + Duration::from_millis(1)));
        ControlFlow::Continue(())
    });
    assert!(outcome.is_ok(), "seed {seed}: {outcome:?}");
    let corrupted = nodes.iter().map(|&n| switch.stats(sim.netif(n).id()).unwrap().corrupted).sum();
    let stacks = nodes.iter().map(|&n| sim.machine(n).counters().clone()).collect();
    Outcome { answered, pongs, stacks, corrupted }
}

#[test]
fn rfc768_rfc792_udp_and_ping_byte_exact_over_loss_duplication_reordering_corruption() {
    for seed in [11u64, 12, 13] {
        let faults = LinkFaults {
            loss: 0.05,
            duplicate: 0.05,
            reorder: 0.1,
            corrupt: 0.02,
            delay: Duration::from_millis(2),
            rate: 10_000_000,
            ..LinkFaults::default()
        };
        let o = run(seed, faults, 30, 10);
        assert_eq!((o.answered, o.pongs), (30, 10), "seed {seed}");
        // Fragmented requests crossed (and were reassembled) on both sides.
        for c in &o.stacks {
            assert!(c.tx_fragmented >= 6 && c.rx_reassembled >= 6, "seed {seed}: {c}");
        }
    }
}

#[test]
fn rfc1071_corrupted_frames_are_caught_and_counted_never_delivered() {
    for seed in [21u64, 22, 23] {
        // Corruption only: every frame arrives, one in five with one bit flipped.
        let faults = LinkFaults { corrupt: 0.2, ..LinkFaults::default() };
        let o = run(seed, faults, 20, 10);
        assert_eq!((o.answered, o.pongs), (20, 10), "seed {seed}");
        let sum = |f: fn(&unet_stack::Counters) -> u64| o.stacks.iter().map(f).sum::<u64>();
        // The Internet checksum catches every single-bit error (RFC 1071 §2): in the
        // IPv4 header, or in the UDP or ICMP message.
        let checksums = sum(|c| c.ipv4_bad_checksum + c.udp_bad_checksum + c.icmp_malformed);
        // A flipped bit in the Ethernet header shows as a frame for someone else, an
        // unknown EtherType, or the wrong length; in an ARP packet (no checksum) as a
        // malformed or refused packet — or not at all (a sender MAC, a padding byte). And a
        // flip in a fragment of a datagram that never completes (another fragment lost to a
        // header checksum) goes with it when reassembly times out, counted once.
        let headers = sum(|c| {
            c.eth_malformed
                + c.eth_not_for_us
                + c.eth_unknown_ethertype
                + c.eth_vlan_tagged
                + c.eth_own_source
                + c.arp_malformed
                + c.arp_rejected
                + c.ipv4_malformed
                + c.ipv4_bad_version
                + c.ipv4_bad_source
                + c.ipv4_not_for_us
                + c.udp_malformed
                + c.ipv4_unknown_protocol
        });
        // A flip in a fragment's header fails the header checksum; one in its data passes
        // reassembly and fails the UDP checksum of the whole datagram. So reassembly
        // itself drops nothing on an otherwise perfect link.
        let fragments = sum(|c| c.ipv4_fragment_dropped);
        assert!(o.corrupted >= 20, "seed {seed}: only {} corrupted", o.corrupted);
        assert!(
            checksums + headers <= o.corrupted,
            "seed {seed}: {checksums} + {headers} drops for {} corrupted frames",
            o.corrupted
        );
        assert!(
            checksums * 2 >= o.corrupted,
            "seed {seed}: checksums caught {checksums} of {}",
            o.corrupted
        );
        assert_eq!(fragments, 0, "seed {seed}");
        println!("seed {seed}: {} corrupted, {checksums} caught by checksums, {headers} by header checks", o.corrupted);
    }
}
