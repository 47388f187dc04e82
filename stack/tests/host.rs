//! The stack as an IPv4 host, fed crafted frames at fake times; its output parsed back with
//! the wire crates.

mod common;

use std::net::Ipv4Addr;

use common::*;
use unet_core::{Duration, FrameMachine, Instant, IpProtocol};
use unet_ethernet::{EtherType, EthernetAddress};
use unet_ipv4::icmp::{self, Unreachable};
use unet_stack::udp::{Endpoint, UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
use unet_stack::{Event, Stack};

const T0: Instant = Instant::from_secs(10);

fn socket() -> UdpSocket<'static, Ipv4Addr> {
    let rx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 8].leak(), vec![0u8; 8192].leak());
    let tx =
        UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 8].leak(), vec![0u8; 16384].leak());
    UdpSocket::new(rx, tx)
}

/// Teaches the stack the peer's MAC (its ARP request for us).
fn learn_peer(s: &mut Stack<'_>, now: Instant) {
    let req = unet_arp::Repr::request(PEER_MAC, PEER_IP, OUR_IP);
    s.handle_frame(now, &arp_frame(PEER_MAC, EthernetAddress::BROADCAST, &req));
    let _ = drain(s, now);
}

#[test]
fn rfc826_request_for_us_is_answered() {
    let mut s = host(1, T0);
    let req = unet_arp::Repr::request(PEER_MAC, PEER_IP, OUR_IP);
    s.handle_frame(T0, &arp_frame(PEER_MAC, EthernetAddress::BROADCAST, &req));
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 1);
    let p = Parsed::new(&out[0]);
    assert_eq!(out[0].len(), 60, "padded to the Ethernet minimum");
    assert_eq!((p.eth.src_addr, p.eth.dst_addr), (mac(1), PEER_MAC));
    assert_eq!(p.arp(), req.reply(mac(1)));
    // A request for another address is not answered.
    let other = unet_arp::Repr::request(PEER_MAC, PEER_IP, Ipv4Addr::new(192, 0, 2, 7));
    s.handle_frame(T0, &arp_frame(PEER_MAC, EthernetAddress::BROADCAST, &other));
    assert!(drain(&mut s, T0).is_empty());
}

#[test]
fn rfc5227_2_3_configured_address_is_announced_without_acd() {
    let mut config = unet_stack::Config::new(mac(1)).with_ipv4("192.0.2.1/24".parse().unwrap());
    config.acd = false;
    let mut s = Stack::new(config, storage(), T0);
    assert_eq!(s.poll_event(), Some(Event::AddressReady(OUR_IP)));
    let out = drain(&mut s, T0);
    let arp = Parsed::new(&out[0]).arp();
    assert!(arp.is_announcement());
    assert_eq!(s.ipv4_addr(), Some(OUR_IP));
}

#[test]
fn rfc5227_2_1_probing_delays_use_of_the_address() {
    let config = unet_stack::Config::new(mac(1)).with_ipv4("192.0.2.1/24".parse().unwrap());
    let mut s = Stack::new(config, storage(), T0);
    assert_eq!(s.ipv4_addr(), None);
    let mut now = T0;
    let mut probes = 0;
    for _ in 0..100 {
        for f in drain(&mut s, now) {
            if Parsed::new(&f).arp().is_probe() {
                probes += 1;
            }
        }
        if s.ipv4_addr().is_some() {
            break;
        }
        now = s.poll_timeout().unwrap().max(now);
        s.handle_timeout(now);
    }
    assert_eq!(probes, 3);
    assert_eq!(s.ipv4_addr(), Some(OUR_IP));
    assert_eq!(s.poll_event(), Some(Event::AddressReady(OUR_IP)));
}

