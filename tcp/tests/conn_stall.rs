//! No stall: a connection with something unacknowledged (data, FIN) or a shut peer
//! window always has a timer that brings it back within the longest RTO or persist
//! interval (RFC 6298 §5.1: the retransmission timer runs while data is outstanding;
//! RFC 9293 §3.8.6.1: the persist timer while the window is zero). Checked after every
//! step of seeded one-way bulk transfers, at fake times, over a link that loses and
//! duplicates segments in both directions while the receiver reads in bursts (so its
//! window shuts and opens again, and window updates get lost too) — the shape of the
//! kernel's download from `unet host --tcp-source` through nftables' drop and dup rules.

mod script;

use std::collections::BinaryHeap;

use script::link::{InFlight, Rng};
use script::pair::*;
use unet_core::{Duration, Instant};
use unet_tcp::conn::{Config, Connection, State};

/// The longest a running connection may legitimately wait for its next timer while it
/// has something outstanding: the RTO's and the persist interval's cap (60 s).
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// Asserts the no-stall invariant of `c` at `now` (after its transmissions were drained).
fn assert_timer_armed(c: &Conn, now: Instant, who: &str, seed: u64) {
    if matches!(c.state(), State::Closed | State::TimeWait) {
        return;
    }
    let outstanding = c.bytes_in_flight() > 0;
    let shut_window = c.snd_wnd() == 0 && c.send_queue() > 0;
    // Data waiting with nothing outstanding: no ACK will come to send it.
    let unclocked = !outstanding && c.send_queue() > 0;
    if outstanding || shut_window || unclocked {
        let next = c.poll_timeout();
        assert!(
            next.is_some_and(|t| t <= now + LONGEST_WAIT),
            "seed {seed}: {who} in {} at {now:?} has {} bytes in flight, {} queued, window \
             {}, and its next timer is {next:?}: a stall",
            c.state(),
            c.bytes_in_flight(),
            c.send_queue(),
            c.snd_wnd(),
        );
    }
}

/// `a` sends `len` bytes to `b` and closes; `b` reads up to `read_burst` bytes every
/// `read_every` and closes once it has everything. Loss and duplication per mille, each
/// direction. Returns the virtual time the transfer took.
fn run(
    config: Config,
    len: usize,
    seed: u64,
    loss: u64,
    dup: u64,
    read_every: Duration,
) -> Duration {
    let mut rng = Rng(seed);
    let start = Instant::from_secs(1);
    let mut now = start;
    let mut a = Connection::connect(now, config, client_open(77), ring(16384), ring(16384));
    let mut b: Option<Conn> = None;
    let mut wire_q = BinaryHeap::new();
    let mut order = 0u64;
    let mut sent = 0usize;
    let mut got = 0usize;
    let mut buf = vec![0u8; 4096];
    let mut next_read = now;
    for _ in 0..3_000_000 {
        if a.state() == State::Established && sent < len {
            let chunk: Vec<u8> = (sent..len.min(sent + 4096)).map(|i| (i % 251) as u8).collect();
            sent += a.send(&chunk).unwrap();
            if sent == len {
                a.shutdown().unwrap();
            }
        }
        if let Some(b) = b.as_mut() {
            if now >= next_read {
                next_read = now + read_every;
                while let Ok(n) = b.recv(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    for (k, &byte) in buf[..n].iter().enumerate() {
                        assert_eq!(byte, ((got + k) % 251) as u8, "seed {seed}: byte {}", got + k);
                    }
                    got += n;
                }
            }
            if got == len && b.state() == State::CloseWait {
                b.close(now).unwrap();
            }
        }
        let mut outs: Vec<(bool, Wire)> =
            drain(&mut a, now).into_iter().map(|w| (true, w)).collect();
        assert_timer_armed(&a, now, "sender", seed);
        if let Some(b) = b.as_mut() {
            outs.extend(drain(b, now).into_iter().map(|w| (false, w)));
            assert_timer_armed(b, now, "receiver", seed);
        }
        for (to_b, seg) in outs {
            if rng.per_mille(loss) {
                continue;
            }
            let copies = if rng.per_mille(dup) { 2 } else { 1 };
            for _ in 0..copies {
                let delay = Duration::from_micros(200 + rng.next() % 400);
                order += 1;
                wire_q.push(InFlight { at: now + delay, order, to_b, seg: seg.clone() });
            }
        }
        let timers = [a.poll_timeout(), b.as_ref().and_then(|b| b.poll_timeout())];
        let mut next =
            [timers[0], timers[1], wire_q.peek().map(|f| f.at)].into_iter().flatten().min();
        if got < len && b.is_some() {
            next = next.map(|t| t.min(next_read)).or(Some(next_read));
        }
        let Some(next) = next else { break };
        now = now.max(next);
        if wire_q.peek().is_some_and(|f| f.at <= now) {
            let f = wire_q.pop().unwrap();
            if f.to_b {
                match b.as_mut() {
                    Some(b) => deliver(b, now, &f.seg),
                    None => {
                        b = Connection::accept_syn(
                            now,
                            config,
                            server_open(900),
                            &f.seg.repr,
                            ring(16384),
                            ring(16384),
                        )
                        .ok();
                    }
                }
            } else {
                deliver(&mut a, now, &f.seg);
            }
        }
        a.handle_timeout(now);
        if let Some(b) = b.as_mut() {
            b.handle_timeout(now);
        }
        let done = got == len
            && matches!(a.state(), State::TimeWait | State::Closed)
            && b.as_ref().is_some_and(|b| b.state() == State::Closed);
        if done || a.state() == State::Closed {
            break;
        }
    }
    assert_eq!(
        got,
        len,
        "seed {seed}: received {got} of {len} bytes by {now:?}; sender {} wnd {} cwnd {} \
         queued {} in flight {} recovery {} next timer {:?} {:?}, receiver {:?}",
        a.state(),
        a.snd_wnd(),
        a.cwnd(),
        a.send_queue(),
        a.bytes_in_flight(),
        a.in_recovery(),
        a.poll_timeout(),
        a.counters(),
        b.as_ref().map(|b| (b.state(), b.recv_queue(), *b.counters())),
    );
    assert!(
        matches!(a.state(), State::TimeWait | State::Closed),
        "seed {seed}: sender ends in {}",
        a.state()
    );
    now.saturating_duration_since(start)
}

