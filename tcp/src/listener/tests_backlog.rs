//! The accept backlog: segments of handshakes waiting in it, its limit, removal, and the
//! storage handed back.

extern crate std;

use super::tests::*;
use super::*;
use crate::flags::TcpFlags;
use crate::options::OptionSet;

/// The peer of a handshake in the backlog is ESTABLISHED (RFC 9293 §3.10.7.4: its ACK of
/// our SYN completed the handshake); its data must not be answered with a RST, which is
/// what LISTEN's "second, check for an ACK" (§3.10.7.2) would do to it.
#[test]
fn rfc9293_3_10_7_4_data_of_a_handshake_in_the_backlog_gets_no_rst() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa = open(&mut l, T0, 40000, 1000);
    let ack = final_ack(40000, 1000, &sa);
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &ack), Ok(Outcome::Established));
    let data = Repr { flags: TcpFlags::ACK | TcpFlags::PSH, payload_len: 100, ..ack };
    let fin = Repr { flags: TcpFlags::ACK | TcpFlags::FIN, ..ack };
    for seg in [data, fin, ack] {
        assert_eq!(
            l.handle_segment(T0, LOCAL, PEER, &seg),
            Ok(Outcome::Dropped(DropReason::AwaitingAccept))
        );
    }
    assert_eq!((l.counters().awaiting_accept, l.counters().rsts_sent), (3, 0));
    assert_eq!(l.backlog_len(), 1);
    // Once accepted the listener no longer knows the 4-tuple: the caller's connection
    // answers from now on, and a stray ACK reaching the listener gets LISTEN's RST.
    assert!(l.accept().is_some());
    assert_eq!(reply(l.handle_segment(T0, LOCAL, PEER, &data).unwrap()).flags, TcpFlags::RST);
}

/// A cookie handshake in the backlog: the peer's next segment validates as a cookie too,
/// and must not complete the same handshake a second time.
#[test]
#[cfg(feature = "syn-cookies")]
fn rfc4987_3_6_segment_after_a_cookie_handshake_is_not_a_second_handshake() {
    let (mut q, mut b) = ([None; 0], [None; 4]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let c = reply(l.handle_segment(T0, LOCAL, PEER, &syn(1, 100)).unwrap());
    let ack = final_ack(1, 100, &c);
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &ack), Ok(Outcome::Established));
    let data = Repr { payload_len: 10, ..ack };
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &data),
        Ok(Outcome::Dropped(DropReason::AwaitingAccept))
    );
    assert_eq!(l.backlog_len(), 1);
}

/// RFC 5961 §3.2: only a RST at exactly RCV.NXT (IRS + 1: nothing was received) removes
/// a backlog entry; any other is dropped.
#[test]
fn rfc5961_3_2_only_an_exact_rst_removes_a_backlog_entry() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa = open(&mut l, T0, 40000, 1000);
    l.handle_segment(T0, LOCAL, PEER, &final_ack(40000, 1000, &sa)).unwrap();
    let rst = |seq: u32| seg(40000, seq, 0, TcpFlags::RST, OptionSet::default());
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &rst(1002)),
        Ok(Outcome::Dropped(DropReason::AwaitingAccept))
    );
    assert_eq!(l.backlog_len(), 1);
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &rst(1001)),
        Ok(Outcome::Dropped(DropReason::Rst))
    );
    assert_eq!((l.backlog_len(), l.counters().backlog_resets), (0, 1));
    assert_eq!(l.accept(), None);
}

/// `listen(2)`'s backlog below the storage: the limit is what refuses final ACKs, and
/// removing an entry (accepted or ended elsewhere) makes room, keeping the order.
#[test]
fn backlog_limit_and_remove_keep_the_order() {
    let (mut q, mut b) = ([None; 8], [None; 4]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    l.set_backlog_limit(10);
    assert_eq!(l.backlog_limit(), 4, "clamped to the storage");
    l.set_backlog_limit(3);
    let mut acks = std::vec::Vec::new();
    for port in 1..=4u16 {
        let isn = u32::from(port) * 100;
        let sa = open(&mut l, T0, port, isn);
        acks.push(final_ack(port, isn, &sa));
    }
    for ack in &acks[..3] {
        assert_eq!(l.handle_segment(T0, LOCAL, PEER, ack), Ok(Outcome::Established));
    }
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &acks[3]),
        Ok(Outcome::Dropped(DropReason::BacklogFull))
    );
    assert_eq!(l.backlog().last().map(|h| h.remote_port), Some(3), "newest last");
    // The middle one goes (its connection ended before it was accepted).
    assert_eq!(l.remove(LOCAL, PEER, 2).map(|h| h.remote_port), Some(2));
    assert_eq!(l.remove(LOCAL, PEER, 2), None);
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &acks[3]), Ok(Outcome::Established));
    let order: std::vec::Vec<u16> = l.backlog().map(|h| h.remote_port).collect();
    assert_eq!(order, [1, 3, 4]);
    assert_eq!(l.accept().map(|h| h.remote_port), Some(1));
    assert_eq!(l.accept().map(|h| h.remote_port), Some(3));
    assert_eq!(l.accept().map(|h| h.remote_port), Some(4));
    assert_eq!(l.accept(), None);
    // Limit 0 refuses every handshake.
    l.set_backlog_limit(0);
    let sa = open(&mut l, T0, 9, 900);
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &final_ack(9, 900, &sa)),
        Ok(Outcome::Dropped(DropReason::BacklogFull))
    );
}

/// The storage comes back whole, and a new listener over it starts empty.
#[test]
fn into_storage_gives_both_tables_back() {
    let (mut q, mut b) = ([None; 3], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa = open(&mut l, T0, 1, 100);
    open(&mut l, T0, 2, 200);
    l.handle_segment(T0, LOCAL, PEER, &final_ack(1, 100, &sa)).unwrap();
    let (q, b) = l.into_storage();
    assert_eq!((q.len(), b.len()), (3, 2));
    let mut rng = unet_core::rng::SplitMix64::new(1);
    let l: Listener<'_, core::net::Ipv4Addr> =
        Listener::new(&mut rng, PORT, ListenerConfig::default(), q, b);
    assert_eq!((l.syn_queue_len(), l.backlog_len(), l.backlog_limit()), (0, 0, 2));
}
