use core::net::Ipv4Addr;
use std::vec::Vec;

use proptest::prelude::*;
use unet_core::{Duration, Instant, IpProtocol};

use super::*;
use crate::packet::Packet;

const SRC: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const DST: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

fn frag(id: u16, offset: usize, more: bool, len: usize) -> Repr<'static> {
    Repr {
        src: SRC,
        dst: DST,
        protocol: IpProtocol::UDP,
        ttl: 64,
        dscp: 0,
        ecn: 0,
        identification: id,
        dont_frag: false,
        more_frags: more,
        frag_offset: (offset / 8) as u16,
        payload_len: len,
        options: &[],
    }
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// Splits `payload` into fragments of `chunk` bytes (a multiple of 8).
fn split(id: u16, payload: &[u8], chunk: usize) -> Vec<(Repr<'static>, &[u8])> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < payload.len() {
        let end = (at + chunk).min(payload.len());
        out.push((frag(id, at, end < payload.len(), end - at), &payload[at..end]));
        at = end;
    }
    out
}

struct Fixture {
    slots: Vec<Slot>,
    pool: Vec<u8>,
}

impl Fixture {
    fn new(slots: usize, pool: usize) -> Fixture {
        Fixture { slots: std::vec![Slot::EMPTY; slots], pool: std::vec![0xee; pool] }
    }
    fn reassembler(&mut self, config: Config) -> Reassembler<'_> {
        Reassembler::new(&mut self.slots[..], &mut self.pool[..], config)
    }
}

const T0: Instant = Instant::from_secs(100);

/// Feeds every fragment; returns the reassembled payload if the last one completed it.
fn feed(r: &mut Reassembler<'_>, frags: &[(Repr<'_>, &[u8])]) -> Option<Vec<u8>> {
    let mut done = None;
    for (i, (repr, payload)) in frags.iter().enumerate() {
        let out = r.handle_fragment(T0, repr, payload).unwrap();
        if let Some(c) = out {
            assert_eq!(i, frags.len() - 1, "completed before the last fragment");
            done = Some(c.payload().to_vec());
        }
    }
    done
}

#[test]
fn rfc791_3_2_reassembly_in_order() {
    let mut f = Fixture::new(2, 20_000);
    let mut r = f.reassembler(Config::default());
    let payload = data(4000);
    let frags = split(9, &payload, 1480);
    for (repr, p) in &frags[..2] {
        assert!(r.handle_fragment(T0, repr, p).unwrap().is_none());
    }
    let (repr, p) = frags[2];
    let done = r.handle_fragment(T0, &repr, p).unwrap().unwrap();
    assert_eq!(done.payload(), &payload[..]);
    let header = done.repr();
    assert_eq!((header.more_frags, header.frag_offset, header.payload_len), (false, 0, 4000));
    assert_eq!((header.src, header.dst, header.identification), (SRC, DST, 9));
    // The datagram is a valid IPv4 packet: checksum and Total Length rewritten.
    let packet = Packet::new_checked(done.datagram()).unwrap();
    assert!(packet.verify_checksum());
    assert_eq!(packet.total_len(), 4020);
    assert_eq!(r.stats().completed, 1);
    assert_eq!(r.in_progress(), 0);
}

#[test]
fn rfc791_3_2_reassembly_in_reverse_order() {
    let mut f = Fixture::new(2, 20_000);
    let mut r = f.reassembler(Config::default());
    let payload = data(3001);
    let mut frags = split(1, &payload, 512);
    frags.reverse();
    assert_eq!(feed(&mut r, &frags), Some(payload));
}

#[test]
fn rfc791_3_2_first_fragment_options_are_the_datagrams() {
    let mut f = Fixture::new(1, 4000);
    let mut r = f.reassembler(Config::default());
    let payload = data(24);
    let ra = [148, 4, 0, 0];
    let mut first = frag(3, 0, true, 16);
    first.options = &ra;
    r.handle_fragment(T0, &first, &payload[..16]).unwrap();
    let done = r.handle_fragment(T0, &frag(3, 16, false, 8), &payload[16..]).unwrap().unwrap();
    assert!(done.repr().has_router_alert());
    assert_eq!(done.repr().header_len(), 24);
    assert_eq!(done.payload(), &payload[..]);
}

#[test]
fn not_a_fragment_is_refused() {
    let mut f = Fixture::new(1, 4000);
    let mut r = f.reassembler(Config::default());
    assert_eq!(
        r.handle_fragment(T0, &frag(1, 0, false, 4), b"abcd").err(),
        Some(Error::NotFragment)
    );
}

