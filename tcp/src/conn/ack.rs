//! The acknowledgment field of an incoming segment (RFC 9293 §3.10.7.4 "fifth, check the
//! ACK field"): SND.UNA, the send window, RTT samples, duplicate ACKs, and RFC 5961 §5.

use super::marks::Mark;
use unet_core::{Duration, Instant, IpAddress};

use super::error::Error;
use super::event::Pending;
use super::Connection;
use crate::flags::TcpFlags;
use crate::options::OptionSet;
use crate::repr::Repr;

impl<A: IpAddress> Connection<'_, A> {
    /// Processes SEG.ACK in a synchronized state. `Err` drops the rest of the segment.
    pub(super) fn process_ack(
        &mut self,
        now: Instant,
        repr: &Repr<'_>,
        opts: &OptionSet,
        payload_len: usize,
    ) -> Result<(), Error> {
        let ack = repr.ack_number;
        // RFC 9293: an ACK for something not yet sent: send an ACK, drop the segment.
        if ack.diff(self.snd_max) > 0 {
            self.counters.ack_unsent = self.counters.ack_unsent.wrapping_add(1);
            self.challenge_ack(now);
            return Err(Error::AckUnacceptable);
        }
        // RFC 5961 §5.2: an ACK older than SND.UNA − MAX.SND.WND is a blind attack.
        if ack.diff(self.snd_una - self.max_snd_wnd) < 0 {
            self.counters.ack_too_old = self.counters.ack_too_old.wrapping_add(1);
            self.challenge_ack(now);
            return Err(Error::AckUnacceptable);
        }
        let acked = ack.diff(self.snd_una);
        let window = u32::from(repr.window_len) << self.snd_wscale;
        let newly_sacked = if acked >= 0 { self.on_sack_blocks(ack, &opts.sack_blocks) } else { 0 };
        if acked > 0 {
            self.sample_rtt(now, repr, true);
            self.take_ack(now, ack, acked as u32);
        } else {
            if self.ts.on {
                // Still keeps TS.Recent fresh, but no RTT sample (RFC 7323 §4.1).
                self.sample_rtt(now, repr, false);
            }
            // RFC 5681 §2's duplicate ACK: nothing new acknowledged, no data, no SYN or
            // FIN, the same window, and data outstanding.
            // With SACK, RFC 6675 §2: an ACK that SACKs new data is a duplicate whatever
            // else it carries.
            let duplicate = acked == 0
                && self.snd_max != self.snd_una
                && if self.sack_ok {
                    newly_sacked > 0
                } else {
                    payload_len == 0
                        && !repr.flags.intersects(TcpFlags::SYN | TcpFlags::FIN)
                        && window == self.snd_wnd
                        // Answers to zero-window probes repeat themselves too; they are
                        // no sign of loss.
                        && window != 0
                };
            if duplicate {
                self.counters.dup_acks = self.counters.dup_acks.wrapping_add(1);
                self.on_duplicate_ack(now);
            }
        }
        self.check_sack_loss(now);
        // RFC 9293 §3.10.7.4: update the window if the segment is newer than the one that
        // last set it.
        if acked >= 0 {
            let newer = self.snd_wl1.diff(repr.seq_number) < 0
                || (self.snd_wl1 == repr.seq_number && self.snd_wl2.diff(ack) <= 0);
            if newer {
                self.snd_wnd = window;
                self.snd_wl1 = repr.seq_number;
                self.snd_wl2 = ack;
                self.max_snd_wnd = self.max_snd_wnd.max(window);
                if window > 0 {
                    self.timers.stop_persist();
                }
            }
        }
        if self.snd_wnd == 0 {
            // The peer answers while its window is shut: it is alive, so a zero window
            // never times the connection out (RFC 9293 §3.8.6.1).
            self.timers.start_progress(now);
        }
        Ok(())
    }

    /// SND.UNA advances by `acked` to `ack`.
    fn take_ack(&mut self, now: Instant, ack: crate::seq::SeqNumber, acked: u32) {
        // The SYN's sequence number (SYN-RECEIVED → ESTABLISHED) holds no data, and does
        // not open the congestion window.
        let syn = u32::from(self.snd_una == self.iss);
        let acked_data = acked.saturating_sub(syn);
        let left = acked_data as usize;
        let data = self.tx.dequeue_allocated(left);
        if left > data {
            // Beyond the data: our FIN is acknowledged.
            self.fin_acked = true;
        }
        self.snd_una = ack;
        if self.snd_nxt.diff(ack) < 0 {
            self.snd_nxt = ack;
        }
        if let Some(up) = self.marks.get(Mark::SndUp) {
            if up.diff(ack) <= 0 {
                self.marks.set(Mark::SndUp, None);
            }
        }
        self.counters.bytes_acked = self.counters.bytes_acked.wrapping_add(data as u32);
        if data > 0 {
            self.events |= Pending::WRITABLE;
        }
        if acked_data > 0 {
            self.on_new_ack(now, ack, acked_data);
        }
        // RFC 6298 §5.2/§5.3: stop the timer when everything is acknowledged, restart it
        // otherwise.
        if self.snd_una == self.snd_max {
            self.timers.rtx.set(None);
        } else {
            self.timers.rtx.set(Some(now + self.rtt.rto()));
        }
        self.timers.start_progress(now);
        self.probe_due = false;
    }

    /// An RTT sample from this ACK: RTTM with timestamps (RFC 7323 §4), else the timed
    /// segment (RFC 6298 §3, Karn's rule in the estimator).
    pub(super) fn sample_rtt(&mut self, now: Instant, repr: &Repr<'_>, advances: bool) {
        if !repr.flags.contains(TcpFlags::ACK) {
            return;
        }
        match (self.ts.on, repr.options.timestamps()) {
            (true, Some(ts)) => {
                let flight = self.snd_max.diff(self.snd_una).max(0) as u32;
                self.rtt.on_ack_timestamp(
                    self.ts_val(now),
                    ts.tsecr,
                    Duration::from_millis(1),
                    advances,
                    flight,
                    u32::from(self.snd_mss),
                );
            }
            _ if advances => {
                self.rtt.on_ack(now, repr.ack_number);
            }
            _ => {}
        }
    }

    /// Our TSval at `now`: the millisecond clock plus the connection's offset.
    pub(super) fn ts_val(&self, now: Instant) -> u32 {
        (now.as_millis() as u32).wrapping_add(self.ts_offset)
    }

    /// Queues a challenge ACK (RFC 5961 §3–§5) if the rate limit allows (§7).
    pub(super) fn challenge_ack(&mut self, now: Instant) {
        if self.challenge_acks.try_take(now) {
            self.counters.challenge_acks = self.counters.challenge_acks.wrapping_add(1);
            self.ack.now = true;
        } else {
            self.counters.challenge_acks_suppressed =
                self.counters.challenge_acks_suppressed.wrapping_add(1);
        }
    }
}
