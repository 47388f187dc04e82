//! The client on a stack, frame by frame: what leaves unaddressed, what is accepted,
//! how the lease reaches the stack and leaves it again.

use std::vec;
use std::vec::Vec;

use core::net::Ipv4Addr;

use unet_core::checksum;
use unet_core::{Duration, FrameMachine, Instant};
use unet_dhcp::client::{Client, Config as ClientConfig, Event as DhcpEvent, State};
use unet_dhcp::{
    fixed_field, DhcpOption, Flags, HardwareType, Message, MessageType, Op, OptionBuilder, Repr,
    Vendor,
};
use unet_ethernet::EthernetAddress;
use unet_udp::{UdpPacketBuffer, UdpPacketMetadata, UdpSocket};

use super::{DhcpHost, HostEvent};
use crate::{Config, Event, Stack, Storage};

const MAC: [u8; 6] = [2, 0, 0, 0, 0, 7];
const SERVER_MAC: [u8; 6] = [2, 0, 0, 0, 0, 1];
const SERVER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 10);

fn host(acd: bool) -> DhcpHost<'static, 'static> {
    let mut config = Config::new(EthernetAddress(MAC));
    config.acd = acd;
    let stack = Stack::new(config, Storage::with_defaults(), Instant::ZERO);
    let rx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 4], vec![0u8; 4096]);
    let tx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 1], vec![0u8; 64]);
    let mut cc = ClientConfig::new(MAC);
    cc.startup_delay_max = Duration::ZERO;
    cc.probe = acd;
    let client = Client::new(cc, Instant::ZERO);
    DhcpHost::new(stack, UdpSocket::new(rx, tx), client).unwrap()
}

/// (ethernet dst, ip src, ip dst, udp src port, udp dst port, payload) of each frame.
type Out = ([u8; 6], Ipv4Addr, Ipv4Addr, u16, u16, Vec<u8>);

fn drain(h: &mut DhcpHost<'_, '_>, now: Instant) -> Vec<Out> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1514];
    while let Some(n) = h.poll_transmit(now, &mut buf) {
        let f = &buf[..n];
        if f[12..14] != [8, 0] || f[23] != 17 {
            continue;
        }
        let ip = &f[14..];
        assert!(checksum::verify(&ip[..20]));
        let src = Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]);
        let dst = Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]);
        let udp = &ip[20..];
        let sp = u16::from_be_bytes([udp[0], udp[1]]);
        let dp = u16::from_be_bytes([udp[2], udp[3]]);
        out.push((f[..6].try_into().unwrap(), src, dst, sp, dp, udp[8..].to_vec()));
    }
    out
}

fn events(h: &mut DhcpHost<'_, '_>, now: Instant) -> Vec<HostEvent> {
    core::iter::from_fn(|| h.poll_event(now)).collect()
}

