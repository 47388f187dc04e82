//! Response rate limiting (BIND/Knot RRL style) in unet_dns::server::Server.
#![cfg(feature = "alloc")]

#[path = "server_support/mod.rs"]
mod support;

use std::net::IpAddr;

use support::{authority, q, summary, SMALL_ZONE};
use unet_core::Instant;
use unet_dns::server::{RrlConfig, Server, ServerConfig, Transport};
use unet_dns::RecordType as T;

fn server(rate: u32, slip: u32) -> Server {
    Server::new(ServerConfig {
        rrl: Some(RrlConfig { responses_per_second: rate, slip, ..RrlConfig::default() }),
        ..ServerConfig::default()
    })
}

fn send(
    s: &mut Server,
    auth: &unet_dns::server::Authority,
    now: Instant,
    from: &str,
    t: Transport,
) -> Option<Vec<u8>> {
    let client: IpAddr = from.parse().unwrap();
    let mut out = vec![0u8; 4096];
    let query = q("www.example.com.", T::A).bytes();
    let n = s.handle_query(now, auth, client, t, &query, &mut out)?;
    out.truncate(n);
    Some(out)
}

#[test]
fn rrl_limits_per_network_with_slip() {
    let auth = authority(&[("example.com.", SMALL_ZONE)]);
    let mut s = server(5, 2);
    let t0 = Instant::from_secs(100);
    let (mut full, mut tc, mut dropped) = (0, 0, 0);
    for i in 0..20 {
        // Clients of one /24 share the budget.
        match send(&mut s, &auth, t0, &format!("198.51.100.{i}"), Transport::Udp) {
            Some(r) if summary(&r).flags.contains("tc") => {
                assert!(summary(&r).answer.is_empty());
                tc += 1
            }
            Some(_) => full += 1,
            None => dropped += 1,
        }
    }
    assert_eq!((full, tc, dropped), (5, 7, 8));
    let c = s.counters();
    assert_eq!((c.rrl_slipped, c.rrl_dropped), (7, 8));
    // Another /24 is not affected; TCP is never limited.
    assert!(send(&mut s, &auth, t0, "198.51.101.1", Transport::Udp)
        .is_some_and(|r| !summary(&r).flags.contains("tc")));
    assert!(send(&mut s, &auth, t0, "198.51.100.1", Transport::Tcp)
        .is_some_and(|r| summary(&r).answer.len() == 1));
    // One second later the bucket is full again.
    let t1 = Instant::from_secs(101);
    assert!(send(&mut s, &auth, t1, "198.51.100.1", Transport::Udp)
        .is_some_and(|r| summary(&r).answer.len() == 1));
}

#[test]
fn rrl_ipv6_by_56_and_slip_zero_drops_all() {
    let auth = authority(&[("example.com.", SMALL_ZONE)]);
    let mut s = server(2, 0);
    let t0 = Instant::from_secs(1);
    assert!(send(&mut s, &auth, t0, "2001:db8:0:100::1", Transport::Udp).is_some());
    assert!(send(&mut s, &auth, t0, "2001:db8:0:1ff::2", Transport::Udp).is_some());
    assert!(send(&mut s, &auth, t0, "2001:db8:0:1aa::3", Transport::Udp).is_none());
    assert!(send(&mut s, &auth, t0, "2001:db8:0:200::1", Transport::Udp).is_some(), "another /56");
}

#[test]
fn rrl_off_by_default() {
    let auth = authority(&[("example.com.", SMALL_ZONE)]);
    let mut s = Server::new(ServerConfig::default());
    for _ in 0..1000 {
        assert!(send(&mut s, &auth, Instant::ZERO, "198.51.100.1", Transport::Udp).is_some());
    }
}

#[test]
fn rrl_table_full_evicts_and_counts() {
    let auth = authority(&[("example.com.", SMALL_ZONE)]);
    let mut s = Server::new(ServerConfig {
        rrl: Some(RrlConfig { responses_per_second: 1, table_size: 8, ..RrlConfig::default() }),
        ..ServerConfig::default()
    });
    for i in 0..200 {
        send(
            &mut s,
            &auth,
            Instant::from_millis(i),
            &format!("10.{}.{}.1", i / 250, i % 250),
            Transport::Udp,
        );
    }
    assert!(s.counters().rrl_evictions > 0);
}
