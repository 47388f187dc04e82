//! TCP (RFC 9293): every input either fails with a typed error or parses; a parsed segment
//! re-emits byte for byte (options raw), re-parses to the same `Repr`, and its options,
//! rebuilt from typed values, emit a canonical list that parses back to the same values.
#![no_main]

use core::net::{Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use unet_tcp::{OptionIter, OptionSet, Repr, Segment, TcpOptions};

fuzz_target!(|data: &[u8]| {
    // The option parser on its own, over arbitrary bytes.
    let _ = OptionIter::new(data).count();
    let _ = TcpOptions::parse(data).map(|o| o.to_set());

    let Ok(segment) = Segment::new_checked(data) else { return };
    let _ = format!("{segment} {segment:#}");
    let _ = segment.option_iter().count();
    let (s4, d4) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2));
    let (s6, d6) = (Ipv6Addr::LOCALHOST, Ipv6Addr::UNSPECIFIED);
    let _ = segment.verify_checksum(&s4, &d4);
    let _ = segment.verify_checksum(&s6, &d6);
    let Ok(repr) = Repr::parse_without_checksum(&segment) else { return };
    let _ = format!("{repr} {repr:#}");
    assert_eq!(repr.buffer_len(), data.len());

    // Raw options: the header re-emits exactly.
    let mut out = data.to_vec();
    let mut view = Segment::new_unchecked(&mut out[..]);
    repr.emit_header(&mut view).expect("parsed header fits");
    view.set_checksum(segment.checksum());
    assert_eq!(&out[..], data);

    // A checksummed emit verifies and parses back to the same Repr.
    let mut out = data.to_vec();
    repr.emit(&mut Segment::new_unchecked(&mut out[..]), &s4, &d4).expect("fits");
    let again = Segment::new_checked(&out[..]).expect("well-formed");
    assert_eq!(Repr::parse(&again, &s4, &d4), Ok(repr));

    // Typed options: the canonical layout of the same values parses back to them.
    let set = repr.options.to_set();
    if set.buffer_len() <= unet_tcp::MAX_OPTIONS_LEN {
        let typed = Repr { options: TcpOptions::Typed(set), ..repr };
        let mut out = vec![0u8; typed.buffer_len()];
        out[typed.header_len()..].copy_from_slice(segment.payload());
        typed.emit(&mut Segment::new_unchecked(&mut out[..]), &s6, &d6).expect("fits");
        let again = Segment::new_checked(&out[..]).expect("well-formed");
        let parsed = Repr::parse(&again, &s6, &d6).expect("valid");
        assert_eq!(parsed, typed);
        assert_eq!(parsed.options.to_set(), set);
        assert_eq!(OptionSet::from_options(again.option_iter()), Ok(set));
    }
});
