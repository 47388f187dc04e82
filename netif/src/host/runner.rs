//! The host event loop.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use unet_core::{FrameMachine, Instant};

use super::{sys, Clock};
use crate::{max_frame_len, NetIf, NetIfError, Pollable};

/// Default for [`Runner::answer_every`]: 8, the smallest output queue among unet's machines
/// (the ARP cache's reply queue). Answering per frame instead costs about a third of the
/// UDP echo rate under a pipelined load (measured with benches/scripts/ipv4_host.sh).
pub const DEFAULT_ANSWER_EVERY: usize = 8;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Turns of the loop (each after a wake-up).
    pub wakeups: u64,
    /// Frames received and fed to the machine.
    pub frames_received: u64,
    /// Frames the machine produced and the driver took.
    pub frames_sent: u64,
    /// Transient receive failures (counted, the loop goes on).
    pub recv_errors: u64,
    /// Transient send failures: the frame was lost, the loop goes on.
    pub send_errors: u64,
    /// Calls to `handle_timeout` because a deadline had passed.
    pub timeouts: u64,
    /// Most frames received in one wake-up.
    pub max_batch: usize,
}

/// Drives a machine on a driver; see [`Runner::run`].
#[derive(Debug, Clone)]
pub struct Runner {
    clock: Clock,
    stop: Option<Arc<AtomicBool>>,
    batch: usize,
    answer_every: usize,
    max_sleep: StdDuration,
}

impl Default for Runner {
    fn default() -> Self {
        Runner::new()
    }
}

impl Runner {
    /// A runner with a clock starting now, batches of 64 frames and sleeps of at most
    /// 100 ms.
    pub fn new() -> Runner {
        Runner {
            clock: Clock::new(),
            stop: None,
            batch: 64,
            answer_every: DEFAULT_ANSWER_EVERY,
            max_sleep: StdDuration::from_millis(100),
        }
    }

    /// Uses `clock` (share it with the application so both agree on `now`).
    pub fn clock(mut self, clock: Clock) -> Runner {
        self.clock = clock;
        self
    }

    /// Stops the run when `flag` becomes true (a SIGINT/SIGTERM handler sets it). It is
    /// checked at every wake-up, so within [`Runner::max_sleep`] at worst.
    pub fn stop_flag(mut self, flag: Arc<AtomicBool>) -> Runner {
        self.stop = Some(flag);
        self
    }

    /// Frames read per wake-up before the machine's transmits are drained (at least 1;
    /// default 64). Bounds the latency one burst imposes on the replies.
    pub fn batch(mut self, frames: usize) -> Runner {
        self.batch = frames.max(1);
        self
    }

    /// Within a batch, the app runs and transmits are drained after every `frames` frames
    /// (at least 1; default [`DEFAULT_ANSWER_EVERY`]). Keep it no larger than the smallest
    /// output queue of the machine, or replies to a burst are dropped.
    pub fn answer_every(mut self, frames: usize) -> Runner {
        self.answer_every = frames.max(1);
        self
    }

    /// Longest sleep, even with no deadline: how often the stop flag and the application
    /// callback are looked at when nothing happens (default 100 ms).
    pub fn max_sleep(mut self, d: StdDuration) -> Runner {
        self.max_sleep = d;
        self
    }

    /// The runner's clock.
    pub fn clock_ref(&self) -> &Clock {
        &self.clock
    }

