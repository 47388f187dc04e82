//! ICMP error rules, builder, rate limiter and the reading of received errors.

use core::net::Ipv4Addr;
use std::vec;
use std::vec::Vec;

use unet_core::{Duration, Instant, IpProtocol, WireError};

use super::*;
use crate::route::Ipv4Cidr;

const PEER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 9);
const US: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

fn ours() -> Option<Ipv4Cidr> {
    Some("192.0.2.1/24".parse().unwrap())
}

fn header(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: IpProtocol,
    payload_len: usize,
) -> crate::Repr<'static> {
    crate::Repr {
        src,
        dst,
        protocol,
        ttl: 64,
        dscp: 0,
        ecn: 0,
        identification: 77,
        dont_frag: false,
        more_frags: false,
        frag_offset: 0,
        payload_len,
        options: &[],
    }
}

/// A whole UDP datagram from PEER:5353 to US:9 with `len` payload bytes.
fn udp_datagram(len: usize) -> Vec<u8> {
    let ip = header(PEER, US, IpProtocol::UDP, 8 + len);
    let mut buf = vec![0u8; ip.buffer_len()];
    buf[20..22].copy_from_slice(&5353u16.to_be_bytes());
    buf[22..24].copy_from_slice(&9u16.to_be_bytes());
    buf[24..26].copy_from_slice(&((8 + len) as u16).to_be_bytes());
    for (i, b) in buf[28..].iter_mut().enumerate() {
        *b = i as u8;
    }
    ip.emit(&mut crate::Packet::new_unchecked(&mut buf[..])).unwrap();
    buf
}

fn udp_to(dst: Ipv4Addr) -> crate::Repr<'static> {
    header(PEER, dst, IpProtocol::UDP, 16)
}

#[test]
fn rfc1122_3_2_2_unicast_udp_may_be_answered() {
    assert_eq!(may_send_error(&udp_to(US), &[0; 16], false, ours()), Ok(()));
    // An ICMP query (echo request) is not an error: it may be answered with one.
    let echo = header(PEER, US, IpProtocol::ICMP, 8);
    assert_eq!(may_send_error(&echo, &[8, 0, 0, 0, 0, 0, 0, 0], false, ours()), Ok(()));
}

#[test]
fn rfc1122_3_2_2_not_about_an_icmp_error() {
    let h = header(PEER, US, IpProtocol::ICMP, 36);
    for t in [3u8, 4, 5, 11, 12] {
        assert_eq!(may_send_error(&h, &[t, 0, 0, 0], false, ours()), Err(Suppressed::IcmpError));
    }
    assert_eq!(may_send_error(&h, &[], false, ours()), Err(Suppressed::IcmpError));
}

#[test]
fn rfc1122_3_2_2_not_about_a_multicast_datagram() {
    let h = udp_to(Ipv4Addr::new(224, 0, 0, 251));
    assert_eq!(may_send_error(&h, &[0; 16], false, ours()), Err(Suppressed::Multicast));
}

#[test]
fn rfc1122_3_2_2_not_about_a_broadcast_datagram() {
    for dst in [Ipv4Addr::BROADCAST, Ipv4Addr::new(192, 0, 2, 255)] {
        let h = udp_to(dst);
        assert_eq!(may_send_error(&h, &[0; 16], false, ours()), Err(Suppressed::Broadcast));
    }
    // Without our prefix, a directed broadcast cannot be recognised.
    assert_eq!(
        may_send_error(&udp_to(Ipv4Addr::new(192, 0, 2, 255)), &[0; 16], false, None),
        Ok(())
    );
}

#[test]
fn rfc1122_3_2_2_not_about_a_link_layer_broadcast() {
    assert_eq!(may_send_error(&udp_to(US), &[0; 16], true, ours()), Err(Suppressed::LinkBroadcast));
}

