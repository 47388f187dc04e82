//! The IGMP host membership machine driven by random joins, leaves and received IGMP
//! messages at random times: nothing may panic, the table stays bounded, every message it
//! sends emits and parses back, and 224.0.0.1 is never reported.
#![no_main]

use core::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use unet_core::{Duration, Instant};
use unet_ipv4::igmp::membership::{
    ip_repr, Config, GroupSlot, Membership, ALL_ROUTERS, ALL_SYSTEMS,
};
use unet_ipv4::igmp::{Packet, Repr};
use unet_ipv4::Checks;

fn group(b: u8) -> Ipv4Addr {
    // A handful of groups, 224.0.0.1 among them, and a non-multicast address.
    match b % 6 {
        0 => ALL_SYSTEMS,
        5 => Ipv4Addr::new(192, 0, 2, 1),
        n => Ipv4Addr::new(239, 0, 0, n),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut storage = [GroupSlot::EMPTY; 3];
    let seed = data.first().copied().map_or(0, u64::from);
    let mut m = Membership::new(&mut storage[..], Config::default(), seed);
    let mut now = Instant::from_secs(1);
    let mut rest = data.get(1..).unwrap_or(&[]);
    while let [op, arg, tail @ ..] = rest {
        rest = tail;
        match op % 5 {
            0 => now += Duration::from_millis(u64::from(*arg) * 50),
            1 => {
                let _ = m.join(now, group(*arg));
            }
            2 => {
                let _ = m.leave(now, group(*arg));
            }
            _ => {
                // An IGMP message: the next `arg % 32` bytes.
                let len = usize::from(*arg % 32).min(rest.len());
                let (msg, tail) = rest.split_at(len);
                rest = tail;
                if let Ok(p) = Packet::new_checked(msg) {
                    if let Ok(repr) = Repr::parse_with(&p, Checks::OFFLOADED) {
                        m.handle_igmp(now, &repr);
                    }
                }
            }
        }
        assert!(m.groups().count() <= 3);
        while let Some((report, dst)) = m.poll_transmit(now) {
            match report {
                Repr::LeaveGroup { group_addr } => {
                    assert_eq!(dst, ALL_ROUTERS);
                    assert_ne!(group_addr, ALL_SYSTEMS);
                }
                Repr::ReportV1 { group_addr } | Repr::ReportV2 { group_addr } => {
                    assert_eq!(dst, group_addr);
                    assert_ne!(group_addr, ALL_SYSTEMS);
                    assert!(group_addr.is_multicast());
                }
                other => panic!("unexpected {other:?}"),
            }
            let mut buf = [0u8; 8];
            report.emit(&mut Packet::new_unchecked(&mut buf[..])).unwrap();
            assert_eq!(Repr::parse(&Packet::new_checked(&buf[..]).unwrap()), Ok(report));
            let ip = ip_repr(Ipv4Addr::new(192, 0, 2, 1), dst, &report);
            assert!(ip.ttl == 1 && ip.has_router_alert());
        }
        if let Some(t) = m.poll_timeout() {
            assert!(t > now, "a due timer was not served");
        }
    }
});
