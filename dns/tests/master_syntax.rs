//! The master file syntax of RFC 1035 §5.1 as BIND, Knot and NSD read it, and every error
//! with the line it is reported on.

use unet_dns::master::{MasterErrorKind as K, MasterReader, Snippet};
use unet_dns::{Class, NameBuf, RecordType};

fn name(s: &str) -> NameBuf {
    s.parse().unwrap()
}

fn read(text: &str) -> Vec<String> {
    let origin = name("example.com.");
    let mut r = MasterReader::new(text, &origin);
    let mut buf = vec![0u8; 65535];
    let mut out = Vec::new();
    while let Some(e) = r.next_entry(&mut buf) {
        out.push(e.unwrap_or_else(|e| panic!("{e}")).0.to_string());
    }
    out
}

/// Every error of the text: (line, kind, Display).
fn errors(text: &str) -> Vec<(u32, K, String)> {
    let origin = name("example.com.");
    let mut r = MasterReader::new(text, &origin);
    let mut buf = vec![0u8; 65535];
    let mut out = Vec::new();
    while let Some(e) = r.next_entry(&mut buf) {
        if let Err(e) = e {
            out.push((e.line, e.kind, e.to_string()));
        }
    }
    out
}

fn one_error(text: &str) -> (u32, K, String) {
    let mut e = errors(text);
    assert_eq!(e.len(), 1, "{text}: {e:?}");
    e.remove(0)
}

#[test]
fn rfc1035_5_1_owner_origin_and_relative_names() {
    let got = read(
        "$TTL 300\n@ A 192.0.2.1\nwww A 192.0.2.2\n  AAAA 2001:db8::2\nabs.example.net. A 192.0.2.3\n\
         $ORIGIN sub\nx A 192.0.2.4\n$ORIGIN example.org.\n@ NS .\nMiXeD.CaSe CNAME Target\n",
    );
    assert_eq!(
        got,
        [
            "example.com. 300 IN A 192.0.2.1",
            "www.example.com. 300 IN A 192.0.2.2",
            "www.example.com. 300 IN AAAA 2001:db8::2",
            "abs.example.net. 300 IN A 192.0.2.3",
            "x.sub.example.com. 300 IN A 192.0.2.4",
            "example.org. 300 IN NS .",
            "MiXeD.CaSe.example.org. 300 IN CNAME Target.example.org.",
        ]
    );
}

#[test]
fn rfc1035_5_1_ttl_and_class_in_either_order_with_units() {
    let got = read(
        "a 1h30m IN A 192.0.2.1\nb IN 2d A 192.0.2.2\nc A 192.0.2.3\nd 1W CLASS1 A 192.0.2.4\n\
         e in a 192.0.2.5\n",
    );
    assert_eq!(
        got,
        [
            "a.example.com. 5400 IN A 192.0.2.1",
            "b.example.com. 172800 IN A 192.0.2.2",
            // RFC 1035 §5.1: the last TTL stated.
            "c.example.com. 172800 IN A 192.0.2.3",
            "d.example.com. 604800 IN A 192.0.2.4",
            "e.example.com. 604800 IN A 192.0.2.5",
        ]
    );
}

#[test]
fn rfc2308_4_dollar_ttl_is_the_default() {
    let got = read("$TTL 1d\na 60 A 192.0.2.1\nb A 192.0.2.2\n$TTL 5m\nc A 192.0.2.3\n");
    assert_eq!(
        got,
        [
            "a.example.com. 60 IN A 192.0.2.1",
            "b.example.com. 86400 IN A 192.0.2.2",
            "c.example.com. 300 IN A 192.0.2.3",
        ]
    );
}

#[test]
fn bind_soa_minimum_is_the_ttl_without_any_other() {
    let got = read("@ SOA ns h 1 2 3 4 3h\nwww A 192.0.2.1\n");
    assert_eq!(got[0], "example.com. 10800 IN SOA ns.example.com. h.example.com. 1 2 3 4 10800");
    assert_eq!(got[1], "www.example.com. 10800 IN A 192.0.2.1");
    let (line, kind, shown) = one_error("\nwww A 192.0.2.1\n");
    assert_eq!((line, kind), (2, K::NoTtl));
    assert_eq!(shown, "line 2: A: no TTL, no $TTL and no previous TTL (RFC 2308 §4)");
}

#[test]
fn rfc1035_5_1_parentheses_comments_and_quotes() {
    let got = read(
        "$TTL 1 ; comment\n@ TXT ( \"a b\" ; inside\n  c \"d;e\" \"(f)\"\n  ) ; after\n\
         h HINFO \"Intel x86\" Linux\nq TXT \"\" \"say \\\"hi\\\"\" \\065\\.\n",
    );
    assert_eq!(
        got,
        [
            "example.com. 1 IN TXT \"a b\" \"c\" \"d;e\" \"(f)\"",
            "h.example.com. 1 IN HINFO \"Intel x86\" \"Linux\"",
            "q.example.com. 1 IN TXT \"\" \"say \\\"hi\\\"\" \"A.\"",
        ]
    );
}

