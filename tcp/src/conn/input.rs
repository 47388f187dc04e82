//! SEGMENT ARRIVES (RFC 9293 §3.10.7), for every state but CLOSED and LISTEN (which
//! belong to the stack and the listener: see [`reset_for`](super::reset_for)).

use super::marks::Mark;
use unet_core::{Duration, Instant, IpAddress};

use super::error::Error;
use super::event::Pending;
use super::state::State;
use super::Connection;
use crate::flags::TcpFlags;
use crate::options::OptionSet;
use crate::repr::Repr;
use crate::seq::SeqNumber;

/// RFC 7323 §5.5: TS.Recent older than this is invalid (24 days, before a 1 ms clock's
/// sign bit would flip).
pub(super) const PAWS_IDLE: Duration = Duration::from_secs(24 * 24 * 3600);

impl<A: IpAddress> Connection<'_, A> {
    /// A segment for this connection arrived at `now`: `repr` is its parsed header and
    /// `payload` its data (the stack verified the checksum and matched the 4-tuple).
    ///
    /// `Ok` when the segment was used; `Err` says why it was dropped. Either way, what it
    /// calls for (an ACK, a RST, a retransmission, events) is queued for
    /// [`poll_transmit`](Connection::poll_transmit) and
    /// [`poll_event`](Connection::poll_event).
    pub fn handle_segment(
        &mut self,
        now: Instant,
        repr: &Repr<'_>,
        payload: &[u8],
    ) -> Result<(), Error> {
        self.counters.segments_in = self.counters.segments_in.wrapping_add(1);
        match self.state {
            State::Closed => return Err(Error::Closed),
            State::SynSent => return self.segment_in_syn_sent(now, repr, payload),
            _ => {}
        }
        let mut flags = repr.flags;
        let opts = repr.options.to_set();
        let mut seq = repr.seq_number;
        if self.state == State::SynReceived
            && flags.contains(TcpFlags::SYN | TcpFlags::ACK)
            && seq + 1 == self.rcv_nxt
            && payload.is_empty()
            && repr.ack_number == self.snd_max
        {
            // Simultaneous open (RFC 9293 §3.5 Figure 8, line 6): the peer's SYN,ACK
            // repeats its SYN and acknowledges ours. Its SYN is old news; its ACK is
            // what completes our handshake (Linux accepts it the same way).
            flags.remove(TcpFlags::SYN);
            seq = self.rcv_nxt;
        }

        // RFC 7323 §5.3 R1: PAWS, before the sequence number check.
        self.check_timestamps(now, flags, &opts)?;

        // First: is the segment acceptable (RFC 9293 §3.10.7.4, four cases)?
        let mut payload = payload;
        let mut fin = flags.contains(TcpFlags::FIN);
        let seg_len =
            payload.len() as u32 + u32::from(flags.contains(TcpFlags::SYN)) + u32::from(fin);
        let rcv_wnd = self.rcv_adv.diff(self.rcv_nxt).max(0) as u32;
        if !acceptable(seq, seg_len, self.rcv_nxt, rcv_wnd) {
            let syn_retransmitted = self.state == State::SynReceived
                && flags.contains(TcpFlags::SYN)
                && !flags.contains(TcpFlags::ACK)
                && seq == self.irs;
            if syn_retransmitted {
                // The peer did not get our SYN-ACK: send it again.
                self.snd_nxt = self.iss;
                self.counters.dropped = self.counters.dropped.wrapping_add(1);
                return Err(Error::Unacceptable);
            }
            if self.state == State::TimeWait && fin && seq + seg_len == self.rcv_nxt {
                // The peer's FIN again: our ACK was lost. Acknowledge it and restart the
                // 2*MSL timer (RFC 9293 §3.10.7.4, eighth, TIME-WAIT).
                self.ack.now = true;
                self.timers.time_wait.set(Some(now + self.config.time_wait));
                return Err(Error::Unacceptable);
            }
            if rcv_wnd == 0 && seq == self.rcv_nxt && !flags.contains(TcpFlags::SYN) {
                // A zero window accepts no data, but the ACK, URG and RST of a segment at
                // RCV.NXT must still be processed (RFC 9293 §3.10.7.4).
                payload = &[];
                fin = false;
                self.ack.now = true;
                self.counters.zero_window_drops = self.counters.zero_window_drops.wrapping_add(1);
            } else {
                if !flags.contains(TcpFlags::RST) {
                    // One ACK per unacceptable segment (RFC 9293 §3.10.7.4): a duplicate
                    // ACK for a duplicate segment (RFC 5681 §4.2).
                    self.ack.owe_duplicate();
                }
                let old = (seq + payload.len() as u32).diff(self.rcv_nxt) <= 0;
                if self.sack_ok && !payload.is_empty() && old {
                    // A duplicate: report it in a D-SACK block (RFC 2883 §4), so the peer
                    // can tell a spurious retransmission.
                    let right = seq + payload.len() as u32;
                    self.dsack = Some(crate::option::SackBlock { left: seq, right });
                    self.counters.dsacks_sent = self.counters.dsacks_sent.wrapping_add(1);
                }
                self.counters.unacceptable = self.counters.unacceptable.wrapping_add(1);
                return Err(Error::Unacceptable);
            }
        }

        // RFC 7323 §4.3: TS.Recent takes the TSval of a segment that covers Last.ACK.sent.
        self.update_ts_recent(now, seq, seg_len, &opts);

        // Second: RST (RFC 5961 §3.2: only exactly at RCV.NXT; in the window: challenge).
        if flags.contains(TcpFlags::RST) {
            if seq != self.rcv_nxt {
                self.challenge_ack(now);
                return Err(Error::ChallengeAck);
            }
            self.counters.rst_received = self.counters.rst_received.wrapping_add(1);
            let event = match self.state {
                // A passive open that the peer resets simply goes away (RFC 9293: back to
                // LISTEN, which is the listener's); an active one was refused.
                State::SynReceived if self.passive => Pending::RESET,
                State::SynReceived => Pending::REFUSED,
                State::Closing | State::LastAck | State::TimeWait => Pending::empty(),
                _ => Pending::RESET,
            };
            self.terminate(event);
            return Ok(());
        }

        // Fourth: SYN in a synchronized state (or SYN-RECEIVED): challenge ACK
        // (RFC 5961 §4.2).
        if flags.contains(TcpFlags::SYN) {
            self.challenge_ack(now);
            return Err(Error::ChallengeAck);
        }

        // Fifth: ACK.
        if !flags.contains(TcpFlags::ACK) {
            self.counters.dropped = self.counters.dropped.wrapping_add(1);
            return Err(Error::NoAck);
        }
        if self.state == State::SynReceived {
            let ack = repr.ack_number;
            if ack.diff(self.snd_una) > 0 && ack.diff(self.snd_max) <= 0 {
                self.established(now);
                if self.fin_queued {
                    // CLOSE was called in SYN-RECEIVED: the FIN goes after the data.
                    self.state = State::FinWait1;
                }
            } else {
                // RFC 9293 §3.10.7.4: <SEQ=SEG.ACK><CTL=RST>.
                self.marks.set(Mark::RstPending, Some(ack));
                self.counters.bad_ack = self.counters.bad_ack.wrapping_add(1);
                return Err(Error::AckUnacceptable);
            }
        }
        self.process_ack(now, repr, &opts, payload.len())?;
        self.after_ack(now);
        if self.state == State::Closed {
            return Ok(());
        }
        self.timers.touch_receive(now, &self.config);

        // Sixth to eighth: URG, text, FIN.
        let urgent = flags.contains(TcpFlags::URG).then_some(repr.urgent_pointer);
        self.process_text(now, seq, seq, fin, urgent, payload);
        Ok(())
    }

    /// State changes an acknowledgment of our FIN brings (RFC 9293 §3.10.7.4, fifth).
    fn after_ack(&mut self, now: Instant) {
        if !self.fin_acked {
            return;
        }
        match self.state {
            State::FinWait1 => self.state = State::FinWait2,
            State::Closing => self.enter_time_wait(now),
            State::LastAck => self.terminate(Pending::empty()),
            _ => {}
        }
    }

    /// PAWS (RFC 7323 §5.3 R1) and the rule that once negotiated, every non-RST segment
    /// carries timestamps (§3.2).
    fn check_timestamps(
        &mut self,
        now: Instant,
        flags: TcpFlags,
        opts: &OptionSet,
    ) -> Result<(), Error> {
        let Some(ts) = self.ts.get() else { return Ok(()) };
        if flags.contains(TcpFlags::RST) {
            return Ok(());
        }
        let Some(seg) = opts.timestamps else {
            // RFC 7323 §3.2: "a TCP SHOULD silently drop the segment".
            self.counters.missing_timestamps = self.counters.missing_timestamps.wrapping_add(1);
            return Err(Error::Paws);
        };
        if (seg.tsval.wrapping_sub(ts.recent) as i32) < 0 {
            if now.saturating_duration_since(ts.recent_age) > PAWS_IDLE {
                // RFC 7323 §5.5: after 24 days idle, TS.Recent is no longer valid.
                if let Some(t) = self.ts.get_mut() {
                    t.recent = seg.tsval;
                    t.recent_age = now;
                }
                return Ok(());
            }
            self.counters.paws_rejected = self.counters.paws_rejected.wrapping_add(1);
            self.ack.now = true;
            return Err(Error::Paws);
        }
        Ok(())
    }

    /// RFC 7323 §4.3 (2): if SEG.TSval >= TS.Recent and SEG.SEQ <= Last.ACK.sent,
    /// TS.Recent <- SEG.TSval (the segment covers the byte our last ACK asked for).
    fn update_ts_recent(&mut self, now: Instant, seq: SeqNumber, seg_len: u32, opts: &OptionSet) {
        let (Some(ts), Some(seg)) = (self.ts.get_mut(), opts.timestamps) else { return };
        let covers =
            seq.diff(self.last_ack_sent) <= 0 && (seq + seg_len).diff(self.last_ack_sent) >= 0;
        if covers && (seg.tsval.wrapping_sub(ts.recent) as i32) >= 0 {
            ts.recent = seg.tsval;
            ts.recent_age = now;
        }
    }
}

/// RFC 9293 §3.10.7.4's acceptability test, the four cases:
///
/// | SEG.LEN | RCV.WND | test |
/// |---|---|---|
/// | 0 | 0 | SEG.SEQ = RCV.NXT |
/// | 0 | >0 | RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND |
/// | >0 | 0 | not acceptable |
/// | >0 | >0 | the first or the last byte in the window |
pub fn acceptable(seq: SeqNumber, seg_len: u32, rcv_nxt: SeqNumber, rcv_wnd: u32) -> bool {
    match (seg_len, rcv_wnd) {
        (0, 0) => seq == rcv_nxt,
        (0, _) => seq.in_window(rcv_nxt, rcv_wnd),
        (_, 0) => false,
        (_, _) => {
            seq.in_window(rcv_nxt, rcv_wnd) || (seq + (seg_len - 1)).in_window(rcv_nxt, rcv_wnd)
        }
    }
}
