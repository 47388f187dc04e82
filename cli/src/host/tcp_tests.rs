//! The TCP services against real stacks: two hosts on the in-memory switch in the
//! simulation, the server running [`TcpApps`], the client connecting, sending and checking
//! what comes back byte for byte.

use std::net::Ipv4Addr;
use std::ops::ControlFlow;

use unet_core::{Duration, Instant};
use unet_netif::memory::{LinkFaults, Switch};
use unet_netif::sim::Simulation;
use unet_stack::tcp::conn::{Error as ConnError, State};
use unet_stack::tcp::Endpoint;
use unet_stack::{Config, Stack, Storage, TcpError, TcpHandle};

use super::{default_mac, pattern, TcpApps, TcpRecord, TcpService};

const SERVER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);
const CLIENT: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const ECHO: u16 = 7;
const DISCARD: u16 = 9;
const SOURCE: u16 = 19;

fn stack(addr: Ipv4Addr) -> Stack<'static> {
    let mut config =
        Config::new(default_mac(addr)).with_ipv4(format!("{addr}/24").parse().unwrap());
    config.acd = false;
    config.seed = u64::from(addr.octets()[3]);
    Stack::new(config, Storage::with_defaults(), Instant::ZERO)
}

/// Node 0 the client, node 1 the server, on a switch with `faults`.
fn world(seed: u64, faults: LinkFaults) -> Simulation<Stack<'static>> {
    let switch = Switch::new(seed);
    let mut sim = Simulation::new(switch.clone());
    for addr in [CLIENT, SERVER] {
        sim.add_node(stack(addr), switch.add_port(default_mac(addr).0));
    }
    switch.set_faults_all(faults);
    sim
}

fn clean() -> LinkFaults {
    LinkFaults { delay: Duration::from_millis(1), ..LinkFaults::default() }
}

/// One client connection: sends `send` pattern bytes from offset `id * 7919` (so each
/// stream differs), half-closes, and reads until the server's FIN, checking what it reads
/// against `expect` (the same stream for echo, the pattern from 0 for a source, nothing
/// for discard).
struct Client {
    id: u64,
    handle: TcpHandle,
    send: u64,
    sent: u64,
    shut: bool,
    expect: Expect,
    received: u64,
    wrong: usize,
    finished: bool,
    error: Option<TcpError>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// What was sent, back.
    Echo,
    /// The source pattern from its start.
    Source,
    /// Nothing.
    Nothing,
}

impl Client {
    fn open(
        sim: &mut Simulation<Stack<'static>>,
        id: u64,
        port: u16,
        send: u64,
        expect: Expect,
    ) -> Client {
        let now = sim.now();
        let handle =
            sim.machine_mut(0).tcp_connect(now, Endpoint::new(SERVER, port), None).unwrap();
        Client {
            id,
            handle,
            send,
            sent: 0,
            shut: false,
            expect,
            received: 0,
            wrong: 0,
            finished: false,
            error: None,
        }
    }

    fn offset(&self) -> u64 {
        self.id * 7919
    }

    fn step(&mut self, s: &mut Stack<'static>, now: Instant) {
        if self.finished || self.error.is_some() {
            return;
        }
        while self.sent < self.send {
            let (at, left) = (self.offset() + self.sent, self.send - self.sent);
            let n = match s.tcp_send_with(self.handle, |buf| {
                let n = buf.len().min(left as usize);
                pattern::fill(at, &mut buf[..n]);
                n
            }) {
                Ok(n) => n,
                Err(e) => {
                    self.error = Some(e);
                    return;
                }
            };
            if n == 0 {
                break;
            }
            self.sent += n as u64;
        }
        // Not before the handshake: a CLOSE in SYN-SENT deletes the connection (RFC 9293
        // §3.10.4). A source's client reads to the end before closing, as curl does.
        let open = s.tcp_state(self.handle).is_ok_and(|st| st.is_synchronized());
        if self.sent == self.send && !self.shut && open && self.expect != Expect::Source {
            self.shut = s.tcp_shutdown(self.handle).is_ok();
        }
        loop {
            let at = match self.expect {
                Expect::Echo => self.offset() + self.received,
                _ => self.received,
            };
            let expect = self.expect;
            let mut wrong = 0;
            match s.tcp_recv_with(self.handle, |d| {
                wrong = match expect {
                    Expect::Nothing => d.len(),
                    _ => pattern::mismatches(at, d),
                };
                d.len()
            }) {
                Ok(0) => return,
                Ok(n) => {
                    self.received += n as u64;
                    self.wrong += wrong;
                }
                Err(TcpError::Connection(ConnError::Finished)) => {
                    self.finished = true;
                    s.tcp_close(now, self.handle).unwrap();
                    return;
                }
                Err(e) => {
                    self.error = Some(e);
                    return;
                }
            }
        }
    }
}

