//! IGMP through the stack (RFC 2236 §3, §4, §6; RFC 3376 §7.2.1; RFC 1112 §6.4): queries
//! answered within Max Resp Time, suppression, leaves, and the multicast receive filter.

mod common;

use std::net::Ipv4Addr;

use common::*;
use unet_core::{Duration, FrameMachine, Instant, IpProtocol};
use unet_ethernet::{EtherType, EthernetAddress};
use unet_ipv4::igmp::membership::{ALL_ROUTERS, ALL_SYSTEMS, ROUTER_ALERT};
use unet_ipv4::igmp::{Packet, Repr};
use unet_stack::udp::{UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
use unet_stack::Stack;

const T0: Instant = Instant::from_secs(100);
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
const ROUTER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 254);
const ROUTER_MAC: EthernetAddress = EthernetAddress([2, 0, 0, 0, 0, 0xfe]);

fn igmp_frame(src: Ipv4Addr, dst: Ipv4Addr, repr: &Repr<'_>) -> Vec<u8> {
    let mut bytes = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Packet::new_unchecked(&mut bytes[..])).unwrap();
    let p = packet_with(&Ip::new(src, dst, IpProtocol::IGMP), &ROUTER_ALERT, 1, &bytes);
    let mac = EthernetAddress::from_ipv4_multicast(dst);
    ethernet(if src == ROUTER { ROUTER_MAC } else { PEER_MAC }, mac, EtherType::IPV4, &p)
}

/// The IGMP messages among `frames`, with when they left and where they went.
fn igmp_out(frames: Vec<(Instant, Vec<u8>)>) -> Vec<(Instant, Ipv4Addr, Repr<'static>)> {
    let mut out = Vec::new();
    for (at, f) in frames {
        let p = Parsed::new(&f);
        if p.eth.ethertype != EtherType::IPV4 {
            continue;
        }
        let (ip, payload) = p.ip();
        assert_eq!(ip.protocol, IpProtocol::IGMP);
        assert_eq!(ip.ttl, 1);
        assert!(ip.has_router_alert());
        assert_eq!(p.eth.dst_addr, EthernetAddress::from_ipv4_multicast(ip.dst));
        let repr = match Repr::parse(&Packet::new_checked(payload).unwrap()).unwrap() {
            Repr::ReportV1 { group_addr } => Repr::ReportV1 { group_addr },
            Repr::ReportV2 { group_addr } => Repr::ReportV2 { group_addr },
            Repr::LeaveGroup { group_addr } => Repr::LeaveGroup { group_addr },
            other => panic!("a host sent {other:?}"),
        };
        out.push((at, ip.dst, repr));
    }
    out
}

/// A host that joined GROUP at T0 and whose unsolicited reports are all sent.
fn member(seed: u8) -> (Stack<'static>, Instant) {
    let mut s = host(seed, T0);
    s.join_multicast(T0, GROUP).unwrap();
    let settled = T0 + Duration::from_secs(11);
    let reports = igmp_out(run_until(&mut s, T0, settled));
    assert_eq!(reports.len(), 2, "RFC 2236 §3: the join's report, repeated once");
    (s, settled)
}

/// Sends a query at `at` and returns what the host sent in the next `window`.
fn query(
    s: &mut Stack<'_>,
    at: Instant,
    dst: Ipv4Addr,
    q: &Repr<'_>,
    window: Duration,
) -> Vec<(Instant, Ipv4Addr, Repr<'static>)> {
    s.handle_frame(at, &igmp_frame(ROUTER, dst, q));
    igmp_out(run_until(s, at, at + window))
}

#[test]
fn rfc2236_3_general_query_answered_at_a_random_time_within_max_resp_time() {
    let mut times = Vec::new();
    for seed in [1, 2, 3] {
        let (mut s, t) = member(seed);
        let q = Repr::Query { max_resp_code: 100, group_addr: Ipv4Addr::UNSPECIFIED };
        let out = query(&mut s, t, ALL_SYSTEMS, &q, Duration::from_secs(20));
        assert_eq!(out.len(), 1, "one report per query");
        let (at, dst, repr) = out[0];
        assert_eq!((dst, repr), (GROUP, Repr::ReportV2 { group_addr: GROUP }));
        assert!(at >= t && at <= t + Duration::from_secs(10), "{at:?}");
        times.push(at - t);
        // Same seed, same inputs: the same delay.
        let (mut again, t2) = member(seed);
        let out2 = query(&mut again, t2, ALL_SYSTEMS, &q, Duration::from_secs(20));
        assert_eq!(out2[0].0 - t2, at - t);
    }
    assert!(times.windows(2).any(|w| w[0] != w[1]), "delays are random: {times:?}");
}

#[test]
fn rfc2236_3_group_specific_query_answered_within_its_max_resp_time() {
    let (mut s, t) = member(4);
    let q = Repr::Query { max_resp_code: 20, group_addr: GROUP };
    let out = query(&mut s, t, GROUP, &q, Duration::from_secs(5));
    assert_eq!(out.len(), 1);
    assert!(out[0].0 <= t + Duration::from_secs(2));
    assert_eq!(out[0].2, Repr::ReportV2 { group_addr: GROUP });
    // A group-specific query for another group is not even received (its MAC is not ours).
    let other = Ipv4Addr::new(239, 7, 7, 7);
    let q = Repr::Query { max_resp_code: 20, group_addr: other };
    assert!(query(&mut s, t + Duration::from_secs(5), other, &q, Duration::from_secs(5)).is_empty());
    assert_eq!(s.counters().eth_multicast_not_joined, 1);
}

