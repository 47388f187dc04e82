//! What happens when TCP's bounded tables are full: connection slots (TIME-WAIT recycled
//! oldest first, else a typed error or a dropped final ACK), the accept backlog (final
//! ACK dropped, the handshake completes later), and connections that end before they are
//! accepted.

mod common;

use common::tcp::*;
use common::*;
use unet_core::{Duration, FrameMachine, Instant};
use unet_stack::tcp::conn::State;
use unet_stack::tcp::Endpoint;
use unet_stack::{Event, TcpError, TcpEvent};

fn pair(slots_a: usize, slots_b: usize) -> Pair {
    let now = Instant::from_secs(1);
    Pair::with(tcp_host(1, now, slots_a, 8192), tcp_host(2, now, slots_b, 8192), now)
}

#[test]
fn rfc9293_3_3_2_time_wait_keeps_its_slot_and_the_oldest_is_recycled_when_full() {
    let mut p = pair(2, 8);
    let l = p.b.tcp_listen(7, 8).unwrap();
    let mut closed = Vec::new();
    for _ in 0..2 {
        let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
        p.settle();
        let s = p.b.tcp_accept(p.now, l).unwrap();
        p.a.tcp_close(p.now, c).unwrap();
        p.settle();
        p.b.tcp_close(p.now, s).unwrap();
        p.settle();
        assert_eq!(p.a.tcp_state(c), Ok(State::TimeWait));
        closed.push(c);
        p.advance(Duration::from_secs(1));
    }
    assert_eq!((p.a.tcp_connections_in_use(), p.a.tcp_time_wait_count()), (2, 2));
    // Every slot is in TIME-WAIT: a new connection takes the oldest one's.
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    assert_eq!(p.a.counters().tcp_time_wait_recycled, 1);
    assert_eq!(p.a.tcp_state(closed[0]), Err(TcpError::InvalidHandle), "the oldest went");
    assert_eq!(p.a.tcp_state(closed[1]), Ok(State::TimeWait), "the newer one stays");
    p.settle();
    let s = p.b.tcp_accept(p.now, l).unwrap();
    p.a.tcp_send(c, b"still works").unwrap();
    p.advance(Duration::from_millis(300));
    let mut buf = [0u8; 32];
    assert_eq!(p.b.tcp_recv(s, &mut buf), Ok(11));
    // Now one slot is open, the other in TIME-WAIT; a third connection recycles that.
    let d = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    assert_eq!(p.a.counters().tcp_time_wait_recycled, 2);
    p.settle();
    assert_eq!(p.a.tcp_state(d), Ok(State::Established));
    // No slot free and none in TIME-WAIT: a typed error, nothing else disturbed.
    assert_eq!(p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None), Err(TcpError::NoSlot));
    assert_eq!(p.a.tcp_state(c), Ok(State::Established));
}

#[test]
fn rfc9293_3_3_2_time_wait_slot_freed_after_2msl_without_recycling() {
    let mut p = pair(1, 4);
    let l = p.b.tcp_listen(7, 4).unwrap();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    let s = p.b.tcp_accept(p.now, l).unwrap();
    p.a.tcp_close(p.now, c).unwrap();
    p.b.tcp_close(p.now, s).unwrap();
    p.settle();
    assert_eq!(p.a.tcp_time_wait_count(), 1);
    p.advance(Duration::from_secs(61));
    assert_eq!(p.a.tcp_connections_in_use(), 0);
    p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    assert_eq!(p.a.counters().tcp_time_wait_recycled, 0);
}

#[test]
fn rfc9293_3_10_7_2_no_connection_slot_drops_the_final_ack_until_one_frees() {
    let mut p = pair(4, 1);
    let l = p.b.tcp_listen(7, 4).unwrap();
    let first = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    let s1 = p.b.tcp_accept(p.now, l).unwrap();
    // b's only slot is taken: the second handshake's final ACK is dropped, not reset.
    let second = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    assert!(p.b.counters().tcp_no_connection_slot >= 1);
    assert_eq!(p.b.tcp_accept(p.now, l), None);
    assert_eq!(p.a.tcp_state(second), Ok(State::Established), "a saw the SYN-ACK");
    assert!(!p.events_a.contains(&Event::Tcp { handle: second, event: TcpEvent::Reset }));
    // The first connection goes away (an abort frees b's slot at once)...
    p.b.tcp_abort(p.now, s1).unwrap();
    p.settle();
    assert_eq!(p.a.tcp_state(first), Ok(State::Closed), "reset by b's abort");
    // ...and the half-open entry's SYN-ACK retransmission brings the ACK back.
    p.advance(Duration::from_secs(2));
    let s2 = p.b.tcp_accept(p.now, l).expect("the second connection got in");
    p.a.tcp_send(second, b"late").unwrap();
    p.advance(Duration::from_millis(300));
    let mut buf = [0u8; 8];
    assert_eq!(p.b.tcp_recv(s2, &mut buf), Ok(4));
}

