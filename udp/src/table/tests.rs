use super::*;
use crate::test_util::{socket, table};
use core::net::{Ipv4Addr, Ipv6Addr};
use unet_core::ports::{EphemeralPorts, PortRange};
use unet_core::rng::SplitMix64;
extern crate std;
use std::collections::BTreeSet;

const ME: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const ME2: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);
const PEER: Endpoint<Ipv4Addr> = Endpoint { addr: Ipv4Addr::new(198, 51, 100, 7), port: 4000 };

#[test]
fn table_capacity_is_the_callers() {
    let mut t = table::<Ipv4Addr>(2, 1);
    let a = t.add(socket()).unwrap();
    let b = t.add(socket()).unwrap();
    assert_eq!(t.add(socket()).map(|_| ()), Err(UdpError::TableFull));
    assert_eq!((t.len(), t.capacity()), (2, 2));
    assert!(t.remove(a).is_some());
    assert!(t.get(a).is_none());
    assert_eq!(t.bind(a, Endpoint::any(1)), Err(UdpError::InvalidHandle));
    assert_eq!(t.add(socket()).ok(), Some(a));
    assert_eq!(t.iter().map(|(h, _)| h).collect::<std::vec::Vec<_>>(), [a, b]);
    assert_eq!(std::format!("{b}"), "udp#1");
    assert_eq!(t.get(SocketHandle(99)).map(|_| ()), None);
}

#[test]
fn rfc6056_bind_port_zero_picks_distinct_dynamic_ports() {
    let mut t = table::<Ipv4Addr>(64, 7);
    // An explicit bind inside the range first: ephemeral choices must avoid it.
    let fixed = t.add(socket()).unwrap();
    t.bind(fixed, Endpoint::any(50000)).unwrap();
    let mut seen = BTreeSet::from([50000]);
    for _ in 0..63 {
        let h = t.add(socket()).unwrap();
        let local = t.bind(h, Endpoint::new(ME, 0)).unwrap();
        assert!(PortRange::DYNAMIC.contains(local.port));
        assert_eq!(local.addr, ME);
        assert!(seen.insert(local.port), "port {} reused", local.port);
    }
}

#[test]
fn rfc6056_ephemeral_ports_exhausted_is_a_typed_error() {
    let slots: std::vec::Vec<_> = (0..4).map(|_| None).collect();
    let slots = std::boxed::Box::leak(slots.into_boxed_slice());
    let ports =
        EphemeralPorts::with_range(&mut SplitMix64::new(1), PortRange::new(6000, 6001).unwrap());
    let mut t: UdpTable<'static, Ipv4Addr> = UdpTable::with_ports(&mut slots[..], ports);
    let hs: std::vec::Vec<_> = (0..3).map(|_| t.add(socket()).unwrap()).collect();
    assert!(t.bind(hs[0], Endpoint::any(0)).is_ok());
    assert!(t.connect(hs[1], PEER).is_ok());
    assert_eq!(t.bind(hs[2], Endpoint::any(0)), Err(UdpError::PortsExhausted));
    assert_eq!(t.connect(hs[2], PEER), Err(UdpError::PortsExhausted));
    assert!(!t.get(hs[2]).unwrap().is_bound());
    t.ports_mut().set_range(PortRange::new(6000, 6002).unwrap());
    assert_eq!(t.ensure_bound(hs[2]).map(|e| e.port), Ok(6002));
    assert_eq!(t.ensure_bound(hs[2]).map(|e| e.port), Ok(6002));
}

