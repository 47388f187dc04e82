//! The application's calls and the stack-facing helpers, on connections driven directly.

mod script;

use script::pair::*;
use unet_core::Duration;
use unet_tcp::conn::{
    reset_for, time_wait_reusable, Config, Connection, Error, Event, IcmpError, State,
};
use unet_tcp::{OptionSet, Repr, SeqNumber, TcpFlags, TcpOptions, Timestamps};

fn established() -> Pair {
    let config = Config { ack_delay: None, ..Config::default() };
    Pair::connect(config, 4096)
}

#[test]
fn rfc9293_3_10_5_abort_sends_rst() {
    let mut p = established();
    p.a.abort(p.now);
    assert_eq!(p.a.state(), State::Closed);
    let out = drain(&mut p.a, p.now);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].repr.flags, TcpFlags::RST);
    assert_eq!(out[0].repr.seq_number, p.a.snd_nxt());
    deliver(&mut p.b, p.now, &out[0]);
    assert_eq!(p.b.state(), State::Closed);
    assert_eq!(p.b.poll_event(), Some(Event::Connected));
    assert_eq!(p.b.poll_event(), Some(Event::Reset));
    assert_eq!(p.b.poll_event(), Some(Event::Closed));
    assert_eq!(p.b.recv(&mut [0u8; 4]), Err(Error::Closed));
    assert_eq!(p.b.send(b"x"), Err(Error::Closed));
}

#[test]
fn rfc1122_4_2_2_13_close_with_unread_data_resets() {
    let mut p = established();
    p.b.send(b"unread").unwrap();
    p.run_for(Duration::from_millis(10));
    assert_eq!(p.a.recv_queue(), 6);
    p.a.close(p.now).unwrap();
    assert_eq!(p.a.state(), State::Closed);
    let out = drain(&mut p.a, p.now);
    assert_eq!(out[0].repr.flags, TcpFlags::RST);
}

#[test]
fn rfc1122_4_2_2_13_data_after_close_resets() {
    let mut p = established();
    p.a.close(p.now).unwrap();
    p.run_for(Duration::from_millis(10));
    assert_eq!(p.a.state(), State::FinWait2);
    p.b.send(b"too late").unwrap();
    p.run_for(Duration::from_millis(10));
    assert_eq!(p.a.state(), State::Closed);
    assert_eq!(p.a.counters().data_after_close, 1);
    assert_eq!(p.b.state(), State::Closed, "the RST reached b");
}

#[test]
fn rfc9293_3_10_4_send_after_shutdown_is_refused_but_receive_goes_on() {
    let mut p = established();
    p.a.shutdown().unwrap();
    assert_eq!(p.a.send(b"x"), Err(Error::InvalidState));
    p.run_for(Duration::from_millis(10));
    p.b.send(b"still").unwrap();
    p.run_for(Duration::from_millis(10));
    let mut buf = [0u8; 8];
    assert_eq!(p.a.recv(&mut buf), Ok(5));
    assert_eq!(p.a.recv(&mut buf), Ok(0));
    p.b.shutdown().unwrap();
    p.run_for(Duration::from_millis(10));
    assert_eq!(p.a.recv(&mut buf), Err(Error::Finished));
}

#[test]
fn rfc9293_3_10_7_1_reset_for_an_ack_takes_its_ack_number() {
    let ack = Repr {
        src_port: 1234,
        dst_port: 80,
        seq_number: SeqNumber(10),
        ack_number: SeqNumber(777),
        flags: TcpFlags::ACK | TcpFlags::PSH,
        window_len: 100,
        urgent_pointer: 0,
        options: TcpOptions::default(),
        payload_len: 5,
    };
    let rst = reset_for(&ack).unwrap();
    assert_eq!(rst.flags, TcpFlags::RST);
    assert_eq!(rst.seq_number, SeqNumber(777));
    let fin = Repr { flags: TcpFlags::FIN, ..ack };
    let rst = reset_for(&fin).unwrap();
    assert_eq!(rst.flags, TcpFlags::RST | TcpFlags::ACK);
    assert_eq!(rst.ack_number, SeqNumber(10 + 5 + 1));
    assert_eq!(reset_for(&Repr { flags: TcpFlags::RST, ..ack }), None);
}

#[test]
fn rfc6191_2_time_wait_reuse_with_newer_timestamp() {
    let mut p = established();
    p.a.shutdown().unwrap();
    p.run_for(Duration::from_millis(10));
    p.b.shutdown().unwrap();
    p.run_for(Duration::from_millis(10));
    assert_eq!(p.a.state(), State::TimeWait);
    let recent = p.a.ts_recent().unwrap();
    let syn = |tsval: u32, seq: u32| Repr {
        src_port: 80,
        dst_port: 40000,
        seq_number: SeqNumber(seq),
        ack_number: SeqNumber(0),
        flags: TcpFlags::SYN,
        window_len: 1000,
        urgent_pointer: 0,
        options: TcpOptions::Typed(OptionSet {
            timestamps: Some(Timestamps { tsval, tsecr: 0 }),
            ..OptionSet::default()
        }),
        payload_len: 0,
    };
    assert!(time_wait_reusable(&p.a, &syn(recent.wrapping_add(1), 0)));
    assert!(!time_wait_reusable(&p.a, &syn(recent, 0)));
    assert!(!time_wait_reusable(&p.b, &syn(recent.wrapping_add(1), 0)), "b is CLOSED");
}

