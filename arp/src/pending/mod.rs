//! Packets waiting for their next hop's hardware address (RFC 1122 §2.3.2.2: "the link
//! layer SHOULD save (rather than discard) at least one (the latest) packet of each set of
//! packets destined to the same unresolved IP address, and transmit the saved packet when
//! the address has been resolved").
//!
//! **Capacities**, all the caller's:
//!
//! - the *byte pool* (a `&mut [u8]`) bounds the bytes of all waiting packets together;
//! - the *slots* (a `&mut [PendingPacket]`) bound the number of waiting packets;
//! - [`PendingConfig::max_per_destination`] bounds the packets waiting for one address.
//!
//! **When full**, the newest packet is always kept (the RFC's "latest"): if its destination
//! already has `max_per_destination` packets, that destination's oldest is dropped
//! ([`PendingStats::dropped_destination_full`]); then, while the slots or the pool are
//! full, the oldest packet of *any* destination is dropped
//! ([`PendingStats::dropped_queue_full`]) — so a flood towards thousands of unresolvable
//! addresses recycles the queue instead of blocking it, and a real neighbour's packet
//! waits behind at most one pool's worth of flood. Only a packet longer than the whole pool
//! is refused ([`Dropped::TooLarge`]).
//!
//! Packets are stored back to back in arrival order; removing one moves the later bytes
//! down, so the pool never fragments (it is small: a few MTUs).
//!
//! ```
//! use core::net::Ipv4Addr;
//! use unet_arp::{PendingConfig, PendingPacket, PendingQueue};
//! use unet_core::Instant;
//!
//! let (mut slots, mut pool) = ([PendingPacket::EMPTY; 8], [0u8; 4096]);
//! let mut queue = PendingQueue::new(PendingConfig::DEFAULT, &mut slots[..], &mut pool[..]);
//! let gateway = Ipv4Addr::new(192, 0, 2, 1);
//! queue.enqueue(Instant::ZERO, gateway, b"an IPv4 packet").unwrap();
//! // ... the neighbour cache reports Resolved { ip: gateway, .. }:
//! let mut frame = [0u8; 1514];
//! let n = queue.pop_for(gateway, &mut frame[14..]).unwrap();
//! assert_eq!(&frame[14..14 + n], b"an IPv4 packet");
//! assert!(queue.is_empty());
//! ```

use core::fmt;
use core::net::Ipv4Addr;

use managed::ManagedSlice;
use unet_core::{Duration, Instant};

/// Limits of a [`PendingQueue`] besides its storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingConfig {
    /// Packets kept per unresolved address; when exceeded, that address's oldest packet is
    /// dropped. RFC 1122 §2.3.2.2 asks for at least one. Default 4.
    pub max_per_destination: usize,
    /// How long a packet may wait. A backstop: resolution normally ends first (with the
    /// neighbour cache's `Resolved` or `Failed`). Default 5 s, above the cache's default
    /// resolution time of 3 s.
    pub timeout: Duration,
}

impl PendingConfig {
    /// 4 packets per destination, 5 s.
    pub const DEFAULT: PendingConfig =
        PendingConfig { max_per_destination: 4, timeout: Duration::from_secs(5) };
}

impl Default for PendingConfig {
    fn default() -> PendingConfig {
        PendingConfig::DEFAULT
    }
}

/// One slot of the queue's packet table: give the queue a `&mut [PendingPacket]` of
/// [`PendingPacket::EMPTY`]. The number of slots bounds the packets waiting in total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingPacket {
    next_hop: Ipv4Addr,
    /// Where the bytes start in the pool.
    offset: usize,
    len: usize,
    enqueued_at: Instant,
}

impl PendingPacket {
    /// An unused slot.
    pub const EMPTY: PendingPacket = PendingPacket {
        next_hop: Ipv4Addr::UNSPECIFIED,
        offset: 0,
        len: 0,
        enqueued_at: Instant::ZERO,
    };
}

impl Default for PendingPacket {
    fn default() -> PendingPacket {
        PendingPacket::EMPTY
    }
}

/// Why [`PendingQueue::enqueue`] did not keep the new packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dropped {
    /// The packet is longer than the whole byte pool.
    TooLarge,
    /// The queue has no slots, or `max_per_destination` is zero.
    NoCapacity,
}

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dropped::TooLarge => "packet longer than the pending queue's byte pool",
            Dropped::NoCapacity => "pending queue has no capacity",
        })
    }
}

