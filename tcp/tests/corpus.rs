//! Real segments from the capture corpus: checksums verify against the real pseudo-header,
//! options decode, and a parse followed by an emit reproduces every byte.

#[path = "data/vectors.rs"]
#[allow(dead_code)]
mod vectors;

use core::net::{Ipv4Addr, Ipv6Addr};

use unet_core::WireError;
use unet_tcp::{OptionSet, Repr, Segment, SeqNumber, TcpFlags, TcpOption, TcpOptions, Timestamps};
use vectors::{Addr, Vector};

fn addrs(v: &Vector) -> (Ipv4Addr, Ipv4Addr) {
    match (&v.src, &v.dst) {
        (Addr::V4(s), Addr::V4(d)) => (Ipv4Addr::from(*s), Ipv4Addr::from(*d)),
        _ => unreachable!("the TCP captures are IPv4"),
    }
}

/// Parses `v` with its own addresses and checks a re-emit into a fresh buffer (holding the
/// same data) reproduces it; returns the bytes for further checks.
fn roundtrip(v: &Vector) -> Vec<u8> {
    let bytes = v.bytes();
    let (src, dst) = addrs(v);
    let segment = Segment::new_checked(&bytes[..]).unwrap();
    assert!(segment.verify_checksum(&src, &dst), "checksum of {segment}");
    let repr = Repr::parse(&segment, &src, &dst).unwrap();
    assert_eq!(repr.buffer_len(), bytes.len());
    let mut out = vec![0u8; repr.buffer_len()];
    out[repr.header_len()..].copy_from_slice(segment.payload());
    repr.emit(&mut Segment::new_unchecked(&mut out[..]), &src, &dst).unwrap();
    assert_eq!(out, bytes, "re-emit of {repr}");
    bytes
}

fn parse(bytes: &[u8]) -> Repr<'_> {
    Repr::parse_without_checksum(&Segment::new_checked(bytes).unwrap()).unwrap()
}

#[test]
fn rfc9293_3_1_every_capture_segment_roundtrips() {
    for v in [&vectors::NANO_SYN, &vectors::NANO_SYN_ACK, &vectors::NANO_ACK]
        .into_iter()
        .chain([&vectors::HTTP_RESPONSE, &vectors::RST_DATA])
        .chain(vectors::DNS_ALL)
    {
        roundtrip(v);
    }
}

#[test]
fn rfc7323_linux_syn_options_decode() {
    let bytes = roundtrip(&vectors::NANO_SYN);
    let syn = parse(&bytes);
    assert_eq!(syn.flags, TcpFlags::SYN);
    assert_eq!(syn.seq_number, SeqNumber(797190859));
    assert_eq!(syn.segment_len(), 1);
    let o = syn.options;
    assert_eq!(o.mss(), Some(1360));
    assert!(o.sack_permitted());
    assert_eq!(o.timestamps(), Some(Timestamps { tsval: 1131021154, tsecr: 0 }));
    assert_eq!(o.window_scale(), Some(7));
    assert!(o.sack_blocks().is_empty());
    assert_eq!(
        syn.to_string(),
        "TCP 46656 > 80: Flags [S], seq 797190859, win 27200, \
         options [mss 1360,sackOK,TS val 1131021154 ecr 0,nop,wscale 7], length 0"
    );
    let seg = Segment::new_checked(&bytes[..]).unwrap();
    assert_eq!(
        format!("{seg:#}"),
        "TCP src port 46656, dst port 80, seq 797190859, ack 0, data offset 10 (40 bytes), \
         flags [S] (0x002), win 27200, cksum 0x50c4, urg 0, \
         options [mss 1360,sackOK,TS val 1131021154 ecr 0,nop,wscale 7], length 0 (SEG.LEN 1)"
    );
}

#[test]
fn linux_syn_layout_is_the_canonical_one() {
    // Building the same options from typed values gives Linux's exact bytes.
    for v in [&vectors::NANO_SYN, &vectors::DNS_0, &vectors::DNS_1, &vectors::NANO_ACK] {
        let bytes = v.bytes();
        let captured = parse(&bytes);
        let typed = Repr { options: TcpOptions::Typed(captured.options.to_set()), ..captured };
        assert_eq!(typed, captured);
        let (src, dst) = addrs(v);
        let mut out = vec![0u8; typed.buffer_len()];
        typed.emit(&mut Segment::new_unchecked(&mut out[..]), &src, &dst).unwrap();
        assert_eq!(out, bytes);
    }
}

#[test]
fn rfc9293_3_2_other_option_orders_are_kept_raw() {
    let bytes = roundtrip(&vectors::NANO_SYN_ACK);
    let synack = parse(&bytes);
    let options: Vec<_> = synack.options.iter().map(Result::unwrap).collect();
    assert_eq!(
        options,
        [
            TcpOption::MaxSegmentSize(1440),
            TcpOption::NoOperation,
            TcpOption::WindowScale(8),
            TcpOption::SackPermitted,
            TcpOption::Timestamps(Timestamps { tsval: 234205008, tsecr: 1131021154 }),
        ]
    );
    // Same values, another layout: not the same bytes, so not equal.
    let set = synack.options.to_set();
    assert_ne!(synack.options, TcpOptions::Typed(set));
    assert_eq!(TcpOptions::Typed(set).buffer_len(), synack.options.buffer_len());
    assert_eq!(
        synack.to_string(),
        "TCP 80 > 46656: Flags [S.], seq 3078856592, ack 797190860, win 8192, \
         options [mss 1440,nop,wscale 8,sackOK,TS val 234205008 ecr 1131021154], length 0"
    );
}

