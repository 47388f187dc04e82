//! Two connections over a link that loses, duplicates, reorders and delays segments
//! (seeded): transfers both ways are byte-exact and complete, with SACK and without.

mod script;

use std::collections::BinaryHeap;

use script::link::{InFlight, Rng};
use script::pair::*;
use unet_core::{Duration, Instant};
use unet_tcp::conn::{Config, Connection, State};

fn pattern(i: usize, salt: u8) -> u8 {
    ((i % 253) as u8) ^ salt
}

/// Sends `len` bytes each way over the faulty link; returns (a, b) at the end.
fn run(config: Config, len: usize, seed: u64, loss: u64, dup: u64) -> (Conn, Conn) {
    let mut rng = Rng(seed);
    let mut now = Instant::from_secs(1);
    let mut a = Connection::connect(now, config, client_open(77), ring(32768), ring(32768));
    let mut b: Option<Conn> = None;
    let mut wire_q = BinaryHeap::new();
    let mut order = 0u64;
    let (mut a_sent, mut b_sent) = (0usize, 0usize);
    let (mut a_got, mut b_got) = (Vec::new(), Vec::new());
    let mut buf = vec![0u8; 8192];
    for _ in 0..2_000_000 {
        // The applications: write what fits, read what came.
        if a.state() == State::Established && a_sent < len {
            let chunk: Vec<u8> = (a_sent..len.min(a_sent + 4096)).map(|i| pattern(i, 0)).collect();
            a_sent += a.send(&chunk).unwrap();
            if a_sent == len {
                a.shutdown().unwrap();
            }
        }
        if let Some(b) = b.as_mut() {
            if b.state() == State::Established && b_sent < len {
                let chunk: Vec<u8> =
                    (b_sent..len.min(b_sent + 4096)).map(|i| pattern(i, 0x5a)).collect();
                b_sent += b.send(&chunk).unwrap();
            }
            if b_sent == len && b.state() == State::CloseWait {
                b.shutdown().unwrap();
            }
            while let Ok(n) = b.recv(&mut buf) {
                if n == 0 {
                    break;
                }
                b_got.extend_from_slice(&buf[..n]);
            }
        }
        while let Ok(n) = a.recv(&mut buf) {
            if n == 0 {
                break;
            }
            a_got.extend_from_slice(&buf[..n]);
        }
        // Transmit into the link.
        let mut outs: Vec<(bool, Wire)> =
            drain(&mut a, now).into_iter().map(|w| (true, w)).collect();
        if let Some(b) = b.as_mut() {
            outs.extend(drain(b, now).into_iter().map(|w| (false, w)));
        }
        for (to_b, seg) in outs {
            if rng.percent(loss) {
                continue;
            }
            let copies = if rng.percent(dup) { 2 } else { 1 };
            for _ in 0..copies {
                let delay = Duration::from_micros(1000 + rng.next() % 20_000);
                order += 1;
                wire_q.push(InFlight { at: now + delay, order, to_b, seg: seg.clone() });
            }
        }
        // Next event: a delivery or a timer.
        let timers = [a.poll_timeout(), b.as_ref().and_then(|b| b.poll_timeout())];
        let next_timer = timers.into_iter().flatten().min();
        let next_wire = wire_q.peek().map(|f| f.at);
        let Some(next) = [next_timer, next_wire].into_iter().flatten().min() else { break };
        now = now.max(next);
        if next_wire == Some(next) {
            let f = wire_q.pop().unwrap();
            if f.to_b {
                match b.as_mut() {
                    Some(b) => deliver(b, now, &f.seg),
                    None => {
                        let conn = Connection::accept_syn(
                            now,
                            config,
                            server_open(900),
                            &f.seg.repr,
                            ring(32768),
                            ring(32768),
                        );
                        b = conn.ok();
                    }
                }
            } else {
                deliver(&mut a, now, &f.seg);
            }
        } else {
            a.handle_timeout(now);
            if let Some(b) = b.as_mut() {
                b.handle_timeout(now);
            }
        }
        let done = a_got.len() == len
            && b_got.len() == len
            && matches!(a.state(), State::TimeWait | State::Closed)
            && b.as_ref().is_some_and(|b| b.state() == State::Closed);
        if done {
            break;
        }
    }
    let want_b: Vec<u8> = (0..len).map(|i| pattern(i, 0)).collect();
    let want_a: Vec<u8> = (0..len).map(|i| pattern(i, 0x5a)).collect();
    assert!(b_got == want_b, "b received {} of {} bytes (seed {seed})", b_got.len(), len);
    assert!(a_got == want_a, "a received {} of {} bytes (seed {seed})", a_got.len(), len);
    let b = b.expect("b exists");
    assert_eq!(b.state(), State::Closed, "seed {seed}");
    assert!(matches!(a.state(), State::TimeWait | State::Closed), "seed {seed}: {}", a.state());
    (a, b)
}

#[test]
fn rfc6675_bulk_both_ways_under_loss_reordering_duplication() {
    for seed in [1, 2, 3] {
        let (a, b) = run(Config::default(), 200_000, seed * 7919, 5, 3);
        assert!(a.counters().retransmitted_segments + b.counters().retransmitted_segments > 0);
        assert!(a.sack_enabled());
    }
}

#[test]
fn rfc6582_bulk_without_sack_or_timestamps_under_faults() {
    let config = Config { sack: false, timestamps: false, ..Config::default() };
    for seed in [11, 12] {
        run(config, 150_000, seed * 104_729, 5, 3);
    }
}

#[test]
fn rfc5681_reno_with_heavy_loss() {
    let mut config = Config::default();
    config.congestion.algorithm = unet_tcp::congestion::Algorithm::Reno;
    run(config, 100_000, 4242, 15, 0);
}
