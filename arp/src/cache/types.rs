//! The neighbour cache's configuration, inputs and outputs: [`CacheConfig`], [`Neighbor`]
//! slots, [`NeighborState`], [`Resolution`], [`Transmit`], [`CacheEvent`], [`CacheError`]
//! and [`CacheStats`].

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::{Duration, Instant, TokenBucket};
use unet_ethernet::EthernetAddress;

use crate::Repr;

/// How many IPv4 addresses of our own a [`NeighborCache`](super::NeighborCache) answers for
/// (RFC 826 "Am I the target protocol address?"). One interface rarely has more; adding a
/// fifth is refused with [`CacheError::TooManyProtocolAddrs`].
pub const MAX_PROTOCOL_ADDRS: usize = 4;

/// How many replies (RFC 826) wait to be sent. Each received request queues at most one
/// reply, so this only fills if the caller receives many requests without calling
/// `poll_transmit` in between; a reply that finds it full is dropped and counted in
/// [`CacheStats::replies_dropped`] (the requester will ask again).
pub const REPLY_QUEUE_LEN: usize = 8;

/// Timers and limits of a [`NeighborCache`](super::NeighborCache). Every value is the
/// caller's to choose; [`CacheConfig::DEFAULT`] follows RFC 1122 §2.3.2.1 and common
/// practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    /// How long a resolved entry is trusted after it was last confirmed (by an answer, any
    /// ARP packet from the neighbour, or [`confirm`](super::NeighborCache::confirm)).
    /// RFC 1122 §2.3.2.1: the cache MUST flush out-of-date entries and the timeout SHOULD
    /// be configurable. Default 60 s.
    pub entry_lifetime: Duration,
    /// An entry used by [`lookup`](super::NeighborCache::lookup) during the last
    /// `refresh_window` of its lifetime is revalidated by unicast requests to the known
    /// hardware address (RFC 1122 §2.3.2.1 "Unicast Poll") while it stays usable; if no
    /// answer comes before it expires, it is flushed and the next lookup resolves afresh by
    /// broadcast. Default 5 s. Zero disables refresh (entries simply expire).
    pub refresh_window: Duration,
    /// The least time between two requests for the same address. RFC 1122 §2.3.2.1
    /// recommends at most one per second per destination. Default 1 s.
    pub retry_interval: Duration,
    /// Requests sent for one resolution (broadcast) or one refresh (unicast) before giving
    /// up. A resolution fails `max_tries × retry_interval` after it started (later if the
    /// global limit delayed the last request: it still gets a full `retry_interval` to be
    /// answered). Default 3.
    pub max_tries: u8,
    /// The global limit on requests of every destination together, so that traffic to
    /// thousands of unknown addresses cannot make us flood the link. Default: bursts of
    /// 10, then one every 100 ms (10 per second). Replies are not limited by it: each
    /// answers one received request, so they cannot amplify.
    pub request_limit: TokenBucket,
}

impl CacheConfig {
    /// 60 s lifetime, refresh in the last 5 s, 3 tries 1 s apart, at most 10 requests per
    /// second in bursts of 10.
    pub const DEFAULT: CacheConfig = CacheConfig {
        entry_lifetime: Duration::from_secs(60),
        refresh_window: Duration::from_secs(5),
        retry_interval: Duration::from_secs(1),
        max_tries: 3,
        request_limit: TokenBucket::new(Duration::from_millis(100), 10),
    };
}

impl Default for CacheConfig {
    fn default() -> CacheConfig {
        CacheConfig::DEFAULT
    }
}

/// One slot of the table's storage: give the cache a `&mut [Neighbor]` (or, with the
/// `alloc` feature, a `Vec<Neighbor>`) of [`Neighbor::EMPTY`] values.
///
/// The number of slots bounds the number of addresses the cache knows or is resolving at
/// once; see [`NeighborCache`](super::NeighborCache) for what happens when it is full.
/// A slot is a few dozen bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Neighbor {
    pub(crate) entry: Option<Entry>,
}

