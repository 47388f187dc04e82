//! RFC 1122 §3.2.1 rules of the IPv4 host, checked through the stack: echo options
//! (§3.2.2.6), source routes (§3.2.1.8, §3.3.5), source and destination filtering
//! (§3.2.1.3, §3.3.6), TTL (§3.2.1.7) and identification (RFC 6864).

mod common;

use std::net::Ipv4Addr;

use common::*;
use unet_core::{FrameMachine, Instant, IpProtocol};
use unet_ethernet::EthernetAddress;
use unet_ipv4::icmp::{self, ParamProblem, Unreachable};
use unet_ipv4::options::{Ipv4Option, OptionType, Options};
use unet_stack::udp::{Endpoint, UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
use unet_stack::{Config, Stack};

const T0: Instant = Instant::from_millis(10_000);
const FAR: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 7);
const G1: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 1);

fn socket() -> UdpSocket<'static, Ipv4Addr> {
    let rx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 8].leak(), vec![0u8; 8192].leak());
    let tx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 8].leak(), vec![0u8; 8192].leak());
    UdpSocket::new(rx, tx)
}

fn learn_peer(s: &mut Stack<'_>, now: Instant) {
    let req = unet_arp::Repr::request(PEER_MAC, PEER_IP, OUR_IP);
    s.handle_frame(now, &arp_frame(PEER_MAC, EthernetAddress::BROADCAST, &req));
    let _ = drain(s, now);
}

fn echo(data: &[u8]) -> Vec<u8> {
    icmp_bytes(&icmp::Repr::EchoRequest { ident: 7, seq_no: 1, data })
}

/// Sends `payload` from `src` to us with `options`, in a frame from the peer.
fn send(s: &mut Stack<'_>, src: Ipv4Addr, protocol: IpProtocol, options: &[u8], payload: &[u8]) {
    let p = packet_with(&Ip::new(src, OUR_IP, protocol), options, 64, payload);
    s.handle_frame(T0, &ethernet(PEER_MAC, mac(1), unet_ethernet::EtherType::IPV4, &p));
}

fn options_of(p: &Parsed) -> Vec<u8> {
    p.ip().0.options.to_vec()
}

#[test]
fn rfc1122_3_2_2_6_echo_reply_carries_updated_record_route_and_timestamp() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    // Record Route with the requester's own address recorded (as `ping -R` sends it) and
    // two free slots; Timestamp with addresses, two free entries.
    let mut options = vec![7, 15, 8];
    options.extend(PEER_IP.octets());
    options.extend([0; 8]);
    options.push(1); // NOP, dropped in the reply
    options.extend([68, 20, 5, 1]);
    options.extend([0; 16]);
    assert_eq!(options.len(), 36);
    send(&mut s, PEER_IP, IpProtocol::ICMP, &options, &echo(b"round trip"));
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 1);
    let p = Parsed::new(&out[0]);
    assert_eq!(p.icmp(), icmp::Repr::EchoReply { ident: 7, seq_no: 1, data: b"round trip" });
    let (ip, _) = p.ip();
    assert_eq!(ip.dst, PEER_IP);
    let got: Vec<_> = Options::new(ip.options).map(Result::unwrap).collect();
    match got[0] {
        Ipv4Option::RecordRoute { pointer, .. } => assert_eq!(pointer, 12),
        other => panic!("{other:?}"),
    }
    let route: Vec<_> = got[0].route_addresses().collect();
    assert_eq!(route, [PEER_IP, OUR_IP, Ipv4Addr::UNSPECIFIED]);
    match got[1] {
        Ipv4Option::Timestamp { pointer, overflow, .. } => assert_eq!((pointer, overflow), (13, 0)),
        other => panic!("{other:?}"),
    }
    let stamp = got[1].timestamps().next().unwrap();
    assert_eq!(stamp.addr, Some(OUR_IP));
    // RFC 791 non-standard value: the high bit set, then the caller's clock in ms.
    assert_eq!(stamp.timestamp, 0x8000_0000 | 10_000);
    assert_eq!(ip.options.len(), 36, "nothing truncated; the NOP became padding");
}

