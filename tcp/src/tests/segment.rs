//! The segment view and `Repr` against hand-made headers (RFC 9293 §3.1).

extern crate std;
use std::format;

use core::net::Ipv4Addr;

use unet_core::WireError;

use crate::{OptionSet, Repr, Segment, SeqNumber, TcpFlags, TcpOptions};

const SRC: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const DST: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

/// A 20-byte header: ports 1 > 2, seq 3, ack 4, the given offset and flag bits, window 5.
fn header(offset_flags: u16) -> [u8; 20] {
    let mut h = [0u8; 20];
    h[..12].copy_from_slice(&[0, 1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4]);
    h[12..14].copy_from_slice(&offset_flags.to_be_bytes());
    h[14..16].copy_from_slice(&5u16.to_be_bytes());
    h
}

fn repr(flags: TcpFlags) -> Repr<'static> {
    Repr {
        src_port: 1,
        dst_port: 2,
        seq_number: SeqNumber(3),
        ack_number: SeqNumber(4),
        flags,
        window_len: 5,
        urgent_pointer: 0,
        options: TcpOptions::default(),
        payload_len: 0,
    }
}

#[test]
fn rfc9293_3_1_shorter_than_fixed_header_is_truncated() {
    for n in 0..20 {
        assert_eq!(Segment::new_checked(&header(0x5000)[..n]), Err(WireError::Truncated));
    }
}

#[test]
fn rfc9293_3_1_data_offset_below_five_is_bad_length() {
    for words in 0..5u16 {
        let h = header(words << 12);
        assert_eq!(Segment::new_checked(&h[..]), Err(WireError::BadLength), "offset {words}");
    }
}

#[test]
fn rfc9293_3_1_data_offset_beyond_buffer_is_truncated() {
    let mut buf = [0u8; 24];
    buf[..20].copy_from_slice(&header(0x6000));
    assert!(Segment::new_checked(&buf[..]).is_ok());
    buf[..20].copy_from_slice(&header(0x7000));
    assert_eq!(Segment::new_checked(&buf[..]), Err(WireError::Truncated));
    buf[..20].copy_from_slice(&header(0xf000));
    assert_eq!(Segment::new_checked(&buf[..]), Err(WireError::Truncated));
    assert_eq!(format!("{}", Segment::new_unchecked(&buf[..])), "TCP [truncated]");
    assert_eq!(
        format!("{}", Segment::new_unchecked(&header(0x4000)[..])),
        "TCP [bad length field]"
    );
}

#[test]
fn rfc9293_3_8_5_urgent_pointer_is_kept_as_sent() {
    // URG with pointer 0 announces no urgent byte; the wire layer keeps it (Linux accepts it).
    let h = header(0x5020);
    let seg = Segment::new_checked(&h[..]).unwrap();
    assert_eq!(Repr::parse_without_checksum(&seg).unwrap().urgent_pointer, 0);
    let mut h = header(0x5020);
    h[19] = 7;
    let seg = Segment::new_checked(&h[..]).unwrap();
    let r = Repr::parse_without_checksum(&seg).unwrap();
    assert_eq!(r.urgent_pointer, 7);
    assert_eq!(format!("{r}"), "TCP 1 > 2: Flags [U], seq 3, win 5, urg 7, length 0");
    // Without URG the pointer means nothing, but it is kept for a faithful re-emit.
    let mut h = header(0x5010);
    h[19] = 7;
    let r = Repr::parse_without_checksum(&Segment::new_checked(&h[..]).unwrap()).unwrap();
    assert_eq!(r.urgent_pointer, 7);
}

#[test]
fn rfc9293_3_2_malformed_option_rejects_the_segment() {
    let mut buf = [0u8; 24];
    buf[..20].copy_from_slice(&header(0x6010));
    buf[20..].copy_from_slice(&[2, 4, 5, 1]);
    assert!(Repr::parse_without_checksum(&Segment::new_checked(&buf[..]).unwrap()).is_ok());
    buf[20..].copy_from_slice(&[2, 5, 5, 1]);
    let seg = Segment::new_checked(&buf[..]).unwrap();
    assert_eq!(Repr::parse_without_checksum(&seg), Err(WireError::BadOption));
    assert_eq!(
        format!("{seg}"),
        "TCP 1 > 2: Flags [.], seq 3, ack 4, win 5, options [bad opt], length 0"
    );
}

