//! Zone::load_str / Zone::load_file: master files into a zone::Zone, with every problem
//! (syntax, refused records, the zone check) reported at its file and line.
#![cfg(feature = "std")]

use std::path::Path;

use unet_dns::master::{LoadProblem, MasterErrorKind, MAX_LOAD_PROBLEMS};
use unet_dns::zone::{Zone, ZoneError};
use unet_dns::{Class, NameBuf, RecordType};

fn name(s: &str) -> NameBuf {
    s.parse().unwrap()
}

fn problems(text: &str) -> Vec<String> {
    match Zone::load_str(text, &name("example.com.")) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems.iter().map(|p| p.to_string()).collect(),
    }
}

const HEAD: &str = "$TTL 1h\n@ SOA ns1 hostmaster 1 2h 1h 1w 5m\n@ NS ns1\nns1 A 192.0.2.1\n";

#[test]
fn real_world_zones_load_and_pass_the_check() {
    let zones = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/zones");
    for (file, origin, records) in [
        ("example.com.zone", "example.com.", 39),
        ("example.net.zone", "example.net.", 18),
        ("example.org.zone", "example.org.", 10),
        ("2.0.192.in-addr.arpa.zone", "2.0.192.in-addr.arpa.", 8),
    ] {
        let zone =
            Zone::load_file(zones.join(file), &name(origin)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(zone.record_count(), records, "{file}");
        assert_eq!(zone.class(), Class::IN);
        assert!(zone.soa().is_some());
    }
}

#[test]
fn rfc1034_3_6_2_cname_and_other_data_at_its_line() {
    let text = format!("{HEAD}www A 192.0.2.2\nmail A 192.0.2.3\nwww CNAME mail\n");
    assert_eq!(
        problems(&text),
        ["line 7: CNAME www.example.com. has other data at the same name (RFC 1034 §3.6.2)"]
    );
    let d = std::env::temp_dir().join(format!("unet-dns-load-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let path = d.join("example.zone");
    std::fs::write(&path, &text).unwrap();
    let err = Zone::load_file(&path, &name("example.com.")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:7: CNAME www.example.com. has other data at the same name (RFC 1034 §3.6.2)",
            path.display()
        )
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn rfc1035_5_2_one_soa_at_the_apex() {
    assert_eq!(
        problems("$TTL 1h\n@ NS ns1\nns1 A 192.0.2.1\n"),
        ["no SOA at the apex (RFC 1035 §5.2)"]
    );
    let two = format!("{HEAD}@ SOA ns1 other 2 2h 1h 1w 5m\n");
    assert_eq!(problems(&two), ["line 5: SOA: more than one at the apex (RFC 1035 §5.2)"]);
    let below = format!("{HEAD}sub SOA ns1 h 1 1 1 1 1\n");
    assert_eq!(
        problems(&below),
        ["line 5: SOA sub.example.com. is not at the apex (RFC 1035 §5.2)"]
    );
}

#[test]
fn rfc1034_4_2_1_glue_for_in_zone_name_servers() {
    let text = format!("{HEAD}sub NS ns.sub\n    NS ns.example.net.\n");
    assert_eq!(
        problems(&text),
        ["line 5: NS ns.sub.example.com. of the delegation sub.example.com. has no address in the zone (glue, RFC 1034 §4.2.1)"]
    );
    assert!(problems(&format!("{text}ns.sub A 192.0.2.53\n")).is_empty());
}

#[test]
fn every_problem_is_reported_syntax_insert_and_check() {
    let text = format!("{HEAD}bad MX ten mail\nwww.example.net. A 192.0.2.9\nwww A 192.0.2.2\nwww TXT x\nwww CNAME ns1\n");
    let err = Zone::load_str(&text, &name("example.com.")).unwrap_err();
    assert_eq!(err.problems.len(), 3, "{err}");
    assert!(
        matches!(&err.problems[0], LoadProblem::Syntax(e) if e.line == 5 && matches!(e.kind, MasterErrorKind::NotANumber(..)))
    );
    assert!(matches!(
        &err.problems[1],
        LoadProblem::Zone {
            line: 6,
            rtype: Some(RecordType::A),
            error: ZoneError::OutOfZone(_),
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "line 5: MX: preference \"ten\" is not a number\n\
         line 6: A: www.example.net. is outside the zone\n\
         line 9: CNAME www.example.com. has other data at the same name (RFC 1034 §3.6.2)"
    );
}

#[test]
fn problems_kept_are_bounded_and_the_rest_counted() {
    let mut text = String::from("$TTL 1h\n");
    for i in 0..150 {
        text.push_str(&format!("h{i} MX x y\n"));
    }
    let err = Zone::load_str(&text, &name("example.com.")).unwrap_err();
    // 150 syntax errors and no SOA: 100 kept, 51 counted.
    assert_eq!((err.problems.len(), err.more), (MAX_LOAD_PROBLEMS, 51));
    assert!(err.to_string().ends_with("\n... and 51 more"));
}
