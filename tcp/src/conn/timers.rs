//! The connection's timers (RFC 9293 §3.8): retransmission (RFC 6298), persist
//! (§3.8.6.1), delayed ACK (§3.8.6.3), keep-alive (RFC 1122 §4.2.3.6), TIME-WAIT, and the
//! user timeout (§3.8.3).

use unet_core::{Duration, Instant, IpAddress};

use super::event::Pending;
use super::settings::Settings;
use super::state::State;
use super::Connection;
use crate::seq::SeqNumber;

/// The longest a persist interval grows to (RFC 9293 §3.8.6.1 asks for exponential
/// backoff; RFC 6298 §2.5's 60 s bound is used as the cap).
const MAX_PERSIST: Duration = Duration::from_secs(60);

/// Bounds of the sender SWS avoidance override timeout (RFC 9293 §3.8.6.2.1).
const MIN_OVERRIDE: Duration = Duration::from_millis(100);
/// Upper bound of the override timeout.
const MAX_OVERRIDE: Duration = Duration::from_secs(1);

/// Deadlines; `None` when the timer is not running.
/// An optional deadline in 8 bytes instead of 16: [`Instant::MAX`] stands for none (a
/// deadline saturated there would never come anyway).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Deadline(Instant);

impl Default for Deadline {
    fn default() -> Deadline {
        Deadline::NONE
    }
}

impl Deadline {
    pub(super) const NONE: Deadline = Deadline(Instant::MAX);

    pub(super) fn get(self) -> Option<Instant> {
        (self.0 != Instant::MAX).then_some(self.0)
    }