#[test]
fn rfc9293_3_10_7_2_accept_backlog_full_then_drained() {
    let mut p = pair(4, 4);
    let l = p.b.tcp_listen(7, 1).unwrap();
    let c1 = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    let c2 = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    assert_eq!(p.b.tcp_connections_in_use(), 1, "backlog of one");
    assert!(p.b.counters().tcp_accept_backlog_full >= 1);
    let s1 = p.b.tcp_accept(p.now, l).unwrap();
    assert_eq!(p.b.tcp_accept(p.now, l), None);
    p.advance(Duration::from_secs(2));
    let s2 = p.b.tcp_accept(p.now, l).expect("in after the backlog drained");
    let port = |h| p.b.tcp_info(h).unwrap().remote.port;
    let ports = [p.a.tcp_info(c1).unwrap().local.port, p.a.tcp_info(c2).unwrap().local.port];
    assert!(ports.contains(&port(s1)) && ports.contains(&port(s2)) && port(s1) != port(s2));
}

#[test]
fn rfc9293_3_10_7_4_connection_reset_before_accept_is_released() {
    let mut p = pair(4, 4);
    let l = p.b.tcp_listen(7, 4).unwrap();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    assert_eq!(p.b.tcp_connections_in_use(), 1);
    p.a.tcp_abort(p.now, c).unwrap();
    assert_eq!(p.a.tcp_connections_in_use(), 0, "abort releases at once");
    p.settle();
    assert_eq!(p.b.tcp_connections_in_use(), 0, "the RST ended it before accept");
    assert_eq!(p.b.tcp_accept(p.now, l), None);
}

#[test]
fn rfc9293_3_10_1_unlisten_aborts_connections_not_yet_accepted() {
    let mut p = pair(4, 4);
    let l = p.b.tcp_listen(7, 4).unwrap();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    p.b.tcp_unlisten(p.now, l).unwrap();
    p.settle();
    assert_eq!(p.b.tcp_connections_in_use(), 0);
    assert!(p.events_a.contains(&Event::Tcp { handle: c, event: TcpEvent::Reset }));
    assert_eq!(p.b.tcp_accept(p.now, l), None, "stale handle");
    assert_eq!(p.b.tcp_unlisten(p.now, l), Err(TcpError::InvalidHandle));
    // The port is free again (a RST now answers SYNs to it).
    let d = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    assert!(p.events_a.contains(&Event::Tcp { handle: d, event: TcpEvent::Refused }));
    assert!(p.b.tcp_listen(7, 4).is_ok(), "and the slot is reusable");
}

#[test]
fn rfc9293_3_8_3_connect_to_an_unresolvable_address_times_out_cleanly() {
    let mut p = pair(2, 2);
    let nobody = std::net::Ipv4Addr::new(192, 0, 2, 77);
    let c = p.a.tcp_connect(p.now, Endpoint::new(nobody, 80), None).unwrap();
    p.advance(Duration::from_secs(300));
    assert!(p.events_a.contains(&Event::NeighborUnreachable(nobody)));
    assert!(p.events_a.contains(&Event::Tcp { handle: c, event: TcpEvent::TimedOut }));
    assert!(p.events_a.contains(&Event::Tcp { handle: c, event: TcpEvent::Closed }));
    assert_eq!(p.a.tcp_state(c), Ok(State::Closed));
    let mut buf = [0u8; 4];
    assert_eq!(p.a.tcp_recv(c, &mut buf), Err(TcpError::TimedOut));
    assert!(p.a.counters().tx_neighbor_failed >= 1);
    p.a.tcp_close(p.now, c).unwrap();
    assert_eq!(p.a.tcp_connections_in_use(), 0);
    assert_eq!(p.a.poll_timeout(), None, "nothing left running");
}

#[test]
fn rfc6191_2_new_syn_reopens_a_time_wait_four_tuple() {
    let mut p = pair(2, 2);
    let l = p.b.tcp_listen(7, 2).unwrap();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), Some(40000)).unwrap();
    p.settle();
    let s = p.b.tcp_accept(p.now, l).unwrap();
    // The server closes first: the TIME-WAIT is b's.
    p.b.tcp_close(p.now, s).unwrap();
    p.settle();
    p.a.tcp_close(p.now, c).unwrap();
    p.settle();
    assert_eq!(p.b.tcp_time_wait_count(), 1);
    assert_eq!(p.a.tcp_connections_in_use(), 0);
    p.advance(Duration::from_secs(1));
    // The same client port again: its SYN's timestamp is newer than TS.Recent.
    let c2 = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), Some(40000)).unwrap();
    p.settle();
    assert_eq!(p.a.tcp_state(c2), Ok(State::Established));
    let s2 = p.b.tcp_accept(p.now, l).expect("the TIME-WAIT gave way");
    assert_eq!(p.b.tcp_time_wait_count(), 0);
    assert_eq!(p.b.tcp_info(s2).unwrap().remote.port, 40000);
}
