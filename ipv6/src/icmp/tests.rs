//! ICMPv6 tests: captures, RFC 4443 vectors, checksum, round trips.
use super::*;
use crate::chain::{Chain, ExtHeader};
use crate::packet::Packet;
use crate::testutil::*;
extern crate std;
use proptest::prelude::*;
use std::format;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

fn emit(repr: &Repr<'_>, src: Ipv6Addr, dst: Ipv6Addr) -> Vec<u8> {
    let mut out = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Message::new_unchecked(&mut out[..]), src, dst).unwrap();
    out
}

#[test]
fn rfc8200_8_1_echo_checksum_uses_final_destination_of_routing_header() {
    // tcpdump-ipv6-routing-header.pcap frame 0: the pseudo-header's destination is the
    // last address of the Routing header, not the IPv6 destination.
    let ip = ip_of_frame(RH0_ECHO_FRAME);
    let p = Packet::new_checked(&ip[..]).unwrap();
    let chain = Chain::parse(p.next_header(), p.payload()).unwrap();
    let Some(Ok(ExtHeader::Routing(rh))) = chain.headers().next() else { panic!() };
    let final_dst = rh.addresses().unwrap().last().unwrap();
    let msg = Message::new_checked(chain.payload()).unwrap();
    assert!(msg.verify_checksum(p.src_addr(), final_dst));
    assert!(!msg.verify_checksum(p.src_addr(), p.dst_addr()));
    let r = Repr::parse(&msg, p.src_addr(), final_dst).unwrap();
    assert_eq!(r, Repr::EchoRequest { ident: 0, seq_no: 0, data: &[] });
    assert_eq!(r.to_string(), "ICMP6, echo request, id 0, seq 0, length 8");
    assert_eq!(emit(&r, p.src_addr(), final_dst), chain.payload());
    assert_eq!(Repr::parse(&msg, p.src_addr(), p.dst_addr()), Err(WireError::BadChecksum));
}

#[test]
fn rfc7112_4_parameter_problem_code_3_from_capture() {
    let ip = ip_of_frame(RFC7112_FRAME);
    let p = Packet::new_checked(&ip[..]).unwrap();
    let msg = Message::new_checked(p.payload()).unwrap();
    let r = Repr::parse(&msg, p.src_addr(), p.dst_addr()).unwrap();
    let Repr::ParamProblem { code, pointer, invoking } = r else { panic!("{r:?}") };
    assert_eq!(
        (code, pointer, invoking.len()),
        (ParamProblemCode::INCOMPLETE_HEADER_CHAIN, 48, 64)
    );
    assert_eq!(
        r.to_string(),
        "ICMP6, parameter problem, incomplete header chain - octet 48 \
         [2001:630:42:110:ae1f:6bff:fe46:9eda > 2001:630:42:110:2a0:98ff:fe15:ece7: IPv6-Frag]"
    );
    assert_eq!(emit(&r, p.src_addr(), p.dst_addr()), p.payload());
}

#[test]
fn rfc4443_3_1_destination_unreachable_all_codes() {
    let (src, dst) = ("2001:db8::1".parse().unwrap(), "2001:db8::2".parse().unwrap());
    for c in 0..=8u8 {
        let r =
            Repr::DstUnreachable { code: DstUnreachableCode(c), unused: 0, invoking: &[1, 2, 3] };
        let bytes = emit(&r, src, dst);
        assert_eq!(&bytes[..2], &[1, c]);
        assert_eq!(Repr::parse(&Message::new_checked(&bytes[..]).unwrap(), src, dst), Ok(r));
        assert!(DstUnreachableCode(c).name().is_some());
    }
    let r = Repr::DstUnreachable {
        code: DstUnreachableCode::PORT_UNREACHABLE,
        unused: 0,
        invoking: &[],
    };
    assert_eq!(r.to_string(), "ICMP6, destination unreachable, unreachable port [0 bytes]");
}