#[test]
fn rfc1035_3_3_character_strings_at_most_255_octets() {
    let ok = format!("$TTL 1\n@ TXT \"{}\" \"{}\"\n", "a".repeat(255), "b".repeat(255));
    assert_eq!(read(&ok).len(), 1);
    let long = format!("$TTL 1\n@ TXT \"{}\"\n", "a".repeat(256));
    let (line, kind, shown) = one_error(&long);
    assert_eq!((line, kind), (2, K::StringTooLong("text")));
    assert_eq!(shown, "line 2: TXT: text is longer than 255 octets");
    // Escapes count as one octet each.
    let escaped = format!("$TTL 1\n@ TXT \"{}\"\n", "\\255".repeat(255));
    assert_eq!(read(&escaped).len(), 1);
}

#[test]
fn rfc1035_2_3_4_name_limits() {
    let label63 = "a".repeat(63);
    let ok = format!("$TTL 1\n{0}.{0}.{0}.{1}. A 192.0.2.1\n", label63, "b".repeat(61));
    assert_eq!(read(&ok).len(), 1);
    let too_long = format!("$TTL 1\n{0}.{0}.{0}.{1}. A 192.0.2.1\n", label63, "b".repeat(62));
    let (line, kind, _) = one_error(&too_long);
    assert!(matches!(kind, K::BadName("owner", _, unet_dns::Error::NameTooLong)), "{kind:?}");
    assert_eq!(line, 2);
    // Relative to the origin, the result is what must fit.
    let rel = format!("$TTL 1\n{0}.{0}.{0}.{1} A 192.0.2.1\n", label63, "b".repeat(50));
    assert!(matches!(one_error(&rel).1, K::BadName("owner", _, unet_dns::Error::NameTooLong)));
    let label64 = format!("$TTL 1\n{} A 192.0.2.1\n", "a".repeat(64));
    assert!(matches!(one_error(&label64).1, K::BadName("owner", _, unet_dns::Error::LabelTooLong)));
    let (_, kind, shown) = one_error("$TTL 1\nwww CNAME a..b\n");
    assert!(matches!(kind, K::BadName("target", _, _)));
    assert_eq!(
        shown,
        "line 2: CNAME: target \"a..b\" is not a domain name: bad presentation format"
    );
}

#[test]
fn rfc1035_5_1_escapes_in_names() {
    let got = read("$TTL 1\na\\.b\\032c\\\\ A 192.0.2.1\n\\@ CNAME \\$x.\n");
    assert_eq!(got[0], "a\\.b\\032c\\\\.example.com. 1 IN A 192.0.2.1");
    assert_eq!(got[1], "\\@.example.com. 1 IN CNAME \\$x.");
    let (_, kind, _) = one_error("$TTL 1\na\\256 A 192.0.2.1\n");
    assert!(matches!(kind, K::BadName("owner", _, _)));
}

#[test]
fn rfc3597_5_generic_types_classes_and_rdata() {
    let got = read(
        "$TTL 1\na TYPE731 \\# 6 abcd (\n ef 012345 )\nb CLASS1 TYPE1 \\# 4 C0000201\n\
         c A \\# 4 c0000202\nd TYPE62347 \\# 0\ne NULL \\# 1 00\n",
    );
    assert_eq!(
        got,
        [
            "a.example.com. 1 IN TYPE731 \\# 6 ABCDEF012345",
            "b.example.com. 1 IN A 192.0.2.1",
            "c.example.com. 1 IN A 192.0.2.2",
            "d.example.com. 1 IN TYPE62347 \\# 0",
            "e.example.com. 1 IN NULL \\# 1 00",
        ]
    );
    let (_, kind, shown) = one_error("$TTL 1\na TYPE731 \\# 3 abcd\n");
    assert_eq!(kind, K::GenericLength { declared: 3, found: 2 });
    assert_eq!(shown, "line 2: TYPE731: \\# says 3 octets, the data has 2");
    let (_, kind, _) = one_error("$TTL 1\na A \\# 3 c00002\n");
    assert_eq!(kind, K::GenericInvalid(unet_dns::Error::BadRdata(RecordType::A)));
    let (_, kind, _) = one_error("$TTL 1\na TYPE731 abcd\n");
    assert_eq!(kind, K::NoPresentation(RecordType(731)));
    let (_, kind, _) = one_error("$TTL 1\na LOC 1 2 3\n");
    assert_eq!(kind, K::NoPresentation(RecordType::LOC));
}

