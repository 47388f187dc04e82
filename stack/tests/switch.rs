//! Three stacks on unet-netif's in-memory switch with seeded faults (loss, duplication,
//! reordering, corruption, delay): UDP request/response with retries and pings with
//! retries still complete, and nothing panics.

mod common;

use std::net::Ipv4Addr;
use std::ops::ControlFlow;

use common::*;
use unet_core::{Duration, Instant};
use unet_netif::memory::{LinkFaults, Switch};
use unet_netif::sim::Simulation;
use unet_stack::udp::{Endpoint, UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
use unet_stack::{Event, Stack};

fn socket() -> UdpSocket<'static, Ipv4Addr> {
    let rx =
        UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 16].leak(), vec![0u8; 16384].leak());
    let tx =
        UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 16].leak(), vec![0u8; 16384].leak());
    UdpSocket::new(rx, tx)
}

const REQUESTS: u32 = 20;
const PINGS: u16 = 10;
const RETRY: Duration = Duration::from_millis(300);

#[test]
fn rfc1122_udp_and_ping_complete_over_a_faulty_switch() {
    for seed in [1u64, 2, 3] {
        run(seed);
    }
}

fn run(seed: u64) {
    let t0 = Instant::from_secs(1);
    let switch = Switch::new(seed);
    let mut sim: Simulation<Stack<'static>> = Simulation::new(switch.clone());
    let mut nodes = Vec::new();
    for n in 1..=3u8 {
        let mut s = host(n, t0);
        let _ = drain(&mut s, t0);
        let port = switch.add_port(mac(n).0);
        nodes.push(sim.add_node(s, port));
    }
    switch.set_faults_all(LinkFaults {
        loss: 0.1,
        duplicate: 0.05,
        reorder: 0.1,
        corrupt: 0.02,
        delay: Duration::from_millis(1),
        ..LinkFaults::default()
    });
    let client = sim.machine_mut(nodes[0]).udp_add(socket()).unwrap();
    let server = sim.machine_mut(nodes[1]).udp_add(socket()).unwrap();
    sim.machine_mut(nodes[1]).udp_bind(server, 7).unwrap();
    let server_ep = Endpoint::new(Ipv4Addr::new(192, 0, 2, 2), 7);
    let pinged = Ipv4Addr::new(192, 0, 2, 3);

    let (mut answered, mut next_udp_at) = (0u32, Instant::ZERO);
    let (mut pongs, mut next_ping_at) = (0u16, Instant::ZERO);
    let mut buf = vec![0u8; 2048];
    let outcome = sim.run_for(Duration::from_secs(300), |sim| {
        let now = sim.now();
        // The echo server.
        let srv = sim.machine_mut(nodes[1]);
        while let Ok((n, meta)) = srv.udp_recv_from(server, &mut buf) {
            let _ = srv.udp_send_to(server, &buf[..n], meta.remote);
        }
        while srv.poll_event().is_some() {}
        let _ = sim.machine_mut(nodes[2]).poll_event();
        // The client: one request at a time, retried until its answer comes.
        let cli = sim.machine_mut(nodes[0]);
        while let Ok((n, _)) = cli.udp_recv_from(client, &mut buf) {
            if n == 4 && u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) == answered {
                answered += 1;
                next_udp_at = now;
            }
        }
        while let Some(e) = cli.poll_event() {
            if let Event::EchoReply { seq, .. } = e {
                if seq == pongs {
                    pongs += 1;
                    next_ping_at = now;
                }
            }
        }
        if answered < REQUESTS && now >= next_udp_at {
            let _ = cli.udp_send_to(client, &answered.to_be_bytes(), server_ep);
            next_udp_at = now + RETRY;
        }
        if pongs < PINGS && now >= next_ping_at {
            let _ = cli.ping(now, pinged, 7, pongs, b"over the switch");
            next_ping_at = now + RETRY;
        }
        if answered == REQUESTS && pongs == PINGS {
            return ControlFlow::Break(());
        }
        sim.wake_at(next_udp_at.min(next_ping_at).max(now + Duration::from_millis(1)));
        ControlFlow::Continue(())
    });
    assert!(outcome.is_ok(), "seed {seed}: {outcome:?}");
    assert_eq!((answered, pongs), (REQUESTS, PINGS), "seed {seed}: at {}", sim.now());
    let stats = switch.stats(sim.netif(nodes[0]).id()).unwrap();
    assert!(stats.lost + stats.corrupted > 0, "seed {seed}: faults happened: {stats:?}");
}
