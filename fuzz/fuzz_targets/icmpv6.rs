//! ICMPv6, NDP and MLD: parsing any message must never panic; whatever parses must re-emit
//! byte for byte (checksum refilled) and parse back equal.
#![no_main]

use std::net::Ipv6Addr;

use libfuzzer_sys::fuzz_target;
use unet_ipv6::icmp::{Message, Repr};
use unet_ipv6::ndp::{NdpOption, NdpOptions};

const SRC: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
const DST: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);

fuzz_target!(|data: &[u8]| {
    // NDP options on raw bytes.
    if let Ok(opts) = NdpOptions::parse(data) {
        let mut at = 0;
        for o in opts.iter() {
            let mut out = vec![0u8; o.buffer_len()];
            assert_eq!(o.emit(&mut out), Ok(out.len()));
            assert_eq!(&out[..], &data[at..at + out.len()]);
            assert_eq!(NdpOption::parse(&out), Ok((o, out.len())));
            let _ = format!("{o}");
            at += out.len();
        }
        assert_eq!(at, data.len());
    }

    let Ok(msg) = Message::new_checked(data) else { return };
    let _ = (msg.msg_type(), msg.msg_code(), msg.checksum(), msg.verify_checksum(SRC, DST));
    let Ok(repr) = Repr::parse_unverified(&msg) else { return };
    let _ = format!("{repr} {repr:#}");
    assert_eq!(repr.buffer_len(), data.len());

    let mut out = vec![0xa5u8; repr.buffer_len()];
    repr.emit(&mut Message::new_unchecked(&mut out[..]), SRC, DST).expect("emit of a parsed Repr");
    let mut expected = data.to_vec();
    Message::new_unchecked(&mut expected[..]).fill_checksum(SRC, DST).expect("fill");
    assert_eq!(out, expected);
    let again = Message::new_checked(&out[..]).expect("re-check");
    assert_eq!(Repr::parse(&again, SRC, DST), Ok(repr));
});
