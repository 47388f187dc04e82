//! The ARP neighbour cache (RFC 826 "Packet Reception", RFC 1122 §2.3.2): a bounded table
//! of IPv4 → Ethernet translations, the requests that fill it and the replies we owe.
//!
//! A pure machine: received ARP packets go in through
//! [`handle_arp`](NeighborCache::handle_arp), lookups through
//! [`lookup`](NeighborCache::lookup)/[`resolve`](NeighborCache::resolve); packets to send
//! come out of [`poll_transmit`](NeighborCache::poll_transmit), events out of
//! [`poll_event`](NeighborCache::poll_event), and timers are driven by
//! [`poll_timeout`](NeighborCache::poll_timeout)/[`handle_timeout`](NeighborCache::handle_timeout).
//!
//! **Capacity.** The caller's slice of [`Neighbor`] slots bounds the number of addresses
//! known or being resolved. When a new address needs a slot and none is free, the cache
//! takes, in order: an expired entry; else, for a lookup, and only while fewer than half
//! the slots are resolving, the least recently used *resolved* entry (counted in
//! [`CacheStats::evicted`]). Entries still being resolved, and entries whose event is
//! unpolled, are never evicted. So a flood of lookups for unknown addresses fills at most
//! the free slots and half the table, and the most recently used neighbours keep the other
//! half; further new addresses are refused ([`Resolution::TableFull`],
//! [`CacheStats::table_full`]) until resolutions finish, which takes at most
//! `max_tries × retry_interval`. A received request
//! never evicts anything: its sender is added (RFC 826) only into a free or expired slot,
//! so requests from thousands of spoofed senders cannot flush the table either.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use unet_arp::{CacheConfig, CacheEvent, Neighbor, NeighborCache, Repr};
//! use unet_core::{Duration, Instant};
//! use unet_ethernet::EthernetAddress;
//!
//! let (me, peer) = (EthernetAddress([2, 0, 0, 0, 0, 1]), EthernetAddress([2, 0, 0, 0, 0, 2]));
//! let (my_ip, peer_ip) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2));
//! let mut slots = [Neighbor::EMPTY; 16];
//! let mut cache = NeighborCache::new(CacheConfig::DEFAULT, me, &mut slots[..]);
//! cache.add_protocol_addr(my_ip).unwrap();
//!
//! let t0 = Instant::from_secs(1);
//! assert_eq!(cache.lookup(t0, peer_ip), None); // starts resolution
//! let request = cache.poll_transmit(t0).unwrap();
//! assert_eq!(request.destination, EthernetAddress::BROADCAST);
//! assert_eq!(request.repr, Repr::request(me, my_ip, peer_ip));
//!
//! let t1 = t0 + Duration::from_millis(3);
//! cache.handle_arp(t1, &request.repr.reply(peer)).unwrap();
//! assert_eq!(cache.poll_event(), Some(CacheEvent::Resolved { ip: peer_ip, mac: peer }));
//! assert_eq!(cache.lookup(t1, peer_ip), Some(peer));
//! ```

mod output;
mod receive;
mod types;

use core::net::Ipv4Addr;

use managed::ManagedSlice;
use unet_core::{Instant, TokenBucket};
use unet_ethernet::EthernetAddress;

pub(crate) use types::Entry;
pub use types::{
    CacheConfig, CacheError, CacheEvent, CacheStats, Neighbor, NeighborState, Resolution, Transmit,
    MAX_PROTOCOL_ADDRS, REPLY_QUEUE_LEN,
};

/// The ARP neighbour cache of one interface. See the [module documentation](self).
#[derive(Debug)]
pub struct NeighborCache<'a> {
    config: CacheConfig,
    hardware_addr: EthernetAddress,
    protocol_addrs: heapless::Vec<Ipv4Addr, MAX_PROTOCOL_ADDRS>,
    slots: ManagedSlice<'a, Neighbor>,
    limiter: TokenBucket,
    replies: heapless::Deque<Transmit, REPLY_QUEUE_LEN>,
    /// The latest unpolled RFC 5227 conflict.
    conflict: Option<(Ipv4Addr, EthernetAddress)>,
    /// Entries with `notify` set, so `poll_event` need not scan an idle table.
    notify_pending: usize,
    stats: CacheStats,
}

/// Whether ARP can resolve `ip` at all: not 0.0.0.0, 255.255.255.255 or multicast.
fn is_unicast(ip: Ipv4Addr) -> bool {
    !(ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast())
}