    pub(super) fn set(&mut self, at: Option<Instant>) {
        self.0 = at.unwrap_or(Instant::MAX);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Timers {
    /// Retransmission timer (RFC 6298 §5), also for SYN and FIN.
    pub rtx: Deadline,
    /// Persist timer: a zero-window probe is due (RFC 9293 §3.8.6.1).
    pub persist: Deadline,
    /// Probes sent since the window closed: the persist interval doubles with each.
    pub persist_backoff: u32,
    /// Keep-alive: the next probe (RFC 1122 §4.2.3.6).
    pub keepalive: Deadline,
    /// Keep-alive probes sent without an answer.
    pub keepalive_probes: u8,
    /// TIME-WAIT ends.
    pub time_wait: Deadline,
    /// Since when the connection has waited for forward progress (the user timeout runs
    /// from here while something is unacknowledged).
    pub progress: Instant,
    /// SYN (or SYN-ACK) retransmissions so far.
    pub syn_retries: u8,
}

impl Timers {
    pub(super) fn new(now: Instant) -> Timers {
        Timers {
            rtx: Deadline::NONE,
            persist: Deadline::NONE,
            persist_backoff: 0,
            keepalive: Deadline::NONE,
            keepalive_probes: 0,
            time_wait: Deadline::NONE,
            progress: now,
            syn_retries: 0,
        }
    }

    /// Forward progress now: the user timeout starts over.
    pub(super) fn start_progress(&mut self, now: Instant) {
        self.progress = now;
    }

    /// Something arrived from the peer: keep-alive starts over.
    pub(super) fn touch_receive(&mut self, now: Instant, config: &Settings) {
        self.keepalive_probes = 0;
        self.keepalive.set(config.keep_alive().map(|k| now + k.idle));
    }

    /// Arms the persist timer if it is not running: RTO, doubled per probe already sent.
    pub(super) fn arm_persist(&mut self, now: Instant, rto: Duration) {
        if self.persist.get().is_none() {
            let factor = 1u64.checked_shl(self.persist_backoff).unwrap_or(u64::MAX);
            let interval = rto.saturating_mul(factor);
            let interval = if interval > MAX_PERSIST { MAX_PERSIST } else { interval };
            self.persist.set(Some(now + interval));
        }
    }

    /// Arms the persist timer, if it is not running, as the sender SWS avoidance override
    /// timeout (RFC 9293 §3.8.6.2.1: "in the range 0.1 - 1.0 seconds", and "convenient
    /// to combine this timer with a timer used to probe zero windows"): RTO within those
    /// bounds, without backoff (each expiry sends data the peer accepts).
    pub(super) fn arm_override(&mut self, now: Instant, rto: Duration) {
        if self.persist.get().is_none() {
            let interval = rto.clamp(MIN_OVERRIDE, MAX_OVERRIDE);
            self.persist.set(Some(now + interval));
        }
    }

    /// The window opened: probing stops and its backoff is forgotten.
    pub(super) fn stop_persist(&mut self) {
        self.persist.set(None);
        self.persist_backoff = 0;
    }

    /// Stops every timer (TIME-WAIT and CLOSED).
    pub(super) fn stop_all(&mut self) {
        self.rtx.set(None);
        self.persist.set(None);
        self.keepalive.set(None);
        self.time_wait.set(None);
    }
}

impl<A: IpAddress> Connection<'_, A> {
    /// When [`handle_timeout`](Connection::handle_timeout) must run next, if ever.
    ///
    /// `None` once CLOSED: a closed connection has no timer at all, whatever was
    /// outstanding when it closed. In TIME-WAIT only the 2*MSL timer runs (RFC 9293
    /// §3.3.2: every other timer was cancelled on entering it).
    pub fn poll_timeout(&self) -> Option<Instant> {
        let t = &self.timers;
        match self.state {
            State::Closed => return None,
            State::TimeWait => return t.time_wait.get(),
            _ => {}
        }
        let user = self.awaiting_ack().then(|| t.progress + self.config.user_timeout);
        let ack = if self.ack.now { None } else { self.ack.deadline.get() };
        [t.rtx.get(), t.persist.get(), t.keepalive.get(), t.time_wait.get(), user, ack]
            .into_iter()
            .flatten()
            .min()
    }

    /// Fires the timers that expired by `now`. What they call for (retransmissions,
    /// probes, a RST, events) comes out of `poll_transmit` and `poll_event`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.timers.time_wait.get().is_some_and(|t| t <= now) {
            self.terminate(Pending::empty());
            return;
        }
        if matches!(self.state, State::Closed | State::TimeWait) {
            return;
        }
        if self.awaiting_ack() && self.timers.progress + self.config.user_timeout <= now {
            // RFC 9293 §3.8.3: the user timeout gives up on the connection.
            self.counters.user_timeouts = self.counters.user_timeouts.wrapping_add(1);
            self.abort_with(now, Pending::TIMED_OUT);
            return;
        }
        if self.timers.rtx.get().is_some_and(|t| t <= now) {
            self.retransmission_timeout(now);
            if self.state == State::Closed {
                return;
            }
        }
        if self.timers.persist.get().is_some_and(|t| t <= now) {
            self.timers.persist.set(None);
            self.timers.persist_backoff = self.timers.persist_backoff.saturating_add(1);
            self.probe_due = true;
        }
        if self.ack.deadline.get().is_some_and(|t| t <= now) {
            self.ack.now = true;
        }
        if let (Some(t), Some(k)) = (self.timers.keepalive.get(), self.config.keep_alive()) {
            if t <= now && self.state.is_synchronized() {
                if self.timers.keepalive_probes >= k.count {
                    self.counters.keepalive_timeouts =
                        self.counters.keepalive_timeouts.wrapping_add(1);
                    self.abort_with(now, Pending::TIMED_OUT);
                    return;
                }
                self.timers.keepalive_probes += 1;
                self.timers.keepalive.set(Some(now + k.interval));
                self.keepalive_due = true;
            }
        }
    }

    /// True while something we sent (SYN, data, FIN) waits for its acknowledgment.
    fn awaiting_ack(&self) -> bool {
        matches!(self.state, State::SynSent | State::SynReceived) || self.snd_max != self.snd_una
    }

    /// RFC 6298 §5.4–§5.6: retransmit the earliest unacknowledged segment, back off,
    /// restart the timer.
    fn retransmission_timeout(&mut self, now: Instant) {
        if matches!(self.state, State::SynSent | State::SynReceived) {
            if self.timers.syn_retries >= self.config.syn_retries {
                self.counters.syn_timeouts = self.counters.syn_timeouts.wrapping_add(1);
                self.abort_with(now, Pending::TIMED_OUT);
                return;
            }
            self.timers.syn_retries += 1;
            self.rtt.on_syn_timeout();
            self.snd_nxt = self.iss;
            self.timers.rtx.set(None);
            self.counters.timeouts = self.counters.timeouts.wrapping_add(1);
            return;
        }
        self.counters.timeouts = self.counters.timeouts.wrapping_add(1);
        self.rtt.on_timeout();
        self.timers.rtx.set(None);
        if self.snd_wnd == 0 {
            // The peer shut its window while data was in flight: the retransmission is a
            // window probe, not a sign of congestion (RFC 9293 §3.8.6.1).
            self.snd_nxt = self.snd_una;
            self.probe_due = true;
            return;
        }
        self.on_retransmission_timeout(now);
        // Go back N: resend from SND.UNA.
        self.snd_nxt = self.snd_una;
    }

    /// Bookkeeping for a segment that ends at `end` just sent: RTT timing and the
    /// retransmission timer (RFC 6298 §5.1: start it if it is not running).
    pub(super) fn sent(&mut self, now: Instant, end: SeqNumber, retransmission: bool) {
        self.rtt.on_transmit(now, end, retransmission);
        self.last_send = now;
        if self.timers.rtx.get().is_none() {
            self.timers.rtx.set(Some(now + self.rtt.rto()));
        }
    }
}
