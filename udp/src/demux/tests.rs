use super::*;
use crate::test_util::{datagram, socket, socket_with, table};
use crate::UdpError;
use core::net::{Ipv4Addr, Ipv6Addr};
extern crate std;
use std::vec::Vec;

const ME: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const PEER: Endpoint<Ipv4Addr> = Endpoint { addr: Ipv4Addr::new(198, 51, 100, 7), port: 4000 };
const DIRECTED: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 255);

fn from_peer(
    t: &mut UdpTable<'static, Ipv4Addr>,
    dst: Ipv4Addr,
    port: u16,
    data: &[u8],
) -> Delivery {
    let bytes = datagram(&PEER.addr, &dst, PEER.port, port, data);
    t.receive(&PEER.addr, &dst, dst == DIRECTED, &bytes)
}

#[test]
fn rfc1122_4_1_3_5_delivers_data_source_and_specific_destination() {
    let mut t = table::<Ipv4Addr>(2, 1);
    let h = t.add(socket()).unwrap();
    t.bind(h, Endpoint::any(7)).unwrap();
    assert_eq!(from_peer(&mut t, ME, 7, b"echo me"), Delivery::Delivered(h));
    let mut buf = [0u8; 64];
    let (n, meta) = t.get_mut(h).unwrap().recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"echo me");
    assert_eq!(meta, UdpMetadata { remote: PEER, local_addr: ME });
    assert_eq!(t.counters().in_datagrams, 1);
}

#[test]
fn rfc1122_4_1_3_1_no_listener_asks_for_port_unreachable() {
    let mut t = table::<Ipv4Addr>(2, 1);
    assert_eq!(from_peer(&mut t, ME, 9, b"?"), Delivery::NoListener { port_unreachable: true });
    // Never for broadcast or multicast destinations (RFC 1122 §3.2.2).
    assert_eq!(
        from_peer(&mut t, DIRECTED, 9, b"?"),
        Delivery::NoListener { port_unreachable: false }
    );
    let group = Ipv4Addr::new(224, 0, 0, 251);
    assert_eq!(from_peer(&mut t, group, 9, b"?"), Delivery::NoListener { port_unreachable: false });
    assert_eq!(
        from_peer(&mut t, Ipv4Addr::BROADCAST, 9, b"?"),
        Delivery::NoListener { port_unreachable: false }
    );
    assert_eq!(t.counters().no_ports, 4);
}

#[test]
fn rfc1122_4_1_3_4_bad_checksum_silently_discarded() {
    let mut t = table::<Ipv4Addr>(2, 1);
    let h = t.add(socket()).unwrap();
    t.bind(h, Endpoint::any(7)).unwrap();
    let mut bytes = datagram(&PEER.addr, &ME, PEER.port, 7, b"data");
    bytes[9] ^= 1;
    assert_eq!(t.receive(&PEER.addr, &ME, false, &bytes), Delivery::BadChecksum);
    // RFC 768: an all-zero checksum means none was computed, accepted over IPv4 only.
    bytes[6..8].fill(0);
    assert_eq!(t.receive(&PEER.addr, &ME, false, &bytes), Delivery::Delivered(h));
    let six = datagram(&Ipv6Addr::LOCALHOST, &Ipv6Addr::LOCALHOST, 1, 7, b"data");
    let mut t6 = table::<Ipv6Addr>(1, 1);
    let h6 = t6.add(socket()).unwrap();
    t6.bind(h6, Endpoint::any(7)).unwrap();
    let mut zero = six.clone();
    zero[6..8].fill(0);
    assert_eq!(
        t6.receive(&Ipv6Addr::LOCALHOST, &Ipv6Addr::LOCALHOST, false, &zero),
        Delivery::BadChecksum
    );
    assert_eq!(
        t6.receive(&Ipv6Addr::LOCALHOST, &Ipv6Addr::LOCALHOST, false, &six),
        Delivery::Delivered(h6)
    );
    // Short or lying Length fields are malformed.
    assert_eq!(t.receive(&PEER.addr, &ME, false, &bytes[..7]), Delivery::Malformed);
    assert_eq!(t.receive(&PEER.addr, &ME, false, &bytes[..10]), Delivery::Malformed);
    let c = t.counters();
    assert_eq!((c.checksum_errors, c.malformed, c.in_datagrams), (1, 2, 1));
}

