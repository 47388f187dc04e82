//! Bulk transfers between two stacks on unet-netif's switch in virtual time, byte-exact
//! under loss, duplication, reordering, corruption and delay (RFC 9293 §3.10.7.4 in-order
//! delivery, RFC 6298/5681/6675 recovery), with several seeds; and many connections at once.

mod common;

use std::net::Ipv4Addr;
use std::ops::ControlFlow;

use common::*;
use unet_core::{Duration, Instant};
use unet_netif::memory::{LinkFaults, Switch};
use unet_netif::sim::Simulation;
use unet_stack::tcp::conn::Error as ConnError;
use unet_stack::tcp::Endpoint;
use unet_stack::{Stack, TcpError, TcpHandle};

const SERVER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

/// The byte at offset `i` of every stream (so each is checked byte for byte).
fn pattern(i: u64, stream: u64) -> u8 {
    ((i ^ stream.wrapping_mul(0x5851_F42D)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8
}

/// One direction of one connection: the client writes `total` bytes and closes, the
/// server checks every byte and closes when the stream ends.
struct Stream {
    id: u64,
    total: u64,
    client: Option<TcpHandle>,
    server: Option<TcpHandle>,
    sent: u64,
    received: u64,
    shut: bool,
    done: bool,
}

impl Stream {
    fn new(id: u64, total: u64) -> Stream {
        Stream {
            id,
            total,
            client: None,
            server: None,
            sent: 0,
            received: 0,
            shut: false,
            done: false,
        }
    }

    fn send(&mut self, s: &mut Stack<'static>, now: Instant) {
        let Some(c) = self.client else { return };
        while self.sent < self.total {
            let (sent, id, total) = (self.sent, self.id, self.total);
            // Zero copy: the pattern is written straight into the send buffer.
            let n = s
                .tcp_send_with(c, |buf| {
                    let n = buf.len().min((total - sent) as usize);
                    for (k, b) in buf[..n].iter_mut().enumerate() {
                        *b = pattern(sent + k as u64, id);
                    }
                    n
                })
                .unwrap();
            if n == 0 {
                break;
            }
            self.sent += n as u64;
        }
        if self.sent == self.total && !self.shut {
            s.tcp_close(now, c).unwrap();
            self.shut = true;
        }
    }

    fn receive(&mut self, s: &mut Stack<'static>, now: Instant) {
        let Some(h) = self.server else { return };
        if self.done {
            return;
        }
        loop {
            let (received, id) = (self.received, self.id);
            let r = s.tcp_recv_with(h, |data| {
                for (k, b) in data.iter().enumerate() {
                    assert_eq!(
                        *b,
                        pattern(received + k as u64, id),
                        "stream {id} byte {}",
                        received + k as u64
                    );
                }
                data.len()
            });
            match r {
                Ok(0) => return,
                Ok(n) => self.received += n as u64,
                Err(TcpError::Connection(ConnError::Finished)) => {
                    assert_eq!(self.received, self.total, "stream {id} ended early");
                    s.tcp_close(now, h).unwrap();
                    self.done = true;
                    return;
                }
                Err(e) => panic!("stream {id}: {e} after {} bytes", self.received),
            }
        }
    }
}

/// Runs `streams` client→server transfers of `bytes` each over a switch with `faults`;
/// returns the two stacks when every stream is checked and both ends closed.
fn run(
    seed: u64,
    faults: LinkFaults,
    streams: usize,
    bytes: u64,
    buf: usize,
    limit: Duration,
) -> (Stack<'static>, Stack<'static>) {
    let t0 = Instant::from_secs(1);
    let switch = Switch::new(seed);
    let mut sim: Simulation<Stack<'static>> = Simulation::new(switch.clone());
    let client = tcp_host(1, t0, streams, buf);
    let server = tcp_host(2, t0, streams, buf);
    let a = sim.add_node(client, switch.add_port(mac(1).0));
    let b = sim.add_node(server, switch.add_port(mac(2).0));
    switch.set_faults_all(faults);
    let listener = sim.machine_mut(b).tcp_listen(5001, streams).unwrap();
    let mut flows: Vec<(u16, Stream)> = Vec::new();
    for i in 0..streams {
        let cli = sim.machine_mut(a);
        let c = cli.tcp_connect(t0, Endpoint::new(SERVER, 5001), None).unwrap();
        let port = cli.tcp_info(c).unwrap().local.port;
        let mut f = Stream::new(i as u64, bytes);
        f.client = Some(c);
        flows.push((port, f));
    }
    let outcome = sim.run_for(limit, |sim| {
        let now = sim.now();
        let srv = sim.machine_mut(b);
        while let Some(h) = srv.tcp_accept(now, listener) {
            let port = srv.tcp_info(h).unwrap().remote.port;
            let (_, f) = flows.iter_mut().find(|(p, _)| *p == port).expect("a known client");
            assert!(f.server.replace(h).is_none(), "accepted twice");
        }
        while srv.poll_event().is_some() {}
        for (_, f) in flows.iter_mut() {
            f.receive(srv, now);
        }
        let cli = sim.machine_mut(a);
        while cli.poll_event().is_some() {}
        for (_, f) in flows.iter_mut() {
            f.send(cli, now);
        }
        let all_done = flows.iter().all(|(_, f)| f.done);
        let idle = sim.machine(a).tcp_connections_in_use() == sim.machine(a).tcp_time_wait_count()
            && sim.machine(b).tcp_connections_in_use() == 0;
        if all_done && idle {
            return ControlFlow::Break(());
        }
        sim.wake_at(now + Duration::from_millis(50));
        ControlFlow::Continue(())
    });
    let at = sim.now();
    let progress: Vec<(u64, u64)> = flows.iter().map(|(_, f)| (f.sent, f.received)).collect();
    assert!(outcome.is_ok(), "seed {seed}: {outcome:?}");
    let nodes = sim.into_nodes();
    let mut it = nodes.into_iter().map(|(m, _)| m);
    let (ca, cb) = (it.next().unwrap(), it.next().unwrap());
    assert!(
        flows.iter().all(|(_, f)| f.done),
        "seed {seed}: not done by {at}: {progress:?}\nclient {}\nserver {}",
        ca.counters(),
        cb.counters()
    );
    (ca, cb)
}

#[test]
fn rfc9293_3_10_7_4_bulk_transfer_clean_link() {
    let faults = LinkFaults { delay: Duration::from_millis(1), ..LinkFaults::default() };
    let (a, b) = run(1, faults, 1, 4 << 20, 64 * 1024, Duration::from_secs(60));
    assert_eq!(b.counters().tcp_segment_rejected, 0);
    assert_eq!(a.tcp_time_wait_count(), 1, "the client closed first");
}

#[test]
fn rfc6298_rfc5681_bulk_transfers_byte_exact_under_faults() {
    let faults = LinkFaults {
        loss: 0.02,
        duplicate: 0.01,
        reorder: 0.03,
        corrupt: 0.01,
        delay: Duration::from_millis(2),
        ..LinkFaults::default()
    };
    for seed in [1u64, 2, 3] {
        let (a, b) = run(seed, faults, 1, 2 << 20, 64 * 1024, Duration::from_secs(600));
        let bad = a.counters().tcp_bad_checksum
            + b.counters().tcp_bad_checksum
            + a.counters().ipv4_bad_checksum
            + b.counters().ipv4_bad_checksum;
        assert!(bad > 0, "seed {seed}: corruption was caught by checksums");
    }
}

#[test]
fn rfc9293_many_connections_at_once() {
    let faults =
        LinkFaults { loss: 0.01, delay: Duration::from_millis(1), ..LinkFaults::default() };
    let (a, b) = run(7, faults, 16, 256 << 10, 16 * 1024, Duration::from_secs(600));
    assert_eq!(a.counters().tcp_connects, 16);
    assert_eq!(b.counters().tcp_accepted, 16);
}
