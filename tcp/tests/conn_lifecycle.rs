//! The end of a connection's life: no timer outlives it (RFC 9293 §3.3.2), and its
//! buffers go back to the caller for the next one (DESIGN.md §5).

mod script;

use script::pair::*;
use unet_core::{Duration, Instant};
use unet_tcp::conn::{Config, Connection, Event, State};
use unet_tcp::RingBuffer;

fn established() -> Pair {
    Pair::connect(Config::default(), 4096)
}

/// Every way to CLOSED leaves no deadline behind, though something was unacknowledged.
#[test]
fn rfc9293_3_3_2_closed_connection_has_no_timer() {
    // SYN-SENT closed by the user: its SYN was never acknowledged.
    let now = Instant::from_secs(1);
    let mut a = Connection::connect(now, Config::default(), client_open(7), ring(512), ring(512));
    drain(&mut a, now);
    a.shutdown().unwrap();
    assert_eq!(a.state(), State::Closed);
    assert_eq!(a.poll_timeout(), None);

    // SYN-SENT giving up after its retries.
    let config = Config { syn_retries: 1, ..Config::default() };
    let mut a = Connection::connect(now, config, client_open(7), ring(512), ring(512));
    let mut t = now;
    while a.state() != State::Closed {
        drain(&mut a, t);
        t = a.poll_timeout().expect("a SYN-SENT connection has a timer");
        a.handle_timeout(t);
    }
    assert_eq!(a.poll_timeout(), None);

    // ESTABLISHED with data and a delayed ACK outstanding, then aborted.
    let mut p = established();
    p.b.send(b"one segment").unwrap();
    let segs = drain(&mut p.b, p.now);
    deliver(&mut p.a, p.now, &segs[0]);
    p.a.send(b"unacknowledged").unwrap();
    drain(&mut p.a, p.now);
    assert!(p.a.poll_timeout().is_some());
    p.a.abort(p.now);
    assert_eq!(p.a.poll_timeout(), None);
    // Firing timers of a CLOSED connection does nothing.
    p.a.handle_timeout(p.now + Duration::from_secs(3600));
    assert_eq!(p.a.state(), State::Closed);
    assert!(drain(&mut p.a, p.now + Duration::from_secs(3600))
        .iter()
        .all(|w| w.repr.flags.contains(unet_tcp::TcpFlags::RST)));
}

/// TIME-WAIT keeps the 2*MSL timer and nothing else: not the retransmission timer, not
/// keep-alive, not a delayed ACK.
#[test]
fn rfc9293_3_3_2_time_wait_keeps_only_2msl() {
    let config =
        Config { keep_alive: Some(unet_tcp::conn::KeepAlive::default()), ..Config::default() };
    let mut p = Pair::connect(config, 4096);
    p.a.shutdown().unwrap();
    p.run_for(Duration::from_millis(10));
    assert_eq!(p.a.state(), State::FinWait2);
    // Data then the FIN from b, delivered together: a's delayed ACK is armed by the data.
    p.b.send(b"last words").unwrap();
    p.b.shutdown().unwrap();
    for seg in drain(&mut p.b, p.now) {
        deliver(&mut p.a, p.now, &seg);
    }
    assert_eq!(p.a.state(), State::TimeWait);
    let entered = p.now;
    assert_eq!(p.a.poll_timeout(), Some(entered + config.time_wait));
    drain(&mut p.a, p.now);
    // Nothing fires before 2*MSL.
    p.a.handle_timeout(entered + config.time_wait - Duration::from_millis(1));
    assert_eq!(p.a.state(), State::TimeWait);
    assert!(drain(&mut p.a, p.now).is_empty());
    p.a.handle_timeout(entered + config.time_wait);
    assert_eq!(p.a.state(), State::Closed);
    assert_eq!(p.a.poll_timeout(), None);
}

/// The buffers come back as they were (capacities kept, unread data still in `rx`) and,
/// through their storage, serve the next connection.
#[test]
fn into_buffers_returns_the_storage_for_the_next_connection() {
    // Borrowed storage (`storage` leaks a slice: the helpers' connections are 'static).
    let mut rx = RingBuffer::new(storage(2048));
    let mut tx = RingBuffer::new(storage(1024));
    let mut now = Instant::from_secs(1);
    for round in 0..3u32 {
        let mut a = Connection::connect(now, Config::default(), client_open(100 + round), rx, tx);
        let syn = drain(&mut a, now);
        let mut b = Connection::accept_syn(
            now,
            Config::default(),
            server_open(9),
            &syn[0].repr,
            ring(4096),
            ring(4096),
        )
        .unwrap();
        let exchange = |a: &mut Conn, b: &mut Conn| {
            for _ in 0..4 {
                for w in drain(b, now) {
                    deliver(a, now, &w);
                }
                for w in drain(a, now) {
                    deliver(b, now, &w);
                }
            }
        };
        exchange(&mut a, &mut b);
        assert_eq!(a.state(), State::Established, "round {round}");
        a.send(b"hello").unwrap();
        b.send(b"world").unwrap();
        exchange(&mut a, &mut b);
        assert_eq!(a.recv_queue(), 5);
        a.abort(now);
        assert_eq!(a.poll_event(), Some(Event::Connected));
        let (r, t) = a.into_buffers();
        assert_eq!((r.capacity(), t.capacity()), (2048, 1024));
        assert_eq!(r.len(), 5, "unread data stays readable in the returned buffer");
        assert!(t.is_empty(), "an aborted connection's send queue is flushed");
        // Through the raw storage and back, as a stack keeps it between connections: a
        // new ring starts empty whatever the bytes hold.
        rx = RingBuffer::new(r.into_storage());
        tx = RingBuffer::new(t.into_storage());
        assert!(rx.is_empty() && tx.is_empty());
        now += Duration::from_secs(1);
    }
}