#[test]
fn rfc1122_3_2_2_6_fragmented_reply_keeps_record_route_in_the_first_fragment_only() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let data: Vec<u8> = (0..3000u32).map(|i| i as u8).collect();
    let req = echo(&data);
    // RR in fragment zero (not copied, RFC 791 §3.1), LSRR-free.
    let rr = [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let chunks = [(0usize, 1480usize), (1480, 2960), (2960, req.len())];
    for &(a, b) in &chunks {
        let ip = Ip {
            ident: 99,
            more_frags: b != req.len(),
            frag_offset: (a / 8) as u16,
            ..Ip::new(PEER_IP, OUR_IP, IpProtocol::ICMP)
        };
        let options: &[u8] = if a == 0 { &rr } else { &[] };
        let p = packet_with(&ip, options, 64, &req[a..b]);
        s.handle_frame(T0, &ethernet(PEER_MAC, mac(1), unet_ethernet::EtherType::IPV4, &p));
    }
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 3);
    let mut reply = vec![0u8; req.len()];
    for (i, f) in out.iter().enumerate() {
        assert!(f.len() <= 1514);
        let p = Parsed::new(f);
        let (ip, payload) = p.ip();
        if i == 0 {
            let rr = Options::find(ip.options, OptionType::RECORD_ROUTE).unwrap();
            assert_eq!(rr.route_addresses().next(), Some(OUR_IP));
        } else {
            assert!(ip.options.is_empty(), "Record Route is not copied into later fragments");
        }
        let at = ip.frag_offset_bytes() as usize;
        reply[at..at + payload.len()].copy_from_slice(payload);
    }
    let parsed = icmp::Repr::parse(&icmp::Packet::new_checked(&reply[..]).unwrap()).unwrap();
    assert_eq!(parsed, icmp::Repr::EchoReply { ident: 7, seq_no: 1, data: &data });
}

#[test]
fn rfc1122_3_2_1_8_source_routed_echo_reply_follows_the_reversed_route() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    // From FAR through G1 and the peer, completed: {G1, PEER >>}.
    let mut lsrr = vec![131, 11, 12];
    lsrr.extend(G1.octets());
    lsrr.extend(PEER_IP.octets());
    lsrr.push(0);
    send(&mut s, FAR, IpProtocol::ICMP, &lsrr, &echo(b"via"));
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 1);
    let p = Parsed::new(&out[0]);
    assert_eq!(p.eth.dst_addr, PEER_MAC);
    let (ip, _) = p.ip();
    assert_eq!(ip.dst, PEER_IP, "sent to the last hop first");
    let mut want = vec![131, 11, 4];
    want.extend(G1.octets());
    want.extend(FAR.octets());
    want.push(0);
    assert_eq!(options_of(&p), want);
    // A strict route whose first hop back is off-link cannot be followed.
    let mut ssrr = vec![137, 11, 12];
    ssrr.extend(PEER_IP.octets());
    ssrr.extend(G1.octets());
    ssrr.push(0);
    send(&mut s, FAR, IpProtocol::ICMP, &ssrr, &echo(b"via"));
    assert!(drain(&mut s, T0).is_empty());
    assert_eq!(s.counters().ipv4_source_route_failed, 1);
}

