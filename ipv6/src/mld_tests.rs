//! MLD tests: captures (RFC 3810), MLDv1 (RFC 2710), code decoding, round trips.
use super::*;
use crate::chain::Chain;
use crate::icmp::{Message, Repr};
use crate::packet::Packet;
use crate::testutil::*;
extern crate std;
use proptest::prelude::*;
use std::format;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

/// The MLD message of a capture frame (after its Hop-by-Hop header), checksum verified.
fn mld_of(ip: &[u8]) -> (MldRepr<'_>, &[u8], Ipv6Addr, Ipv6Addr) {
    let p = Packet::new_checked(ip).unwrap();
    let (src, dst) = (p.src_addr(), p.dst_addr());
    let chain = Chain::parse(p.next_header(), &ip[40..]).unwrap();
    let msg = chain.payload();
    match Repr::parse(&Message::new_checked(msg).unwrap(), src, dst).unwrap() {
        Repr::Mld(m) => (m, msg, src, dst),
        other => panic!("{other:?}"),
    }
}

fn re_emit(m: MldRepr<'_>, src: Ipv6Addr, dst: Ipv6Addr) -> Vec<u8> {
    let r = Repr::Mld(m);
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut Message::new_unchecked(&mut out[..]), src, dst).unwrap();
    out
}

#[test]
fn rfc3810_5_1_general_query_from_capture() {
    let ip = ip_of_frame(MLD_QUERY_FRAME);
    let (m, msg, src, dst) = mld_of(&ip);
    assert!(matches!(m, MldRepr::QueryV2 { max_resp_code: 10000, qqic: 60, .. }));
    assert_eq!(m.max_resp_delay(), Some(10000));
    assert_eq!(m.query_flags(), Some((false, 2)));
    assert_eq!(m.sources().count(), 0);
    assert_eq!(m.to_string(), "multicast listener query v2 [gaddr :: 0 source(s)]");
    assert!(format!("{m:#}").contains("qrv 2, qqi 60s"));
    assert_eq!(re_emit(m, src, dst), msg);
}

#[test]
fn rfc3810_5_2_reports_from_capture() {
    let ip = ip_of_frame(MLD_REPORT_FRAME);
    let (m, msg, src, dst) = mld_of(&ip);
    let recs: Vec<_> = m.records().collect();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].record_type, RecordType::CHANGE_TO_EXCLUDE);
    assert_eq!(recs[0].group, "ff02::db8:1122:3344".parse::<Ipv6Addr>().unwrap());
    assert_eq!(re_emit(m, src, dst), msg);
    assert_eq!(m.to_string(), "multicast listener report v2, 1 group record(s)");

    let ip = ip_of_frame(MLD_REPORT4_FRAME);
    let (m, msg, src, dst) = mld_of(&ip);
    let groups: Vec<Ipv6Addr> = m.records().map(|r| r.group).collect();
    assert_eq!(groups.len(), 4);
    assert_eq!(groups[1], "ff02::1:ffcc:e546".parse::<Ipv6Addr>().unwrap());
    assert!(m.records().all(|r| r.record_type == RecordType::MODE_IS_EXCLUDE));
    assert!(format!("{m:#}").contains("[gaddr ff02::1:ff00:2 is_ex]"));
    assert_eq!(re_emit(m, src, dst), msg);
}

#[test]
fn rfc3810_5_1_3_max_resp_code_floating_point() {
    assert_eq!(max_resp_delay_ms(32767), 32767);
    // exp 0, mant 0: 0x1000 << 3.
    assert_eq!(max_resp_delay_ms(0x8000), 0x1000 << 3);
    // exp 7, mant 0xfff: the largest value, 8387584 ms.
    assert_eq!(max_resp_delay_ms(0xffff), 8_387_584);
    assert_eq!(qqi_seconds(127), 127);
    assert_eq!(qqi_seconds(0x80), 0x10 << 3);
    assert_eq!(qqi_seconds(0xff), 31744);
}

