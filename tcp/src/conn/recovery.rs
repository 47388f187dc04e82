//! Congestion control and loss recovery, wired to [`crate::congestion`] and
//! [`crate::scoreboard`]: RFC 5681 (slow start, avoidance, fast retransmit/recovery,
//! restart after idle), RFC 6582 NewReno partial ACKs without SACK, RFC 6675 SACK-based
//! loss recovery with it, RFC 3042 limited transmit, RFC 6928 initial window.

use super::marks::Mark;
use unet_core::{Instant, IpAddress};

use super::Connection;
use crate::congestion::{
    limited_transmit_allowance, Ack, AckOutcome, CongestionControl, DupAckOutcome,
};
use crate::flags::TcpFlags;
use crate::option::SackBlocks;
use crate::scoreboard::{NextSeg, NextSegKind};
use crate::seq::SeqNumber;

impl<'a, A: IpAddress> Connection<'a, A> {
    /// Bytes outstanding: SND.NXT − SND.UNA (RFC 5681's FlightSize).
    pub(super) fn flight_size(&self) -> u32 {
        self.snd_max.diff(self.snd_una).max(0) as u32
    }

    /// The congestion window for the send decision, widened by RFC 3042's allowance:
    /// on the first two duplicate ACKs, that much new data may go beyond what is in
    /// flight (the allowance already keeps FlightSize within cwnd + 2*SMSS).
    pub(super) fn cwnd_limit(&self) -> u32 {
        let allowed = self.flight_size().saturating_add(self.limited_transmit);
        self.cc.cwnd().max(if self.limited_transmit > 0 { allowed } else { 0 })
    }

    /// An ACK advanced SND.UNA by `acked` to `ack`.
    pub(super) fn on_new_ack(&mut self, now: Instant, ack: SeqNumber, acked: u32) {
        self.limited_transmit = 0;
        let outcome = self.cc.on_ack(&Ack {
            now,
            ack,
            acked,
            flight_size: self.flight_size(),
            srtt: self.rtt.srtt(),
        });
        if let AckOutcome::PartialAck { first } = outcome {
            // RFC 6582 §3.2 step 3: retransmit the first unacknowledged segment (with
            // SACK the scoreboard chooses); the timer restarts only on the first partial
            // ACK ("Impatient" variant, §4.1).
            if !self.sack_ok {
                self.marks.set(Mark::Rexmit, Some(self.snd_una));
            }
            if first {
                self.timers.rtx.set(Some(now + self.rtt.rto()));
            }
        }
    }

    /// The SACK blocks of an acceptable ACK go to the scoreboard (RFC 6675 §5: "the
    /// scoreboard MUST be updated"); returns the bytes newly SACKed.
    pub(super) fn on_sack_blocks(&mut self, ack: SeqNumber, blocks: &SackBlocks) -> u32 {
        if !self.sack_ok {
            return 0;
        }
        let up = self.scoreboard.update(ack, self.snd_max, blocks.as_slice());
        self.counters.dsacks_received =
            self.counters.dsacks_received.wrapping_add(u32::from(up.dsack));
        up.newly_sacked
    }

    /// RFC 6675 §5 step 3 (b): loss recovery also starts when the scoreboard declares
    /// SND.UNA lost, before DupThresh duplicate ACKs.
    pub(super) fn check_sack_loss(&mut self, now: Instant) {
        let smss = self.effective_mss() as u32;
        let lost = self.sack_ok
            && !self.cc.in_recovery()
            && self.snd_max != self.snd_una
            && self.scoreboard.may_enter_recovery()
            && self.scoreboard.is_lost(self.snd_una, smss);
        if lost {
            self.cc.enter_recovery(now, self.flight_size(), self.snd_max);
            self.start_sack_recovery();
        }
    }

    /// RFC 6675 §5 step 4: RecoveryPoint = HighData; the first unacknowledged segment
    /// goes out first.
    fn start_sack_recovery(&mut self) {
        let smss = self.effective_mss() as u32;
        let first = self.scoreboard.enter_recovery(self.snd_max, smss);
        self.rexmit_seg = Some(first);
        self.counters.fast_retransmits = self.counters.fast_retransmits.wrapping_add(1);
    }

    /// A duplicate ACK (RFC 5681 §2, or RFC 6675 §2 with SACK).
    pub(super) fn on_duplicate_ack(&mut self, now: Instant) {
        let flight = self.flight_size();
        if self.sack_ok && !self.scoreboard.may_enter_recovery() && !self.cc.in_recovery() {
            // RFC 6675 §5.1: no new recovery before SND.UNA reaches the RTO's
            // RecoveryPoint.
            return;
        }
        match self.cc.on_dup_ack(now, self.snd_una, self.snd_max, flight) {
            DupAckOutcome::LimitedTransmit => {
                let w = self.cc.window();
                self.limited_transmit =
                    limited_transmit_allowance(w.dup_acks(), flight, w.cwnd(), w.smss());
            }
            DupAckOutcome::FastRetransmit if self.sack_ok => {
                self.limited_transmit = 0;
                self.start_sack_recovery();
            }
            DupAckOutcome::FastRetransmit => {
                self.limited_transmit = 0;
                self.counters.fast_retransmits = self.counters.fast_retransmits.wrapping_add(1);
                self.marks.set(Mark::Rexmit, Some(self.snd_una));
            }
            DupAckOutcome::InRecovery | DupAckOutcome::Ignored => {}
        }
    }

