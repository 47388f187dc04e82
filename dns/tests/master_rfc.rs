//! The master file reader against the RFCs' own examples: RFC 1035 §5.3, RFC 4592 §2.2.1,
//! RFC 4034 (DNSKEY, RRSIG, DS, NSEC), RFC 5155 Appendix A (NSEC3) and RFC 9460 Appendix D
//! (SVCB, with the wire forms given there).

use unet_dns::master::{MasterErrorKind, MasterReader};
use unet_dns::rdata::SvcParamKey;
use unet_dns::{NameBuf, RData, RecordType};

fn name(s: &str) -> NameBuf {
    s.parse().unwrap()
}

/// Every entry as dig prints it; panics on an error.
fn read_all(text: &str, origin: &str) -> Vec<(String, u32)> {
    let origin = name(origin);
    let mut r = MasterReader::new(text, &origin);
    let mut buf = vec![0u8; 65535];
    let mut out = Vec::new();
    while let Some(e) = r.next_entry(&mut buf) {
        let (e, line) = e.unwrap_or_else(|e| panic!("{e}"));
        out.push((e.to_string(), line));
    }
    out
}

/// The wire RDATA of the only entry.
fn wire(text: &str) -> (RecordType, Vec<u8>) {
    let origin = name("example.com.");
    let mut r = MasterReader::new(text, &origin);
    let mut buf = vec![0u8; 65535];
    let (e, _) = r.next_entry(&mut buf).unwrap().unwrap_or_else(|e| panic!("{e}"));
    let out = (e.rtype, e.rdata.to_vec());
    assert!(r.next_entry(&mut buf).is_none());
    out
}

fn error(text: &str) -> (u32, MasterErrorKind, String) {
    let origin = name("example.com.");
    let mut r = MasterReader::new(text, &origin);
    let mut buf = vec![0u8; 65535];
    loop {
        match r.next_entry(&mut buf).expect("an error") {
            Ok(_) => continue,
            Err(e) => return (e.line, e.kind, e.to_string()),
        }
    }
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

const RFC1035_5_3: &str = r#"@   IN  SOA     VENERA      Action\.domains (
                                 20     ; SERIAL
                                 7200   ; REFRESH
                                 600    ; RETRY
                                 3600000; EXPIRE
                                 60)    ; MINIMUM

        NS      A.ISI.EDU.
        NS      VENERA
        NS      VAXA
        MX      10      VENERA
        MX      20      VAXA

A       A       26.3.0.103

VENERA  A       10.1.0.52
        A       128.9.0.32

VAXA    A       10.2.0.27
        A       128.9.0.33
"#;

#[test]
fn rfc1035_5_3_example_master_file() {
    let got = read_all(RFC1035_5_3, "ISI.EDU.");
    let want = [
        ("ISI.EDU. 60 IN SOA VENERA.ISI.EDU. Action\\.domains.ISI.EDU. 20 7200 600 3600000 60", 1),
        ("ISI.EDU. 60 IN NS A.ISI.EDU.", 8),
        ("ISI.EDU. 60 IN NS VENERA.ISI.EDU.", 9),
        ("ISI.EDU. 60 IN NS VAXA.ISI.EDU.", 10),
        ("ISI.EDU. 60 IN MX 10 VENERA.ISI.EDU.", 11),
        ("ISI.EDU. 60 IN MX 20 VAXA.ISI.EDU.", 12),
        ("A.ISI.EDU. 60 IN A 26.3.0.103", 14),
        ("VENERA.ISI.EDU. 60 IN A 10.1.0.52", 16),
        ("VENERA.ISI.EDU. 60 IN A 128.9.0.32", 17),
        ("VAXA.ISI.EDU. 60 IN A 10.2.0.27", 19),
        ("VAXA.ISI.EDU. 60 IN A 128.9.0.33", 20),
    ];
    let want: Vec<(String, u32)> = want.iter().map(|(s, l)| (s.to_string(), *l)).collect();
    assert_eq!(got, want);
    // The example ends with an $INCLUDE: a string reader cannot follow it.
    let with_include = format!("{RFC1035_5_3}\n$INCLUDE <SUBSYS>ISI-MAILBOXES.TXT\n");
    let (line, kind, _) = error(&with_include);
    assert_eq!((line, kind), (22, MasterErrorKind::IncludeNotSupported));
}