#[test]
fn rfc792_echo_request_answered_byte_exact() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let data: Vec<u8> = (0..56u8).collect();
    let req = icmp_bytes(&icmp::Repr::EchoRequest { ident: 0x1234, seq_no: 7, data: &data });
    let ip = Ip::new(PEER_IP, OUR_IP, IpProtocol::ICMP);
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, mac(1), &ip, &req));
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 1);
    let p = Parsed::new(&out[0]);
    assert_eq!(p.eth.dst_addr, PEER_MAC);
    let (iph, payload) = p.ip();
    assert_eq!((iph.src, iph.dst, iph.ttl), (OUR_IP, PEER_IP, 64));
    assert_eq!(p.icmp(), icmp::Repr::EchoReply { ident: 0x1234, seq_no: 7, data: &data });
    // Byte for byte: the request with type 0 and the checksum adjusted.
    let mut expect = req.clone();
    expect[0] = 0;
    expect[2..4].fill(0);
    let c = unet_core::checksum::checksum(&expect);
    expect[2..4].copy_from_slice(&c.to_be_bytes());
    assert_eq!(payload, &expect[..]);
    assert_eq!(s.counters().tx_echo_replies, 1);
}

#[test]
fn rfc1122_3_2_2_6_broadcast_echo_ignored_by_default() {
    let mut s = host(1, T0);
    let req = icmp_bytes(&icmp::Repr::EchoRequest { ident: 1, seq_no: 1, data: b"x" });
    let ip = Ip::new(PEER_IP, Ipv4Addr::new(192, 0, 2, 255), IpProtocol::ICMP);
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, EthernetAddress::BROADCAST, &ip, &req));
    assert!(drain(&mut s, T0).is_empty());
    assert_eq!(s.counters().icmp_broadcast_echo_ignored, 1);
}

#[test]
fn rfc768_udp_to_bound_socket_is_delivered() {
    let mut s = host(1, T0);
    let h = s.udp_add(socket()).unwrap();
    assert_eq!(s.udp_bind(h, 7777).unwrap(), 7777);
    let udp = udp_bytes(PEER_IP, OUR_IP, 5000, 7777, b"hello");
    s.handle_frame(
        T0,
        &ipv4_frame(PEER_MAC, mac(1), &Ip::new(PEER_IP, OUR_IP, IpProtocol::UDP), &udp),
    );
    assert_eq!(s.poll_event(), Some(Event::UdpReadable(h)));
    let mut buf = [0u8; 64];
    let (n, meta) = s.udp_recv_from(h, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello");
    assert_eq!(meta.remote, Endpoint::new(PEER_IP, 5000));
    assert_eq!(s.counters().rx_udp_delivered, 1);
}

#[test]
fn rfc1122_4_1_3_1_closed_port_answered_with_port_unreachable() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let udp = udp_bytes(PEER_IP, OUR_IP, 5000, 9, b"anyone?");
    let sent = Ip::new(PEER_IP, OUR_IP, IpProtocol::UDP).packet(&udp);
    s.handle_frame(T0, &unet_frame(&sent, mac(1)));
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 1);
    let p = Parsed::new(&out[0]);
    match p.icmp() {
        icmp::Repr::DstUnreachable { code, original, .. } => {
            assert_eq!(code, Unreachable::PORT);
            assert_eq!(original.datagram, &sent[..], "the whole small datagram is quoted");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.counters().udp_no_socket, 1);
}

fn unet_frame(ip_packet: &[u8], dst: EthernetAddress) -> Vec<u8> {
    ethernet(PEER_MAC, dst, EtherType::IPV4, ip_packet)
}

#[test]
fn rfc1122_3_2_2_no_port_unreachable_for_broadcast() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    for dst in [Ipv4Addr::BROADCAST, Ipv4Addr::new(192, 0, 2, 255)] {
        let udp = udp_bytes(PEER_IP, dst, 5000, 9, b"anyone?");
        let ip = Ip::new(PEER_IP, dst, IpProtocol::UDP);
        s.handle_frame(T0, &ipv4_frame(PEER_MAC, EthernetAddress::BROADCAST, &ip, &udp));
    }
    // Unicast IP in a link-layer broadcast: discarded before UDP (RFC 1122 §3.3.6), so no
    // error either.
    let udp = udp_bytes(PEER_IP, OUR_IP, 5000, 9, b"x");
    let ip = Ip::new(PEER_IP, OUR_IP, IpProtocol::UDP);
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, EthernetAddress::BROADCAST, &ip, &udp));
    assert!(drain(&mut s, T0).is_empty());
    assert_eq!(s.counters().udp_no_socket, 2);
    assert_eq!(s.counters().ipv4_unicast_in_link_broadcast, 1);
}