#[test]
fn rfc1122_3_2_2_not_about_a_non_initial_fragment() {
    let h = crate::Repr { frag_offset: 185, ..udp_to(US) };
    assert_eq!(may_send_error(&h, &[0; 16], false, ours()), Err(Suppressed::NonInitialFragment));
    // The first fragment is fine.
    let first = crate::Repr { more_frags: true, ..udp_to(US) };
    assert_eq!(may_send_error(&first, &[0; 16], false, ours()), Ok(()));
}

#[test]
fn rfc1812_4_3_2_7_not_to_a_source_that_is_not_a_host() {
    let sources = [
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::new(127, 0, 0, 1),
        Ipv4Addr::BROADCAST,
        Ipv4Addr::new(192, 0, 2, 255),
        Ipv4Addr::new(239, 1, 2, 3),
        Ipv4Addr::new(240, 0, 0, 1),
    ];
    for src in sources {
        let h = header(src, US, IpProtocol::UDP, 16);
        assert_eq!(
            may_send_error(&h, &[0; 16], false, ours()),
            Err(Suppressed::BadSource),
            "{src}"
        );
    }
}

/// Parses an emitted error datagram back: IP header and ICMP message.
fn parse(bytes: &[u8]) -> (crate::Repr<'_>, Repr<'_>) {
    let ip = crate::Packet::new_checked(bytes).unwrap();
    let ip_repr = crate::Repr::parse(&ip).unwrap();
    let icmp = Packet::new_checked(&bytes[ip.header_len()..usize::from(ip.total_len())]).unwrap();
    (ip_repr, Repr::parse(&icmp).unwrap())
}

#[test]
fn rfc792_port_unreachable_quotes_the_whole_small_datagram() {
    let offending = udp_datagram(20);
    let msg = ErrorMessage::new(ErrorKind::PortUnreachable, US, &offending).unwrap();
    let mut buf = [0u8; 600];
    let n = msg.emit(&mut buf).unwrap();
    assert_eq!(n, 20 + 8 + offending.len());
    let (ip, icmp) = parse(&buf[..n]);
    assert_eq!((ip.src, ip.dst, ip.protocol, ip.ttl), (US, PEER, IpProtocol::ICMP, DEFAULT_TTL));
    assert_eq!(icmp.msg_type(), Type::DST_UNREACHABLE);
    assert_eq!(icmp.code(), Unreachable::PORT.0);
    assert_eq!(icmp.quoted_datagram(), Some(&offending[..]));
    // Too small a buffer is an error, not a panic.
    assert_eq!(msg.emit(&mut buf[..40]), Err(WireError::BufferTooSmall));
}

#[test]
fn rfc1812_4_3_2_3_quote_fills_at_most_576_bytes() {
    let offending = udp_datagram(1400);
    let msg = ErrorMessage::new(ErrorKind::ProtocolUnreachable, US, &offending).unwrap();
    assert_eq!(msg.buffer_len(), MAX_ERROR_LEN);
    let mut buf = [0u8; 1500];
    let n = msg.emit(&mut buf).unwrap();
    let (_, icmp) = parse(&buf[..n]);
    assert_eq!(icmp.code(), Unreachable::PROTOCOL.0);
    assert_eq!(icmp.quoted_datagram(), Some(&offending[..548]));
    // Ethernet padding after Total Length is not quoted.
    let mut padded = udp_datagram(2);
    padded.extend_from_slice(&[0; 16]);
    let msg = ErrorMessage::new(ErrorKind::PortUnreachable, US, &padded).unwrap();
    assert_eq!(msg.buffer_len(), 28 + 30);
}

#[test]
fn rfc1191_4_frag_needed_carries_the_next_hop_mtu() {
    let offending = udp_datagram(1400);
    let msg =
        ErrorMessage::new(ErrorKind::FragNeeded { next_hop_mtu: 1280 }, US, &offending).unwrap();
    let mut buf = [0u8; 576];
    let n = msg.emit(&mut buf).unwrap();
    let (_, icmp) = parse(&buf[..n]);
    assert!(matches!(
        icmp,
        Repr::DstUnreachable { code: Unreachable::FRAG_NEEDED, next_hop_mtu: 1280, .. }
    ));
}

