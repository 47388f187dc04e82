//! Ethernet: the frame view, `Repr` parse/emit/re-parse, tag iteration, and FCS
//! verification must never panic; whatever parses must re-emit byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_ethernet::{fcs, Frame, Repr};

fn check(data: &[u8]) {
    // Unchecked views must not panic on accessors that are bounds-safe by design.
    let unchecked = Frame::new_unchecked(data);
    let unchecked_parse = Repr::parse(&unchecked);

    let Ok(frame) = Frame::new_checked(data) else {
        assert!(unchecked_parse.is_err());
        return;
    };
    // Every accessor, after new_checked.
    let _ = (frame.dst_addr(), frame.src_addr(), frame.ethertype(), frame.is_802_3());
    assert_eq!(frame.vlan_tags().count(), frame.tag_count());
    assert!(frame.header_len() + frame.payload().len() == data.len());

    let Ok(repr) = Repr::parse(&frame) else { return };
    assert_eq!(unchecked_parse, Ok(repr));
    assert_eq!(repr.header_len(), frame.header_len());
    let _ = format!("{repr} {repr:#}");

    // Re-emit over a scrambled copy: the header must come back exactly.
    let mut out = data.to_vec();
    out[..repr.header_len()].fill(0xa5);
    repr.emit(&mut Frame::new_unchecked(&mut out[..])).expect("emit of a parsed Repr");
    assert_eq!(out, data);
    let again = Repr::parse(&Frame::new_checked(&out[..]).expect("re-check")).expect("re-parse");
    assert_eq!(again, repr);
}

fuzz_target!(|data: &[u8]| {
    check(data);
    // The same bytes as a frame that carries an FCS.
    if let Ok(inner) = fcs::verify(data) {
        check(inner);
    }
    let mut with_fcs = data.to_vec();
    with_fcs.extend_from_slice(&fcs::bytes(data));
    assert_eq!(fcs::verify(&with_fcs), Ok(data));
    assert_eq!(fcs::compute(&with_fcs), fcs::RESIDUE);
});
