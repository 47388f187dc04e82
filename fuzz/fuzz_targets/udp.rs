//! UDP (RFC 768): every input either fails `new_checked` with a typed error or parses, and a
//! parsed datagram re-emits byte for byte and re-parses to the same `Repr`, over both IP
//! versions' checksums.
#![no_main]

use core::net::{Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use unet_udp::{Packet, Repr};

fuzz_target!(|data: &[u8]| {
    let Ok(packet) = Packet::new_checked(data) else { return };
    let _ = format!("{packet} {packet:#}");
    let repr = Repr::parse_without_checksum(&packet).expect("new_checked passed");
    let _ = format!("{repr} {repr:#}");
    let (s4, d4) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2));
    let (s6, d6) = (Ipv6Addr::LOCALHOST, Ipv6Addr::UNSPECIFIED);
    let _ = packet.verify_checksum(&s4, &d4);
    let _ = packet.verify_checksum(&s6, &d6);

    // Header-only re-emit with the original checksum reproduces the datagram.
    let mut out = packet.datagram().to_vec();
    let mut view = Packet::new_unchecked(&mut out[..]);
    repr.emit_header(&mut view).expect("fits");
    view.set_checksum(packet.checksum());
    assert_eq!(&out[..], packet.datagram());

    // A checksummed emit verifies and re-parses to the same header.
    let mut out = packet.datagram().to_vec();
    repr.emit(&mut Packet::new_unchecked(&mut out[..]), &s6, &d6).expect("fits");
    let again = Packet::new_checked(&out[..]).expect("emitted datagram is well-formed");
    assert_eq!(Repr::parse(&again, &s6, &d6), Ok(repr));
});