#[test]
fn rfc1122_3_3_5_incomplete_source_route_answered_with_source_route_failed() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let h = s.udp_add(socket()).unwrap();
    s.udp_bind(h, 9).unwrap();
    // Pointer at G1: we are not the final destination and do not forward.
    let mut lsrr = vec![131, 7, 4];
    lsrr.extend(G1.octets());
    lsrr.push(0);
    let udp = udp_bytes(PEER_IP, OUR_IP, 5000, 9, b"onward");
    send(&mut s, PEER_IP, IpProtocol::UDP, &lsrr, &udp);
    assert_eq!(s.counters().rx_udp_delivered, 0);
    assert_eq!(s.counters().ipv4_source_route_failed, 1);
    let out = drain(&mut s, T0);
    match Parsed::new(&out[0]).icmp() {
        icmp::Repr::DstUnreachable { code, .. } => {
            assert_eq!(code, Unreachable::SOURCE_ROUTE_FAILED)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn rfc791_option_in_error_is_answered_with_parameter_problem() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    // Record Route of length 9: one slot and one spare octet, the pointer at the spare.
    let rr = [7, 9, 8, 1, 2, 3, 4, 0, 0, 0, 0, 0];
    send(&mut s, PEER_IP, IpProtocol::ICMP, &rr, &echo(b"x"));
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 1);
    match Parsed::new(&out[0]).icmp() {
        icmp::Repr::ParamProblem { code, pointer, .. } => {
            assert_eq!((code, pointer), (ParamProblem::POINTER, 22));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.counters().ipv4_option_error, 1);
    assert_eq!(s.counters().tx_echo_replies, 0);
}

#[test]
fn rfc1122_3_2_1_3_invalid_sources_are_silently_discarded() {
    let mut s = host(1, T0);
    let h = s.udp_add(socket()).unwrap();
    s.udp_bind(h, 67).unwrap();
    let bad = [
        Ipv4Addr::new(127, 0, 0, 1),
        Ipv4Addr::new(0, 1, 2, 3),
        Ipv4Addr::new(240, 0, 0, 1),
        Ipv4Addr::new(224, 0, 0, 5),
        Ipv4Addr::new(192, 0, 2, 255),
        Ipv4Addr::BROADCAST,
        OUR_IP,
    ];
    for src in bad {
        let udp = udp_bytes(src, OUR_IP, 68, 67, b"x");
        send(&mut s, src, IpProtocol::UDP, &[], &udp);
    }
    assert_eq!(s.counters().ipv4_bad_source, bad.len() as u64);
    // 0.0.0.0 to us: no host sends that.
    let udp = udp_bytes(Ipv4Addr::UNSPECIFIED, OUR_IP, 68, 67, b"x");
    send(&mut s, Ipv4Addr::UNSPECIFIED, IpProtocol::UDP, &[], &udp);
    assert_eq!(s.counters().ipv4_unspecified_source, 1);
    assert!(drain(&mut s, T0).is_empty(), "no ICMP about any of them");
    assert_eq!(s.counters().rx_udp_delivered, 0);
    // 0.0.0.0 to the limited broadcast: a DHCP client without an address, accepted.
    let udp = udp_bytes(Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST, 68, 67, b"discover");
    let ip = Ip::new(Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST, IpProtocol::UDP);
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, EthernetAddress::BROADCAST, &ip, &udp));
    assert_eq!(s.counters().rx_udp_delivered, 1);
}

#[test]
fn rfc1122_3_3_6_broadcast_forms_are_accepted() {
    let mut s = host(1, T0);
    let h = s.udp_add(socket()).unwrap();
    s.udp_bind(h, 5000).unwrap();
    // Limited, directed, and the obsolete all-zeros forms (§3.3.6 SHOULD accept).
    let dsts = [
        Ipv4Addr::BROADCAST,
        Ipv4Addr::new(192, 0, 2, 255),
        Ipv4Addr::new(192, 0, 2, 0),
        Ipv4Addr::UNSPECIFIED,
    ];
    for dst in dsts {
        let udp = udp_bytes(PEER_IP, dst, 5000, 5000, b"all");
        let ip = Ip::new(PEER_IP, dst, IpProtocol::UDP);
        s.handle_frame(T0, &ipv4_frame(PEER_MAC, EthernetAddress::BROADCAST, &ip, &udp));
    }
    assert_eq!(s.counters().rx_udp_delivered, dsts.len() as u64);
    // Another subnet's broadcast is not ours.
    let other = Ipv4Addr::new(198, 51, 100, 255);
    let ip = Ip::new(PEER_IP, other, IpProtocol::UDP);
    let udp = udp_bytes(PEER_IP, other, 5000, 5000, b"x");
    s.handle_frame(T0, &ipv4_frame(PEER_MAC, EthernetAddress::BROADCAST, &ip, &udp));
    assert_eq!(s.counters().ipv4_not_for_us, 1);
}