impl core::error::Error for Dropped {}

/// What the queue took in, gave out and dropped, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PendingStats {
    /// Packets accepted.
    pub enqueued: u64,
    /// Packets handed out for sending.
    pub dequeued: u64,
    /// Refused: longer than the pool ([`Dropped::TooLarge`]).
    pub dropped_too_large: u64,
    /// Refused: no capacity at all ([`Dropped::NoCapacity`]).
    pub dropped_no_capacity: u64,
    /// Dropped: the oldest of a destination that had `max_per_destination` waiting.
    pub dropped_destination_full: u64,
    /// Dropped: the oldest of all, to make room (slots or pool full).
    pub dropped_queue_full: u64,
    /// Dropped by [`drop_for`](PendingQueue::drop_for): resolution failed.
    pub dropped_unresolved: u64,
    /// Dropped: waited longer than [`PendingConfig::timeout`].
    pub expired: u64,
    /// Dropped by [`pop_for`](PendingQueue::pop_for): longer than the caller's buffer.
    pub dropped_output_too_small: u64,
}

/// The queue of packets waiting for address resolution. See the [module
/// documentation](self).
#[derive(Debug)]
pub struct PendingQueue<'a> {
    config: PendingConfig,
    /// `slots[..count]` are the waiting packets, oldest first.
    slots: ManagedSlice<'a, PendingPacket>,
    /// `pool[..used]` holds their bytes, in the same order, back to back.
    pool: ManagedSlice<'a, u8>,
    count: usize,
    used: usize,
    stats: PendingStats,
}

