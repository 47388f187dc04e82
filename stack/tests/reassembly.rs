//! Reassembly timeouts through the stack (RFC 791 §3.2, RFC 792, RFC 1122 §3.3.2).

mod common;

use common::*;
use unet_core::{Duration, FrameMachine, Instant, IpProtocol};
use unet_ethernet::EthernetAddress;
use unet_ipv4::icmp::{self, TimeExceeded};
use unet_stack::Stack;

const T0: Instant = Instant::from_secs(50);
/// unet-ipv4's default reassembly timeout (RFC 791 §3.2's suggested 15 s).
const TIMEOUT: Duration = Duration::from_secs(15);

fn learn_peer(s: &mut Stack<'_>, now: Instant) {
    let req = unet_arp::Repr::request(PEER_MAC, PEER_IP, OUR_IP);
    s.handle_frame(now, &arp_frame(PEER_MAC, EthernetAddress::BROADCAST, &req));
    let _ = drain(s, now);
}

/// Fragment `[a, b)` of a 40-byte UDP datagram with identification `ident`.
fn fragment(ident: u16, a: usize, b: usize) -> (Vec<u8>, Vec<u8>) {
    let udp = udp_bytes(PEER_IP, OUR_IP, 5000, 9, &[0x11; 32]);
    let ip = Ip {
        ident,
        more_frags: b != udp.len(),
        frag_offset: (a / 8) as u16,
        ..Ip::new(PEER_IP, OUR_IP, IpProtocol::UDP)
    };
    let packet = ip.packet(&udp[a..b]);
    (ethernet(PEER_MAC, mac(1), unet_ethernet::EtherType::IPV4, &packet), packet)
}

/// The IPv4 frames (ARP refreshes of the peer left out).
fn ip_frames(out: Vec<(Instant, Vec<u8>)>) -> Vec<(Instant, Vec<u8>)> {
    out.into_iter()
        .filter(|(_, f)| Parsed::new(f).eth.ethertype == unet_ethernet::EtherType::IPV4)
        .collect()
}

#[test]
fn rfc792_rfc1122_3_3_2_timeout_after_fragment_zero_sends_time_exceeded() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let (frame, packet) = fragment(7, 0, 16);
    s.handle_frame(T0, &frame);
    assert_eq!(s.reassembly_in_progress(), 1);
    assert!(s.poll_timeout().is_some_and(|t| t <= T0 + TIMEOUT));
    // Nothing before the timer runs out.
    assert!(ip_frames(run_until(&mut s, T0, T0 + TIMEOUT - Duration::from_millis(1))).is_empty());
    let out = ip_frames(run_until(&mut s, T0 + TIMEOUT - Duration::from_millis(1), T0 + TIMEOUT));
    assert_eq!(out.len(), 1);
    let (at, frame) = &out[0];
    assert_eq!(*at, T0 + TIMEOUT);
    let p = Parsed::new(frame);
    assert_eq!(p.ip().0.dst, PEER_IP);
    match p.icmp() {
        icmp::Repr::TimeExceeded { code, original } => {
            assert_eq!(code, TimeExceeded::REASSEMBLY);
            // Fragment zero's header and its first 8 payload bytes (RFC 792).
            assert_eq!(original.datagram, &packet[..28]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.counters().ipv4_reassembly_timeouts, 1);
    assert_eq!(s.reassembly_in_progress(), 0, "the slot is free again");
}

#[test]
fn rfc1122_3_3_2_no_time_exceeded_without_fragment_zero() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    let (frame, _) = fragment(8, 16, 40);
    s.handle_frame(T0, &frame);
    assert_eq!(s.reassembly_in_progress(), 1);
    let out = ip_frames(run_until(&mut s, T0, T0 + TIMEOUT + Duration::from_secs(1)));
    assert!(out.is_empty(), "RFC 1122 §3.3.2: no fragment zero, no message");
    assert_eq!(s.counters().ipv4_reassembly_timeouts, 1);
    assert_eq!(s.reassembly_in_progress(), 0);
}

#[test]
fn rfc791_3_2_timed_out_slots_are_reused_without_evicting() {
    let mut s = host(1, T0);
    learn_peer(&mut s, T0);
    // Fill all four slots (common::storage), let them time out.
    for ident in 0..4 {
        s.handle_frame(T0, &fragment(ident, 16, 40).0);
    }
    assert_eq!(s.reassembly_in_progress(), 4);
    let later = T0 + TIMEOUT;
    let _ = run_until(&mut s, T0, later);
    assert_eq!(s.reassembly_in_progress(), 0);
    // Four new datagrams complete, none evicted.
    for ident in 10..14 {
        s.handle_frame(later, &fragment(ident, 16, 40).0);
    }
    for ident in 10..14 {
        s.handle_frame(later, &fragment(ident, 0, 16).0);
    }
    assert_eq!(s.counters().rx_reassembled, 4);
    assert_eq!(s.counters().ipv4_fragment_dropped, 0);
    assert_eq!(s.counters().ipv4_reassembly_timeouts, 4);
}