#[test]
fn rfc5927_4_2_hard_error_aborts_only_a_handshake() {
    let now = unet_core::Instant::from_secs(1);
    let mut a =
        Connection::connect(now, Config::default(), client_open(50), ring(1024), ring(1024));
    drain(&mut a, now);
    assert_eq!(
        a.handle_icmp_error(now, IcmpError::HardUnreachable, SeqNumber(49)),
        Err(Error::IcmpOutOfWindow)
    );
    assert_eq!(a.state(), State::SynSent);
    a.handle_icmp_error(now, IcmpError::HardUnreachable, SeqNumber(50)).unwrap();
    assert_eq!(a.state(), State::Closed);
    assert_eq!(a.poll_event(), Some(Event::Unreachable));
    // Synchronized: a hard error is ignored (it could be forged).
    let mut p = established();
    p.a.send(b"data").unwrap();
    drain(&mut p.a, p.now);
    let una = p.a.snd_una();
    p.a.handle_icmp_error(p.now, IcmpError::HardUnreachable, una).unwrap();
    assert_eq!(p.a.state(), State::Established);
}

#[test]
fn rfc9293_3_10_7_closed_connection_refuses_segments() {
    let mut p = established();
    p.a.abort(p.now);
    let seg = Wire {
        src: B_ADDR,
        dst: A_ADDR,
        repr: Repr {
            src_port: 80,
            dst_port: 40000,
            seq_number: p.a.rcv_nxt(),
            ack_number: p.a.snd_nxt(),
            flags: TcpFlags::ACK,
            window_len: 100,
            urgent_pointer: 0,
            options: TcpOptions::default(),
            payload_len: 0,
        },
        payload: Vec::new(),
    };
    assert_eq!(p.a.handle_segment(p.now, &seg.repr, &[]), Err(Error::Closed));
}

#[test]
fn send_buffer_bounds_what_is_queued() {
    let mut p = established();
    let big = vec![7u8; 10_000];
    assert_eq!(p.a.send(&big), Ok(4096));
    assert_eq!(p.a.send(&big), Ok(0));
    assert_eq!(p.a.send_capacity(), 0);
    // The retransmission queue is the send buffer: room comes back only with ACKs.
    let sent = drain(&mut p.a, p.now);
    assert!(!sent.is_empty());
    assert_eq!(p.a.send_capacity(), 0);
    for seg in &sent {
        deliver(&mut p.b, p.now, seg);
    }
    p.run_for(Duration::from_millis(10));
    assert!(p.a.send_capacity() > 0);
    let mut written = 0;
    p.a.send_with(|free| {
        written = free.len().min(3);
        written
    })
    .unwrap();
    assert_eq!(written, 3);
}

#[test]
fn rfc9293_3_10_7_4_out_of_order_beyond_assembler_capacity_is_dropped_and_counted() {
    let config = Config { ack_delay: None, timestamps: false, ..Config::default() };
    let mut p = Pair::connect(config, 65535);
    let base = p.b.rcv_nxt();
    // Five separate holes: the assembler keeps four ranges.
    for i in 0..5u32 {
        let seg = Wire {
            src: A_ADDR,
            dst: B_ADDR,
            repr: Repr {
                src_port: 40000,
                dst_port: 80,
                seq_number: base + (1000 + 2000 * i),
                ack_number: p.b.snd_nxt(),
                flags: TcpFlags::ACK,
                window_len: 1000,
                urgent_pointer: 0,
                options: TcpOptions::default(),
                payload_len: 100,
            },
            payload: vec![1u8; 100],
        };
        let _ = p.b.handle_segment(p.now, &seg.repr, &seg.payload);
    }
    assert_eq!(p.b.counters().out_of_order, 4);
    assert_eq!(p.b.counters().out_of_order_dropped, 1);
}

/// DESIGN.md §5: the state of a connection without its buffers stays small (printed for
/// the report; bounded so that growth is noticed).
#[test]
fn state_per_connection_is_bounded() {
    let total = std::mem::size_of::<Connection<'static, std::net::Ipv4Addr>>();
    let buffers = 2 * std::mem::size_of::<unet_tcp::RingBuffer<'static>>();
    println!("Connection<Ipv4Addr>: {total} bytes, of which {buffers} for the two buffer handles");
    println!(
        "  counters {}, congestion {}, rtt {}, scoreboard {}, assembler {} (Config {} kept packed in 72)",
        std::mem::size_of::<unet_tcp::conn::Counters>(),
        std::mem::size_of::<unet_tcp::congestion::Congestion>(),
        std::mem::size_of::<unet_tcp::rtt::RttEstimator>(),
        std::mem::size_of::<unet_tcp::scoreboard::Scoreboard>(),
        std::mem::size_of::<unet_tcp::Assembler>(),
        std::mem::size_of::<Config>(),
    );
    assert!(total - buffers <= 824, "{total} bytes");
}
