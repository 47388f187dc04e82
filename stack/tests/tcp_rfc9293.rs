//! TCP through the stack, two hosts on a perfect wire at fake times: the handshake through
//! a listener and `tcp_accept`, data both ways, closing and TIME-WAIT, RSTs for segments
//! nobody wants (RFC 9293 §3.10.7.1), the checks done before any socket sees a segment.

mod common;

use common::tcp::*;
use common::*;
use unet_core::{Duration, FrameMachine};
use unet_stack::tcp::conn::{Error as ConnError, State};
use unet_stack::tcp::{Endpoint, Repr, SeqNumber, TcpFlags, TcpOptions};
use unet_stack::{Event, TcpError, TcpEvent};

fn syn(src_port: u16, dst_port: u16, seq: u32) -> Repr<'static> {
    Repr {
        src_port,
        dst_port,
        seq_number: SeqNumber(seq),
        ack_number: SeqNumber(0),
        flags: TcpFlags::SYN,
        window_len: 65535,
        urgent_pointer: 0,
        options: TcpOptions::default(),
        payload_len: 0,
    }
}

#[test]
fn rfc9293_3_5_connect_accept_and_echo() {
    let mut p = Pair::new();
    let l = p.b.tcp_listen(7, 4).unwrap();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    assert_eq!(p.a.tcp_state(c), Ok(State::SynSent));
    // Data may be queued before the handshake completes.
    assert_eq!(p.a.tcp_send(c, b"hello, "), Ok(7));
    p.settle();
    assert!(p.events_b.contains(&Event::TcpAcceptReady(l)));
    let s = p.b.tcp_accept(p.now, l).expect("a connection to accept");
    assert_eq!(p.b.tcp_accept(p.now, l), None, "only one");
    assert_eq!(p.a.tcp_state(c), Ok(State::Established));
    assert_eq!(p.b.tcp_state(s), Ok(State::Established));
    assert!(p.events_a.contains(&Event::Tcp { handle: c, event: TcpEvent::Connected }));
    p.a.tcp_send(c, b"world").unwrap();
    p.advance(Duration::from_millis(500));
    let mut buf = [0u8; 64];
    let n = p.b.tcp_recv(s, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello, world");
    // Echo it back.
    assert_eq!(p.b.tcp_send(s, &buf[..n]), Ok(n));
    p.advance(Duration::from_millis(500));
    let mut back = [0u8; 64];
    assert_eq!(p.a.tcp_recv(c, &mut back), Ok(n));
    assert_eq!(&back[..n], b"hello, world");
    assert_eq!(p.a.tcp_recv(c, &mut back), Ok(0), "nothing more now");

    let info = p.a.tcp_info(c).unwrap();
    assert_eq!(info.state, State::Established);
    assert_eq!(info.remote, Endpoint::new(B_IP, 7));
    assert!(info.local.port >= 49152, "RFC 6056 ephemeral port: {}", info.local.port);
    assert_eq!(info.mss, 1460, "MSS from the 1500-byte MTU");
    assert!(info.srtt.is_some() && info.timestamps && info.sack);
    assert_eq!(info.bytes_in_flight, 0);
    assert!(info.counters.bytes_sent >= 12);
    assert_eq!(p.a.counters().tcp_connects, 1);
    assert_eq!(p.b.counters().tcp_accepted, 1);
}

#[test]
fn rfc9293_3_6_close_time_wait_then_slot_released() {
    let mut p = Pair::new();
    let l = p.b.tcp_listen(7, 4).unwrap();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    let s = p.b.tcp_accept(p.now, l).unwrap();
    // a closes first: a goes through FIN-WAIT to TIME-WAIT, b to CLOSE-WAIT.
    p.a.tcp_close(p.now, c).unwrap();
    p.settle();
    assert_eq!(p.b.tcp_state(s), Ok(State::CloseWait));
    assert!(p.events_b.contains(&Event::Tcp { handle: s, event: TcpEvent::PeerClosed }));
    let mut buf = [0u8; 8];
    assert_eq!(p.b.tcp_recv(s, &mut buf), Err(TcpError::Connection(ConnError::Finished)));
    p.b.tcp_close(p.now, s).unwrap();
    p.settle();
    // b's slot is released at once (LAST-ACK acknowledged), a's stays in TIME-WAIT.
    assert_eq!(p.b.tcp_connections_in_use(), 0);
    assert_eq!(p.b.tcp_state(s), Err(TcpError::InvalidHandle));
    assert_eq!(p.a.tcp_state(c), Ok(State::TimeWait), "state still visible after close");
    assert_eq!(p.a.tcp_time_wait_count(), 1);
    assert_eq!(p.a.tcp_send(c, b"x"), Err(TcpError::InvalidHandle), "closed: not the app's");
    p.advance(Duration::from_secs(59));
    assert_eq!(p.a.tcp_time_wait_count(), 1);
    p.advance(Duration::from_secs(2));
    assert_eq!(p.a.tcp_time_wait_count(), 0, "2*MSL (60 s) over");
    assert_eq!(p.a.tcp_connections_in_use(), 0);
    assert_eq!(p.a.tcp_state(c), Err(TcpError::InvalidHandle));
}

#[test]
fn rfc9293_3_10_7_1_closed_port_answered_with_rst() {
    let mut p = Pair::new();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 9), None).unwrap();
    p.settle();
    assert!(p.events_a.contains(&Event::Tcp { handle: c, event: TcpEvent::Refused }));
    assert_eq!(p.a.tcp_state(c), Ok(State::Closed));
    let mut buf = [0u8; 8];
    assert_eq!(p.a.tcp_recv(c, &mut buf), Err(TcpError::Refused));
    assert_eq!(p.b.counters().tcp_no_socket, 1);
    assert_eq!(p.b.counters().tcp_rsts_sent, 1);
    // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> for a SYN.
    let segs = tcp_segments(&p.sent_b);
    let (_, _, rst, _) = segs.last().unwrap();
    assert_eq!(rst.flags, TcpFlags::RST | TcpFlags::ACK);
    assert_eq!(rst.seq_number, SeqNumber(0));
    let (_, _, syn, _) = tcp_segments(&p.sent_a)[0];
    assert_eq!(rst.ack_number, syn.seq_number + 1);
    // The application is done with it: the slot goes.
    assert_eq!(p.a.tcp_connections_in_use(), 1);
    p.a.tcp_close(p.now, c).unwrap();
    assert_eq!(p.a.tcp_connections_in_use(), 0);
}

