//! IGMP host membership at fake times (RFC 2236 §3, §4, §6; RFC 3376 §7.2.1).

use core::net::Ipv4Addr;
use std::vec::Vec;

use unet_core::{Duration, Instant};

use super::membership::*;
use super::Repr;

const G: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
const H: Ipv4Addr = Ipv4Addr::new(239, 9, 9, 9);
const T0: Instant = Instant::from_secs(1_000);

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Everything sent up to `until`, following the machine's own timeouts.
fn run(
    m: &mut Membership<'_>,
    from: Instant,
    until: Instant,
) -> Vec<(Instant, Repr<'static>, Ipv4Addr)> {
    let mut out = Vec::new();
    let mut now = from;
    loop {
        while let Some((r, dst)) = m.poll_transmit(now) {
            out.push((now, r, dst));
        }
        match m.poll_timeout() {
            Some(t) if t <= until => now = t.max(now),
            _ => return out,
        }
    }
}

fn joined<'s>(storage: &'s mut [GroupSlot], seed: u64, groups: &[Ipv4Addr]) -> Membership<'s> {
    let mut m = Membership::new(storage, Config::default(), seed);
    for &g in groups {
        m.join(T0, g).unwrap();
    }
    // Let the unsolicited reports go.
    run(&mut m, T0, T0 + secs(11));
    m
}

#[test]
fn rfc2236_3_join_sends_robustness_unsolicited_reports() {
    let mut storage = [GroupSlot::EMPTY; 4];
    let mut m = Membership::new(&mut storage[..], Config::default(), 7);
    m.join(T0, G).unwrap();
    assert!(m.is_member(G));
    let sent = run(&mut m, T0, T0 + secs(60));
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0], (T0, Repr::ReportV2 { group_addr: G }, G));
    assert!(sent[1].0 >= T0 && sent[1].0 <= T0 + secs(10));
    assert_eq!(sent[1].1, Repr::ReportV2 { group_addr: G });
    assert_eq!(m.poll_timeout(), None);
    // Joining again changes nothing.
    m.join(T0 + secs(60), G).unwrap();
    assert_eq!(m.poll_transmit(T0 + secs(60)), None);
}

#[test]
fn rfc2236_6_all_systems_is_always_joined_and_never_reported() {
    let mut storage = [GroupSlot::EMPTY; 1];
    let mut m = Membership::new(&mut storage[..], Config::default(), 1);
    assert!(m.is_member(ALL_SYSTEMS));
    m.join(T0, ALL_SYSTEMS).unwrap();
    assert_eq!(m.poll_transmit(T0), None);
    assert_eq!(m.leave(T0, ALL_SYSTEMS), Err(MembershipError::AllSystems));
    // A general query is not answered for it either.
    m.handle_igmp(T0, &Repr::Query { max_resp_code: 100, group_addr: Ipv4Addr::UNSPECIFIED });
    assert_eq!(m.poll_timeout(), None);
    assert_eq!(m.groups().count(), 0);
}

#[test]
fn rfc2236_3_join_errors_and_table_bound() {
    let mut storage = [GroupSlot::EMPTY; 1];
    let mut m = Membership::new(&mut storage[..], Config::default(), 1);
    assert_eq!(m.join(T0, Ipv4Addr::new(192, 0, 2, 1)), Err(MembershipError::NotMulticast));
    m.join(T0, G).unwrap();
    assert_eq!(m.join(T0, H), Err(MembershipError::TableFull));
    assert_eq!(m.stats().table_full, 1);
    assert_eq!(m.leave(T0, H), Err(MembershipError::NotJoined));
}

#[test]
fn rfc2236_3_general_query_report_within_max_resp_time() {
    for seed in 0..50 {
        let mut storage = [GroupSlot::EMPTY; 2];
        let mut m = joined(&mut storage, seed, &[G, H]);
        let q = T0 + secs(100);
        m.handle_igmp(q, &Repr::Query { max_resp_code: 50, group_addr: Ipv4Addr::UNSPECIFIED });
        let sent = run(&mut m, q, q + secs(60));
        let mut groups: Vec<_> = sent.iter().map(|s| s.2).collect();
        groups.sort();
        assert_eq!(groups, [G, H]);
        assert!(sent.iter().all(|(t, _, _)| *t >= q && *t <= q + secs(5)), "seed {seed}");
    }
}

#[test]
fn rfc2236_3_group_specific_query_concerns_that_group_only() {
    let mut storage = [GroupSlot::EMPTY; 2];
    let mut m = joined(&mut storage, 3, &[G, H]);
    let q = T0 + secs(100);
    m.handle_igmp(q, &Repr::Query { max_resp_code: 10, group_addr: H });
    let sent = run(&mut m, q, q + secs(60));
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].1, sent[0].2), (Repr::ReportV2 { group_addr: H }, H));
    // A query for a group we are not in is ignored.
    m.handle_igmp(q, &Repr::Query { max_resp_code: 10, group_addr: Ipv4Addr::new(239, 0, 0, 7) });
    assert_eq!(m.poll_timeout(), None);
}

