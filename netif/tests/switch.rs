//! The in-memory switch: learning and flooding, each fault against its configured
//! probability (fixed seeds, so the numbers are exact run to run; the tolerances say how far
//! a seed may stray from the probability), determinism, delays and bounds.

mod common;

use common::{frame, parse, BROADCAST, REQUEST};
use unet_core::{Duration, Instant};
use unet_netif::memory::{LinkFaults, Switch, SwitchConfig};
use unet_netif::{NetIf, NetIfError, Port};

const A: [u8; 6] = [2, 0, 0, 0, 0, 0xa];
const B: [u8; 6] = [2, 0, 0, 0, 0, 0xb];
const C: [u8; 6] = [2, 0, 0, 0, 0, 0xc];

fn drain(port: &mut Port) -> Vec<Vec<u8>> {
    let mut buf = [0u8; 1518];
    let mut out = Vec::new();
    while let Some(n) = port.recv(&mut buf).unwrap() {
        out.push(buf[..n].to_vec());
    }
    out
}

#[test]
fn learning_switch_floods_unknown_and_forwards_learned() {
    let switch = Switch::new(1);
    let (mut a, mut b, mut c) = (switch.add_port(A), switch.add_port(B), switch.add_port(C));
    // B unknown: flooded to B and C, never back to A.
    a.send(&frame(B, A, REQUEST, 1)).unwrap();
    assert_eq!(drain(&mut b).len(), 1);
    assert_eq!(drain(&mut c).len(), 1);
    assert!(drain(&mut a).is_empty());
    // A was learned on port 0: B's answer goes to A only.
    b.send(&frame(A, B, REQUEST, 2)).unwrap();
    assert_eq!(drain(&mut a).len(), 1);
    assert!(drain(&mut c).is_empty());
    // Now both are known.
    a.send(&frame(B, A, REQUEST, 3)).unwrap();
    assert_eq!(drain(&mut b).len(), 1);
    assert!(drain(&mut c).is_empty());
    // Broadcast reaches everyone else.
    c.send(&frame(BROADCAST, C, REQUEST, 4)).unwrap();
    assert_eq!((drain(&mut a).len(), drain(&mut b).len(), drain(&mut c).len()), (1, 1, 0));
    // A frame for an address learned on the sender's own port is filtered.
    a.send(&frame(A, B, REQUEST, 5)).unwrap(); // B's address now appears on port 0 ...
    drain(&mut b);
    b.send(&frame(B, C, REQUEST, 6)).unwrap(); // ... so a frame to B goes to port 0
    assert_eq!((drain(&mut a).len(), drain(&mut c).len()), (1, 0));
    let stats = switch.switch_stats();
    assert_eq!(stats.frames_in, 6);
    assert_eq!(stats.filtered, 1);
    assert_eq!(switch.stats(0).unwrap().sent, 3);
}

#[test]
fn full_mac_table_floods_and_counts() {
    let config = SwitchConfig { mac_table_capacity: 1, ..SwitchConfig::default() };
    let switch = Switch::with_config(1, config);
    let (mut a, mut b, mut c) = (switch.add_port(A), switch.add_port(B), switch.add_port(C));
    a.send(&frame(BROADCAST, A, REQUEST, 1)).unwrap();
    b.send(&frame(BROADCAST, B, REQUEST, 2)).unwrap(); // B not learned: table full
    assert_eq!(switch.switch_stats().table_full, 1);
    drain(&mut a);
    drain(&mut c);
    a.send(&frame(B, A, REQUEST, 3)).unwrap();
    assert_eq!(drain(&mut c).len(), 1, "unknown B is flooded");
}

#[test]
fn sends_are_checked_and_short_buffers_drop_the_frame() {
    let (_switch, mut a, mut b) = Switch::pair(1, A, B);
    assert_eq!(a.send(&[0; 13]), Err(NetIfError::FrameTooShort { len: 13 }));
    assert_eq!(a.send(&[0; 1519]), Err(NetIfError::FrameTooLong { len: 1519, max: 1518 }));
    a.send(&frame(B, A, REQUEST, 1)).unwrap();
    assert_eq!(b.recv(&mut [0u8; 59]), Err(NetIfError::BufferTooSmall { len: 59, needed: 60 }));
    assert_eq!(b.recv(&mut [0u8; 1518]), Ok(None));
    assert_eq!(_switch.stats(1).unwrap().too_big, 1);
    assert_eq!((a.mac(), b.mac(), a.mtu()), (A, B, 1500));
}