impl<'a> PendingQueue<'a> {
    /// An empty queue keeping packet records in `slots` and bytes in `pool`.
    pub fn new(
        config: PendingConfig,
        slots: impl Into<ManagedSlice<'a, PendingPacket>>,
        pool: impl Into<ManagedSlice<'a, u8>>,
    ) -> PendingQueue<'a> {
        PendingQueue {
            config,
            slots: slots.into(),
            pool: pool.into(),
            count: 0,
            used: 0,
            stats: PendingStats::default(),
        }
    }

    /// The configuration given to [`new`](Self::new).
    pub fn config(&self) -> &PendingConfig {
        &self.config
    }

    /// The counters.
    pub fn stats(&self) -> &PendingStats {
        &self.stats
    }

    /// Packets waiting, all destinations.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Nothing waiting.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The most packets that can wait at once (the number of slots).
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Bytes of the pool in use.
    pub fn bytes_used(&self) -> usize {
        self.used
    }

    /// The pool's size: the most bytes that can wait at once.
    pub fn byte_capacity(&self) -> usize {
        self.pool.len()
    }

    fn waiting(&self) -> &[PendingPacket] {
        self.slots.get(..self.count).unwrap_or(&[])
    }

    /// Packets waiting for `next_hop`.
    pub fn len_for(&self, next_hop: Ipv4Addr) -> usize {
        self.waiting().iter().filter(|p| p.next_hop == next_hop).count()
    }

    fn first_for(&self, next_hop: Ipv4Addr) -> Option<usize> {
        self.waiting().iter().position(|p| p.next_hop == next_hop)
    }

    /// Queues `packet` (the bytes to send once `next_hop` resolves, usually the IP packet)
    /// at `now`, dropping older packets as the [module documentation](self) describes.
    /// Packets past their timeout are dropped first.
    pub fn enqueue(
        &mut self,
        now: Instant,
        next_hop: Ipv4Addr,
        packet: &[u8],
    ) -> Result<(), Dropped> {
        self.handle_timeout(now);
        if self.slots.is_empty() || self.config.max_per_destination == 0 {
            self.stats.dropped_no_capacity += 1;
            return Err(Dropped::NoCapacity);
        }
        if packet.len() > self.pool.len() {
            self.stats.dropped_too_large += 1;
            return Err(Dropped::TooLarge);
        }
        while self.len_for(next_hop) >= self.config.max_per_destination {
            let Some(oldest) = self.first_for(next_hop) else { break };
            self.remove(oldest);
            self.stats.dropped_destination_full += 1;
        }
        while self.count > 0
            && (self.count >= self.slots.len()
                || self.pool.len().saturating_sub(self.used) < packet.len())
        {
            self.remove(0);
            self.stats.dropped_queue_full += 1;
        }
        let end = self.used.saturating_add(packet.len());
        let (Some(dst), Some(slot)) =
            (self.pool.get_mut(self.used..end), self.slots.get_mut(self.count))
        else {
            // Unreachable: the loops above made room. Refuse rather than panic.
            self.stats.dropped_no_capacity += 1;
            return Err(Dropped::NoCapacity);
        };
        dst.copy_from_slice(packet);
        *slot = PendingPacket { next_hop, offset: self.used, len: packet.len(), enqueued_at: now };
        self.used = end;
        self.count += 1;
        self.stats.enqueued += 1;
        Ok(())
    }

    /// Drops the packet at `index`, closing the gap in the pool and the table.
    fn remove(&mut self, index: usize) {
        let Some(&PendingPacket { offset, len, .. }) = self.waiting().get(index) else { return };
        let end = offset.saturating_add(len);
        if end <= self.used {
            self.pool.copy_within(end..self.used, offset);
            self.used -= len;
        }
        if let Some(later) = self.slots.get_mut(index + 1..self.count) {
            later.iter_mut().for_each(|p| p.offset = p.offset.saturating_sub(len));
        }
        self.slots.copy_within(index + 1..self.count, index);
        self.count -= 1;
    }

    /// The oldest packet waiting for `next_hop`, without removing it.
    pub fn peek_for(&self, next_hop: Ipv4Addr) -> Option<&[u8]> {
        let p = self.waiting().get(self.first_for(next_hop)?)?;
        self.pool.get(p.offset..p.offset.saturating_add(p.len))
    }

    /// Hands the oldest packet waiting for `next_hop` to `send` (zero copy: `send` can build
    /// the frame around it), then removes it. `None` if nothing waits for `next_hop`.
    pub fn dequeue_for<R>(
        &mut self,
        next_hop: Ipv4Addr,
        send: impl FnOnce(&[u8]) -> R,
    ) -> Option<R> {
        let index = self.first_for(next_hop)?;
        let result = send(self.peek_for(next_hop)?);
        self.remove(index);
        self.stats.dequeued += 1;
        Some(result)
    }

    /// Copies the oldest packet waiting for `next_hop` to the start of `out`, removes it and
    /// returns its length. A packet longer than `out` is dropped
    /// ([`PendingStats::dropped_output_too_small`]) and the next one tried, so
    /// `while let Some(n) = queue.pop_for(ip, buf)` always ends.
    pub fn pop_for(&mut self, next_hop: Ipv4Addr, out: &mut [u8]) -> Option<usize> {
        while let Some(index) = self.first_for(next_hop) {
            let len = self.waiting().get(index).map_or(0, |p| p.len);
            let copied = match (self.peek_for(next_hop), out.get_mut(..len)) {
                (Some(src), Some(dst)) if src.len() == len => {
                    dst.copy_from_slice(src);
                    true
                }
                _ => false,
            };
            self.remove(index);
            if copied {
                self.stats.dequeued += 1;
                return Some(len);
            }
            self.stats.dropped_output_too_small += 1;
        }
        None
    }

    /// Drops every packet waiting for `next_hop` (its resolution failed, RFC 1122 §2.3.2.2)
    /// and returns how many; counted in [`PendingStats::dropped_unresolved`].
    pub fn drop_for(&mut self, next_hop: Ipv4Addr) -> usize {
        let mut dropped = 0;
        while let Some(index) = self.first_for(next_hop) {
            self.remove(index);
            dropped += 1;
        }
        self.stats.dropped_unresolved += dropped as u64;
        dropped
    }

    /// When the oldest packet times out.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.waiting().iter().map(|p| p.enqueued_at + self.config.timeout).min()
    }

    /// Drops the packets that have waited [`PendingConfig::timeout`] by `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let timeout = self.config.timeout;
        let mut index = 0;
        while let Some(p) = self.waiting().get(index) {
            if now >= p.enqueued_at + timeout {
                self.remove(index);
                self.stats.expired += 1;
            } else {
                index += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests;
