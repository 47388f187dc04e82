//! The server machine at fake times, one test per RFC 2131 / 2132 / 3046 / 4039 / 3396
//! rule.

mod server_support;
use server_support::*;

use std::net::Ipv4Addr;
use unet_dhcp::server::{MemoryStore, Server, ServerConfig, CLIENT_PORT, SERVER_PORT};
use unet_dhcp::{Flags, MessageType};

const A10: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 10);

#[test]
fn rfc2131_4_3_1_offer_from_pool_with_table3_fields() {
    let mut s = server(config(), 16);
    let mut d = Msg::new(MessageType::DISCOVER, mac(1));
    d.xid = 0xdead_beef;
    let o = exchange(&mut s, at(0), &d).unwrap();
    let r = o.repr();
    assert_eq!(o.kind(), Some(MessageType::OFFER));
    assert_eq!(r.op, unet_dhcp::Op::BOOTREPLY);
    assert_eq!(r.xid, 0xdead_beef);
    assert_eq!(&r.chaddr[..6], &mac(1));
    assert_eq!(r.ciaddr, Ipv4Addr::UNSPECIFIED);
    assert_eq!(r.yiaddr, A10);
    assert_eq!(o.option(54), Some(SERVER.octets().to_vec()));
    assert_eq!(o.u32_option(51), Some(3600));
    assert_eq!(o.u32_option(58), Some(1800));
    assert_eq!(o.u32_option(59), Some(3150));
    assert_eq!(o.option(1), Some(vec![255, 255, 255, 0]));
    assert_eq!(o.option(3), Some(SERVER.octets().to_vec()));
    assert_eq!(o.option(6), Some(vec![192, 0, 2, 53]));
    assert_eq!(o.option(15), Some(b"example.com".to_vec()));
    assert!(o.bytes.len() >= 300, "RFC 1542 §2.1 minimum");
    // §4.1: no broadcast bit, no giaddr, no ciaddr: unicast to yiaddr at chaddr.
    assert_eq!(o.tx.dst, A10);
    assert_eq!(o.tx.port, CLIENT_PORT);
    assert_eq!(o.tx.hw_dst, Some(mac(1)));
    assert_eq!(s.counters().offers, 1);
}

#[test]
fn rfc2131_4_1_broadcast_bit_means_broadcast() {
    let mut s = server(config(), 16);
    let mut d = Msg::new(MessageType::DISCOVER, mac(1));
    d.flags = Flags::BROADCAST;
    let o = exchange(&mut s, at(0), &d).unwrap();
    assert_eq!(o.tx.dst, Ipv4Addr::BROADCAST);
    assert_eq!(o.tx.hw_dst, None);
    assert_eq!(o.repr().flags, Flags::BROADCAST);
}

#[test]
fn rfc2131_4_3_1_offer_held_so_two_discovers_get_one_address() {
    let mut s = server(config(), 16);
    let a = exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1))).unwrap();
    let a2 = exchange(&mut s, at(2), &Msg::new(MessageType::DISCOVER, mac(1))).unwrap();
    let b = exchange(&mut s, at(3), &Msg::new(MessageType::DISCOVER, mac(2))).unwrap();
    assert_eq!(a.yiaddr(), a2.yiaddr());
    assert_ne!(a.yiaddr(), b.yiaddr());
}

#[test]
fn rfc2131_4_3_1_requested_address_offered_when_free() {
    let mut s = server(config(), 16);
    let want = Ipv4Addr::new(192, 0, 2, 15);
    let o =
        exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1)).requested(want)).unwrap();
    assert_eq!(o.yiaddr(), want);
    // Outside the pool: ignored, a pool address instead.
    let o = exchange(
        &mut s,
        at(0),
        &Msg::new(MessageType::DISCOVER, mac(2)).requested(Ipv4Addr::new(192, 0, 2, 99)),
    )
    .unwrap();
    assert_eq!(o.yiaddr(), A10);
}

