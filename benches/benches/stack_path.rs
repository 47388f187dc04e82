//! Per-packet costs through the whole unet stack (issue 5, item 5), driven as a driver
//! drives it (`handle_frame` / `poll_transmit`):
//! - `tcp_receive/1448`: one 1448-byte TCP segment in — the frame handled (checksums
//!   verified, demultiplexed, queued), the data read out by the application, the ACKs
//!   emitted;
//! - `tcp_send/1448`: 1448 bytes written by the application and emitted as one frame
//!   (headers and checksums computed);
//! - `arp_request`: an ARP request for our address handled and the reply emitted;
//! - `icmp_echo`: an ICMP echo request (56 bytes of data) handled and the reply emitted.
//!
//! The TCP cases run on an established connection between two stacks in steady state
//! (congestion window open); each timed batch is 16 segments, the other side's work
//! (producing or acknowledging them) is done outside the timed part.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::net::Ipv4Addr;
use std::time::{Duration, Instant as WallClock};
use unet_core::{checksum::checksum, Duration as NetDuration, FrameMachine, Instant};
use unet_stack::ethernet::EthernetAddress;
use unet_stack::tcp::Endpoint;
use unet_stack::{Config, Stack, Storage, TcpHandle};

const MSS: usize = 1448;
const BATCH: usize = 16;
const BUFFER: usize = 256 * 1024;

fn host(octet: u8) -> Stack<'static> {
    let mac = EthernetAddress([0x02, 0, 0, 0, 0, octet]);
    let mut config =
        Config::new(mac).with_ipv4(format!("192.0.2.{octet}/24").parse().expect("a CIDR"));
    config.mtu = 1500;
    config.acd = false;
    config.seed = u64::from(octet);
    let storage = Storage {
        tcp_connections: Storage::tcp_slots(2, BUFFER, BUFFER),
        ..Storage::with_defaults()
    };
    Stack::new(config, storage, Instant::ZERO)
}

/// Every frame `stack` has to send.
fn drain(stack: &mut Stack<'static>, now: Instant) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let mut buf = vec![0u8; 1514];
        match stack.poll_transmit(now, &mut buf) {
            Some(n) => {
                buf.truncate(n);
                out.push(buf);
            }
            None => return out,
        }
    }
}

fn feed(stack: &mut Stack<'static>, now: Instant, frames: &[Vec<u8>]) {
    for f in frames {
        stack.handle_frame(now, f);
    }
}

/// Two stacks with an established connection (`a` sends to `b`) and a warm window.
struct Pair {
    a: Stack<'static>,
    b: Stack<'static>,
    ha: TcpHandle,
    hb: TcpHandle,
    now: Instant,
    data: Vec<u8>,
    sink: Vec<u8>,
}

impl Pair {
    fn new() -> Pair {
        let (mut a, mut b) = (host(1), host(2));
        let listener = b.tcp_listen(5001, 1).expect("listener");
        let mut now = Instant::ZERO;
        let ha = a
            .tcp_connect(now, Endpoint::new(Ipv4Addr::new(192, 0, 2, 2), 5001), None)
            .expect("connect");
        let mut hb = None;
        for _ in 0..100 {
            now += NetDuration::from_micros(100);
            let fa = drain(&mut a, now);
            feed(&mut b, now, &fa);
            let fb = drain(&mut b, now);
            feed(&mut a, now, &fb);
            hb = hb.or_else(|| b.tcp_accept(now, listener));
            if hb.is_some() && fa.is_empty() && fb.is_empty() {
                break;
            }
        }
        let mut pair = Pair {
            a,
            b,
            ha,
            hb: hb.expect("handshake"),
            now,
            data: (0..BATCH * MSS).map(|i| i as u8).collect(),
            sink: vec![0; BUFFER],
        };
        // Open the congestion window.
        for _ in 0..200 {
            let frames = pair.produce();
            pair.consume(&frames);
        }
        pair
    }

    fn tick(&mut self) {
        self.now += NetDuration::from_micros(50);
        for s in [&mut self.a, &mut self.b] {
            if s.poll_timeout().is_some_and(|t| t <= self.now) {
                s.handle_timeout(self.now);
            }
        }
    }

    /// `a` writes one batch and emits its frames.
    fn produce(&mut self) -> Vec<Vec<u8>> {
        self.tick();
        let mut written = 0;
        while written < self.data.len() {
            match self.a.tcp_send(self.ha, &self.data[written..]) {
                Ok(0) | Err(_) => break,
                Ok(n) => written += n,
            }
        }
        drain(&mut self.a, self.now)
    }