#[test]
fn rfc2236_4_version_1_query_answered_with_v1_report_within_10_s_and_no_leave() {
    let (mut s, t) = member(5);
    let q = Repr::Query { max_resp_code: 0, group_addr: Ipv4Addr::UNSPECIFIED };
    let out = query(&mut s, t, ALL_SYSTEMS, &q, Duration::from_secs(15));
    assert_eq!(out.len(), 1);
    assert!(out[0].0 <= t + Duration::from_secs(10), "Max Resp Time 0 means 10 s");
    assert_eq!(out[0].2, Repr::ReportV1 { group_addr: GROUP });
    // A version 1 querier is present: no Leave Group (RFC 2236 §4).
    let t = t + Duration::from_secs(15);
    s.leave_multicast(t, GROUP).unwrap();
    assert!(igmp_out(run_until(&mut s, t, t + Duration::from_secs(1))).is_empty());
}

#[test]
fn rfc2236_3_another_hosts_report_suppresses_ours_and_then_no_leave() {
    let (mut s, t) = member(6);
    let q = Repr::Query { max_resp_code: 100, group_addr: Ipv4Addr::UNSPECIFIED };
    s.handle_frame(t, &igmp_frame(ROUTER, ALL_SYSTEMS, &q));
    // The peer answers first (at once), before our random timer fires.
    let due = s.poll_timeout().unwrap();
    let report = Repr::ReportV2 { group_addr: GROUP };
    s.handle_frame(t, &igmp_frame(PEER_IP, GROUP, &report));
    assert!(due <= t + Duration::from_secs(10));
    assert!(igmp_out(run_until(&mut s, t, t + Duration::from_secs(20))).is_empty(), "suppressed");
    // We were not the last to report: the Leave MAY be skipped, and is.
    let t = t + Duration::from_secs(20);
    s.leave_multicast(t, GROUP).unwrap();
    assert!(igmp_out(run_until(&mut s, t, t + Duration::from_secs(1))).is_empty());
}

#[test]
fn rfc2236_3_leave_sends_leave_group_to_all_routers() {
    let (mut s, t) = member(7);
    s.leave_multicast(t, GROUP).unwrap();
    let out = igmp_out(run_until(&mut s, t, t + Duration::from_secs(1)));
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].1, out[0].2), (ALL_ROUTERS, Repr::LeaveGroup { group_addr: GROUP }));
    // Left: the group's datagrams are filtered again, and queries are not answered.
    let q = Repr::Query { max_resp_code: 10, group_addr: Ipv4Addr::UNSPECIFIED };
    assert!(query(&mut s, t + Duration::from_secs(1), ALL_SYSTEMS, &q, Duration::from_secs(2))
        .is_empty());
    assert_eq!(s.multicast_groups().count(), 0);
}

#[test]
fn rfc3376_7_2_1_version_3_query_answered_in_version_2_compatibility() {
    let (mut s, t) = member(8);
    let q = Repr::QueryV3 {
        max_resp_code: 50,
        group_addr: Ipv4Addr::UNSPECIFIED,
        s_flag: false,
        qrv: 2,
        qqic: 125,
        num_sources: 0,
        sources: &[],
    };
    let out = query(&mut s, t, ALL_SYSTEMS, &q, Duration::from_secs(10));
    assert_eq!(out.len(), 1);
    assert!(out[0].0 <= t + Duration::from_secs(5));
    assert_eq!(out[0].2, Repr::ReportV2 { group_addr: GROUP });
}

#[test]
fn rfc1112_6_4_datagrams_for_groups_not_joined_are_filtered_and_counted() {
    let (mut s, t) = member(9);
    let rx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 4].leak(), vec![0u8; 1024].leak());
    let tx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 4].leak(), vec![0u8; 1024].leak());
    let h = s.udp_add(UdpSocket::new(rx, tx)).unwrap();
    s.udp_bind(h, 5353).unwrap();
    let send = |s: &mut Stack<'_>, dst: Ipv4Addr| {
        let udp = udp_bytes(PEER_IP, dst, 5353, 5353, b"mc");
        let ip = Ip::new(PEER_IP, dst, IpProtocol::UDP);
        s.handle_frame(
            t,
            &ipv4_frame(PEER_MAC, EthernetAddress::from_ipv4_multicast(dst), &ip, &udp),
        );
    };
    send(&mut s, GROUP);
    assert_eq!(s.counters().rx_udp_delivered, 1);
    // Another group, another MAC: dropped by the Ethernet filter.
    send(&mut s, Ipv4Addr::new(239, 1, 2, 4));
    assert_eq!(s.counters().eth_multicast_not_joined, 1);
    // 224.1.2.3 shares GROUP's MAC (the low 23 bits, RFC 1112 §6.4): dropped by IP.
    send(&mut s, Ipv4Addr::new(224, 1, 2, 3));
    assert_eq!(s.counters().ipv4_multicast_not_joined, 1);
    assert_eq!(s.counters().rx_udp_delivered, 1);
}