#[test]
fn rfc1122_3_2_2_1_unknown_protocol_answered_with_protocol_unreachable() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let ip = Ip::new(PEER_IP, OUR_IP, IpProtocol(253));
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, mac(1), &ip, b"experimental"));
    let out = drain(&mut s, T0);
    match Parsed::new(&out[0]).icmp() {
        icmp::Repr::DstUnreachable { code, .. } => assert_eq!(code, Unreachable::PROTOCOL),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.counters().ipv4_unknown_protocol, 1);
}

#[test]
fn rfc1812_4_3_2_8_icmp_errors_are_rate_limited() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let mut sent = 0;
    for i in 0..50u16 {
        let udp = udp_bytes(PEER_IP, OUR_IP, 5000, 9, b"x");
        let ip = Ip { ident: i, ..Ip::new(PEER_IP, OUR_IP, IpProtocol::UDP) };
        s.handle_frame(T0, &ipv4_frame(PEER_MAC, mac(1), &ip, &udp));
        sent += drain(&mut s, T0).len();
    }
    assert_eq!(sent, 10, "the default burst");
    assert_eq!(s.counters().icmp_rate_limited, 40);
}

#[test]
fn rfc791_3_2_fragmented_echo_reassembled_and_reply_fragmented() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let data: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    let req = icmp_bytes(&icmp::Repr::EchoRequest { ident: 9, seq_no: 1, data: &data });
    // Three fragments, sent last first.
    let chunks = [(0usize, 1480usize), (1480, 2960), (2960, req.len())];
    for &(a, b) in chunks.iter().rev() {
        let ip = Ip {
            ident: 77,
            more_frags: b != req.len(),
            frag_offset: (a / 8) as u16,
            ..Ip::new(PEER_IP, OUR_IP, IpProtocol::ICMP)
        };
        s.handle_frame(T0, &ipv4_frame(PEER_MAC, mac(1), &ip, &req[a..b]));
    }
    assert_eq!(s.counters().rx_reassembled, 1);
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 3, "3008-byte reply in 1500-byte fragments");
    let mut reply = vec![0u8; req.len()];
    let mut ids = Vec::new();
    for f in &out {
        assert!(f.len() <= 1514);
        let p = Parsed::new(f);
        let (ip, payload) = p.ip();
        ids.push(ip.identification);
        let at = ip.frag_offset_bytes() as usize;
        reply[at..at + payload.len()].copy_from_slice(payload);
        assert!(!ip.dont_frag);
    }
    assert!(ids.iter().all(|&i| i == ids[0]));
    let parsed = icmp::Repr::parse(&icmp::Packet::new_checked(&reply[..]).unwrap()).unwrap();
    assert_eq!(parsed, icmp::Repr::EchoReply { ident: 9, seq_no: 1, data: &data });
    assert_eq!(s.counters().tx_fragmented, 1);
}

#[test]
fn rfc1122_2_3_2_2_unresolved_next_hop_queues_then_flushes() {
    let mut s = host(1, T0);
    let h = s.udp_add(socket()).unwrap();
    s.udp_send_to(h, b"first", Endpoint::new(PEER_IP, 53)).unwrap();
    s.udp_send_to(h, b"second", Endpoint::new(PEER_IP, 53)).unwrap();
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 1, "one ARP request, both datagrams wait");
    let req = Parsed::new(&out[0]).arp();
    assert_eq!(req, unet_arp::Repr::request(mac(1), OUR_IP, PEER_IP));
    let t1 = T0 + Duration::from_millis(2);
    s.handle_frame(t1, &arp_frame(PEER_MAC, mac(1), &req.reply(PEER_MAC)));
    let out = drain(&mut s, t1);
    assert_eq!(out.len(), 2);
    for (f, want) in out.iter().zip([&b"first"[..], b"second"]) {
        let p = Parsed::new(f);
        assert_eq!(p.eth.dst_addr, PEER_MAC);
        let (_, payload) = p.ip();
        assert_eq!(&payload[8..], want);
    }
}

