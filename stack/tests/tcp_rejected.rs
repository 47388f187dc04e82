//! What the stack counter `tcp_segment_rejected` counts: segments a live connection did
//! not accept, such as a duplicate (answered with a D-SACK, RFC 2883) or the peer's FIN
//! again in TIME-WAIT (answered with an ACK, RFC 9293 §3.10.7.4) — both normal after
//! losses — and what it does not: segments for a connection that is over.
//!
//! A connection the peer reset (or that timed out) is CLOSED: it has no TCB any more, but
//! its slot stays until the application closes the handle, so that it can still read the
//! error. Segments for its 4-tuple are treated as for no connection (RFC 9293 §3.10.7.1):
//! a RST answers anything but a RST, and a new SYN reaches the listener.

mod common;

use common::tcp::*;
use common::*;
use unet_core::FrameMachine;
use unet_stack::tcp::conn::State;
use unet_stack::tcp::{Endpoint, Repr, SeqNumber, TcpFlags, TcpOptions};
use unet_stack::{Event, ListenerHandle, TcpError, TcpEvent, TcpHandle};

/// A segment from a's endpoint `port` to b's port 7.
fn segment(port: u16, flags: TcpFlags, seq: u32, ack: u32) -> Repr<'static> {
    Repr {
        src_port: port,
        dst_port: 7,
        seq_number: SeqNumber(seq),
        ack_number: SeqNumber(ack),
        flags,
        window_len: 65535,
        urgent_pointer: 0,
        options: TcpOptions::default(),
        payload_len: 0,
    }
}

/// b's listener on port 7 accepted a's connection; a then aborted it (RST), so b's
/// connection is CLOSED while b's application still holds the handle.
struct Held {
    p: Pair,
    listener: ListenerHandle,
    /// b's handle of the closed connection.
    s: TcpHandle,
    /// a's port.
    port: u16,
    /// a's and b's next sequence numbers when a aborted.
    a_seq: SeqNumber,
    b_seq: SeqNumber,
}

fn reset_but_held() -> Held {
    let mut p = Pair::new();
    let l = p.b.tcp_listen(7, 4).unwrap();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    let s = p.b.tcp_accept(p.now, l).unwrap();
    let port = p.a.tcp_info(c).unwrap().local.port;
    // The handshake's last segment: a's ACK at a's next sequence number, acknowledging b's.
    let (_, _, last, _) = tcp_segments(&p.sent_a).pop().unwrap();
    let (a_seq, b_seq) = (last.seq_number, last.ack_number);
    p.a.tcp_abort(p.now, c).unwrap();
    p.settle();
    assert!(p.events_b.contains(&Event::Tcp { handle: s, event: TcpEvent::Reset }));
    assert_eq!(p.b.tcp_state(s), Ok(State::Closed));
    assert_eq!(p.b.tcp_connections_in_use(), 1, "the application still holds it");
    Held { p, listener: l, s, port, a_seq, b_seq }
}

#[test]
fn rfc9293_3_10_7_1_segment_for_a_closed_connection_still_held_is_answered_with_rst() {
    let Held { mut p, s, port, a_seq, b_seq, .. } = reset_but_held();
    let before = p.b.counters().clone();
    // a's data, as if a never saw its own abort (or from a stale duplicate).
    let data = segment(port, TcpFlags::ACK | TcpFlags::PSH, a_seq.0, b_seq.0);
    p.b.handle_frame(p.now, &tcp_frame_to(mac(2), A_IP, B_IP, &data, b"late"));
    let out = tcp_segments(&drain(&mut p.b, p.now));
    assert_eq!(out.len(), 1, "{out:?}");
    let (_, dst, rst, _) = &out[0];
    // <SEQ=SEG.ACK><CTL=RST> for a segment with ACK.
    assert_eq!((*dst, rst.dst_port, rst.flags), (A_IP, port, TcpFlags::RST));
    assert_eq!(rst.seq_number, b_seq);
    let after = p.b.counters().clone();
    assert_eq!(after.tcp_segment_rejected, before.tcp_segment_rejected, "no TCB to reject it");
    // A RST for it is discarded silently (no RST for a RST), and the handle still works.
    let rst = segment(port, TcpFlags::RST, a_seq.0, 0);
    p.b.handle_frame(p.now, &tcp_frame_to(mac(2), A_IP, B_IP, &rst, b""));
    assert!(tcp_segments(&drain(&mut p.b, p.now)).is_empty());
    assert_eq!(p.b.counters().tcp_segment_rejected, before.tcp_segment_rejected);
    let mut buf = [0u8; 8];
    assert_eq!(p.b.tcp_recv(s, &mut buf), Err(TcpError::Reset));
    p.b.tcp_close(p.now, s).unwrap();
    assert_eq!(p.b.tcp_connections_in_use(), 0);
}