/// Runs `clients` against `apps` until every client finished and the server released
/// every connection; returns the server's records.
fn run(
    sim: &mut Simulation<Stack<'static>>,
    apps: &mut TcpApps,
    clients: &mut [Client],
    limit: Duration,
) -> Vec<TcpRecord> {
    let mut records = Vec::new();
    let outcome = sim.run_for(limit, |sim| {
        let now = sim.now();
        apps.poll(sim.machine_mut(1), now, |r| records.push(r));
        while sim.machine_mut(1).poll_event().is_some() {}
        let c = sim.machine_mut(0);
        while c.poll_event().is_some() {}
        for cl in clients.iter_mut() {
            cl.step(c, now);
        }
        let done = clients.iter().all(|c| c.finished || c.error.is_some());
        if done && apps.active() == 0 {
            return ControlFlow::Break(());
        }
        sim.wake_at(now + Duration::from_millis(20));
        ControlFlow::Continue(())
    });
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(apps.active(), 0, "connections still served at {}", sim.now());
    records
}

fn closed(records: &[TcpRecord]) -> Vec<super::TcpSummary> {
    records
        .iter()
        .filter_map(|r| match r {
            TcpRecord::Closed(s) => Some(**s),
            _ => None,
        })
        .collect()
}

#[test]
fn rfc862_tcp_echo_returns_0_to_200k_byte_exact_then_half_closes() {
    let mut sim = world(1, clean());
    let mut apps =
        TcpApps::open(sim.machine_mut(1), Instant::ZERO, &[(ECHO, TcpService::Echo)]).unwrap();
    let sizes = [0u64, 1, 1000, 65_536, 200_000];
    let mut clients: Vec<Client> = sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| Client::open(&mut sim, i as u64, ECHO, n, Expect::Echo))
        .collect();
    let records = run(&mut sim, &mut apps, &mut clients, Duration::from_secs(60));
    for c in &clients {
        assert_eq!(
            (c.error, c.finished, c.received, c.wrong),
            (None, true, c.send, 0),
            "client {}",
            c.id
        );
    }
    let total: u64 = sizes.iter().sum();
    let stats = apps.stats();
    assert_eq!((stats.accepted, stats.closed, stats.failed), (5, 5, 0));
    assert_eq!((stats.bytes_in, stats.bytes_out), (total, total));
    let mut per_conn: Vec<(u64, u64)> =
        closed(&records).iter().map(|s| (s.received, s.sent)).collect();
    per_conn.sort_unstable();
    assert_eq!(per_conn, sizes.iter().map(|&n| (n, n)).collect::<Vec<_>>());
    assert!(closed(&records).iter().all(|s| s.error.is_none() && s.info.is_some()));
    let opened = records.iter().filter(|r| matches!(r, TcpRecord::Opened { .. })).count();
    assert_eq!(opened, 5);
    // The clients half-closed first: they hold the TIME-WAITs, the server none.
    assert_eq!(sim.machine(1).tcp_connections_in_use(), 0);
    assert_eq!(sim.machine(0).tcp_time_wait_count(), 5);
}