    /// The retransmission timer expired (RFC 5681 §3.1: loss window; RFC 6582 §3.2 step
    /// 4: recovery ends).
    pub(super) fn on_retransmission_timeout(&mut self, now: Instant) {
        let flight = self.flight_size();
        self.cc.on_rto(now, flight, self.snd_max);
        if self.sack_ok {
            self.scoreboard.on_rto(self.snd_max);
        }
        self.marks.set(Mark::Rexmit, None);
        self.rexmit_seg = None;
        self.limited_transmit = 0;
    }

    /// RFC 5681 §4.1: before new data after an idle period longer than RTO, cwnd goes
    /// back to the restart window.
    pub(super) fn restart_after_idle(&mut self, now: Instant) {
        if self.snd_max == self.snd_una {
            let idle = now.saturating_duration_since(self.last_send);
            self.cc.on_idle_restart(now, idle, self.rtt.rto());
        }
    }

    /// A retransmission scheduled by fast retransmit or a partial ACK: the segment at
    /// `rexmit`, at most one full segment, of data already sent (and the FIN if it was
    /// sent right after it).
    pub(super) fn transmit_recovery(&mut self, now: Instant) -> Option<super::Transmit<A>> {
        let seq = self.marks.take(Mark::Rexmit)?;
        if seq.diff(self.snd_una) < 0 || seq.diff(self.snd_max) >= 0 {
            return None;
        }
        let front = self.tx_front();
        let offset = seq.diff(front).max(0) as usize;
        let data_end = front + self.tx.len() as u32;
        let sent_data = data_end.min(self.snd_max).diff(seq).max(0) as usize;
        let len = sent_data.min(self.tx.len().saturating_sub(offset)).min(self.effective_mss());
        let fin_sent = self.fin_queued && self.snd_max.diff(data_end) > 0;
        let fin = fin_sent && seq + len as u32 == data_end;
        if len == 0 && !fin {
            return None;
        }
        let mut flags = TcpFlags::ACK;
        if fin {
            flags |= TcpFlags::FIN;
        }
        let t = self.data_segment(now, seq, len, flags);
        self.counters.retransmitted_segments = self.counters.retransmitted_segments.wrapping_add(1);
        let end = seq + (len as u32 + u32::from(fin));
        self.sent(now, end, true);
        Some(t)
    }
}

impl<'a, A: IpAddress> Connection<'a, A> {
    /// RFC 6675 §5 (C): in SACK loss recovery, while cwnd − pipe ≥ 1 SMSS, send what
    /// NextSeg chooses (lost segments, new data, then the rest, then one rescue).
    pub(super) fn transmit_sack_recovery(&mut self, now: Instant) -> Option<super::Transmit<A>> {
        if !self.sack_ok || !self.scoreboard.in_recovery() {
            return None;
        }
        let smss = self.effective_mss() as u32;
        // The first retransmission, unless ACKs handled since recovery began (several
        // can come before a transmit) already cover it: then NextSeg chooses.
        let first = self.rexmit_seg.take().and_then(|first| {
            let end = first.seq + first.len;
            (end.diff(self.snd_una) > 0).then(|| {
                let seq = if first.seq.diff(self.snd_una) < 0 { self.snd_una } else { first.seq };
                NextSeg { seq, len: end.diff(seq) as u32, ..first }
            })
        });
        let seg = match first {
            Some(first) => first,
            None => {
                let pipe = self.scoreboard.pipe(self.snd_max, smss);
                if self.cc.cwnd().saturating_sub(pipe) < smss {
                    return None;
                }
                let front = self.tx_front();
                let data_end = front + self.tx.len() as u32;
                let unsent = data_end.diff(self.snd_max).max(0) as u32;
                let window = self.snd_wnd.saturating_sub(self.flight_size());
                self.scoreboard.next_seg(self.snd_max, smss, unsent.min(window))?
            }
        };
        let t = self.send_range(now, seg.seq, seg.len)?;
        if seg.kind == NextSegKind::NewData {
            let end = seg.seq + t.repr.segment_len() as u32;
            self.snd_nxt = end;
            self.snd_max = end;
        } else {
            self.counters.retransmitted_segments =
                self.counters.retransmitted_segments.wrapping_add(1);
        }
        self.scoreboard.on_sent(&NextSeg { len: t.repr.segment_len() as u32, ..seg });
        Some(t)
    }

    /// A segment covering `len` sequence numbers from `seq` (data, and the FIN when the
    /// range reaches it), for recovery; `None` if there is nothing there.
    fn send_range(&mut self, now: Instant, seq: SeqNumber, len: u32) -> Option<super::Transmit<A>> {
        let front = self.tx_front();
        let data_end = front + self.tx.len() as u32;
        let data_len = data_end.diff(seq).clamp(0, len.min(i32::MAX as u32) as i32) as usize;
        let fin = self.fin_queued && seq + len == data_end + 1 && data_len < len as usize;
        if data_len == 0 && !fin {
            return None;
        }
        let mut flags = TcpFlags::ACK;
        if fin {
            flags |= TcpFlags::FIN;
        }
        let t = self.data_segment(now, seq, data_len, flags);
        let end = seq + (data_len as u32 + u32::from(fin));
        let retransmission = end.diff(self.snd_max) <= 0;
        self.sent(now, end, retransmission);
        Some(t)
    }
}
