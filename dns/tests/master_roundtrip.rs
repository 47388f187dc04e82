//! Property: for RDATA of every type unet-dns types, the presentation form it prints (dig's,
//! `RData`'s `Display`) reads back through the master file reader to the same wire bytes.

use proptest::collection::vec;
use proptest::prelude::*;
use unet_dns::master::MasterReader;
use unet_dns::rdata::TypeBitmap;
use unet_dns::{NameBuf, RData, RecordType};

fn label() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![vec(any::<u8>(), 1..8), "[a-z0-9-]{1,12}".prop_map(|s| s.into_bytes())]
}

/// A name in wire form.
fn name() -> impl Strategy<Value = Vec<u8>> {
    vec(label(), 0..4).prop_map(|labels| {
        let mut n = NameBuf::root();
        for l in labels {
            n.push_label(&l).unwrap();
        }
        n.as_wire().to_vec()
    })
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..max)
}

/// A character-string: length octet and bytes.
fn cs(min: usize, max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), min..max).prop_map(|s| {
        let mut v = vec![s.len() as u8];
        v.extend(s);
        v
    })
}

fn bitmap() -> impl Strategy<Value = Vec<u8>> {
    vec(prop_oneof![0u16..300, any::<u16>()], 0..8).prop_map(|types| {
        let types: Vec<RecordType> = types.into_iter().map(RecordType).collect();
        let mut out = vec![0u8; 8704];
        let len = TypeBitmap::encode(&types, &mut out).unwrap().as_bytes().len();
        out.truncate(len);
        out
    })
}

fn param(key: u16, value: &[u8]) -> Vec<u8> {
    let mut v = key.to_be_bytes().to_vec();
    v.extend((value.len() as u16).to_be_bytes());
    v.extend(value);
    v
}

/// SvcParams in increasing key order; `mandatory` lists only keys present.
fn svc_params() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::option::of(vec(cs(1, 12), 1..4).prop_map(|ids| ids.concat())),
        any::<bool>(),
        proptest::option::of(any::<u16>()),
        proptest::option::of(vec(any::<[u8; 4]>(), 1..3)),
        proptest::option::of(bytes(20)),
        proptest::option::of(vec(any::<[u8; 16]>(), 1..3)),
        proptest::option::of(bytes(12)),
        proptest::option::of((700u16..800, bytes(10))),
        any::<bool>(),
    )
        .prop_map(|(alpn, nda, port, v4, ech, v6, doh, unknown, mandatory)| {
            let mut ps: Vec<(u16, Vec<u8>)> = Vec::new();
            if let Some(a) = alpn {
                ps.push((1, a));
            }
            if nda {
                ps.push((2, vec![]));
            }
            if let Some(p) = port {
                ps.push((3, p.to_be_bytes().to_vec()));
            }
            if let Some(a) = v4 {
                ps.push((4, a.concat()));
            }
            if let Some(e) = ech {
                ps.push((5, e));
            }
            if let Some(a) = v6 {
                ps.push((6, a.concat()));
            }
            if let Some(d) = doh {
                ps.push((7, d));
            }
            if let Some((k, v)) = unknown {
                ps.push((k, v));
            }
            if mandatory && !ps.is_empty() {
                let keys: Vec<u8> = ps.iter().take(2).flat_map(|(k, _)| k.to_be_bytes()).collect();
                ps.insert(0, (0, keys));
            }
            ps.iter().flat_map(|(k, v)| param(*k, v)).collect()
        })
}

fn u16b() -> impl Strategy<Value = Vec<u8>> {
    any::<u16>().prop_map(|v| v.to_be_bytes().to_vec())
}

fn u32b() -> impl Strategy<Value = Vec<u8>> {
    any::<u32>().prop_map(|v| v.to_be_bytes().to_vec())
}

