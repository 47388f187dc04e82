//! Property tests: names through presentation and wire form, every RDATA kind and whole
//! messages through `MessageBuilder` → `Message` (`parse(emit(r)) == r`), and re-emit with
//! recompression.

use proptest::collection::vec;
use proptest::prelude::*;
use unet_dns::rdata::{
    Caa, CharacterStrings, Dnskey, Ds, EdnsOptions, Hinfo, Mx, Naptr, Nsec, Nsec3, Nsec3Param,
    Rrsig, Soa, Srv, Sshfp, SvcParams, Svcb, Tlsa, TypeBitmap, Uri,
};
use unet_dns::{
    Class, Edns, EdnsFlags, EdnsOption, Flags, Header, Message, MessageBuilder, Name, NameBuf,
    Opcode, Question, RData, Rcode, Record, RecordType, Section,
};

fn label() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => "[a-zA-Z0-9-]{1,12}".prop_map(String::into_bytes),
        1 => vec(any::<u8>(), 1..=63),
    ]
}

fn name() -> impl Strategy<Value = NameBuf> {
    // Few distinct suffixes so that compression has something to find.
    let suffix = prop_oneof![Just("example.com."), Just("example.org."), Just("."), Just("a.b.c.")];
    (vec(label(), 0..5), suffix).prop_map(|(labels, suffix)| {
        let mut n = NameBuf::root();
        for l in &labels {
            if n.push_label(l).is_err() {
                break;
            }
        }
        let s: NameBuf = suffix.parse().unwrap();
        let mut out = n;
        if out.append(&s.as_name()).is_err() {
            out = n;
        }
        out
    })
}

proptest! {
    #[test]
    fn names_round_trip_through_presentation_and_wire(n in name()) {
        let shown = n.to_string();
        let back: NameBuf = shown.parse().unwrap();
        prop_assert_eq!(back, n);
        prop_assert_eq!(back.as_wire(), n.as_wire());
        let wire = Name::from_wire(n.as_wire()).unwrap();
        prop_assert_eq!(wire, n.as_name());
        prop_assert_eq!(wire.to_string(), shown);
        let mut out = [0u8; 255];
        let len = wire.write_uncompressed(&mut out).unwrap();
        prop_assert_eq!(&out[..len], n.as_wire());
    }

    #[test]
    fn name_comparison_ignores_ascii_case_only(n in name()) {
        let upper: Vec<u8> = n.as_wire().to_ascii_uppercase();
        let up = NameBuf::from_wire(&upper).unwrap();
        prop_assert_eq!(up, n);
        prop_assert_eq!(up.to_string().to_ascii_lowercase(), n.to_string().to_ascii_lowercase());
    }

    #[test]
    fn header_round_trips(id: u16, bits: u16, counts: [u16; 4]) {
        let h = Header {
            id,
            flags: Flags::from_bits_truncate(bits),
            opcode: Opcode(((bits >> 11) & 0xF) as u8),
            rcode: Rcode(bits & 0xF),
            qdcount: counts[0],
            ancount: counts[1],
            nscount: counts[2],
            arcount: counts[3],
        };
        let mut out = [0u8; 12];
        h.emit(&mut out).unwrap();
        prop_assert_eq!(Header::parse(&out).unwrap(), h);
        prop_assert_eq!(u16::from_be_bytes([out[2], out[3]]), bits);
    }
}