#[test]
fn rfc862_tcp_echo_byte_exact_under_loss_reordering_and_duplication() {
    let faults = LinkFaults { loss: 0.02, reorder: 0.02, duplicate: 0.01, ..clean() };
    for seed in [3, 4] {
        let mut sim = world(seed, faults);
        let mut apps =
            TcpApps::open(sim.machine_mut(1), Instant::ZERO, &[(ECHO, TcpService::Echo)]).unwrap();
        let mut clients = vec![Client::open(&mut sim, 1, ECHO, 200_000, Expect::Echo)];
        let records = run(&mut sim, &mut apps, &mut clients, Duration::from_secs(300));
        let c = &clients[0];
        assert_eq!((c.error, c.received, c.wrong), (None, 200_000, 0), "seed {seed}");
        let s = closed(&records)[0];
        assert_eq!((s.received, s.sent, s.error), (200_000, 200_000, None));
        let info = s.info.unwrap();
        assert!(info.srtt.is_some());
        let lost: u64 = (0..2).map(|p| sim.switch().stats(p).unwrap().lost).sum();
        assert!(lost > 0, "seed {seed}: the faults were in force");
        // Losses were repaired by retransmissions, the echo's counted in its summary.
        assert_eq!(u64::from(info.counters.retransmitted_segments), apps.stats().retransmitted);
        let client = sim.machine(0).tcp_info(c.handle).unwrap(); // in TIME-WAIT
        let both = u64::from(client.counters.retransmitted_segments) + apps.stats().retransmitted;
        assert!(both > 0, "seed {seed}");
    }
}

#[test]
fn rfc863_tcp_discard_reads_everything_and_counts_per_connection() {
    let mut sim = world(2, clean());
    let mut apps =
        TcpApps::open(sim.machine_mut(1), Instant::ZERO, &[(DISCARD, TcpService::Discard)])
            .unwrap();
    let sizes = [0u64, 12_345, 300_000];
    let mut clients: Vec<Client> = sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| Client::open(&mut sim, i as u64, DISCARD, n, Expect::Nothing))
        .collect();
    let records = run(&mut sim, &mut apps, &mut clients, Duration::from_secs(60));
    for c in &clients {
        assert_eq!((c.error, c.finished, c.received), (None, true, 0), "client {}", c.id);
    }
    let mut got: Vec<(u64, u64)> = closed(&records).iter().map(|s| (s.received, s.sent)).collect();
    got.sort_unstable();
    assert_eq!(got, [(0, 0), (12_345, 0), (300_000, 0)]);
    assert_eq!(apps.stats().bytes_in, 312_345);
    assert_eq!(apps.stats().bytes_out, 0);
    let line = TcpRecord::Closed(Box::new(closed(&records)[0])).to_string();
    assert!(line.starts_with("tcp discard :9: 192.0.2.1:"), "{line}");
    assert!(line.contains(" closed after "), "{line}");
    assert!(line.contains("srtt "), "{line}");
}

#[test]
fn tcp_source_sends_exactly_n_bytes_then_fin_even_to_a_talking_peer() {
    for n in [0u64, 1, 100_000, 1 << 20] {
        let mut sim = world(5, clean());
        let service = TcpService::Source { bytes: n };
        let mut apps =
            TcpApps::open(sim.machine_mut(1), Instant::ZERO, &[(SOURCE, service)]).unwrap();
        // A silent client (socat) and one that sends a request first (curl): both get
        // the N bytes and a FIN, not a RST for unread data.
        let mut clients = vec![
            Client::open(&mut sim, 0, SOURCE, 0, Expect::Source),
            Client::open(&mut sim, 1, SOURCE, 300, Expect::Source),
        ];
        let records = run(&mut sim, &mut apps, &mut clients, Duration::from_secs(60));
        for c in &clients {
            assert_eq!((c.error, c.finished, c.received, c.wrong), (None, true, n, 0), "n {n}");
        }
        let mut got: Vec<(u64, u64)> =
            closed(&records).iter().map(|s| (s.received, s.sent)).collect();
        got.sort_unstable();
        assert_eq!(got, [(0, n), (300, n)]);
        // The source sent its FIN first: the TIME-WAITs are the server's.
        assert_eq!(sim.machine(1).tcp_time_wait_count(), 2);
        let s = closed(&records)[0];
        assert_eq!(s.info.map(|i| i.state), Some(State::TimeWait));
    }
}

