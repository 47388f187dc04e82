//! Two and three stacks talking to each other directly (frames piped at fake time), and a
//! flood after which the host still answers.

mod common;

use std::net::Ipv4Addr;

use common::*;
use unet_core::{Duration, FrameMachine, Instant, IpProtocol};
use unet_ethernet::EthernetAddress;
use unet_ipv4::icmp;
use unet_stack::udp::{Endpoint, UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
use unet_stack::Event;

const T0: Instant = Instant::from_secs(100);

fn socket() -> UdpSocket<'static, Ipv4Addr> {
    let rx =
        UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 8].leak(), vec![0u8; 16384].leak());
    let tx =
        UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 8].leak(), vec![0u8; 16384].leak());
    UdpSocket::new(rx, tx)
}

fn ip(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, n)
}

#[test]
fn rfc826_rfc792_rfc768_two_hosts_resolve_ping_and_exchange_udp() {
    let (mut a, mut b) = (host(1, T0), host(2, T0));
    a.ping(T0, ip(2), 42, 1, b"are you there").unwrap();
    let t = T0 + Duration::from_millis(1);
    pipe(&mut [&mut a, &mut b], t);
    let events: Vec<_> = std::iter::from_fn(|| a.poll_event()).collect();
    assert!(
        events.iter().any(|e| matches!(e, Event::EchoReply { from, ident: 42, seq: 1, len: 13, rtt: Some(_) } if *from == ip(2))),
        "{events:?}"
    );
    // UDP both ways, with a datagram larger than the MTU (fragmented and reassembled).
    let server = b.udp_add(socket()).unwrap();
    b.udp_bind(server, 7).unwrap();
    let client = a.udp_add(socket()).unwrap();
    let big: Vec<u8> = (0..5000u32).map(|i| (i * 7) as u8).collect();
    a.udp_send_to(client, &big, Endpoint::new(ip(2), 7)).unwrap();
    pipe(&mut [&mut a, &mut b], t);
    let mut buf = vec![0u8; 8000];
    let (n, meta) = b.udp_recv_from(server, &mut buf).unwrap();
    assert_eq!(&buf[..n], &big[..]);
    b.udp_send_to(server, &buf[..n], meta.remote).unwrap();
    pipe(&mut [&mut a, &mut b], t);
    let (n, from) = a.udp_recv_from(client, &mut buf).unwrap();
    assert_eq!((&buf[..n], from.remote), (&big[..], Endpoint::new(ip(2), 7)));
    assert_eq!(a.counters().tx_fragmented, 1);
    assert_eq!(b.counters().rx_reassembled, 1);
    assert_eq!(a.counters().dropped(), 0, "{}", a.counters());
}

#[test]
fn rfc1122_3_3_1_1_three_hosts_through_a_gateway_address() {
    // Host 3 is "the gateway" for host 1; on a flat link it answers ARP for itself only,
    // so off-link traffic reaches it framed to its MAC.
    let (mut a, mut g) = (host(1, T0), host(3, T0));
    a.set_ipv4(T0, Some("192.0.2.1/24".parse().unwrap()), Some(ip(3)));
    let far = Ipv4Addr::new(203, 0, 113, 9);
    a.ping(T0, far, 5, 5, b"x").unwrap();
    pipe(&mut [&mut a, &mut g], T0);
    // The gateway received it but does not forward: counted as not for it.
    assert_eq!(g.counters().ipv4_not_for_us, 1);
}

#[test]
fn flood_of_fragments_arp_and_ports_leaves_the_host_working() {
    let mut s = host(1, T0);
    let peer = EthernetAddress([2, 0, 0, 0, 0, 0x99]);
    let mut now = T0;
    // 3000 datagrams' first fragments, each a new identification.
    for id in 0..3000u16 {
        let p = Ip { ident: id, more_frags: true, ..Ip::new(PEER_IP, OUR_IP, IpProtocol::UDP) };
        s.handle_frame(now, &ipv4_frame(peer, mac(1), &p, &[0u8; 1000]));
    }
    // ARP requests from 3000 different senders, and 3000 destinations we must resolve.
    for i in 0..3000u32 {
        let sender = Ipv4Addr::new(192, 0, 2, 0) | Ipv4Addr::from(i % 250 + 2);
        let sha = EthernetAddress([2, 1, 0, (i >> 8) as u8, i as u8, 7]);
        let req = unet_arp::Repr::request(sha, sender, OUR_IP);
        s.handle_frame(now, &arp_frame(sha, EthernetAddress::BROADCAST, &req));
    }
    let _ = drain(&mut s, now);
    for i in 0..3000u32 {
        let dst = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 0, 0, 0)) + i);
        let _ = s.ping(now, dst, 1, i as u16, b"flood");
        let _ = drain(&mut s, now);
    }
    // Datagrams to 3000 ports nobody listens on.
    for port in 1000..4000u16 {
        let udp = udp_bytes(PEER_IP, OUR_IP, 5000, port, b"knock");
        s.handle_frame(
            now,
            &ipv4_frame(peer, mac(1), &Ip::new(PEER_IP, OUR_IP, IpProtocol::UDP), &udp),
        );
        let _ = drain(&mut s, now);
    }
    let c = s.counters().clone();
    assert_eq!(c.udp_no_socket, 3000);
    assert!(c.icmp_rate_limited > 2900, "errors are rate limited: {c}");
    assert!(c.ipv4_fragment_dropped > 0);
    assert!(s.neighbors().len() <= s.neighbors().capacity());
    // Let the timers run out, then the host still answers ping and UDP.
    for _ in 0..100 {
        match s.poll_timeout() {
            Some(t) if t <= T0 + Duration::from_secs(60) => {
                now = t.max(now);
                s.handle_timeout(now);
                let _ = drain(&mut s, now);
            }
            _ => break,
        }
    }
    now += Duration::from_secs(1);
    let h = s.udp_add(socket()).unwrap();
    s.udp_bind(h, 7).unwrap();
    let req = icmp_bytes(&icmp::Repr::EchoRequest { ident: 1, seq_no: 1, data: b"still?" });
    s.handle_frame(
        now,
        &ipv4_frame(peer, mac(1), &Ip::new(PEER_IP, OUR_IP, IpProtocol::ICMP), &req),
    );
    let udp = udp_bytes(PEER_IP, OUR_IP, 5000, 7, b"hi");
    s.handle_frame(
        now,
        &ipv4_frame(peer, mac(1), &Ip::new(PEER_IP, OUR_IP, IpProtocol::UDP), &udp),
    );
    let mut out = drain(&mut s, now);
    // The peer's entry may have been pushed out by the flood: answer the request for it.
    for f in out.clone() {
        let p = Parsed::new(&f);
        if p.eth.ethertype == unet_ethernet::EtherType::ARP {
            let req = p.arp();
            assert_eq!(req.target_protocol_addr, PEER_IP);
            s.handle_frame(now, &arp_frame(peer, mac(1), &req.reply(peer)));
            out.extend(drain(&mut s, now));
        }
    }
    let out: Vec<_> = out
        .into_iter()
        .filter(|f| Parsed::new(f).eth.ethertype != unet_ethernet::EtherType::ARP)
        .collect();
    let replies = out.iter().filter(|f| {
        let p = Parsed::new(f);
        p.eth.ethertype == unet_ethernet::EtherType::IPV4
            && matches!(p.icmp(), icmp::Repr::EchoReply { .. })
    });
    assert_eq!(replies.count(), 1, "{} frames", out.len());
    let mut buf = [0u8; 8];
    assert_eq!(s.udp_recv_from(h, &mut buf).unwrap().0, 2);
}
