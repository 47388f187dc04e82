//! The whole IPv4 host: random frames (raw, or IPv4 with a valid header around random
//! fields and payload, so the fuzzer reaches ICMP, UDP, IGMP and reassembly), random API
//! calls and random time steps into a configured `Stack` over small fixed storage; every
//! output is drained. It must never panic, every frame it sends must parse as Ethernet and
//! fit the 1514-byte buffer, and its tables must stay within their storage.
#![no_main]

use core::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use unet_arp::{Neighbor, PendingPacket};
use unet_core::{Duration, FrameMachine, Instant, IpProtocol};
use unet_ethernet::{EtherType, EthernetAddress, Frame, VlanTags};
use unet_ipv4::igmp::GroupSlot;
use unet_ipv4::reassembly::Slot;
use unet_stack::udp::{Endpoint, UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
use unet_stack::{Config, Stack, Storage};

const ME: EthernetAddress = EthernetAddress([2, 0, 0, 0, 0, 1]);
const PEER: EthernetAddress = EthernetAddress([2, 0, 0, 0, 0, 2]);

struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        *first
    }
    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }
    fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
    fn ip(&mut self) -> Ipv4Addr {
        match self.byte() % 8 {
            0 => Ipv4Addr::new(192, 0, 2, 1),
            1 => Ipv4Addr::BROADCAST,
            2 => Ipv4Addr::new(192, 0, 2, 255),
            3 => Ipv4Addr::new(224, 0, 0, 1),
            4 => Ipv4Addr::new(198, 51, 100, self.byte()),
            _ => Ipv4Addr::new(192, 0, 2, self.byte()),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let (mut neighbors, mut pending, mut pending_bytes) =
        ([Neighbor::EMPTY; 8], [PendingPacket::EMPTY; 4], [0u8; 4096]);
    let (mut slots, mut pool) = ([Slot::EMPTY; 2], [0u8; 8192]);
    let (mut icmp, mut frag) = ([0u8; 4096], [0u8; 8192]);
    let mut groups = [GroupSlot::EMPTY; 2];
    let mut sockets: [Option<UdpSocket<'_, Ipv4Addr>>; 2] = Default::default();
    let (mut rm, mut rd, mut tm, mut td) =
        ([UdpPacketMetadata::EMPTY; 4], [0u8; 4096], [UdpPacketMetadata::EMPTY; 4], [0u8; 8192]);
    let storage = Storage {
        neighbors: (&mut neighbors[..]).into(),
        pending_packets: (&mut pending[..]).into(),
        pending_bytes: (&mut pending_bytes[..]).into(),
        reassembly_slots: (&mut slots[..]).into(),
        reassembly_pool: (&mut pool[..]).into(),
        icmp_buffer: (&mut icmp[..]).into(),
        fragment_buffer: (&mut frag[..]).into(),
        multicast_groups: (&mut groups[..]).into(),
        udp_sockets: (&mut sockets[..]).into(),
        // TCP has its own target (stack_tcp.rs): no TCP sockets here.
        tcp_connections: (&mut [][..]).into(),
        tcp_listeners: (&mut [][..]).into(),
    };
    let mut config = Config::new(ME).with_ipv4("192.0.2.1/24".parse().unwrap());
    config.gateway = Some(Ipv4Addr::new(192, 0, 2, 254));
    config.acd = input.byte() & 1 == 1;
    config.answer_broadcast_echo = input.byte() & 1 == 1;
    config.mtu = 68 + usize::from(input.u16() % 1500);
    let mut now = Instant::from_secs(1);
    let mut stack = Stack::new(config, storage, now);
    let socket = UdpSocket::new(
        UdpPacketBuffer::new(&mut rm[..], &mut rd[..]),
        UdpPacketBuffer::new(&mut tm[..], &mut td[..]),
    );
    let h = stack.udp_add(socket).ok();
    if let Some(h) = h {
        let _ = stack.udp_bind(h, 7);
    }
    let mut out = [0u8; 1514];
    let mut steps = 0;
    while !input.0.is_empty() && steps < 256 {
        steps += 1;
        match input.byte() % 5 {
            0 => {
                let n = usize::from(input.u16() % 1600);
                let frame = input.bytes(n).to_vec();
                stack.handle_frame(now, &frame);
            }
            1 => {
                let dst_mac = if input.byte() & 1 == 0 { ME } else { EthernetAddress::BROADCAST };
                let protocol = IpProtocol([1, 2, 17, 6, input.byte()][usize::from(input.byte() % 5)]);
                let flags = input.u16();
                let ident = input.u16() % 4;
                let (src, dst) = (input.ip(), input.ip());
                let n = usize::from(input.u16() % 1480);
                let payload = input.bytes(n).to_vec();
                let repr = unet_ipv4::Repr {
                    src,
                    dst,
                    protocol,
                    ttl: 64,
                    dscp: 0,
                    ecn: 0,
                    identification: ident,
                    dont_frag: false,
                    more_frags: flags & 0x8000 != 0,
                    frag_offset: flags & 0x00ff,
                    payload_len: payload.len(),
                    options: &[],
                };
                let mut frame = vec![0u8; 14 + 20 + payload.len()];
                let eth = unet_ethernet::Repr {
                    src_addr: PEER,
                    dst_addr: dst_mac,
                    tags: VlanTags::new(),
                    ethertype: EtherType::IPV4,
                };
                let _ = eth.emit(&mut Frame::new_unchecked(&mut frame[..]));
                frame[34..].copy_from_slice(&payload);
                let _ = repr.emit(&mut unet_ipv4::Packet::new_unchecked(&mut frame[14..]));
                stack.handle_frame(now, &frame);
            }
            2 => {
                now += Duration::from_millis(u64::from(input.u16()) * 10);
                stack.handle_timeout(now);
            }
            3 => {
                let dst = input.ip();
                let n = usize::from(input.u16() % 9000);
                let payload = vec![0x5a; n];
                if input.byte() & 1 == 0 {
                    let _ = stack.ping(now, dst, 1, input.u16(), &payload);
                } else if let Some(h) = h {
                    let _ = stack.udp_send_to(h, &payload, Endpoint::new(dst, 9));
                }
            }
            _ => {
                let group = Ipv4Addr::new(239, 0, 0, input.byte() % 12);
                if input.byte() & 1 == 0 {
                    let _ = stack.join_multicast(now, group);
                } else {
                    let _ = stack.leave_multicast(now, group);
                }
            }
        }
        let mut sent = 0;
        while let Some(n) = stack.poll_transmit(now, &mut out) {
            assert!(n <= out.len());
            assert!(Frame::new_checked(&out[..n]).is_ok());
            sent += 1;
            assert!(sent < 1000, "poll_transmit must run dry");
        }
        while stack.poll_event().is_some() {}
        if let Some(h) = h {
            let mut buf = [0u8; 64];
            while stack.udp_recv_from(h, &mut buf).is_ok() {}
        }
        assert!(stack.neighbors().len() <= stack.neighbors().capacity());
        assert!(stack.poll_timeout().is_none_or(|t| t >= Instant::from_secs(1)));
    }
});
