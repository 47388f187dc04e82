//! Proptest round trips: `parse(emit(r)) == r` for typed and raw `Repr`s, `emit(parse(b)) ==
//! b` for captured-style bytes, and the option encoder against the iterator.

extern crate std;
use std::vec::Vec;

use core::net::{Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;
use unet_core::IpAddress;

use crate::{
    OptionIter, OptionSet, Repr, SackBlock, SackBlocks, Segment, SeqNumber, TcpFlags, TcpOption,
    TcpOptionKind, TcpOptions, Timestamps,
};

/// An option with owned data, so a strategy can produce it.
#[derive(Debug, Clone)]
enum Owned {
    Nop,
    Mss(u16),
    WindowScale(u8),
    SackPermitted,
    Sack(Vec<(u32, u32)>),
    Timestamps(u32, u32),
    Unknown(u8, Vec<u8>),
}

impl Owned {
    fn borrow(&self) -> TcpOption<'_> {
        match self {
            Owned::Nop => TcpOption::NoOperation,
            Owned::Mss(v) => TcpOption::MaxSegmentSize(*v),
            Owned::WindowScale(v) => TcpOption::WindowScale(*v),
            Owned::SackPermitted => TcpOption::SackPermitted,
            Owned::Sack(blocks) => TcpOption::Sack(sack_blocks(blocks)),
            Owned::Timestamps(a, b) => TcpOption::Timestamps(Timestamps { tsval: *a, tsecr: *b }),
            Owned::Unknown(kind, data) => TcpOption::Unknown { kind: TcpOptionKind(*kind), data },
        }
    }
}

fn sack_blocks(blocks: &[(u32, u32)]) -> SackBlocks {
    let blocks: Vec<_> = blocks
        .iter()
        .map(|(l, r)| SackBlock { left: SeqNumber(*l), right: SeqNumber(*r) })
        .collect();
    SackBlocks::from_slice(&blocks).unwrap()
}

fn blocks(max: usize) -> impl Strategy<Value = Vec<(u32, u32)>> {
    proptest::collection::vec(any::<(u32, u32)>(), 0..=max)
}

fn owned_option() -> impl Strategy<Value = Owned> {
    prop_oneof![
        Just(Owned::Nop),
        any::<u16>().prop_map(Owned::Mss),
        any::<u8>().prop_map(Owned::WindowScale),
        Just(Owned::SackPermitted),
        proptest::collection::vec(any::<(u32, u32)>(), 1..=4).prop_map(Owned::Sack),
        any::<(u32, u32)>().prop_map(|(a, b)| Owned::Timestamps(a, b)),
        // Kinds 0..=8 are the ones unet decodes (6 and 7 are the obsolete echo options,
        // decoded as unknown too, so they are fair game).
        (prop_oneof![Just(6u8), Just(7), 9u8..=255], proptest::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(k, d)| Owned::Unknown(k, d)),
    ]
}

fn option_set() -> impl Strategy<Value = OptionSet> {
    (
        any::<Option<u16>>(),
        any::<Option<u8>>(),
        any::<bool>(),
        blocks(4),
        any::<Option<(u32, u32)>>(),
    )
        .prop_map(|(mss, window_scale, sack_permitted, b, ts)| OptionSet {
            mss,
            window_scale,
            sack_permitted,
            sack_blocks: sack_blocks(&b),
            timestamps: ts.map(|(tsval, tsecr)| Timestamps { tsval, tsecr }),
        })
        .prop_filter("fits in 40 bytes", |set| set.buffer_len() <= 40)
}

/// Fixed fields of a `Repr`, with an urgent pointer that is valid for the flags.
fn fixed() -> impl Strategy<Value = (u16, u16, u32, u32, TcpFlags, u16, u16)> {
    (
        any::<u16>(),
        any::<u16>(),
        any::<u32>(),
        any::<u32>(),
        any::<u16>(),
        any::<u16>(),
        any::<u16>(),
    )
        .prop_map(|(sp, dp, seq, ack, flags, win, urg)| {
            let flags = TcpFlags::from_wire(flags);
            let urg = if flags.contains(TcpFlags::URG) { urg.max(1) } else { urg };
            (sp, dp, seq, ack, flags, win, urg)
        })
}

fn emit_and_parse<A: IpAddress>(
    r: &Repr<'_>,
    payload: &[u8],
    src: A,
    dst: A,
) -> Result<(), TestCaseError> {
    let mut buf = std::vec![0u8; r.buffer_len()];
    buf[r.header_len()..].copy_from_slice(payload);
    r.emit(&mut Segment::new_unchecked(&mut buf[..]), &src, &dst).unwrap();
    let seg = Segment::new_checked(&buf[..]).unwrap();
    prop_assert_eq!(seg.payload(), payload);
    let parsed = Repr::parse(&seg, &src, &dst).unwrap();
    prop_assert_eq!(parsed, *r);
    prop_assert_eq!(parsed.options.to_set(), r.options.to_set());
    // And the parsed (raw) form re-emits the same bytes.
    let mut again = std::vec![0u8; parsed.buffer_len()];
    again[parsed.header_len()..].copy_from_slice(payload);
    parsed.emit(&mut Segment::new_unchecked(&mut again[..]), &src, &dst).unwrap();
    prop_assert_eq!(again, buf);
    Ok(())
}

