//! Sending: which segment goes next (RFC 9293 §3.10.2 SEND, §3.7.4 Nagle, §3.8.6.2.1
//! sender SWS avoidance, §3.8.6.1 zero-window probes), and writing it once, straight from
//! the send buffer into the caller's frame (DESIGN.md §4).

use super::marks::Mark;
use unet_core::{Instant, IpAddress, WireError};

use super::state::State;
use super::Connection;
use crate::flags::TcpFlags;
use crate::option::{SackBlocks, Timestamps};
use crate::options::{OptionSet, TcpOptions};
use crate::repr::Repr;
use crate::sack::{blocks_from_assembler, MAX_BLOCKS, MAX_BLOCKS_WITH_TIMESTAMPS};
use crate::segment::Segment;
use crate::seq::SeqNumber;

/// A segment to send: its header, and where its data lies in the send buffer.
///
/// Write it with [`Connection::emit`] (header, data and checksum) or, when the stack
/// writes the header itself, [`Connection::write_payload`]. Either must be called before
/// the connection handles another segment (an ACK may release the data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit<A> {
    /// Source address (our end).
    pub src: A,
    /// Destination address (the peer).
    pub dst: A,
    /// The TCP header, with typed options; `repr.payload_len` bytes of data follow.
    pub repr: Repr<'static>,
}

impl<A> Transmit<A> {
    /// Bytes of the whole TCP segment (header, options and data).
    pub fn len(&self) -> usize {
        self.repr.buffer_len()
    }

