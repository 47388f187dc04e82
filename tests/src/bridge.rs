//! A user-space bridge between two TAP devices that delays, reorders, duplicates and drops
//! frames on a seeded schedule: the faulty "real link" of the interop tests (the kernel
//! here has no netem).
//!
//! Each side runs on its own thread under unet's host runner ([`Runner`]), as a
//! [`FrameMachine`]: a frame read from one device is given a release time (the base delay,
//! plus an extra hold for the frames chosen to be reordered, so later frames overtake
//! them), maybe a twin, maybe dropped, and queued; the other side's machine writes it to
//! its device once the release time has come. Faults other than the delay apply to IPv4
//! TCP frames only (as the nftables rules `meta l4proto tcp …` do), so that ARP and ping
//! are not slowed down by them.
//!
//! Topology the interop tests use, all in one namespace: the kernel's address on TAP `A`
//! (held by the bridge), the bridge's other TAP `C` and unet's TAP `B` in a Linux bridge
//! `br0`: kernel ⇄ A ⇄ [this bridge] ⇄ C ⇄ br0 ⇄ B ⇄ unet.
//!
//! [`tap_in_namespace`] creates the bridge's devices: a TAP is attached here, in the test
//! process's namespace, then moved into the test's namespace (its descriptor stays
//! attached), so that no code has to enter the namespace.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io;
use std::ops::ControlFlow;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use unet_core::rng::{RngCore, SplitMix64};
use unet_core::{Duration, FrameMachine, Instant};
use unet_netif::{Clock, NetIf, NetIfError, Pollable, RunStats, Runner, Tap};

use crate::netns::Netns;

static TAP_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Creates TAP device `name` in `ns`, attached to the returned [`Tap`] of this process: it
/// is created under a unique temporary name here, moved into the namespace and renamed
/// there. The device goes away when the `Tap` is dropped (or with the namespace).
pub fn tap_in_namespace(ns: &Netns, name: &str, mac: [u8; 6]) -> io::Result<Tap> {
    let n = TAP_COUNTER.fetch_add(1, Ordering::Relaxed);
    // IFNAMSIZ is 16: "ut" + pid (at most 7 digits) + counter stays below it.
    let temp = format!("ut{}x{}", std::process::id() % 10_000_000, n % 1000);
    let tap = Tap::create(&temp, mac).map_err(|e| io::Error::other(format!("TAP {temp}: {e}")))?;
    let out = Command::new("ip").args(["link", "set", &temp, "netns", ns.name()]).output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "ip link set {temp} netns {}: {}",
            ns.name(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    ns.run(&["ip", "link", "set", &temp, "name", name])?;
    ns.run(&["ip", "link", "set", name, "up"])?;
    Ok(tap)
}

/// The faults of one direction of the bridge. Probabilities are per mille, of IPv4 TCP
/// frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Faults {
    /// Every frame is held this long.
    pub delay: Duration,
    /// Frames dropped, ‰.
    pub drop_per_mille: u32,
    /// Frames sent twice (the twin right after the frame), ‰.
    pub duplicate_per_mille: u32,
    /// Frames held back `reorder_hold` longer than the others, ‰: the frames after them
    /// overtake them.
    pub reorder_per_mille: u32,
    /// The extra hold of a reordered frame.
    pub reorder_hold: Duration,
}

/// What the bridge did in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DirectionStats {
    /// Frames read from the device.
    pub frames_in: u64,
    /// Frames written to the other device (twins included).
    pub frames_out: u64,
    /// Frames dropped by the schedule.
    pub dropped: u64,
    /// Frames duplicated.
    pub duplicated: u64,
    /// Frames held back to be overtaken.
    pub reordered: u64,
    /// Frames dropped because [`MAX_HELD`] frames were already waiting.
    pub overflow: u64,
}

/// What the bridge did: `a_to_c` (from the kernel's TAP towards unet) and `c_to_a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BridgeStats {
    /// Kernel → unet.
    pub a_to_c: DirectionStats,
    /// unet → kernel.
    pub c_to_a: DirectionStats,
}

/// Frames held at once per direction; one more is dropped and counted in
/// [`DirectionStats::overflow`].
pub const MAX_HELD: usize = 8192;