#[test]
fn rfc2236_3_running_timer_reset_only_by_a_shorter_max_resp_time() {
    let mut storage = [GroupSlot::EMPTY; 1];
    let mut m = joined(&mut storage, 11, &[G]);
    let q = T0 + secs(100);
    // A long timer (up to 25.5 s), then a query with 0.1 s: it must be reset if later.
    m.handle_igmp(q, &Repr::Query { max_resp_code: 255, group_addr: Ipv4Addr::UNSPECIFIED });
    let first = m.poll_timeout().unwrap();
    m.handle_igmp(q, &Repr::Query { max_resp_code: 1, group_addr: G });
    let second = m.poll_timeout().unwrap();
    assert!(second <= q + Duration::from_millis(100));
    assert!(second <= first);
    // A longer Max Resp Time leaves the running timer alone.
    m.handle_igmp(q, &Repr::Query { max_resp_code: 255, group_addr: G });
    assert_eq!(m.poll_timeout(), Some(second));
}

#[test]
fn rfc2236_3_report_from_another_host_suppresses_ours_and_our_leave() {
    let mut storage = [GroupSlot::EMPTY; 1];
    let mut m = joined(&mut storage, 5, &[G]);
    let q = T0 + secs(100);
    m.handle_igmp(q, &Repr::Query { max_resp_code: 100, group_addr: Ipv4Addr::UNSPECIFIED });
    assert!(m.poll_timeout().is_some());
    m.handle_igmp(q, &Repr::ReportV2 { group_addr: G });
    assert_eq!(m.poll_timeout(), None);
    assert_eq!(run(&mut m, q, q + secs(60)).len(), 0);
    assert_eq!(m.stats().suppressed, 1);
    // Someone else reported last: our leave MAY be skipped, and is.
    m.leave(q, G).unwrap();
    assert_eq!(m.poll_transmit(q), None);
    assert!(!m.is_member(G));
}

#[test]
fn rfc2236_3_leave_group_to_all_routers_when_last_reporter() {
    let mut storage = [GroupSlot::EMPTY; 1];
    let mut m = joined(&mut storage, 5, &[G]);
    let t = T0 + secs(100);
    m.leave(t, G).unwrap();
    assert!(!m.is_member(G));
    assert_eq!(m.poll_timeout(), Some(t));
    assert_eq!(m.poll_transmit(t), Some((Repr::LeaveGroup { group_addr: G }, ALL_ROUTERS)));
    assert_eq!(m.poll_transmit(t), None);
    assert_eq!(m.stats().leaves_sent, 1);
    // The slot is free again.
    m.join(t, H).unwrap();
}

#[test]
fn rfc2236_4_version_1_querier_present() {
    let mut storage = [GroupSlot::EMPTY; 1];
    let mut m = joined(&mut storage, 9, &[G]);
    let q = T0 + secs(100);
    m.handle_igmp(q, &Repr::Query { max_resp_code: 0, group_addr: Ipv4Addr::UNSPECIFIED });
    assert!(m.v1_querier_present(q));
    let sent = run(&mut m, q, q + secs(60));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1, Repr::ReportV1 { group_addr: G });
    assert!(sent[0].0 <= q + secs(10));
    // No Leave while a version 1 querier is present.
    m.leave(q + secs(20), G).unwrap();
    assert_eq!(m.poll_transmit(q + secs(20)), None);
    // 400 s later, version 2 again.
    let later = q + secs(400);
    assert!(!m.v1_querier_present(later));
    m.join(later, G).unwrap();
    assert_eq!(m.poll_transmit(later), Some((Repr::ReportV2 { group_addr: G }, G)));
}

#[test]
fn rfc3376_7_2_1_version_3_queries_answered_as_version_2() {
    let mut storage = [GroupSlot::EMPTY; 2];
    let mut m = joined(&mut storage, 13, &[G, H]);
    let q = T0 + secs(100);
    // Max Resp Code 0x8a: (0xa | 0x10) << 3 = 208 tenths, 20.8 s (RFC 3376 §4.1.1).
    let general = Repr::QueryV3 {
        max_resp_code: 0x8a,
        group_addr: Ipv4Addr::UNSPECIFIED,
        s_flag: false,
        qrv: 2,
        qqic: 125,
        num_sources: 0,
        sources: &[],
    };
    m.handle_igmp(q, &general);
    let sent = run(&mut m, q, q + secs(60));
    assert_eq!(sent.len(), 2);
    assert!(sent
        .iter()
        .all(|(t, r, _)| *t <= q + Duration::from_millis(20_800)
            && matches!(r, Repr::ReportV2 { .. })));
    // Group-and-source-specific: answered for the group.
    let sources = [192, 0, 2, 50];
    let gss = Repr::QueryV3 {
        max_resp_code: 10,
        group_addr: G,
        s_flag: false,
        qrv: 2,
        qqic: 125,
        num_sources: 1,
        sources: &sources,
    };
    m.handle_igmp(q, &gss);
    let sent = run(&mut m, q, q + secs(60));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].2, G);
    assert!(!m.v1_querier_present(q));
}

#[test]
fn same_seed_same_reports() {
    let trace = |seed| {
        let mut storage = [GroupSlot::EMPTY; 2];
        let mut m = joined(&mut storage, seed, &[G, H]);
        let q = T0 + secs(100);
        m.handle_igmp(q, &Repr::Query { max_resp_code: 100, group_addr: Ipv4Addr::UNSPECIFIED });
        run(&mut m, q, q + secs(60))
    };
    assert_eq!(trace(42), trace(42));
}

#[test]
fn rfc2236_2_reports_go_out_with_ttl_1_and_router_alert() {
    let report = Repr::ReportV2 { group_addr: G };
    let ip = ip_repr(Ipv4Addr::new(192, 0, 2, 1), G, &report);
    assert_eq!(ip.ttl, 1);
    assert!(ip.has_router_alert());
    assert_eq!(ip.payload_len, 8);
    assert_eq!(ip.protocol, unet_core::IpProtocol::IGMP);
}
