extern crate std;

use core::net::Ipv4Addr;
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;
use unet_core::rng::SplitMix64;
use unet_core::{Duration, Instant};

use super::*;
use crate::flags::TcpFlags;
use crate::option::Timestamps;
use crate::options::{OptionSet, TcpOptions};
#[cfg(feature = "syn-cookies")]
use crate::syncookie::MSS_TABLE;

pub(super) const PORT: u16 = 80;
pub(super) const LOCAL: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub(super) const PEER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 7);
pub(super) const T0: Instant = Instant::from_secs(1000);

pub(super) type Q = Option<HalfOpen<Ipv4Addr>>;
pub(super) type B = Option<Handshake<Ipv4Addr>>;

pub(super) fn listener<'a>(
    q: &'a mut [Q],
    b: &'a mut [B],
    config: ListenerConfig,
) -> Listener<'a, Ipv4Addr> {
    Listener::new(&mut SplitMix64::new(42), PORT, config, q, b)
}

pub(super) fn seg(
    src_port: u16,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    options: OptionSet,
) -> Repr<'static> {
    Repr {
        src_port,
        dst_port: PORT,
        seq_number: SeqNumber(seq),
        ack_number: SeqNumber(ack),
        flags,
        window_len: 29200,
        urgent_pointer: 0,
        options: TcpOptions::Typed(options),
        payload_len: 0,
    }
}

/// A Linux-like SYN: MSS 1460, SACK, Timestamps, window scale 7.
pub(super) fn linux_syn_options() -> OptionSet {
    OptionSet {
        mss: Some(1460),
        window_scale: Some(7),
        sack_permitted: true,
        timestamps: Some(Timestamps { tsval: 5000, tsecr: 0 }),
        ..OptionSet::default()
    }
}

pub(super) fn syn(port: u16, isn: u32) -> Repr<'static> {
    seg(port, isn, 0, TcpFlags::SYN, linux_syn_options())
}

pub(super) fn reply(o: Outcome<Ipv4Addr>) -> Repr<'static> {
    match o {
        Outcome::Reply(r) => {
            assert_eq!((r.local, r.remote), (LOCAL, PEER));
            assert_eq!(r.repr.src_port, PORT);
            r.repr
        }
        other => panic!("expected a reply, got {other:?}"),
    }
}

/// Sends the SYN and returns the SYN-ACK.
pub(super) fn open(
    l: &mut Listener<'_, Ipv4Addr>,
    now: Instant,
    port: u16,
    isn: u32,
) -> Repr<'static> {
    let out = l.handle_segment(now, LOCAL, PEER, &syn(port, isn)).unwrap();
    let sa = reply(out);
    assert_eq!(sa.flags, TcpFlags::SYN | TcpFlags::ACK);
    assert_eq!(sa.ack_number, SeqNumber(isn.wrapping_add(1)));
    sa
}

/// The final ACK answering `syn_ack`, echoing its TSval.
pub(super) fn final_ack(port: u16, isn: u32, syn_ack: &Repr<'_>) -> Repr<'static> {
    let mut options = OptionSet::default();
    if let Some(ts) = syn_ack.options.timestamps() {
        options.timestamps = Some(Timestamps { tsval: 5100, tsecr: ts.tsval });
    }
    seg(port, isn.wrapping_add(1), syn_ack.seq_number.0.wrapping_add(1), TcpFlags::ACK, options)
}

#[test]
fn rfc9293_3_10_7_2_syn_gets_a_syn_ack_and_a_half_open_entry() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa = open(&mut l, T0, 40000, 1000);
    assert_eq!(sa.dst_port, 40000);
    assert_eq!(sa.window_len, u16::MAX);
    let o = sa.options.to_set();
    assert_eq!(o.mss, Some(1460));
    assert_eq!(o.window_scale, Some(7));
    assert!(o.sack_permitted);
    assert_eq!(o.timestamps.map(|t| t.tsecr), Some(5000));
    assert_eq!(l.syn_queue_len(), 1);
    let h = l.half_open().next().unwrap();
    assert_eq!((h.iss, h.irs, h.remote_port), (sa.seq_number, SeqNumber(1000), 40000));
    assert_eq!(l.poll_timeout(), Some(T0 + Duration::from_secs(1)));
    assert_eq!(l.counters().syns_queued, 1);
}

