//! NDP message tests: captures, RFC 4861 validation rules, round trips.
use super::option::{NdpOption, Pref64};
use super::*;
use crate::icmp::{Message, Repr};
use crate::packet::Packet;
use crate::testutil::*;
extern crate std;
use proptest::prelude::*;
use std::format;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

/// The ICMPv6 message of an Ethernet frame with no extension headers, checksum verified.
fn icmp_of(frame: &str) -> (Vec<u8>, Ipv6Addr, Ipv6Addr) {
    let ip = ip_of_frame(frame);
    let p = Packet::new_checked(&ip[..]).unwrap();
    (p.payload().to_vec(), p.src_addr(), p.dst_addr())
}

fn ndp_of(msg: &[u8], src: Ipv6Addr, dst: Ipv6Addr) -> NdpRepr<'_> {
    match Repr::parse(&Message::new_checked(msg).unwrap(), src, dst).unwrap() {
        Repr::Ndp(n) => n,
        other => panic!("{other:?}"),
    }
}

fn re_emit(repr: &Repr<'_>, src: Ipv6Addr, dst: Ipv6Addr) -> Vec<u8> {
    let mut out = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Message::new_unchecked(&mut out[..]), src, dst).unwrap();
    out
}

#[test]
fn rfc4861_4_2_router_advert_from_capture() {
    let (msg, src, dst) = icmp_of(RA_FRAME);
    let n = ndp_of(&msg, src, dst);
    let NdpRepr::RouterAdvert { cur_hop_limit, flags, router_lifetime, options, .. } = n else {
        panic!("{n:?}")
    };
    assert_eq!((cur_hop_limit, router_lifetime), (64, 15));
    assert!(flags.contains(RouterFlags::HOME_AGENT) && !flags.contains(RouterFlags::MANAGED));
    assert_eq!(flags.preference(), RouterPreference::Medium);
    let opts: Vec<NdpOption<'_>> = options.iter().collect();
    assert_eq!(opts.len(), 7);
    let NdpOption::PrefixInformation(p) = opts[0] else { panic!("{:?}", opts[0]) };
    assert_eq!((p.prefix_len, p.valid_lifetime, p.preferred_lifetime), (72, 2592000, 604800));
    assert!(p.flags.contains(option::PrefixFlags::ON_LINK | option::PrefixFlags::AUTONOMOUS));
    assert_eq!(p.prefix, "2222:3333:4444:5555:6600::".parse::<Ipv6Addr>().unwrap());
    let NdpOption::Rdnss { lifetime, addresses, .. } = opts[1] else { panic!() };
    assert_eq!(lifetime, 5);
    let addrs: Vec<Ipv6Addr> = option::addresses(addresses).collect();
    assert_eq!(addrs, ["abcd::efef".parse::<Ipv6Addr>().unwrap(), "1234:5678::1".parse().unwrap()]);
    assert!(matches!(opts[2], NdpOption::Dnssl { lifetime: 5, .. }));
    assert_eq!(opts[3], NdpOption::Mtu { reserved: 0, mtu: 100 });
    assert_eq!(
        options.source_link_layer_addr(),
        Some(LinkLayerAddress::Ethernet("b0:99:28:c8:d6:6c".parse().unwrap()))
    );
    assert_eq!(opts[5].option_type(), NdpOptionType::ADVERTISEMENT_INTERVAL);
    assert!(matches!(opts[6], NdpOption::Unknown { option_type: NdpOptionType(8), .. }));
    assert_eq!(re_emit(&Repr::Ndp(n), src, dst), msg);
    let text = format!("{:#}", Repr::Ndp(n));
    assert!(
        text.contains("dnssl lifetime 5s domain(s): example.com. example.org. dom1.dom2.tld."),
        "{text}"
    );
    assert!(
        text.contains(
            "prefix info 2222:3333:4444:5555:6600::/72 [onlink, auto] valid 2592000s pref 604800s"
        ),
        "{text}"
    );
    assert!(text.contains("rdnss lifetime 5s addr: abcd::efef 1234:5678::1"), "{text}");
    assert_eq!(Repr::Ndp(n).to_string(), "ICMP6, router advertisement");
}