impl Neighbor {
    /// A free slot.
    pub const EMPTY: Neighbor = Neighbor { entry: None };
}

/// The life of a table entry.
///
/// ```text
///            lookup (unknown address)         answer (any ARP packet from it)
///   (none) ──────────────────────────▶ Incomplete ─────────────────────▶ Reachable
///                                        │ max_tries unanswered             │  ▲ answer
///                                        ▼                                  │  │
///                                      Failed ─▶ (none) once the         lookup in the
///                                                Failed event is polled  refresh window
///                                                                           ▼  │
///   Reachable / Refreshing past their lifetime ─▶ (none)               Refreshing
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NeighborState {
    /// Resolution in progress: broadcast requests are being sent; no hardware address yet.
    Incomplete,
    /// Resolved and within its lifetime.
    Reachable,
    /// Resolved, in use and near the end of its lifetime: unicast requests are revalidating
    /// it (RFC 1122 §2.3.2.1 "Unicast Poll"). Still usable until it expires.
    Refreshing,
    /// Resolution gave up; the slot is kept until [`CacheEvent::Failed`] is polled.
    Failed,
}

impl fmt::Display for NeighborState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NeighborState::Incomplete => "incomplete",
            NeighborState::Reachable => "reachable",
            NeighborState::Refreshing => "refreshing",
            NeighborState::Failed => "failed",
        })
    }
}

/// A table entry (private: the caller only sees [`Neighbor`] slots).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) protocol_addr: Ipv4Addr,
    /// Unspecified while incomplete.
    pub(crate) hardware_addr: EthernetAddress,
    pub(crate) state: NeighborState,
    /// Last lookup or creation: the LRU key.
    pub(crate) used_at: Instant,
    /// Resolved: end of lifetime. Incomplete: when resolution gives up.
    pub(crate) deadline: Instant,
    /// Requests sent in the current resolution or refresh.
    pub(crate) tries: u8,
    /// When the next request may go.
    pub(crate) next_request_at: Instant,
    /// Last request sent to this address (the per-destination rate limit).
    pub(crate) last_request_at: Option<Instant>,
    /// A [`CacheEvent::Resolved`] or [`CacheEvent::Failed`] not yet polled.
    pub(crate) notify: bool,
}

impl Entry {
    pub(crate) fn is_resolved(&self) -> bool {
        matches!(self.state, NeighborState::Reachable | NeighborState::Refreshing)
    }
}

/// What [`resolve`](super::NeighborCache::resolve) found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// The address is resolved: send to this hardware address.
    Resolved(EthernetAddress),
    /// Resolution is in progress: queue the packet (see
    /// [`PendingQueue`](crate::PendingQueue)) until [`CacheEvent::Resolved`] or
    /// [`CacheEvent::Failed`].
    Pending,
    /// The address is unknown and no slot could be taken for it (see
    /// [`NeighborCache`](super::NeighborCache) on capacity): no resolution could start.
    /// Drop the packet. Counted in [`CacheStats::table_full`].
    TableFull,
    /// ARP does not resolve this address: unspecified, limited broadcast, multicast, or one
    /// of our own. Counted in [`CacheStats::invalid_lookups`].
    NotResolvable,
}

/// An ARP packet to send and the Ethernet destination to send it to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Transmit {
    /// Ethernet destination: [`EthernetAddress::BROADCAST`] for resolution requests, the
    /// neighbour's address for refresh requests (unicast poll) and for replies (RFC 826:
    /// "send the packet to the (new) target hardware address").
    pub destination: EthernetAddress,
    /// The ARP packet; the Ethernet source is always our hardware address.
    pub repr: Repr,
}

