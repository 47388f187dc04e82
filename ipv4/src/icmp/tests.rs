extern crate std;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

use core::net::Ipv4Addr;

use proptest::prelude::*;
use unet_core::WireError;

use super::*;
use crate::tests::{after_ethernet, hex};
use crate::Checks;

/// tcpdump-dhcp-rfc4388.pcap, frame 0: an ICMP echo request (20 zero bytes of data).
const ECHO_FRAME: &str = "000000000000000000000000080045000030\
    61b440004001becc0a2802030a1e04040800b7db402400000000000000000000000000000000000000000000";

/// The same capture, frame 5: host unreachable (code 1) quoting that echo request whole.
const UNREACHABLE_FRAME: &str = "00000000000000000000000008004\
    5c0004c9c6a00004001c6330a2801010a2802030301fcfe000000004500003061b440003f01bfcc0a280203\
    0a1e04040800b7db402400000000000000000000000000000000000000000000";

fn icmp_of(frame: &str) -> Vec<u8> {
    let frame = hex(frame);
    let ip = crate::Packet::new_checked(after_ethernet(&frame)).unwrap();
    ip.payload().to_vec()
}

/// `bytes` with a correct checksum.
fn checksummed(mut bytes: Vec<u8>) -> Vec<u8> {
    Packet::new_unchecked(&mut bytes[..]).fill_checksum();
    bytes
}

fn parse(bytes: &[u8]) -> Result<Repr<'_>, WireError> {
    Repr::parse(&Packet::new_checked(bytes)?)
}

fn reemit(repr: &Repr<'_>) -> Vec<u8> {
    let mut out = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Packet::new_unchecked(&mut out[..])).unwrap();
    out
}

#[test]
fn rfc792_echo_request_from_capture() {
    let bytes = icmp_of(ECHO_FRAME);
    let repr = parse(&bytes).unwrap();
    assert_eq!(repr, Repr::EchoRequest { ident: 0x4024, seq_no: 0, data: &[0; 20] });
    assert_eq!(repr.to_string(), "ICMP echo request, id 16420, seq 0, length 28");
    assert_eq!(reemit(&repr), bytes);
}

#[test]
fn rfc792_destination_unreachable_from_capture() {
    let bytes = icmp_of(UNREACHABLE_FRAME);
    let repr = parse(&bytes).unwrap();
    let Repr::DstUnreachable { code, next_hop_mtu: 0, original } = repr else { panic!() };
    assert_eq!(code, Unreachable::HOST);
    assert_eq!(original.extensions, None);
    assert_eq!(original.datagram.len(), 48);
    let quoted = original.ip_header().unwrap();
    assert_eq!(quoted.dst_addr(), Ipv4Addr::new(10, 30, 4, 4));
    assert_eq!(repr.to_string(), "ICMP host 10.30.4.4 unreachable, length 56");
    assert_eq!(
        std::format!("{repr:#}"),
        "ICMP host 10.30.4.4 unreachable, length 56 [type 3 code 1, quoted 48 bytes \
         (IP 10.40.2.3 > 10.30.4.4 proto ICMP ttl 63 id 25012)]"
    );
    assert_eq!(reemit(&repr), bytes);
}

/// A quoted UDP datagram from 192.0.2.1:5353 to 192.0.2.9:53, header plus 8 bytes.
fn quoted_udp() -> Vec<u8> {
    let mut ip = hex("4500001c00000000401100 00c0000201c0000209 14e90035000800 00");
    crate::Packet::new_unchecked(&mut ip[..]).fill_checksum();
    ip
}

#[test]
fn rfc792_port_unreachable_names_the_port() {
    let q = quoted_udp();
    let repr = Repr::DstUnreachable {
        code: Unreachable::PORT,
        next_hop_mtu: 0,
        original: Original::new(&q),
    };
    let bytes = reemit(&repr);
    assert_eq!(&bytes[..2], &[3, 3]);
    assert_eq!(parse(&bytes), Ok(repr));
    assert_eq!(repr.to_string(), "ICMP 192.0.2.9 udp port 53 unreachable, length 36");
}