#[test]
fn rfc9293_3_7_1_options_not_offered_by_the_peer_are_not_offered_back() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let bare = seg(40000, 1, 0, TcpFlags::SYN, OptionSet::default());
    let sa = reply(l.handle_segment(T0, LOCAL, PEER, &bare).unwrap());
    let o = sa.options.to_set();
    assert_eq!(o.mss, Some(1460)); // our MSS always
    assert_eq!((o.window_scale, o.sack_permitted, o.timestamps), (None, false, None));
}

#[test]
fn rfc9293_3_10_7_4_final_ack_completes_the_handshake_into_the_backlog() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa = open(&mut l, T0, 40000, 1000);
    let later = T0 + Duration::from_millis(30);
    let ack = final_ack(40000, 1000, &sa);
    assert_eq!(l.handle_segment(later, LOCAL, PEER, &ack), Ok(Outcome::Established));
    assert_eq!((l.syn_queue_len(), l.backlog_len()), (0, 1));
    let h = l.accept().unwrap();
    assert_eq!((h.local, h.local_port, h.remote, h.remote_port), (LOCAL, PORT, PEER, 40000));
    assert_eq!((h.iss, h.irs), (sa.seq_number, SeqNumber(1000)));
    assert_eq!(h.rtt_sample, Some(Duration::from_millis(30)));
    assert!(!h.via_cookie);
    assert_eq!(h.peer.mss, Some(1460));
    assert_eq!(
        h.peer.timestamps,
        Some(Timestamps { tsval: 5100, tsecr: sa.options.timestamps().unwrap().tsval })
    );
    assert_eq!(h.ours, sa.options.to_set());
    // Our TSval clock continues from the SYN-ACK's: ms + ts_offset.
    assert_eq!(super::input::ts_val(T0, h.ts_offset), sa.options.timestamps().unwrap().tsval);
    assert_eq!(l.accept(), None);
    assert_eq!(l.poll_timeout(), None);
}

#[test]
fn rfc9293_3_10_7_2_rst_is_ignored_and_a_stray_ack_gets_a_rst() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let rst = seg(1, 5, 0, TcpFlags::RST, OptionSet::default());
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &rst), Ok(Outcome::Dropped(DropReason::Rst)));
    let ack = seg(1, 5, 777, TcpFlags::ACK, OptionSet::default());
    let r = reply(l.handle_segment(T0, LOCAL, PEER, &ack).unwrap());
    assert_eq!((r.flags, r.seq_number, r.dst_port), (TcpFlags::RST, SeqNumber(777), 1));
    let syn_ack = seg(1, 5, 900, TcpFlags::SYN | TcpFlags::ACK, OptionSet::default());
    assert_eq!(
        reply(l.handle_segment(T0, LOCAL, PEER, &syn_ack).unwrap()).seq_number,
        SeqNumber(900)
    );
    let data = seg(1, 5, 0, TcpFlags::PSH, OptionSet::default());
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &data),
        Ok(Outcome::Dropped(DropReason::NoSynNoAck))
    );
    let syn_fin = seg(1, 5, 0, TcpFlags::SYN | TcpFlags::FIN, OptionSet::default());
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &syn_fin),
        Ok(Outcome::Dropped(DropReason::Invalid))
    );
    let bcast = Ipv4Addr::BROADCAST;
    assert_eq!(
        l.handle_segment(T0, LOCAL, bcast, &syn(1, 5)),
        Ok(Outcome::Dropped(DropReason::Invalid))
    );
    let mut other = syn(1, 5);
    other.dst_port = 81;
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &other), Err(ListenerError::WrongPort));
    assert_eq!(l.syn_queue_len(), 0);
    assert_eq!(l.counters().rsts_sent, 2);
}

#[test]
fn rfc9293_3_10_7_4_unacceptable_ack_in_syn_received_gets_a_rst_and_the_entry_stays() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa = open(&mut l, T0, 40000, 1000);
    let mut ack = final_ack(40000, 1000, &sa);
    ack.ack_number = sa.seq_number + 5;
    let r = reply(l.handle_segment(T0, LOCAL, PEER, &ack).unwrap());
    assert_eq!((r.flags, r.seq_number), (TcpFlags::RST, sa.seq_number + 5));
    assert_eq!(l.syn_queue_len(), 1);
    // The right ACK still completes it.
    let ack = final_ack(40000, 1000, &sa);
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &ack), Ok(Outcome::Established));
}