#[test]
fn rfc8781_4_pref64_from_capture() {
    let frames = hex(RA_PREF64_FRAME);
    let (msg, src, dst) = icmp_of(RA_PREF64_FRAME);
    assert_eq!(frames.len(), 126);
    let n = ndp_of(&msg, src, dst);
    let NdpRepr::RouterAdvert { flags, router_lifetime, options, .. } = n else { panic!() };
    assert!(flags.contains(RouterFlags::OTHER));
    assert_eq!(router_lifetime, 500);
    let pref = options.iter().find_map(|o| match o {
        NdpOption::Pref64(p) => Some(p),
        _ => None,
    });
    let p: Pref64 = pref.unwrap();
    assert_eq!((p.lifetime(), p.prefix_len()), (0, Some(96)));
    assert_eq!(p.prefix_addr(), "2001:db8:1:64:ff9b::".parse::<Ipv6Addr>().unwrap());
    assert_eq!(re_emit(&Repr::Ndp(n), src, dst), msg);
    // The capture's second frame carries an invalid Prefix Length Code (6): kept, not lost.
    let (word, _) = (0x070eu16, ());
    let bad = Pref64 { scaled_lifetime: word >> 3, plc: (word & 7) as u8, prefix: p.prefix };
    assert_eq!((bad.lifetime(), bad.prefix_len()), (1800, None));
}

#[test]
fn rfc4861_4_3_neighbor_solicit_with_nonce_from_capture() {
    let (msg, src, dst) = icmp_of(NS_NONCE_FRAME);
    assert!(src.is_unspecified());
    let n = ndp_of(&msg, src, dst);
    let target: Ipv6Addr = "fe80::546f:f7ff:fee1:f".parse().unwrap();
    assert!(matches!(n, NdpRepr::NeighborSolicit { target_addr, .. } if target_addr == target));
    assert_eq!(
        n.options().iter().next(),
        Some(NdpOption::Nonce(&[0x60, 0x69, 0x60, 0x4c, 0x0a, 0xaa]))
    );
    assert_eq!(
        Repr::Ndp(n).to_string(),
        "ICMP6, neighbor solicitation, who has fe80::546f:f7ff:fee1:f"
    );
    assert!(format!("{:#}", Repr::Ndp(n)).contains("nonce 60:69:60:4c:0a:aa"));
    assert_eq!(re_emit(&Repr::Ndp(n), src, dst), msg);
}