#[test]
fn rfc9293_3_10_7_1_new_syn_on_the_4_tuple_of_a_closed_connection_reaches_the_listener() {
    let Held { mut p, listener, s, port, a_seq, .. } = reset_but_held();
    // The same 4-tuple opens again (a new incarnation, a higher ISN) before b's application
    // has closed the old handle: the listener answers it.
    let syn = segment(port, TcpFlags::SYN, a_seq.0.wrapping_add(100_000), 0);
    p.b.handle_frame(p.now, &tcp_frame_to(mac(2), A_IP, B_IP, &syn, b""));
    let out = tcp_segments(&drain(&mut p.b, p.now));
    assert_eq!(out.len(), 1, "{out:?}");
    let (_, _, syn_ack, _) = &out[0];
    assert_eq!(syn_ack.flags, TcpFlags::SYN | TcpFlags::ACK);
    assert_eq!(syn_ack.ack_number, syn.seq_number + 1);
    // Its handshake completes into a second slot; the old handle is untouched.
    let ack = segment(port, TcpFlags::ACK, syn.seq_number.0 + 1, (syn_ack.seq_number + 1).0);
    p.b.handle_frame(p.now, &tcp_frame_to(mac(2), A_IP, B_IP, &ack, b"again"));
    assert_eq!(p.b.counters().tcp_accepted, 2);
    assert_eq!(p.b.tcp_connections_in_use(), 2);
    assert_eq!(p.b.tcp_state(s), Ok(State::Closed));
    assert_eq!(p.b.counters().tcp_segment_rejected, 0);
    let n = p.b.tcp_accept(p.now, listener).expect("the new connection");
    assert_ne!(n, s);
    // Later segments go to the live connection, not the closed one. (b's answers are not
    // delivered: a's stack knows nothing of this crafted incarnation.)
    let more = segment(port, TcpFlags::ACK, syn.seq_number.0 + 6, (syn_ack.seq_number + 1).0);
    p.b.handle_frame(p.now, &tcp_frame_to(mac(2), A_IP, B_IP, &more, b" and again"));
    let _ = drain(&mut p.b, p.now);
    let mut buf = [0u8; 32];
    let got = p.b.tcp_recv(n, &mut buf).unwrap();
    assert_eq!(&buf[..got], b"again and again");
    assert_eq!(p.b.counters().tcp_segment_rejected, 0);
}

/// a connected to b's port 7 and sent `data`, which b read.
fn connected_with(data: &[u8]) -> (Pair, TcpHandle, TcpHandle) {
    let mut p = Pair::new();
    let l = p.b.tcp_listen(7, 4).unwrap();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    let s = p.b.tcp_accept(p.now, l).unwrap();
    p.a.tcp_send(c, data).unwrap();
    p.settle();
    let mut buf = [0u8; 64];
    assert_eq!(p.b.tcp_recv(s, &mut buf), Ok(data.len()));
    (p, c, s)
}

#[test]
fn rfc2883_4_duplicate_segment_is_rejected_and_answered_with_a_dsack() {
    // What a lost ACK, a spurious retransmission or RFC 6675's rescue retransmission
    // (NextSeg rule 4) makes the receiver see: data it already has.
    let (mut p, _, s) = connected_with(b"hello");
    let frame = p
        .sent_a
        .iter()
        .rev()
        .find(|f| tcp_segments(&[f.to_vec()]).first().is_some_and(|t| t.3 == b"hello"))
        .unwrap()
        .clone();
    let (_, _, original, _) = tcp_segments(std::slice::from_ref(&frame)).pop().unwrap();
    let before = p.b.counters().tcp_segment_rejected;
    p.b.handle_frame(p.now, &frame);
    assert_eq!(p.b.counters().tcp_segment_rejected, before + 1);
    assert_eq!(p.b.tcp_info(s).unwrap().counters.dsacks_sent, 1);
    let out = tcp_segments(&drain(&mut p.b, p.now));
    assert_eq!(out.len(), 1, "one ACK: {out:?}");
    let (_, _, ack, _) = &out[0];
    let blocks = ack.options.to_set().sack_blocks;
    let first = blocks.as_slice().first().expect("a D-SACK block");
    assert_eq!((first.left, first.right), (original.seq_number, original.seq_number + 5));
    assert_eq!(p.b.tcp_state(s), Ok(State::Established), "nothing else changes");
}

#[test]
fn rfc9293_3_10_7_4_fin_again_in_time_wait_is_rejected_and_acknowledged() {
    let (mut p, c, s) = connected_with(b"x");
    p.a.tcp_close(p.now, c).unwrap();
    p.settle();
    p.b.tcp_close(p.now, s).unwrap();
    p.settle();
    assert_eq!(p.a.tcp_state(c), Ok(State::TimeWait));
    // b's FIN again, as if a's ACK of it had been lost.
    let fin = p.sent_b.iter().rev().find(|f| {
        tcp_segments(&[f.to_vec()]).first().is_some_and(|t| t.2.flags.contains(TcpFlags::FIN))
    });
    let fin = fin.unwrap().clone();
    let (_, _, fin_repr, _) = tcp_segments(std::slice::from_ref(&fin)).pop().unwrap();
    let before = p.a.counters().tcp_segment_rejected;
    p.a.handle_frame(p.now, &fin);
    assert_eq!(p.a.counters().tcp_segment_rejected, before + 1);
    let out = tcp_segments(&drain(&mut p.a, p.now));
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].2.flags, TcpFlags::ACK);
    assert_eq!(out[0].2.ack_number, fin_repr.seq_number + 1);
    assert_eq!(p.a.tcp_state(c), Ok(State::TimeWait));
}
