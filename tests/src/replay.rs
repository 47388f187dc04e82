//! Replay: a capture's inbound frames fed to a machine at their recorded times.
//!
//! The harness is generic over [`FrameMachine`], so it drives a whole `Stack` today and any
//! later machine with the same shape. Time is the capture's: the first frame is at the
//! replay's epoch plus `start`, every later frame at its recorded offset from the first,
//! and the machine's own timers fire in between exactly when it asked for them
//! (`poll_timeout`). What the machine sends is collected with the time it was sent, for the
//! test to compare with the recorded replies or check against the RFC's rules.

use unet_core::{Duration, FrameMachine, Instant};
use unet_netif::pcap::CapturedFrame;

/// A frame the machine sent during a replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// When it was sent, in replay time.
    pub at: Instant,
    /// Index (in the capture) of the last inbound frame fed before it was sent, if any.
    pub after_frame: Option<usize>,
    /// The frame's bytes.
    pub bytes: Vec<u8>,
}

/// What a replay did.
#[derive(Debug, Default)]
pub struct Replay {
    /// Indices of the capture's frames that were fed to the machine.
    pub fed: Vec<usize>,
    /// Everything the machine sent, in order.
    pub sent: Vec<Sent>,
}

/// The largest frame a machine may emit in a replay (jumbo frames included).
const MAX_FRAME: usize = 9216;

/// Feeds `frames[i]` for every `i` where `inbound(i, frame)` is true, at its recorded time
/// relative to the first frame plus `start`, running the machine's timers in between and
/// for `linger` after the last frame; collects everything the machine sends.
pub fn replay<M: FrameMachine>(
    machine: &mut M,
    frames: &[CapturedFrame],
    start: Instant,
    linger: Duration,
    mut inbound: impl FnMut(usize, &CapturedFrame) -> bool,
) -> Replay {
    let mut out = Replay::default();
    let Some(first) = frames.first() else { return out };
    let epoch = first.timestamp;
    let mut last_fed = None;
    let mut now = start;
    for (i, frame) in frames.iter().enumerate() {
        let offset = frame.timestamp.saturating_sub(epoch);
        let at = start + Duration::from(offset);
        run_timers_until(machine, &mut now, at, last_fed, &mut out.sent);
        now = now.max(at);
        if inbound(i, frame) {
            machine.handle_frame(now, &frame.data);
            out.fed.push(i);
            last_fed = Some(i);
            drain(machine, now, last_fed, &mut out.sent);
        }
    }
    let end = now + linger;
    run_timers_until(machine, &mut now, end, last_fed, &mut out.sent);
    out
}

/// Fires every timer due up to `until`, in order, draining what each sends.
fn run_timers_until<M: FrameMachine>(
    machine: &mut M,
    now: &mut Instant,
    until: Instant,
    after: Option<usize>,
    sent: &mut Vec<Sent>,
) {
    // Bounded so a machine that keeps asking for "now" cannot hang a test.
    for _ in 0..100_000 {
        match machine.poll_timeout() {
            Some(t) if t <= until => {
                *now = (*now).max(t);
                machine.handle_timeout(*now);
                drain(machine, *now, after, sent);
            }
            _ => return,
        }
    }
    panic!("machine kept asking for timeouts at or before {until}: a timer loop");
}

fn drain<M: FrameMachine>(
    machine: &mut M,
    now: Instant,
    after: Option<usize>,
    sent: &mut Vec<Sent>,
) {
    let mut buf = vec![0u8; MAX_FRAME];
    while let Some(len) = machine.poll_transmit(now, &mut buf) {
        let bytes = buf.get(..len).unwrap_or(&buf).to_vec();
        sent.push(Sent { at: now, after_frame: after, bytes });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Echoes every frame back 10 ms later, via its timer, to exercise the harness.
    #[derive(Default)]
    struct DelayedEcho {
        queue: Vec<(Instant, Vec<u8>)>,
        ready: Vec<Vec<u8>>,
    }

    impl FrameMachine for DelayedEcho {
        fn handle_frame(&mut self, now: Instant, frame: &[u8]) {
            self.queue.push((now + Duration::from_millis(10), frame.to_vec()));
        }
        fn poll_transmit(&mut self, _now: Instant, buf: &mut [u8]) -> Option<usize> {
            let f = self.ready.pop()?;
            buf[..f.len()].copy_from_slice(&f);
            Some(f.len())
        }
        fn poll_timeout(&self) -> Option<Instant> {
            self.queue.iter().map(|(t, _)| *t).min()
        }
        fn handle_timeout(&mut self, now: Instant) {
            let (due, rest): (Vec<_>, Vec<_>) = self.queue.drain(..).partition(|(t, _)| *t <= now);
            self.queue = rest;
            self.ready.extend(due.into_iter().map(|(_, f)| f));
        }
    }

    #[test]
    fn frames_are_fed_at_recorded_times_and_timers_fire_between() {
        let path = crate::corpus_dir().join("tcpdump-dns_udp.pcap");
        let frames = crate::read_frames(&path).unwrap();
        let mut m = DelayedEcho::default();
        let start = Instant::from_secs(100);
        let r = replay(&mut m, &frames, start, Duration::from_secs(1), |i, _| i == 0);
        assert_eq!(r.fed, vec![0]);
        assert_eq!(r.sent.len(), 1);
        assert_eq!(r.sent[0].at, start + Duration::from_millis(10));
        assert_eq!(r.sent[0].bytes, frames[0].data);
    }
}