#[test]
fn rfc6298_5_1_rfc9293_3_8_6_1_a_timer_always_runs_under_loss_and_zero_windows() {
    for seed in 1..=40u64 {
        let took = run(Config::default(), 300_000, seed * 7919, 20, 20, Duration::from_millis(3));
        assert!(took < Duration::from_secs(120), "seed {seed}: took {took:?}");
    }
}

#[test]
fn rfc6298_5_1_no_stall_without_sack_or_timestamps() {
    let config = Config { sack: false, timestamps: false, ..Config::default() };
    for seed in 1..=20u64 {
        let took = run(config, 200_000, seed * 104_729, 20, 20, Duration::from_millis(3));
        assert!(took < Duration::from_secs(120), "seed {seed}: took {took:?}");
    }
}

#[test]
fn rfc9293_3_8_6_1_no_stall_under_heavy_loss_of_window_updates() {
    for seed in 1..=20u64 {
        run(Config::default(), 100_000, seed * 31_337, 100, 20, Duration::from_millis(50));
    }
}

/// The peer's window fell below one segment while everything sent was acknowledged, and
/// the window update that reopened it was lost: sender SWS avoidance holds the data (no
/// full segment fits, and the window is below half the largest), nothing is outstanding,
/// so no ACK will come. The override timeout (RFC 9293 §3.8.6.2.1 (4), 0.1–1 s) sends
/// what the window allows; its ACK carries the open window and the transfer goes on.
#[test]
fn rfc9293_3_8_6_2_1_override_timeout_sends_into_a_small_window_after_a_lost_update() {
    let config = Config { ack_delay: None, ..Config::default() };
    let mut p = Pair::connect_with(config, config, 65536, 4000);
    let data: Vec<u8> = (0..20_000).map(|i| (i % 251) as u8).collect();
    p.a.send(&data).unwrap();
    // b does not read: its window shrinks to what is left of its 4000 bytes.
    p.run_for(Duration::from_millis(50));
    let small = p.a.snd_wnd();
    assert!(small > 0 && small < u32::from(p.a.mss()), "window {small}");
    assert_eq!(p.a.bytes_in_flight(), 0);
    let held = p.a.send_queue();
    assert!(held > 0);
    // b reads everything; its window update is lost.
    let mut buf = vec![0u8; 8192];
    let read = p.b.recv(&mut buf).unwrap();
    assert!(read > 0);
    let mut lost = 0;
    p.run_lossy(Duration::from_millis(1), &mut |a_to_b, seg| {
        let update = !a_to_b && seg.payload.is_empty();
        lost += usize::from(update);
        !update
    });
    assert_eq!(lost, 1, "one window update");
    assert_eq!(p.a.snd_wnd(), small, "a never learned of the open window");
    let at = p.now;
    let received = p.b.counters().bytes_received;
    // The override timeout, at most 1 s later, sends into the small window.
    let next = p.a.poll_timeout().expect("a timer runs while data waits");
    assert!(next <= at + Duration::from_secs(1), "{next:?}");
    p.run_for(Duration::from_millis(1100));
    assert!(p.a.send_queue() < held, "the held data moved");
    let moved = p.b.counters().bytes_received.wrapping_sub(received);
    assert!(moved > small, "the ACK of it reopened the window: {moved} bytes");
    let first = p.log.iter().find(|(t, a_to_b, seg)| *a_to_b && *t > at && !seg.payload.is_empty());
    let (t, _, seg) = first.expect("a segment after the override timeout");
    assert!(*t >= at + Duration::from_millis(100), "not before the override timeout");
    assert!(seg.payload.len() <= small as usize, "within the offered window");
}