/// One direction's queue: frames by release time (then arrival order).
#[derive(Debug, Default)]
struct Held {
    heap: BinaryHeap<Reverse<(Instant, u64, Vec<u8>)>>,
    order: u64,
    stats: DirectionStats,
}

impl Held {
    fn push(&mut self, at: Instant, frame: Vec<u8>) {
        if self.heap.len() >= MAX_HELD {
            self.stats.overflow += 1;
            return;
        }
        self.order += 1;
        self.heap.push(Reverse((at, self.order, frame)));
    }
}

/// Both directions: index 0 is A → C, 1 is C → A.
type Queues = Arc<Mutex<[Held; 2]>>;

fn is_ipv4_tcp(frame: &[u8]) -> bool {
    frame.get(12..14) == Some(&[0x08, 0x00]) && frame.get(23) == Some(&6)
}

/// One side of the bridge: frames read from its device go into queue `input`; frames of
/// the other queue are written to its device when due.
struct Side {
    queues: Queues,
    input: usize,
    faults: Faults,
    rng: SplitMix64,
}

impl FrameMachine for Side {
    fn handle_frame(&mut self, now: Instant, frame: &[u8]) {
        let f = self.faults;
        let roll = |rng: &mut SplitMix64, per_mille: u32| rng.next_u32() % 1000 < per_mille;
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        let held = &mut queues[self.input];
        held.stats.frames_in += 1;
        let mut at = now + f.delay;
        if is_ipv4_tcp(frame) {
            if roll(&mut self.rng, f.drop_per_mille) {
                held.stats.dropped += 1;
                return;
            }
            if roll(&mut self.rng, f.reorder_per_mille) {
                held.stats.reordered += 1;
                at += f.reorder_hold;
            }
            if roll(&mut self.rng, f.duplicate_per_mille) {
                held.stats.duplicated += 1;
                held.push(at, frame.to_vec());
            }
        }
        held.push(at, frame.to_vec());
    }

    fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<usize> {
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        let held = &mut queues[1 - self.input];
        match held.heap.peek() {
            Some(Reverse((at, _, _))) if *at <= now => {}
            _ => return None,
        }
        let Reverse((_, _, frame)) = held.heap.pop()?;
        let n = frame.len().min(buf.len());
        buf[..n].copy_from_slice(&frame[..n]);
        held.stats.frames_out += 1;
        Some(n)
    }

    fn poll_timeout(&self) -> Option<Instant> {
        let queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        queues[1 - self.input].heap.peek().map(|Reverse((at, _, _))| *at)
    }

    fn handle_timeout(&mut self, _now: Instant) {}
}

/// A running bridge; dropping it stops both threads.
#[derive(Debug)]
pub struct Bridge {
    stop: Arc<AtomicBool>,
    queues: Queues,
    threads: Vec<JoinHandle<Result<RunStats, NetIfError>>>,
}