/// What the cache tells the layer above.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CacheEvent {
    /// A resolution started by a lookup got its answer: send the packets queued for `ip`.
    Resolved {
        /// The address resolved.
        ip: Ipv4Addr,
        /// Its hardware address.
        mac: EthernetAddress,
    },
    /// Resolution of `ip` gave up after `max_tries` requests: drop the packets queued for
    /// it (RFC 1122 §2.3.2.2), and report host unreachable if you like.
    Failed {
        /// The address that did not answer.
        ip: Ipv4Addr,
    },
    /// Another host sent ARP with one of our addresses as its sender protocol address
    /// (RFC 5227 §2.4). The cache does not defend: feed the same packet to
    /// [`AddressConflictDetection`](crate::AddressConflictDetection) for that. Only the
    /// latest conflict is kept until polled; all are counted in [`CacheStats::conflicts`].
    Conflict {
        /// Our address.
        ip: Ipv4Addr,
        /// The other host's hardware address.
        mac: EthernetAddress,
    },
}

impl fmt::Display for CacheEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheEvent::Resolved { ip, mac } => write!(f, "{ip} resolved to {mac}"),
            CacheEvent::Failed { ip } => write!(f, "{ip} did not answer ARP"),
            CacheEvent::Conflict { ip, mac } => write!(f, "{mac} claims our address {ip}"),
        }
    }
}

/// Why the cache refused an input. Ignored packets are also counted in [`CacheStats`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CacheError {
    /// The packet's operation is neither request nor reply (RARP, InARP, unknown).
    UnsupportedOperation,
    /// The packet's sender hardware address is ours: our own packet, looped back.
    OwnHardwareAddr,
    /// The sender hardware address is zero, broadcast or multicast: no neighbour has it.
    BadSenderHardwareAddr,
    /// [`MAX_PROTOCOL_ADDRS`] addresses of our own are configured already.
    TooManyProtocolAddrs,
    /// The address cannot be one of ours: unspecified, broadcast or multicast.
    InvalidProtocolAddr,
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CacheError::UnsupportedOperation => "ARP operation is neither request nor reply",
            CacheError::OwnHardwareAddr => "ARP packet from our own hardware address",
            CacheError::BadSenderHardwareAddr => {
                "ARP sender hardware address is zero, broadcast or multicast"
            }
            CacheError::TooManyProtocolAddrs => "too many protocol addresses configured",
            CacheError::InvalidProtocolAddr => "not a usable unicast IPv4 address",
        })
    }
}

impl core::error::Error for CacheError {}

/// Counters: every packet the cache sends, every packet it ignores and why, and every
/// entry it drops and why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Requests handed out by `poll_transmit` (broadcast resolutions and unicast polls).
    pub requests_sent: u64,
    /// Replies handed out by `poll_transmit`.
    pub replies_sent: u64,
    /// Times a due request was held back by [`CacheConfig::request_limit`].
    pub requests_rate_limited: u64,
    /// Replies dropped because [`REPLY_QUEUE_LEN`] replies were already waiting.
    pub replies_dropped: u64,
    /// Resolutions answered (each also a [`CacheEvent::Resolved`]).
    pub resolved: u64,
    /// Resolutions given up (each also a [`CacheEvent::Failed`]).
    pub failed: u64,
    /// Resolved entries flushed at the end of their lifetime.
    pub expired: u64,
    /// Resolved entries evicted (least recently used) to make room for a new address.
    pub evicted: u64,
    /// New entries refused: no free or expired slot, and (for a lookup) nothing evictable
    /// or half the table resolving already; a received request never evicts.
    pub table_full: u64,
    /// Existing entries updated from a received packet (RFC 826 merge).
    pub merged: u64,
    /// Entries added because a packet targeted us (RFC 826).
    pub added: u64,
    /// Packets claiming one of our addresses (RFC 5227 §2.4).
    pub conflicts: u64,
    /// Lookups of addresses ARP cannot resolve.
    pub invalid_lookups: u64,
    /// Packets ignored: neither request nor reply.
    pub ignored_operation: u64,
    /// Packets ignored: from our own hardware address.
    pub ignored_own: u64,
    /// Packets ignored: zero, broadcast or multicast sender hardware address.
    pub ignored_bad_sender: u64,
}