#[test]
fn rfc4861_4_6_option_length_zero_is_bad_option() {
    let body = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(NdpRepr::parse(Icmpv6Type::ROUTER_SOLICIT, 0, &body), Err(WireError::BadOption));
    // An option that runs past the message.
    let body = [0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(NdpRepr::parse(Icmpv6Type::ROUTER_SOLICIT, 0, &body), Err(WireError::BadOption));
}

#[test]
fn rfc4861_6_1_1_nonzero_code_is_malformed() {
    assert_eq!(NdpRepr::parse(Icmpv6Type::ROUTER_SOLICIT, 1, &[0; 4]), Err(WireError::Malformed));
}

#[test]
fn rfc4861_7_1_1_multicast_target_is_malformed() {
    let mut body = vec![0u8; 20];
    body[4] = 0xff;
    assert_eq!(NdpRepr::parse(Icmpv6Type::NEIGHBOR_SOLICIT, 0, &body), Err(WireError::Malformed));
    assert_eq!(NdpRepr::parse(Icmpv6Type::NEIGHBOR_ADVERT, 0, &body), Err(WireError::Malformed));
    assert_eq!(
        NdpRepr::parse(Icmpv6Type::NEIGHBOR_SOLICIT, 0, &body[..19]),
        Err(WireError::Truncated)
    );
}

#[test]
fn rfc4861_4_4_neighbor_advert_flags_and_target_link_layer() {
    let mut opts = [0u8; 8];
    let mac = "02:00:00:00:00:01".parse().unwrap();
    NdpOption::TargetLinkLayerAddr(LinkLayerAddress::Ethernet(mac)).emit(&mut opts).unwrap();
    let n = NdpRepr::NeighborAdvert {
        flags: NeighborFlags::SOLICITED | NeighborFlags::OVERRIDE,
        target_addr: "2001:db8::2".parse().unwrap(),
        options: NdpOptions::parse(&opts).unwrap(),
    };
    let (src, dst) = ("2001:db8::2".parse().unwrap(), "2001:db8::1".parse().unwrap());
    let bytes = re_emit(&Repr::Ndp(n), src, dst);
    assert_eq!(bytes[4], 0x60);
    assert_eq!(ndp_of(&bytes, src, dst), n);
    assert_eq!(n.options().target_link_layer_addr(), Some(LinkLayerAddress::Ethernet(mac)));
    assert_eq!(format!("{:#}", Repr::Ndp(n)),
        "ICMP6, neighbor advertisement, tgt is 2001:db8::2, Flags [solicited, override] (0x60000000); \
         target link-address 02:00:00:00:00:01, length 32");
}

#[test]
fn rfc4861_4_5_redirect_round_trip() {
    let n = NdpRepr::Redirect {
        reserved: 0,
        target_addr: "fe80::1".parse().unwrap(),
        dest_addr: "2001:db8::9".parse().unwrap(),
        options: NdpOptions::empty(),
    };
    let (src, dst) = ("fe80::2".parse().unwrap(), "fe80::3".parse().unwrap());
    let bytes = re_emit(&Repr::Ndp(n), src, dst);
    assert_eq!(bytes.len(), 40);
    assert_eq!(ndp_of(&bytes, src, dst), n);
    assert_eq!(Repr::Ndp(n).to_string(), "ICMP6, redirect, 2001:db8::9 to fe80::1");
}

fn ndp_strategy() -> impl Strategy<Value = (u8, Vec<u8>)> {
    (133u8..=137, proptest::collection::vec(any::<u8>(), 0..48))
}

proptest! {
    #[test]
    fn ndp_bytes_round_trip((ty, mut body) in ndp_strategy(), opts in proptest::collection::vec(any::<u8>(), 0..64)) {
        body.extend_from_slice(&opts);
        if let Ok(n) = NdpRepr::parse(Icmpv6Type(ty), 0, &body) {
            let mut out = vec![0u8; n.body_len()];
            n.emit(&mut out).unwrap();
            prop_assert_eq!(&out, &body);
            prop_assert_eq!(NdpRepr::parse(Icmpv6Type(ty), 0, &out).unwrap(), n);
            let _ = format!("{:#}", Repr::Ndp(n));
        }
    }

    #[test]
    fn router_advert_repr_round_trip(hl in any::<u8>(), fl in any::<u8>(), lt in any::<u16>(),
                                     reach in any::<u32>(), retrans in any::<u32>(), mtu in any::<u32>()) {
        let mut opts = [0u8; 8];
        NdpOption::Mtu { reserved: 0, mtu }.emit(&mut opts).unwrap();
        let n = NdpRepr::RouterAdvert { cur_hop_limit: hl, flags: RouterFlags::from_bits_retain(fl),
            router_lifetime: lt, reachable_time: reach, retrans_time: retrans,
            options: NdpOptions::parse(&opts).unwrap() };
        let mut out = vec![0u8; n.body_len()];
        n.emit(&mut out).unwrap();
        prop_assert_eq!(NdpRepr::parse(Icmpv6Type::ROUTER_ADVERT, 0, &out).unwrap(), n);
    }
}
