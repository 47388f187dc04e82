//! Vectors from the RFCs: RFC 1035 §4.1.4 compression, RFC 3597 unknown types, RFC 6891
//! OPT, RFC 7871/7873 option lengths and RFC 9460 Appendix D SVCB wire formats.

use unet_dns::rdata::{SvcParam, SvcParamKey};
use unet_dns::{
    Class, Edns, EdnsFlags, EdnsOption, Error, Flags, Header, Message, MessageBuilder, Name,
    NameBuf, Question, RData, Rcode, Record, RecordType,
};

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn name(s: &str) -> NameBuf {
    s.parse().unwrap()
}

fn header_response(id: u16) -> Header {
    Header { id, flags: Flags::QR | Flags::RD | Flags::RA, ..Header::default() }
}

#[test]
fn rfc1035_4_1_4_builder_compresses_like_the_example() {
    let (fisi, foo, arpa) = (name("F.ISI.ARPA"), name("FOO.F.ISI.ARPA"), name("ARPA"));
    let mut buf = [0u8; 512];
    let mut b = MessageBuilder::new(&mut buf, header_response(1)).unwrap();
    let q = Question { name: fisi.as_name(), qtype: RecordType::A, qclass: Class::IN };
    b.push_question(&q).unwrap();
    for (n, rt) in [(foo.as_name(), RecordType::A), (arpa.as_name(), RecordType::A)] {
        let data = RData::Unknown { rtype: RecordType(rt.0 + 1000), data: &[] };
        b.push_answer(&Record { name: n, class: Class::IN, ttl: 0, data }).unwrap();
    }
    let root =
        Record { name: Name::root(), class: Class::IN, ttl: 0, data: RData::A([0; 4].into()) };
    b.push_answer(&root).unwrap();
    let out = b.finish();
    // F.ISI.ARPA in full at 12; FOO + pointer to 12; ARPA as a pointer to 18; the root as 0.
    assert_eq!(&out[12..24], b"\x01F\x03ISI\x04ARPA\x00");
    assert_eq!(&out[28..34], b"\x03FOO\xC0\x0C");
    let second = 34 + 10;
    assert_eq!(&out[second..second + 2], b"\xC0\x12");
    assert_eq!(out[second + 12], 0);
    let msg = Message::new_checked(&*out).unwrap();
    let owners: Vec<String> = msg.answers().map(|r| r.unwrap().name.to_string()).collect();
    assert_eq!(owners, ["FOO.F.ISI.ARPA.", "ARPA.", "."]);
}

#[test]
fn rfc3597_5_unknown_types_print_generically() {
    let a = name("a.example");
    let data = unhex("abcdef012345");
    let r = Record {
        name: a.as_name(),
        class: Class(32),
        ttl: 0,
        data: RData::Unknown { rtype: RecordType(731), data: &data },
    };
    assert_eq!(r.to_string(), "a.example. 0 CLASS32 TYPE731 \\# 6 ABCDEF012345");
    let b = name("b.example");
    let empty = RData::Unknown { rtype: RecordType(62347), data: &[] };
    let r = Record { name: b.as_name(), class: Class::HS, ttl: 0, data: empty };
    assert_eq!(r.to_string(), "b.example. 0 HS TYPE62347 \\# 0");
    // `e.example. IN A \# 4 0A000001` is the A record 10.0.0.1.
    assert_eq!(
        RData::from_wire(RecordType::A, &unhex("0A000001")),
        Ok(RData::A([10, 0, 0, 1].into()))
    );
}

#[test]
fn rfc3597_4_unknown_rdata_is_neither_decompressed_nor_compressed() {
    // An unknown type whose RDATA looks like a pointer to the question name.
    let mut msg = unhex("0001 8180 0001 0001 0000 0000 076578616d706c6500 0001 0001");
    msg.extend(unhex("c00c 0f0f 0001 00000000 0002 c00c"));
    let m = Message::new_checked(&msg[..]).unwrap();
    let r = m.answers().next().unwrap().unwrap();
    assert_eq!(r.data, RData::Unknown { rtype: RecordType(0x0f0f), data: &[0xC0, 0x0C] });
    let mut out = [0u8; 512];
    let len = m.reemit(&mut out).unwrap();
    assert_eq!(&out[..len], &msg[..]);
    // CH-class A records have another format (RFC 1035 §3.4.1): kept opaque.
    let ch = RData::parse(&[1, 2, 3], 0, 3, RecordType::A, Class::CH).unwrap();
    assert_eq!(ch, RData::Unknown { rtype: RecordType::A, data: &[1, 2, 3] });
}

