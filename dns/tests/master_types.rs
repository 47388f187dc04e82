//! Presentation formats of the less common types read here (RFC 1035 MINFO, RFC 1183 RP
//! and AFSDB and RT, RFC 2230 KX, RFC 6672 DNAME, RFC 7344 CDS/CDNSKEY, RFC 7929
//! OPENPGPKEY, RFC 8162 SMIMEA, RFC 7208 SPF), DNSSEC algorithm mnemonics, and the
//! directive and field errors not covered elsewhere.

use unet_dns::master::{MasterErrorKind as K, MasterReader};
use unet_dns::{NameBuf, RecordType};

/// Each entry's type and RDATA, or the first error's line and kind.
type Read = Result<Vec<(RecordType, Vec<u8>)>, (u32, K)>;

fn read(text: &str) -> Read {
    let origin: NameBuf = "example.com.".parse().unwrap();
    let mut r = MasterReader::new(text, &origin);
    let mut buf = vec![0u8; 65535];
    let mut out = Vec::new();
    while let Some(e) = r.next_entry(&mut buf) {
        let (e, _) = e.map_err(|e| (e.line, e.kind))?;
        out.push((e.rtype, e.rdata.to_vec()));
    }
    Ok(out)
}

fn one(text: &str) -> Vec<u8> {
    let v = read(&format!("$TTL 1\n{text}\n")).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    assert_eq!(v.len(), 1);
    v[0].1.clone()
}

fn err(text: &str) -> K {
    read(text).expect_err(text).1
}

const A_EXAMPLE: [u8; 15] = *b"\x01a\x07example\x03com\x00";

#[test]
fn rfc1035_rfc1183_name_based_types() {
    let two = [&A_EXAMPLE[..], &b"\x01b\x07example\x03com\x00"[..]].concat();
    assert_eq!(one("@ MINFO a b"), two);
    assert_eq!(one("@ RP a b"), two);
    for t in ["AFSDB", "RT", "KX"] {
        assert_eq!(one(&format!("@ {t} 1 a")), [&[0, 1][..], &A_EXAMPLE[..]].concat(), "{t}");
    }
    assert_eq!(one("@ DNAME a"), A_EXAMPLE);
    assert_eq!(one("@ SPF \"v=spf1 -all\""), b"\x0bv=spf1 -all");
}

#[test]
fn rfc7344_rfc7929_rfc8162_key_types() {
    // RFC 8078 §4: the CDS and CDNSKEY that ask for DNSSEC to be turned off.
    assert_eq!(one("@ CDS 0 0 0 00"), [0, 0, 0, 0, 0]);
    assert_eq!(one("@ CDNSKEY 0 3 0 AA=="), [0, 0, 3, 0, 0]);
    assert_eq!(one("@ OPENPGPKEY ( Zm9v\n YmFy )"), b"foobar");
    assert_eq!(one("@ SMIMEA 3 0 1 ab CD"), [3, 0, 1, 0xab, 0xcd]);
    assert_eq!(one("@ DNSKEY 257 3 ECDSAP256SHA256 Zg=="), [1, 1, 3, 13, b'f']);
    assert_eq!(one("@ DS 1 ed25519 2 ab"), [0, 1, 15, 2, 0xab]);
}

#[test]
fn rfc4034_3_2_rrsig_integer_times_and_ttl_units() {
    let w = one("@ RRSIG A 8 2 1h 1048354263 0 1 . Zg==");
    assert_eq!(&w[..18], &[0, 1, 8, 2, 0, 0, 0x0e, 0x10, 0x3e, 0x7c, 0x9d, 0xd7, 0, 0, 0, 0, 0, 1]);
    assert_eq!(&w[18..], &[0, b'f']);
}

#[test]
fn directive_and_field_errors() {
    assert_eq!(err("$ORIGIN\n"), K::MissingArgument("$ORIGIN"));
    assert_eq!(err("$INCLUDE\n"), K::MissingArgument("$INCLUDE"));
    assert!(matches!(err("$TTL 1h extra\n"), K::Trailing(_)));
    assert!(matches!(err("$ORIGIN a..b\n"), K::BadName("$ORIGIN", _, _)));
    assert!(matches!(err("a 1 IN IN A 192.0.2.1\n"), K::UnknownType(_)));
    assert_eq!(err("a 1 TXT \"a\\25\"\n"), K::BadEscape("text"));
    assert_eq!(err("a 1 TXT a\\\n"), K::BadEscape("text"));
    let salt = "ab".repeat(256);
    assert_eq!(err(&format!("a 1 NSEC3PARAM 1 0 0 {salt}\n")), K::StringTooLong("salt"));
    assert_eq!(err("a 1 NSEC3PARAM 1 0 0 abc\n"), K::BadEncoding("salt", "hex"));
    assert_eq!(err("a 1 NSEC3 1 0 0 - \"\"\n"), K::Empty("next hashed owner name"));
    assert!(matches!(err("a 1 TYPE9 \\# 65536 00\n"), K::OutOfRange("\\# length", _)));
    assert!(matches!(err("a 1 MX 65536 b\n"), K::OutOfRange("preference", _)));
    assert_eq!(err("a 1 MX 10\n"), K::Missing("exchange"));
    assert_eq!(err("a 1 A\n"), K::Missing("RDATA"));
    assert!(matches!(err("a 1 SVCB 1 . foo=bar\n"), K::UnknownSvcParamKey(_)));
    assert!(matches!(err("a 1 SVCB 1 . ech=!!\n"), K::BadSvcParam(..)));
    assert!(matches!(err("a 1 SVCB 1 . port=x\n"), K::BadSvcParam(..)));
    assert!(matches!(err("a 1 NSEC . A ( TYPE70000 )\n"), K::UnknownType(_)));
    assert_eq!(err("a 1 DNSKEY 257 3 8 Zg=\n"), K::BadEncoding("public key", "Base64"));
    assert!(matches!(err("a 1 RRSIG A 8 2 1 x 0 1 . Zg==\n"), K::BadTime("expiration", _)));
    assert!(matches!(err("a 1 OPT \\# 0\n"), K::MetaType(RecordType::OPT)));
    assert!(matches!(err("a 1h1 A 192.0.2.1\n"), K::BadTtl("TTL", _)));
}

#[test]
fn rfc4034_4_1_2_every_type_in_one_bitmap_in_linear_time() {
    let types: Vec<String> = (0..=u16::MAX).rev().map(|t| format!("TYPE{t}")).collect();
    let w = one(&format!("@ NSEC . ( {} )", types.join(" ")));
    // Root name, then 256 windows of 32 full bytes.
    assert_eq!(w.len(), 1 + 256 * 34);
    let d = unet_dns::RData::from_wire(RecordType::NSEC, &w).unwrap();
    let unet_dns::RData::Nsec(n) = d else { panic!() };
    assert_eq!(n.types.iter().count(), 65536);
    // SvcParams out of order are sorted; in order they take one pass.
    let many: Vec<String> = (0..500).rev().map(|k| format!("key{}=x", k + 10)).collect();
    let w = one(&format!("@ SVCB 1 . {}", many.join(" ")));
    assert_eq!(w.len(), 3 + 500 * 5);
    assert_eq!(&w[3..8], &[0, 10, 0, 1, b'x']);
}