#[test]
fn rfc2131_4_3_1_returning_client_gets_its_previous_address() {
    let mut s = server(config(), 16);
    lease(&mut s, at(0), mac(1)).unwrap();
    let b = lease(&mut s, at(0), mac(2)).unwrap();
    assert_eq!(b.kind(), Some(MessageType::ACK));
    // Long after both leases expired, mac(2) comes back first and still gets its own.
    let o = exchange(&mut s, at(100_000), &Msg::new(MessageType::DISCOVER, mac(2))).unwrap();
    assert_eq!(o.yiaddr(), b.yiaddr());
}

#[test]
fn rfc2131_4_3_1_reservation_by_mac_and_client_id_with_host_options() {
    let res = Ipv4Addr::new(192, 0, 2, 100);
    let res2 = Ipv4Addr::new(192, 0, 2, 101);
    let cfg = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(A10, Ipv4Addr::new(192, 0, 2, 20))
        .probe(None)
        .reserve_mac(mac(7), res)
        .host_option(12, b"seven")
        .reserve_client_id(b"\x00client-eight", res2)
        .build()
        .unwrap();
    let mut s = server(cfg, 16);
    let o = exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(7))).unwrap();
    assert_eq!(o.yiaddr(), res);
    assert_eq!(o.option(12), Some(b"seven".to_vec()));
    let o = exchange(
        &mut s,
        at(0),
        &Msg::new(MessageType::DISCOVER, mac(8)).opt(61, b"\x00client-eight"),
    )
    .unwrap();
    assert_eq!(o.yiaddr(), res2);
    // Nobody else gets a reserved address, even asking for it.
    let o =
        exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(9)).requested(res)).unwrap();
    assert_eq!(o.yiaddr(), A10);
}

#[test]
fn rfc2131_4_3_2_selecting_ack_and_lease_time_clamped() {
    let mut s = server(config(), 16);
    let o = exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1))).unwrap();
    let req = Msg::new(MessageType::REQUEST, mac(1))
        .requested(o.yiaddr())
        .server_id(SERVER)
        .opt(51, &10u32.to_be_bytes());
    let a = exchange(&mut s, at(1), &req).unwrap();
    assert_eq!(a.kind(), Some(MessageType::ACK));
    assert_eq!(a.yiaddr(), o.yiaddr());
    assert_eq!(a.u32_option(51), Some(60), "clamped to the 60 s minimum");
    let req = Msg::new(MessageType::REQUEST, mac(1))
        .requested(o.yiaddr())
        .server_id(SERVER)
        .opt(51, &1_000_000u32.to_be_bytes());
    assert_eq!(exchange(&mut s, at(2), &req).unwrap().u32_option(51), Some(86400));
}

/// A pool of the single address A10, offered without a probe.
fn one_address_server() -> Server<'static, MemoryStore> {
    let cfg = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(A10, A10)
        .probe(None)
        .build()
        .unwrap();
    server(cfg, 16)
}

#[test]
fn rfc2131_4_3_2_selecting_another_server_withdraws_our_offer() {
    let mut s = one_address_server();
    let o = exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1))).unwrap();
    let req = Msg::new(MessageType::REQUEST, mac(1))
        .requested(o.yiaddr())
        .server_id(Ipv4Addr::new(192, 0, 2, 2));
    assert!(exchange(&mut s, at(1), &req).is_none());
    assert_eq!(s.counters().other_server, 1);
    // The address is free again at once.
    let o2 = exchange(&mut s, at(2), &Msg::new(MessageType::DISCOVER, mac(2))).unwrap();
    assert_eq!(o2.yiaddr(), o.yiaddr());
}

#[test]
fn rfc2131_4_3_2_selecting_unoffered_address_is_naked_broadcast() {
    let mut s = server(config(), 16);
    let req = Msg::new(MessageType::REQUEST, mac(1)).requested(A10).server_id(SERVER);
    let n = exchange(&mut s, at(0), &req).unwrap();
    assert_eq!(n.kind(), Some(MessageType::NAK));
    assert_eq!(n.yiaddr(), Ipv4Addr::UNSPECIFIED);
    assert_eq!(n.tx.dst, Ipv4Addr::BROADCAST);
    assert!(n.option(51).is_none());
}

