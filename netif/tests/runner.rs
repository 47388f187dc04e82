//! The host runner with fake machines: over a socket pair (a real descriptor, so the
//! poll(2) path) and over an in-memory port (no descriptor, so the sleep path).

mod common;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant as StdInstant};

use common::{frame, parse, Echoer, Pinger, REPLY, REQUEST};
use unet_core::{Duration, Instant};
use unet_netif::memory::Switch;
use unet_netif::{Clock, NetIf, NetIfError, Runner, SocketPair};

const A: [u8; 6] = [2, 0, 0, 0, 0, 0xa];
const B: [u8; 6] = [2, 0, 0, 0, 0, 0xb];

/// Receives from `port` until `n` frames came or 5 s passed.
fn collect(port: &mut impl NetIf, n: usize) -> Vec<Vec<u8>> {
    let deadline = StdInstant::now() + StdDuration::from_secs(5);
    let mut buf = [0u8; 1518];
    let mut got = Vec::new();
    while got.len() < n && StdInstant::now() < deadline {
        match port.recv(&mut buf).unwrap() {
            Some(len) => got.push(buf[..len].to_vec()),
            None => std::thread::sleep(StdDuration::from_millis(1)),
        }
    }
    got
}

#[test]
fn a_burst_is_read_in_batches_and_every_frame_answered() {
    let (mut a, mut b) = SocketPair::new(A, B, 1500).unwrap();
    for seq in 0..20 {
        a.send(&frame(B, A, REQUEST, seq)).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let runner = Runner::new().batch(8).stop_flag(Arc::clone(&stop));
    let echo = std::thread::spawn(move || {
        let mut echoer = Echoer::new(B);
        let stats = runner.run(&mut b, &mut echoer, |_, _| ControlFlow::Continue(())).unwrap();
        (stats, echoer)
    });
    let replies = collect(&mut a, 20);
    stop.store(true, Ordering::Release);
    let (stats, echoer) = echo.join().unwrap();
    let seqs: Vec<u32> = replies.iter().map(|f| parse(f).unwrap().3).collect();
    assert_eq!(seqs, (0..20).collect::<Vec<_>>());
    assert!(replies.iter().all(|f| parse(f).unwrap().2 == REPLY));
    assert_eq!((stats.frames_received, stats.frames_sent), (20, 20));
    // All 20 were waiting before the first turn: it read a full batch of 8.
    assert_eq!(stats.max_batch, 8);
    assert_eq!(echoer.seen.len(), 20);
}

#[test]
fn timers_fire_on_time_and_replies_wake_the_sleeper() {
    let (mut a, mut b) = SocketPair::new(A, B, 1500).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let echo_runner = Runner::new().stop_flag(Arc::clone(&stop));
    let echo = std::thread::spawn(move || {
        let mut echoer = Echoer::new(B);
        echo_runner.run(&mut b, &mut echoer, |_, _| ControlFlow::Continue(())).unwrap()
    });
    let clock = Clock::new();
    let start = Instant::from_millis(30);
    let interval = Duration::from_millis(20);
    let mut pinger = Pinger::new(A, B, start, interval, 5);
    // Long max_sleep: only the timers and the replies can wake the pinger's runner.
    let runner = Runner::new().clock(clock).max_sleep(StdDuration::from_secs(10));
    let stats = runner
        .run(&mut a, &mut pinger, |p, _| {
            if p.replies.len() == 5 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    stop.store(true, Ordering::Release);
    let echo_stats = echo.join().unwrap();
    assert_eq!(echo_stats.frames_sent, 5);
    assert_eq!(stats.timeouts, 5);
    assert_eq!(stats.frames_received, 5);
    for (i, &sent) in pinger.sent_at.iter().enumerate() {
        let due = start + Duration::from_millis(20 * i as u64);
        assert!(sent >= due, "request {i} sent at {sent}, before its time {due}");
        // Not woken late either (generous: CI machines are busy).
        assert!(sent - due < Duration::from_millis(500), "request {i} sent at {sent}");
    }
    assert!(clock.now() >= Instant::from_millis(110));
}

#[test]
fn driver_without_descriptor_sleeps_until_the_next_deadline() {
    let (_switch, mut a, mut b) = Switch::pair(1, A, B);
    for seq in 0..3 {
        a.send(&frame(B, A, REQUEST, seq)).unwrap();
    }
    let mut echoer = Echoer::new(B);
    let runner = Runner::new().max_sleep(StdDuration::from_millis(2));
    let mut turns = 0;
    let stats = runner
        .run(&mut b, &mut echoer, |_, _| {
            // 3 frames are fewer than `answer_every`: the app runs once per turn.
            turns += 1;
            if turns == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(stats.frames_received, 3);
    assert_eq!(stats.wakeups, 3);
    assert_eq!(collect(&mut a, 3).len(), 3);
}

#[test]
fn stop_flag_set_before_the_run_stops_it_at_once() {
    let (_a, mut b) = SocketPair::new(A, B, 1500).unwrap();
    let stop = Arc::new(AtomicBool::new(true));
    let stats = Runner::new()
        .stop_flag(stop)
        .run(&mut b, &mut Echoer::new(B), |_, _| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(stats.wakeups, 0);
}

#[test]
fn a_vanished_peer_ends_the_run_with_its_error() {
    let (mut a, mut b) = SocketPair::new(A, B, 1500).unwrap();
    a.send(&frame(B, A, REQUEST, 1)).unwrap();
    drop(a);
    // The queued request is still read; its reply cannot be sent.
    let err =
        unet_netif::run(&mut b, &mut Echoer::new(B), |_, _| ControlFlow::Continue(())).unwrap_err();
    assert_eq!(err, NetIfError::Disconnected);
}
