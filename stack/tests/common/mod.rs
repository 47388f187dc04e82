//! Shared helpers: stacks over leaked storage, crafted frames, output parsing.
#![allow(dead_code)]

pub mod tcp;

use std::net::Ipv4Addr;
use std::vec;
use std::vec::Vec;

use unet_core::{FrameMachine, Instant, IpProtocol};
use unet_ethernet::{EtherType, EthernetAddress, Frame, VlanTags};
use unet_ipv4::igmp::GroupSlot;
use unet_ipv4::reassembly::Slot;
use unet_stack::arp::{Neighbor, PendingPacket};
use unet_stack::{Config, Stack, Storage};

pub const PEER_MAC: EthernetAddress = EthernetAddress([2, 0, 0, 0, 0, 0x99]);
pub const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 99);
pub const OUR_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

pub fn mac(n: u8) -> EthernetAddress {
    EthernetAddress([2, 0, 0, 0, 0, n])
}

fn leak<T: Clone>(v: T, n: usize) -> &'static mut [T] {
    vec![v; n].leak()
}

/// Storage of the sizes the docs suggest, leaked (tests only).
pub fn storage() -> Storage<'static> {
    let sockets: Vec<Option<unet_udp::UdpSocket<'static, Ipv4Addr>>> =
        (0..8).map(|_| None).collect();
    Storage {
        neighbors: leak(Neighbor::EMPTY, 32).into(),
        pending_packets: leak(PendingPacket::EMPTY, 16).into(),
        pending_bytes: leak(0u8, 16 * 1024).into(),
        reassembly_slots: leak(Slot::EMPTY, 4).into(),
        reassembly_pool: leak(0u8, 4 * 17 * 1024).into(),
        icmp_buffer: leak(0u8, 16 * 1024).into(),
        fragment_buffer: leak(0u8, 65535).into(),
        multicast_groups: leak(GroupSlot::EMPTY, 4).into(),
        udp_sockets: sockets.leak().into(),
        tcp_connections: Storage::tcp_slots(4, 16 * 1024, 16 * 1024),
        tcp_listeners: Storage::tcp_listener_slots(2, 16, 4),
    }
}

/// A host `192.0.2.n/24` with MAC `02:..:n`, ACD off, its announcement drained.
pub fn host(n: u8, now: Instant) -> Stack<'static> {
    host_with(n, now, storage())
}

/// [`host`] with `slots` TCP connection slots of `buf` bytes each way.
pub fn tcp_host(n: u8, now: Instant, slots: usize, buf: usize) -> Stack<'static> {
    let storage = Storage { tcp_connections: Storage::tcp_slots(slots, buf, buf), ..storage() };
    host_with(n, now, storage)
}