#[test]
fn rfc9293_3_4_seg_len_counts_syn_and_fin() {
    let mut r = repr(TcpFlags::SYN | TcpFlags::FIN);
    r.payload_len = 10;
    assert_eq!(r.segment_len(), 12);
    assert_eq!(repr(TcpFlags::ACK).segment_len(), 0);
    let mut buf = [0u8; 25];
    buf[..20].copy_from_slice(&header(0x5003));
    assert_eq!(Segment::new_checked(&buf[..]).unwrap().segment_len(), 7);
}

#[test]
fn reserved_and_accurate_ecn_bits_survive_a_roundtrip() {
    let flags = TcpFlags::from_wire(0x0fc2);
    assert!(flags.contains(TcpFlags::AE | TcpFlags::RESERVED | TcpFlags::CWR | TcpFlags::ECE));
    let r = repr(flags);
    let mut buf = [0u8; 20];
    r.emit(&mut Segment::new_unchecked(&mut buf[..]), &SRC, &DST).unwrap();
    assert_eq!(u16::from_be_bytes([buf[12], buf[13]]), 0x5fc2);
    let parsed = Repr::parse(&Segment::new_checked(&buf[..]).unwrap(), &SRC, &DST).unwrap();
    assert_eq!(parsed, r);
    assert_eq!(format!("{parsed}"), "TCP 1 > 2: Flags [SEWe], seq 3, win 5, length 0");
}

#[test]
fn setters_keep_their_neighbours() {
    let mut buf = [0u8; 24];
    buf[..20].copy_from_slice(&header(0x5000));
    let mut seg = Segment::new_unchecked(&mut buf[..]);
    seg.set_flags(TcpFlags::SYN | TcpFlags::AE);
    seg.set_header_len(24);
    assert_eq!(seg.flags(), TcpFlags::SYN | TcpFlags::AE);
    assert_eq!(seg.header_len(), 24);
    seg.set_flags(TcpFlags::ACK);
    assert_eq!(seg.data_offset(), 6);
    seg.options_mut().copy_from_slice(&[1, 1, 1, 0]);
    assert_eq!(seg.options(), &[1, 1, 1, 0]);
    assert!(seg.payload_mut().is_empty());
    seg.set_urgent_pointer(9);
    seg.set_window_len(10);
    assert_eq!((seg.urgent_pointer(), seg.window_len()), (9, 10));
}

#[test]
fn emit_refuses_small_buffers_and_oversized_options() {
    let mut r = repr(TcpFlags::ACK);
    r.payload_len = 1;
    let mut buf = [0u8; 20];
    assert_eq!(
        r.emit_header(&mut Segment::new_unchecked(&mut buf[..])),
        Err(WireError::BufferTooSmall)
    );
    r.options = TcpOptions::Raw(&[1; 44]);
    let mut buf = [0u8; 80];
    assert_eq!(r.emit_header(&mut Segment::new_unchecked(&mut buf[..])), Err(WireError::BadOption));
}

#[test]
fn emit_checksums_only_the_segment_not_trailing_room() {
    let r = repr(TcpFlags::ACK);
    let mut buf = [0xeeu8; 30];
    r.emit(&mut Segment::new_unchecked(&mut buf[..]), &SRC, &DST).unwrap();
    assert!(Segment::new_checked(&buf[..20]).unwrap().verify_checksum(&SRC, &DST));
}

#[test]
fn alternate_display_names_every_field() {
    let mut r = repr(TcpFlags::PSH | TcpFlags::ACK);
    r.options = TcpOptions::Typed(OptionSet { mss: Some(1200), ..OptionSet::default() });
    r.payload_len = 3;
    assert_eq!(
        format!("{r}"),
        "TCP 1 > 2: Flags [P.], seq 3:6, ack 4, win 5, options [mss 1200], length 3"
    );
    assert_eq!(
        format!("{r:#}"),
        "TCP src port 1, dst port 2, seq 3, ack 4, data offset 6 (24 bytes), flags [P.] (0x018), \
         win 5, urg 0, options [mss 1200], length 3 (SEG.LEN 3)"
    );
}
