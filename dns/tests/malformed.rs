//! Malformed messages are rejected with the right typed error, never a panic; the builder
//! reports a full buffer and keeps a valid message.

use unet_dns::{
    Class, Error, Flags, Header, Message, MessageBuilder, NameBuf, Question, RData, Record,
    RecordType, Section, COMPRESSION_TABLE_LEN,
};

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// A response with one question `a.` and one answer whose owner points at it.
fn answer(rtype: &str, rdata: &str) -> Vec<u8> {
    let rdata = unhex(rdata);
    let mut m = unhex(&format!(
        "0000 8000 0001 0001 0000 0000 016100 {rtype} 0001 c00c {rtype} 0001 00000e10"
    ));
    m.extend((rdata.len() as u16).to_be_bytes());
    m.extend(rdata);
    m
}

fn check(bytes: &[u8]) -> Result<(), Error> {
    Message::new_checked(bytes).map(|_| ())
}

#[test]
fn rfc1035_4_1_1_short_header_truncated() {
    assert_eq!(check(&[0; 11]), Err(Error::Truncated));
    assert_eq!(check(&unhex("0000 0000 0001 0000 0000 0000")), Err(Error::Truncated));
    let m = Message::new_unchecked(&[0u8; 3][..]);
    assert_eq!((m.id(), m.header(), m.questions().count()), (0, Header::default(), 0));
}

#[test]
fn rfc1035_4_1_4_pointer_loops_and_forward_pointers_rejected() {
    // The question name points at itself.
    assert_eq!(
        check(&unhex("0000 0000 0001 0000 0000 0000 c00c 0001 0001")),
        Err(Error::PointerLoop)
    );
    // The question name points forward, into the answer.
    let fwd = unhex("0000 0000 0001 0001 0000 0000 c012 0001 0001 016100 0001 0001 00000000 0000");
    assert_eq!(check(&fwd), Err(Error::ForwardPointer));
    // A pointer to a pointer to the first: a loop through two names.
    let two = unhex("0000 0000 0002 0000 0000 0000 0162c012 0001 0001 c00c 0001 0001");
    assert_eq!(check(&two), Err(Error::ForwardPointer));
    // A chain of pointers, each to the one before it: bounded.
    let mut chain = unhex("0000 0000 0001 0000 0000 0000 00");
    chain.extend(0xC00Cu16.to_be_bytes());
    for i in 0..200u16 {
        chain.extend((0xC000 | (13 + 2 * i)).to_be_bytes());
    }
    let start = chain.len() - 2;
    assert_eq!(unet_dns::Name::parse(&chain, start).unwrap_err(), Error::TooManyPointers);
    let (root, _) = unet_dns::Name::parse(&chain, 13 + 2 * 100).unwrap();
    assert!(root.is_root());
}

#[test]
fn rfc1035_2_3_4_overlong_name_in_message_rejected() {
    let label = format!("3f{}", "61".repeat(63));
    let qname = format!("{}00", label.repeat(5));
    let msg = unhex(&format!("0000 0000 0001 0000 0000 0000 {qname} 0001 0001"));
    assert_eq!(check(&msg), Err(Error::NameTooLong));
    // Overlong through compression: 4 × 63 in place + a pointer to 63 more.
    let first = format!("{label}00");
    let second = format!("{}c00c", label.repeat(4));
    let msg = unhex(&format!("0000 0000 0002 0000 0000 0000 {first} 0001 0001 {second} 0001 0001"));
    assert_eq!(check(&msg), Err(Error::NameTooLong));
}

#[test]
fn rfc6891_5_extended_label_types_rejected() {
    assert_eq!(
        check(&unhex("0000 0000 0001 0000 0000 0000 4100 0001 0001")),
        Err(Error::ExtendedLabel(0x41))
    );
    assert_eq!(
        check(&unhex("0000 0000 0001 0000 0000 0000 8100 0001 0001")),
        Err(Error::ExtendedLabel(0x81))
    );
}

#[test]
fn rfc1035_4_1_3_rdlength_past_the_end_truncated() {
    let mut m = answer("0001", "c0000201");
    m.pop();
    assert_eq!(check(&m), Err(Error::Truncated));
    // Or the fixed fields stop short.
    let m = unhex("0000 8000 0000 0001 0000 0000 00 0001 0001 0000");
    assert_eq!(check(&m), Err(Error::Truncated));
}

#[test]
fn rdata_shorter_or_longer_than_its_type_requires() {
    for (rtype, rdata, t) in [
        ("0001", "c00002", RecordType::A),
        ("0001", "c000020101", RecordType::A),
        ("001c", "20010db8", RecordType::AAAA),
        ("000f", "000a", RecordType::MX),
        ("000f", "000a 0161", RecordType::MX),
        ("0006", "00 00 00000001 00000002", RecordType::SOA),
        ("0010", "", RecordType::TXT),
        ("0010", "05616263", RecordType::TXT),
        ("000d", "0161", RecordType::HINFO),
        ("0021", "0001 0002 0003", RecordType::SRV),
        ("002b", "0001 08", RecordType::DS),
        ("0030", "0101 03", RecordType::DNSKEY),
        ("002e", "0001 08 02 00000e10 00000000 00000000 0001", RecordType::RRSIG),
        ("002f", "00 0000", RecordType::NSEC),
        ("002f", "00 0021 00", RecordType::NSEC),
        ("0032", "01 00 000a 00 00", RecordType::NSEC3),
        ("0033", "01 00 000a 05aa", RecordType::NSEC3PARAM),
        ("0100", "000a 0001", RecordType::URI),
        ("0101", "00 00 6162", RecordType::CAA),
        ("0034", "0301", RecordType::TLSA),
        ("002c", "01", RecordType::SSHFP),
        ("0023", "0001 0002 0141 00 00", RecordType::NAPTR),
        ("0002", "0161", RecordType::NS),
    ] {
        assert_eq!(check(&answer(rtype, rdata)), Err(Error::BadRdata(t)), "{t} {rdata}");
    }
    // A name in RDATA may not run past RDLENGTH even if the message goes on.
    let mut m = answer("0002", "0161");
    m.push(0);
    assert!(check(&m).is_err());
}