#[test]
fn rfc1122_4_1_3_6_broadcast_or_multicast_source_discarded() {
    let mut t = table::<Ipv4Addr>(1, 1);
    let h = t.add(socket()).unwrap();
    t.bind(h, Endpoint::any(7)).unwrap();
    let src = Ipv4Addr::new(224, 0, 0, 1);
    let bytes = datagram(&src, &ME, 1, 7, b"x");
    assert_eq!(t.receive(&src, &ME, false, &bytes), Delivery::InvalidSource);
    assert_eq!(t.counters().invalid_source, 1);
    assert!(!t.get(h).unwrap().can_recv());
}

#[test]
fn connected_socket_only_hears_its_peer() {
    let mut t = table::<Ipv4Addr>(2, 1);
    let h = t.add(socket()).unwrap();
    t.bind(h, Endpoint::any(5000)).unwrap();
    t.connect(h, Endpoint::new(PEER.addr, 53)).unwrap();
    // From PEER:4000, not PEER:53.
    assert_eq!(from_peer(&mut t, ME, 5000, b"x"), Delivery::NoListener { port_unreachable: true });
    let bytes = datagram(&PEER.addr, &ME, 53, 5000, b"answer");
    assert_eq!(t.receive(&PEER.addr, &ME, false, &bytes), Delivery::Delivered(h));
}

#[test]
fn broadcast_and_multicast_reach_every_matching_socket() {
    let mut t = table::<Ipv4Addr>(8, 1);
    let add = |t: &mut UdpTable<'static, Ipv4Addr>, local: Endpoint<Ipv4Addr>, slots| {
        let mut s = socket_with(slots, 3000);
        s.set_reuse_addr(true);
        let h = t.add(s).unwrap();
        t.bind(h, local).unwrap();
        h
    };
    let a = add(&mut t, Endpoint::any(68), 4);
    let b = add(&mut t, Endpoint::any(68), 4);
    let unicast_only = add(&mut t, Endpoint::new(ME, 68), 4);
    let bound_bcast = add(&mut t, Endpoint::new(DIRECTED, 68), 4);
    let full = add(&mut t, Endpoint::any(68), 0);
    let other_port = add(&mut t, Endpoint::any(69), 4);
    assert_eq!(
        from_peer(&mut t, DIRECTED, 68, b"offer"),
        Delivery::Multicast { delivered: 3, dropped: 1 }
    );
    for h in [a, b, bound_bcast] {
        let got = t.get_mut(h).unwrap().recv_with(|d, m| (d.to_vec(), m.local_addr));
        assert_eq!(got, Ok((b"offer".to_vec(), DIRECTED)));
    }
    for h in [unicast_only, full, other_port] {
        assert!(!t.get(h).unwrap().can_recv());
    }
    assert_eq!(t.get(full).unwrap().rx_dropped(), 1);
    // The limited broadcast and multicast groups are recognised without the flag.
    assert_eq!(
        from_peer(&mut t, Ipv4Addr::BROADCAST, 69, b"x"),
        Delivery::Multicast { delivered: 1, dropped: 0 }
    );
    let group = Ipv4Addr::new(239, 1, 2, 3);
    assert_eq!(
        from_peer(&mut t, group, 68, b"x"),
        Delivery::Multicast { delivered: 2, dropped: 1 }
    );
    let c = t.counters();
    assert_eq!((c.in_datagrams, c.rx_buffer_full), (3, 2));
}