#[test]
fn rfc4592_2_2_1_wildcard_example_zone() {
    let zone = r#"$ORIGIN example.
example.                 3600 IN  SOA   ns.example.com. hostmaster.example.com. 1 3600 600 86400 3600
example.                 3600     NS    ns.example.com.
example.                 3600     NS    ns.example.net.
*.example.               3600     TXT   "this is a wildcard"
*.example.               3600     MX    10 host1.example.
sub.*.example.           3600     TXT   "this is not a wildcard"
host1.example.           3600     A     192.0.2.1
_ssh._tcp.host1.example. 3600     SRV   0 0 22 host1.example.
_ssh._tcp.host2.example. 3600     SRV   0 0 22 host1.example.
subdel.example.          3600     NS    ns.example.com.
subdel.example.          3600     NS    ns.example.net.
"#;
    let got = read_all(zone, ".");
    assert_eq!(got.len(), 11);
    assert_eq!(got[3].0, "*.example. 3600 IN TXT \"this is a wildcard\"");
    assert_eq!(got[5].0, "sub.*.example. 3600 IN TXT \"this is not a wildcard\"");
    assert_eq!(got[7], ("_ssh._tcp.host1.example. 3600 IN SRV 0 0 22 host1.example.".into(), 9));
}

#[test]
fn rfc4034_2_3_and_3_3_dnskey_and_rrsig_examples() {
    let zone = "example.com. 86400 IN DNSKEY 256 3 5 ( AQPSKmynfzW4kyBv015MUG2DeIQ3
                                          Cbl+BBZH4b/0PY1kxkmvHjcZc8no
                                          kfzj31GajIQKY+5CptLr3buXA10h
                                          WqTkF7H6RfoRqXQeogmMHfpftf6z
                                          Mv1LyBUgia7za6ZEzOJBOztyvhjL
                                          742iU/TpPSEDhm2SNKLijfUppn1U
                                          aNvv4w==  )
host.example.com. 86400 IN RRSIG A 5 3 86400 20030322173103 (
                                  20030220173103 2642 example.com.
                                  oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTr
                                  PYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6o
                                  B9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3t
                                  GNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkG
                                  J5D6fwFm8nN+6pBzeDQfsS3Ap3o= )
";
    let origin = name(".");
    let mut r = MasterReader::new(zone, &origin);
    let mut buf = vec![0u8; 65535];
    let (key, _) = r.next_entry(&mut buf).unwrap().unwrap();
    let RData::Dnskey(k) = key.data().unwrap() else { panic!() };
    assert_eq!((k.flags, k.protocol, k.algorithm, k.public_key.len()), (256, 3, 5, 130));
    // RFC 4034 §3.3: the RRSIG's key tag 2642 is the tag of this key.
    assert_eq!(k.key_tag(), 2642);
    let (sig, line) = r.next_entry(&mut buf).unwrap().unwrap();
    assert_eq!(line, 8);
    let RData::Rrsig(s) = sig.data().unwrap() else { panic!() };
    assert_eq!(s.type_covered, RecordType::A);
    assert_eq!((s.algorithm, s.labels, s.original_ttl, s.key_tag), (5, 3, 86400, 2642));
    assert_eq!((s.expiration, s.inception), (1_048_354_263, 1_045_762_263));
    assert_eq!(s.signer_name.to_string(), "example.com.");
    assert_eq!(s.signature.len(), 128);
    assert!(sig.to_string().contains(" A 5 3 86400 20030322173103 20030220173103 2642 example.com. oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTr"));
}

#[test]
fn rfc4034_5_4_and_4_3_ds_and_nsec_examples() {
    let (t, w) = wire(
        "dskey.example.com. 86400 IN DS 60485 5 1 ( 2BB183AF5F22588179A53B0A\n 98631FAD1A292118 )",
    );
    assert_eq!(t, RecordType::DS);
    assert_eq!(w, hex("EC45 05 01 2BB183AF5F22588179A53B0A98631FAD1A292118"));
    let (_, w) =
        wire("alfa.example.com. 86400 IN NSEC host.example.com. (\n A MX RRSIG NSEC TYPE1234 )");
    // RFC 4034 §4.3's bitmap: window 0 (A MX RRSIG NSEC), window 4 (TYPE1234).
    let mut expected = hex("04 686f7374 07 6578616d706c65 03 636f6d 00 0006 4001000000 03 041b");
    expected.extend([0u8; 26]);
    expected.push(0x20);
    assert_eq!(w, expected);
}

#[test]
fn rfc5155_appendix_a_nsec3_and_nsec3param() {
    let (t, w) = wire(
        "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 NSEC3 1 1 12 aabbccdd (
             2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS
             SOA NSEC3PARAM RRSIG )",
    );
    let d = RData::from_wire(t, &w).unwrap();
    assert_eq!(
        d.to_string(),
        "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG DNSKEY NSEC3PARAM"
    );
    assert_eq!(&w[..10], &hex("01 01 000c 04 aabbccdd 14"));
    let (_, w) = wire("example. 3600 NSEC3PARAM 1 0 12 aabbccdd");
    assert_eq!(w, hex("01 00 000c 04 aabbccdd"));
    let (_, w) = wire("example. 3600 NSEC3PARAM 1 0 0 -");
    assert_eq!(w, hex("01 00 0000 00"));
}

