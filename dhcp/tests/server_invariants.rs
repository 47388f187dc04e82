//! Invariants of the server under random client behaviour (proptest): never one address
//! bound to two clients at once, never an address outside the pool, the table never
//! grows past its slots; and the subnet follows the receiving interface.

mod server_support;
use server_support::*;

use proptest::prelude::*;
use std::collections::HashMap;
use std::net::Ipv4Addr;
use unet_dhcp::server::{LeaseState, RxMeta, ServerConfig};
use unet_dhcp::MessageType;

#[derive(Debug, Clone)]
enum Step {
    Discover(u8),
    Request(u8, u8),
    Renew(u8),
    Release(u8),
    Decline(u8),
    Wait(u16),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u8..12).prop_map(Step::Discover),
        (0u8..12, 10u8..16).prop_map(|(c, a)| Step::Request(c, a)),
        (0u8..12).prop_map(Step::Renew),
        (0u8..12).prop_map(Step::Release),
        (0u8..12).prop_map(Step::Decline),
        (0u16..400).prop_map(Step::Wait),
    ]
}

proptest! {
    #[test]
    fn rfc2131_4_3_never_one_address_bound_to_two_clients(steps in prop::collection::vec(step(), 1..120)) {
        let cfg = ServerConfig::builder()
            .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
            .range(Ipv4Addr::new(192, 0, 2, 10), Ipv4Addr::new(192, 0, 2, 15))
            .probe(None)
            .lease_times(secs(120), secs(60), secs(300))
            .build()
            .unwrap();
        let mut s = server(cfg, 8);
        let mut now = 0u64;
        // What each client believes it holds, and until when.
        let mut held: HashMap<u8, (Ipv4Addr, u64)> = HashMap::new();
        for st in steps {
            let reply = match &st {
                Step::Discover(c) => exchange(&mut s, at(now), &Msg::new(MessageType::DISCOVER, mac(u32::from(*c)))),
                Step::Request(c, a) => exchange(&mut s, at(now), &Msg::new(MessageType::REQUEST, mac(u32::from(*c)))
                    .requested(Ipv4Addr::new(192, 0, 2, *a)).server_id(SERVER)),
                Step::Renew(c) => match held.get(c) {
                    Some((a, _)) => exchange(&mut s, at(now), &Msg::new(MessageType::REQUEST, mac(u32::from(*c))).ciaddr(*a)),
                    None => None,
                },
                Step::Release(c) => {
                    if let Some((a, _)) = held.remove(c) {
                        exchange(&mut s, at(now), &Msg::new(MessageType::RELEASE, mac(u32::from(*c))).ciaddr(a).server_id(SERVER));
                    }
                    None
                }
                Step::Decline(c) => {
                    if let Some((a, _)) = held.remove(c) {
                        exchange(&mut s, at(now), &Msg::new(MessageType::DECLINE, mac(u32::from(*c))).requested(a).server_id(SERVER));
                    }
                    None
                }
                Step::Wait(d) => { now += u64::from(*d); None }
            };
            if let (Some(r), Step::Request(c, _) | Step::Renew(c)) = (&reply, &st) {
                match r.kind() {
                    Some(MessageType::ACK) => {
                        let lease = u64::from(r.u32_option(51).unwrap());
                        held.insert(*c, (r.yiaddr(), now + lease));
                    }
                    Some(MessageType::NAK) => { held.remove(c); }
                    other => prop_assert!(false, "unexpected {other:?}"),
                }
            }
            if let Some(r) = &reply {
                let a = u32::from(r.yiaddr());
                prop_assert!(a == 0 || (u32::from(Ipv4Addr::new(192, 0, 2, 10))..=u32::from(Ipv4Addr::new(192, 0, 2, 15))).contains(&a));
            }
            held.retain(|_, (_, until)| *until > now);
            // No two clients hold the same unexpired address.
            let mut seen = HashMap::new();
            for (c, (a, _)) in &held {
                prop_assert!(seen.insert(*a, *c).is_none(), "{a} held twice: {held:?}");
            }
            // The server's table agrees: every held address is bound in it.
            for (a, _) in held.values() {
                let bound = s.leases().iter().flatten().any(|l| l.addr == *a && l.state == LeaseState::Bound);
                prop_assert!(bound, "{a} not bound in the table");
            }
            prop_assert_eq!(s.leases().len(), 8);
        }
    }
}

#[test]
fn rfc2131_4_3_1_subnet_chosen_by_receiving_interface() {
    let cfg = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(Ipv4Addr::new(192, 0, 2, 10), Ipv4Addr::new(192, 0, 2, 20))
        .subnet(Ipv4Addr::new(203, 0, 113, 0), 24)
        .range(Ipv4Addr::new(203, 0, 113, 10), Ipv4Addr::new(203, 0, 113, 20))
        .probe(None)
        .build()
        .unwrap();
    let mut s = server(cfg, 8);
    let d = Msg::new(MessageType::DISCOVER, mac(1)).bytes();
    let local = Ipv4Addr::new(203, 0, 113, 1);
    let o = exchange_meta(&mut s, at(0), RxMeta { src: Ipv4Addr::UNSPECIFIED, local }, &d).unwrap();
    assert_eq!(o.yiaddr(), Ipv4Addr::new(203, 0, 113, 10));
    assert_eq!(o.option(54), Some(local.octets().to_vec()), "server id = receiving interface");
    // An interface in no configured subnet: dropped, counted.
    let other = RxMeta { src: Ipv4Addr::UNSPECIFIED, local: Ipv4Addr::new(198, 51, 100, 1) };
    assert!(exchange_meta(&mut s, at(0), other, &d).is_none());
    assert_eq!(s.counters().no_subnet, 1);
}