/// Owned material for one RDATA; `rdata()` borrows from it. (Names are stored inline:
/// size does not matter in a test.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Spec {
    A([u8; 4]),
    Aaaa([u8; 16]),
    Ns(NameBuf),
    Cname(NameBuf),
    Ptr(NameBuf),
    Soa(NameBuf, NameBuf, [u32; 5]),
    Mx(u16, NameBuf),
    Txt(Vec<u8>),
    Hinfo(Vec<u8>, Vec<u8>),
    Srv([u16; 3], NameBuf),
    Naptr([u16; 2], [Vec<u8>; 3], NameBuf),
    Ds(u16, u8, u8, Vec<u8>),
    Dnskey(u16, u8, u8, Vec<u8>),
    Rrsig(u16, u8, u8, [u32; 3], u16, NameBuf, Vec<u8>),
    Nsec(NameBuf, Vec<u8>),
    Nsec3(u8, u8, u16, Vec<u8>, Vec<u8>, Vec<u8>),
    Nsec3Param(u8, u8, u16, Vec<u8>),
    Tlsa([u8; 3], Vec<u8>),
    Sshfp(u8, u8, Vec<u8>),
    Uri(u16, u16, Vec<u8>),
    Caa(u8, Vec<u8>, Vec<u8>),
    Svcb(bool, u16, NameBuf, Vec<u8>),
    Unknown(u16, Vec<u8>),
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..max)
}

fn char_strings(min: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(bytes(40), min..4).prop_map(|strings| {
        let refs: Vec<&[u8]> = strings.iter().map(|s| &s[..]).collect();
        let mut out = vec![0u8; 256 * 4];
        let len = CharacterStrings::encode(&refs, &mut out).unwrap().as_bytes().len();
        out.truncate(len);
        out
    })
}

fn bitmap() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u16>(), 0..8).prop_map(|types| {
        let types: Vec<RecordType> = types.into_iter().map(RecordType).collect();
        let mut out = vec![0u8; 8704];
        let len = TypeBitmap::encode(&types, &mut out).unwrap().as_bytes().len();
        out.truncate(len);
        out
    })
}