#[test]
fn rfc5722_4_exact_duplicates_are_dropped_alone() {
    let mut f = Fixture::new(1, 4000);
    let mut r = f.reassembler(Config::default());
    let payload = data(40);
    let frags = split(5, &payload, 16);
    r.handle_fragment(T0, &frags[0].0, frags[0].1).unwrap();
    assert!(r.handle_fragment(T0, &frags[0].0, frags[0].1).unwrap().is_none());
    r.handle_fragment(T0, &frags[1].0, frags[1].1).unwrap();
    assert!(r.handle_fragment(T0, &frags[1].0, frags[1].1).unwrap().is_none());
    let done = r.handle_fragment(T0, &frags[2].0, frags[2].1).unwrap().unwrap();
    assert_eq!(done.payload(), &payload[..]);
    assert_eq!(r.stats().duplicates, 2);
    assert_eq!(r.stats().overlap, 0);
}

#[test]
fn rfc5722_4_overlapping_fragment_drops_the_datagram() {
    let mut f = Fixture::new(1, 4000);
    let mut r = f.reassembler(Config::default());
    let payload = data(48);
    r.handle_fragment(T0, &frag(5, 0, true, 24), &payload[..24]).unwrap();
    // Bytes 16..32 overlap bytes 16..24 already received.
    let e = r.handle_fragment(T0, &frag(5, 16, true, 16), &payload[16..32]);
    assert_eq!(e.err(), Some(Error::Overlap));
    assert_eq!(r.stats().overlap, 1);
    assert_eq!(r.in_progress(), 0);
    // What remains cannot complete: fragment zero is gone with the datagram.
    assert!(r.handle_fragment(T0, &frag(5, 24, false, 24), &payload[24..]).unwrap().is_none());
    assert_eq!(r.stats().completed, 0);
}

#[test]
fn rfc5722_4_same_range_other_bytes_is_an_overlap() {
    let mut f = Fixture::new(1, 4000);
    let mut r = f.reassembler(Config::default());
    r.handle_fragment(T0, &frag(5, 0, true, 8), b"AAAAAAAA").unwrap();
    let e = r.handle_fragment(T0, &frag(5, 0, true, 8), b"AAAAAAAB");
    assert_eq!(e.err(), Some(Error::Overlap));
    assert_eq!(r.stats().overlap, 1);
}

#[test]
fn rfc791_3_2_contradicting_lengths_drop_the_datagram() {
    let mut f = Fixture::new(1, 4000);
    let mut r = f.reassembler(Config::default());
    r.handle_fragment(T0, &frag(6, 16, false, 8), &[1; 8]).unwrap();
    // A second "last" fragment with another end.
    assert_eq!(r.handle_fragment(T0, &frag(6, 32, false, 8), &[1; 8]).err(), Some(Error::Overlap));
    // Data past the known end.
    r.handle_fragment(T0, &frag(7, 16, false, 8), &[1; 8]).unwrap();
    assert_eq!(r.handle_fragment(T0, &frag(7, 24, true, 8), &[1; 8]).err(), Some(Error::Overlap));
    // A last fragment ending before data already received.
    r.handle_fragment(T0, &frag(8, 32, true, 8), &[1; 8]).unwrap();
    assert_eq!(r.handle_fragment(T0, &frag(8, 8, false, 8), &[1; 8]).err(), Some(Error::Overlap));
    assert_eq!(r.stats().overlap, 3);
}

#[test]
fn rfc791_3_2_non_final_fragment_length_must_be_a_multiple_of_8() {
    let mut f = Fixture::new(1, 4000);
    let mut r = f.reassembler(Config::default());
    let payload = data(24);
    r.handle_fragment(T0, &frag(2, 0, true, 8), &payload[..8]).unwrap();
    let e = r.handle_fragment(T0, &frag(2, 8, true, 12), &payload[8..20]);
    assert_eq!(e.err(), Some(Error::BadFragment));
    assert_eq!(r.handle_fragment(T0, &frag(2, 8, true, 0), &[]).err(), Some(Error::BadFragment));
    // A payload that disagrees with its header.
    assert_eq!(
        r.handle_fragment(T0, &frag(2, 8, true, 16), &payload[8..16]).err(),
        Some(Error::BadFragment)
    );
    assert_eq!(r.stats().bad_fragment, 3);
    // The datagram itself is untouched and completes.
    let done = r.handle_fragment(T0, &frag(2, 8, false, 16), &payload[8..24]).unwrap().unwrap();
    assert_eq!(done.payload(), &payload[..]);
}