    /// Runs `machine` on `netif` until `app` returns `Break`, the stop flag is set, or the
    /// driver fails for good (the error is returned; transient errors are counted).
    ///
    /// Each turn: fire the machine's timers if due; read up to `batch` frames, and after
    /// every `answer_every` of them call `app(machine, now)` (sockets, application logic)
    /// and send everything `poll_transmit` yields; call the app and drain once more; then,
    /// unless the batch was full, sleep in poll(2) on the
    /// driver's descriptor until it is readable or the machine's `poll_timeout` (a driver
    /// without descriptor just sleeps until then). After `Break`, pending transmits are
    /// still sent.
    pub fn run<M, N, F>(
        &self,
        netif: &mut N,
        machine: &mut M,
        mut app: F,
    ) -> Result<RunStats, NetIfError>
    where
        M: FrameMachine + ?Sized,
        N: NetIf + Pollable + ?Sized,
        F: FnMut(&mut M, Instant) -> ControlFlow<()>,
    {
        let mut stats = RunStats::default();
        let mut rx = vec![0u8; max_frame_len(netif.mtu())];
        let mut tx = vec![0u8; max_frame_len(netif.mtu())];
        loop {
            if self.stop.as_ref().is_some_and(|f| f.load(Ordering::Acquire)) {
                return Ok(stats);
            }
            stats.wakeups = stats.wakeups.saturating_add(1);
            let now = self.clock.now();
            if machine.poll_timeout().is_some_and(|t| t <= now) {
                machine.handle_timeout(now);
                stats.timeouts = stats.timeouts.saturating_add(1);
            }
            let mut got = 0;
            while got < self.batch {
                match netif.recv(&mut rx) {
                    Ok(Some(n)) => {
                        if let Some(frame) = rx.get(..n) {
                            machine.handle_frame(now, frame);
                        }
                        stats.frames_received = stats.frames_received.saturating_add(1);
                        // Answer every `answer_every` frames before reading more: the
                        // machine's output queues then hold at most that many frames'
                        // replies, and the app empties socket queues as they fill, so a
                        // burst as large as the batch is answered whole (as the kernel
                        // answers it); answering in groups rather than per frame keeps most
                        // of the batching's gain under load.
                        if (got + 1) % self.answer_every == 0 {
                            let flow = app(machine, now);
                            self.drain(netif, machine, &mut tx, &mut stats)?;
                            if flow.is_break() {
                                return Ok(stats);
                            }
                        }
                    }
                    Ok(None) => break,
                    Err(e) if e.is_transient() => {
                        stats.recv_errors = stats.recv_errors.saturating_add(1);
                    }
                    Err(e) => return Err(e),
                }
                got += 1;
            }
            stats.max_batch = stats.max_batch.max(got);
            // Once more for timers and for what the app starts on its own.
            let flow = app(machine, now);
            let drained = self.drain(netif, machine, &mut tx, &mut stats)?;
            if flow.is_break() {
                return Ok(stats);
            }
            if got == self.batch || !drained {
                continue; // more frames may be waiting, in or out: no sleep
            }
            let now = self.clock.now();
            let mut sleep = self.max_sleep;
            if let Some(deadline) = machine.poll_timeout() {
                sleep = sleep.min(deadline.saturating_duration_since(now).into());
            }
            if sleep.is_zero() {
                continue;
            }
            match netif.raw_fd() {
                Some(fd) => {
                    sys::wait_readable(fd, sleep)?;
                }
                None => std::thread::sleep(sleep),
            }
        }
    }

    /// Sends what the machine has to send: bounded, so a machine that never stops
    /// producing cannot starve reception (the rest goes next turn). True when the machine
    /// had nothing more to send.
    fn drain<M, N>(
        &self,
        netif: &mut N,
        machine: &mut M,
        tx: &mut [u8],
        stats: &mut RunStats,
    ) -> Result<bool, NetIfError>
    where
        M: FrameMachine + ?Sized,
        N: NetIf + ?Sized,
    {
        let now = self.clock.now();
        for _ in 0..self.batch.saturating_mul(16) {
            let Some(n) = machine.poll_transmit(now, tx) else { return Ok(true) };
            let Some(frame) = tx.get(..n) else { continue };
            match netif.send(frame) {
                Ok(()) => stats.frames_sent = stats.frames_sent.saturating_add(1),
                Err(e) if e.is_transient() => {
                    stats.send_errors = stats.send_errors.saturating_add(1);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }
}

/// Runs `machine` on `netif` with a default [`Runner`] (clock starting now) until `app`
/// returns `Break` or the driver fails for good.
pub fn run<M, N, F>(netif: &mut N, machine: &mut M, app: F) -> Result<RunStats, NetIfError>
where
    M: FrameMachine + ?Sized,
    N: NetIf + Pollable + ?Sized,
    F: FnMut(&mut M, Instant) -> ControlFlow<()>,
{
    Runner::new().run(netif, machine, app)
}