#[test]
fn rfc6891_6_1_3_extended_rcode_and_do_bit() {
    // Response, header RCODE 0, OPT: udp 4096, extended RCODE 1, version 0, DO.
    let msg = unhex("abcd 8100 0000 0000 0000 0001 00 0029 1000 01008000 0000");
    let m = Message::new_checked(&msg[..]).unwrap();
    let edns = m.edns().unwrap();
    assert_eq!(edns.udp_payload_size, 4096);
    assert_eq!((edns.extended_rcode, edns.version), (1, 0));
    assert_eq!(edns.flags, EdnsFlags::DO);
    assert_eq!(m.rcode(), Rcode::BADVERS);
    assert_eq!(m.to_string(), "43981- BADVERS 0/0/1 (23)");
    assert!(format!("{m:#}").contains("; EDNS: version: 0, flags: do; udp: 4096"));
    assert!(format!("{m:#}").contains("status: BADVERS"));
    // Emitting the same values gives the same bytes.
    let mut out = [0u8; 64];
    let mut b = MessageBuilder::new(&mut out, Header::parse(&msg).unwrap()).unwrap();
    b.push_edns(&edns).unwrap();
    assert_eq!(b.finish(), &msg[..]);
}

#[test]
fn rfc6891_6_1_1_misplaced_or_duplicate_opt_rejected() {
    let opt = "00 0029 1000 00000000 0000";
    let two = unhex(&format!("0000 0000 0000 0000 0000 0002 {opt} {opt}"));
    assert_eq!(Message::new_checked(&two[..]).unwrap_err(), Error::BadOpt);
    let in_answer = unhex(&format!("0000 0000 0000 0001 0000 0000 {opt}"));
    assert_eq!(Message::new_checked(&in_answer[..]).unwrap_err(), Error::BadOpt);
    let not_root = unhex("0000 0000 0000 0000 0000 0001 016100 0029 1000 00000000 0000");
    assert_eq!(Message::new_checked(&not_root[..]).unwrap_err(), Error::BadOpt);
    // The builder refuses the same.
    let mut buf = [0u8; 128];
    let mut b = MessageBuilder::new(&mut buf, Header::default()).unwrap();
    let edns = Edns {
        udp_payload_size: 1232,
        extended_rcode: 0,
        version: 0,
        flags: EdnsFlags::empty(),
        options: Default::default(),
    };
    assert_eq!(b.push_answer(&edns.to_record()), Err(Error::BadOpt));
    b.push_edns(&edns).unwrap();
    assert_eq!(b.push_edns(&edns), Err(Error::BadOpt));
}

#[test]
fn rfc6891_6_1_2_options_truncated_or_overlong_rejected() {
    // An option whose length runs past RDATA.
    let msg = unhex("0000 0000 0000 0000 0000 0001 00 0029 1000 00000000 0005 000a0008aa");
    assert_eq!(Message::new_checked(&msg[..]).unwrap_err(), Error::BadOption);
}

#[test]
fn rfc7873_4_cookie_lengths() {
    let client = [1u8; 8];
    assert!(EdnsOption::decode(10.into(), &client).is_ok());
    let mut both = [2u8; 40];
    both[..8].copy_from_slice(&client);
    for len in [16, 24, 40] {
        let o = EdnsOption::decode(10.into(), &both[..len]).unwrap();
        assert!(matches!(o, EdnsOption::Cookie { server, .. } if server.len() == len - 8));
    }
    for len in [0, 7, 9, 15, 41] {
        let data = [0u8; 41];
        assert_eq!(EdnsOption::decode(10.into(), &data[..len]), Err(Error::BadOption), "{len}");
    }
}

#[test]
fn rfc7871_6_client_subnet_address_matches_prefix() {
    let ok = unhex("0001 18 00 c00002");
    let o = EdnsOption::decode(8.into(), &ok).unwrap();
    assert_eq!(o.to_string(), "ECS: 192.0.2.0/24/0");
    let mut out = [0u8; 16];
    let n = o.encode(&mut out).unwrap();
    assert_eq!(&out[..n], &unhex("0008 0007 0001 1800 c00002")[..]);
    for bad in ["0001 18 00 c0000200", "0001 21 00 c0000200ff", "0002 81 00", "0001"] {
        assert_eq!(EdnsOption::decode(8.into(), &unhex(bad)), Err(Error::BadOption), "{bad}");
    }
}