#[test]
fn rfc791_3_1_reassembled_datagram_over_65535_is_dropped() {
    let mut f = Fixture::new(1, 70_000);
    let mut r = f.reassembler(Config::default());
    assert!(r.max_payload_len() >= 65_515);
    r.handle_fragment(T0, &frag(4, 0, true, 1480), &data(1480)).unwrap();
    // The "ping of death": the last fragment at offset 65528 with 16 bytes.
    let e = r.handle_fragment(T0, &frag(4, 65_528, false, 16), &data(16));
    assert_eq!(e.err(), Some(Error::TooBig));
    assert_eq!(r.stats().too_big, 1);
    assert_eq!(r.in_progress(), 0);
}

#[test]
fn datagram_larger_than_a_slot_is_dropped() {
    let mut f = Fixture::new(2, 2_000);
    let mut r = f.reassembler(Config::default());
    let cap = r.max_payload_len();
    assert!(cap > 800 && cap < 1000, "{cap}");
    r.handle_fragment(T0, &frag(4, 0, true, 512), &data(512)).unwrap();
    let e = r.handle_fragment(T0, &frag(4, 512, false, 512), &data(512));
    assert_eq!(e.err(), Some(Error::TooBig));
    // A configured limit below the pool's.
    let cfg = Config { max_datagram_len: 576, ..Config::default() };
    let mut f = Fixture::new(1, 70_000);
    let mut r = f.reassembler(cfg);
    assert_eq!(r.max_payload_len(), 556);
    let e = r.handle_fragment(T0, &frag(1, 552, false, 8), &data(8));
    assert_eq!(e.err(), Some(Error::TooBig));
}

#[test]
fn rfc1122_3_3_2_timeout_with_fragment_zero_reports_time_exceeded() {
    let mut f = Fixture::new(2, 8_000);
    let mut r = f.reassembler(Config::default());
    let payload = data(100);
    r.handle_fragment(T0, &frag(11, 0, true, 32), &payload[..32]).unwrap();
    // A later fragment does not extend the deadline (RFC 1122: a fixed timeout).
    let later = T0 + Duration::from_secs(10);
    r.handle_fragment(later, &frag(11, 64, false, 36), &payload[64..]).unwrap();
    assert_eq!(r.poll_timeout(), Some(T0 + Duration::from_secs(15)));
    r.handle_timeout(T0 + Duration::from_millis(14_999));
    assert_eq!(r.in_progress(), 1);
    assert!(r.poll_event().is_none());
    r.handle_timeout(T0 + Duration::from_secs(15));
    assert_eq!(r.in_progress(), 0);
    assert_eq!(r.stats().timeout, 1);
    let Some(Event::TimeExceeded { quote }) = r.poll_event() else { panic!("no event") };
    // Fragment zero's header and its first 8 payload bytes.
    assert_eq!(quote.len(), 28);
    let quoted = Packet::new_checked_header(quote).unwrap();
    assert_eq!((quoted.identification(), quoted.more_frags()), (11, true));
    assert!(quoted.verify_checksum());
    assert_eq!(&quote[20..], &payload[..8]);
    // The quote is what the ICMP builder needs (RFC 792: header + 64 bits).
    let kind = crate::icmp::ErrorKind::ReassemblyTimeExceeded;
    let msg = crate::icmp::ErrorMessage::new(kind, DST, quote).unwrap();
    assert_eq!((msg.ip.dst, msg.buffer_len()), (SRC, 20 + 8 + 28));
    assert!(r.poll_event().is_none());
    assert_eq!(r.poll_timeout(), None);
}

#[test]
fn rfc1122_3_3_2_timeout_without_fragment_zero_is_silent() {
    let mut f = Fixture::new(2, 8_000);
    let mut r = f.reassembler(Config { timeout: Duration::from_secs(60), ..Config::default() });
    r.handle_fragment(T0, &frag(12, 8, true, 8), &data(8)).unwrap();
    r.handle_timeout(T0 + Duration::from_secs(60));
    assert_eq!(r.stats().timeout, 1);
    assert!(r.poll_event().is_none());
    // A fragment arriving at the deadline finds its datagram gone and starts a new one.
    r.handle_fragment(T0, &frag(13, 8, true, 8), &data(8)).unwrap();
    let t = T0 + Duration::from_secs(60);
    assert!(r.handle_fragment(t, &frag(13, 0, true, 8), &data(8)).unwrap().is_none());
    assert_eq!(r.stats().timeout, 2);
}