#[test]
fn services_serve_as_many_connections_at_once_as_the_stack_has_slots() {
    let mut sim = world(6, clean());
    let services = [
        (ECHO, TcpService::Echo),
        (DISCARD, TcpService::Discard),
        (SOURCE, TcpService::Source { bytes: 50_000 }),
    ];
    let mut apps = TcpApps::open(sim.machine_mut(1), Instant::ZERO, &services).unwrap();
    assert_eq!(apps.services().count(), 3);
    // 16 slots on each side: 15 connections at once, the sources' TIME-WAITs included.
    let mut clients: Vec<Client> = (0..15)
        .map(|i| match i % 3 {
            0 => Client::open(&mut sim, i, ECHO, 40_000, Expect::Echo),
            1 => Client::open(&mut sim, i, DISCARD, 40_000, Expect::Nothing),
            _ => Client::open(&mut sim, i, SOURCE, 0, Expect::Source),
        })
        .collect();
    let records = run(&mut sim, &mut apps, &mut clients, Duration::from_secs(60));
    for c in &clients {
        let expected = match c.expect {
            Expect::Echo => 40_000,
            Expect::Nothing => 0,
            Expect::Source => 50_000,
        };
        assert_eq!((c.error, c.received, c.wrong), (None, expected, 0), "client {}", c.id);
    }
    assert_eq!(closed(&records).len(), 15);
    let stats = apps.stats();
    assert_eq!((stats.accepted, stats.closed), (15, 15));
    assert_eq!(stats.bytes_in, 5 * 40_000 * 2);
    assert_eq!(stats.bytes_out, 5 * 40_000 + 5 * 50_000);
}

#[test]
fn a_peer_reset_ends_the_connection_with_its_reason_and_frees_the_slot() {
    let mut sim = world(7, clean());
    let mut apps =
        TcpApps::open(sim.machine_mut(1), Instant::ZERO, &[(DISCARD, TcpService::Discard)])
            .unwrap();
    let mut client = Client::open(&mut sim, 0, DISCARD, 1 << 30, Expect::Nothing);
    let mut records = Vec::new();
    let mut aborted = false;
    let _ = sim.run_for(Duration::from_secs(10), |sim| {
        let now = sim.now();
        apps.poll(sim.machine_mut(1), now, |r| records.push(r));
        if !aborted {
            client.step(sim.machine_mut(0), now);
            if client.sent > 100_000 {
                sim.machine_mut(0).tcp_abort(now, client.handle).unwrap();
                aborted = true;
            }
        }
        if aborted && apps.active() == 0 {
            return ControlFlow::Break(());
        }
        sim.wake_at(now + Duration::from_millis(20));
        ControlFlow::Continue(())
    });
    let s = closed(&records);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].error, Some(TcpError::Reset));
    assert!(s[0].received > 0);
    assert_eq!(apps.stats().failed, 1);
    assert_eq!(sim.machine(1).tcp_connections_in_use(), 0);
    assert!(TcpRecord::Closed(Box::new(s[0]))
        .to_string()
        .contains("ended (connection reset by peer)"));
}