#[test]
fn full_receive_queue_drops_and_counts() {
    let mut t = table::<Ipv4Addr>(1, 1);
    let h = t.add(socket_with(2, 100)).unwrap();
    t.bind(h, Endpoint::any(7)).unwrap();
    assert_eq!(from_peer(&mut t, ME, 7, &[1; 60]), Delivery::Delivered(h));
    assert_eq!(from_peer(&mut t, ME, 7, &[2; 60]), Delivery::BufferFull(h));
    assert_eq!(from_peer(&mut t, ME, 7, &[3; 200]), Delivery::BufferFull(h));
    assert_eq!(from_peer(&mut t, ME, 7, &[4; 40]), Delivery::Delivered(h));
    assert_eq!(from_peer(&mut t, ME, 7, &[]), Delivery::BufferFull(h));
    assert_eq!((t.counters().rx_buffer_full, t.get(h).unwrap().rx_dropped()), (3, 3));
    // What was queued is intact and in order.
    let s = t.get_mut(h).unwrap();
    assert_eq!(s.recv_with(|d, _| d.to_vec()), Ok(std::vec![1; 60]));
    assert_eq!(s.recv_with(|d, _| d.to_vec()), Ok(std::vec![4; 40]));
}

#[test]
fn flood_to_thousands_of_ports_keeps_memory_bounded() {
    let mut t = table::<Ipv4Addr>(4, 1);
    let h = t.add(socket_with(4, 256)).unwrap();
    t.bind(h, Endpoint::any(7)).unwrap();
    let size = core::mem::size_of_val(&t);
    let mut icmp = 0;
    for i in 0..10_000u32 {
        let src = Ipv4Addr::from(0xc633_6400 | (i % 250)); // 198.51.100.x
        let port = 1000 + (i % 20_000) as u16;
        let bytes = datagram(&src, &ME, 40000, port, &i.to_be_bytes());
        match t.receive(&src, &ME, false, &bytes) {
            Delivery::NoListener { port_unreachable: true } => icmp += 1,
            other => panic!("{other:?}"),
        }
        // Datagrams to the one listened port still get through, up to its queue.
        if i % 1000 == 0 {
            let bytes = datagram(&src, &ME, 40000, 7, b"ok");
            let _ = t.receive(&src, &ME, false, &bytes);
        }
    }
    assert_eq!(icmp, 10_000);
    assert_eq!(t.counters().no_ports, 10_000);
    assert_eq!(core::mem::size_of_val(&t), size);
    assert_eq!((t.len(), t.get(h).unwrap().recv_queue()), (1, 4));
    assert_eq!(t.counters().rx_buffer_full, 6);
}

#[test]
fn rfc1122_4_1_3_3_port_unreachable_refuses_next_call_on_connected_socket() {
    let mut t = table::<Ipv4Addr>(2, 1);
    let h = t.add(socket()).unwrap();
    let local = t.connect(h, PEER).unwrap();
    t.get_mut(h).unwrap().send(b"hello?").unwrap();
    // The stack sent it from ME; the peer answers port unreachable, quoting ME:local → PEER.
    let quoted_local = Endpoint::new(ME, local.port);
    assert_eq!(t.handle_icmp_error(quoted_local, PEER, IcmpErrorKind::PortUnreachable), Some(h));
    let s = t.get_mut(h).unwrap();
    assert_eq!(s.send(b"again"), Err(UdpError::Icmp(IcmpErrorKind::PortUnreachable)));
    // Reported once, like Linux's sk_err: the next call goes through.
    assert_eq!(s.send(b"again"), Ok(()));
    assert_eq!(
        s.last_icmp_error(),
        Some(IcmpError { kind: IcmpErrorKind::PortUnreachable, remote: PEER })
    );
    // Pending errors fail a receive too, and SO_ERROR-style take_error clears them.
    t.handle_icmp_error(quoted_local, PEER, IcmpErrorKind::PortUnreachable);
    let s = t.get_mut(h).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(s.recv(&mut buf), Err(UdpError::Icmp(IcmpErrorKind::PortUnreachable)));
    assert_eq!(s.recv(&mut buf), Err(UdpError::WouldBlock));
    t.handle_icmp_error(quoted_local, PEER, IcmpErrorKind::ProtocolUnreachable);
    let s = t.get_mut(h).unwrap();
    assert_eq!(s.take_error(), Some(IcmpErrorKind::ProtocolUnreachable));
    assert_eq!(s.take_error(), None);
    assert_eq!(s.icmp_errors(), 3);
}

