//! The three-way handshake: SYN-SENT's segment processing (RFC 9293 §3.10.7.3), entering
//! SYN-RECEIVED and ESTABLISHED, and the options the two SYNs agree on (RFC 9293 §3.7.1,
//! RFC 7323 §1.3, RFC 2018 §2).

use super::marks::Mark;
use unet_core::{Instant, IpAddress};

use super::config::default_mss;
use super::error::Error;
use super::event::Pending;
use super::state::State;
use super::{Connection, TsState};
use crate::congestion::{Congestion, CongestionControl, RecoveryMode};
use crate::flags::TcpFlags;
use crate::options::OptionSet;
use crate::repr::Repr;

/// The smallest send MSS we accept from a peer: a tiny MSS would make us send a header
/// per byte (Linux's `TCP_MIN_SND_MSS` is 48; CVE-2019-11479).
const MIN_SND_MSS: u16 = 64;

/// RFC 7323 §2.3: a shift above 14 is used as 14.
const MAX_WSCALE: u8 = 14;

impl<A: IpAddress> Connection<'_, A> {
    /// Settles the options from the peer's SYN: each is used only if both SYNs carried it.
    pub(super) fn negotiate(&mut self, now: Instant, peer: &OptionSet) {
        // RFC 9293 §3.7.1: without an MSS option, assume the IP version's default.
        let peer_mss = peer.mss.unwrap_or(default_mss::<A>());
        self.snd_mss = peer_mss.min(self.config.mss).max(MIN_SND_MSS);
        match (self.offered_wscale, peer.window_scale) {
            (Some(ours), Some(theirs)) => {
                self.rcv_wscale = ours.min(MAX_WSCALE);
                self.snd_wscale = theirs.min(MAX_WSCALE);
            }
            _ => {
                self.rcv_wscale = 0;
                self.snd_wscale = 0;
            }
        }
        self.sack_ok = self.config.sack() && peer.sack_permitted;
        self.ts = match (self.config.timestamps(), peer.timestamps) {
            (true, Some(ts)) => TsState { recent: ts.tsval, recent_age: now, on: true },
            _ => TsState::OFF,
        };
        // The congestion controller starts now that SMSS is known (RFC 6928's initial
        // window depends on it).
        self.cc = Congestion::new(self.config.congestion, self.effective_mss() as u32);
        if self.sack_ok {
            self.cc.set_mode(RecoveryMode::Sack);
        }
    }

    /// A SYN arrived (passive open, or simultaneous open from SYN-SENT): SYN-RECEIVED, and
    /// our SYN (now a SYN-ACK) is due.
    pub(super) fn syn_received(&mut self, now: Instant, syn: &Repr<'_>) {
        self.irs = syn.seq_number;
        self.rcv_nxt = syn.seq_number + 1;
        let peer = syn.options.to_set();
        self.negotiate(now, &peer);
        // RFC 7323 §2.2: the window of a SYN is never scaled.
        self.snd_wnd = u32::from(syn.window_len);
        self.max_snd_wnd = self.snd_wnd;
        self.snd_wl1 = syn.seq_number;
        self.snd_wl2 = self.snd_una;
        let window = self.rx.window().min(usize::from(u16::MAX)) as u32;
        self.rcv_adv = self.rcv_nxt + window;
        self.state = State::SynReceived;
        // (Re)send our SYN, now with ACK: from ISS (RFC 9293 §3.10.7.3, simultaneous open).
        self.snd_nxt = self.iss;
        self.timers.rtx.set(None);
    }

    /// The handshake is complete.
    pub(super) fn established(&mut self, now: Instant) {
        self.state = State::Established;
        self.events |= Pending::CONNECTED;
        self.rtt.on_handshake_complete();
        self.timers.syn_retries = 0;
        self.timers.touch_receive(now, &self.config);
    }

    /// RFC 9293 §3.10.7.3: a segment arrives in SYN-SENT.
    pub(super) fn segment_in_syn_sent(
        &mut self,
        now: Instant,
        repr: &Repr<'_>,
        payload: &[u8],
    ) -> Result<(), Error> {
        let flags = repr.flags;
        // First, the ACK: it must acknowledge our SYN and nothing beyond.
        let mut ack_ok = false;
        if flags.contains(TcpFlags::ACK) {
            let ack = repr.ack_number;
            if ack.diff(self.iss) <= 0 || ack.diff(self.snd_max) > 0 {
                if !flags.contains(TcpFlags::RST) {
                    self.marks.set(Mark::RstPending, Some(ack));
                }
                self.counters.bad_ack = self.counters.bad_ack.wrapping_add(1);
                return Err(Error::HandshakeMismatch);
            }
            ack_ok = ack.diff(self.snd_una) > 0;
        }
        // Second, RST: only with an acceptable ACK (RFC 5961 §3.2 keeps this rule).
        if flags.contains(TcpFlags::RST) {
            if !ack_ok {
                self.counters.rst_ignored = self.counters.rst_ignored.wrapping_add(1);
                return Err(Error::RstIgnored);
            }
            self.counters.rst_received = self.counters.rst_received.wrapping_add(1);
            self.terminate(Pending::REFUSED);
            return Ok(());
        }
        // Fourth, SYN.
        if !flags.contains(TcpFlags::SYN) {
            self.counters.dropped = self.counters.dropped.wrapping_add(1);
            return Err(Error::HandshakeMismatch);
        }
        if !ack_ok {
            // Simultaneous open: SYN-RECEIVED, and our SYN goes out again with ACK.
            self.syn_received(now, repr);
            self.ack.now = true;
            return Ok(());
        }
        let peer = repr.options.to_set();
        self.irs = repr.seq_number;
        self.rcv_nxt = repr.seq_number + 1;
        self.negotiate(now, &peer);
        let window = self.rx.window().min(usize::from(u16::MAX)) as u32;
        self.rcv_adv = self.rcv_nxt + window;
        // The ACK of our SYN: RTT sample, SND.UNA moves past the SYN.
        self.sample_rtt(now, repr, true);
        self.snd_una = repr.ack_number;
        self.snd_nxt = self.snd_nxt.max(self.snd_una);
        self.snd_wnd = u32::from(repr.window_len);
        self.max_snd_wnd = self.snd_wnd;
        self.snd_wl1 = repr.seq_number;
        self.snd_wl2 = repr.ack_number;
        self.timers.rtx.set(None);
        self.timers.start_progress(now);
        self.established(now);
        self.ack.now = true;
        // Data or FIN riding on the SYN-ACK is processed like any segment's (RFC 9293
        // §3.10.7.3: "continue processing at the sixth step").
        let rest = repr.seq_number + 1;
        let fin = flags.contains(TcpFlags::FIN);
        let urgent = flags.contains(TcpFlags::URG).then_some(repr.urgent_pointer);
        self.process_text(now, repr.seq_number, rest, fin, urgent, payload);
        Ok(())
    }
}