#[test]
fn open_refuses_a_taken_port_or_no_listener_slot_and_releases_what_it_opened() {
    let mut s = stack(SERVER);
    let now = Instant::ZERO;
    let first = TcpApps::open(&mut s, now, &[(ECHO, TcpService::Echo)]).unwrap();
    let err = TcpApps::open(&mut s, now, &[(8, TcpService::Discard), (ECHO, TcpService::Echo)]);
    assert_eq!(err.unwrap_err(), (ECHO, TcpError::AddrInUse));
    // Port 8 was released; the stack has 4 listener slots, one taken by `first`.
    let three: Vec<(u16, TcpService)> = (8..11).map(|p| (p, TcpService::Discard)).collect();
    let mut more = TcpApps::open(&mut s, now, &three).unwrap();
    let err = TcpApps::open(&mut s, now, &[(20, TcpService::Echo)]).unwrap_err();
    assert_eq!(err, (20, TcpError::NoListenerSlot));
    more.close(&mut s, now);
    assert!(TcpApps::open(&mut s, now, &[(20, TcpService::Echo)]).is_ok());
    drop(first);
}

#[test]
fn tcp_client_connects_once_the_address_is_ready_sends_n_bytes_and_closes_first() {
    let switch = Switch::new(8);
    let mut sim: Simulation<Stack<'static>> = Simulation::new(switch.clone());
    // The client probes its address first (RFC 5227): the connection waits for it.
    let mut config = Config::new(default_mac(CLIENT)).with_ipv4("192.0.2.1/24".parse().unwrap());
    config.seed = 11;
    let probing = Stack::new(config, Storage::with_defaults(), Instant::ZERO);
    sim.add_node(probing, switch.add_port(default_mac(CLIENT).0));
    sim.add_node(stack(SERVER), switch.add_port(default_mac(SERVER).0));
    switch.set_faults_all(clean());
    let mut server =
        TcpApps::open(sim.machine_mut(1), Instant::ZERO, &[(DISCARD, TcpService::Discard)])
            .unwrap();
    let mut client = TcpApps::open(sim.machine_mut(0), Instant::ZERO, &[]).unwrap();
    client.connect(Endpoint::new(SERVER, DISCARD), 100_000);
    client.connect(Endpoint::new(SERVER, 4444), 10); // nobody listens: refused
    assert_eq!(client.clients_pending(), 2);
    let (mut server_records, mut client_records) = (Vec::new(), Vec::new());
    let outcome = sim.run_for(Duration::from_secs(30), |sim| {
        let now = sim.now();
        client.poll(sim.machine_mut(0), now, |r| client_records.push((now, r)));
        server.poll(sim.machine_mut(1), now, |r| server_records.push(r));
        for id in 0..2 {
            while sim.machine_mut(id).poll_event().is_some() {}
        }
        if client.clients_pending() == 0 && server.active() == 0 {
            return ControlFlow::Break(());
        }
        sim.wake_at(now + Duration::from_millis(20));
        ControlFlow::Continue(())
    });
    assert!(outcome.is_ok(), "{outcome:?}");
    let ends: Vec<super::TcpSummary> = client_records
        .iter()
        .filter_map(|(_, r)| match r {
            TcpRecord::Closed(s) => Some(**s),
            _ => None,
        })
        .collect();
    assert_eq!(ends.len(), 2);
    let ok = ends.iter().find(|s| s.peer.port == DISCARD).unwrap();
    assert_eq!((ok.sent, ok.received, ok.error), (100_000, 0, None));
    assert_eq!(ok.info.map(|i| i.state), Some(State::TimeWait), "the client closed first");
    let refused = ends.iter().find(|s| s.peer.port == 4444).unwrap();
    assert_eq!(refused.error, Some(TcpError::Refused));
    // Nothing was sent before the address was ready (RFC 5227 probing takes seconds).
    let (first, _) = client_records[0];
    assert!(first >= Instant::from_secs(1), "connected at {first}");
    assert_eq!(closed(&server_records)[0].received, 100_000);
    let stats = client.stats();
    // The refused connection's 10 bytes never left.
    assert_eq!(refused.sent, 0);
    assert_eq!((stats.connected, stats.closed, stats.failed, stats.bytes_out), (2, 1, 1, 100_000));
    let line = TcpRecord::Closed(Box::new(*refused)).to_string();
    assert!(line.starts_with("tcp client :"), "{line}");
    assert!(line.contains("192.0.2.2:4444 ended (connection refused)"), "{line}");
}