/// A type and RDATA in wire form, valid for the type.
fn rdata() -> impl Strategy<Value = (RecordType, Vec<u8>)> {
    use RecordType as T;
    let cat = |parts: Vec<Vec<u8>>| parts.concat();
    prop_oneof![
        any::<[u8; 4]>().prop_map(|a| (T::A, a.to_vec())),
        any::<[u8; 16]>().prop_map(|a| (T::AAAA, a.to_vec())),
        (prop_oneof![Just(T::NS), Just(T::CNAME), Just(T::PTR)], name()),
        (name(), name(), vec(u32b(), 5..=5))
            .prop_map(move |(m, r, v)| (T::SOA, cat(vec![m, r, v.concat()]))),
        (u16b(), name()).prop_map(move |(p, n)| (T::MX, cat(vec![p, n]))),
        vec(cs(0, 40), 1..4).prop_map(|s| (T::TXT, s.concat())),
        (cs(0, 30), cs(0, 30)).prop_map(move |(a, b)| (T::HINFO, cat(vec![a, b]))),
        (vec(u16b(), 3..=3), name()).prop_map(move |(v, n)| (T::SRV, cat(vec![v.concat(), n]))),
        (vec(u16b(), 2..=2), vec(cs(0, 20), 3..=3), name())
            .prop_map(move |(v, s, n)| (T::NAPTR, cat(vec![v.concat(), s.concat(), n]))),
        (u16b(), any::<[u8; 2]>(), bytes(48))
            .prop_map(move |(k, a, d)| (T::DS, cat(vec![k, a.to_vec(), d]))),
        (u16b(), any::<[u8; 2]>(), bytes(70))
            .prop_map(move |(f, a, k)| (T::DNSKEY, cat(vec![f, a.to_vec(), k]))),
        (u16b(), any::<[u8; 2]>(), vec(u32b(), 3..=3), u16b(), name(), bytes(70)).prop_map(
            move |(t, al, v, k, n, s)| (T::RRSIG, cat(vec![t, al.to_vec(), v.concat(), k, n, s]))
        ),
        (name(), bitmap()).prop_map(move |(n, b)| (T::NSEC, cat(vec![n, b]))),
        (any::<[u8; 2]>(), u16b(), cs(0, 20), cs(1, 32), bitmap())
            .prop_map(move |(a, i, s, h, b)| (T::NSEC3, cat(vec![a.to_vec(), i, s, h, b]))),
        (any::<[u8; 2]>(), u16b(), cs(0, 20))
            .prop_map(move |(a, i, s)| (T::NSEC3PARAM, cat(vec![a.to_vec(), i, s]))),
        (any::<[u8; 3]>(), bytes(64)).prop_map(move |(h, d)| (T::TLSA, cat(vec![h.to_vec(), d]))),
        (any::<[u8; 2]>(), bytes(32)).prop_map(move |(h, d)| (T::SSHFP, cat(vec![h.to_vec(), d]))),
        (vec(u16b(), 2..=2), vec(any::<u8>(), 1..40))
            .prop_map(move |(v, t)| (T::URI, cat(vec![v.concat(), t]))),
        (any::<u8>(), cs(1, 16), bytes(40))
            .prop_map(move |(f, t, v)| (T::CAA, cat(vec![vec![f], t, v]))),
        (prop_oneof![Just(T::SVCB), Just(T::HTTPS)], u16b(), name(), svc_params())
            .prop_map(move |(t, p, n, s)| (t, cat(vec![p, n, s]))),
        (prop_oneof![Just(10u16), Just(29), 300u16..32000, Just(65280)], bytes(40))
            .prop_map(|(t, d)| (RecordType(t), d)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn every_rdata_kind_reads_back_from_its_presentation((rtype, wire) in rdata(), ttl in 0u32..=0x7FFF_FFFF) {
        let data = RData::from_wire(rtype, &wire).expect("generated RDATA is valid");
        let line = format!("example. {ttl} IN {rtype} {data}");
        let root = NameBuf::root();
        let mut r = MasterReader::new(&line, &root);
        let mut buf = vec![0u8; 65535];
        let (e, n) = r.next_entry(&mut buf).unwrap().map_err(|e| TestCaseError::fail(format!("{line}: {e}")))?;
        prop_assert_eq!(e.rdata, &wire[..], "{}", line);
        prop_assert_eq!((e.rtype, e.ttl, n), (rtype, ttl, 1));
        // The reader's own entry prints the same line.
        prop_assert_eq!(e.to_string(), line.clone());
        let mut rest = [0u8; 16];
        prop_assert!(r.next_entry(&mut rest).is_none());
    }
}