/// RFC 9460 Appendix D: (wire RDATA, the presentation this crate prints).
const SVCB_VECTORS: &[(&str, &str)] = &[
    // D.1 AliasMode.
    ("0000 03666f6f076578616d706c6503636f6d00", "0 foo.example.com."),
    // D.2 ServiceMode.
    ("0001 00", "1 ."),
    ("0010 03666f6f076578616d706c6503636f6d00 0003 0002 0035", "16 foo.example.com. port=53"),
    (
        "0001 03666f6f076578616d706c6503636f6d00 029b 0005 68656c6c6f",
        "1 foo.example.com. key667=\"hello\"",
    ),
    (
        "0001 03666f6f076578616d706c6503636f6d00 029b 0009 68656c6c6fd2716f6f",
        "1 foo.example.com. key667=\"hello\\210qoo\"",
    ),
    (
        "0001 03666f6f076578616d706c6503636f6d00 0006 0020
         20010db8000000000000000000000001 20010db8000000000000000000530001",
        "1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1",
    ),
    (
        "0001 076578616d706c6503636f6d00 0006 0010 20010db80122034400000000c0000221",
        "1 example.com. ipv6hint=2001:db8:122:344::c000:221",
    ),
    (
        "0010 03666f6f076578616d706c65036f726700 0000 0004 00010004
         0001 0009 02683205683 32d3139 0004 0004 c0000201",
        "16 foo.example.org. mandatory=alpn,ipv4hint alpn=\"h2,h3-19\" ipv4hint=192.0.2.1",
    ),
    (
        "0010 03666f6f076578616d706c65036f726700 0001 000c 08665c6f6f2c626172026832",
        "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
    ),
];

#[test]
fn rfc9460_appendix_d_wire_vectors() {
    for (hex, shown) in SVCB_VECTORS {
        let wire = unhex(hex);
        for rtype in [RecordType::SVCB, RecordType::HTTPS] {
            let data = RData::from_wire(rtype, &wire).unwrap_or_else(|e| panic!("{hex}: {e}"));
            assert_eq!(data.rtype(), rtype);
            assert_eq!(data.to_string(), *shown);
            // Re-emitted inside a message, the RDATA is byte-identical (no compression).
            let owner = name("example.com");
            let mut buf = [0u8; 512];
            let mut b = MessageBuilder::new(&mut buf, Header::default()).unwrap();
            b.push_answer(&Record { name: owner.as_name(), class: Class::IN, ttl: 0, data })
                .unwrap();
            let out = b.finish();
            assert_eq!(&out[out.len() - wire.len()..], &wire[..]);
        }
    }
    let wire = unhex(SVCB_VECTORS[7].0);
    let RData::Svcb(s) = RData::from_wire(RecordType::SVCB, &wire).unwrap() else { panic!() };
    let params: Vec<SvcParam> = s.params.iter().collect();
    assert_eq!(params.len(), 3);
    assert!(matches!(params[0], SvcParam::Mandatory(k)
        if k.iter().eq([SvcParamKey::ALPN, SvcParamKey::IPV4HINT])));
    assert!(matches!(params[1], SvcParam::Alpn(ids) if ids.iter().eq([&b"h2"[..], b"h3-19"])));
    assert!(
        matches!(params[2], SvcParam::Ipv4Hint(a) if a.iter().eq([std::net::Ipv4Addr::new(192, 0, 2, 1)]))
    );
}

#[test]
fn rfc9460_2_2_malformed_svcparams_rejected() {
    let target = "03666f6f076578616d706c6503636f6d00";
    for (params, err) in [
        // Keys out of order, and duplicated.
        ("0003 0002 0035 0001 0003 026832", Error::SvcParamOrder),
        ("0003 0002 0035 0003 0002 0035", Error::SvcParamOrder),
        // The RDATA ends inside a SvcParam.
        ("0003 0002 00", Error::BadOption),
        ("0003 00", Error::BadOption),
        // Values of the wrong shape.
        ("0003 0001 35", Error::BadOption),
        ("0000 0003 000100", Error::BadOption),
        ("0001 0000", Error::BadOption),
        ("0001 0001 00", Error::BadOption),
        ("0002 0001 00", Error::BadOption),
        ("0004 0005 c000020100", Error::BadOption),
        ("0006 0004 20010db8", Error::BadOption),
    ] {
        let wire = unhex(&format!("0001 {target} {params}"));
        assert_eq!(RData::from_wire(RecordType::SVCB, &wire), Err(err), "{params}");
    }
    // A compressed target is not allowed.
    let msg = unhex(
        "0000 0000 0001 0001 0000 0000 0161 00 0040 0001 c00c 0040 0001 00000000 0004 0001 c00c",
    );
    assert_eq!(Message::new_checked(&msg[..]).unwrap_err(), Error::CompressionNotAllowed);
}