#[test]
fn rfc792_time_exceeded_and_parameter_problem() {
    let offending = udp_datagram(8);
    let mut buf = [0u8; 576];
    for (kind, t, code) in [
        (ErrorKind::ReassemblyTimeExceeded, Type::TIME_EXCEEDED, 1),
        (ErrorKind::TtlExceeded, Type::TIME_EXCEEDED, 0),
        (ErrorKind::ParamProblem { pointer: 9 }, Type::PARAM_PROBLEM, 0),
    ] {
        let n = ErrorMessage::new(kind, US, &offending).unwrap().emit(&mut buf).unwrap();
        let (_, icmp) = parse(&buf[..n]);
        assert_eq!((icmp.msg_type(), icmp.code()), (t, code));
        if let Repr::ParamProblem { pointer, .. } = icmp {
            assert_eq!(pointer, 9);
        }
    }
    assert_eq!(
        ErrorMessage::new(ErrorKind::PortUnreachable, US, &[0x45; 10]).err(),
        Some(WireError::Truncated)
    );
}

#[test]
fn rfc1122_4_1_3_3_received_error_names_the_socket() {
    let offending = udp_datagram(100);
    let msg = ErrorMessage::new(ErrorKind::PortUnreachable, US, &offending).unwrap();
    let got = ReceivedError::from_icmp(&msg.icmp).unwrap();
    assert_eq!((got.src, got.dst, got.protocol), (PEER, US, IpProtocol::UDP));
    assert_eq!(got.ports(), (5353, 9));
    assert_eq!((got.msg_type, got.code, got.next_hop_mtu), (Type::DST_UNREACHABLE, 3, 0));
}

#[test]
fn rfc792_received_error_needs_header_and_8_bytes() {
    let offending = udp_datagram(100);
    let short = Repr::DstUnreachable {
        code: Unreachable::PORT,
        next_hop_mtu: 0,
        original: Original::new(&offending[..27]),
    };
    assert_eq!(ReceivedError::from_icmp(&short), Err(WireError::Truncated));
    let garbage =
        Repr::TimeExceeded { code: TimeExceeded::TTL, original: Original::new(&[0x65; 28]) };
    assert_eq!(ReceivedError::from_icmp(&garbage), Err(WireError::BadVersion));
    let echo = Repr::EchoReply { ident: 1, seq_no: 1, data: &[] };
    assert_eq!(ReceivedError::from_icmp(&echo), Err(WireError::Unsupported));
    let quench = Repr::SourceQuench { datagram: &offending[..28] };
    assert_eq!(ReceivedError::from_icmp(&quench), Err(WireError::Unsupported));
    // A quoted non-initial fragment has no transport header at its start.
    let mut frag = offending.clone();
    frag[6] = 0x00;
    frag[7] = 0x10;
    let pp = Repr::ParamProblem {
        code: ParamProblem::POINTER,
        pointer: 0,
        original: Original::new(&frag[..28]),
    };
    assert_eq!(ReceivedError::from_icmp(&pp), Err(WireError::Malformed));
}

#[test]
fn rfc1812_4_3_2_8_errors_are_rate_limited() {
    let mut limiter = IcmpRateLimiter::new(Duration::from_millis(100), 3);
    let t = Instant::from_secs(5);
    let sent = (0..10).filter(|_| limiter.try_send(t)).count();
    assert_eq!(sent, 3);
    assert_eq!(limiter.suppressed(), 7);
    assert!(!limiter.try_send(t + Duration::from_millis(99)));
    assert!(limiter.try_send(t + Duration::from_millis(100)));
    let mut default = IcmpRateLimiter::default();
    let burst = (0..100).filter(|_| default.try_send(t)).count();
    assert_eq!(burst, IcmpRateLimiter::DEFAULT_BURST as usize);
}