#[test]
fn data_segments_display_like_tcpdump() {
    let http = vectors::HTTP_RESPONSE.bytes();
    assert_eq!(
        parse(&http).to_string(),
        "TCP 80 > 5767: Flags [P.], seq 908588050:908588655, ack 2693707125, win 63750, length 605"
    );
    let seg = Segment::new_checked(&http[..]).unwrap();
    assert!(seg.payload().starts_with(b"HTTP/1.1 200 OK\r\n"));
    let rst = roundtrip(&vectors::RST_DATA);
    let rst = parse(&rst);
    assert_eq!(rst.flags, TcpFlags::RST | TcpFlags::ACK);
    assert_eq!(rst.payload_len, 58);
    assert_eq!(
        rst.to_string(),
        "TCP 80 > 52875: Flags [R.], seq 1617159969:1617160027, ack 1936660873, win 5785, length 58"
    );
}

#[test]
fn rfc9293_3_4_fin_occupies_sequence_space() {
    let fin = vectors::DNS_7.bytes();
    let seg = Segment::new_checked(&fin[..]).unwrap();
    assert_eq!(seg.flags(), TcpFlags::FIN | TcpFlags::ACK);
    assert_eq!(seg.segment_len(), 1);
    // The peer's ACK of that FIN acknowledges seq + 1.
    let ack = vectors::DNS_9.bytes();
    let ack = Segment::new_checked(&ack[..]).unwrap();
    assert_eq!(ack.ack_number(), seg.seq_number() + 1);
}

#[test]
fn rfc9293_3_1_checksum_uses_the_pseudo_header() {
    let bytes = vectors::NANO_ACK.bytes();
    let (src, dst) = addrs(&vectors::NANO_ACK);
    let seg = Segment::new_checked(&bytes[..]).unwrap();
    assert_eq!(
        Repr::parse(&seg, &dst, &src).map(|_| ()),
        Ok(()),
        "swapping addresses keeps the sum"
    );
    let other = Ipv4Addr::new(192, 0, 2, 1);
    assert_eq!(Repr::parse(&seg, &other, &dst), Err(WireError::BadChecksum));
    let mut flipped = bytes.clone();
    flipped[25] ^= 1;
    let seg = Segment::new_checked(&flipped[..]).unwrap();
    assert_eq!(Repr::parse(&seg, &src, &dst), Err(WireError::BadChecksum));
}

#[test]
fn rfc8200_8_1_same_segment_over_ipv6() {
    let bytes = vectors::HTTP_RESPONSE.bytes();
    let repr = parse(&bytes);
    let (s, d): (Ipv6Addr, Ipv6Addr) =
        ("2001:db8::80".parse().unwrap(), "2001:db8::1".parse().unwrap());
    let mut out = bytes.clone();
    repr.emit(&mut Segment::new_unchecked(&mut out[..]), &s, &d).unwrap();
    let seg = Segment::new_checked(&out[..]).unwrap();
    assert!(seg.verify_checksum(&s, &d));
    assert_eq!(Repr::parse(&seg, &s, &d), Ok(repr));
    assert_ne!(seg.checksum(), Segment::new_checked(&bytes[..]).unwrap().checksum());
}

#[test]
fn every_truncation_of_a_real_header_is_a_typed_error() {
    let bytes = vectors::NANO_SYN.bytes();
    for n in 0..bytes.len() {
        assert_eq!(Segment::new_checked(&bytes[..n]), Err(WireError::Truncated), "cut at {n}");
    }
}

#[test]
fn typed_options_from_capture_build_a_reply() {
    // A SYN-ACK answering the Linux SYN, built from values, parses back to them.
    let syn = vectors::NANO_SYN.bytes();
    let syn = parse(&syn);
    let set = OptionSet {
        mss: Some(1460),
        window_scale: Some(7),
        sack_permitted: syn.options.sack_permitted(),
        timestamps: syn.options.timestamps().map(|ts| Timestamps { tsval: 42, tsecr: ts.tsval }),
        ..OptionSet::default()
    };
    let reply = Repr {
        src_port: syn.dst_port,
        dst_port: syn.src_port,
        seq_number: SeqNumber(1000),
        ack_number: syn.seq_number + 1,
        flags: TcpFlags::SYN | TcpFlags::ACK,
        window_len: 65535,
        urgent_pointer: 0,
        options: TcpOptions::Typed(set),
        payload_len: 0,
    };
    let (a, b) = addrs(&vectors::NANO_SYN);
    let mut out = vec![0u8; reply.buffer_len()];
    reply.emit(&mut Segment::new_unchecked(&mut out[..]), &b, &a).unwrap();
    let parsed = Repr::parse(&Segment::new_checked(&out[..]).unwrap(), &b, &a).unwrap();
    assert_eq!(parsed, reply);
    assert_eq!(parsed.options.to_set(), set);
}
