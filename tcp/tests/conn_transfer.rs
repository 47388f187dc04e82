//! Two connections back to back: handshake, bulk transfer, close.

mod script;

use script::pair::*;
use unet_core::Duration;
use unet_tcp::conn::{Config, Event, State};

fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

#[test]
fn rfc9293_3_5_handshake_and_transfer() {
    let mut p = Pair::connect(Config::default(), 8192);
    assert_eq!(p.a.state(), State::Established);
    assert_eq!(p.b.state(), State::Established);
    assert_eq!(p.a.poll_event(), Some(Event::Connected));
    let data: Vec<u8> = (0..100_000).map(pattern).collect();
    let mut sent = 0;
    let mut got = Vec::new();
    for _ in 0..10_000 {
        if sent < data.len() {
            sent += p.a.send(&data[sent..]).unwrap();
        }
        p.run_for(Duration::from_millis(1));
        let mut buf = [0u8; 4096];
        while let Ok(n) = p.b.recv(&mut buf) {
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        if got.len() == data.len() {
            break;
        }
    }
    assert_eq!(got.len(), data.len());
    assert!(got == data);
    p.a.shutdown().unwrap();
    p.run_for(Duration::from_millis(10));
    assert_eq!(p.a.state(), State::FinWait2);
    assert_eq!(p.b.state(), State::CloseWait);
    p.b.shutdown().unwrap();
    p.run_for(Duration::from_millis(10));
    assert_eq!(p.a.state(), State::TimeWait);
    assert_eq!(p.b.state(), State::Closed);
    p.run_for(Duration::from_secs(61));
    assert_eq!(p.a.state(), State::Closed);
}

/// Moves `len` bytes from a to b through `keep`; returns what b received.
fn transfer(p: &mut Pair, len: usize, keep: &mut dyn FnMut(bool, &Wire) -> bool) -> Vec<u8> {
    let data: Vec<u8> = (0..len).map(pattern).collect();
    let mut sent = 0;
    let mut got = Vec::new();
    for _ in 0..100_000 {
        if sent < data.len() {
            sent += p.a.send(&data[sent..]).unwrap();
        }
        p.run_lossy(Duration::from_millis(5), keep);
        let mut buf = [0u8; 4096];
        while let Ok(n) = p.b.recv(&mut buf) {
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        if got.len() >= data.len() {
            break;
        }
    }
    assert!(got == data, "received {} of {} bytes", got.len(), data.len());
    got
}

#[test]
fn rfc5681_3_2_transfer_survives_loss() {
    let mut p = Pair::connect(Config::default(), 16384);
    let mut n = 0u32;
    transfer(&mut p, 300_000, &mut |a_to_b, seg| {
        n += 1;
        !(a_to_b && !seg.payload.is_empty() && n.is_multiple_of(7))
    });
    assert!(p.a.counters().retransmitted_segments > 0);
}

#[test]
fn rfc6582_newreno_without_sack_or_timestamps_survives_loss() {
    let config = Config { sack: false, timestamps: false, ..Config::default() };
    let mut p = Pair::connect(config, 16384);
    assert!(!p.a.sack_enabled() && !p.a.timestamps_enabled());
    let mut n = 0u32;
    transfer(&mut p, 200_000, &mut |_, seg| {
        n += 1;
        seg.payload.is_empty() || !n.is_multiple_of(11)
    });
}