fn svc_params() -> impl Strategy<Value = Vec<u8>> {
    let alpn = char_strings(1).prop_filter("non-empty ids", |raw| {
        CharacterStrings::new(raw).unwrap().iter().all(|id| !id.is_empty())
    });
    (
        proptest::option::of(Just(vec![0u8, 1])),
        proptest::option::of(alpn),
        any::<bool>(),
        proptest::option::of(any::<u16>().prop_map(|p| p.to_be_bytes().to_vec())),
        proptest::option::of(vec(any::<u8>(), 1..3).prop_map(|n| vec![7u8; n.len() * 4])),
        proptest::option::of(bytes(20)),
        proptest::option::of(vec(any::<u8>(), 16..=16)),
        proptest::option::of((700u16..800, bytes(10))),
    )
        .prop_map(|(mandatory, alpn, no_default, port, v4, ech, v6, unknown)| {
            let mut out = Vec::new();
            let mut put = |key: u16, value: &[u8]| {
                out.extend(key.to_be_bytes());
                out.extend((value.len() as u16).to_be_bytes());
                out.extend(value);
            };
            if let Some(m) = mandatory {
                put(0, &m)
            }
            if let Some(a) = alpn {
                put(1, &a)
            }
            if no_default {
                put(2, &[])
            }
            if let Some(p) = port {
                put(3, &p)
            }
            if let Some(a) = v4 {
                put(4, &a)
            }
            if let Some(e) = ech {
                put(5, &e)
            }
            if let Some(a) = v6 {
                put(6, &a)
            }
            if let Some((k, v)) = unknown {
                put(k, &v)
            }
            out
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(Spec::A),
        any::<[u8; 16]>().prop_map(Spec::Aaaa),
        name().prop_map(Spec::Ns),
        name().prop_map(Spec::Cname),
        name().prop_map(Spec::Ptr),
        (name(), name(), any::<[u32; 5]>()).prop_map(|(a, b, v)| Spec::Soa(a, b, v)),
        (any::<u16>(), name()).prop_map(|(p, n)| Spec::Mx(p, n)),
        char_strings(1).prop_map(Spec::Txt),
        (bytes(30), bytes(30)).prop_map(|(a, b)| Spec::Hinfo(a, b)),
        (any::<[u16; 3]>(), name()).prop_map(|(v, n)| Spec::Srv(v, n)),
        (any::<[u16; 2]>(), bytes(10), bytes(10), bytes(30), name())
            .prop_map(|(v, a, b, c, n)| Spec::Naptr(v, [a, b, c], n)),
        (any::<u16>(), any::<u8>(), any::<u8>(), bytes(48))
            .prop_map(|(a, b, c, d)| Spec::Ds(a, b, c, d)),
        (any::<u16>(), any::<u8>(), any::<u8>(), bytes(64))
            .prop_map(|(a, b, c, d)| Spec::Dnskey(a, b, c, d)),
        (
            any::<u16>(),
            any::<u8>(),
            any::<u8>(),
            any::<[u32; 3]>(),
            any::<u16>(),
            name(),
            bytes(64)
        )
            .prop_map(|(t, a, l, v, k, n, s)| Spec::Rrsig(t, a, l, v, k, n, s)),
        (name(), bitmap()).prop_map(|(n, b)| Spec::Nsec(n, b)),
        (any::<u8>(), any::<u8>(), any::<u16>(), bytes(20), vec(any::<u8>(), 1..32), bitmap())
            .prop_map(|(a, f, i, s, h, b)| Spec::Nsec3(a, f, i, s, h, b)),
        (any::<u8>(), any::<u8>(), any::<u16>(), bytes(20))
            .prop_map(|(a, f, i, s)| Spec::Nsec3Param(a, f, i, s)),
        (any::<[u8; 3]>(), bytes(64)).prop_map(|(v, d)| Spec::Tlsa(v, d)),
        (any::<u8>(), any::<u8>(), bytes(32)).prop_map(|(a, t, f)| Spec::Sshfp(a, t, f)),
        (any::<u16>(), any::<u16>(), vec(any::<u8>(), 1..40))
            .prop_map(|(p, w, t)| Spec::Uri(p, w, t)),
        (any::<u8>(), vec(any::<u8>(), 1..16), bytes(40)).prop_map(|(f, t, v)| Spec::Caa(f, t, v)),
        (any::<bool>(), any::<u16>(), name(), svc_params())
            .prop_map(|(h, p, n, s)| Spec::Svcb(h, p, n, s)),
        (prop_oneof![Just(99u16), Just(10), 300u16..32000, Just(65000)], bytes(40))
            .prop_map(|(t, d)| Spec::Unknown(t, d)),
    ]
}

impl Spec {
    fn rdata(&self) -> RData<'_> {
        match self {
            Spec::A(a) => RData::A((*a).into()),
            Spec::Aaaa(a) => RData::Aaaa((*a).into()),
            Spec::Ns(n) => RData::Ns(n.as_name()),
            Spec::Cname(n) => RData::Cname(n.as_name()),
            Spec::Ptr(n) => RData::Ptr(n.as_name()),
            Spec::Soa(m, r, v) => RData::Soa(Soa {
                mname: m.as_name(),
                rname: r.as_name(),
                serial: v[0],
                refresh: v[1],
                retry: v[2],
                expire: v[3],
                minimum: v[4],
            }),
            Spec::Mx(p, n) => RData::Mx(Mx { preference: *p, exchange: n.as_name() }),
            Spec::Txt(raw) => RData::Txt(CharacterStrings::new(raw).unwrap()),
            Spec::Hinfo(c, o) => RData::Hinfo(Hinfo { cpu: c, os: o }),
            Spec::Srv(v, n) => {
                RData::Srv(Srv { priority: v[0], weight: v[1], port: v[2], target: n.as_name() })
            }
            Spec::Naptr(v, s, n) => RData::Naptr(Naptr {
                order: v[0],
                preference: v[1],
                flags: &s[0],
                services: &s[1],
                regexp: &s[2],
                replacement: n.as_name(),
            }),
            Spec::Ds(k, a, t, d) => {
                RData::Ds(Ds { key_tag: *k, algorithm: *a, digest_type: *t, digest: d })
            }
            Spec::Dnskey(f, p, a, k) => {
                RData::Dnskey(Dnskey { flags: *f, protocol: *p, algorithm: *a, public_key: k })
            }
            Spec::Rrsig(t, a, l, v, k, n, s) => RData::Rrsig(Rrsig {
                type_covered: RecordType(*t),
                algorithm: *a,
                labels: *l,
                original_ttl: v[0],
                expiration: v[1],
                inception: v[2],
                key_tag: *k,
                signer_name: n.as_name(),
                signature: s,
            }),
            Spec::Nsec(n, b) => RData::Nsec(Nsec {
                next_domain_name: n.as_name(),
                types: TypeBitmap::new(b).unwrap(),
            }),
            Spec::Nsec3(a, f, i, s, h, b) => RData::Nsec3(Nsec3 {
                params: Nsec3Param { hash_algorithm: *a, flags: *f, iterations: *i, salt: s },
                next_hashed_owner: h,
                types: TypeBitmap::new(b).unwrap(),
            }),
            Spec::Nsec3Param(a, f, i, s) => RData::Nsec3Param(Nsec3Param {
                hash_algorithm: *a,
                flags: *f,
                iterations: *i,
                salt: s,
            }),
            Spec::Tlsa(v, d) => {
                RData::Tlsa(Tlsa { usage: v[0], selector: v[1], matching_type: v[2], data: d })
            }
            Spec::Sshfp(a, t, f) => {
                RData::Sshfp(Sshfp { algorithm: *a, fingerprint_type: *t, fingerprint: f })
            }
            Spec::Uri(p, w, t) => RData::Uri(Uri { priority: *p, weight: *w, target: t }),
            Spec::Caa(f, t, v) => RData::Caa(Caa { flags: *f, tag: t, value: v }),
            Spec::Svcb(https, p, n, s) => {
                let s =
                    Svcb { priority: *p, target: n.as_name(), params: SvcParams::new(s).unwrap() };
                if *https {
                    RData::Https(s)
                } else {
                    RData::Svcb(s)
                }
            }
            Spec::Unknown(t, d) => RData::Unknown { rtype: RecordType(*t), data: d },
        }
    }
}

