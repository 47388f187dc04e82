//! IPv4: the header view, the `Repr` and the options walk must never panic; whatever parses
//! must re-emit its header byte for byte (checksum recomputed) and parse back equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_ipv4::{Checks, Ipv4Option, Options, Packet, Repr};

fuzz_target!(|data: &[u8]| {
    // Every option field is walked safely, and every item re-emits its own bytes.
    let mut at = 0;
    for item in Options::new(data) {
        let Ok(option) = item else { break };
        let mut out = vec![0u8; option.buffer_len()];
        assert_eq!(option.emit(&mut out), Ok(out.len()));
        assert_eq!(&out[..], &data[at..at + out.len()]);
        assert_eq!(Ipv4Option::parse(&out), Ok((option, out.len())));
        let _ = format!("{option} {option:#}");
        at += out.len();
    }

    // The header-only view (as ICMP errors quote datagrams).
    if let Ok(quoted) = Packet::new_checked_header(data) {
        let _ = (quoted.payload(), quoted.options(), quoted.src_addr(), quoted.dst_addr());
    }

    let Ok(packet) = Packet::new_checked(data) else { return };
    let _ = (packet.version(), packet.dscp(), packet.ecn(), packet.identification());
    let _ = (packet.flags(), packet.frag_offset_bytes(), packet.is_fragment(), packet.ttl());
    let _ = (packet.protocol(), packet.checksum(), packet.verify_checksum());
    assert!(packet.payload().len() + packet.header_len() == usize::from(packet.total_len()));

    let Ok(repr) = Repr::parse_with(&packet, Checks::OFFLOADED) else { return };
    assert_eq!(repr.buffer_len(), usize::from(packet.total_len()));
    let _ = format!("{repr} {repr:#} {}", repr.with_payload("x"));
    for item in repr.options() {
        assert!(item.is_ok(), "parse accepted a bad option");
    }

    // Re-emit over a scrambled header: it must match the input with its checksum refilled.
    let total = repr.buffer_len();
    let mut out = data[..total].to_vec();
    out[..repr.header_len()].fill(0xa5);
    repr.emit(&mut Packet::new_unchecked(&mut out[..])).expect("emit of a parsed Repr");
    let mut expected = data[..total].to_vec();
    Packet::new_unchecked(&mut expected[..]).fill_checksum();
    assert_eq!(out, expected);
    let again = Packet::new_checked(&out[..]).expect("re-check");
    assert_eq!(Repr::parse(&again), Ok(repr));
});