#[test]
fn delay_holds_frames_until_the_switch_time_comes() {
    let (switch, mut a, mut b) = Switch::pair(1, A, B);
    switch.set_faults(1, LinkFaults { delay: Duration::from_millis(5), ..LinkFaults::default() });
    switch.advance(Instant::from_millis(10));
    a.send(&frame(B, A, REQUEST, 1)).unwrap();
    assert!(drain(&mut b).is_empty());
    assert_eq!(switch.next_delivery_time(), Some(Instant::from_millis(15)));
    switch.advance(Instant::from_millis(14));
    assert!(drain(&mut b).is_empty());
    switch.advance(Instant::from_millis(15));
    assert_eq!(drain(&mut b).len(), 1);
    assert_eq!(switch.next_delivery_time(), None);
    // Time never goes backwards.
    switch.advance(Instant::from_millis(1));
    assert_eq!(switch.now(), Instant::from_millis(15));
}

#[test]
fn queue_limit_tail_drops_and_counts() {
    let (switch, mut a, mut b) = Switch::pair(1, A, B);
    let faults =
        LinkFaults { delay: Duration::from_millis(1), queue_limit: 3, ..LinkFaults::default() };
    switch.set_faults(1, faults);
    for seq in 0..5 {
        a.send(&frame(B, A, REQUEST, seq)).unwrap();
    }
    assert_eq!(switch.in_flight(1), 3);
    switch.advance(Instant::from_millis(1));
    let got: Vec<u32> = drain(&mut b).iter().map(|f| parse(f).unwrap().3).collect();
    assert_eq!(got, vec![0, 1, 2]);
    assert_eq!(switch.stats(1).unwrap().queue_full, 2);
}

#[test]
fn mirror_records_what_enters_the_switch() {
    let (switch, mut a, mut b) = Switch::pair(1, A, B);
    a.send(&frame(B, A, REQUEST, 0)).unwrap(); // before enabling: not kept
    switch.enable_mirror();
    switch.advance(Instant::from_millis(3));
    a.send(&frame(B, A, REQUEST, 1)).unwrap();
    b.send(&frame(A, B, REQUEST, 2)).unwrap();
    let m = switch.take_mirror();
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].port, m[1].port), (0, 1));
    assert_eq!(m[1].at, Instant::from_millis(3));
    assert_eq!(m[0].data, frame(B, A, REQUEST, 1));
    assert!(switch.take_mirror().is_empty());
}

/// Sends `n` numbered frames A -> B, one per millisecond, and returns what B received, in
/// order, with the time it became receivable.
fn stream(seed: u64, faults: LinkFaults, n: u32) -> (Vec<(Instant, Vec<u8>)>, Switch) {
    let (switch, mut a, mut b) = Switch::pair(seed, A, B);
    switch.set_faults(1, faults);
    // Let the switch learn B so the stream is unicast.
    b.send(&frame(A, B, REQUEST, 0)).unwrap();
    drain(&mut a);
    let mut got = Vec::new();
    let mut t = Instant::ZERO;
    for seq in 0..n {
        switch.advance(t);
        a.send(&frame(B, A, REQUEST, seq)).unwrap();
        got.extend(drain(&mut b).into_iter().map(|f| (t, f)));
        t += Duration::from_millis(1);
    }
    while let Some(next) = switch.next_delivery_time() {
        switch.advance(next);
        got.extend(drain(&mut b).into_iter().map(|f| (next, f)));
    }
    (got, switch)
}

fn assert_near(what: &str, count: u64, total: u64, p: f64) {
    let rate = count as f64 / total as f64;
    // 20 000 draws: one standard deviation is at most 0.0036; allow about five.
    assert!((rate - p).abs() < 0.018, "{what}: {count}/{total} = {rate:.4}, configured {p}");
}

const N: u32 = 20_000;

