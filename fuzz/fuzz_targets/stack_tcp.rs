//! TCP through the whole IPv4 host: a `Stack` over small borrowed storage with a listener
//! and an outgoing connection gets random TCP segments (valid checksums, so they reach the
//! sockets; half of them built from the last segment the stack sent, so their sequence and
//! acknowledgment numbers land near the window), ICMP errors quoting its own segments,
//! raw frames, socket calls and time steps. It must never panic, every frame must parse as
//! Ethernet and fit 1514 bytes, `poll_transmit` must run dry, and the tables must stay
//! within their storage.
#![no_main]

use core::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use unet_arp::{Neighbor, PendingPacket};
use unet_core::{Duration, FrameMachine, Instant, IpProtocol};
use unet_ethernet::{EtherType, EthernetAddress, Frame, VlanTags};
use unet_ipv4::igmp::GroupSlot;
use unet_ipv4::reassembly::Slot;
use unet_stack::tcp::listener::{HalfOpen, Handshake};
use unet_stack::tcp::{Endpoint, Repr, Segment, SeqNumber, TcpFlags, TcpOptions};
use unet_stack::udp::UdpSocket;
use unet_stack::{Config, ListenerSlot, Stack, Storage, TcpSlot};

const ME: EthernetAddress = EthernetAddress([2, 0, 0, 0, 0, 1]);
const PEER: EthernetAddress = EthernetAddress([2, 0, 0, 0, 0, 2]);
const MY_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

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
    fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }
    fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
}

/// The last TCP segment the stack sent: ports, SEG.SEQ, SEG.ACK, SEG.LEN, and its IP
/// datagram's first 28 bytes (for ICMP quotes).
#[derive(Clone, Copy)]
struct Last {
    src_port: u16,
    dst_port: u16,
    seq: u32,
    ack: u32,
    len: u32,
    quote: [u8; 28],
}

fn frame(
    dst_mac: EthernetAddress,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: IpProtocol,
    payload: &[u8],
) -> Vec<u8> {
    let repr = unet_ipv4::Repr {
        src,
        dst,
        protocol,
        ttl: 64,
        dscp: 0,
        ecn: 0,
        identification: 1,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        payload_len: payload.len(),
        options: &[],
    };
    let mut f = vec![0u8; 14 + 20 + payload.len()];
    let eth = unet_ethernet::Repr {
        src_addr: PEER,
        dst_addr: dst_mac,
        tags: VlanTags::new(),
        ethertype: EtherType::IPV4,
    };
    let _ = eth.emit(&mut Frame::new_unchecked(&mut f[..]));
    f[34..].copy_from_slice(payload);
    let _ = repr.emit(&mut unet_ipv4::Packet::new_unchecked(&mut f[14..]));
    f
}

fn tcp_segment(input: &mut Input<'_>, last: Option<Last>) -> Vec<u8> {
    let flags = TcpFlags::from_bits_truncate(u16::from(input.byte()));
    let (src_port, dst_port, seq, ack) = match last {
        Some(l) if input.byte() & 1 == 0 => {
            // Near the window: the peer's view of the last segment.
            let d = i32::from(input.byte() as i8);
            let e = i32::from(input.byte() as i8);
            (
                l.dst_port,
                l.src_port,
                l.ack.wrapping_add(d as u32),
                l.seq.wrapping_add(l.len).wrapping_add(e as u32),
            )
        }
        _ => (
            [4000, 5000, input.u16()][usize::from(input.byte() % 3)],
            [80, 5000, input.u16()][usize::from(input.byte() % 3)],
            input.u32(),
            input.u32(),
        ),
    };
    let n = usize::from(input.u16() % 1460);
    let payload = input.bytes(n).to_vec();
    let words = usize::from(input.byte() % 5);
    let options = input.bytes(words * 4).to_vec();
    let options = TcpOptions::parse(&options).unwrap_or_default();
    let repr = Repr {
        src_port,
        dst_port,
        seq_number: SeqNumber(seq),
        ack_number: SeqNumber(ack),
        flags,
        window_len: input.u16(),
        urgent_pointer: input.u16() % 4,
        options,
        payload_len: payload.len(),
    };
    let mut bytes = vec![0u8; repr.buffer_len()];
    bytes[repr.header_len()..].copy_from_slice(&payload);
    let _ = repr.emit(&mut Segment::new_unchecked(&mut bytes[..]), &PEER_IP, &MY_IP);
    if input.byte() == 0xff {
        // Now and then a bad checksum.
        if let Some(b) = bytes.get_mut(16) {
            *b ^= 1;
        }
    }
    frame(ME, PEER_IP, MY_IP, IpProtocol::TCP, &bytes)
}