impl Bridge {
    /// Starts moving frames between `a` and `c`: `a_to_c` faults on the frames read from
    /// `a`, `c_to_a` on those read from `c`, both schedules drawn from `seed`.
    pub fn start<N>(a: N, c: N, a_to_c: Faults, c_to_a: Faults, seed: u64) -> Bridge
    where
        N: NetIf + Pollable + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let queues: Queues = Arc::default();
        let clock = Clock::new();
        let mut threads = Vec::new();
        for (input, mut dev, faults) in [(0, a, a_to_c), (1, c, c_to_a)] {
            let mut side = Side {
                queues: Arc::clone(&queues),
                input,
                faults,
                rng: SplitMix64::new(seed ^ (input as u64 + 1).wrapping_mul(0x9e37_79b9)),
            };
            // Short sleeps: a frame queued by the other thread is due at its release
            // time, which this thread's poll(2) deadline did not know about.
            let runner = Runner::new()
                .clock(clock)
                .stop_flag(Arc::clone(&stop))
                .max_sleep(std::time::Duration::from_micros(200));
            threads.push(std::thread::spawn(move || {
                runner.run(&mut dev, &mut side, |_, _| ControlFlow::Continue(()))
            }));
        }
        Bridge { stop, queues, threads }
    }

    /// What the bridge did so far.
    pub fn stats(&self) -> BridgeStats {
        let q = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        BridgeStats { a_to_c: q[0].stats, c_to_a: q[1].stats }
    }

    /// Stops both threads and returns the totals; fails if a device failed.
    pub fn stop(mut self) -> Result<BridgeStats, NetIfError> {
        self.stop.store(true, Ordering::Release);
        for t in self.threads.drain(..) {
            t.join().map_err(|_| NetIfError::Disconnected)??;
        }
        Ok(self.stats())
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp_frame(tag: u8) -> Vec<u8> {
        let mut f = vec![0u8; 60];
        f[12] = 0x08;
        f[23] = 6;
        f[59] = tag;
        f
    }

    fn side(input: usize, queues: &Queues, faults: Faults) -> Side {
        Side { queues: Arc::clone(queues), input, faults, rng: SplitMix64::new(7) }
    }

    #[test]
    fn frames_are_held_for_the_delay_and_leave_in_order() {
        let queues: Queues = Arc::default();
        let faults = Faults { delay: Duration::from_millis(5), ..Faults::default() };
        let mut a = side(0, &queues, faults);
        let mut c = side(1, &queues, Faults::default());
        let t0 = Instant::from_secs(1);
        for tag in 0..3 {
            a.handle_frame(t0, &tcp_frame(tag));
        }
        let mut buf = [0u8; 1514];
        assert_eq!(c.poll_transmit(t0, &mut buf), None, "held for the delay");
        assert_eq!(c.poll_timeout(), Some(t0 + Duration::from_millis(5)));
        let t1 = t0 + Duration::from_millis(5);
        let tags: Vec<u8> =
            std::iter::from_fn(|| c.poll_transmit(t1, &mut buf).map(|n| buf[n - 1])).collect();
        assert_eq!(tags, [0, 1, 2]);
        assert_eq!(a.poll_transmit(t1, &mut buf), None, "nothing went the other way");
    }

    #[test]
    fn reordered_frames_are_overtaken_and_drops_and_twins_are_counted() {
        let queues: Queues = Arc::default();
        let faults = Faults {
            delay: Duration::from_millis(1),
            drop_per_mille: 100,
            duplicate_per_mille: 100,
            reorder_per_mille: 100,
            reorder_hold: Duration::from_millis(10),
        };
        let mut a = side(0, &queues, faults);
        let mut c = side(1, &queues, Faults::default());
        let t0 = Instant::from_secs(1);
        for tag in 0..200u8 {
            a.handle_frame(t0 + Duration::from_micros(u64::from(tag)), &tcp_frame(tag));
        }
        let mut buf = [0u8; 1514];
        let end = t0 + Duration::from_secs(1);
        let out: Vec<u8> =
            std::iter::from_fn(|| c.poll_transmit(end, &mut buf).map(|n| buf[n - 1])).collect();
        let s = queues.lock().unwrap()[0].stats;
        assert!(s.dropped > 5 && s.duplicated > 5 && s.reordered > 5, "{s:?}");
        assert_eq!(s.frames_in, 200);
        assert_eq!(out.len() as u64, 200 - s.dropped + s.duplicated);
        assert_eq!(s.frames_out, out.len() as u64);
        assert!(out.windows(2).any(|w| w[0] > w[1]), "some frames overtaken: {out:?}");
    }

    #[test]
    fn non_tcp_frames_are_only_delayed() {
        let queues: Queues = Arc::default();
        let faults = Faults { drop_per_mille: 1000, ..Faults::default() };
        let mut a = side(0, &queues, faults);
        let mut c = side(1, &queues, Faults::default());
        let arp = [0u8; 42];
        a.handle_frame(Instant::ZERO, &arp);
        a.handle_frame(Instant::ZERO, &tcp_frame(1));
        let mut buf = [0u8; 1514];
        assert_eq!(c.poll_transmit(Instant::ZERO, &mut buf), Some(42));
        assert_eq!(c.poll_transmit(Instant::ZERO, &mut buf), None, "the TCP frame dropped");
    }
}