#[test]
fn loss_matches_its_probability() {
    let (got, switch) = stream(11, LinkFaults { loss: 0.1, ..LinkFaults::default() }, N);
    let s = switch.stats(1).unwrap();
    assert_near("loss", s.lost, u64::from(N), 0.1);
    assert_eq!(got.len() as u64, u64::from(N) - s.lost);
    assert_eq!(s.delivered, got.len() as u64);
    // Loss alone never reorders.
    let seqs: Vec<u32> = got.iter().map(|(_, f)| parse(f).unwrap().3).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn duplication_matches_its_probability() {
    let (got, switch) = stream(12, LinkFaults { duplicate: 0.05, ..LinkFaults::default() }, N);
    let s = switch.stats(1).unwrap();
    assert_near("duplicate", s.duplicated, u64::from(N), 0.05);
    let seqs: Vec<u32> = got.iter().map(|(_, f)| parse(f).unwrap().3).collect();
    let repeats = seqs.windows(2).filter(|w| w[0] == w[1]).count() as u64;
    assert_eq!(repeats, s.duplicated, "each duplicate follows its original");
    assert_eq!(s.offered, u64::from(N) + s.duplicated);
}

#[test]
fn corruption_flips_exactly_one_bit_at_its_probability() {
    let (got, switch) = stream(13, LinkFaults { corrupt: 0.02, ..LinkFaults::default() }, N);
    let s = switch.stats(1).unwrap();
    assert_near("corrupt", s.corrupted, u64::from(N), 0.02);
    let mut flipped = 0;
    for (i, (_, f)) in got.iter().enumerate() {
        let bits: u32 =
            f.iter().zip(frame(B, A, REQUEST, i as u32)).map(|(x, y)| (x ^ y).count_ones()).sum();
        assert!(bits <= 1, "frame {i} has {bits} bits flipped");
        flipped += u64::from(bits);
    }
    assert_eq!(flipped, s.corrupted);
}

#[test]
fn reordering_matches_its_probability() {
    let faults = LinkFaults { reorder: 0.1, ..LinkFaults::default() };
    let (got, switch) = stream(14, faults, N);
    let s = switch.stats(1).unwrap();
    // A held frame is overtaken by the next one, which cannot itself be held: a fraction
    // p / (1 + p) of a steady stream is reordered.
    assert_near("reorder", s.reordered, u64::from(N), 0.1 / 1.1);
    let seqs: Vec<u32> = got.iter().map(|(_, f)| parse(f).unwrap().3).collect();
    let inversions = seqs.windows(2).filter(|w| w[0] > w[1]).count() as u64;
    assert_eq!(inversions, s.reordered);
    assert_eq!(seqs.len() as u32, N, "reordering loses nothing");
}

#[test]
fn rate_limit_spaces_frames_by_their_serialisation_time() {
    // 60-byte frames at 30 000 bytes/s take 2 ms each; sent every 1 ms, they queue.
    let faults = LinkFaults { rate: 30_000, ..LinkFaults::default() };
    let (got, switch) = stream(15, faults, 100);
    let times: Vec<Instant> = got.iter().map(|(t, _)| *t).collect();
    assert_eq!(times.len(), 100);
    assert_eq!(times[0], Instant::from_millis(2));
    assert!(times.windows(2).all(|w| w[1] - w[0] == Duration::from_millis(2)));
    assert_eq!(switch.stats(1).unwrap().rate_limited, 99);
}

#[test]
fn all_faults_account_for_every_frame() {
    let faults = LinkFaults {
        loss: 0.05,
        duplicate: 0.05,
        reorder: 0.05,
        corrupt: 0.05,
        delay: Duration::from_millis(3),
        rate: 100_000,
        queue_limit: 1024,
        reorder_hold: Duration::from_millis(10),
    };
    let (got, switch) = stream(16, faults, N);
    let s = switch.stats(1).unwrap();
    assert_eq!(s.offered, u64::from(N) + s.duplicated);
    assert_eq!(s.delivered, s.offered - s.lost - s.queue_full);
    assert_eq!(got.len() as u64, s.delivered);
    assert_near("loss", s.lost, u64::from(N), 0.05);
    assert_near("duplicate", s.duplicated, u64::from(N), 0.05 * 0.95);
    assert_near("corrupt", s.corrupted, u64::from(N), 0.05 * 0.95);
    assert!(got.iter().all(|(t, _)| *t >= Instant::from_millis(3)));
}

#[test]
fn same_seed_same_frames_at_same_times() {
    let faults = LinkFaults {
        loss: 0.1,
        duplicate: 0.1,
        reorder: 0.1,
        corrupt: 0.1,
        delay: Duration::from_millis(2),
        rate: 50_000,
        ..LinkFaults::default()
    };
    let (first, _) = stream(99, faults, 2000);
    let (second, _) = stream(99, faults, 2000);
    let (other, _) = stream(100, faults, 2000);
    assert_eq!(first, second);
    assert_ne!(first, other);
}

#[test]
fn one_links_faults_do_not_change_anothers_draws() {
    let run = |faulty_c: bool| {
        let switch = Switch::new(5);
        let (mut a, mut b, mut c) = (switch.add_port(A), switch.add_port(B), switch.add_port(C));
        switch.set_faults(1, LinkFaults { loss: 0.3, ..LinkFaults::default() });
        if faulty_c {
            switch.set_faults(2, LinkFaults { loss: 0.9, corrupt: 0.5, ..LinkFaults::default() });
        }
        for seq in 0..500 {
            a.send(&frame(BROADCAST, A, REQUEST, seq)).unwrap();
        }
        drain(&mut c);
        drain(&mut b)
    };
    assert_eq!(run(false), run(true));
}