#[test]
fn rfc1122_2_3_2_2_failed_resolution_drops_and_reports() {
    let mut s = host(1, T0);
    let h = s.udp_add(socket()).unwrap();
    s.udp_send_to(h, b"lost", Endpoint::new(PEER_IP, 53)).unwrap();
    let mut now = T0;
    let mut requests = 0;
    while now < T0 + Duration::from_secs(10) {
        requests += drain(&mut s, now)
            .iter()
            .filter(|f| Parsed::new(f).arp().target_protocol_addr == PEER_IP)
            .count();
        now = match s.poll_timeout() {
            Some(t) if t > now => t,
            _ => now + Duration::from_millis(100),
        };
        s.handle_timeout(now);
    }
    assert_eq!(requests, 3);
    assert!(std::iter::from_fn(|| s.poll_event()).any(|e| e == Event::NeighborUnreachable(PEER_IP)));
    assert_eq!(s.counters().tx_neighbor_failed, 1);
}

#[test]
fn rfc1122_3_3_1_1_off_link_goes_to_the_gateway() {
    let mut s = host(1, T0);
    s.set_ipv4(T0, Some("192.0.2.1/24".parse().unwrap()), Some(PEER_IP));
    let _ = drain(&mut s, T0);
    learn_peer(&mut s, T0);
    let far = Ipv4Addr::new(198, 51, 100, 7);
    s.ping(T0, far, 1, 1, b"far").unwrap();
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 1);
    let p = Parsed::new(&out[0]);
    assert_eq!(p.eth.dst_addr, PEER_MAC, "framed to the gateway");
    assert_eq!(p.ip().0.dst, far);
    // Without a gateway: no route, counted.
    s.set_ipv4(T0, Some("192.0.2.1/24".parse().unwrap()), None);
    let _ = drain(&mut s, T0);
    s.ping(T0, far, 1, 2, b"far").unwrap();
    assert!(drain(&mut s, T0).is_empty());
    assert_eq!(s.counters().tx_no_route, 1);
}

#[test]
fn rfc2236_3_join_sends_report_with_ttl_1_and_router_alert() {
    let mut s = host(1, T0);
    let group = Ipv4Addr::new(239, 1, 2, 3);
    s.join_multicast(T0, group).unwrap();
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 1);
    let p = Parsed::new(&out[0]);
    assert_eq!(p.eth.dst_addr, EthernetAddress::from_ipv4_multicast(group));
    let (ip, payload) = p.ip();
    assert_eq!((ip.dst, ip.ttl, ip.protocol), (group, 1, IpProtocol::IGMP));
    assert!(ip.has_router_alert());
    let igmp =
        unet_ipv4::igmp::Repr::parse(&unet_ipv4::igmp::Packet::new_checked(payload).unwrap());
    assert_eq!(igmp, Ok(unet_ipv4::igmp::Repr::ReportV2 { group_addr: group }));
    // RFC 1112 §6.4: datagrams to the group are now received.
    let h = s.udp_add(socket()).unwrap();
    s.udp_bind(h, 5353).unwrap();
    let udp = udp_bytes(PEER_IP, group, 5353, 5353, b"mc");
    let ip = Ip::new(PEER_IP, group, IpProtocol::UDP);
    s.handle_frame(
        T0,
        &ipv4_frame(PEER_MAC, EthernetAddress::from_ipv4_multicast(group), &ip, &udp),
    );
    assert_eq!(s.counters().rx_udp_delivered, 1);
    // The report is repeated once within the Unsolicited Report Interval (RFC 2236 §3).
    let later = T0 + Duration::from_secs(10);
    let mut reports = 0;
    let mut now = T0;
    while let Some(t) = s.poll_timeout().filter(|&t| t <= later) {
        now = t.max(now);
        s.handle_timeout(now);
        reports += drain(&mut s, now)
            .iter()
            .filter(|f| Parsed::new(f).eth.ethertype == EtherType::IPV4)
            .count();
    }
    assert_eq!(reports, 1);
}