#[test]
fn bind_conflicts_are_addr_in_use() {
    let mut t = table::<Ipv4Addr>(8, 1);
    let h: std::vec::Vec<_> = (0..6).map(|_| t.add(socket()).unwrap()).collect();
    t.bind(h[0], Endpoint::new(ME, 53)).unwrap();
    // Another address, same port: fine. The same address, or the wildcard: in use.
    assert!(t.bind(h[1], Endpoint::new(ME2, 53)).is_ok());
    assert_eq!(t.bind(h[2], Endpoint::new(ME, 53)), Err(UdpError::AddrInUse));
    assert_eq!(t.bind(h[2], Endpoint::any(53)), Err(UdpError::AddrInUse));
    assert!(t.bind(h[2], Endpoint::any(54)).is_ok());
    assert_eq!(t.bind(h[3], Endpoint::new(ME, 54)), Err(UdpError::AddrInUse));
    assert_eq!(t.bind(h[2], Endpoint::any(55)), Err(UdpError::AlreadyBound));
    // Sharing only when both asked for it.
    t.get_mut(h[3]).unwrap().set_reuse_addr(true);
    assert_eq!(t.bind(h[3], Endpoint::any(54)), Err(UdpError::AddrInUse));
    t.get_mut(h[4]).unwrap().set_reuse_addr(true);
    t.get_mut(h[5]).unwrap().set_reuse_addr(true);
    t.bind(h[4], Endpoint::any(67)).unwrap();
    assert!(t.bind(h[5], Endpoint::any(67)).is_ok());
    assert!(t.bind(h[3], Endpoint::new(ME, 67)).is_ok());
    // Closing frees the port.
    t.get_mut(h[0]).unwrap().close();
    let fresh = t.add(socket()).unwrap();
    assert!(t.bind(fresh, Endpoint::any(53)).is_err()); // h[1] still holds ME2:53
    t.get_mut(h[1]).unwrap().close();
    assert!(t.bind(fresh, Endpoint::any(53)).is_ok());
}

#[test]
fn connect_binds_once_and_can_change_peer() {
    let mut t = table::<Ipv4Addr>(2, 3);
    let h = t.add(socket()).unwrap();
    assert_eq!(t.connect(h, Endpoint::any(53)), Err(UdpError::Unaddressable));
    assert_eq!(t.connect(h, Endpoint::new(PEER.addr, 0)), Err(UdpError::Unaddressable));
    assert!(!t.get(h).unwrap().is_bound());
    let local = t.connect(h, PEER).unwrap();
    assert!(local.is_any_addr() && PortRange::DYNAMIC.contains(local.port));
    let other = Endpoint::new(Ipv4Addr::new(203, 0, 113, 5), 53);
    assert_eq!(t.connect(h, other), Ok(local));
    assert_eq!(t.get(h).unwrap().remote_endpoint(), Some(other));
    t.disconnect(h).unwrap();
    assert!(!t.get(h).unwrap().is_connected());
    assert_eq!(t.get(h).unwrap().local_endpoint(), Some(local));
}

#[test]
fn rfc1122_4_1_3_1_demux_most_specific_socket_wins() {
    let mut t = table::<Ipv4Addr>(8, 1);
    let mk = |t: &mut UdpTable<'static, Ipv4Addr>| {
        let mut s = socket();
        s.set_reuse_addr(true);
        t.add(s).unwrap()
    };
    let wild = mk(&mut t);
    let specific = mk(&mut t);
    let connected = mk(&mut t);
    let connected_wild = mk(&mut t);
    t.bind(wild, Endpoint::any(5353)).unwrap();
    t.bind(specific, Endpoint::new(ME, 5353)).unwrap();
    t.bind(connected, Endpoint::new(ME, 5353)).unwrap();
    t.connect(connected, PEER).unwrap();
    t.bind(connected_wild, Endpoint::any(5353)).unwrap();
    let other_peer = Endpoint::new(Ipv4Addr::new(198, 51, 100, 8), 4000);
    t.connect(connected_wild, other_peer).unwrap();

    assert_eq!(t.lookup(&ME, 5353, &PEER.addr, PEER.port), Some(connected));
    assert_eq!(t.lookup(&ME, 5353, &PEER.addr, 4001), Some(specific));
    assert_eq!(t.lookup(&ME2, 5353, &PEER.addr, PEER.port), Some(wild));
    assert_eq!(t.lookup(&ME2, 5353, &other_peer.addr, other_peer.port), Some(connected_wild));
    // Connected beats specific-address-only.
    assert_eq!(t.lookup(&ME, 5353, &other_peer.addr, other_peer.port), Some(connected_wild));
    assert_eq!(t.lookup(&ME, 5354, &PEER.addr, PEER.port), None);
}

#[test]
fn works_over_ipv6_too() {
    let mut t = table::<Ipv6Addr>(2, 1);
    let h = t.add(socket()).unwrap();
    let me: Ipv6Addr = "2001:db8::1".parse().unwrap();
    t.bind(h, Endpoint::new(me, 547)).unwrap();
    let peer: Ipv6Addr = "2001:db8::2".parse().unwrap();
    assert_eq!(t.lookup(&me, 547, &peer, 546), Some(h));
    assert_eq!(t.lookup(&Ipv6Addr::LOCALHOST, 547, &peer, 546), None);
}