    /// `b` handles the frames, the application reads, `b`'s ACKs go back to `a`.
    fn consume(&mut self, frames: &[Vec<u8>]) {
        let acks = self.receive(frames);
        feed(&mut self.a, self.now, &acks);
    }

    fn receive(&mut self, frames: &[Vec<u8>]) -> Vec<Vec<u8>> {
        feed(&mut self.b, self.now, frames);
        while let Ok(1..) = self.b.tcp_recv(self.hb, &mut self.sink) {}
        drain(&mut self.b, self.now)
    }
}

fn data_segments(frames: &[Vec<u8>]) -> u64 {
    frames.iter().filter(|f| f.len() > 1000).count() as u64
}

fn tcp(c: &mut Criterion) {
    let mut group = c.benchmark_group("stack_path");
    group.throughput(Throughput::Elements(1));
    let mut pair = Pair::new();
    group.bench_function(BenchmarkId::new("tcp_receive", MSS), |bench| {
        bench.iter_custom(|iters| {
            let (mut done, mut spent) = (0u64, Duration::ZERO);
            while done < iters {
                let frames = pair.produce();
                let start = WallClock::now();
                let acks = pair.receive(&frames);
                spent += start.elapsed();
                feed(&mut pair.a, pair.now, &acks);
                done += data_segments(&frames).max(1);
            }
            spent.mul_f64(iters as f64 / done as f64)
        })
    });
    let mut pair = Pair::new();
    group.bench_function(BenchmarkId::new("tcp_send", MSS), |bench| {
        bench.iter_custom(|iters| {
            let (mut done, mut spent) = (0u64, Duration::ZERO);
            while done < iters {
                let start = WallClock::now();
                let frames = pair.produce();
                spent += start.elapsed();
                pair.consume(&frames);
                done += data_segments(&frames).max(1);
            }
            spent.mul_f64(iters as f64 / done as f64)
        })
    });

    // ARP and ICMP towards `b` from a host at 192.0.2.9.
    let mut b = host(2);
    let now = Instant::ZERO + NetDuration::from_secs(1);
    drain(&mut b, now);
    let mac = [0x02, 0, 0, 0, 0, 9];
    let arp = arp_request(mac, [192, 0, 2, 9], [192, 0, 2, 2]);
    let mut out = vec![0u8; 1514];
    b.handle_frame(now, &arp);
    assert!(b.poll_transmit(now, &mut out).is_some(), "an ARP reply");
    group.bench_function("arp_request", |bench| {
        bench.iter(|| {
            b.handle_frame(now, std::hint::black_box(&arp));
            b.poll_transmit(now, &mut out)
        })
    });
    let echo = icmp_echo(mac, [0x02, 0, 0, 0, 0, 2], [192, 0, 2, 9], [192, 0, 2, 2], 56);
    b.handle_frame(now, &echo);
    assert!(b.poll_transmit(now, &mut out).is_some(), "an echo reply");
    group.bench_function("icmp_echo", |bench| {
        bench.iter(|| {
            b.handle_frame(now, std::hint::black_box(&echo));
            b.poll_transmit(now, &mut out)
        })
    });
    group.finish();
}

/// An Ethernet ARP request (RFC 826) from `mac`/`spa` for `tpa`.
fn arp_request(mac: [u8; 6], spa: [u8; 4], tpa: [u8; 4]) -> Vec<u8> {
    let mut f = vec![0xff; 6];
    f.extend_from_slice(&mac);
    f.extend_from_slice(&[0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]);
    f.extend_from_slice(&mac);
    f.extend_from_slice(&spa);
    f.extend_from_slice(&[0; 6]);
    f.extend_from_slice(&tpa);
    f
}

/// An Ethernet/IPv4 ICMP echo request (RFC 792) with `len` bytes of data.
fn icmp_echo(src: [u8; 6], dst: [u8; 6], sip: [u8; 4], dip: [u8; 4], len: usize) -> Vec<u8> {
    let mut f = dst.to_vec();
    f.extend_from_slice(&src);
    f.extend_from_slice(&[0x08, 0x00]);
    let total = (20 + 8 + len) as u16;
    let mut ip = vec![0x45, 0, (total >> 8) as u8, total as u8, 0, 1, 0x40, 0, 64, 1, 0, 0];
    ip.extend_from_slice(&sip);
    ip.extend_from_slice(&dip);
    let sum = checksum(&ip);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    let mut icmp = vec![8, 0, 0, 0, 0x12, 0x34, 0, 1];
    icmp.extend((0..len).map(|i| i as u8));
    let sum = checksum(&icmp);
    icmp[2..4].copy_from_slice(&sum.to_be_bytes());
    f.extend_from_slice(&ip);
    f.extend_from_slice(&icmp);
    f
}

criterion_group!(benches, tcp);
criterion_main!(benches);
