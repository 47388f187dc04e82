use super::*;
use crate::test_util::{socket, table};
use crate::{Delivery, Endpoint, UdpError};
use core::net::Ipv4Addr;
extern crate std;
use std::vec::Vec;

const ME: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const PEER: Endpoint<Ipv4Addr> = Endpoint { addr: Ipv4Addr::new(198, 51, 100, 7), port: 4000 };

/// Drains the table the way a stack would: the source is ME when the socket has none.
fn drain(t: &mut UdpTable<'static, Ipv4Addr>) -> Vec<(Transmit<'static, Ipv4Addr>, Vec<u8>)> {
    let mut out = Vec::new();
    while let Some(r) = t.poll_transmit(|tx| -> Result<_, ()> {
        let src = if tx.src_addr == Ipv4Addr::UNSPECIFIED { ME } else { tx.src_addr };
        let mut frame = std::vec![0u8; 34 + tx.udp_len()];
        let n = tx.emit(&src, &mut frame[34..]).unwrap();
        Ok((Transmit { payload: &[], ..*tx }, frame[34..34 + n].to_vec()))
    }) {
        out.push(r.unwrap());
    }
    out
}

#[test]
fn rfc768_emitted_datagram_carries_ports_length_and_checksum() {
    let mut t = table::<Ipv4Addr>(2, 1);
    let h = t.add(socket()).unwrap();
    t.bind(h, Endpoint::any(5000)).unwrap();
    t.get_mut(h).unwrap().set_hop_limit(Some(9)).unwrap();
    t.get_mut(h).unwrap().send_to(b"ping", PEER).unwrap();
    let sent = drain(&mut t);
    assert_eq!(sent.len(), 1);
    let (tx, bytes) = &sent[0];
    assert_eq!((tx.handle, tx.src_addr, tx.dst_addr), (h, Ipv4Addr::UNSPECIFIED, PEER.addr));
    assert_eq!((tx.src_port, tx.dst_port, tx.hop_limit), (5000, 4000, Some(9)));
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(
        Repr::parse(&p, &ME, &PEER.addr),
        Ok(Repr { src_port: 5000, dst_port: 4000, payload_len: 4 })
    );
    assert_eq!(p.payload(), b"ping");
    assert_eq!(t.counters().out_datagrams, 1);
    assert_eq!(t.poll_transmit(|_| -> Result<(), ()> { Ok(()) }), None);
}

#[test]
fn emit_into_a_short_buffer_is_an_error() {
    let tx = Transmit {
        handle: SocketHandle(0),
        src_addr: ME,
        dst_addr: PEER.addr,
        src_port: 1,
        dst_port: 2,
        hop_limit: None,
        payload: b"abc",
    };
    assert_eq!(tx.udp_len(), 11);
    assert_eq!(tx.emit(&ME, &mut [0u8; 10]), Err(WireError::BufferTooSmall));
    assert_eq!(tx.emit(&ME, &mut [0u8; 12]), Ok(11));
}

#[test]
fn refused_transmit_stays_queued_and_sockets_take_turns() {
    let mut t = table::<Ipv4Addr>(3, 1);
    let a = t.add(socket()).unwrap();
    let b = t.add(socket()).unwrap();
    for (h, port) in [(a, 1000), (b, 2000)] {
        t.bind(h, Endpoint::new(ME, port)).unwrap();
        for i in 0..3u8 {
            t.get_mut(h).unwrap().send_to(&[i], PEER).unwrap();
        }
    }
    // No room in the NIC: nothing is lost.
    assert_eq!(t.poll_transmit(|_| -> Result<(), &str> { Err("busy") }), Some(Err("busy")));
    assert_eq!((t.get(a).unwrap().send_queue(), t.get(b).unwrap().send_queue()), (3, 3));
    let order: Vec<_> = drain(&mut t).iter().map(|(tx, d)| (tx.src_port, d[8])).collect();
    // b goes first (a was tried last), then they alternate.
    assert_eq!(order, [(2000, 0), (1000, 0), (2000, 1), (1000, 1), (2000, 2), (1000, 2)]);
    assert_eq!(t.counters().out_datagrams, 6);
}

#[test]
fn rfc1112_6_1_multicast_hop_limit_defaults_to_one() {
    let mut t = table::<Ipv4Addr>(1, 1);
    let h = t.add(socket()).unwrap();
    t.bind(h, Endpoint::any(5353)).unwrap();
    let s = t.get_mut(h).unwrap();
    s.set_hop_limit(Some(64)).unwrap();
    s.send_to(b"q", Endpoint::new(Ipv4Addr::new(224, 0, 0, 251), 5353)).unwrap();
    s.set_multicast_hop_limit(3);
    s.send_to(b"q", Endpoint::new(Ipv4Addr::new(224, 0, 0, 251), 5353)).unwrap();
    s.send_to(b"q", PEER).unwrap();
    let hops: Vec<_> = drain(&mut t).iter().map(|(tx, _)| tx.hop_limit).collect();
    // The hop limit in force when the stack takes the datagram applies.
    assert_eq!(hops, [Some(3), Some(3), Some(64)]);
}

#[test]
fn two_tables_exchange_datagrams_and_icmp() {
    let peer_addr = PEER.addr;
    let mut client = table::<Ipv4Addr>(2, 1);
    let mut server = table::<Ipv4Addr>(2, 2);
    let c = client.add(socket()).unwrap();
    let s = server.add(socket()).unwrap();
    server.bind(s, Endpoint::any(7)).unwrap();
    let local = client.connect(c, Endpoint::new(peer_addr, 7)).unwrap();
    client.get_mut(c).unwrap().send(b"hello").unwrap();
    for (_, bytes) in drain(&mut client) {
        assert_eq!(server.receive(&ME, &peer_addr, false, &bytes), Delivery::Delivered(s));
    }
    // Echo back to whoever sent it.
    let srv = server.get_mut(s).unwrap();
    let (data, meta) = srv.recv_with(|d, m| (d.to_vec(), *m)).unwrap();
    assert_eq!(meta.remote, Endpoint::new(ME, local.port));
    srv.send_to(&data, meta.remote).unwrap();
    let replies: Vec<_> = server
        .poll_transmit(|tx| -> Result<_, ()> {
            let mut buf = std::vec![0u8; tx.udp_len()];
            tx.emit(&peer_addr, &mut buf).map_err(|_| ())?;
            Ok(buf)
        })
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(client.receive(&peer_addr, &ME, false, &replies[0]), Delivery::Delivered(c));
    assert_eq!(client.get_mut(c).unwrap().recv_with(|d, _| d.to_vec()), Ok(b"hello".to_vec()));
    // The server goes away; its host answers port unreachable; the client learns it.
    server.get_mut(s).unwrap().close();
    client.get_mut(c).unwrap().send(b"anyone?").unwrap();
    for (_, bytes) in drain(&mut client) {
        assert_eq!(
            server.receive(&ME, &peer_addr, false, &bytes),
            Delivery::NoListener { port_unreachable: true }
        );
        let p = Packet::new_checked(&bytes[..]).unwrap();
        let (from, to) = (Endpoint::new(ME, p.src_port()), Endpoint::new(peer_addr, p.dst_port()));
        client.handle_icmp_error(from, to, crate::IcmpErrorKind::PortUnreachable);
    }
    let err = client.get_mut(c).unwrap().send(b"still?");
    assert_eq!(err, Err(UdpError::Icmp(crate::IcmpErrorKind::PortUnreachable)));
}
