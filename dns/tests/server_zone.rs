//! unet_dns::zone::Zone: storage in canonical order, empty non-terminals, the load checks.
#![cfg(feature = "alloc")]

use unet_dns::master::MasterReader;
use unet_dns::zone::{Zone, ZoneError};
use unet_dns::{Class, NameBuf, RecordType};

fn zone(origin: &str, text: &str) -> Zone {
    let origin: NameBuf = origin.parse().unwrap();
    let mut z = Zone::new(origin, Class::IN);
    let mut reader = MasterReader::new(text, &origin);
    let mut buf = [0u8; 65535];
    while let Some(e) = reader.next_entry(&mut buf) {
        let (entry, line) = e.unwrap();
        z.insert(&entry).unwrap_or_else(|e| panic!("line {line}: {e}"));
    }
    z
}

const BASE: &str = "$TTL 3600
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.1
";

fn name(s: &str) -> NameBuf {
    s.parse().unwrap()
}

#[test]
fn rfc4034_6_1_nodes_in_canonical_order_with_empty_non_terminals() {
    let mut z = zone("example.", &format!("{BASE}z A 192.0.2.9\nyljkjljk.a A 192.0.2.2\nZABC.a A 192.0.2.3\n*.z A 192.0.2.4\n\\200.z A 192.0.2.5\n"));
    z.prepare();
    let owners: Vec<String> = z.nodes().map(|n| n.owner().to_string()).collect();
    assert_eq!(
        owners,
        [
            "example.",
            "a.example.",
            "yljkjljk.a.example.",
            "ZABC.a.example.",
            "ns1.example.",
            "z.example.",
            "*.z.example.",
            "\\200.z.example."
        ]
    );
    let a = z.find(&name("A.example.").as_name()).unwrap();
    assert!(a.is_empty(), "a.example. is an empty non-terminal");
    assert!(z.find(&name("b.example.").as_name()).is_none());
    let rr = z.get(&name("zabc.A.example.").as_name(), RecordType::A).unwrap();
    assert_eq!(rr.records().next().unwrap().to_string(), "ZABC.a.example. 3600 IN A 192.0.2.3");
    z.check().unwrap();
}

#[test]
fn rfc2181_5_duplicate_records_kept_once() {
    let mut z =
        zone("example.", &format!("{BASE}www A 192.0.2.1\nwww A 192.0.2.2\nWWW A 192.0.2.1\n"));
    z.prepare();
    assert_eq!(z.get(&name("www.example.").as_name(), RecordType::A).unwrap().len(), 2);
}

#[test]
fn rfc1035_5_2_one_soa_at_the_apex() {
    let z = zone("example.", "@ 3600 NS ns1\nns1 3600 A 192.0.2.1\n");
    assert_eq!(z.check(), Err(ZoneError::NoSoa));
    let z = zone("example.", &format!("{BASE}@ SOA ns2 hostmaster 2 7200 3600 1209600 300\n"));
    assert_eq!(z.check(), Err(ZoneError::MultipleSoa));
    let z = zone("example.", &format!("{BASE}sub SOA ns1 hostmaster 1 7200 3600 1209600 300\n"));
    assert_eq!(z.check(), Err(ZoneError::SoaNotAtApex(Box::new(name("sub.example.")))));
}

#[test]
fn rfc2181_10_1_cname_exclusivity() {
    let z = zone("example.", &format!("{BASE}www CNAME ns1\nwww A 192.0.2.1\n"));
    assert_eq!(z.check(), Err(ZoneError::CnameAndOtherData(Box::new(name("www.example.")))));
    let z = zone("example.", &format!("{BASE}www CNAME ns1\nwww CNAME ns2\n"));
    assert_eq!(z.check(), Err(ZoneError::CnameAndOtherData(Box::new(name("www.example.")))));
    zone("example.", &format!("{BASE}www CNAME ns1\n")).check().unwrap();
}

#[test]
fn rfc1034_4_2_1_glue_and_nothing_else_below_a_cut() {
    let z = zone("example.", &format!("{BASE}sub NS ns.sub\n"));
    assert_eq!(
        z.check(),
        Err(ZoneError::MissingGlue {
            cut: Box::new(name("sub.example.")),
            ns: Box::new(name("ns.sub.example."))
        })
    );
    zone("example.", &format!("{BASE}sub NS ns.sub\nns.sub A 192.0.2.7\nsub NS ns.other.\n"))
        .check()
        .unwrap();
    let z = zone("example.", &format!("{BASE}sub NS ns.other.\nwww.sub TXT \"x\"\n"));
    assert_eq!(
        z.check(),
        Err(ZoneError::DataBelowCut(Box::new(name("www.sub.example.")), RecordType::TXT))
    );
    let z = zone("example.", &format!("{BASE}sub NS ns.other.\nsub MX 1 mx\n"));
    assert_eq!(
        z.check(),
        Err(ZoneError::DataBelowCut(Box::new(name("sub.example.")), RecordType::MX))
    );
}

#[test]
fn insert_refuses_foreign_data() {
    let mut z = Zone::new(name("example."), Class::IN);
    let a = [192, 0, 2, 1];
    assert_eq!(
        z.insert_record(&name("example.org."), Class::IN, 1, RecordType::A, &a),
        Err(ZoneError::OutOfZone(Box::new(name("example.org."))))
    );
    assert_eq!(
        z.insert_record(&name("www.example."), Class::CH, 1, RecordType::A, &a),
        Err(ZoneError::ClassMismatch(Class::CH))
    );
    assert_eq!(
        z.insert_record(&name("www.example."), Class::IN, 1, RecordType::OPT, &[]),
        Err(ZoneError::MetaType(RecordType::OPT))
    );
    assert!(matches!(
        z.insert_record(&name("www.example."), Class::IN, 1, RecordType::A, &a[..3]),
        Err(ZoneError::BadRdata(RecordType::A, _))
    ));
    z.insert_record(&name("www.example."), Class::IN, 1, RecordType::A, &a).unwrap();
    assert_eq!(z.record_count(), 1);
}