#[test]
fn rfc1191_4_fragmentation_needed_carries_next_hop_mtu() {
    let q = quoted_udp();
    let mut bytes = vec![3, 4, 0, 0, 0, 0, 0x05, 0x78];
    bytes.extend_from_slice(&q);
    let bytes = checksummed(bytes);
    let repr = parse(&bytes).unwrap();
    assert!(matches!(repr, Repr::DstUnreachable { next_hop_mtu: 1400, .. }));
    assert_eq!(repr.to_string(), "ICMP 192.0.2.9 unreachable - need to frag (mtu 1400), length 36");
    assert_eq!(reemit(&repr), bytes);
}

#[test]
fn rfc4884_extension_structure_kept_opaque() {
    // Time exceeded, length 32 words: 128 bytes of quoted datagram, then an extension
    // structure (version 2 header and one 8-byte object).
    let mut quoted = quoted_udp();
    quoted.resize(128, 0);
    let ext = hex("20 00 00 00 00 08 01 01 00 00 00 01");
    let mut bytes = vec![11, 0, 0, 0, 0, 32, 0, 0];
    bytes.extend_from_slice(&quoted);
    bytes.extend_from_slice(&ext);
    let bytes = checksummed(bytes);
    let repr = parse(&bytes).unwrap();
    let Repr::TimeExceeded { code: TimeExceeded::TTL, original } = repr else { panic!() };
    assert_eq!(original.datagram, &quoted[..]);
    assert_eq!(original.extensions, Some(&ext[..]));
    assert_eq!(reemit(&repr), bytes);
    assert!(std::format!("{repr:#}").contains("RFC 4884 extensions 12 bytes"));
    assert_eq!(repr.to_string(), "ICMP time exceeded in-transit, length 148");
}

#[test]
fn rfc4884_4_1_length_past_the_message_is_bad() {
    let q = quoted_udp();
    let mut bytes = vec![12, 0, 0, 0, 20, 8, 0, 0]; // 8 words = 32 bytes, only 28 present
    bytes.extend_from_slice(&q);
    assert_eq!(parse(&checksummed(bytes)), Err(WireError::BadLength));
}

#[test]
fn rfc4884_emit_rejects_unaligned_datagram_with_extensions() {
    let q = [0x45u8; 30];
    let repr = Repr::TimeExceeded {
        code: TimeExceeded::REASSEMBLY,
        original: Original { datagram: &q, extensions: Some(&[]) },
    };
    let mut out = [0u8; 64];
    assert_eq!(repr.emit(&mut Packet::new_unchecked(&mut out[..])), Err(WireError::BadLength));
}

#[test]
fn rfc792_parameter_problem_pointer() {
    let q = quoted_udp();
    let repr = Repr::ParamProblem {
        code: ParamProblem::POINTER,
        pointer: 20,
        original: Original::new(&q),
    };
    let bytes = reemit(&repr);
    assert_eq!(&bytes[4..8], &[20, 0, 0, 0]);
    assert_eq!(parse(&bytes), Ok(repr));
    assert_eq!(
        repr.to_string(),
        "ICMP parameter problem - pointer indicates the error, octet 20, length 36"
    );
}

#[test]
fn rfc792_redirect_and_source_quench() {
    let q = quoted_udp();
    let repr = Repr::Redirect {
        code: Redirect::HOST,
        gateway: Ipv4Addr::new(192, 0, 2, 254),
        datagram: &q,
    };
    let bytes = reemit(&repr);
    assert_eq!(&bytes[4..8], &[192, 0, 2, 254]);
    assert_eq!(parse(&bytes), Ok(repr));
    assert_eq!(repr.to_string(), "ICMP redirect 192.0.2.9 to host 192.0.2.254, length 36");
    let sq = Repr::SourceQuench { datagram: &q };
    assert_eq!(parse(&reemit(&sq)), Ok(sq));
    assert_eq!(sq.to_string(), "ICMP source quench, length 36");
    assert!(sq.msg_type().is_error() && !Type::ECHO_REQUEST.is_error());
}

#[test]
fn rfc792_timestamp_is_exactly_twenty_bytes() {
    let repr = Repr::Timestamp {
        reply: true,
        ident: 1,
        seq_no: 2,
        originate: 3_600_000,
        receive: 3_600_001,
        transmit: 0x8000_0001,
    };
    let bytes = reemit(&repr);
    assert_eq!(bytes.len(), 20);
    assert_eq!(bytes[0], 14);
    assert_eq!(parse(&bytes), Ok(repr));
    assert_eq!(
        repr.to_string(),
        "ICMP time stamp reply id 1 seq 2: org 01:00:00.000, recv 01:00:00.001, \
         xmit 0x80000001, length 20"
    );
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(parse(&checksummed(long)), Err(WireError::BadLength));
    assert_eq!(parse(&checksummed(bytes[..19].to_vec())), Err(WireError::Truncated));
}