#[test]
fn rfc9460_appendix_d_2_svcb_examples() {
    let foo_com = "03 666f6f 07 6578616d706c65 03 636f6d 00";
    let foo_org = "03 666f6f 07 6578616d706c65 03 6f7267 00";
    let cases: [(&str, String); 9] = [
        ("example.com. 1 HTTPS 0 foo.example.com.", format!("0000 {foo_com}")),
        ("example.com. 1 SVCB 1 .", "0001 00".into()),
        ("example.com. 1 SVCB 16 foo.example.com. port=53", format!("0010 {foo_com} 0003 0002 0035")),
        ("example.com. 1 SVCB 1 foo.example.com. key667=hello", format!("0001 {foo_com} 029b 0005 68656c6c6f")),
        (
            r#"example.com. 1 SVCB 1 foo.example.com. key667="hello\210qoo""#,
            format!("0001 {foo_com} 029b 0009 68656c6c6fd2716f6f"),
        ),
        (
            r#"example.com. 1 SVCB 1 foo.example.com. ( ipv6hint="2001:db8::1,2001:db8::53:1" )"#,
            format!("0001 {foo_com} 0006 0020 20010db8000000000000000000000001 20010db8000000000000000000530001"),
        ),
        (
            r#"example.com. 1 SVCB 1 example.com. ( ipv6hint="2001:db8:122:344::192.0.2.33" )"#,
            "0001 07 6578616d706c65 03 636f6d 00 0006 0010 20010db801220344 00000000c0000221".into(),
        ),
        (
            "example.com. 1 SVCB 16 foo.example.org. ( alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1 )",
            format!("0010 {foo_org} 0000 0004 0001 0004 0001 0009 02 6832 05 68332d3139 0004 0004 c0000201"),
        ),
        (
            r#"example.com. 1 SVCB 16 foo.example.org. alpn="f\\\\oo\\,bar,h2""#,
            format!("0010 {foo_org} 0001 000c 08 665c6f6f2c626172 02 6832"),
        ),
    ];
    for (text, want) in cases {
        let (_, w) = wire(text);
        assert_eq!(w, hex(&want), "{text}");
        // Display and back.
        let (t, _) = wire(text);
        let shown = RData::from_wire(t, &w).unwrap().to_string();
        let (_, again) = wire(&format!("example.com. 1 {t} {shown}"));
        assert_eq!(again, w, "{shown}");
    }
    // The second form of the last example.
    let (_, w) = wire(r#"example.com. 1 SVCB 16 foo.example.org. alpn=f\\\092oo\092,bar,h2"#);
    assert_eq!(w, hex(&format!("0010 {foo_org} 0001 000c 08 665c6f6f2c626172 02 6832")));
}

#[test]
fn rfc9460_appendix_d_3_svcb_failure_cases() {
    let bad = [
        (
            "example.com. 1 SVCB 1 foo.example.com. key123=abc key123=def",
            MasterErrorKind::DuplicateSvcParam(SvcParamKey(123)),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. mandatory",
            MasterErrorKind::BadSvcParam(SvcParamKey::MANDATORY, "needs a value"),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. alpn",
            MasterErrorKind::BadSvcParam(SvcParamKey::ALPN, "needs a value"),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. port",
            MasterErrorKind::BadSvcParam(SvcParamKey::PORT, "needs a value"),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. ipv4hint",
            MasterErrorKind::BadSvcParam(SvcParamKey::IPV4HINT, "needs a value"),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. ipv6hint",
            MasterErrorKind::BadSvcParam(SvcParamKey::IPV6HINT, "needs a value"),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. no-default-alpn=abc",
            MasterErrorKind::BadSvcParam(SvcParamKey::NO_DEFAULT_ALPN, "takes no value"),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. mandatory=key123",
            MasterErrorKind::BadSvcParam(SvcParamKey::MANDATORY, "lists a key that is absent"),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. mandatory=mandatory",
            MasterErrorKind::BadSvcParam(SvcParamKey::MANDATORY, "lists mandatory itself"),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. ( mandatory=key123,key123 key123=abc )",
            MasterErrorKind::BadSvcParam(SvcParamKey::MANDATORY, "lists a key twice"),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. ipv6hint=1.2.3.4",
            MasterErrorKind::BadSvcParam(SvcParamKey::IPV6HINT, "not an IPv6 address"),
        ),
        (
            "example.com. 1 SVCB 1 foo.example.com. alpn=h2,,h3",
            MasterErrorKind::BadSvcParam(SvcParamKey::ALPN, "empty item in list"),
        ),
    ];
    for (text, kind) in bad {
        let (line, k, _) = error(text);
        assert_eq!((line, k), (1, kind), "{text}");
    }
}
