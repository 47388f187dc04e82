//! A listener under a SYN flood keeps answering real clients with SYN cookies (RFC 4987
//! §3.6), and ICMP errors reach the connection they quote (RFC 1122 §4.2.3.9) after RFC
//! 5927's checks: fragmentation needed lowers the MSS (RFC 1191), a port unreachable
//! ends a SYN-SENT connection.

mod common;

use common::tcp::*;
use common::*;
use std::net::Ipv4Addr;
use unet_core::{Duration, FrameMachine, IpProtocol};
use unet_ipv4::icmp::{self, Original, Unreachable};
use unet_stack::tcp::conn::State;
use unet_stack::tcp::{Endpoint, Repr, SeqNumber, TcpFlags, TcpOptions};
use unet_stack::{Event, TcpError, TcpEvent};

#[test]
fn rfc4987_3_6_syn_flood_answered_with_cookies_and_a_real_client_gets_in() {
    let mut p = Pair::new();
    let l = p.b.tcp_listen(80, 4).unwrap();
    let mut x: u32 = 12345;
    for i in 0..2000u32 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let src = Ipv4Addr::new(198, 51, 100, (x >> 24) as u8);
        let syn = Repr {
            src_port: 1024 + (x >> 8) as u16 % 60000,
            dst_port: 80,
            seq_number: SeqNumber(x),
            ack_number: SeqNumber(0),
            flags: TcpFlags::SYN,
            window_len: 1024,
            urgent_pointer: 0,
            options: TcpOptions::default(),
            payload_len: 0,
        };
        // Spoofed off-link sources: b answers through its gateway (none here: no route).
        p.b.handle_frame(p.now, &tcp_frame_to(mac(2), src, B_IP, &syn, &[]));
        if i % 16 == 0 {
            let _ = drain(&mut p.b, p.now);
        }
    }
    let _ = drain(&mut p.b, p.now);
    let flood = p.b.tcp_listener_counters(l).unwrap();
    assert_eq!(flood.syns_queued, 16, "the SYN queue filled");
    assert!(flood.cookies_sent >= 1900, "then cookies: {flood:?}");
    assert_eq!(p.b.tcp_connections_in_use(), 0, "a flood costs no connection slot");

    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 80), None).unwrap();
    p.settle();
    assert_eq!(p.a.tcp_state(c), Ok(State::Established));
    let s = p.b.tcp_accept(p.now, l).expect("the real client got in");
    assert_eq!(p.b.tcp_listener_counters(l).unwrap().cookies_accepted, 1);
    p.a.tcp_send(c, b"GET /").unwrap();
    p.advance(Duration::from_millis(300));
    let mut buf = [0u8; 16];
    assert_eq!(p.b.tcp_recv(s, &mut buf), Ok(5));
    // A cookie keeps window scaling and SACK when timestamps carry them.
    let info = p.b.tcp_info(s).unwrap();
    assert!(info.timestamps && info.sack, "{info:?}");
}

/// An ICMP error from `router` to host a quoting `datagram` (an IPv4 datagram a sent).
fn icmp_to_a(router: Ipv4Addr, error: icmp::Repr<'_>) -> Vec<u8> {
    let ip = Ip::new(router, A_IP, IpProtocol::ICMP);
    let mut frame = ipv4_frame(mac(2), mac(1), &ip, &icmp_bytes(&error));
    frame[6..12].copy_from_slice(&mac(2).0);
    frame
}

fn ip_of(frame: &[u8]) -> &[u8] {
    &frame[14..]
}

#[test]
fn rfc1191_6_frag_needed_lowers_the_mss_and_data_is_resent_smaller() {
    let mut p = Pair::new();
    let l = p.b.tcp_listen(7, 4).unwrap();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    let s = p.b.tcp_accept(p.now, l).unwrap();
    assert_eq!(p.a.tcp_info(c).unwrap().mss, 1460);
    // The path beyond "the router" carries 1000 bytes: a's full segments are lost there.
    p.drop_a_to_b = Some(Box::new(|f: &[u8]| f.len() > 14 + 1000));
    let data: Vec<u8> = (0..12_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(p.a.tcp_send(c, &data), Ok(data.len()));
    p.settle();
    let big = p.sent_a.iter().rev().find(|f| f.len() > 1014).expect("a full segment").clone();
    let quote = &ip_of(&big)[..28];
    // An error quoting a sequence number not in flight is ignored (RFC 5927 §4.1).
    let mut stale = quote.to_vec();
    stale[24..28].copy_from_slice(&0x0102_0304u32.to_be_bytes());
    let wrong = icmp::Repr::DstUnreachable {
        code: Unreachable::FRAG_NEEDED,
        next_hop_mtu: 1000,
        original: Original::new(&stale),
    };
    p.a.handle_frame(p.now, &icmp_to_a(B_IP, wrong));
    assert_eq!(p.a.counters().tcp_icmp_ignored, 1);
    assert_eq!(p.a.tcp_info(c).unwrap().mss, 1460);
    // The genuine one lowers the MSS to 1000 − 40.
    let error = icmp::Repr::DstUnreachable {
        code: Unreachable::FRAG_NEEDED,
        next_hop_mtu: 1000,
        original: Original::new(quote),
    };
    let sent_before = p.sent_a.len();
    p.a.handle_frame(p.now, &icmp_to_a(B_IP, error));
    assert_eq!(p.a.tcp_info(c).unwrap().mss, 960);
    p.advance(Duration::from_secs(5));
    let after = &p.sent_a[sent_before..];
    assert!(!after.is_empty());
    assert!(after.iter().all(|f| f.len() <= 14 + 1000), "every later frame fits the path");
    let mut got = vec![0u8; data.len() + 1];
    let mut n = 0;
    while let Ok(k) = p.b.tcp_recv(s, &mut got[n..]) {
        if k == 0 {
            break;
        }
        n += k;
    }
    assert_eq!(&got[..n], &data[..], "everything arrived, byte-exact");
    // Every segment a sends has Don't Fragment set (RFC 1191 §3).
    let last = Parsed::new(after.iter().rev().find(|f| is_tcp(f)).unwrap());
    assert!(last.ip().0.dont_frag);
}

fn is_tcp(f: &[u8]) -> bool {
    f.get(12..14) == Some(&[8, 0]) && f.get(23) == Some(&6)
}

#[test]
fn rfc1122_4_2_3_9_port_unreachable_ends_a_syn_sent_connection() {
    let mut p = Pair::new();
    p.drop_a_to_b = Some(Box::new(|f: &[u8]| is_tcp(f)));
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 9), None).unwrap();
    p.settle();
    let syn = p.sent_a.iter().rev().find(|f| is_tcp(f)).expect("the SYN").clone();
    let error = icmp::Repr::DstUnreachable {
        code: Unreachable::PORT,
        next_hop_mtu: 0,
        original: Original::new(&ip_of(&syn)[..28]),
    };
    p.a.handle_frame(p.now, &icmp_to_a(B_IP, error));
    p.settle();
    assert!(p.events_a.contains(&Event::Tcp { handle: c, event: TcpEvent::Unreachable }));
    assert_eq!(p.a.tcp_state(c), Ok(State::Closed));
    let mut buf = [0u8; 4];
    assert_eq!(p.a.tcp_recv(c, &mut buf), Err(TcpError::Unreachable));
}