#[test]
fn rfc792_information_and_rfc950_address_mask() {
    for reply in [false, true] {
        let info = Repr::Information { reply, ident: 7, seq_no: 8 };
        assert_eq!(parse(&reemit(&info)), Ok(info));
        let mask =
            Repr::AddressMask { reply, ident: 7, seq_no: 8, mask: Ipv4Addr::new(255, 255, 255, 0) };
        let bytes = reemit(&mask);
        assert_eq!(bytes.len(), 12);
        assert_eq!(parse(&bytes), Ok(mask));
    }
    let mask = Repr::AddressMask {
        reply: true,
        ident: 0,
        seq_no: 0,
        mask: Ipv4Addr::new(255, 255, 255, 0),
    };
    assert_eq!(mask.to_string(), "ICMP address mask is 0xffffff00, length 12");
    assert_eq!(parse(&checksummed(vec![15, 0, 0, 0, 0, 0, 0, 0, 1])), Err(WireError::BadLength));
}

#[test]
fn rfc1256_router_advertisement_and_solicitation() {
    let entries = hex("c00002fe 00000010 c00002fd 80000000");
    let repr = Repr::RouterAdvertisement {
        code: 0,
        num_addrs: 2,
        entry_size: 2,
        lifetime: 1800,
        entries: &entries,
    };
    let bytes = reemit(&repr);
    assert_eq!(&bytes[4..8], &[2, 2, 0x07, 0x08]);
    assert_eq!(parse(&bytes), Ok(repr));
    let routers: Vec<RouterEntry> = repr.router_entries().collect();
    assert_eq!(routers[0], RouterEntry { addr: Ipv4Addr::new(192, 0, 2, 254), preference: 16 });
    assert_eq!(routers[1].preference, i32::MIN);
    assert_eq!(
        std::format!("{repr:#}"),
        "ICMP router advertisement lifetime 1800s, 2 addrs {192.0.2.254 16} \
         {192.0.2.253 -2147483648}, length 24 [type 9 code 0]"
    );
    // RFC 1256 §5.2: Num Addrs ≥ 1, Addr Entry Size ≥ 2, entries present.
    let mut bad = bytes.clone();
    bad[4] = 0;
    assert_eq!(parse(&checksummed(bad)), Err(WireError::Malformed));
    let mut bad = bytes.clone();
    bad[5] = 1;
    assert_eq!(parse(&checksummed(bad)), Err(WireError::Malformed));
    let mut bad = bytes.clone();
    bad[4] = 3;
    assert_eq!(parse(&checksummed(bad)), Err(WireError::Truncated));

    let rs = Repr::RouterSolicitation;
    assert_eq!(reemit(&rs), checksummed(vec![10, 0, 0, 0, 0, 0, 0, 0]));
    assert_eq!(parse(&reemit(&rs)), Ok(rs));
}

#[test]
fn unknown_types_are_kept_whole() {
    // RFC 8335 extended echo request (type 42), not decoded here.
    let bytes = checksummed(hex("2a00 0000 1234 0100 00080101 c0000201"));
    let repr = parse(&bytes).unwrap();
    assert!(matches!(repr, Repr::Other { msg_type: Type(42), code: 0, .. }));
    assert_eq!(reemit(&repr), bytes);
    assert_eq!(repr.to_string(), "ICMP type-#42 code 0, length 16");
}

#[test]
fn rfc792_bad_inputs_are_typed_errors() {
    assert_eq!(Packet::new_checked(&[8u8, 0, 0][..]), Err(WireError::Truncated));
    let mut bytes = icmp_of(ECHO_FRAME);
    bytes[9] ^= 1;
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(Repr::parse(&p), Err(WireError::BadChecksum));
    assert!(Repr::parse_with(&p, Checks::OFFLOADED).is_ok());
    // Echo defines only code 0.
    assert_eq!(parse(&checksummed(vec![8, 1, 0, 0, 0, 0, 0, 0])), Err(WireError::Malformed));
    // Emitting into a short buffer.
    let repr = Repr::EchoReply { ident: 1, seq_no: 1, data: &[1, 2, 3] };
    let mut out = [0u8; 10];
    assert_eq!(repr.emit(&mut Packet::new_unchecked(&mut out[..])), Err(WireError::BufferTooSmall));
}

