//! ARP: the packet view (any hardware/protocol type) and the Ethernet/IPv4 `Repr` must
//! never panic; whatever parses must re-emit byte for byte, padding untouched.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_arp::{Packet, Repr};
use unet_core::WireError;

fuzz_target!(|data: &[u8]| {
    // The unchecked view's Display and address accessors are bounds-safe.
    let _ = format!("{}", Packet::new_unchecked(data));
    let unchecked_parse = Repr::parse(&Packet::new_unchecked(data));

    let Ok(packet) = Packet::new_checked(data) else {
        assert_eq!(unchecked_parse, Err(WireError::Truncated));
        return;
    };
    // Every accessor, after new_checked.
    let _ = (packet.hardware_type(), packet.protocol_type(), packet.operation());
    let (h, p) = (usize::from(packet.hardware_len()), usize::from(packet.protocol_len()));
    assert_eq!(packet.source_hardware_addr().len(), h);
    assert_eq!(packet.source_protocol_addr().len(), p);
    assert_eq!(packet.target_hardware_addr().len(), h);
    assert_eq!(packet.target_protocol_addr().len(), p);
    assert_eq!(packet.packet_len() + packet.padding().len(), data.len());
    let _ = format!("{packet}");

    let Ok(repr) = Repr::parse(&packet) else { return };
    assert_eq!(unchecked_parse, Ok(repr));
    assert_eq!(packet.packet_len(), repr.buffer_len());
    let _ = format!("{repr} {repr:#}");

    // Re-emit over a scrambled copy: the packet must come back exactly, padding untouched.
    let mut out = data.to_vec();
    out[..repr.buffer_len()].fill(0xa5);
    repr.emit(&mut Packet::new_unchecked(&mut out[..])).expect("emit of a parsed Repr");
    assert_eq!(out, data);
    let again = Repr::parse(&Packet::new_checked(&out[..]).expect("re-check")).expect("re-parse");
    assert_eq!(again, repr);
});