pub fn host_with(n: u8, now: Instant, storage: Storage<'static>) -> Stack<'static> {
    let mut config = Config::new(mac(n)).with_ipv4(format!("192.0.2.{n}/24").parse().unwrap());
    config.acd = false;
    config.seed = u64::from(n);
    let mut s = Stack::new(config, storage, now);
    let _ = drain(&mut s, now);
    while s.poll_event().is_some() {}
    s
}

pub fn drain(s: &mut Stack<'_>, now: Instant) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1514];
    while let Some(n) = s.poll_transmit(now, &mut buf) {
        out.push(buf[..n].to_vec());
        assert!(out.len() < 10_000, "poll_transmit never ends");
    }
    out
}

pub fn ethernet(
    src: EthernetAddress,
    dst: EthernetAddress,
    ethertype: EtherType,
    payload: &[u8],
) -> Vec<u8> {
    let mut f = vec![0u8; 14 + payload.len()];
    let repr =
        unet_ethernet::Repr { src_addr: src, dst_addr: dst, tags: VlanTags::new(), ethertype };
    repr.emit(&mut Frame::new_unchecked(&mut f[..])).unwrap();
    f[14..].copy_from_slice(payload);
    f
}

pub fn arp_frame(src: EthernetAddress, dst: EthernetAddress, repr: &unet_arp::Repr) -> Vec<u8> {
    let mut p = vec![0u8; 28];
    repr.emit(&mut unet_arp::Packet::new_unchecked(&mut p[..])).unwrap();
    ethernet(src, dst, EtherType::ARP, &p)
}

#[derive(Clone, Copy)]
pub struct Ip {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: IpProtocol,
    pub ident: u16,
    pub more_frags: bool,
    pub frag_offset: u16,
}

impl Ip {
    pub fn new(src: Ipv4Addr, dst: Ipv4Addr, protocol: IpProtocol) -> Ip {
        Ip { src, dst, protocol, ident: 1, more_frags: false, frag_offset: 0 }
    }
    pub fn packet(&self, payload: &[u8]) -> Vec<u8> {
        let repr = unet_ipv4::Repr {
            src: self.src,
            dst: self.dst,
            protocol: self.protocol,
            ttl: 64,
            dscp: 0,
            ecn: 0,
            identification: self.ident,
            dont_frag: false,
            more_frags: self.more_frags,
            frag_offset: self.frag_offset,
            payload_len: payload.len(),
            options: &[],
        };
        let mut p = vec![0u8; 20 + payload.len()];
        p[20..].copy_from_slice(payload);
        repr.emit(&mut unet_ipv4::Packet::new_unchecked(&mut p[..])).unwrap();
        p
    }
}

/// An IPv4 datagram with an options field (padded by the caller) and a TTL.
pub fn packet_with(ip: &Ip, options: &[u8], ttl: u8, payload: &[u8]) -> Vec<u8> {
    let repr = unet_ipv4::Repr {
        src: ip.src,
        dst: ip.dst,
        protocol: ip.protocol,
        ttl,
        dscp: 0,
        ecn: 0,
        identification: ip.ident,
        dont_frag: false,
        more_frags: ip.more_frags,
        frag_offset: ip.frag_offset,
        payload_len: payload.len(),
        options,
    };
    let mut p = vec![0u8; repr.buffer_len()];
    p[repr.header_len()..].copy_from_slice(payload);
    repr.emit(&mut unet_ipv4::Packet::new_unchecked(&mut p[..])).unwrap();
    p
}

/// Runs the stack's timers from `from` up to `until`, collecting each frame sent with the
/// time it left.
pub fn run_until(s: &mut Stack<'_>, from: Instant, until: Instant) -> Vec<(Instant, Vec<u8>)> {
    let mut out: Vec<(Instant, Vec<u8>)> = drain(s, from).into_iter().map(|f| (from, f)).collect();
    let mut now = from;
    for _ in 0..100_000 {
        let Some(t) = s.poll_timeout().filter(|&t| t <= until) else { return out };
        // A deadline already handled but not cleared must not stall the clock.
        now = if t > now { t } else { now + unet_core::Duration::from_millis(1) };
        if now > until {
            return out;
        }
        s.handle_timeout(now);
        out.extend(drain(s, now).into_iter().map(|f| (now, f)));
    }
    panic!("timers never settle");
}

pub fn ipv4_frame(src: EthernetAddress, dst: EthernetAddress, ip: &Ip, payload: &[u8]) -> Vec<u8> {
    ethernet(src, dst, EtherType::IPV4, &ip.packet(payload))
}

pub fn icmp_bytes(repr: &unet_ipv4::icmp::Repr<'_>) -> Vec<u8> {
    let mut p = vec![0u8; repr.buffer_len()];
    repr.emit(&mut unet_ipv4::icmp::Packet::new_unchecked(&mut p[..])).unwrap();
    p
}

pub fn udp_bytes(src: Ipv4Addr, dst: Ipv4Addr, sport: u16, dport: u16, data: &[u8]) -> Vec<u8> {
    let mut p = vec![0u8; 8 + data.len()];
    p[8..].copy_from_slice(data);
    let repr = unet_udp::Repr { src_port: sport, dst_port: dport, payload_len: data.len() };
    repr.emit(&mut unet_udp::Packet::new_unchecked(&mut p[..]), &src, &dst).unwrap();
    p
}

/// A received frame, parsed: Ethernet header and (for IPv4) the IP header and payload.
pub struct Parsed {
    pub eth: unet_ethernet::Repr,
    pub bytes: Vec<u8>,
}

impl Parsed {
    pub fn new(frame: &[u8]) -> Parsed {
        let f = Frame::new_checked(frame).unwrap();
        Parsed { eth: unet_ethernet::Repr::parse(&f).unwrap(), bytes: f.payload().to_vec() }
    }
    pub fn arp(&self) -> unet_arp::Repr {
        assert_eq!(self.eth.ethertype, EtherType::ARP);
        unet_arp::Repr::parse(&unet_arp::Packet::new_checked(&self.bytes[..]).unwrap()).unwrap()
    }
    pub fn ip(&self) -> (unet_ipv4::Repr<'_>, &[u8]) {
        assert_eq!(self.eth.ethertype, EtherType::IPV4);
        let p = unet_ipv4::Packet::new_checked(&self.bytes[..]).unwrap();
        let repr = unet_ipv4::Repr::parse(&p).unwrap();
        let payload = &self.bytes[repr.header_len()..repr.buffer_len()];
        (repr, payload)
    }
    pub fn icmp(&self) -> unet_ipv4::icmp::Repr<'_> {
        let (ip, payload) = self.ip();
        assert_eq!(ip.protocol, IpProtocol::ICMP);
        unet_ipv4::icmp::Repr::parse(&unet_ipv4::icmp::Packet::new_checked(payload).unwrap())
            .unwrap()
    }
}

/// Moves frames between stacks (every frame to every other stack, as a hub) until quiet,
/// firing timers; returns the number of frames moved.
pub fn pipe(stacks: &mut [&mut Stack<'_>], now: Instant) -> usize {
    let mut moved = 0;
    for _ in 0..100 {
        let mut any = false;
        for i in 0..stacks.len() {
            let frames = drain(stacks[i], now);
            for f in &frames {
                for (j, s) in stacks.iter_mut().enumerate() {
                    if j != i {
                        s.handle_frame(now, f);
                    }
                }
            }
            moved += frames.len();
            any |= !frames.is_empty();
        }
        if !any {
            break;
        }
    }
    moved
}