#[test]
fn rfc2131_4_3_2_init_reboot_wrong_subnet_nak_unknown_silent_known_ack() {
    let mut s = server(config(), 16);
    let wrong = Msg::new(MessageType::REQUEST, mac(1)).requested(Ipv4Addr::new(198, 51, 100, 7));
    assert_eq!(exchange(&mut s, at(0), &wrong).unwrap().kind(), Some(MessageType::NAK));
    let unknown = Msg::new(MessageType::REQUEST, mac(1)).requested(A10);
    assert!(exchange(&mut s, at(0), &unknown).is_none());
    assert_eq!(s.counters().unknown_client, 1);
    let a = lease(&mut s, at(0), mac(1)).unwrap();
    let again = Msg::new(MessageType::REQUEST, mac(1)).requested(a.yiaddr());
    assert_eq!(exchange(&mut s, at(10), &again).unwrap().kind(), Some(MessageType::ACK));
    // Someone else's address: NAK.
    let theirs = Msg::new(MessageType::REQUEST, mac(2)).requested(a.yiaddr());
    assert_eq!(exchange(&mut s, at(10), &theirs).unwrap().kind(), Some(MessageType::NAK));
}

#[test]
fn rfc2131_4_3_2_renewing_unicast_to_ciaddr_extends_lease() {
    let mut s = server(config(), 16);
    let a = lease(&mut s, at(0), mac(1)).unwrap();
    let renew = Msg::new(MessageType::REQUEST, mac(1)).ciaddr(a.yiaddr());
    let r = exchange(&mut s, at(1800), &renew).unwrap();
    assert_eq!(r.kind(), Some(MessageType::ACK));
    assert_eq!(r.tx.dst, a.yiaddr());
    assert_eq!(r.repr().ciaddr, a.yiaddr());
    // The renewed lease outlives the first one: at 3700 s nobody else gets it.
    let o = exchange(&mut s, at(3700), &Msg::new(MessageType::DISCOVER, mac(2))).unwrap();
    assert_ne!(o.yiaddr(), a.yiaddr());
}

#[test]
fn rfc2131_4_3_3_decline_quarantines_the_address() {
    let cfg = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(A10, Ipv4Addr::new(192, 0, 2, 11))
        .probe(None)
        .decline_quarantine(secs(300))
        .build()
        .unwrap();
    let mut s = server(cfg, 16);
    let a = lease(&mut s, at(0), mac(1)).unwrap();
    let decline = Msg::new(MessageType::DECLINE, mac(1)).requested(a.yiaddr()).server_id(SERVER);
    assert!(exchange(&mut s, at(1), &decline).is_none());
    assert_eq!(s.counters().declined, 1);
    let o = lease(&mut s, at(2), mac(1)).unwrap();
    assert_ne!(o.yiaddr(), a.yiaddr());
    let o3 = exchange(&mut s, at(3), &Msg::new(MessageType::DISCOVER, mac(3)));
    assert!(o3.is_none(), "pool of two: one quarantined, one offered");
    // After the quarantine, the address is back.
    let o = exchange(&mut s, at(400), &Msg::new(MessageType::DISCOVER, mac(3))).unwrap();
    assert_eq!(o.yiaddr(), a.yiaddr());
}

#[test]
fn rfc2131_4_3_4_release_frees_the_address() {
    let mut s = one_address_server();
    let a = lease(&mut s, at(0), mac(1)).unwrap();
    assert!(exchange(&mut s, at(1), &Msg::new(MessageType::DISCOVER, mac(2))).is_none());
    let rel = Msg::new(MessageType::RELEASE, mac(1)).ciaddr(a.yiaddr()).server_id(SERVER);
    assert!(exchange(&mut s, at(2), &rel).is_none());
    assert_eq!(s.counters().released, 1);
    let o = exchange(&mut s, at(3), &Msg::new(MessageType::DISCOVER, mac(2))).unwrap();
    assert_eq!(o.yiaddr(), A10);
}

