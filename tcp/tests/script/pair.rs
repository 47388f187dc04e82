//! Two connections wired back to back: segments go through `emit` and `Repr::parse`
//! (checksums included), at fake times.

use std::net::Ipv4Addr;
use std::vec::Vec;

use unet_core::{Duration, Instant};
use unet_tcp::conn::{Config, Connection, Endpoint, Open, Transmit};
use unet_tcp::{Repr, RingBuffer, Segment, SeqNumber, TcpOptions};

pub type Conn = Connection<'static, Ipv4Addr>;

pub const A_ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub const B_ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

/// Storage that lives for the test (leaked: tests are short).
pub fn storage(n: usize) -> &'static mut [u8] {
    Box::leak(vec![0u8; n].into_boxed_slice())
}

pub fn ring(n: usize) -> RingBuffer<'static> {
    RingBuffer::new(storage(n))
}

/// A segment as it went over the wire: the parsed header with typed options, and data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wire {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub repr: Repr<'static>,
    pub payload: Vec<u8>,
}

/// Emits `t` through the connection into bytes, then parses them back.
pub fn wire(conn: &Conn, t: &Transmit<Ipv4Addr>) -> Wire {
    let mut buf = vec![0u8; t.len()];
    let n = conn.emit(t, &mut buf).expect("emit");
    assert_eq!(n, t.len());
    let segment = Segment::new_checked(&buf[..]).expect("segment");
    let parsed = Repr::parse(&segment, &t.src, &t.dst).expect("parse (checksum)");
    let header_len = parsed.header_len();
    let repr = Repr { options: TcpOptions::Typed(parsed.options.to_set()), ..parsed };
    Wire { src: t.src, dst: t.dst, repr, payload: buf[header_len..].to_vec() }
}

/// Everything `conn` wants to send at `now`.
pub fn drain(conn: &mut Conn, now: Instant) -> Vec<Wire> {
    let mut out = Vec::new();
    while let Some(t) = conn.poll_transmit(now) {
        out.push(wire(conn, &t));
        assert!(out.len() < 10_000, "runaway transmit");
    }
    out
}

/// Gives `seg` to `conn`.
pub fn deliver(conn: &mut Conn, now: Instant, seg: &Wire) {
    let _ = conn.handle_segment(now, &seg.repr, &seg.payload);
}

pub fn client_open(iss: u32) -> Open<Ipv4Addr> {
    Open {
        local: Endpoint::new(A_ADDR, 40000),
        remote: Endpoint::new(B_ADDR, 80),
        iss: SeqNumber(iss),
        ts_offset: 0,
    }
}

pub fn server_open(iss: u32) -> Open<Ipv4Addr> {
    Open {
        local: Endpoint::new(B_ADDR, 80),
        remote: Endpoint::new(A_ADDR, 40000),
        iss: SeqNumber(iss),
        ts_offset: 1000,
    }
}

/// A client and a server after a handshake (the server accepted the client's SYN).
pub struct Pair {
    pub a: Conn,
    pub b: Conn,
    pub now: Instant,
    /// Every segment that went over the wire, with its direction (true: a to b).
    pub log: Vec<(Instant, bool, Wire)>,
}

impl Pair {
    pub fn connect(config: Config, bufsize: usize) -> Pair {
        Pair::connect_with(config, config, bufsize, bufsize)
    }

    pub fn connect_with(ca: Config, cb: Config, abuf: usize, bbuf: usize) -> Pair {
        let now = Instant::from_secs(1);
        let mut a = Connection::connect(now, ca, client_open(1_000), ring(abuf), ring(abuf));
        let syn = drain(&mut a, now);
        assert_eq!(syn.len(), 1);
        let b = Connection::accept_syn(
            now,
            cb,
            server_open(5_000),
            &syn[0].repr,
            ring(bbuf),
            ring(bbuf),
        )
        .expect("accept");
        let mut pair = Pair { a, b, now, log: Vec::new() };
        pair.log.push((now, true, syn[0].clone()));
        pair.run_for(Duration::from_millis(10));
        pair
    }

    /// Exchanges segments without loss until neither side has anything to send, firing
    /// timers up to `now + d`, one millisecond of link delay per hop.
    pub fn run_for(&mut self, d: Duration) {
        self.run_lossy(d, &mut |_, _| true);
    }

    /// Like `run_for`, with `keep(a_to_b, seg)` deciding whether each segment arrives.
    pub fn run_lossy(&mut self, d: Duration, keep: &mut dyn FnMut(bool, &Wire) -> bool) {
        let end = self.now + d;
        loop {
            let mut moved = false;
            for a_to_b in [true, false] {
                let (src, dst) =
                    if a_to_b { (&mut self.a, &mut self.b) } else { (&mut self.b, &mut self.a) };
                let segs = drain(src, self.now);
                for seg in segs {
                    moved = true;
                    self.log.push((self.now, a_to_b, seg.clone()));
                    if keep(a_to_b, &seg) {
                        deliver(dst, self.now, &seg);
                    }
                }
            }
            if moved {
                continue;
            }
            let next = [self.a.poll_timeout(), self.b.poll_timeout()].into_iter().flatten().min();
            match next {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    self.a.handle_timeout(self.now);
                    self.b.handle_timeout(self.now);
                }
                _ => break,
            }
        }
        self.now = self.now.max(end);
    }
}
