//! ICMP errors about a connection's segments (RFC 1122 §4.2.3.9, RFC 5927, RFC 1191).

use unet_core::{Instant, IpAddress};

use super::config::default_mss;
use super::error::Error;
use super::event::Pending;
use super::state::State;
use super::Connection;
use crate::congestion::CongestionControl;
use crate::segment::HEADER_LEN;
use crate::seq::SeqNumber;

/// What an ICMP (or ICMPv6) error said about a segment we sent; the stack maps the type
/// and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IcmpError {
    /// Fragmentation needed and DF set (ICMPv4 type 3 code 4, RFC 1191) or Packet Too Big
    /// (ICMPv6, RFC 8201), with the next-hop MTU (0 if the router did not say).
    PacketTooBig {
        /// Next-hop MTU.
        mtu: u16,
    },
    /// Protocol or port unreachable (ICMPv4 type 3 codes 2 and 3): the connection is
    /// aborted (RFC 1122 §4.2.3.9 "hard errors"; in practice only in SYN-SENT).
    HardUnreachable,
    /// Network or host unreachable, administratively prohibited, time exceeded…: soft
    /// errors, reported but never fatal (RFC 1122 §4.2.3.9, RFC 5461).
    SoftError,
}

impl<A: IpAddress> Connection<'_, A> {
    /// An ICMP error quoting a segment of this connection whose sequence number was
    /// `quoted_seq`.
    ///
    /// RFC 5927 §4.1: the error is used only if `quoted_seq` lies in `SND.UNA..SND.NXT`
    /// (something actually in flight), else [`Error::IcmpOutOfWindow`]. Then:
    /// - `PacketTooBig` lowers the send MSS to the new path MTU (RFC 1191 §6.4; never
    ///   below the IP version's minimum, RFC 5927 §7.2) and resends what was in flight in
    ///   smaller segments; it is not a congestion signal.
    /// - `HardUnreachable` aborts a connection in SYN-SENT or SYN-RECEIVED (RFC 5927 §4.2
    ///   ignores hard errors in synchronized states: an attacker could forge them);
    ///   ignored otherwise.
    /// - `SoftError` is counted only.
    pub fn handle_icmp_error(
        &mut self,
        now: Instant,
        error: IcmpError,
        quoted_seq: SeqNumber,
    ) -> Result<(), Error> {
        if self.state == State::Closed {
            return Err(Error::Closed);
        }
        let in_flight = quoted_seq.diff(self.snd_una) >= 0 && quoted_seq.diff(self.snd_max) < 0;
        if !in_flight {
            self.counters.icmp_ignored = self.counters.icmp_ignored.wrapping_add(1);
            return Err(Error::IcmpOutOfWindow);
        }
        self.counters.icmp_accepted = self.counters.icmp_accepted.wrapping_add(1);
        match error {
            IcmpError::PacketTooBig { mtu } => {
                let floor = default_mss::<A>();
                let mss = usize::from(mtu).saturating_sub(A::HEADER_LEN + HEADER_LEN);
                let mss = u16::try_from(mss).unwrap_or(u16::MAX).max(floor);
                if mss < self.snd_mss {
                    self.snd_mss = mss;
                    let smss = self.effective_mss() as u32;
                    self.cc.set_smss(smss);
                    // RFC 1191 §6.5: retransmit now in segments that fit, without the
                    // congestion response of a timeout.
                    self.snd_nxt = self.snd_una;
                    self.rtt_discard_timing(now);
                }
            }
            IcmpError::HardUnreachable => {
                if matches!(self.state, State::SynSent | State::SynReceived) {
                    self.abort_with(now, Pending::UNREACHABLE);
                }
            }
            IcmpError::SoftError => {}
        }
        Ok(())
    }

    /// Karn: what is resent now must not be timed as if it were new.
    fn rtt_discard_timing(&mut self, now: Instant) {
        self.rtt.on_transmit(now, self.snd_una, true);
    }
}