#[test]
fn rfc2131_4_3_5_inform_ack_without_yiaddr_or_lease_time() {
    let mut s = server(config(), 16);
    let c = Ipv4Addr::new(192, 0, 2, 77);
    let i = exchange(&mut s, at(0), &Msg::new(MessageType::INFORM, mac(1)).ciaddr(c)).unwrap();
    assert_eq!(i.kind(), Some(MessageType::ACK));
    assert_eq!(i.yiaddr(), Ipv4Addr::UNSPECIFIED);
    assert!(i.option(51).is_none() && i.option(58).is_none());
    assert_eq!(i.option(6), Some(vec![192, 0, 2, 53]));
    assert_eq!((i.tx.dst, i.tx.port), (c, CLIENT_PORT));
}

#[test]
fn rfc4039_rapid_commit_acks_a_discover() {
    let mut s = server(ServerConfig { rapid_commit: true, ..config() }, 16);
    let a = exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1)).opt(80, &[])).unwrap();
    assert_eq!(a.kind(), Some(MessageType::ACK));
    assert_eq!(a.option(80), Some(vec![]));
    // Without the option, or when disabled: a normal OFFER.
    let o = exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(2))).unwrap();
    assert_eq!(o.kind(), Some(MessageType::OFFER));
    let mut s = server(config(), 16);
    let o = exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1)).opt(80, &[])).unwrap();
    assert_eq!(o.kind(), Some(MessageType::OFFER));
    assert_eq!(o.option(80), None);
}

#[test]
fn rfc3046_2_2_relayed_discover_answered_to_giaddr_with_option82_echoed() {
    let cfg = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(A10, Ipv4Addr::new(192, 0, 2, 20))
        .subnet(Ipv4Addr::new(198, 51, 100, 0), 24)
        .range(Ipv4Addr::new(198, 51, 100, 10), Ipv4Addr::new(198, 51, 100, 20))
        .probe(None)
        .build()
        .unwrap();
    let mut s = server(cfg, 16);
    let relay = Ipv4Addr::new(198, 51, 100, 1);
    let info = [1u8, 4, b'e', b't', b'h', b'0', 2, 3, 1, 2, 3];
    let mut d = Msg::new(MessageType::DISCOVER, mac(1)).opt(82, &info);
    d.giaddr = relay;
    d.hops = 1;
    let o = exchange(&mut s, at(0), &d).unwrap();
    assert_eq!(o.yiaddr(), Ipv4Addr::new(198, 51, 100, 10), "subnet chosen by giaddr");
    assert_eq!((o.tx.dst, o.tx.port), (relay, SERVER_PORT));
    assert_eq!(o.repr().giaddr, relay);
    assert_eq!(o.option(82), Some(info.to_vec()));
    assert_eq!(*o.codes().last().unwrap(), 82, "relay information last");
    // A NAK through a relay has the broadcast bit set (§4.3.2).
    let mut r = Msg::new(MessageType::REQUEST, mac(2)).requested(A10);
    r.giaddr = relay;
    let n = exchange(&mut s, at(0), &r).unwrap();
    assert_eq!(n.kind(), Some(MessageType::NAK));
    assert!(n.repr().flags.contains(Flags::BROADCAST));
    assert_eq!(n.tx.dst, relay);
}

#[test]
fn rfc2131_4_3_1_parameter_request_list_order() {
    let mut s = server(config(), 16);
    let o =
        exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1)).opt(55, &[15, 6, 3, 1]))
            .unwrap();
    let codes = o.codes();
    let pos = |c| codes.iter().position(|x| *x == c).unwrap();
    assert!(pos(15) < pos(6) && pos(6) < pos(3) && pos(3) < pos(1), "{codes:?}");
    assert_eq!(&codes[..2], &[53, 54]);
}

