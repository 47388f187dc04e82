//! Property tests: round trips for every encoder/decoder pair, and arbitrary input never
//! panics.

extern crate std;
use std::{format, string::String, vec, vec::Vec};

use core::net::Ipv4Addr;
use proptest::prelude::*;

use crate::option::{
    ClasslessRoute, ClasslessRoutes, DhcpOption, DomainSearch, OptionBuilder, OptionCode,
    OptionIter, Options,
};
use crate::{fixed_field, Flags, HardwareType, Message, Op, Repr, Vendor};

/// Options as (code, data), codes that are neither Pad nor End, data up to 600 octets so
/// that RFC 3396 splitting happens.
fn raw_options() -> impl Strategy<Value = Vec<(u8, Vec<u8>)>> {
    proptest::collection::vec(
        (
            1u8..=254,
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..8),
                proptest::collection::vec(any::<u8>(), 250..600),
            ],
        ),
        0..6,
    )
}

fn build(opts: &[(u8, Vec<u8>)], pad: bool) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    let mut b = OptionBuilder::new(&mut buf);
    for (c, d) in opts {
        b.push_raw(OptionCode(*c), d).unwrap();
    }
    let n = b.finish(pad).unwrap();
    buf.truncate(n);
    buf
}

/// A label escaped as DNS master files do, written independently of `name.rs`.
fn escape(label: &[u8]) -> String {
    let mut s = String::new();
    for &b in label {
        match b {
            b'.' => s.push_str("\\."),
            b'\\' => s.push_str("\\\\"),
            0x21..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\{b:03}")),
        }
    }
    s
}

fn names() -> impl Strategy<Value = Vec<Vec<Vec<u8>>>> {
    // A small label pool makes shared suffixes (and so compression) common.
    let label = prop_oneof![
        Just(b"com".to_vec()),
        Just(b"example".to_vec()),
        Just(b"a.b".to_vec()),
        proptest::collection::vec(any::<u8>(), 1..12),
    ];
    proptest::collection::vec(proptest::collection::vec(label, 1..5), 1..8)
}

