//! What the cache sends and reports, and its timers: requests (rate limited per destination
//! and globally), replies, events, expiry and failure.

use core::net::Ipv4Addr;

use unet_core::Instant;
use unet_ethernet::EthernetAddress;

use super::{CacheEvent, Entry, NeighborCache, NeighborState, Transmit};
use crate::Repr;

impl NeighborCache<'_> {
    /// The next ARP packet to send at `now`: queued replies first, then the most overdue
    /// request (one per destination per `retry_interval`, all of them within
    /// [`CacheConfig::request_limit`](super::CacheConfig::request_limit)). Call until `None`. See [`Transmit::destination`]
    /// for the Ethernet destination.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        if let Some(reply) = self.replies.pop_front() {
            self.stats.replies_sent += 1;
            return Some(reply);
        }
        let max_tries = self.config.max_tries;
        let wants_request = |e: &Entry| {
            matches!(e.state, NeighborState::Incomplete | NeighborState::Refreshing)
                && e.tries < max_tries
                && e.next_request_at <= now
                && now < e.deadline
        };
        let (index, _) = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.entry.map(|e| (i, e)))
            .filter(|(_, e)| wants_request(e))
            .min_by_key(|(_, e)| e.next_request_at)?;
        if !self.limiter.try_take(now) {
            self.stats.requests_rate_limited += 1;
            return None;
        }
        let (our_mac, retry) = (self.hardware_addr, self.config.retry_interval);
        // With no address of our own yet, ask as an RFC 5227 probe would (sender 0.0.0.0);
        // the answer still merges, since the sender has an entry.
        let our_ip = self.protocol_addrs.first().copied().unwrap_or(Ipv4Addr::UNSPECIFIED);
        let e = self.entry_mut(index)?;
        e.tries = e.tries.saturating_add(1);
        e.last_request_at = Some(now);
        e.next_request_at = now + retry;
        let mut repr = Repr::request(our_mac, our_ip, e.protocol_addr);
        let destination = if e.state == NeighborState::Incomplete {
            // The last request still gets a full interval to be answered.
            e.deadline = core::cmp::max(e.deadline, now + retry);
            EthernetAddress::BROADCAST
        } else {
            repr.target_hardware_addr = e.hardware_addr;
            e.hardware_addr
        };
        self.stats.requests_sent += 1;
        Some(Transmit { destination, repr })
    }

    /// The next event, if any: a conflict first, then resolutions and failures.
    pub fn poll_event(&mut self) -> Option<CacheEvent> {
        if let Some((ip, mac)) = self.conflict.take() {
            return Some(CacheEvent::Conflict { ip, mac });
        }
        if self.notify_pending == 0 {
            return None;
        }
        let index = self.slots.iter().position(|s| s.entry.is_some_and(|e| e.notify));
        let Some(index) = index else {
            self.notify_pending = 0;
            return None;
        };
        let e = self.entry_mut(index)?;
        e.notify = false;
        let event = match e.state {
            NeighborState::Failed => CacheEvent::Failed { ip: e.protocol_addr },
            _ => CacheEvent::Resolved { ip: e.protocol_addr, mac: e.hardware_addr },
        };
        self.notify_pending = self.notify_pending.saturating_sub(1);
        if let CacheEvent::Failed { .. } = event {
            self.free(index);
        }
        Some(event)
    }

    /// When [`handle_timeout`](Self::handle_timeout) or
    /// [`poll_transmit`](Self::poll_transmit) has work next: an entry's expiry, a
    /// resolution's end, or a request's due time (no earlier than the global limit's next
    /// token). Replies waiting to be sent have no deadline: poll them after every input.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let max_tries = self.config.max_tries;
        let token = self.limiter.next_token_at();
        self.slots
            .iter()
            .filter_map(|s| s.entry)
            .filter_map(|e| {
                let request =
                    (matches!(e.state, NeighborState::Incomplete | NeighborState::Refreshing)
                        && e.tries < max_tries)
                        .then(|| token.map_or(e.next_request_at, |t| t.max(e.next_request_at)));
                let deadline = (e.state != NeighborState::Failed).then_some(e.deadline);
                match (request, deadline) {
                    (Some(r), Some(d)) => Some(r.min(d)),
                    (r, d) => r.or(d),
                }
            })
            .min()
    }

    /// Lets timers expire at `now`: resolved entries past their lifetime are flushed,
    /// resolutions past their end fail ([`CacheEvent::Failed`]). Requests that fall due are
    /// sent by [`poll_transmit`](Self::poll_transmit).
    pub fn handle_timeout(&mut self, now: Instant) {
        for index in 0..self.slots.len() {
            let Some(e) = self.entry_mut(index) else { continue };
            if now < e.deadline {
                continue;
            }
            match e.state {
                NeighborState::Reachable | NeighborState::Refreshing => {
                    self.stats.expired += 1;
                    self.free(index);
                }
                NeighborState::Incomplete => {
                    e.state = NeighborState::Failed;
                    e.notify = true;
                    self.notify_pending += 1;
                    self.stats.failed += 1;
                }
                NeighborState::Failed => {}
            }
        }
    }
}
