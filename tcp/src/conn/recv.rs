//! Receiving: urgent data, segment text and FIN (RFC 9293 §3.10.7.4 sixth to eighth), the
//! receive window with receiver silly-window avoidance (§3.8.6.2.2), and delayed ACKs
//! (§3.8.6.3).

use super::marks::Mark;
use unet_core::{Instant, IpAddress};

use super::event::Pending;
use super::state::State;
use super::Connection;
use crate::seq::SeqNumber;

impl<A: IpAddress> Connection<'_, A> {
    /// The text of an acceptable segment: `seg_seq` is SEG.SEQ, `data_seq` the sequence
    /// number of its first data byte (SEG.SEQ + 1 for a SYN), `urgent` the urgent pointer
    /// when URG is set.
    pub(super) fn process_text(
        &mut self,
        now: Instant,
        seg_seq: SeqNumber,
        data_seq: SeqNumber,
        fin: bool,
        urgent: Option<u16>,
        payload: &[u8],
    ) {
        if !self.state.may_receive() {
            // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer's FIN came already. A
            // retransmitted FIN is answered (and restarts TIME-WAIT's clock, RFC 9293
            // §3.10.7.4 eighth).
            if fin {
                self.ack.now = true;
                if self.state == State::TimeWait {
                    self.timers.time_wait.set(Some(now + self.config.time_wait));
                }
            }
            return;
        }
        if let Some(up) = urgent {
            self.urgent_received(seg_seq, up);
        }
        let mut fin_seq = Some(data_seq + payload.len() as u32);
        if !payload.is_empty() {
            if self.user_closed {
                // RFC 1122 §4.2.2.13: data after CLOSE is lost: tell the peer with a RST.
                self.counters.data_after_close = self.counters.data_after_close.wrapping_add(1);
                self.abort_with(now, Pending::empty());
                return;
            }
            if !self.accept_data(now, data_seq, payload) {
                fin_seq = None;
            }
        }
        if let (true, Some(seq)) = (fin, fin_seq) {
            self.marks.set(Mark::RcvFin, Some(seq));
            self.ack.now = true;
        }
        self.check_fin(now);
    }

    /// Places data in the receive buffer (in order, or held by the assembler). Returns
    /// false when some of it could not be kept (the FIN after it is then not yet due).
    fn accept_data(&mut self, now: Instant, data_seq: SeqNumber, payload: &[u8]) -> bool {
        let offset = data_seq.diff(self.rcv_nxt);
        // Trim what we already have (RFC 9293 §3.10.7.4: acceptable segments may start
        // before RCV.NXT).
        let skip = if offset < 0 { offset.unsigned_abs() as usize } else { 0 };
        let Some(data) = payload.get(skip..) else { return true };
        let start = offset.max(0) as usize;
        // Never more than the window we advertised (RFC 9293 §3.10.7.4: trim to the window).
        let window = self.rcv_adv.diff(self.rcv_nxt).max(0) as usize;
        let room = window.saturating_sub(start);
        let data = data.get(..data.len().min(room)).unwrap_or(&[]);
        let written = self.rx.write_unallocated(start, data);
        let had_holes = !self.assembler.is_empty();
        match self.assembler.add(start, written) {
            Ok(contiguous) => {
                let n = self.rx.enqueue_unallocated(contiguous);
                self.rcv_nxt += n as u32;
                self.counters.bytes_received = self.counters.bytes_received.wrapping_add(n as u32);
                if n > 0 {
                    self.events |= Pending::READABLE;
                }
                if start > 0 {
                    // Out of order: a duplicate ACK at once, one per segment (RFC 5681
                    // §4.2, RFC 9293 §3.8.6.3).
                    self.counters.out_of_order = self.counters.out_of_order.wrapping_add(1);
                    self.ack.owe_duplicate();
                } else if had_holes {
                    // Filling a hole: ACK at once (RFC 5681 §4.2).
                    self.ack.owe(self.rcv_nxt);
                } else {
                    self.delay_ack(now);
                }
            }
            Err(_) => {
                // Too many holes: drop it, the peer will send it again.
                self.counters.out_of_order_dropped =
                    self.counters.out_of_order_dropped.wrapping_add(1);
                self.ack.now = true;
                return false;
            }
        }
        written == payload.len().saturating_sub(skip)
    }

    /// Processes a FIN once everything before it has arrived (RFC 9293 §3.10.7.4 eighth).
    fn check_fin(&mut self, now: Instant) {
        let Some(fin) = self.marks.get(Mark::RcvFin) else { return };
        if fin != self.rcv_nxt {
            return;
        }
        self.marks.set(Mark::RcvFin, None);
        self.peer_fin_seen = true;
        self.rcv_nxt += 1;
        self.ack.now = true;
        self.events |= Pending::PEER_CLOSED | Pending::READABLE;
        match self.state {
            State::SynReceived | State::Established => self.state = State::CloseWait,
            State::FinWait1 => {
                if self.fin_acked {
                    self.enter_time_wait(now);
                } else {
                    self.state = State::Closing;
                }
            }
            State::FinWait2 => self.enter_time_wait(now),
            _ => {}
        }
    }

    /// TIME-WAIT: every other timer stops; the 2*MSL timer starts (RFC 9293 §3.3.2).
    pub(super) fn enter_time_wait(&mut self, now: Instant) {
        self.state = State::TimeWait;
        self.timers.stop_all();
        // The ACK owed now (for the FIN) still goes out; no delayed ACK waits any more.
        self.ack.deadline.set(None);
        self.ack.segments = 0;
        self.timers.time_wait.set(Some(now + self.config.time_wait));
    }

    /// RFC 9293 §3.8.5 / RFC 6093: the urgent pointer points to the byte after the urgent
    /// data; RCV.UP only moves forward. The data itself stays in line.
    fn urgent_received(&mut self, seg_seq: SeqNumber, pointer: u16) {
        if pointer == 0 {
            // Points at SEG.SEQ itself: no urgent byte in this segment.
            return;
        }
        let up = seg_seq + u32::from(pointer);
        if up.diff(self.rcv_nxt) <= 0 {
            return;
        }
        let newer = self.marks.get(Mark::RcvUp).is_none_or(|old| up.diff(old) > 0);
        if newer {
            self.marks.set(Mark::RcvUp, Some(up));
            self.events |= Pending::URGENT;
        }
    }

    /// Counts a segment toward a delayed ACK (RFC 9293 §3.8.6.3): every second segment is
    /// acknowledged at once (each second one with an ACK of its own, even when several
    /// are handled before the next transmit: see `AckPending`), a single one waits at
    /// most `ack_delay`.
    fn delay_ack(&mut self, now: Instant) {
        match self.config.ack_delay() {
            None => self.ack.owe(self.rcv_nxt),
            Some(delay) => {
                self.ack.segments = self.ack.segments.saturating_add(1);
                if self.ack.segments >= 2 {
                    self.ack.segments = 0;
                    self.ack.owe(self.rcv_nxt);
                } else if self.ack.deadline.get().is_none() {
                    self.ack.deadline.set(Some(now + delay));
                }
            }
        }
    }

    /// The window field for a segment we send now, and RCV.ADV moved accordingly.
    ///
    /// Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): the right edge moves only when it
    /// can move by at least min(buffer / 2, MSS); otherwise the previous edge is kept
    /// (never moved left: shrinking the window is discouraged, §3.8.6).
    pub(super) fn window_to_advertise(&mut self) -> u16 {
        let free = self.receive_room();
        let edge = self.rcv_nxt + free;
        let step = ((self.rx.capacity() / 2) as u32).min(u32::from(self.config.mss)).max(1);
        let old = self.rcv_adv.diff(self.rcv_nxt).max(0) as u32;
        let window = if edge.diff(self.rcv_adv) >= step as i32 { free } else { old.min(free) };
        let field = (window >> self.rcv_wscale).min(u32::from(u16::MAX));
        let advertised = self.rcv_nxt + (field << self.rcv_wscale);
        if advertised.diff(self.rcv_adv) > 0 {
            self.rcv_adv = advertised;
        }
        field as u16
    }

    /// The window we could offer now: the free buffer, up to what the window field can
    /// carry with our shift.
    fn receive_room(&self) -> u32 {
        let max = u32::from(u16::MAX) << self.rcv_wscale;
        (self.rx.window().min(u32::MAX as usize) as u32).min(max)
    }

    /// True when reading freed enough room that a window update is worth a segment
    /// (RFC 9293 §3.8.6.2.2: the same threshold as the right edge itself).
    pub(super) fn window_update_due(&self) -> bool {
        if !self.state.may_receive() || !self.state.is_synchronized() {
            return false;
        }
        let edge = self.rcv_nxt + self.receive_room();
        let step = ((self.rx.capacity() / 2) as u32).min(u32::from(self.config.mss)).max(1);
        let scaled = 1u32 << self.rcv_wscale;
        edge.diff(self.rcv_adv) >= step.max(scaled) as i32
    }
}
