//! Receiving ARP: RFC 826 "Packet Reception" (merge, add, reply) and RFC 5227 §2.4 conflict
//! reports.

use core::net::Ipv4Addr;

use unet_core::Instant;
use unet_ethernet::EthernetAddress;

use super::{is_unicast, CacheError, Entry, NeighborCache, NeighborState, Transmit};
use crate::{Operation, Repr};

impl NeighborCache<'_> {
    /// Takes in a received ARP packet (RFC 826 "Packet Reception"):
    ///
    /// 1. Requests and replies only; packets from our own hardware address, or from a
    ///    zero, broadcast or multicast one, are ignored with an error.
    /// 2. A packet whose sender protocol address is ours is a conflict (RFC 5227 §2.4):
    ///    [`CacheEvent::Conflict`](super::CacheEvent::Conflict), nothing cached, nothing answered.
    /// 3. Merge: if the sender protocol address has an entry, its hardware address is
    ///    updated and its lifetime restarted (an incomplete entry becomes resolved:
    ///    [`CacheEvent::Resolved`](super::CacheEvent::Resolved)). Senders 0.0.0.0 (RFC 5227 probes), broadcast and
    ///    multicast are never cached.
    /// 4. If the target protocol address is ours: the sender is added if it was not merged
    ///    (into a free or expired slot only — never evicting; otherwise it is simply not
    ///    added), and a request is answered with a reply to the sender's hardware address
    ///    — a probe too, with target protocol address 0.0.0.0, which is how a prober learns
    ///    the address is taken (RFC 5227 §2.1.1).
    pub fn handle_arp(&mut self, now: Instant, repr: &Repr) -> Result<(), CacheError> {
        let (sha, spa, tpa) =
            (repr.source_hardware_addr, repr.source_protocol_addr, repr.target_protocol_addr);
        if repr.operation != Operation::REQUEST && repr.operation != Operation::REPLY {
            self.stats.ignored_operation += 1;
            return Err(CacheError::UnsupportedOperation);
        }
        if sha == self.hardware_addr {
            self.stats.ignored_own += 1;
            return Err(CacheError::OwnHardwareAddr);
        }
        if self.is_ours(spa) {
            self.stats.conflicts += 1;
            self.conflict = Some((spa, sha));
            return Ok(());
        }
        if sha.is_multicast() || sha == EthernetAddress::UNSPECIFIED {
            self.stats.ignored_bad_sender += 1;
            return Err(CacheError::BadSenderHardwareAddr);
        }
        let cacheable = is_unicast(spa);
        let merged = cacheable && self.merge(now, spa, sha);
        if !self.is_ours(tpa) {
            return Ok(());
        }
        if cacheable && !merged {
            // Only a free or expired slot: a packet anyone can send must not evict the
            // neighbours we are talking to.
            if let Some(index) = self.allocate(now, false) {
                self.add(index, now, spa, sha);
            } else {
                self.stats.table_full += 1;
            }
        }
        // A request from a broadcast or multicast protocol address is bogus: no answer.
        if repr.operation == Operation::REQUEST && (cacheable || spa.is_unspecified()) {
            let reply = Transmit { destination: sha, repr: repr.reply(self.hardware_addr) };
            if self.replies.push_back(reply).is_err() {
                self.stats.replies_dropped += 1;
            }
        }
        Ok(())
    }

    /// RFC 826: "If the pair <protocol type, sender protocol address> is already in my
    /// translation table, update the sender hardware address field of the entry".
    fn merge(&mut self, now: Instant, spa: Ipv4Addr, sha: EthernetAddress) -> bool {
        let lifetime = self.config.entry_lifetime;
        let Some(index) = self.find(spa) else { return false };
        let Some(e) = self.entry_mut(index) else { return false };
        let was = e.state;
        e.hardware_addr = sha;
        e.state = NeighborState::Reachable;
        e.deadline = now + lifetime;
        let newly_notified = matches!(was, NeighborState::Incomplete) && !e.notify;
        if matches!(was, NeighborState::Incomplete | NeighborState::Failed) {
            // A late answer to a failed resolution turns its pending Failed into Resolved.
            e.notify = true;
            self.stats.resolved += 1;
        }
        if newly_notified {
            self.notify_pending += 1;
        }
        self.stats.merged += 1;
        true
    }

    fn add(&mut self, index: usize, now: Instant, spa: Ipv4Addr, sha: EthernetAddress) {
        let lifetime = self.config.entry_lifetime;
        if let Some(slot) = self.slots.get_mut(index) {
            slot.entry = Some(Entry {
                protocol_addr: spa,
                hardware_addr: sha,
                state: NeighborState::Reachable,
                used_at: now,
                deadline: now + lifetime,
                tries: 0,
                next_request_at: now,
                last_request_at: None,
                notify: false,
            });
            self.stats.added += 1;
        }
    }
}