#[test]
fn rfc4443_3_2_packet_too_big_carries_mtu() {
    let (src, dst) = ("2001:db8::1".parse().unwrap(), "2001:db8::2".parse().unwrap());
    let r = Repr::PacketTooBig { mtu: 1280, invoking: &[0; 8] };
    let bytes = emit(&r, src, dst);
    assert_eq!(&bytes[4..8], &[0, 0, 5, 0]);
    assert_eq!(Repr::parse(&Message::new_checked(&bytes[..]).unwrap(), src, dst), Ok(r));
    assert!(r.to_string().starts_with("ICMP6, packet too big, mtu 1280"));
}

#[test]
fn rfc4443_3_3_time_exceeded_and_3_4_pointer() {
    let (src, dst) = ("2001:db8::1".parse().unwrap(), "2001:db8::2".parse().unwrap());
    let t = Repr::TimeExceeded {
        code: TimeExceededCode::REASSEMBLY_TIME_EXCEEDED,
        unused: 0,
        invoking: &[],
    };
    let b = emit(&t, src, dst);
    assert_eq!(Repr::parse(&Message::new_checked(&b[..]).unwrap(), src, dst), Ok(t));
    let pp = Repr::ParamProblem {
        code: ParamProblemCode::UNRECOGNIZED_NEXT_HEADER,
        pointer: 6,
        invoking: &[],
    };
    let b = emit(&pp, src, dst);
    assert_eq!(&b[4..8], &[0, 0, 0, 6]);
    assert_eq!(Repr::parse(&Message::new_checked(&b[..]).unwrap(), src, dst), Ok(pp));
}

#[test]
fn rfc4443_2_1_short_messages_are_truncated() {
    assert_eq!(Message::new_checked(&[1u8, 0, 0][..]).unwrap_err(), WireError::Truncated);
    let m = Message::new_checked(&[1u8, 0, 0, 0, 0][..]).unwrap();
    assert_eq!(Repr::parse_unverified(&m), Err(WireError::Truncated));
}

#[test]
fn rfc4443_2_1_unknown_type_is_preserved() {
    let (src, dst) = ("2001:db8::1".parse().unwrap(), "2001:db8::2".parse().unwrap());
    let r = Repr::Other { msg_type: Icmpv6Type(200), code: 7, body: &[9, 9, 9] };
    let b = emit(&r, src, dst);
    assert_eq!(Repr::parse(&Message::new_checked(&b[..]).unwrap(), src, dst), Ok(r));
    assert_eq!(r.to_string(), "ICMP6, type-#200, code 7");
    assert!(format!("{r:#}").ends_with("length 7"));
}

proptest! {
    #[test]
    fn any_message_re_emits_exactly(mut bytes in proptest::collection::vec(any::<u8>(), 4..96),
                                    ty in prop::sample::select(vec![1u8, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 143, 200]),
                                    code in prop::sample::select(vec![0u8, 1])) {
        let (src, dst): (Ipv6Addr, Ipv6Addr) = ("fe80::1".parse().unwrap(), "ff02::1".parse().unwrap());
        bytes[0] = ty;
        bytes[1] = code;
        Message::new_unchecked(&mut bytes[..]).fill_checksum(src, dst).unwrap();
        let m = Message::new_checked(&bytes[..]).unwrap();
        if let Ok(r) = Repr::parse(&m, src, dst) {
            prop_assert_eq!(emit(&r, src, dst), bytes.clone());
            let _ = format!("{r} {r:#}");
        }
    }

    #[test]
    fn echo_repr_round_trip(ident in any::<u16>(), seq_no in any::<u16>(), data in proptest::collection::vec(any::<u8>(), 0..32), reply in any::<bool>()) {
        let (src, dst): (Ipv6Addr, Ipv6Addr) = ("2001:db8::1".parse().unwrap(), "2001:db8::2".parse().unwrap());
        let r = if reply { Repr::EchoReply { ident, seq_no, data: &data } } else { Repr::EchoRequest { ident, seq_no, data: &data } };
        let b = emit(&r, src, dst);
        prop_assert_eq!(Repr::parse(&Message::new_checked(&b[..]).unwrap(), src, dst).unwrap(), r);
    }
}