fn edns_options() -> impl Strategy<Value = Vec<u8>> {
    let option = prop_oneof![
        bytes(12).prop_map(|d| (3u16, d)),
        (any::<[u8; 8]>(), prop_oneof![Just(0usize), 8usize..=32]).prop_map(|(c, n)| {
            let mut d = c.to_vec();
            d.extend(vec![0xAB; n]);
            (10u16, d)
        }),
        (0u8..=32).prop_map(|bits| {
            let mut d = vec![0, 1, bits, 0];
            d.extend(vec![0xC0; usize::from(bits).div_ceil(8)]);
            (8u16, d)
        }),
        proptest::option::of(any::<u16>())
            .prop_map(|t| (11u16, t.map(|t| t.to_be_bytes().to_vec()).unwrap_or_default())),
        bytes(16).prop_map(|d| (12u16, vec![0; d.len()])),
        (any::<u16>(), bytes(10)).prop_map(|(c, t)| {
            let mut d = c.to_be_bytes().to_vec();
            d.extend(t);
            (15u16, d)
        }),
        (100u16..200, bytes(10)),
    ];
    vec(option, 0..4).prop_map(|opts| {
        let mut out = Vec::new();
        for (code, data) in opts {
            let o = EdnsOption::decode(code.into(), &data).unwrap();
            let mut buf = vec![0u8; 4 + data.len()];
            let n = o.encode(&mut buf).unwrap();
            out.extend(&buf[..n]);
        }
        out
    })
}