proptest! {
    #[test]
    fn option_set_emit_matches_its_layout(set in option_set()) {
        // `emit` and `buffer_len` are written out for speed; `layout` is the reference.
        let mut direct = [0u8; 40];
        let n = set.emit(&mut direct).unwrap();
        let mut reference = [0u8; 40];
        let mut at = 0;
        for option in set.layout() {
            at += option.emit(&mut reference[at..]).unwrap();
        }
        prop_assert_eq!(n, at);
        prop_assert_eq!(set.buffer_len(), at);
        prop_assert_eq!(&direct[..n], &reference[..at]);
    }

    #[test]
    fn typed_repr_roundtrip(f in fixed(), set in option_set(),
                            payload in proptest::collection::vec(any::<u8>(), 0..64),
                            s4: [u8; 4], d4: [u8; 4], s6: [u8; 16], d6: [u8; 16]) {
        let (src_port, dst_port, seq, ack, flags, window_len, urgent_pointer) = f;
        let r = Repr {
            src_port, dst_port, seq_number: SeqNumber(seq), ack_number: SeqNumber(ack),
            flags, window_len, urgent_pointer, options: TcpOptions::Typed(set),
            payload_len: payload.len(),
        };
        emit_and_parse(&r, &payload, Ipv4Addr::from(s4), Ipv4Addr::from(d4))?;
        emit_and_parse(&r, &payload, Ipv6Addr::from(s6), Ipv6Addr::from(d6))?;
    }

    #[test]
    fn raw_options_reemit_byte_for_byte(f in fixed(), list in proptest::collection::vec(owned_option(), 0..12),
                                        eol: bool, payload in proptest::collection::vec(any::<u8>(), 0..16)) {
        // Encode as many options as fit, then pad to a word with EOL or NOPs.
        let mut bytes = Vec::new();
        let mut kept = Vec::new();
        for o in &list {
            let mut b = [0u8; 40];
            let n = o.borrow().emit(&mut b).unwrap();
            if bytes.len() + n > 39 {
                break;
            }
            bytes.extend_from_slice(&b[..n]);
            kept.push(o.borrow());
        }
        if eol {
            bytes.push(0);
            kept.push(TcpOption::EndOfList);
        }
        while bytes.len() % 4 != 0 {
            bytes.push(if eol { 0 } else { 1 });
            if !eol {
                kept.push(TcpOption::NoOperation);
            }
        }
        let (src_port, dst_port, seq, ack, flags, window_len, urgent_pointer) = f;
        let r = Repr {
            src_port, dst_port, seq_number: SeqNumber(seq), ack_number: SeqNumber(ack),
            flags, window_len, urgent_pointer, options: TcpOptions::parse(&bytes).unwrap(),
            payload_len: payload.len(),
        };
        let items: Vec<_> = r.options.iter().map(Result::unwrap).collect();
        prop_assert_eq!(items, kept);
        let (s, d) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2));
        emit_and_parse(&r, &payload, s, d)?;
    }

    #[test]
    fn option_encoder_and_iterator_agree(list in proptest::collection::vec(owned_option(), 0..20)) {
        let options: Vec<_> = list.iter().map(Owned::borrow).collect();
        let mut buf = std::vec![0u8; 2000];
        let mut at = 0;
        for o in &options {
            let n = o.emit(&mut buf[at..]).unwrap();
            prop_assert_eq!(n, o.buffer_len());
            at += n;
        }
        let decoded: Vec<_> = OptionIter::new(&buf[..at]).map(Result::unwrap).collect();
        prop_assert_eq!(decoded, options);
    }

    #[test]
    fn canonical_layout_roundtrips(set in option_set()) {
        let mut buf = [0u8; 40];
        let n = set.emit(&mut buf).unwrap();
        prop_assert_eq!(n % 4, 0);
        prop_assert_eq!(OptionSet::from_options(OptionIter::new(&buf[..n])), Ok(set));
        prop_assert_eq!(TcpOptions::parse(&buf[..n]).unwrap(), TcpOptions::Typed(set));
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_reemit_exactly(mut bytes in proptest::collection::vec(any::<u8>(), 0..80),
                                                      offset in 5u8..16) {
        // Half the time force a plausible data offset, so options get exercised.
        if bytes.len() > 12 && offset % 2 == 0 {
            bytes[12] = (bytes[12] & 0x0f) | (offset << 4);
        }
        let seg = Segment::new_unchecked(&bytes[..]);
        let _ = std::format!("{seg} {seg:#}");
        let _ = OptionIter::new(&bytes).count();
        if let Ok(seg) = Segment::new_checked(&bytes[..]) {
            let _ = seg.option_iter().count();
            if let Ok(r) = Repr::parse_without_checksum(&seg) {
                let _ = std::format!("{r} {r:#}");
                let mut out = bytes.clone();
                let mut view = Segment::new_unchecked(&mut out[..]);
                r.emit_header(&mut view).unwrap();
                view.set_checksum(seg.checksum());
                prop_assert_eq!(out, bytes);
            }
        }
    }
}
