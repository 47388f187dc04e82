//! ICMPv4: the message view and `Repr` must never panic; whatever parses must re-emit with
//! the same length, verify, and parse back equal (unused bytes may come back as zero).
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_ipv4::icmp::{Packet, Repr};
use unet_ipv4::Checks;

fuzz_target!(|data: &[u8]| {
    let Ok(packet) = Packet::new_checked(data) else { return };
    let _ = (packet.msg_type(), packet.msg_code(), packet.checksum(), packet.rest_of_header());
    let _ = (packet.ident(), packet.seq_no(), packet.gateway(), packet.pointer());
    let _ = (packet.rfc4884_length(), packet.next_hop_mtu(), packet.data(), packet.verify_checksum());

    let Ok(repr) = Repr::parse_with(&packet, Checks::OFFLOADED) else { return };
    let _ = format!("{repr} {repr:#}");
    let _ = (repr.msg_type(), repr.code(), repr.quoted_datagram(), repr.router_entries().count());
    assert_eq!(repr.buffer_len(), data.len());

    let mut out = vec![0xa5u8; repr.buffer_len()];
    repr.emit(&mut Packet::new_unchecked(&mut out[..])).expect("emit of a parsed Repr");
    let again = Packet::new_checked(&out[..]).expect("re-check");
    assert!(again.verify_checksum());
    assert_eq!(Repr::parse(&again), Ok(repr));
    // Types with no unused bytes come back exactly (checksum aside).
    if matches!(repr, Repr::EchoRequest { .. } | Repr::EchoReply { .. } | Repr::Other { .. }) {
        assert_eq!(&out[4..], &data[4..]);
    }
});