fn class() -> impl Strategy<Value = Class> {
    prop_oneof![4 => Just(Class::IN), 1 => Just(Class(17))]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_rdata_kind_round_trips(owner in name(), class in class(), ttl: u32, spec in spec()) {
        let data = spec.rdata();
        let record = Record { name: owner.as_name(), class, ttl, data };
        let mut buf = vec![0u8; 4096];
        let mut b = MessageBuilder::new(&mut buf, Header::default()).unwrap();
        b.push_answer(&record).unwrap();
        let out = b.finish();
        let msg = Message::new_checked(&*out).unwrap();
        let parsed = msg.answers().next().unwrap().unwrap();
        prop_assert_eq!(parsed, record);
        prop_assert_eq!(parsed.to_string(), record.to_string());
        // Types whose names are never compressed read the same from standalone RDATA.
        let rdata = &out[12 + owner.as_wire().len() + 10..];
        if !matches!(data, RData::Ns(_) | RData::Cname(_) | RData::Ptr(_) | RData::Soa(_) | RData::Mx(_)) && class == Class::IN {
            prop_assert_eq!(RData::from_wire(data.rtype(), rdata), Ok(data));
        }
    }

    #[test]
    fn edns_round_trips(size: u16, ext: u8, version: u8, flags: u16, raw in edns_options()) {
        let edns = Edns {
            udp_payload_size: size,
            extended_rcode: ext,
            version,
            flags: EdnsFlags::from_bits_retain(flags),
            options: EdnsOptions::new(&raw).unwrap(),
        };
        let mut buf = vec![0u8; 1024];
        let mut b = MessageBuilder::new(&mut buf, Header { rcode: Rcode(5), ..Header::default() }).unwrap();
        b.push_edns(&edns).unwrap();
        let out = b.finish();
        let msg = Message::new_checked(&*out).unwrap();
        prop_assert_eq!(msg.edns(), Some(edns));
        prop_assert_eq!(msg.rcode(), Rcode(u16::from(ext) << 4 | 5));
        prop_assert_eq!(msg.edns().unwrap().options.iter().count(), edns.options.iter().count());
    }

    #[test]
    fn whole_messages_round_trip_and_recompress(
        id: u16,
        bits: u16,
        questions in vec((name(), any::<u16>(), class()), 0..3),
        records in vec((0usize..3, name(), class(), any::<u32>(), spec()), 0..12),
    ) {
        let header = Header {
            id,
            flags: Flags::from_bits_truncate(bits),
            opcode: Opcode(((bits >> 11) & 0xF) as u8),
            rcode: Rcode(bits & 0xF),
            ..Header::default()
        };
        let mut records = records;
        records.sort_by_key(|r| r.0);
        let sections = [Section::Answer, Section::Authority, Section::Additional];
        let mut buf = vec![0u8; 65535];
        let mut b = MessageBuilder::new(&mut buf, header).unwrap();
        for (n, t, c) in &questions {
            b.push_question(&Question { name: n.as_name(), qtype: RecordType(*t), qclass: *c }).unwrap();
        }
        for (s, n, c, ttl, spec) in &records {
            let r = Record { name: n.as_name(), class: *c, ttl: *ttl, data: spec.rdata() };
            b.push(sections[*s], &r).unwrap();
        }
        let len = b.len();
        let msg = Message::new_checked(&buf[..len]).unwrap();
        prop_assert_eq!(msg.header().id, id);
        let got: Vec<Question> = msg.questions().map(Result::unwrap).collect();
        prop_assert_eq!(got.len(), questions.len());
        for (q, (n, t, c)) in got.iter().zip(&questions) {
            prop_assert_eq!(q.name, n.as_name());
            prop_assert_eq!((q.qtype, q.qclass), (RecordType(*t), *c));
        }
        let mut all = Vec::new();
        for s in sections {
            all.extend(msg.section(s).map(Result::unwrap));
        }
        prop_assert_eq!(all.len(), records.len());
        for (r, (_, n, c, ttl, spec)) in all.iter().zip(&records) {
            prop_assert_eq!(*r, Record { name: n.as_name(), class: *c, ttl: *ttl, data: spec.rdata() });
        }
        let mut again = vec![0u8; 65535];
        let len2 = msg.reemit(&mut again).unwrap();
        prop_assert!(len2 <= len);
        let msg2 = Message::new_checked(&again[..len2]).unwrap();
        prop_assert_eq!(&msg2, &msg);
        // Re-emitting an already compressed message is byte-identical.
        let mut third = vec![0u8; 65535];
        let len3 = msg2.reemit(&mut third).unwrap();
        prop_assert_eq!(&third[..len3], &again[..len2]);
        let _ = format!("{msg} {msg:#}");
    }
}