#[test]
fn unpolled_event_is_lost_when_its_slot_is_needed() {
    let mut f = Fixture::new(1, 4_000);
    let mut r = f.reassembler(Config::default());
    r.handle_fragment(T0, &frag(1, 0, true, 8), &data(8)).unwrap();
    let t = T0 + Duration::from_secs(20);
    r.handle_fragment(t, &frag(2, 0, true, 8), &data(8)).unwrap();
    assert_eq!(r.stats().events_lost, 1);
    assert!(r.poll_event().is_none());
}

#[test]
fn rfc791_3_2_flood_of_ids_then_a_real_datagram_evict_oldest() {
    let mut f = Fixture::new(4, 4 * 3_000);
    let mut r = f.reassembler(Config::default());
    for id in 0..5_000u16 {
        let t = T0 + Duration::from_micros(u64::from(id));
        assert!(r.handle_fragment(t, &frag(id, 0, true, 8), &data(8)).unwrap().is_none());
        assert!(r.in_progress() <= 4);
    }
    assert_eq!(r.stats().evicted, 5_000 - 4);
    let payload = data(2_000);
    let frags = split(60_000, &payload, 1_000);
    let t = T0 + Duration::from_secs(1);
    assert!(r.handle_fragment(t, &frags[0].0, frags[0].1).unwrap().is_none());
    let done = r.handle_fragment(t, &frags[1].0, frags[1].1).unwrap().unwrap();
    assert_eq!(done.payload(), &payload[..]);
}

#[test]
fn rfc791_3_2_flood_with_refuse_new_waits_for_the_timeout() {
    let mut f = Fixture::new(4, 4 * 3_000);
    let cfg = Config { when_full: WhenFull::RefuseNew, ..Config::default() };
    let mut r = f.reassembler(cfg);
    for id in 0..3_000u16 {
        let out = r.handle_fragment(T0, &frag(id, 8, true, 8), &data(8));
        assert_eq!(out.err(), if id < 4 { None } else { Some(Error::NoSlot) });
    }
    assert_eq!(r.stats().no_slot, 2_996);
    let payload = data(16);
    let frags = split(7_777, &payload, 8);
    assert_eq!(r.handle_fragment(T0, &frags[0].0, frags[0].1).err(), Some(Error::NoSlot));
    let later = T0 + Duration::from_secs(15);
    assert!(r.handle_fragment(later, &frags[0].0, frags[0].1).unwrap().is_none());
    let done = r.handle_fragment(later, &frags[1].0, frags[1].1).unwrap().unwrap();
    assert_eq!(done.payload(), &payload[..]);
    assert_eq!(r.stats().timeout, 4);
}

#[test]
fn interleaved_datagrams_complete_independently() {
    let mut f = Fixture::new(3, 3 * 5_000);
    let mut r = f.reassembler(Config::default());
    let (a, b) = (data(1000), data(1200));
    let fa = split(1, &a, 256);
    let mut fb = split(1, &b, 256);
    // Same identification, other protocol: another datagram.
    fb.iter_mut().for_each(|(repr, _)| repr.protocol = IpProtocol::TCP);
    for i in 0..fa.len().max(fb.len()) {
        for list in [&fa, &fb] {
            if let Some((repr, p)) = list.get(i) {
                if let Some(done) = r.handle_fragment(T0, repr, p).unwrap() {
                    let expect = if repr.protocol == IpProtocol::UDP { &a } else { &b };
                    assert_eq!(done.payload(), &expect[..]);
                }
            }
        }
    }
    assert_eq!(r.stats().completed, 2);
}

proptest! {
    #[test]
    fn rfc791_3_2_any_order_reassembles(
        len in 1usize..6_000,
        chunk_blocks in 1usize..200,
        seed in any::<u64>(),
    ) {
        let payload = data(len);
        let mut frags = split(99, &payload, chunk_blocks * 8);
        if frags.len() == 1 {
            // A single piece is no fragment; make it two.
            frags = split(99, &payload, 8);
            prop_assume!(frags.len() > 1);
        }
        // Fisher-Yates with a tiny LCG for a seeded permutation.
        let mut s = seed;
        for i in (1..frags.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            frags.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut f = Fixture::new(2, 2 * 7_000);
        let mut r = f.reassembler(Config::default());
        prop_assert_eq!(feed(&mut r, &frags), Some(payload));
        prop_assert_eq!(r.stats().completed, 1);
    }
}