/// A server reply in a frame: broadcast (as the BROADCAST flag asks) or unicast.
fn reply_frame(kind: MessageType, xid: u32, dst: Ipv4Addr) -> Vec<u8> {
    let mut opts = [0u8; 128];
    let mut b = OptionBuilder::new(&mut opts);
    b.push(&DhcpOption::MessageType(kind)).unwrap();
    b.push(&DhcpOption::ServerId(SERVER)).unwrap();
    b.push(&DhcpOption::LeaseTime(600)).unwrap();
    b.push(&DhcpOption::SubnetMask(Ipv4Addr::new(255, 255, 255, 0))).unwrap();
    b.push_addresses(unet_dhcp::OptionCode::ROUTER, &[SERVER]).unwrap();
    b.push_addresses(unet_dhcp::OptionCode::DOMAIN_NAME_SERVER, &[SERVER]).unwrap();
    let n = b.finish(true).unwrap();
    let repr = Repr {
        op: Op::BOOTREPLY,
        htype: HardwareType::ETHERNET,
        hlen: 6,
        hops: 0,
        xid,
        secs: 0,
        flags: Flags::empty(),
        ciaddr: Ipv4Addr::UNSPECIFIED,
        yiaddr: ADDR,
        siaddr: Ipv4Addr::UNSPECIFIED,
        giaddr: Ipv4Addr::UNSPECIFIED,
        chaddr: fixed_field(&MAC).unwrap(),
        sname: [0; 64],
        file: [0; 128],
        vendor: Vendor::Options(&opts[..n]),
    };
    let dlen = repr.buffer_len();
    let mut f = vec![0u8; 14 + 20 + 8 + dlen];
    let eth_dst = if dst.is_broadcast() { [0xff; 6] } else { MAC };
    f[..6].copy_from_slice(&eth_dst);
    f[6..12].copy_from_slice(&SERVER_MAC);
    f[12..14].copy_from_slice(&[8, 0]);
    let ip_len = (20 + 8 + dlen) as u16;
    let ip = &mut f[14..34];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&ip_len.to_be_bytes());
    ip[8] = 64;
    ip[9] = 17;
    ip[12..16].copy_from_slice(&SERVER.octets());
    ip[16..20].copy_from_slice(&dst.octets());
    let c = checksum::checksum(ip);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
    let udp = &mut f[34..42];
    udp[0..2].copy_from_slice(&67u16.to_be_bytes());
    udp[2..4].copy_from_slice(&68u16.to_be_bytes());
    udp[4..6].copy_from_slice(&((8 + dlen) as u16).to_be_bytes());
    // Checksum 0: none (RFC 768), as some servers send.
    repr.emit(&mut Message::new_unchecked(&mut f[42..])).unwrap();
    f
}

/// The DISCOVER sent, answered by an OFFER and then the REQUEST by an ACK, both broadcast.
fn offer_and_ack(h: &mut DhcpHost<'_, '_>, t0: Instant) {
    let out = drain(h, t0);
    let x = xid(&out[0].5);
    h.handle_frame(t0, &reply_frame(MessageType::OFFER, x, Ipv4Addr::BROADCAST));
    drain(h, t0);
    h.handle_frame(t0, &reply_frame(MessageType::ACK, x, Ipv4Addr::BROADCAST));
    drain(h, t0);
}

/// An Ethernet/ARP frame (RFC 826): `op` 1 request, 2 reply; the Ethernet source is `sha`.
fn arp_frame(
    dst: [u8; 6],
    op: u8,
    sha: [u8; 6],
    spa: Ipv4Addr,
    tha: [u8; 6],
    tpa: Ipv4Addr,
) -> Vec<u8> {
    let mut arp = vec![0u8; 42];
    arp[..6].copy_from_slice(&dst);
    arp[6..12].copy_from_slice(&sha);
    arp[12..14].copy_from_slice(&[8, 6]);
    arp[14..22].copy_from_slice(&[0, 1, 8, 0, 6, 4, 0, op]);
    arp[22..28].copy_from_slice(&sha);
    arp[28..32].copy_from_slice(&spa.octets());
    arp[32..38].copy_from_slice(&tha);
    arp[38..42].copy_from_slice(&tpa.octets());
    arp
}

fn xid(payload: &[u8]) -> u32 {
    Repr::parse(&Message::new_checked(payload).unwrap()).unwrap().xid
}

fn dhcp_events(ev: &[HostEvent]) -> Vec<DhcpEvent> {
    ev.iter()
        .filter_map(|e| match e {
            HostEvent::Dhcp(d) => Some(*d),
            _ => None,
        })
        .collect()
}