#[test]
fn rfc9293_3_10_7_4_out_of_window_segment_is_answered_with_an_ack() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig { window: 1000, ..Default::default() });
    let sa = open(&mut l, T0, 40000, 1000);
    let mut ack = final_ack(40000, 1000, &sa);
    ack.seq_number = SeqNumber(1001 + 1000); // just past the window
    let r = reply(l.handle_segment(T0, LOCAL, PEER, &ack).unwrap());
    assert_eq!(
        (r.flags, r.seq_number, r.ack_number),
        (TcpFlags::ACK, sa.seq_number + 1, SeqNumber(1001))
    );
    assert_eq!(l.syn_queue_len(), 1);
    // Data whose last byte is in the window is acceptable.
    let mut data = final_ack(40000, 1000, &sa);
    data.seq_number = SeqNumber(1000);
    data.payload_len = 10;
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &data), Ok(Outcome::Established));
}

#[test]
fn rfc5961_3_2_only_an_exact_rst_resets_a_half_open_entry() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    open(&mut l, T0, 40000, 1000);
    // In the window but not RCV.NXT: challenge ACK, entry kept.
    let near = seg(40000, 1001 + 100, 0, TcpFlags::RST, OptionSet::default());
    let r = reply(l.handle_segment(T0, LOCAL, PEER, &near).unwrap());
    assert_eq!((r.flags, r.ack_number), (TcpFlags::ACK, SeqNumber(1001)));
    // Outside the window: silently dropped.
    let far = seg(40000, 1001 + 70_000, 0, TcpFlags::RST, OptionSet::default());
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &far), Ok(Outcome::Dropped(DropReason::Rst)));
    assert_eq!(l.syn_queue_len(), 1);
    let exact = seg(40000, 1001, 0, TcpFlags::RST, OptionSet::default());
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &exact), Ok(Outcome::Dropped(DropReason::Rst)));
    assert_eq!(l.syn_queue_len(), 0);
    assert_eq!(l.counters().half_open_resets, 1);
}

#[test]
fn rfc5961_4_2_syn_in_syn_received_gets_a_challenge_ack_duplicate_syn_the_syn_ack() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa = open(&mut l, T0, 40000, 1000);
    // The same SYN again: its SYN-ACK was lost.
    let again = reply(l.handle_segment(T0, LOCAL, PEER, &syn(40000, 1000)).unwrap());
    assert_eq!(again, sa);
    assert_eq!(l.counters().duplicate_syns, 1);
    // A SYN with another ISN inside the window: challenge ACK only.
    let other = reply(l.handle_segment(T0, LOCAL, PEER, &syn(40000, 1005)).unwrap());
    assert_eq!((other.flags, other.ack_number), (TcpFlags::ACK, SeqNumber(1001)));
    assert_eq!(l.half_open().next().unwrap().irs, SeqNumber(1000));
}

#[test]
fn rfc6298_5_5_syn_ack_retransmitted_with_backoff_then_given_up() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa = open(&mut l, T0, 40000, 1000);
    let mut at = Vec::new();
    while let Some(t) = l.poll_timeout() {
        l.handle_timeout(t - Duration::from_micros(1)); // too early: nothing
        assert_eq!(l.poll_transmit(t), None);
        l.handle_timeout(t);
        if let Some(r) = l.poll_transmit(t) {
            assert_eq!(r.repr, sa);
            at.push((t - T0).as_secs());
        }
        assert_eq!(l.poll_transmit(t), None);
    }
    // 1, 2, 4, 8, 16 s apart; dropped 32 s after the last (Linux: 63 s in all).
    assert_eq!(at, [1, 3, 7, 15, 31]);
    assert_eq!(l.syn_queue_len(), 0);
    assert_eq!(l.counters().half_open_timeouts, 1);
    assert_eq!(l.counters().syn_ack_retransmits, 5);
}

#[test]
fn rfc6298_3_karn_no_rtt_sample_after_a_syn_ack_retransmission() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa = open(&mut l, T0, 40000, 1000);
    let t = T0 + Duration::from_secs(1);
    l.handle_timeout(t);
    assert!(l.poll_transmit(t).is_some());
    let ack = final_ack(40000, 1000, &sa);
    assert_eq!(l.handle_segment(t, LOCAL, PEER, &ack), Ok(Outcome::Established));
    assert_eq!(l.accept().unwrap().rtt_sample, None);
}