/// The random choices a [`Repr`] is built from (it borrows its data, so it is built from
/// these and a byte vector inside the test).
#[derive(Debug, Clone)]
struct Spec {
    kind: u8,
    x: u16,
    y: u16,
    code: u8,
    small: u8,
    words: [u32; 3],
    len: usize,
    ext: Option<usize>,
    addr: [u8; 4],
    flag: bool,
}

fn arb_spec() -> impl Strategy<Value = Spec> {
    (
        (0u8..12, any::<u16>(), any::<u16>(), any::<u8>(), any::<u8>()),
        (any::<[u32; 3]>(), any::<usize>(), proptest::option::of(any::<usize>())),
        (any::<[u8; 4]>(), any::<bool>()),
    )
        .prop_map(|((kind, x, y, code, small), (words, len, ext), (addr, flag))| Spec {
            kind,
            x,
            y,
            code,
            small,
            words,
            len,
            ext,
            addr,
            flag,
        })
}

fn build<'a>(s: &Spec, data: &'a [u8]) -> Repr<'a> {
    let n = data.len();
    let part = &data[..s.len % (n + 1)];
    // Quoted datagrams followed by extensions must be whole words, and not empty.
    let original = match s.ext {
        Some(e) if part.len() >= 4 => Original {
            datagram: &part[..part.len() / 4 * 4],
            extensions: Some(&data[..e % (n + 1)]),
        },
        _ => Original::new(part),
    };
    let (ident, seq_no, reply) = (s.x, s.y, s.flag);
    let addr = Ipv4Addr::from(s.addr);
    match s.kind {
        0 if reply => Repr::EchoReply { ident, seq_no, data: part },
        0 => Repr::EchoRequest { ident, seq_no, data: part },
        1 => Repr::DstUnreachable { code: Unreachable(s.code), next_hop_mtu: s.x, original },
        2 => Repr::SourceQuench { datagram: part },
        3 => Repr::Redirect { code: Redirect(s.code), gateway: addr, datagram: part },
        4 => Repr::TimeExceeded { code: TimeExceeded(s.code), original },
        5 => Repr::ParamProblem { code: ParamProblem(s.code), pointer: s.small, original },
        6 => {
            let [originate, receive, transmit] = s.words;
            Repr::Timestamp { reply, ident, seq_no, originate, receive, transmit }
        }
        7 => Repr::Information { reply, ident, seq_no },
        8 => Repr::AddressMask { reply, ident, seq_no, mask: addr },
        9 => {
            let entry_size = 2 + s.small % 2;
            let num_addrs = (part.len() / (usize::from(entry_size) * 4)).clamp(1, 255) as u8;
            if usize::from(num_addrs) * usize::from(entry_size) * 4 > part.len() {
                return Repr::RouterSolicitation;
            }
            Repr::RouterAdvertisement {
                code: s.code,
                num_addrs,
                entry_size,
                lifetime: s.x,
                entries: part,
            }
        }
        10 => Repr::RouterSolicitation,
        _ => Repr::Other {
            msg_type: Type(19 + s.small % 200),
            code: s.code,
            rest_of_header: s.addr,
            data: part,
        },
    }
}

proptest! {
    #[test]
    fn repr_round_trip(data in proptest::collection::vec(any::<u8>(), 0..160), spec in arb_spec()) {
        let repr = build(&spec, &data);
        let bytes = reemit(&repr);
        prop_assert_eq!(bytes.len(), repr.buffer_len());
        prop_assert_eq!(parse(&bytes), Ok(repr));
        let _ = (repr.to_string(), std::format!("{repr:#}"));
    }

    #[test]
    fn parse_never_panics_and_reparses(mut bytes in proptest::collection::vec(any::<u8>(), 0..200), t in 0u8..20) {
        if let Some(b) = bytes.first_mut() {
            *b = t;
        }
        let bytes = if bytes.len() >= 8 { checksummed(bytes) } else { bytes };
        if let Ok(repr) = parse(&bytes) {
            let again = reemit(&repr);
            prop_assert_eq!(parse(&again), Ok(repr));
            let _ = (repr.to_string(), std::format!("{repr:#}"));
        }
    }
}