#[test]
fn rfc1122_4_1_3_3_every_icmp_error_reaches_the_application() {
    let mut t = table::<Ipv4Addr>(3, 1);
    let server = t.add(socket()).unwrap();
    t.bind(server, Endpoint::any(53)).unwrap();
    let client = t.add(socket()).unwrap();
    let local = t.connect(client, PEER).unwrap();
    // Unconnected socket: recorded, but one client's closed port must not fail the server.
    assert_eq!(
        t.handle_icmp_error(Endpoint::new(ME, 53), PEER, IcmpErrorKind::PortUnreachable),
        Some(server)
    );
    let s = t.get_mut(server).unwrap();
    assert_eq!(s.last_icmp_error().map(|e| e.kind), Some(IcmpErrorKind::PortUnreachable));
    assert_eq!(s.take_error(), None);
    // Unless the application asked for every error (IP_RECVERR-like).
    s.set_recv_err(true);
    t.handle_icmp_error(Endpoint::new(ME, 53), PEER, IcmpErrorKind::HostUnreachable);
    assert_eq!(t.get_mut(server).unwrap().take_error(), Some(IcmpErrorKind::HostUnreachable));
    // Soft errors on a connected socket are recorded, not pending.
    let kind = IcmpErrorKind::MessageTooBig { mtu: 1280 };
    t.handle_icmp_error(Endpoint::new(ME, local.port), PEER, kind);
    let c = t.get_mut(client).unwrap();
    assert_eq!(c.take_error(), None);
    assert_eq!(c.last_icmp_error().map(|e| e.kind), Some(kind));
    // An error about a datagram no socket sent is counted and dropped.
    assert_eq!(
        t.handle_icmp_error(Endpoint::new(ME, 9), PEER, IcmpErrorKind::PortUnreachable),
        None
    );
    // An error quoting another peer does not match the connected socket.
    let stranger = Endpoint::new(Ipv4Addr::new(203, 0, 113, 1), 4000);
    assert_eq!(
        t.handle_icmp_error(
            Endpoint::new(ME, local.port),
            stranger,
            IcmpErrorKind::PortUnreachable
        ),
        None
    );
    let c = t.counters();
    assert_eq!((c.icmp_errors_delivered, c.icmp_errors_no_socket), (3, 2));
}

#[test]
fn icmp_error_kinds_display_and_hardness() {
    let hard: Vec<_> = [
        IcmpErrorKind::PortUnreachable,
        IcmpErrorKind::ProtocolUnreachable,
        IcmpErrorKind::HostUnreachable,
        IcmpErrorKind::NetworkUnreachable,
        IcmpErrorKind::AdminProhibited,
        IcmpErrorKind::MessageTooBig { mtu: 576 },
        IcmpErrorKind::TimeExceeded,
        IcmpErrorKind::ParameterProblem,
        IcmpErrorKind::Other { icmp_type: 3, code: 15 },
    ]
    .iter()
    .map(|k| (std::format!("{k}"), k.is_hard()))
    .collect();
    assert_eq!(hard[0], ("connection refused (port unreachable)".into(), true));
    assert!(!hard[2].1);
    assert_eq!(hard[5], ("message too big (mtu 576)".into(), false));
    assert_eq!(hard[8], ("icmp error type 3 code 15".into(), false));
    assert_eq!(
        std::format!("{}", UdpError::Icmp(IcmpErrorKind::PortUnreachable)),
        "connection refused (port unreachable)"
    );
}