proptest! {
    #[test]
    fn repr_parse_emit_round_trip(
        op in 1u8..=2, htype in any::<u8>(), hlen in any::<u8>(), hops in any::<u8>(),
        xid in any::<u32>(), secs in any::<u16>(), flags in any::<u16>(),
        addrs in any::<[u32; 4]>(), chaddr in any::<[u8; 16]>(),
        sname in proptest::collection::vec(any::<u8>(), 64),
        file in proptest::collection::vec(any::<u8>(), 128),
        opts in raw_options(), pad in any::<bool>(),
    ) {
        let options = build(&opts, pad);
        let repr = Repr {
            op: Op(op),
            htype: HardwareType(htype),
            hlen,
            hops,
            xid,
            secs,
            flags: Flags::from_bits_retain(flags),
            ciaddr: Ipv4Addr::from(addrs[0]),
            yiaddr: Ipv4Addr::from(addrs[1]),
            siaddr: Ipv4Addr::from(addrs[2]),
            giaddr: Ipv4Addr::from(addrs[3]),
            chaddr,
            sname: fixed_field(&sname).unwrap(),
            file: fixed_field(&file).unwrap(),
            vendor: Vendor::Options(&options),
        };
        let mut buf = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Message::new_unchecked(&mut buf[..])).unwrap();
        if pad {
            prop_assert!(buf.len() >= 300);
        }
        // `file`/`sname` are random: they may be overloaded by a random option 52 and then
        // hold malformed options, which parse rightly rejects.
        match Repr::parse(&Message::new_checked(&buf[..]).unwrap()) {
            Ok(back) => {
                prop_assert_eq!(back, repr);
                let mut again = vec![0u8; back.buffer_len()];
                back.emit(&mut Message::new_unchecked(&mut again[..])).unwrap();
                prop_assert_eq!(again, buf);
            }
            Err(e) => {
                prop_assert_eq!(e, unet_core::WireError::BadOption);
                prop_assert!(!repr.overload().is_empty());
            }
        }
    }

    #[test]
    fn rfc3396_builder_split_and_join(opts in raw_options()) {
        let bytes = build(&opts, false);
        // Each pushed option becomes ceil(len / 255) instances (at least one).
        let instances: usize = opts.iter().map(|(_, d)| d.len().div_ceil(255).max(1)).sum();
        prop_assert_eq!(OptionIter::new(&bytes).filter(|o| o.is_ok()).count(), instances);
        for (code, _) in &opts {
            let expect: Vec<u8> =
                opts.iter().filter(|(c, _)| c == code).flat_map(|(_, d)| d.clone()).collect();
            let mut buf = vec![0u8; expect.len()];
            // Options 52 in the list may switch on (empty) file/sname: harmless.
            let got = Options::new(&bytes, &[], &[]).join(OptionCode(*code), &mut buf).unwrap();
            prop_assert_eq!(got, Some(&expect[..]));
        }
    }

    #[test]
    fn rfc3397_domain_search_encode_decode(list in names()) {
        let texts: Vec<String> = list
            .iter()
            .map(|labels| labels.iter().map(|l| escape(l)).collect::<Vec<_>>().join("."))
            .collect();
        let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
        let mut buf = vec![0u8; 4096];
        let n = DomainSearch::encode(&refs, &mut buf).unwrap();
        let uncompressed: usize =
            list.iter().map(|l| 1 + l.iter().map(|x| 1 + x.len()).sum::<usize>()).sum();
        prop_assert!(n <= uncompressed);
        let ds = DomainSearch::new(&buf[..n]).unwrap();
        let mut it = ds.names();
        let mut name = [0u8; 1024];
        for t in &texts {
            let got = it.next_into(&mut name).unwrap().unwrap();
            prop_assert_eq!(got, t.as_str());
        }
        prop_assert!(it.next_into(&mut name).is_none());
        // Split over several options (RFC 3396) and joined again, it decodes the same.
        let mut opts = vec![0u8; 8192];
        let mut b = OptionBuilder::new(&mut opts);
        b.push_raw(OptionCode::DOMAIN_SEARCH, &buf[..n]).unwrap();
        let m = b.finish(false).unwrap();
        let mut joined = vec![0u8; n];
        let typed = Options::new(&opts[..m], &[], &[]).get(OptionCode::DOMAIN_SEARCH, &mut joined);
        prop_assert_eq!(typed, Ok(Some(DhcpOption::DomainSearch(ds))));
    }

    #[test]
    fn rfc3442_classless_routes_round_trip(
        routes in proptest::collection::vec((0u8..=32, any::<u32>(), any::<u32>()), 1..20)
    ) {
        let routes: Vec<ClasslessRoute> = routes
            .into_iter()
            .map(|(len, d, r)| {
                // Octets past the significant ones are not on the wire: zero them.
                let keep = usize::from(len).div_ceil(8);
                let mut o = d.to_be_bytes();
                o[keep..].fill(0);
                ClasslessRoute { destination: Ipv4Addr::from(o), prefix_len: len, router: Ipv4Addr::from(r) }
            })
            .collect();
        let mut buf = vec![0u8; 200];
        let n = ClasslessRoutes::encode(&routes, &mut buf).unwrap();
        let parsed = ClasslessRoutes::new(&buf[..n]).unwrap();
        prop_assert_eq!(parsed.iter().collect::<Vec<_>>(), routes);
    }

    #[test]
    fn typed_option_parse_emit_round_trip(code in any::<u8>(), data in proptest::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(o) = DhcpOption::parse(OptionCode(code), &data) {
            prop_assert_eq!(o.code(), OptionCode(code));
            prop_assert_eq!(o.data_len(), data.len());
            let mut out = vec![0u8; data.len()];
            prop_assert_eq!(o.emit_data(&mut out), Ok(data.len()));
            prop_assert_eq!(&out, &data);
            let _ = format!("{o}");
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..400), cookie in any::<bool>()) {
        if cookie && bytes.len() >= 240 {
            bytes[236..240].copy_from_slice(&crate::MAGIC_COOKIE);
        }
        if let Ok(msg) = Message::new_checked(&bytes[..]) {
            if let Ok(repr) = Repr::parse(&msg) {
                let mut out = vec![0u8; repr.buffer_len()];
                repr.emit(&mut Message::new_unchecked(&mut out[..])).unwrap();
                prop_assert_eq!(&out, &bytes);
                let _ = format!("{repr} {repr:#}");
                for o in repr.options().flatten() {
                    let mut buf = [0u8; 512];
                    let _ = repr.get(o.code, &mut buf);
                }
            }
        }
        // Every typed decoder on raw bytes, and the domain search name walk.
        for code in [33u8, 55, 61, 81, 82, 119, 121] {
            if let Ok(o) = DhcpOption::parse(OptionCode(code), &bytes) {
                let _ = format!("{o}");
            }
        }
        if let Ok(ds) = DomainSearch::new(&bytes) {
            let mut it = ds.names();
            let mut name = [0u8; 1024];
            while let Some(n) = it.next_into(&mut name) {
                n.unwrap();
            }
        }
    }
}
