//! IPv6: the fixed header, the extension header chain walker and every extension header
//! parser must never panic; whatever parses must re-emit byte for byte and parse back equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_core::IpProtocol;
use unet_ipv6::ext::options::{Ipv6Option, Options};
use unet_ipv6::{Chain, ExtHeader, ExtHeaders, Packet, Repr, Summary};

fuzz_target!(|data: &[u8]| {
    let _ = format!("{} {:#}", Summary(data), Summary(data));

    // The option walker on raw bytes: each item re-emits its own bytes.
    let mut at = 0;
    for item in Options::new(data) {
        let Ok(option) = item else { break };
        let mut out = vec![0u8; option.buffer_len()];
        assert_eq!(option.emit(&mut out), Ok(out.len()));
        assert_eq!(&out[..], &data[at..at + out.len()]);
        assert_eq!(Ipv6Option::parse(&out), Ok((option, out.len())));
        at += out.len();
    }

    // Every extension header type over the raw bytes, then the chain from each start.
    if let Some((&first, rest)) = data.split_first() {
        let first = IpProtocol(first);
        if let Ok(h) = ExtHeader::parse(first, rest) {
            let mut out = vec![0u8; h.header_len()];
            h.emit(&mut out).expect("emit of a parsed header");
            assert_eq!(&out[..], &rest[..h.header_len()]);
            assert_eq!(ExtHeader::parse(first, &out), Ok(h));
            let _ = format!("{h} {h:#}");
        }
        let mut walk = ExtHeaders::new(first, rest);
        let mut walked = 0;
        for h in walk.by_ref() {
            let Ok(h) = h else { break };
            walked += h.header_len();
        }
        assert!(walked <= rest.len());
        if let Ok(chain) = Chain::parse(first, rest) {
            assert_eq!(chain.upper_offset(), walked);
            let mut out = vec![0u8; chain.upper_offset()];
            let mut at = 0;
            for h in chain.headers() {
                let h = h.expect("a validated chain re-walks without error");
                h.emit(&mut out[at..]).expect("emit");
                at += h.header_len();
            }
            assert_eq!(&out[..], &rest[..chain.upper_offset()]);
            let _ = (chain.payload(), chain.final_destination(std::net::Ipv6Addr::LOCALHOST));
        }
    }

    let Ok(packet) = Packet::new_checked(data) else { return };
    let _ = (packet.version(), packet.traffic_class(), packet.flow_label(), packet.hop_limit());
    let Ok(repr) = Repr::parse(&packet) else { return };
    let _ = format!("{repr} {repr:#}");
    let total = repr.buffer_len();
    let mut out = data[..total].to_vec();
    out[..repr.header_len()].fill(0xa5);
    repr.emit(&mut Packet::new_unchecked(&mut out[..])).expect("emit of a parsed Repr");
    assert_eq!(&out[..], &data[..total]);
    assert_eq!(Repr::parse(&Packet::new_checked(&out[..]).expect("re-check")), Ok(repr));
});
