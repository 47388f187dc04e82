//! A TCP connection whose next hop is not yet resolved: the SYN waits in the queue of
//! packets waiting for ARP (RFC 1122 §2.3.2.2) and leaves with the reply, no timeout.
//!
//! The second test is what `unet host --tcp-connect` showed against the Linux kernel on a
//! TAP device just attached: the kernel dropped its first ARP reply (the device's qdisc is
//! still the no-op one until the kernel's link watch activates it, a few microseconds to
//! milliseconds after the TAP's carrier comes up; `ip -s link` counts it as a TX drop), so
//! the SYN waited for the ARP retry one second later (RFC 1122 §2.3.2.1's rate), when its
//! own retransmission timer (RFC 6298 §2.1: 1 s) fires too. Nothing is lost: the queued
//! SYN leaves with the reply.

mod common;

use common::tcp::*;
use common::*;
use unet_core::Duration;
use unet_ethernet::EtherType;
use unet_stack::tcp::conn::State;
use unet_stack::tcp::{Endpoint, TcpFlags};

fn is_arp(frame: &[u8]) -> bool {
    Parsed::new(frame).eth.ethertype == EtherType::ARP
}

fn syns(frames: &[Vec<u8>]) -> usize {
    tcp_segments(frames).iter().filter(|s| s.2.flags.contains(TcpFlags::SYN)).count()
}

#[test]
fn rfc1122_2_3_2_2_syn_waiting_for_arp_leaves_with_the_reply() {
    let mut p = Pair::new();
    p.b.tcp_listen(7, 4).unwrap();
    assert!(p.a.neighbors().state(B_IP).is_none(), "nothing resolved yet");
    let start = p.now;
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    // At the same instant: ARP request, reply, then the SYN that waited for it.
    assert_eq!(p.now, start);
    assert!(is_arp(&p.sent_a[0]), "ARP request first");
    assert!(is_arp(&p.sent_b[0]), "b's reply");
    let first_tcp = p.sent_a.iter().position(|f| !is_arp(f)).unwrap();
    let (_, _, syn, _) = tcp_segments(&p.sent_a[first_tcp..=first_tcp]).pop().unwrap();
    assert_eq!(syn.flags, TcpFlags::SYN);
    assert_eq!(p.a.tcp_state(c), Ok(State::Established));
    assert_eq!(syns(&p.sent_a), 1, "one SYN");
    let info = p.a.tcp_info(c).unwrap();
    assert_eq!((info.counters.timeouts, info.counters.retransmitted_segments), (0, 0));
    assert_eq!(p.a.counters().tx_pending_dropped, 0);
}

#[test]
fn rfc1122_2_3_2_1_lost_arp_reply_delays_the_syn_until_the_arp_retry() {
    let mut p = Pair::new();
    p.a.tcp_listen(7, 4).unwrap();
    // a's first ARP reply is lost (what the kernel's not yet activated TAP did).
    let mut lost = false;
    p.drop_a_to_b = Some(Box::new(move |f: &[u8]| {
        let drop = !lost && is_arp(f);
        lost |= drop;
        drop
    }));
    let start = p.now;
    let c = p.b.tcp_connect(p.now, Endpoint::new(A_IP, 7), None).unwrap();
    p.settle();
    assert_eq!(p.b.tcp_state(c), Ok(State::SynSent));
    assert_eq!(syns(&p.sent_b), 0, "the SYN waits for ARP");
    p.advance(Duration::from_millis(999));
    assert_eq!(p.b.tcp_state(c), Ok(State::SynSent));
    assert_eq!(p.sent_b.iter().filter(|f| is_arp(f)).count(), 1, "no retry before 1 s");
    p.advance(Duration::from_millis(2));
    // One second after the first request: the retry is answered, the queued SYN leaves,
    // and so does the SYN's own retransmission (its timer is one second too).
    assert_eq!(p.b.tcp_state(c), Ok(State::Established));
    assert_eq!(p.sent_b.iter().filter(|f| is_arp(f)).count(), 2);
    assert!(p.now <= start + Duration::from_millis(1001));
    let info = p.b.tcp_info(c).unwrap();
    assert_eq!(info.counters.timeouts, 1);
    assert_eq!(syns(&p.sent_b), 2, "the queued SYN and its retransmission");
    assert_eq!(p.b.counters().tx_pending_dropped, 0, "the queued SYN was not dropped");
}