#[test]
fn rfc5927_4_1_hard_icmp_error_drops_the_entry_only_with_the_right_sequence_number() {
    let (mut q, mut b) = ([None; 4], [None; 2]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa = open(&mut l, T0, 40000, 1000);
    assert!(!l.handle_icmp_error(LOCAL, PEER, 40000, sa.seq_number + 1, true));
    assert!(!l.handle_icmp_error(LOCAL, PEER, 40000, sa.seq_number, false));
    assert!(!l.handle_icmp_error(LOCAL, PEER, 40001, sa.seq_number, true));
    assert_eq!(l.syn_queue_len(), 1);
    assert!(l.handle_icmp_error(LOCAL, PEER, 40000, sa.seq_number, true));
    assert_eq!(l.syn_queue_len(), 0);
    assert_eq!((l.counters().icmp_aborts, l.counters().icmp_ignored), (1, 3));
}

#[test]
#[cfg(feature = "syn-cookies")]
fn rfc4987_3_6_full_syn_queue_answers_with_cookies_and_timestamps_keep_wscale_and_sack() {
    let (mut q, mut b) = ([None; 1], [None; 4]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    open(&mut l, T0, 1, 1);
    // Queue full: the next SYN gets a cookie; no state is kept.
    let mut s = syn(40000, 7000);
    s.options = TcpOptions::Typed(OptionSet { mss: Some(1400), ..linux_syn_options() });
    let sa = reply(l.handle_segment(T0, LOCAL, PEER, &s).unwrap());
    assert_eq!(l.syn_queue_len(), 1);
    assert_eq!(l.counters().cookies_sent, 1);
    let o = sa.options.to_set();
    assert_eq!((o.window_scale, o.sack_permitted), (Some(7), true));
    let later = T0 + Duration::from_secs(3);
    let ack = final_ack(40000, 7000, &sa);
    assert_eq!(l.handle_segment(later, LOCAL, PEER, &ack), Ok(Outcome::Established));
    let h = l.accept().unwrap();
    assert!(h.via_cookie);
    assert_eq!((h.iss, h.irs), (sa.seq_number, SeqNumber(7000)));
    assert_eq!(h.peer.mss, Some(1400));
    assert_eq!((h.peer.window_scale, h.peer.sack_permitted), (Some(7), true));
    assert_eq!((h.ours.window_scale, h.ours.sack_permitted), (Some(7), true));
    assert!(h.peer.timestamps.is_some() && h.ours.timestamps.is_some());
    // Our TSval never ran ahead of the clock the connection continues with.
    let syn_ack_ts = o.timestamps.unwrap().tsval;
    assert!(super::input::ts_val(T0, h.ts_offset).wrapping_sub(syn_ack_ts) < 64);
    assert_eq!(l.counters().cookies_accepted, 1);
}

#[test]
#[cfg(feature = "syn-cookies")]
fn rfc4987_3_6_cookie_without_timestamps_offers_no_wscale_nor_sack() {
    let (mut q, mut b) = ([None; 0], [None; 4]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let opts = OptionSet {
        mss: Some(1460),
        window_scale: Some(7),
        sack_permitted: true,
        ..Default::default()
    };
    let s = seg(40000, 7000, 0, TcpFlags::SYN, opts);
    let sa = reply(l.handle_segment(T0, LOCAL, PEER, &s).unwrap());
    let o = sa.options.to_set();
    assert_eq!(
        (o.mss, o.window_scale, o.sack_permitted, o.timestamps),
        (Some(1460), None, false, None)
    );
    let ack = final_ack(40000, 7000, &sa);
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &ack), Ok(Outcome::Established));
    let h = l.accept().unwrap();
    assert_eq!(
        (h.peer.window_scale, h.peer.sack_permitted, h.ours.window_scale),
        (None, false, None)
    );
    assert!(MSS_TABLE.contains(&h.peer.mss.unwrap()));
}

#[test]
#[cfg(feature = "syn-cookies")]
fn rfc4987_3_6_forged_or_stale_cookie_acks_get_a_rst() {
    let (mut q, mut b) = ([None; 0], [None; 4]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    // No cookie sent recently: an ACK is not even checked.
    let blind = seg(40000, 7001, 12345, TcpFlags::ACK, OptionSet::default());
    assert_eq!(reply(l.handle_segment(T0, LOCAL, PEER, &blind).unwrap()).flags, TcpFlags::RST);
    assert_eq!(l.counters().cookies_rejected, 0);
    let sa = reply(l.handle_segment(T0, LOCAL, PEER, &syn(40000, 7000)).unwrap());
    assert_eq!(reply(l.handle_segment(T0, LOCAL, PEER, &blind).unwrap()).flags, TcpFlags::RST);
    assert_eq!(l.counters().cookies_rejected, 1);
    // The real ACK, too late.
    let stale = T0 + Duration::from_secs(64 * 4);
    let ack = final_ack(40000, 7000, &sa);
    assert_eq!(reply(l.handle_segment(stale, LOCAL, PEER, &ack).unwrap()).flags, TcpFlags::RST);
    assert_eq!(l.backlog_len(), 0);
}

#[test]
fn cookies_disabled_full_syn_queue_drops_the_syn() {
    let (mut q, mut b) = ([None; 1], [None; 4]);
    let mut l =
        listener(&mut q, &mut b, ListenerConfig { syn_cookies: false, ..Default::default() });
    open(&mut l, T0, 1, 1);
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &syn(2, 2)),
        Ok(Outcome::Dropped(DropReason::SynQueueFull))
    );
    assert_eq!(l.counters().syn_queue_full, 1);
}