#[test]
fn rfc3597_4_compression_in_new_types_rejected() {
    // RRSIG's signer name and NSEC's next name as pointers to the question name.
    let rrsig = "0001 08 01 00000e10 00000000 00000000 0001 c00c aabb";
    assert_eq!(check(&answer("002e", rrsig)), Err(Error::CompressionNotAllowed));
    assert_eq!(check(&answer("002f", "c00c 000140")), Err(Error::CompressionNotAllowed));
    // SRV targets are decompressed (RFC 3597 §4 asks receivers to).
    let m = answer("0021", "0001 0002 0035 c00c");
    let msg = Message::new_checked(&m[..]).unwrap();
    assert_eq!(msg.answers().next().unwrap().unwrap().to_string(), "a. 3600 IN SRV 1 2 53 a.");
}

#[test]
fn rfc2181_9_builder_reports_a_full_buffer_and_rolls_back() {
    let owner: NameBuf = "www.example.com".parse().unwrap();
    let mut buf = [0u8; 80];
    let header = Header { id: 7, flags: Flags::QR, ..Header::default() };
    let mut b = MessageBuilder::new(&mut buf, header).unwrap();
    let q = Question { name: owner.as_name(), qtype: RecordType::A, qclass: Class::IN };
    b.push_question(&q).unwrap();
    let mut pushed = 0;
    loop {
        let r = Record {
            name: owner.as_name(),
            class: Class::IN,
            ttl: 60,
            data: RData::A([192, 0, 2, pushed].into()),
        };
        match b.push_answer(&r) {
            Ok(()) => pushed += 1,
            Err(e) => {
                assert_eq!(e, Error::BufferTooSmall);
                break;
            }
        }
    }
    assert_eq!(b.push_question(&q), Err(Error::SectionOrder));
    b.set_truncated();
    let len = b.len();
    let out = b.finish();
    assert_eq!(out.len(), len);
    let msg = Message::new_checked(&*out).unwrap();
    assert_eq!(msg.count(Section::Answer), u16::from(pushed));
    assert!(msg.flags().contains(Flags::TC));
    assert_eq!(msg.answers().count(), usize::from(pushed));
    // 12 + 21 (question) + 16 per compressed answer ≤ 80.
    assert_eq!(pushed, 2);
    let mut tiny = [0u8; 11];
    assert_eq!(MessageBuilder::new(&mut tiny, header).unwrap_err(), Error::BufferTooSmall);
}

#[test]
fn compression_table_overflow_still_writes_valid_messages() {
    let names: Vec<NameBuf> = (0..COMPRESSION_TABLE_LEN + 20)
        .map(|i| format!("h{i}.zone{}.example", i % 3).parse().unwrap())
        .collect();
    let mut buf = vec![0u8; 16384];
    let mut b = MessageBuilder::new(&mut buf, Header::default()).unwrap();
    for n in &names {
        let r = Record {
            name: n.as_name(),
            class: Class::IN,
            ttl: 1,
            data: RData::Ns(names[0].as_name()),
        };
        b.push_answer(&r).unwrap();
    }
    let out = b.finish();
    let msg = Message::new_checked(&*out).unwrap();
    for (r, n) in msg.answers().zip(&names) {
        let r = r.unwrap();
        assert_eq!(r.name, *n);
        assert_eq!(r.data, RData::Ns(names[0].as_name()));
    }
    let mut again = vec![0u8; 16384];
    let len = msg.reemit(&mut again).unwrap();
    assert_eq!(Message::new_checked(&again[..len]).unwrap(), msg);
}

#[test]
fn every_prefix_of_a_corpus_message_is_rejected_without_panic() {
    let hex = include_str!("corpus/tcpdump-dnssec.hex").lines().nth(1).unwrap();
    let bytes = unhex(hex);
    for n in 0..bytes.len() {
        let m = Message::new_unchecked(&bytes[..n]);
        assert!(m.check().is_err(), "prefix {n}");
        let _ = format!("{m} {m:#}");
    }
    // Every single-byte corruption parses or fails, never panics.
    for i in 0..bytes.len().min(600) {
        for v in [0x00, 0x3F, 0x40, 0xC0, 0xFF] {
            let mut b = bytes.clone();
            b[i] = v;
            if let Ok(m) = Message::new_checked(&b[..]) {
                let _ = format!("{m} {m:#}");
                let mut out = vec![0u8; 8192];
                if let Ok(len) = m.reemit(&mut out) {
                    assert_eq!(Message::new_checked(&out[..len]).unwrap(), m);
                }
            }
        }
    }
}
