use super::*;
use crate::test_util::{socket, socket_with, table};
use core::net::{Ipv4Addr, Ipv6Addr};

const PEER: Endpoint<Ipv4Addr> = Endpoint { addr: Ipv4Addr::new(192, 0, 2, 9), port: 7 };

#[test]
fn rfc768_send_needs_a_binding_and_a_destination() {
    let mut s = socket::<Ipv4Addr>();
    assert_eq!(s.send_to(b"x", PEER), Err(UdpError::Unbound));
    s.set_local(Endpoint::any(5000));
    assert_eq!(s.send(b"x"), Err(UdpError::NotConnected));
    assert_eq!(s.send_to(b"x", Endpoint::new(PEER.addr, 0)), Err(UdpError::Unaddressable));
    assert_eq!(s.send_to(b"x", Endpoint::any(7)), Err(UdpError::Unaddressable));
    assert_eq!(s.send_to(b"x", PEER), Ok(()));
    assert_eq!(s.send_queue(), 1);
}

#[test]
fn rfc768_length_field_bounds_the_datagram_per_ip_version() {
    assert_eq!(max_payload_len::<Ipv4Addr>(), 65507);
    assert_eq!(max_payload_len::<Ipv6Addr>(), 65527);
    let mut s = socket_with::<Ipv4Addr>(2, 70000);
    s.set_local(Endpoint::any(5000));
    let big = [0u8; 65508];
    assert_eq!(s.send_to(&big, PEER), Err(UdpError::MessageTooLong));
    assert_eq!(s.send_to(&big[..65507], PEER), Ok(()));
    let mut s6 = socket_with::<Ipv6Addr>(2, 70000);
    s6.set_local(Endpoint::any(5000));
    let peer6 = Endpoint::new(Ipv6Addr::LOCALHOST, 7);
    assert_eq!(s6.send_to(&[0u8; 65528], peer6), Err(UdpError::MessageTooLong));
    assert_eq!(s6.send_to(&[0u8; 65527], peer6), Ok(()));
}

#[test]
fn send_queue_full_and_too_large_are_distinct() {
    let mut s = socket_with::<Ipv4Addr>(2, 100);
    s.set_local(Endpoint::any(5000));
    assert_eq!(s.send_to(&[0; 101], PEER), Err(UdpError::LargerThanBuffer));
    assert!(s.can_send(60));
    s.send_to(&[1; 60], PEER).unwrap();
    assert!(!s.can_send(60));
    assert_eq!(s.send_to(&[2; 60], PEER), Err(UdpError::BufferFull));
    s.send_to(&[3; 40], PEER).unwrap();
    // Metadata slots exhausted even for an empty datagram.
    assert_eq!(s.send_to(&[], PEER), Err(UdpError::BufferFull));
}

#[test]
fn zero_copy_send_and_receive() {
    let mut s = socket::<Ipv4Addr>();
    s.set_local(Endpoint::any(5000));
    s.set_remote(Some(PEER));
    let n = s.send_with(100, |buf| {
        buf[..5].copy_from_slice(b"hello");
        5
    });
    assert_eq!(n, Ok(5));
    assert_eq!(s.tx_queue().peek().map(|(m, d)| (m.remote, d.len())), Ok((PEER, 5)));
    let meta = UdpMetadata { remote: PEER, local_addr: Ipv4Addr::new(192, 0, 2, 1) };
    s.deliver(meta, b"world").unwrap();
    assert!(s.can_recv());
    assert_eq!(s.peek_size(), Some(5));
    let got = s.recv_with(|data, m| (data.to_vec(), *m));
    assert_eq!(got, Ok((b"world".to_vec(), meta)));
    assert_eq!(s.recv_with(|_, _| ()), Err(UdpError::WouldBlock));
}

#[test]
fn recv_truncates_like_posix() {
    let mut s = socket::<Ipv4Addr>();
    let meta = UdpMetadata { remote: PEER, local_addr: Ipv4Addr::new(192, 0, 2, 1) };
    s.deliver(meta, b"abcdef").unwrap();
    s.deliver(meta, b"gh").unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(s.recv_from(&mut buf), Ok((4, meta)));
    assert_eq!(&buf, b"abcd");
    // The rest of the first datagram is gone; the next is whole.
    assert_eq!(s.recv(&mut buf), Ok(2));
    assert_eq!(&buf[..2], b"gh");
}

#[test]
fn options_and_close() {
    let mut s = socket::<Ipv4Addr>();
    assert_eq!(s.set_hop_limit(Some(0)), Err(UdpError::InvalidHopLimit));
    s.set_hop_limit(Some(5)).unwrap();
    assert_eq!(s.hop_limit(), Some(5));
    assert_eq!(s.multicast_hop_limit(), 1);
    s.set_multicast_hop_limit(4);
    s.set_reuse_addr(true);
    s.set_local(Endpoint::any(5000));
    s.send_to(b"x", PEER).unwrap();
    s.close();
    assert!(!s.is_bound() && !s.is_connected());
    assert_eq!(
        (s.send_queue(), s.hop_limit(), s.multicast_hop_limit(), s.reuse_addr()),
        (0, None, 1, false)
    );
    // A closed socket in a table can be bound again.
    let mut t = table::<Ipv4Addr>(1, 1);
    let h = t.add(s).unwrap();
    assert!(t.bind(h, Endpoint::any(5000)).is_ok());
    t.get_mut(h).unwrap().close();
    assert!(t.bind(h, Endpoint::any(5000)).is_ok());
}