#[test]
fn rfc2131_4_1_unaddressed_exchange_then_address_on_the_stack() {
    let mut h = host(false);
    let t0 = Instant::ZERO;
    let out = drain(&mut h, t0);
    let (eth, src, dst, sp, dp, disc) = &out[0];
    assert_eq!(
        (*eth, *src, *dst, *sp, *dp),
        ([0xff; 6], Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST, 68, 67)
    );
    let x = xid(disc);
    h.handle_frame(t0, &reply_frame(MessageType::OFFER, x, Ipv4Addr::BROADCAST));
    let out = drain(&mut h, t0);
    assert_eq!(out.len(), 1, "the REQUEST answers the OFFER in the same turn");
    assert_eq!(out[0].1, Ipv4Addr::UNSPECIFIED);
    h.handle_frame(t0, &reply_frame(MessageType::ACK, x, Ipv4Addr::BROADCAST));
    drain(&mut h, t0);
    let ev = events(&mut h, t0);
    assert_eq!(dhcp_events(&ev), [DhcpEvent::Bound(ADDR)]);
    assert_eq!(h.stack.ipv4_addr(), Some(ADDR));
    assert_eq!(h.stack.config().gateway, Some(SERVER));
    assert_eq!(h.dhcp().dns_servers(), [SERVER]);
    // T1 = 300 s: a unicast REQUEST from our address, ARP for the server first.
    let t1 = Instant::from_secs(300);
    assert!(h.poll_timeout().unwrap() <= t1);
    h.handle_timeout(t1);
    let out = drain(&mut h, t1);
    assert!(out.is_empty(), "waiting for ARP");
    assert_eq!(h.dhcp().client().state(), State::Renewing);
    // Expiry without answers: the address is removed from the stack.
    let end = Instant::from_secs(601);
    let mut now = t1;
    while now < end {
        now = h.poll_timeout().unwrap_or(end).min(end).max(now + Duration::from_millis(1));
        h.handle_timeout(now);
        drain(&mut h, now);
        events(&mut h, now);
    }
    assert_eq!(h.stack.ipv4_addr(), None);
    assert_eq!(h.stack.config().gateway, None);
    assert!(h.dhcp().dns_servers().is_empty());
}

#[test]
fn rfc5227_probe_conflict_declines() {
    let mut h = host(true);
    let t0 = Instant::ZERO;
    offer_and_ack(&mut h, t0);
    let ev = events(&mut h, t0);
    assert_eq!(dhcp_events(&ev), [DhcpEvent::Check(ADDR)]);
    assert_eq!(h.stack.ipv4_addr(), None, "not usable while probing");
    // Another host answers the probe: an ARP reply from ADDR.
    let arp = arp_frame(MAC, 2, [2, 9, 9, 9, 9, 9], ADDR, MAC, Ipv4Addr::UNSPECIFIED);
    let t = Instant::from_millis(500);
    h.handle_frame(t, &arp);
    let ev = events(&mut h, t);
    assert!(ev.contains(&HostEvent::Dhcp(DhcpEvent::Declined(ADDR))), "{ev:?}");
    let out = drain(&mut h, t);
    let dec = out.iter().find(|o| o.4 == 67).unwrap();
    let r = Repr::parse(&Message::new_checked(&dec.5[..]).unwrap()).unwrap();
    assert_eq!(r.message_type(), Some(MessageType::DECLINE));
    assert_eq!(dec.1, Ipv4Addr::UNSPECIFIED);
    assert_eq!(h.stack.ipv4_addr(), None);
}

#[test]
fn rfc2131_4_4_6_release_leaves_from_the_address_then_removes_it() {
    let mut h = host(false);
    let t0 = Instant::ZERO;
    offer_and_ack(&mut h, t0);
    events(&mut h, t0);
    // The server's MAC is known (say from an earlier exchange): seed ARP with a request.
    let arp = arp_frame([0xff; 6], 1, SERVER_MAC, SERVER, [0; 6], ADDR);
    let t = Instant::from_secs(1);
    h.handle_frame(t, &arp);
    drain(&mut h, t);
    h.release(t);
    let ev = events(&mut h, t);
    assert_eq!(dhcp_events(&ev), [DhcpEvent::Released(ADDR)]);
    let out = drain(&mut h, t);
    let rel = out.iter().find(|o| o.4 == 67).unwrap();
    assert_eq!((rel.0, rel.1, rel.2), (SERVER_MAC, ADDR, SERVER));
    assert_eq!(h.stack.ipv4_addr(), Some(ADDR), "kept while the RELEASE leaves");
    let later = t + super::RELEASE_GRACE;
    assert!(h.poll_timeout().unwrap() <= later);
    h.handle_timeout(later);
    drain(&mut h, later);
    assert_eq!(h.stack.ipv4_addr(), None);
    let _ = Event::AddressReady(ADDR);
}
