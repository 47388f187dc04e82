//! The UDP echo application against real stacks: two hosts on the in-memory switch in the
//! simulation, one running [`UdpEcho`], the other sending and checking what comes back.

use std::net::Ipv4Addr;
use std::ops::ControlFlow;

use unet_core::{Duration, Instant};
use unet_netif::memory::{LinkFaults, Switch};
use unet_netif::sim::Simulation;
use unet_stack::udp::{Endpoint, UdpError};
use unet_stack::{Config, Stack, Storage};

use super::{default_mac, EchoRecord, UdpEcho};

const SERVER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);
const CLIENT: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

fn stack(addr: Ipv4Addr) -> Stack<'static> {
    let mac = default_mac(addr);
    let mut config = Config::new(mac).with_ipv4(format!("{addr}/24").parse().unwrap());
    config.acd = false;
    config.seed = u64::from(addr.octets()[3]);
    Stack::new(config, Storage::with_defaults(), Instant::ZERO)
}

/// Two stacks on a switch with `faults`; node 0 the client, node 1 the server.
fn world(faults: LinkFaults) -> Simulation<Stack<'static>> {
    let switch = Switch::new(9);
    let mut sim = Simulation::new(switch.clone());
    for addr in [CLIENT, SERVER] {
        let port = switch.add_port(default_mac(addr).0);
        sim.add_node(stack(addr), port);
    }
    switch.set_faults_all(faults);
    sim
}

#[test]
fn rfc862_echoes_each_datagram_to_its_sender_from_the_port_it_came_to() {
    let mut sim = world(LinkFaults { delay: Duration::from_millis(1), ..LinkFaults::default() });
    let mut echo = UdpEcho::open(sim.machine_mut(1), &[7, 9]).unwrap();
    assert_eq!(echo.ports().collect::<Vec<_>>(), [7, 9]);
    let client = sim.machine_mut(0).udp_open(65536, 65536).unwrap();
    // Small, empty and larger-than-the-MTU datagrams, to both ports.
    let sizes = [1usize, 0, 100, 4000, 1472, 1473, 20000];
    let mut sent = 0;
    let mut got: Vec<(Vec<u8>, u16)> = Vec::new();
    let mut records = Vec::new();
    let mut buf = vec![0u8; 65536];
    let done = sim.run_for(Duration::from_secs(10), |sim| {
        echo.poll(sim.machine_mut(1), |r| records.push(r));
        let c = sim.machine_mut(0);
        while let Ok((n, meta)) = c.udp_recv_from(client, &mut buf) {
            got.push((buf[..n].to_vec(), meta.remote.port));
        }
        if sent < sizes.len() && got.len() == sent {
            let port = if sent % 2 == 0 { 7 } else { 9 };
            let data: Vec<u8> = (0..sizes[sent]).map(|i| (i * 31 + sent) as u8).collect();
            c.udp_send_to(client, &data, Endpoint::new(SERVER, port)).unwrap();
            sent += 1;
        }
        if got.len() == sizes.len() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert!(done.is_ok(), "{done:?}");
    assert_eq!(got.len(), sizes.len(), "at {}", sim.now());
    for (i, (data, port)) in got.iter().enumerate() {
        let expected: Vec<u8> = (0..sizes[i]).map(|j| (j * 31 + i) as u8).collect();
        assert_eq!(data, &expected, "datagram {i}");
        assert_eq!(*port, if i % 2 == 0 { 7 } else { 9 });
    }
    let stats = echo.stats();
    assert_eq!(stats.datagrams, sizes.len() as u64);
    assert_eq!(stats.bytes, sizes.iter().sum::<usize>() as u64);
    let local = sim.machine_mut(0).udp_socket(client).unwrap().local_endpoint().unwrap();
    assert!(records.iter().all(|r| matches!(r,
        EchoRecord::Echoed { peer, .. } if *peer == Endpoint::new(CLIENT, local.port))));
    assert_eq!(sim.machine(0).counters().dropped(), 0, "{}", sim.machine(0).counters());
    assert_eq!(sim.machine(1).counters().dropped(), 0, "{}", sim.machine(1).counters());
}

#[test]
fn rfc1122_4_1_3_3_sender_gone_the_echo_goes_on_and_the_port_unreachable_is_counted() {
    let mut sim = world(LinkFaults::default());
    let mut echo = UdpEcho::open(sim.machine_mut(1), &[7]).unwrap();
    let client = sim.machine_mut(0).udp_open(4096, 4096).unwrap();
    sim.machine_mut(0).udp_send_to(client, b"ping?", Endpoint::new(SERVER, 7)).unwrap();
    // The client closes before the answer comes back: it answers port unreachable.
    let mut closed = false;
    let _ = sim.run_for(Duration::from_secs(1), |sim| {
        if !closed && sim.machine(0).counters().tx_udp == 1 {
            let _ = sim.machine_mut(0).udp_close(client);
            closed = true;
        }
        echo.poll(sim.machine_mut(1), |_| {});
        ControlFlow::Continue(())
    });
    assert_eq!(echo.stats().datagrams, 1);
    assert_eq!(sim.machine(0).counters().udp_no_socket, 1);
    // A second sender is still served: the error on the unconnected socket is not pending.
    let c2 = sim.machine_mut(0).udp_open(4096, 4096).unwrap();
    sim.machine_mut(0).udp_send_to(c2, b"again", Endpoint::new(SERVER, 7)).unwrap();
    let mut buf = [0u8; 16];
    let mut answer = None;
    let _ = sim.run_for(Duration::from_secs(1), |sim| {
        echo.poll(sim.machine_mut(1), |_| {});
        match sim.machine_mut(0).udp_recv_from(c2, &mut buf) {
            Ok((n, _)) => {
                answer = Some(buf[..n].to_vec());
                ControlFlow::Break(())
            }
            Err(UdpError::WouldBlock) => ControlFlow::Continue(()),
            Err(e) => panic!("{e}"),
        }
    });
    assert_eq!(answer.as_deref(), Some(&b"again"[..]));
}

#[test]
fn open_refuses_a_taken_port_and_releases_what_it_opened() {
    let mut s = stack(SERVER);
    let first = UdpEcho::open(&mut s, &[7]).unwrap();
    let err = UdpEcho::open(&mut s, &[8, 7]).unwrap_err();
    assert_eq!(err, (7, UdpError::AddrInUse));
    // Port 8 was released: it can be opened again.
    assert!(UdpEcho::open(&mut s, &[8]).is_ok());
    drop(first);
}