#[test]
#[cfg(feature = "syn-cookies")]
fn full_backlog_drops_the_final_ack_and_the_retransmitted_ack_gets_in_after_accept() {
    let (mut q, mut b) = ([None; 4], [None; 1]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let sa1 = open(&mut l, T0, 1, 100);
    let sa2 = open(&mut l, T0, 2, 200);
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &final_ack(1, 100, &sa1)),
        Ok(Outcome::Established)
    );
    let ack2 = final_ack(2, 200, &sa2);
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &ack2),
        Ok(Outcome::Dropped(DropReason::BacklogFull))
    );
    assert_eq!(l.syn_queue_len(), 1); // kept: its SYN-ACK timer will prompt another ACK
    assert_eq!(l.counters().backlog_full, 1);
    assert_eq!(l.accept().unwrap().remote_port, 1);
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &ack2), Ok(Outcome::Established));
    assert_eq!(l.accept().unwrap().remote_port, 2);
    // A cookie handshake meets a full backlog the same way.
    let (mut q, mut b) = ([None; 0], [None; 1]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    let c1 = reply(l.handle_segment(T0, LOCAL, PEER, &syn(1, 100)).unwrap());
    let c2 = reply(l.handle_segment(T0, LOCAL, PEER, &syn(2, 200)).unwrap());
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &final_ack(1, 100, &c1)),
        Ok(Outcome::Established)
    );
    let ack2 = final_ack(2, 200, &c2);
    assert_eq!(
        l.handle_segment(T0, LOCAL, PEER, &ack2),
        Ok(Outcome::Dropped(DropReason::BacklogFull))
    );
    l.accept();
    assert_eq!(l.handle_segment(T0, LOCAL, PEER, &ack2), Ok(Outcome::Established));
}

#[test]
fn rsts_to_invalid_segments_are_rate_limited() {
    let (mut q, mut b) = ([None; 1], [None; 1]);
    let config = ListenerConfig {
        rst_interval: Duration::from_millis(100),
        rst_burst: 3,
        ..Default::default()
    };
    let mut l = listener(&mut q, &mut b, config);
    let stray = seg(1, 1, 1, TcpFlags::ACK, OptionSet::default());
    let sent = (0..100)
        .filter(|_| matches!(l.handle_segment(T0, LOCAL, PEER, &stray), Ok(Outcome::Reply(_))))
        .count();
    assert_eq!(sent, 3);
    assert_eq!(l.counters().rate_limited, 97);
    let later = T0 + Duration::from_millis(100);
    assert!(matches!(l.handle_segment(later, LOCAL, PEER, &stray), Ok(Outcome::Reply(_))));
}