fn icmp_error(input: &mut Input<'_>, last: Last) -> Vec<u8> {
    use unet_ipv4::icmp::{self, Original, Unreachable};
    let code =
        [Unreachable::FRAG_NEEDED, Unreachable::PORT, Unreachable::HOST, Unreachable::PROTOCOL]
            [usize::from(input.byte() % 4)];
    let mut quote = last.quote;
    if input.byte() & 1 == 1 {
        // A quoted sequence number somewhere else (RFC 5927 must reject most).
        quote[24..28].copy_from_slice(&input.u32().to_be_bytes());
    }
    let repr = icmp::Repr::DstUnreachable {
        code,
        next_hop_mtu: input.u16(),
        original: Original::new(&quote),
    };
    let mut bytes = vec![0u8; repr.buffer_len()];
    let _ = repr.emit(&mut icmp::Packet::new_unchecked(&mut bytes[..]));
    frame(ME, PEER_IP, MY_IP, IpProtocol::ICMP, &bytes)
}

/// Remembers the last TCP segment in `out` (a frame the stack sent).
fn observe(out: &[u8], last: &mut Option<Last>) {
    let Ok(eth) = Frame::new_checked(out) else { return };
    let Ok(ip) = unet_ipv4::Packet::new_checked(eth.payload()) else { return };
    if ip.protocol() != IpProtocol::TCP {
        return;
    }
    let Ok(seg) = Segment::new_checked(ip.payload()) else { return };
    let Ok(repr) = Repr::parse_without_checksum(&seg) else { return };
    let mut quote = [0u8; 28];
    if let Some(q) = eth.payload().get(..28) {
        quote.copy_from_slice(q);
    }
    *last = Some(Last {
        src_port: repr.src_port,
        dst_port: repr.dst_port,
        seq: repr.seq_number.0,
        ack: repr.ack_number.0,
        len: repr.segment_len() as u32,
        quote,
    });
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let (mut neighbors, mut pending, mut pending_bytes) =
        ([Neighbor::EMPTY; 4], [PendingPacket::EMPTY; 4], [0u8; 4096]);
    let (mut slots, mut pool) = ([Slot::EMPTY; 1], [0u8; 4096]);
    let (mut icmp, mut frag) = ([0u8; 2048], [0u8; 2048]);
    let mut groups = [GroupSlot::EMPTY; 1];
    let mut udp: [Option<UdpSocket<'_, Ipv4Addr>>; 0] = [];
    let (mut rx0, mut tx0, mut rx1, mut tx1) = ([0u8; 4096], [0u8; 4096], [0u8; 2048], [0u8; 2048]);
    let mut conns =
        [TcpSlot::new(&mut rx0[..], &mut tx0[..]), TcpSlot::new(&mut rx1[..], &mut tx1[..])];
    let mut syn_queue: [Option<HalfOpen<Ipv4Addr>>; 2] = [None; 2];
    let mut backlog: [Option<Handshake<Ipv4Addr>>; 1] = [None; 1];
    let mut listeners = [ListenerSlot::new(&mut syn_queue[..], &mut backlog[..])];
    let storage = Storage {
        neighbors: (&mut neighbors[..]).into(),
        pending_packets: (&mut pending[..]).into(),
        pending_bytes: (&mut pending_bytes[..]).into(),
        reassembly_slots: (&mut slots[..]).into(),
        reassembly_pool: (&mut pool[..]).into(),
        icmp_buffer: (&mut icmp[..]).into(),
        fragment_buffer: (&mut frag[..]).into(),
        multicast_groups: (&mut groups[..]).into(),
        udp_sockets: (&mut udp[..]).into(),
        tcp_connections: (&mut conns[..]).into(),
        tcp_listeners: (&mut listeners[..]).into(),
    };
    let mut config = Config::new(ME).with_ipv4("192.0.2.1/24".parse().unwrap());
    config.acd = false;
    config.mtu = 576 + usize::from(input.u16() % 1000);
    let mut now = Instant::from_secs(1);
    let mut stack = Stack::new(config, storage, now);
    // The peer announces itself, so the stack's segments leave at once.
    let arp = unet_arp::Repr {
        operation: unet_arp::Operation::REQUEST,
        source_hardware_addr: PEER,
        source_protocol_addr: PEER_IP,
        target_hardware_addr: EthernetAddress([0; 6]),
        target_protocol_addr: MY_IP,
    };
    let mut arp_frame = vec![0u8; 14 + 28];
    let eth = unet_ethernet::Repr {
        src_addr: PEER,
        dst_addr: EthernetAddress::BROADCAST,
        tags: VlanTags::new(),
        ethertype: EtherType::ARP,
    };
    let _ = eth.emit(&mut Frame::new_unchecked(&mut arp_frame[..]));
    let _ = arp.emit(&mut unet_arp::Packet::new_unchecked(&mut arp_frame[14..]));
    stack.handle_frame(now, &arp_frame);
    let listener = stack.tcp_listen(80, 1).ok();
    let mut conns = vec![stack.tcp_connect(now, Endpoint::new(PEER_IP, 5000), Some(4000)).ok()];
    let mut last: Option<Last> = None;
    let mut out = [0u8; 1514];
    let mut steps = 0;
    while !input.0.is_empty() && steps < 512 {
        steps += 1;
        match input.byte() % 8 {
            0 | 1 | 2 => {
                let f = tcp_segment(&mut input, last);
                stack.handle_frame(now, &f);
            }
            3 => {
                if let Some(l) = last {
                    let f = icmp_error(&mut input, l);
                    stack.handle_frame(now, &f);
                }
            }
            4 => {
                let n = usize::from(input.u16() % 1600);
                let f = input.bytes(n).to_vec();
                stack.handle_frame(now, &f);
            }
            5 => {
                now += Duration::from_millis(
                    u64::from(input.u16()) * [1, 10, 1000][usize::from(input.byte() % 3)],
                );
                stack.handle_timeout(now);
            }
            6 => {
                // Socket calls on a random connection.
                let Some(&Some(h)) = conns.get(usize::from(input.byte()) % conns.len().max(1))
                else {
                    continue;
                };
                let mut buf = [0u8; 512];
                let _ = match input.byte() % 8 {
                    0 | 1 => stack.tcp_send(h, &[0x42; 700]).map(|_| ()),
                    2 | 3 => stack.tcp_recv(h, &mut buf).map(|_| ()),
                    4 => stack.tcp_shutdown(h),
                    5 => stack.tcp_close(now, h),
                    6 => stack.tcp_abort(now, h),
                    _ => stack.tcp_set_nodelay(h, input.byte() & 1 == 1),
                };
                let _ = stack.tcp_info(h);
            }
            _ => {
                if let Some(l) = listener {
                    if let Some(h) = stack.tcp_accept(now, l) {
                        conns.push(Some(h));
                    }
                }
                if input.byte() & 1 == 0 {
                    conns.push(
                        stack.tcp_connect(now, Endpoint::new(PEER_IP, input.u16()), None).ok(),
                    );
                }
            }
        }
        let mut sent = 0;
        while let Some(n) = stack.poll_transmit(now, &mut out) {
            assert!(n <= out.len());
            assert!(Frame::new_checked(&out[..n]).is_ok());
            observe(&out[..n], &mut last);
            sent += 1;
            assert!(sent < 2000, "poll_transmit must run dry");
        }
        while stack.poll_event().is_some() {}
        assert!(stack.tcp_connections_in_use() <= 2);
        assert!(stack.poll_timeout().is_none_or(|t| t >= Instant::from_secs(1)));
    }
});