#[test]
fn rfc2131_4_1_rfc2132_9_3_overload_when_options_do_not_fit() {
    let big = vec![b'x'; 250];
    let cfg = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(A10, Ipv4Addr::new(192, 0, 2, 20))
        .option(224, &big)
        .option(225, &big[..120])
        .option(226, &big[..50])
        .probe(None)
        .build()
        .unwrap();
    let mut s = server(cfg, 16);
    let o = exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1))).unwrap();
    assert!(o.bytes.len() <= 576 - 28, "{}", o.bytes.len());
    assert!(o.option(52).is_some(), "overload used");
    assert_eq!(o.option(224).unwrap().len(), 250);
    assert_eq!(o.option(225).unwrap().len(), 120);
    assert_eq!(o.option(226).unwrap().len(), 50);
    // With a larger maximum message size (57), everything fits without overload.
    let o = exchange(
        &mut s,
        at(0),
        &Msg::new(MessageType::DISCOVER, mac(1)).opt(57, &1500u16.to_be_bytes()),
    )
    .unwrap();
    assert!(o.option(52).is_none());
    assert_eq!(o.option(224).unwrap().len(), 250);
}

#[test]
fn rfc3396_long_configured_option_split_and_joined() {
    let big: Vec<u8> = (0..400u32).map(|i| i as u8).collect();
    let cfg = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(A10, Ipv4Addr::new(192, 0, 2, 20))
        .option(43, &big)
        .probe(None)
        .build()
        .unwrap();
    let mut s = server(cfg, 16);
    let o = exchange(
        &mut s,
        at(0),
        &Msg::new(MessageType::DISCOVER, mac(1)).opt(57, &1500u16.to_be_bytes()),
    )
    .unwrap();
    assert_eq!(o.option(43), Some(big));
}

#[test]
fn rfc1534_bootp_ignored_by_default_answered_when_enabled() {
    let mut m = Msg::new(MessageType::DISCOVER, mac(1));
    m.kind = None;
    let mut s = server(config(), 16);
    assert!(exchange(&mut s, at(0), &m).is_none());
    assert_eq!(s.counters().bootp_ignored, 1);
    let mut s = server(ServerConfig { bootp: true, ..config() }, 16);
    let r = exchange(&mut s, at(0), &m).unwrap();
    assert_eq!(r.yiaddr(), A10);
    assert_eq!(r.kind(), None);
    // Infinite lease: the address stays taken forever.
    assert!(exchange(&mut s, at(10_000_000), &{
        let mut m = Msg::new(MessageType::DISCOVER, mac(2));
        m.kind = None;
        m
    })
    .is_some_and(|r| r.yiaddr() != A10));
}

#[test]
fn rfc2131_4_3_1_probe_before_first_offer_and_in_use_address_skipped() {
    use unet_dhcp::server::Event;
    let mut s = server(ServerConfig { probe_timeout: Some(secs(1)), ..config() }, 16);
    assert!(exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1))).is_none());
    assert_eq!(s.poll_event(), Some(Event::Probe(A10)));
    // Something answers: A10 is quarantined and the next address is probed.
    s.handle_probe_answer(at(0), A10);
    let mut buf = [0u8; 1500];
    assert!(s.poll_transmit(&mut buf).is_none());
    let next = Ipv4Addr::new(192, 0, 2, 11);
    assert_eq!(s.poll_event(), Some(Event::Probe(next)));
    assert_eq!(s.poll_timeout(), Some(at(1)));
    s.handle_timeout(at(1));
    let tx = s.poll_transmit(&mut buf).unwrap();
    let r =
        unet_dhcp::Repr::parse(&unet_dhcp::Message::new_checked(&buf[..tx.len]).unwrap()).unwrap();
    assert_eq!(r.yiaddr, next);
    assert_eq!(s.counters().probe_in_use, 1);
    // Once probed, the client's retransmission is answered at once.
    let o = exchange(&mut s, at(2), &Msg::new(MessageType::DISCOVER, mac(1))).unwrap();
    assert_eq!(o.yiaddr(), next);
}