#[test]
fn drop_counters_name_every_reason() {
    let mut s = host(1, T0);
    let good_ip = Ip::new(PEER_IP, OUR_IP, IpProtocol::UDP);
    let udp = udp_bytes(PEER_IP, OUR_IP, 1, 2, b"x");
    // Frame to another MAC.
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, mac(7), &good_ip, &udp));
    assert_eq!(s.counters().eth_not_for_us, 1);
    // Truncated Ethernet.
    s.handle_frame(T0, &[0u8; 10]);
    assert_eq!(s.counters().eth_malformed, 1);
    // IPv6 ethertype.
    s.handle_frame(T0, &ethernet(PEER_MAC, mac(1), EtherType::IPV6, &[0u8; 40]));
    assert_eq!(s.counters().eth_unknown_ethertype, 1);
    // Our own source MAC.
    s.handle_frame(T0, &ipv4_frame(mac(1), mac(1), &good_ip, &udp));
    assert_eq!(s.counters().eth_own_source, 1);
    // Bad IPv4 checksum.
    let mut f = ipv4_frame(PEER_MAC, mac(1), &good_ip, &udp);
    f[14 + 10] ^= 0xff;
    s.handle_frame(T0, &f);
    assert_eq!(s.counters().ipv4_bad_checksum, 1);
    // Bad version (RFC 791 §3.1).
    let mut f = ipv4_frame(PEER_MAC, mac(1), &good_ip, &udp);
    f[14] = 0x65;
    s.handle_frame(T0, &f);
    assert_eq!(s.counters().ipv4_bad_version + s.counters().ipv4_malformed, 1);
    // Not our address: no forwarding.
    let other = Ip::new(PEER_IP, Ipv4Addr::new(192, 0, 2, 50), IpProtocol::UDP);
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, mac(1), &other, &udp));
    assert_eq!(s.counters().ipv4_not_for_us, 1);
    // Broadcast source (RFC 1122 §3.2.1.3).
    let bad = Ip::new(Ipv4Addr::new(192, 0, 2, 255), OUR_IP, IpProtocol::UDP);
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, mac(1), &bad, &udp));
    assert_eq!(s.counters().ipv4_bad_source, 1);
    // Bad UDP checksum.
    let mut u = udp.clone();
    u[8] ^= 1;
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, mac(1), &good_ip, &u));
    assert_eq!(s.counters().udp_bad_checksum, 1);
    // Malformed ICMP.
    let icmp_ip = Ip::new(PEER_IP, OUR_IP, IpProtocol::ICMP);
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, mac(1), &icmp_ip, &[8, 0, 0, 0]));
    assert_eq!(s.counters().icmp_malformed, 1);
    // Malformed ARP.
    s.handle_frame(T0, &ethernet(PEER_MAC, mac(1), EtherType::ARP, &[0u8; 10]));
    assert_eq!(s.counters().arp_malformed, 1);
    let text = format!("{}", s.counters());
    assert!(text.contains("eth_not_for_us=1"), "{text}");
}

#[test]
fn rfc1122_4_1_3_3_port_unreachable_reaches_the_socket() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let h = s.udp_add(socket()).unwrap();
    let port = s.udp_bind(h, 0).unwrap();
    s.udp_send_to(h, b"q", Endpoint::new(PEER_IP, 9)).unwrap();
    let out = drain(&mut s, T0);
    let (_, _) = Parsed::new(&out[0]).ip();
    let sent = Parsed::new(&out[0]).bytes;
    let err = icmp_bytes(&icmp::Repr::DstUnreachable {
        code: Unreachable::PORT,
        next_hop_mtu: 0,
        original: icmp::Original::new(&sent[..28]),
    });
    let ip = Ip::new(PEER_IP, OUR_IP, IpProtocol::ICMP);
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, mac(1), &ip, &err));
    let events: Vec<_> = std::iter::from_fn(|| s.poll_event()).collect();
    assert!(
        events.iter().any(|e| matches!(e, Event::UdpError { socket, .. } if *socket == h)),
        "{events:?} {port}"
    );
    let e = s.udp_socket(h).unwrap().last_icmp_error().unwrap();
    assert_eq!(e.kind, unet_stack::udp::IcmpErrorKind::PortUnreachable);
    assert_eq!(e.remote, Endpoint::new(PEER_IP, 9));
}