#[test]
fn rfc3810_8_1_query_length_decides_version() {
    let body = [0u8; 20];
    assert!(matches!(MldRepr::parse(Icmpv6Type::MLD_QUERY, &body), Ok(MldRepr::QueryV1 { .. })));
    assert_eq!(MldRepr::parse(Icmpv6Type::MLD_QUERY, &[0u8; 22]), Err(WireError::BadLength));
    assert_eq!(MldRepr::parse(Icmpv6Type::MLD_QUERY, &[0u8; 19]), Err(WireError::Truncated));
    // Two sources announced, one present.
    let mut b = vec![0u8; 24 + 16];
    b[23] = 2;
    assert_eq!(MldRepr::parse(Icmpv6Type::MLD_QUERY, &b), Err(WireError::Truncated));
}

#[test]
fn rfc3810_5_2_record_count_beyond_data_is_truncated() {
    let body = [0, 0, 0, 2, 4, 0, 0, 0, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    assert_eq!(MldRepr::parse(Icmpv6Type::MLDV2_REPORT, &body), Err(WireError::Truncated));
}

#[test]
fn rfc2710_3_v1_report_and_done() {
    let (src, dst): (Ipv6Addr, Ipv6Addr) = ("fe80::1".parse().unwrap(), "ff02::2".parse().unwrap());
    let group: Ipv6Addr = "ff05::1:3".parse().unwrap();
    for m in [
        MldRepr::ReportV1 { max_resp_delay: 0, reserved: 0, group },
        MldRepr::Done { max_resp_delay: 0, reserved: 0, group },
        MldRepr::QueryV1 { max_resp_delay: 1000, reserved: 0, group },
    ] {
        let b = re_emit(m, src, dst);
        assert_eq!(b.len(), 24);
        let back = Repr::parse(&Message::new_checked(&b[..]).unwrap(), src, dst).unwrap();
        assert_eq!(back, Repr::Mld(m));
    }
    let done = MldRepr::Done { max_resp_delay: 0, reserved: 0, group };
    assert_eq!(done.to_string(), "multicast listener done addr: ff05::1:3");
}

proptest! {
    #[test]
    fn query_v2_round_trip(code in any::<u16>(), flags in any::<u8>(), qqic in any::<u8>(),
                           nsrc in 0usize..4, extra in proptest::collection::vec(any::<u8>(), 0..6)) {
        let sources = vec![0x20u8; nsrc * 16];
        let m = MldRepr::QueryV2 { max_resp_code: code, reserved: 0, group: Ipv6Addr::UNSPECIFIED,
                                   flags, qqic, source_bytes: &sources, additional: &extra };
        let mut out = vec![0u8; m.body_len()];
        m.emit(&mut out).unwrap();
        prop_assert_eq!(MldRepr::parse(Icmpv6Type::MLD_QUERY, &out).unwrap(), m);
    }

    #[test]
    fn report_v2_round_trip(groups in proptest::collection::vec((1u8..7, any::<[u8; 16]>(), 0usize..3, 0usize..3), 0..4)) {
        let mut records = Vec::new();
        for (t, g, nsrc, aux) in &groups {
            let srcs = vec![1u8; nsrc * 16];
            let auxd = vec![2u8; aux * 4];
            let r = McastAddressRecord { record_type: RecordType(*t), group: (*g).into(),
                                         source_bytes: &srcs, aux_data: &auxd };
            let mut b = vec![0u8; r.buffer_len()];
            r.emit(&mut b).unwrap();
            records.extend_from_slice(&b);
        }
        let m = MldRepr::ReportV2 { reserved: 0, nr_records: groups.len() as u16, records: &records };
        let mut out = vec![0u8; m.body_len()];
        m.emit(&mut out).unwrap();
        let back = MldRepr::parse(Icmpv6Type::MLDV2_REPORT, &out).unwrap();
        prop_assert_eq!(back, m);
        prop_assert_eq!(back.records().count(), groups.len());
        for (r, (t, g, nsrc, aux)) in back.records().zip(&groups) {
            prop_assert_eq!(r.record_type, RecordType(*t));
            prop_assert_eq!(r.group, Ipv6Addr::from(*g));
            prop_assert_eq!(r.sources().count(), *nsrc);
            prop_assert_eq!(r.aux_data.len(), aux * 4);
        }
    }
}

#[test]
fn rfc2710_3_v1_report_with_trailing_bytes_is_bad_length() {
    assert_eq!(MldRepr::parse(Icmpv6Type::MLD_REPORT, &[0u8; 21]), Err(WireError::BadLength));
}