#[test]
fn rfc1122_3_2_1_7_ttl_never_zero_and_low_ttl_accepted() {
    let mut config = Config::new(mac(1)).with_ipv4("192.0.2.1/24".parse().unwrap());
    config.acd = false;
    config.ttl = 0;
    let mut s = Stack::new(config, storage(), T0);
    let _ = drain(&mut s, T0);
    learn_peer(&mut s, T0);
    // "A host MUST NOT discard a datagram just because it was received with TTL less than
    // 2": TTL 1 and even 0 are answered.
    for ttl in [1, 0] {
        let p = packet_with(&Ip::new(PEER_IP, OUR_IP, IpProtocol::ICMP), &[], ttl, &echo(b"t"));
        s.handle_frame(T0, &ethernet(PEER_MAC, mac(1), unet_ethernet::EtherType::IPV4, &p));
    }
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 2);
    for f in &out {
        assert_eq!(Parsed::new(f).ip().0.ttl, 1, "configured TTL 0 is sent as 1");
    }
}

#[test]
fn rfc1112_6_1_multicast_goes_out_with_ttl_1_and_hop_limit_0_stays_home() {
    let mut s = host(1, T0);
    let group = Ipv4Addr::new(239, 9, 9, 9);
    let h = s.udp_add(socket()).unwrap();
    s.udp_send_to(h, b"mc", Endpoint::new(group, 4000)).unwrap();
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 1);
    let p = Parsed::new(&out[0]);
    assert_eq!(p.eth.dst_addr, EthernetAddress::from_ipv4_multicast(group));
    assert_eq!(p.ip().0.ttl, 1);
    s.udp_socket(h).unwrap().set_multicast_hop_limit(0);
    s.udp_send_to(h, b"mc", Endpoint::new(group, 4000)).unwrap();
    assert!(drain(&mut s, T0).is_empty());
    assert_eq!(s.counters().tx_multicast_host_only, 1);
}

#[test]
fn rfc6864_4_1_identification_differs_per_datagram_and_is_shared_by_fragments() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    s.ping(T0, PEER_IP, 1, 1, b"a").unwrap();
    s.ping(T0, PEER_IP, 1, 2, &[0u8; 2000]).unwrap();
    s.ping(T0, PEER_IP, 1, 3, b"c").unwrap();
    let ids: Vec<u16> =
        drain(&mut s, T0).iter().map(|f| Parsed::new(f).ip().0.identification).collect();
    assert_eq!(ids.len(), 4, "the middle one in two fragments");
    assert_eq!(ids[1], ids[2]);
    assert_ne!(ids[0], ids[1]);
    assert_ne!(ids[2], ids[3]);
    assert_ne!(ids[0], ids[3]);
}

#[test]
fn rfc791_3_1_reversed_source_route_is_copied_into_every_fragment() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let mut lsrr = vec![131, 11, 12];
    lsrr.extend(G1.octets());
    lsrr.extend(PEER_IP.octets());
    lsrr.push(0);
    let data = vec![0x5a; 2000];
    let req = echo(&data);
    // The request itself in two fragments, each with the (copied) route.
    for (a, b) in [(0usize, 1472usize), (1472, req.len())] {
        let ip = Ip {
            ident: 5,
            more_frags: b != req.len(),
            frag_offset: (a / 8) as u16,
            ..Ip::new(FAR, OUR_IP, IpProtocol::ICMP)
        };
        let p = packet_with(&ip, &lsrr, 64, &req[a..b]);
        s.handle_frame(T0, &ethernet(PEER_MAC, mac(1), unet_ethernet::EtherType::IPV4, &p));
    }
    let out = drain(&mut s, T0);
    assert_eq!(out.len(), 2);
    let mut want = vec![131, 11, 4];
    want.extend(G1.octets());
    want.extend(FAR.octets());
    want.push(0);
    let mut sent = 0;
    for f in &out {
        let p = Parsed::new(f);
        assert_eq!(options_of(&p), want);
        let (ip, payload) = p.ip();
        assert_eq!((ip.dst, ip.frag_offset_bytes() as usize), (PEER_IP, sent));
        assert!(ip.buffer_len() <= 1500);
        sent += payload.len();
    }
    assert_eq!(sent, req.len());
}
