//! A `Listener` completes the handshake, the connection takes over with `accept_from`
//! (RFC 9293 §3.10.7.2 and §3.10.7.4, split between the two machines).

mod script;

use script::pair::*;
use unet_core::rng::SplitMix64;
use unet_core::Duration;
use unet_tcp::conn::{Config, Connection, Event, State};
use unet_tcp::listener::{HalfOpen, Handshake, Listener, ListenerConfig, Outcome};

#[test]
fn rfc9293_3_10_7_4_listener_handshake_then_accept_from() {
    let mut now = unet_core::Instant::from_secs(1);
    let mut rng = SplitMix64::new(7);
    let syn_queue: &'static mut [Option<HalfOpen<std::net::Ipv4Addr>>] =
        Box::leak(vec![None; 4].into_boxed_slice());
    let backlog: &'static mut [Option<Handshake<std::net::Ipv4Addr>>] =
        Box::leak(vec![None; 4].into_boxed_slice());
    let mut listener = Listener::new(&mut rng, 80, ListenerConfig::default(), syn_queue, backlog);

    let mut a =
        Connection::connect(now, Config::default(), client_open(1_000), ring(8192), ring(8192));
    let syn = drain(&mut a, now).remove(0);
    let reply = match listener.handle_segment(now, B_ADDR, A_ADDR, &syn.repr).unwrap() {
        Outcome::Reply(r) => r,
        other => panic!("no SYN-ACK: {other:?}"),
    };
    now += Duration::from_millis(3);
    a.handle_segment(now, &reply.repr, &[]).unwrap();
    assert_eq!(a.state(), State::Established);
    a.send(b"hello").unwrap();
    let out = drain(&mut a, now);
    // The final ACK carries the first data.
    assert_eq!(out.len(), 1);
    let ack = &out[0];
    assert_eq!(ack.payload, b"hello");
    now += Duration::from_millis(3);
    assert!(matches!(
        listener.handle_segment(now, B_ADDR, A_ADDR, &ack.repr).unwrap(),
        Outcome::Established
    ));
    let handshake = listener.accept().expect("handshake in the backlog");
    let mut b = Connection::accept_from(now, Config::default(), &handshake, ring(8192), ring(8192));
    assert_eq!(b.state(), State::Established);
    assert_eq!(b.poll_event(), Some(Event::Connected));
    // The stack gives the final ACK to the new connection too: its data is kept.
    b.handle_segment(now, &ack.repr, &ack.payload).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(b.recv(&mut buf), Ok(5));
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(a.timestamps_enabled(), b.timestamps_enabled());
    assert_eq!(a.window_scales(), (b.window_scales().1, b.window_scales().0));
    assert!(b.srtt().is_some(), "the listener's RTT sample seeds the estimator");

    // And the two talk on.
    let mut p = Pair { a, b, now, log: Vec::new() };
    p.b.send(b"world").unwrap();
    p.run_for(Duration::from_millis(300));
    assert_eq!(p.a.recv(&mut buf), Ok(5));
    assert_eq!(&buf[..5], b"world");
    assert_eq!(p.a.bytes_in_flight(), 0);
    assert_eq!(p.b.bytes_in_flight(), 0);
}