    /// True for a segment of no bytes (never: a header is always there).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'a, A: IpAddress> Connection<'a, A> {
    /// The next segment to send at `now`, if any; call until `None`. Sending it is the
    /// caller's job: [`emit`](Connection::emit) writes it.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Transmit<A>> {
        if let Some(seq) = self.marks.take(Mark::RstPending) {
            self.counters.rst_sent = self.counters.rst_sent.wrapping_add(1);
            return Some(self.bare(seq, TcpFlags::RST, 0));
        }
        let t = match self.state {
            State::Closed => None,
            State::SynSent | State::SynReceived => self.transmit_syn(now),
            _ => self.transmit_data(now),
        };
        if t.is_some() {
            return t;
        }
        self.transmit_ack(now)
    }

    /// Writes the whole segment of `t` into `buf` (header, options, data from the send
    /// buffer, checksum over the pseudo-header); returns its length.
    /// [`WireError::BufferTooSmall`] if `buf` is short, [`WireError::Malformed`] if the
    /// data is no longer in the send buffer (the connection moved on since
    /// `poll_transmit`).
    pub fn emit(&self, t: &Transmit<A>, buf: &mut [u8]) -> Result<usize, WireError> {
        let len = t.repr.buffer_len();
        let header_len = t.repr.header_len();
        let segment = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        self.write_payload(t, segment.get_mut(header_len..).unwrap_or(&mut []))?;
        t.repr.emit(&mut Segment::new_unchecked(segment), &t.src, &t.dst)?;
        Ok(len)
    }

    /// Copies the data of `t` (its `repr.payload_len` bytes) from the send buffer to the
    /// start of `dst`. Errors as [`emit`](Connection::emit).
    pub fn write_payload(&self, t: &Transmit<A>, dst: &mut [u8]) -> Result<(), WireError> {
        let len = t.repr.payload_len;
        if len == 0 {
            return Ok(());
        }
        let dst = dst.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        let offset = t.repr.seq_number.diff(self.tx_front());
        if offset < 0 {
            return Err(WireError::Malformed);
        }
        let copied = self.tx.read_allocated(offset as usize, dst);
        if copied != len {
            return Err(WireError::Malformed);
        }
        Ok(())
    }

    /// The sequence number of the send buffer's first byte.
    pub(super) fn tx_front(&self) -> SeqNumber {
        if self.snd_una == self.iss {
            self.iss + 1
        } else {
            self.snd_una
        }
    }

    /// SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED), when due.
    fn transmit_syn(&mut self, now: Instant) -> Option<Transmit<A>> {
        if self.snd_nxt != self.iss {
            return None;
        }
        let retransmission = self.snd_max != self.iss;
        let mut flags = TcpFlags::SYN;
        if self.state == State::SynReceived {
            flags |= TcpFlags::ACK;
        }
        let options = self.syn_options(now);
        let window = self.rx.window().min(usize::from(u16::MAX)) as u16;
        let repr = Repr {
            src_port: self.local.port,
            dst_port: self.remote.port,
            seq_number: self.iss,
            ack_number: if flags.contains(TcpFlags::ACK) { self.rcv_nxt } else { SeqNumber(0) },
            flags,
            window_len: window,
            urgent_pointer: 0,
            options: TcpOptions::Typed(options),
            payload_len: 0,
        };
        self.snd_nxt = self.iss + 1;
        self.snd_max = self.snd_max.max(self.snd_nxt);
        self.sent(now, self.snd_nxt, retransmission);
        if flags.contains(TcpFlags::ACK) {
            self.acked_now();
        }
        self.counters.segments_out = self.counters.segments_out.wrapping_add(1);
        Some(self.addressed(repr))
    }

    /// Data and FIN, new or retransmitted, when the windows, Nagle and SWS avoidance
    /// allow.
    fn transmit_data(&mut self, now: Instant) -> Option<Transmit<A>> {
        if let Some(t) = self.transmit_recovery(now) {
            return Some(t);
        }
        if let Some(t) = self.transmit_sack_recovery(now) {
            return Some(t);
        }
        if self.sack_ok && self.scoreboard.in_recovery() {
            // RFC 6675 §5 (C): in recovery only NextSeg sends.
            return None;
        }
        let front = self.tx_front();
        if self.sack_ok && self.snd_nxt.diff(self.snd_max) < 0 {
            // Going back N after a timeout: skip what the peer SACKed.
            let smss = self.effective_mss() as u32;
            match self.scoreboard.next_unsacked(self.snd_nxt, self.snd_max, smss) {
                Some((seq, _)) => self.snd_nxt = seq,
                None => self.snd_nxt = self.snd_max,
            }
        }
        let offset = self.snd_nxt.diff(front).max(0) as usize;
        let queued = self.tx.len().saturating_sub(offset);
        let fin_seq = front + self.tx.len() as u32;
        let fin_due = self.fin_queued && !self.fin_acked && self.snd_nxt.diff(fin_seq) <= 0;
        if queued == 0 && !fin_due {
            return None;
        }
        let in_flight = self.snd_nxt.diff(self.snd_una).max(0) as u32;
        let window = self.snd_wnd.min(self.cwnd_limit());
        let usable = window.saturating_sub(in_flight) as usize;
        let max_payload = self.max_payload(now);
        let retransmission = self.snd_nxt.diff(self.snd_max) < 0;
        if !retransmission {
            self.restart_after_idle(now);
        }
        let mut len = queued.min(usable).min(max_payload);
        // The persist timer fired: a zero-window probe, or (window open) the sender SWS
        // override timeout's segment.
        let forced = self.probe_due && queued > 0;
        let mut probe = false;
        if forced && len == 0 {
            // Zero-window probe (RFC 9293 §3.8.6.1): one byte past the window.
            len = 1;
            probe = true;
            self.counters.window_probes = self.counters.window_probes.wrapping_add(1);
        }
        self.probe_due = false;
        let fin = fin_due && len == queued;
        if len == 0 && !fin {
            if queued > 0 && self.snd_wnd == 0 && self.snd_max == self.snd_una {
                self.timers.arm_persist(now, self.rtt.rto());
            }
            return None;
        }
        if len > 0
            && !fin
            && !retransmission
            && !forced
            && !self.send_allowed(len, queued, in_flight)
        {
            if self.snd_max == self.snd_una {
                // Nothing outstanding, so no ACK will come to clock this data out: the
                // override timeout of sender SWS avoidance (RFC 9293 §3.8.6.2.1 (4))
                // sends what the window allows when it fires. Without it a window update
                // lost after the peer offered a window below one segment stalls the
                // connection for good (the peer has nothing to send, we wait for it).
                self.timers.arm_override(now, self.rtt.rto());
            }
            return None;
        }
        let seq = self.snd_nxt;
        let mut flags = TcpFlags::ACK;
        if fin {
            flags |= TcpFlags::FIN;
        }
        let t = self.data_segment(now, seq, len, flags);
        if len < self.effective_mss() && !retransmission && !probe {
            self.marks.set(Mark::ShortEnd, Some(seq + len as u32));
        }
        if self.snd_max == self.snd_una {
            // Something is outstanding from now on: the user timeout counts from here.
            self.timers.start_progress(now);
        }
        self.snd_nxt = seq + (len as u32 + u32::from(fin));
        if self.snd_nxt.diff(self.snd_max) > 0 {
            self.snd_max = self.snd_nxt;
        }
        if retransmission {
            self.counters.retransmitted_segments =
                self.counters.retransmitted_segments.wrapping_add(1);
        } else {
            // Limited transmit's allowance is spent by the segment it allowed.
            self.limited_transmit = self.limited_transmit.saturating_sub(len as u32);
        }
        self.sent(now, self.snd_nxt, retransmission);
        Some(t)
    }

    /// Sender SWS avoidance (RFC 9293 §3.8.6.2.1) and Nagle (RFC 896, §3.7.4): send `len`
    /// of the `queued` unsent bytes if it is a full segment; or everything queued when
    /// Nagle allows it; or at least half the largest window the peer ever offered.
    ///
    /// Nagle in Minshall's variant (as Linux): a short segment waits only while an
    /// earlier short segment is unacknowledged, not while any data is; so the tail of a
    /// bulk write does not wait a round trip (or a delayed ACK) behind full segments.
    fn send_allowed(&self, len: usize, queued: usize, in_flight: u32) -> bool {
        let full = self.effective_mss();
        let short_unacked =
            self.marks.get(Mark::ShortEnd).is_some_and(|end| end.diff(self.snd_una) > 0);
        len >= full
            || (len == queued && (!self.config.nagle() || in_flight == 0 || !short_unacked))
            || (self.max_snd_wnd > 0 && len as u32 >= self.max_snd_wnd / 2 && in_flight == 0)
    }

    /// A data (or FIN, or probe) segment at `seq` with `len` bytes.
    pub(super) fn data_segment(
        &mut self,
        now: Instant,
        seq: SeqNumber,
        len: usize,
        flags: TcpFlags,
    ) -> Transmit<A> {
        let mut flags = flags;
        let data_end = self.tx_front() + self.tx.len() as u32;
        if len > 0 && seq + len as u32 == data_end {
            // The segment empties the send queue: push (RFC 9293 §3.9.1, as Linux marks
            // the last segment of a write).
            flags |= TcpFlags::PSH;
        }
        let mut urgent_pointer = 0;
        if let Some(up) = self.marks.get(Mark::SndUp) {
            // RFC 9293 §3.8.5 / RFC 6093: the pointer is the offset of the byte after
            // the urgent data; a pointer beyond 65535 is sent as 65535 meanwhile.
            let offset = up.diff(seq);
            if offset > 0 {
                flags |= TcpFlags::URG;
                urgent_pointer = offset.min(i32::from(u16::MAX)) as u16;
            }
        }
        let mut repr = self.header(now, seq, flags);
        repr.urgent_pointer = urgent_pointer;
        repr.payload_len = len;
        self.counters.segments_out = self.counters.segments_out.wrapping_add(1);
        self.counters.bytes_sent = self.counters.bytes_sent.wrapping_add(len as u32);
        self.addressed(repr)
    }

    /// A pure ACK, when one is owed (immediately, a delayed one whose time came, or a
    /// window update), or a keep-alive probe is due.
    fn transmit_ack(&mut self, now: Instant) -> Option<Transmit<A>> {
        if !self.state.is_synchronized() && self.state != State::SynReceived {
            return None;
        }
        if self.keepalive_due {
            // RFC 1122 §4.2.3.6: SEG.SEQ = SND.NXT − 1, no data: the peer must ACK.
            self.keepalive_due = false;
            self.counters.keepalive_probes = self.counters.keepalive_probes.wrapping_add(1);
            let repr = self.header(now, self.snd_una - 1, TcpFlags::ACK);
            self.counters.segments_out = self.counters.segments_out.wrapping_add(1);
            return Some(self.addressed(repr));
        }
        // (Window updates after reads set `ack.now`: see `recv`.)
        let delayed_due = self.ack.deadline.get().is_some_and(|d| d <= now);
        if !(self.ack.now || delayed_due) {
            return None;
        }
        if let Some(point) = self.ack.pop_earlier(self.rcv_nxt) {
            // An ACK owed since before the latest segments arrived (`AckPending`).
            return Some(self.earlier_ack(now, point));
        }
        let dups = self.ack.dups;
        let repr = self.header(now, self.snd_nxt, TcpFlags::ACK);
        if dups > 0 {
            // More duplicate ACKs owed: one per out-of-order segment (RFC 5681 §4.2).
            self.ack.dups = dups - 1;
            self.ack.now = true;
        }
        self.counters.segments_out = self.counters.segments_out.wrapping_add(1);
        Some(self.addressed(repr))
    }

    /// An ACK of `point`, an RCV.NXT passed since: what the segments up to it called for
    /// had they been processed one by one. Its window keeps the right edge we offer now
    /// (RFC 9293 §3.8.6: never moved left; the field rounds down as every window does).
    fn earlier_ack(&mut self, now: Instant, point: SeqNumber) -> Transmit<A> {
        self.window_to_advertise();
        let window = self.rcv_adv.diff(point).max(0) as u32;
        let field = (window >> self.rcv_wscale).min(u32::from(u16::MAX)) as u16;
        let options = OptionSet {
            timestamps: self
                .ts
                .get()
                .map(|ts| Timestamps { tsval: self.ts_val(now), tsecr: ts.recent }),
            sack_blocks: self.sack_blocks(),
            ..OptionSet::default()
        };
        self.counters.segments_out = self.counters.segments_out.wrapping_add(1);
        self.addressed(Repr {
            src_port: self.local.port,
            dst_port: self.remote.port,
            seq_number: self.snd_nxt,
            ack_number: point,
            flags: TcpFlags::ACK,
            window_len: field,
            urgent_pointer: 0,
            options: TcpOptions::Typed(options),
            payload_len: 0,
        })
    }

    /// The common header of a synchronized segment: ACK of RCV.NXT, our window, and the
    /// timestamps and SACK options in use. Clears the ACK we owed.
    fn header(&mut self, now: Instant, seq: SeqNumber, flags: TcpFlags) -> Repr<'static> {
        let window = self.window_to_advertise();
        let options = OptionSet {
            timestamps: self
                .ts
                .get()
                .map(|ts| Timestamps { tsval: self.ts_val(now), tsecr: ts.recent }),
            sack_blocks: self.sack_blocks(),
            ..OptionSet::default()
        };
        let repr = Repr {
            src_port: self.local.port,
            dst_port: self.remote.port,
            seq_number: seq,
            ack_number: if flags.contains(TcpFlags::ACK) { self.rcv_nxt } else { SeqNumber(0) },
            flags,
            window_len: window,
            urgent_pointer: 0,
            options: TcpOptions::Typed(options),
            payload_len: 0,
        };
        if flags.contains(TcpFlags::ACK) {
            self.acked_now();
        }
        repr
    }

    /// Every segment with ACK acknowledges all we have: nothing is owed any more.
    fn acked_now(&mut self) {
        self.dsack = None;
        self.ack.now = false;
        self.ack.segments = 0;
        self.ack.deadline.set(None);
        self.ack.len = 0;
        self.ack.dups = 0;
        self.last_ack_sent = self.rcv_nxt;
    }

    /// A segment carrying only `flags` (a RST), without options.
    fn bare(&self, seq: SeqNumber, flags: TcpFlags, window: u16) -> Transmit<A> {
        self.addressed(Repr {
            src_port: self.local.port,
            dst_port: self.remote.port,
            seq_number: seq,
            ack_number: SeqNumber(0),
            flags,
            window_len: window,
            urgent_pointer: 0,
            options: TcpOptions::Typed(OptionSet::default()),
            payload_len: 0,
        })
    }

    fn addressed(&self, repr: Repr<'static>) -> Transmit<A> {
        Transmit { src: self.local.addr, dst: self.remote.addr, repr }
    }

    /// RFC 2018 §4 (with RFC 2883 D-SACK first): the blocks for the next ACK, chosen by
    /// [`crate::sack::blocks_from_assembler`]; at most three with timestamps, four
    /// without.
    fn sack_blocks(&self) -> SackBlocks {
        if !self.sack_ok {
            return SackBlocks::new();
        }
        let max = if self.ts.on { MAX_BLOCKS_WITH_TIMESTAMPS } else { MAX_BLOCKS };
        blocks_from_assembler(&self.assembler, self.rcv_nxt, self.dsack, max)
    }

    /// The payload a full-sized segment carries now: the send MSS minus the option bytes
    /// every segment carries (RFC 9293 §3.7.1: Eff.snd.MSS accounts for TCP options).
    pub(super) fn effective_mss(&self) -> usize {
        let options = if self.ts.on { 12 } else { 0 };
        usize::from(self.snd_mss).saturating_sub(options).max(1)
    }

    /// The payload the next segment may carry: [`effective_mss`](Self::effective_mss),
    /// less the SACK blocks it will carry.
    fn max_payload(&self, _now: Instant) -> usize {
        let blocks = self.sack_blocks().len();
        let sack = if blocks == 0 { 0 } else { 4 + 8 * blocks };
        self.effective_mss().saturating_sub(sack).max(1)
    }
}