#[test]
fn rfc9293_3_10_7_1_no_rst_for_a_rst_nor_for_broadcast() {
    let now = unet_core::Instant::from_secs(1);
    let mut s = host(1, now);
    let mut rst = syn(4000, 9, 77);
    rst.flags = TcpFlags::RST;
    s.handle_frame(now, &tcp_frame_to(mac(1), PEER_IP, OUR_IP, &rst, &[]));
    assert!(drain(&mut s, now).is_empty());
    assert_eq!(s.counters().tcp_no_socket, 1);
    assert_eq!(s.counters().tcp_rsts_sent, 0);
    // RFC 1122 §4.2.3.10: a SYN to the broadcast address reaches no socket and no RST.
    let bcast = std::net::Ipv4Addr::new(192, 0, 2, 255);
    let frame = tcp_frame_to(
        unet_ethernet::EthernetAddress::BROADCAST,
        PEER_IP,
        bcast,
        &syn(4000, 9, 1),
        &[],
    );
    s.handle_frame(now, &frame);
    assert!(drain(&mut s, now).is_empty());
    assert_eq!(s.counters().tcp_not_unicast, 1);
}

#[test]
fn rfc9293_3_1_bad_checksum_dropped_before_any_socket() {
    let now = unet_core::Instant::from_secs(1);
    let mut s = host(1, now);
    let _l = s.tcp_listen(80, 4).unwrap();
    let mut frame = tcp_frame_to(mac(1), PEER_IP, OUR_IP, &syn(4000, 80, 1), &[]);
    let last = frame.len() - 1;
    frame[last - 4] ^= 0x40; // inside the TCP header's window field
    s.handle_frame(now, &frame);
    assert!(drain(&mut s, now).is_empty(), "no SYN-ACK, no RST");
    assert_eq!(s.counters().tcp_bad_checksum, 1);
    assert_eq!(s.counters().tcp_listener_dropped, 0);
    // A truncated header is malformed.
    let ip = Ip::new(PEER_IP, OUR_IP, unet_core::IpProtocol::TCP);
    s.handle_frame(now, &ipv4_frame(PEER_MAC, mac(1), &ip, &[0u8; 12]));
    assert_eq!(s.counters().tcp_malformed, 1);
}

#[test]
fn rfc9293_3_10_7_1_rsts_rate_limited() {
    let now = unet_core::Instant::from_secs(1);
    let mut s = host(1, now);
    let burst = s.tcp_config().rst_burst;
    for port in 0..200u16 {
        s.handle_frame(now, &tcp_frame_to(mac(1), PEER_IP, OUR_IP, &syn(4000 + port, 9, 1), &[]));
    }
    let out = drain(&mut s, now);
    let rsts = tcp_segments(&out).len() as u32;
    // The peer is unresolved: the first RSTs wait for ARP (4 per destination).
    assert!(rsts <= burst);
    assert_eq!(s.counters().tcp_rsts_sent, u64::from(burst));
    assert_eq!(s.counters().tcp_rst_rate_limited, 200 - u64::from(burst));
    assert_eq!(s.counters().tcp_no_socket, 200);
}

#[test]
fn rfc9293_3_10_1_connect_errors_are_typed() {
    let mut p = Pair::new();
    let bcast = std::net::Ipv4Addr::new(192, 0, 2, 255);
    let now = p.now;
    assert_eq!(p.a.tcp_connect(now, Endpoint::new(bcast, 7), None), Err(TcpError::Unaddressable));
    assert_eq!(
        p.a.tcp_connect(now, Endpoint::new(std::net::Ipv4Addr::new(224, 0, 0, 9), 7), None),
        Err(TcpError::Unaddressable)
    );
    assert_eq!(p.a.tcp_connect(now, Endpoint::new(B_IP, 0), None), Err(TcpError::Unaddressable));
    let _l = p.a.tcp_listen(8080, 1).unwrap();
    assert_eq!(p.a.tcp_listen(8080, 1), Err(TcpError::AddrInUse));
    assert_eq!(p.a.tcp_connect(now, Endpoint::new(B_IP, 7), Some(8080)), Err(TcpError::AddrInUse));
    let c = p.a.tcp_connect(now, Endpoint::new(B_IP, 7), Some(5000)).unwrap();
    assert_eq!(p.a.tcp_connect(now, Endpoint::new(B_IP, 7), Some(5000)), Err(TcpError::AddrInUse));
    // Another remote may share the local port (RFC 6056 §2.1: the 4-tuple is what counts).
    let d = p.a.tcp_connect(now, Endpoint::new(B_IP, 8), Some(5000)).unwrap();
    assert_ne!(c, d);
    let _m = p.a.tcp_listen(8081, 1).unwrap();
    assert_eq!(p.a.tcp_listen(8082, 1), Err(TcpError::NoListenerSlot), "two listener slots");
}
