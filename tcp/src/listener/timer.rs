//! Half-open entries over time: SYN-ACK retransmission with exponential backoff (RFC 6298
//! §5.5, RFC 9293 §3.8.1), giving up, and ICMP errors (RFC 5927, RFC 9293 §3.10.7.4).

use unet_core::{Duration, Instant, IpAddress};

use super::{Listener, ListenerConfig, Reply};
use crate::seq::SeqNumber;

impl<A: IpAddress> Listener<'_, A> {
    /// When [`handle_timeout`](Self::handle_timeout) is next needed: the earliest SYN-ACK
    /// retransmission or give-up among the half-open entries.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.half_open().map(|h| h.deadline).min()
    }

    /// Fires the timers due at `now`: entries whose SYN-ACK was retransmitted
    /// [`syn_ack_retries`](super::ListenerConfig::syn_ack_retries) times are dropped
    /// (counted); the others get a SYN-ACK retransmission, sent by
    /// [`poll_transmit`](Self::poll_transmit), and their timeout doubles (RFC 6298 §5.5)
    /// up to [`max_syn_ack_timeout`](super::ListenerConfig::max_syn_ack_timeout).
    pub fn handle_timeout(&mut self, now: Instant) {
        let config = self.config;
        for slot in self.syn_queue.iter_mut() {
            let Some(h) = slot else { continue };
            if h.due || h.deadline > now {
                continue;
            }
            if h.retransmits >= config.syn_ack_retries {
                *slot = None;
                self.counters.half_open_timeouts += 1;
                continue;
            }
            h.retransmits += 1;
            h.due = true;
            h.deadline = now + backoff(&config, h.retransmits);
        }
    }

    /// The next SYN-ACK retransmission made due by [`handle_timeout`](Self::handle_timeout);
    /// call until `None`.
    pub fn poll_transmit(&mut self, _now: Instant) -> Option<Reply<A>> {
        let h = self.syn_queue.iter_mut().flatten().find(|h| h.due)?;
        h.due = false;
        let h = *h;
        self.counters.syn_ack_retransmits += 1;
        Some(self.syn_ack(&h))
    }

    /// An ICMP error quoting a segment we sent from `local`:[`port`](Self::port) to
    /// `remote:remote_port` with sequence number `seq`. RFC 5927 §4.1: it counts only if
    /// `seq` is the ISS of a half-open entry (a blind attacker cannot know it); then a hard
    /// error (`hard`: e.g. port or protocol unreachable, RFC 1122 §4.2.3.9) drops the entry,
    /// as Linux does for requests, and a soft one is ignored (the SYN-ACK is retransmitted
    /// anyway). Returns true if an entry was dropped.
    pub fn handle_icmp_error(
        &mut self,
        local: A,
        remote: A,
        remote_port: u16,
        seq: SeqNumber,
        hard: bool,
    ) -> bool {
        let slot = self.syn_queue.iter_mut().find(|s| {
            s.as_ref().is_some_and(|h| {
                h.local == local && h.remote == remote && h.remote_port == remote_port
            })
        });
        match slot {
            Some(slot) if hard && slot.as_ref().is_some_and(|h| h.iss == seq) => {
                *slot = None;
                self.counters.icmp_aborts += 1;
                true
            }
            _ => {
                self.counters.icmp_ignored += 1;
                false
            }
        }
    }
}

/// The timeout after `retransmits` retransmissions: the initial one doubled each time.
fn backoff(c: &ListenerConfig, retransmits: u8) -> Duration {
    let factor = 1u64.checked_shl(u32::from(retransmits)).unwrap_or(u64::MAX);
    c.syn_ack_timeout.saturating_mul(factor).min(c.max_syn_ack_timeout)
}
