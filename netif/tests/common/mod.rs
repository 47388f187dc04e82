//! Fake machines for the runner tests: a pinger that sends a numbered request on a timer and
//! an echoer that answers every request, over EtherType 0x88b5 (IEEE 802 local
//! experimental), so no real protocol is involved.
#![allow(dead_code)]

use std::collections::VecDeque;

use unet_core::{Duration, FrameMachine, Instant};

pub const ETHERTYPE: [u8; 2] = [0x88, 0xb5];
pub const BROADCAST: [u8; 6] = [0xff; 6];
pub const REQUEST: u8 = 1;
pub const REPLY: u8 = 2;

/// A frame from `src` to `dst` carrying `kind` and `seq`, padded to Ethernet's minimum.
pub fn frame(dst: [u8; 6], src: [u8; 6], kind: u8, seq: u32) -> Vec<u8> {
    let mut f = Vec::with_capacity(60);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    f.extend_from_slice(&ETHERTYPE);
    f.push(kind);
    f.extend_from_slice(&seq.to_be_bytes());
    f.resize(60, 0);
    f
}

/// (dst, src, kind, seq) of one of our frames.
pub fn parse(f: &[u8]) -> Option<([u8; 6], [u8; 6], u8, u32)> {
    if f.len() < 19 || f[12..14] != ETHERTYPE {
        return None;
    }
    let dst = f[0..6].try_into().ok()?;
    let src = f[6..12].try_into().ok()?;
    let seq = u32::from_be_bytes(f[15..19].try_into().ok()?);
    Some((dst, src, f[14], seq))
}

/// Answers every request addressed to it (or broadcast) with a reply to the sender.
#[derive(Debug, Default)]
pub struct Echoer {
    pub mac: [u8; 6],
    pub out: VecDeque<Vec<u8>>,
    pub seen: Vec<(Instant, u32)>,
    pub ignored: u64,
}

impl Echoer {
    pub fn new(mac: [u8; 6]) -> Self {
        Echoer { mac, ..Default::default() }
    }
}

impl FrameMachine for Echoer {
    fn handle_frame(&mut self, now: Instant, f: &[u8]) {
        match parse(f) {
            Some((dst, src, REQUEST, seq)) if dst == self.mac || dst == BROADCAST => {
                self.seen.push((now, seq));
                self.out.push_back(frame(src, self.mac, REPLY, seq));
            }
            _ => self.ignored += 1,
        }
    }
    fn poll_transmit(&mut self, _now: Instant, buf: &mut [u8]) -> Option<usize> {
        let f = self.out.pop_front()?;
        buf.get_mut(..f.len())?.copy_from_slice(&f);
        Some(f.len())
    }
    fn poll_timeout(&self) -> Option<Instant> {
        None
    }
    fn handle_timeout(&mut self, _now: Instant) {}
}

/// Sends request `seq` to `peer` every `interval`, `count` times, and records when each
/// reply came back.
#[derive(Debug)]
pub struct Pinger {
    pub mac: [u8; 6],
    pub peer: [u8; 6],
    pub interval: Duration,
    pub count: u32,
    pub next_seq: u32,
    pub next_at: Option<Instant>,
    pub sent_at: Vec<Instant>,
    pub replies: Vec<(u32, Instant)>,
    out: VecDeque<Vec<u8>>,
}

impl Pinger {
    pub fn new(
        mac: [u8; 6],
        peer: [u8; 6],
        start: Instant,
        interval: Duration,
        count: u32,
    ) -> Self {
        Pinger {
            mac,
            peer,
            interval,
            count,
            next_seq: 0,
            next_at: (count > 0).then_some(start),
            sent_at: Vec::new(),
            replies: Vec::new(),
            out: VecDeque::new(),
        }
    }

    /// Round-trip time of each answered request.
    pub fn rtts(&self) -> Vec<(u32, Duration)> {
        self.replies.iter().map(|&(seq, at)| (seq, at - self.sent_at[seq as usize])).collect()
    }
}

impl FrameMachine for Pinger {
    fn handle_frame(&mut self, now: Instant, f: &[u8]) {
        if let Some((dst, _, REPLY, seq)) = parse(f) {
            if dst == self.mac {
                self.replies.push((seq, now));
            }
        }
    }
    fn poll_transmit(&mut self, _now: Instant, buf: &mut [u8]) -> Option<usize> {
        let f = self.out.pop_front()?;
        buf.get_mut(..f.len())?.copy_from_slice(&f);
        Some(f.len())
    }
    fn poll_timeout(&self) -> Option<Instant> {
        self.next_at
    }
    fn handle_timeout(&mut self, now: Instant) {
        while let Some(at) = self.next_at.filter(|t| *t <= now) {
            self.out.push_back(frame(self.peer, self.mac, REQUEST, self.next_seq));
            self.sent_at.push(now);
            self.next_seq += 1;
            self.next_at = (self.next_seq < self.count).then_some(at + self.interval);
        }
    }
}

/// Either machine, so one simulation can hold both.
#[derive(Debug)]
pub enum Node {
    Ping(Pinger),
    Echo(Echoer),
}

impl Node {
    pub fn pinger(&self) -> &Pinger {
        match self {
            Node::Ping(p) => p,
            Node::Echo(_) => panic!("not a pinger"),
        }
    }
    pub fn echoer(&self) -> &Echoer {
        match self {
            Node::Echo(e) => e,
            Node::Ping(_) => panic!("not an echoer"),
        }
    }
}

impl FrameMachine for Node {
    fn handle_frame(&mut self, now: Instant, f: &[u8]) {
        match self {
            Node::Ping(m) => m.handle_frame(now, f),
            Node::Echo(m) => m.handle_frame(now, f),
        }
    }
    fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<usize> {
        match self {
            Node::Ping(m) => m.poll_transmit(now, buf),
            Node::Echo(m) => m.poll_transmit(now, buf),
        }
    }
    fn poll_timeout(&self) -> Option<Instant> {
        match self {
            Node::Ping(m) => m.poll_timeout(),
            Node::Echo(m) => m.poll_timeout(),
        }
    }
    fn handle_timeout(&mut self, now: Instant) {
        match self {
            Node::Ping(m) => m.handle_timeout(now),
            Node::Echo(m) => m.handle_timeout(now),
        }
    }
}