/// RFC 4987 §3.6 under a SYN flood: thousands of spoofed SYNs fill the SYN queue, the
/// rest are answered with cookies and cost no state (the tables never hold more than
/// their slots); a real client still gets in, with its options.
#[test]
#[cfg(feature = "syn-cookies")]
fn rfc4987_syn_flood_fills_the_queue_then_cookies_let_a_real_client_in() {
    let (mut q, mut b) = ([None; 16], [None; 4]);
    let mut l = listener(&mut q, &mut b, ListenerConfig::default());
    for i in 0..5000u32 {
        let src = Ipv4Addr::from(0xcb00_7100u32 + (i % 250)); // 203.0.113.x
        let s = seg(
            1024 + (i % 60000) as u16,
            i.wrapping_mul(7919),
            0,
            TcpFlags::SYN,
            linux_syn_options(),
        );
        let out =
            l.handle_segment(T0 + Duration::from_micros(u64::from(i)), LOCAL, src, &s).unwrap();
        assert!(matches!(out, Outcome::Reply(_)));
        assert!(l.syn_queue_len() <= 16);
    }
    assert_eq!(l.syn_queue_len(), 16);
    assert_eq!(l.counters().cookies_sent, 5000 - 16);
    // The real client.
    let now = T0 + Duration::from_millis(50);
    let sa = reply(l.handle_segment(now, LOCAL, PEER, &syn(50000, 31337)).unwrap());
    let ack = final_ack(50000, 31337, &sa);
    assert_eq!(
        l.handle_segment(now + Duration::from_millis(1), LOCAL, PEER, &ack),
        Ok(Outcome::Established)
    );
    let h = l.accept().unwrap();
    assert_eq!((h.remote, h.remote_port, h.via_cookie), (PEER, 50000, true));
    assert_eq!(h.peer.window_scale, Some(7));
    assert_eq!(l.backlog_len(), 0);
    // The spoofed entries time out; the queue is free again.
    let mut t = now;
    while let Some(next) = l.poll_timeout() {
        t = next;
        l.handle_timeout(t);
        while l.poll_transmit(t).is_some() {}
    }
    assert_eq!(l.syn_queue_len(), 0);
    assert_eq!(l.counters().half_open_timeouts, 16);
    assert!(t < T0 + Duration::from_secs(64));
    open(&mut l, t, 40000, 1);
    assert_eq!(l.syn_queue_len(), 1);
}

fn any_flags() -> impl Strategy<Value = TcpFlags> {
    any::<u8>().prop_map(|b| TcpFlags::from_bits_truncate(u16::from(b & 0x1f)))
}

proptest! {
    /// Random segments at random times: no panic, bounded tables, never a RST in answer
    /// to a RST, every answer from the listening port.
    #[test]
    fn random_segments_keep_every_bound(
        steps in proptest::collection::vec(
            (0u16..6, any::<u32>(), any::<u32>(), any_flags(), any::<bool>(), 0u64..3_000_000, any::<bool>()),
            0..120,
        )
    ) {
        let (mut q, mut b) = ([None; 3], [None; 2]);
        let mut l = listener(&mut q, &mut b, ListenerConfig::default());
        let mut now = T0;
        let mut last_syn_ack: Vec<Repr<'static>> = vec![];
        for (port, seq, ack, flags, ts, dt, use_last) in steps {
            now += Duration::from_micros(dt);
            let opts = if ts { linux_syn_options() } else { OptionSet::default() };
            let mut s = seg(port, seq, ack, flags, opts);
            if use_last {
                if let Some(sa) = last_syn_ack.last() {
                    s = final_ack(sa.dst_port, sa.ack_number.0.wrapping_sub(1), sa);
                }
            }
            match l.handle_segment(now, LOCAL, PEER, &s).unwrap() {
                Outcome::Reply(r) => {
                    prop_assert_eq!(r.repr.src_port, PORT);
                    prop_assert_eq!(r.repr.dst_port, s.src_port);
                    prop_assert!(!(s.flags.contains(TcpFlags::RST) && r.repr.flags.contains(TcpFlags::RST)));
                    if r.repr.flags.contains(TcpFlags::SYN) { last_syn_ack.push(r.repr); }
                }
                Outcome::Established => { l.accept(); }
                Outcome::Dropped(_) => {}
            }
            l.handle_timeout(now);
            while let Some(r) = l.poll_transmit(now) { prop_assert_eq!(r.repr.src_port, PORT); }
            prop_assert!(l.syn_queue_len() <= 3 && l.backlog_len() <= 2);
        }
    }
}