impl<'a> NeighborCache<'a> {
    /// A cache for the interface with `hardware_addr`, keeping its entries in `slots`
    /// (every slot is cleared). It answers for no address until
    /// [`add_protocol_addr`](Self::add_protocol_addr).
    pub fn new(
        config: CacheConfig,
        hardware_addr: EthernetAddress,
        slots: impl Into<ManagedSlice<'a, Neighbor>>,
    ) -> NeighborCache<'a> {
        let mut slots = slots.into();
        slots.iter_mut().for_each(|s| *s = Neighbor::EMPTY);
        NeighborCache {
            config,
            hardware_addr,
            protocol_addrs: heapless::Vec::new(),
            slots,
            limiter: config.request_limit,
            replies: heapless::Deque::new(),
            conflict: None,
            notify_pending: 0,
            stats: CacheStats::default(),
        }
    }

    /// Our hardware address: the sender of everything we send.
    pub fn hardware_addr(&self) -> EthernetAddress {
        self.hardware_addr
    }

    /// The configuration given to [`new`](Self::new).
    pub fn config(&self) -> &CacheConfig {
        &self.config
    }

    /// The counters.
    pub fn stats(&self) -> &CacheStats {
        &self.stats
    }

    /// Starts answering requests for `ip` and treating other senders of it as conflicts.
    /// The first address is the sender of our requests. Add an address only once it is
    /// claimed ([`AcdEvent::AddressReady`](crate::AcdEvent::AddressReady)): a tentative
    /// address must not be answered for (RFC 5227 §2.1). Any entry for `ip` is flushed.
    pub fn add_protocol_addr(&mut self, ip: Ipv4Addr) -> Result<(), CacheError> {
        if !is_unicast(ip) {
            return Err(CacheError::InvalidProtocolAddr);
        }
        if !self.protocol_addrs.contains(&ip) {
            self.protocol_addrs.push(ip).map_err(|_| CacheError::TooManyProtocolAddrs)?;
        }
        self.flush(ip);
        Ok(())
    }

    /// Stops answering for `ip`; false if it was not ours.
    pub fn remove_protocol_addr(&mut self, ip: Ipv4Addr) -> bool {
        let before = self.protocol_addrs.len();
        self.protocol_addrs.retain(|a| *a != ip);
        self.protocol_addrs.len() != before
    }

    /// Our addresses, in the order they were added.
    pub fn protocol_addrs(&self) -> &[Ipv4Addr] {
        &self.protocol_addrs
    }

    fn is_ours(&self, ip: Ipv4Addr) -> bool {
        self.protocol_addrs.contains(&ip)
    }

    /// The number of slots: the most addresses known or being resolved at once.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Slots in use (any state).
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.entry.is_some()).count()
    }

    /// No slot in use.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every entry: address, state and hardware address (unspecified unless resolved).
    pub fn neighbors(
        &self,
    ) -> impl Iterator<Item = (Ipv4Addr, NeighborState, EthernetAddress)> + '_ {
        self.slots
            .iter()
            .filter_map(|s| s.entry)
            .map(|e| (e.protocol_addr, e.state, e.hardware_addr))
    }

    fn find(&self, ip: Ipv4Addr) -> Option<usize> {
        self.slots.iter().position(|s| s.entry.is_some_and(|e| e.protocol_addr == ip))
    }

    fn entry_mut(&mut self, index: usize) -> Option<&mut Entry> {
        self.slots.get_mut(index).and_then(|s| s.entry.as_mut())
    }

    /// The state of `ip`'s entry, if it has one (without side effects).
    pub fn state(&self, ip: Ipv4Addr) -> Option<NeighborState> {
        self.find(ip).and_then(|i| self.slots.get(i)).and_then(|s| s.entry).map(|e| e.state)
    }

    /// `ip`'s hardware address if it is resolved and not expired at `now`, without the side
    /// effects of [`lookup`](Self::lookup).
    pub fn peek(&self, now: Instant, ip: Ipv4Addr) -> Option<EthernetAddress> {
        let e = self.slots.get(self.find(ip)?)?.entry?;
        (e.is_resolved() && now < e.deadline).then_some(e.hardware_addr)
    }

    /// `ip`'s hardware address, or `None` if it is not (yet) known — see
    /// [`resolve`](Self::resolve), which this is, with the reason for `None` dropped.
    pub fn lookup(&mut self, now: Instant, ip: Ipv4Addr) -> Option<EthernetAddress> {
        match self.resolve(now, ip) {
            Resolution::Resolved(mac) => Some(mac),
            _ => None,
        }
    }

    /// Looks `ip` up to send a packet to it at `now`:
    ///
    /// - resolved: returns the address, marks the entry used (LRU), and if it is within
    ///   [`refresh_window`](CacheConfig::refresh_window) of expiry, starts revalidating it
    ///   by unicast requests (RFC 1122 §2.3.2.1 "Unicast Poll");
    /// - unknown or expired: starts resolution (broadcast requests, at most one per
    ///   [`retry_interval`](CacheConfig::retry_interval)) in a free, expired or LRU slot:
    ///   [`Resolution::Pending`], or [`Resolution::TableFull`] if no slot can be taken;
    /// - being resolved, or failed with the event unpolled: [`Resolution::Pending`].
    pub fn resolve(&mut self, now: Instant, ip: Ipv4Addr) -> Resolution {
        if !is_unicast(ip) || self.is_ours(ip) {
            self.stats.invalid_lookups += 1;
            return Resolution::NotResolvable;
        }
        let config = self.config;
        let Some(index) = self.find(ip) else {
            return match self.allocate(now, true) {
                Some(index) => {
                    self.start_resolution(index, now, ip, None);
                    Resolution::Pending
                }
                None => {
                    self.stats.table_full += 1;
                    Resolution::TableFull
                }
            };
        };
        let Some(e) = self.entry_mut(index) else { return Resolution::TableFull };
        e.used_at = now;
        match e.state {
            NeighborState::Reachable | NeighborState::Refreshing if now < e.deadline => {
                let refresh_from = e.deadline - config.refresh_window;
                if e.state == NeighborState::Reachable && now >= refresh_from {
                    e.state = NeighborState::Refreshing;
                    e.tries = 0;
                    e.next_request_at = e
                        .last_request_at
                        .map_or(now, |last| core::cmp::max(now, last + config.retry_interval));
                }
                Resolution::Resolved(e.hardware_addr)
            }
            NeighborState::Reachable | NeighborState::Refreshing => {
                let (last, notify) = (e.last_request_at, e.notify);
                self.stats.expired += 1;
                if notify {
                    self.notify_pending = self.notify_pending.saturating_sub(1);
                }
                self.start_resolution(index, now, ip, last);
                Resolution::Pending
            }
            NeighborState::Incomplete | NeighborState::Failed => Resolution::Pending,
        }
    }

    /// Restarts `ip`'s lifetime on advice from a higher layer that it is reachable (RFC
    /// 1122 §2.3.2.1, "Higher-layer advice", e.g. a TCP ACK). False if it is not resolved.
    pub fn confirm(&mut self, now: Instant, ip: Ipv4Addr) -> bool {
        let lifetime = self.config.entry_lifetime;
        let Some(e) = self.find(ip).and_then(|i| self.entry_mut(i)) else { return false };
        if !e.is_resolved() || now >= e.deadline {
            return false;
        }
        e.state = NeighborState::Reachable;
        e.deadline = now + lifetime;
        true
    }

    /// Forgets `ip`'s entry (an unpolled event for it is lost); false if there was none.
    pub fn flush(&mut self, ip: Ipv4Addr) -> bool {
        let Some(index) = self.find(ip) else { return false };
        self.free(index);
        true
    }

    fn free(&mut self, index: usize) {
        if let Some(slot) = self.slots.get_mut(index) {
            if slot.entry.is_some_and(|e| e.notify) {
                self.notify_pending = self.notify_pending.saturating_sub(1);
            }
            slot.entry = None;
        }
    }

    /// A slot for a new entry at `now`: free, else expired, else (if `evict`) the least
    /// recently used resolved entry without an unpolled event.
    fn allocate(&mut self, now: Instant, evict: bool) -> Option<usize> {
        if let Some(i) = self.slots.iter().position(|s| s.entry.is_none()) {
            return Some(i);
        }
        let expired = |e: &Entry| e.is_resolved() && now >= e.deadline;
        if let Some(i) = self.slots.iter().position(|s| s.entry.as_ref().is_some_and(expired)) {
            self.stats.expired += 1;
            self.free(i);
            return Some(i);
        }
        // Evict only while fewer than half the slots are resolving, so that a flood of
        // lookups for unknown addresses leaves at least half the table to the neighbours
        // in use (the most recently used of them).
        let resolving =
            self.slots.iter().filter(|s| s.entry.is_some_and(|e| !e.is_resolved())).count();
        if !evict || resolving.saturating_mul(2) >= self.slots.len() {
            return None;
        }
        let (i, _) = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.entry.map(|e| (i, e)))
            .filter(|(_, e)| e.is_resolved() && !e.notify)
            .min_by_key(|(_, e)| e.used_at)?;
        self.stats.evicted += 1;
        self.free(i);
        Some(i)
    }

    fn start_resolution(
        &mut self,
        index: usize,
        now: Instant,
        ip: Ipv4Addr,
        last: Option<Instant>,
    ) {
        let c = self.config;
        if let Some(slot) = self.slots.get_mut(index) {
            slot.entry = Some(Entry {
                protocol_addr: ip,
                hardware_addr: EthernetAddress::UNSPECIFIED,
                state: NeighborState::Incomplete,
                used_at: now,
                deadline: now + c.retry_interval.saturating_mul(u64::from(c.max_tries)),
                tries: 0,
                next_request_at: last.map_or(now, |l| core::cmp::max(now, l + c.retry_interval)),
                last_request_at: last,
                notify: false,
            });
        }
    }
}

#[cfg(test)]
mod capacity_tests;
#[cfg(test)]
mod tests;