#[test]
fn every_error_is_reported_with_its_line_and_reading_goes_on() {
    let text = "$TTL 1h\n\
        ok1 A 192.0.2.1\n\
        mx MX ten mail\n\
        a A 192.0.2.256\n\
        aaaa AAAA 2001:db8::g\n\
        t TXT \"unterminated\n\
        ok2 A 192.0.2.2\n\
        p ( A\n 192.0.2.3 extra )\n\
        f FOO 1\n\
        any ANY 1\n\
        ch CH A 192.0.2.4\n\
        $FOO bar\n\
        $TTL\n\
        $TTL 2147483648\n\
        s SRV 1 2 70000 x\n\
        ds DS 1 8 2 abc\n\
        k DNSKEY 257 3 13 AAAA=B\n\
        sig RRSIG A 13 2 300 20250230000000 20250101000000 1 @ AAAA\n\
        n NSEC x A BOGUS\n\
        n3 NSEC3 1 0 0 - 0123W A\n\
        u URI 1 1 \"\"\n\
        c CAA 0 \"\" x\n\
        \x20 A 192.0.2.9\n\
        ok3 A 192.0.2.5\n\
        paren A 192.0.2.6 )\n\
        last A (\n";
    let got = errors(text);
    let lines: Vec<u32> = got.iter().map(|e| e.0).collect();
    let shown: Vec<&str> = got.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(
        shown,
        [
            "line 3: MX: preference \"ten\" is not a number",
            "line 4: A: address \"192.0.2.256\" is not an address",
            "line 5: AAAA: address \"2001:db8::g\" is not an address",
            "line 6: TXT: quoted string not closed on its line",
            "line 9: A: unexpected \"extra\" after the RDATA",
            "line 10: unknown type \"FOO\"",
            "line 11: ANY is not a type of record in a zone",
            "line 12: A: class CH differs from the zone's class IN",
            "line 13: unknown directive \"$FOO\"",
            "line 14: $TTL needs an argument",
            "line 15: TTL \"2147483648\" is not a TTL",
            "line 16: SRV: port \"70000\" is out of range",
            "line 17: DS: digest is not valid hex",
            "line 18: DNSKEY: public key is not valid Base64",
            "line 19: RRSIG: expiration \"20250230000000\" is not a time (YYYYMMDDHHmmSS or seconds)",
            "line 20: NSEC: unknown type \"BOGUS\"",
            "line 21: NSEC3: next hashed owner name is not valid Base32hex",
            "line 22: URI: target is empty",
            "line 23: CAA: tag is empty",
            "line 26: A: \")\" without \"(\"",
            "line 27: A: \"(\" not closed at the end of the file",
        ],
        "{got:#?}"
    );
    assert_eq!(lines.len(), 21);
    // Line 24 (blank owner) repeats the owner of line 23 (which failed after its owner).
    let ok = read("$TTL 1h\nok1 A 192.0.2.1\n A 192.0.2.9\n");
    assert_eq!(ok[1], "ok1.example.com. 3600 IN A 192.0.2.9");
}

#[test]
fn rfc1035_5_1_first_entry_needs_an_owner() {
    let (line, kind, _) = one_error("\n\n  A 192.0.2.1\n");
    assert_eq!((line, kind), (3, K::NoOwner));
}

#[test]
fn include_needs_files_and_errors_show_fields() {
    let (line, kind, shown) = one_error("$TTL 1\n$INCLUDE other.zone\n");
    assert_eq!((line, kind), (2, K::IncludeNotSupported));
    assert_eq!(shown, "line 2: $INCLUDE needs a reader with files");
    let long = "x".repeat(100);
    let s = Snippet::new(&long);
    assert!(s.to_string().ends_with("...\""));
}

#[test]
fn class_of_the_zone_from_the_reader() {
    let origin = name("example.com.");
    let mut r = MasterReader::new("$TTL 1\n@ TXT x\n", &origin).with_class(Class::CH);
    let mut buf = [0u8; 64];
    assert_eq!(r.next_entry(&mut buf).unwrap().unwrap().0.class, Class::CH);
}

#[test]
fn rdata_buffer_too_small_is_an_error_not_a_panic() {
    let origin = name("example.com.");
    let mut r = MasterReader::new("$TTL 1\n@ TXT \"0123456789\"\n@ A 192.0.2.1\n", &origin);
    let mut buf = [0u8; 8];
    assert_eq!(r.next_entry(&mut buf).unwrap().unwrap_err().kind, K::RdataTooLong);
    assert_eq!(r.next_entry(&mut buf).unwrap().unwrap().0.rdata, &[192, 0, 2, 1]);
}