#[test]
fn bounded_starvation_attack_exhausts_the_pool_not_memory() {
    // A /24 pool of 11 addresses, a table of 32 entries, 5000 fake MACs.
    let mut s = server(config(), 32);
    let mut offered = 0;
    for n in 0..5000 {
        if let Some(o) =
            exchange(&mut s, at(n / 100), &Msg::new(MessageType::DISCOVER, mac(n as u32)))
        {
            offered += 1;
            assert_eq!(o.kind(), Some(MessageType::OFFER));
        }
    }
    // Offers are held 30 s: each address goes again once its hold ended.
    assert!(offered < 5000);
    assert!(s.counters().pool_exhausted > 0);
    assert!(s.leases().len() == 32);
    // Bound leases survive the attack.
    let mut s = server(config(), 32);
    let a = lease(&mut s, at(0), mac(100_000)).unwrap();
    for n in 0..2000 {
        exchange(&mut s, at(n / 10), &Msg::new(MessageType::DISCOVER, mac(n as u32)));
    }
    let renew = Msg::new(MessageType::REQUEST, mac(100_000)).ciaddr(a.yiaddr());
    assert_eq!(exchange(&mut s, at(300), &renew).unwrap().kind(), Some(MessageType::ACK));
}

#[test]
fn bounded_full_table_reuses_oldest_expired_then_refuses() {
    let cfg = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(A10, Ipv4Addr::new(192, 0, 2, 200))
        .probe(None)
        .lease_times(secs(100), secs(60), secs(100))
        .build()
        .unwrap();
    let mut s = server(cfg, 2);
    let a = lease(&mut s, at(0), mac(1)).unwrap();
    let b = lease(&mut s, at(10), mac(2)).unwrap();
    assert!(exchange(&mut s, at(20), &Msg::new(MessageType::DISCOVER, mac(3))).is_none());
    assert_eq!(s.counters().table_full, 1);
    // At 105 s the first lease (expired at 100) is reused, not the second (110).
    let o = exchange(&mut s, at(105), &Msg::new(MessageType::DISCOVER, mac(3))).unwrap();
    assert_eq!(o.yiaddr(), a.yiaddr());
    assert_ne!(o.yiaddr(), b.yiaddr());
}

#[test]
fn store_failure_means_no_ack() {
    use unet_dhcp::server::{Lease, LeaseStore, Server, StoreError};
    struct Broken;
    impl LeaseStore for Broken {
        fn commit(&mut self, _: &Lease, _: unet_core::Instant) -> Result<(), StoreError> {
            Err(StoreError::Io)
        }
    }
    let mut table = [None; 8];
    let mut s = Server::new(config(), &mut table[..], Broken);
    let r = lease(&mut s, at(0), mac(1)).unwrap();
    assert_eq!(r.kind(), Some(MessageType::NAK));
    assert_eq!(s.counters().store_failed, 1);
}

#[test]
fn routers_and_server_never_in_pool() {
    let cfg = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(Ipv4Addr::new(192, 0, 2, 0), Ipv4Addr::new(192, 0, 2, 3))
        .router(Ipv4Addr::new(192, 0, 2, 2))
        .server_id(SERVER)
        .probe(None)
        .build()
        .unwrap();
    let mut s = server(cfg, 8);
    let o = exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1))).unwrap();
    assert_eq!(o.yiaddr(), Ipv4Addr::new(192, 0, 2, 3));
    assert!(exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(2))).is_none());
}

#[test]
fn bounded_scan_with_a_hand_built_huge_or_reversed_range() {
    // `ServerConfig` fields are public: a range the builder would refuse must not panic
    // nor scan four billion addresses.
    let mut cfg = config();
    cfg.subnets[0].ranges.clear();
    cfg.subnets[0]
        .ranges
        .push((Ipv4Addr::new(0, 0, 0, 0), Ipv4Addr::new(255, 255, 255, 255)))
        .unwrap();
    cfg.subnets[0]
        .ranges
        .push((Ipv4Addr::new(192, 0, 2, 30), Ipv4Addr::new(192, 0, 2, 20)))
        .unwrap();
    let mut s = server(cfg, 16);
    let started = std::time::Instant::now();
    let _ = exchange(&mut s, at(0), &Msg::new(MessageType::DISCOVER, mac(1)));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}
