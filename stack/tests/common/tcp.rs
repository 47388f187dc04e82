//! Two stacks joined by a perfect wire at fake times, and TCP segment crafting.

use std::net::Ipv4Addr;
use std::vec::Vec;

use unet_core::{Duration, FrameMachine, Instant, IpProtocol};
use unet_stack::tcp::{Repr, Segment};
use unet_stack::{Event, Stack};

use super::*;

/// Hosts 192.0.2.1 (`a`) and 192.0.2.2 (`b`) on one wire: every frame one sends the other
/// receives, at once (unless `drop_a_to_b` says otherwise).
pub struct Pair {
    pub a: Stack<'static>,
    pub b: Stack<'static>,
    pub now: Instant,
    pub events_a: Vec<Event>,
    pub events_b: Vec<Event>,
    /// Frames a sent, as they left (for inspection).
    pub sent_a: Vec<Vec<u8>>,
    /// Frames b sent.
    pub sent_b: Vec<Vec<u8>>,
    /// Drops a frame from a to b when it returns true.
    pub drop_a_to_b: Option<DropFn>,
}

/// Decides whether a frame is lost.
pub type DropFn = Box<dyn FnMut(&[u8]) -> bool>;

pub const A_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub const B_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

impl Pair {
    pub fn new() -> Pair {
        let now = Instant::from_secs(1);
        Pair::with(host(1, now), host(2, now), now)
    }

    pub fn with(a: Stack<'static>, b: Stack<'static>, now: Instant) -> Pair {
        Pair {
            a,
            b,
            now,
            events_a: Vec::new(),
            events_b: Vec::new(),
            sent_a: Vec::new(),
            sent_b: Vec::new(),
            drop_a_to_b: None,
        }
    }

    /// Moves frames both ways until neither stack has anything to send.
    pub fn settle(&mut self) {
        let mut buf = vec![0u8; 1514];
        for _ in 0..100_000 {
            let mut moved = false;
            while let Some(n) = self.a.poll_transmit(self.now, &mut buf) {
                moved = true;
                let frame = buf[..n].to_vec();
                let dropped = self.drop_a_to_b.as_mut().is_some_and(|f| f(&frame));
                if !dropped {
                    self.b.handle_frame(self.now, &frame);
                }
                self.sent_a.push(frame);
            }
            while let Some(n) = self.b.poll_transmit(self.now, &mut buf) {
                moved = true;
                self.a.handle_frame(self.now, &buf[..n]);
                self.sent_b.push(buf[..n].to_vec());
            }
            self.events_a.extend(std::iter::from_fn(|| self.a.poll_event()));
            self.events_b.extend(std::iter::from_fn(|| self.b.poll_event()));
            if !moved {
                return;
            }
        }
        panic!("the pair never settles");
    }

    /// Lets `d` pass: timers fire at their deadlines, frames move at once.
    pub fn advance(&mut self, d: Duration) {
        let until = self.now + d;
        self.settle();
        for _ in 0..1_000_000 {
            let next = [self.a.poll_timeout(), self.b.poll_timeout()].into_iter().flatten().min();
            match next {
                Some(t) if t <= until => {
                    self.now = self.now.max(t);
                    self.a.handle_timeout(self.now);
                    self.b.handle_timeout(self.now);
                    self.settle();
                    if self.now == t
                        && [self.a.poll_timeout(), self.b.poll_timeout()].contains(&Some(t))
                    {
                        // A deadline that does not move once handled: step the clock.
                        self.now += Duration::from_millis(1);
                    }
                }
                _ => {
                    self.now = until;
                    self.a.handle_timeout(self.now);
                    self.b.handle_timeout(self.now);
                    self.settle();
                    return;
                }
            }
        }
        panic!("timers never settle");
    }
}

/// The TCP segments among `frames`: (IP source, IP destination, header, payload).
pub fn tcp_segments(frames: &[Vec<u8>]) -> Vec<(Ipv4Addr, Ipv4Addr, Repr<'static>, Vec<u8>)> {
    let mut out = Vec::new();
    for f in frames {
        let p = Parsed::new(f);
        if p.eth.ethertype != unet_ethernet::EtherType::IPV4 {
            continue;
        }
        let (ip, payload) = p.ip();
        if ip.protocol != IpProtocol::TCP {
            continue;
        }
        let bytes: &'static [u8] = payload.to_vec().leak();
        let seg = Segment::new_checked(bytes).unwrap();
        let repr = Repr::parse(&seg, &ip.src, &ip.dst).expect("valid TCP checksum");
        out.push((ip.src, ip.dst, repr, seg.payload().to_vec()));
    }
    out
}

/// A TCP segment from `src` to `dst` with `repr`'s header and `payload`, checksum filled.
pub fn tcp_bytes(src: Ipv4Addr, dst: Ipv4Addr, repr: &Repr<'_>, payload: &[u8]) -> Vec<u8> {
    let mut repr = *repr;
    repr.payload_len = payload.len();
    let mut p = vec![0u8; repr.buffer_len()];
    p[repr.header_len()..].copy_from_slice(payload);
    repr.emit(&mut Segment::new_unchecked(&mut p[..]), &src, &dst).unwrap();
    p
}

/// The frame carrying a TCP segment from the peer host (PEER_MAC, PEER_IP) to host 1.
pub fn tcp_frame_to(
    dst_mac: unet_ethernet::EthernetAddress,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    repr: &Repr<'_>,
    payload: &[u8],
) -> Vec<u8> {
    let ip = Ip::new(src, dst, IpProtocol::TCP);
    ipv4_frame(PEER_MAC, dst_mac, &ip, &tcp_bytes(src, dst, repr, payload))
}
