//! RFC 5227's constants as a configuration, and the machine's states, events and counters.

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::Duration;
use unet_ethernet::EthernetAddress;

/// How many packets wait in [`AddressConflictDetection`](super::AddressConflictDetection)
/// for `poll_transmit`. The machine queues at most one probe or announcement per timer and
/// one defence per `defend_interval`, so this only fills if the caller never polls; the
/// oldest is then dropped ([`AcdStats::tx_dropped`]).
pub const ACD_TX_QUEUE_LEN: usize = 4;

/// How many events wait for `poll_event`; one per state change, so this only fills if the
/// caller never polls; the oldest is then dropped ([`AcdStats::events_dropped`]).
pub const ACD_EVENT_QUEUE_LEN: usize = 4;

/// What to do when another host claims our address after we started using it (RFC 5227
/// §2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefendPolicy {
    /// (a) Cease using the address at once: [`AcdEvent::AddressLost`].
    Retreat,
    /// (b) Defend once with an announcement; a second conflict within `defend_interval`
    /// of the first gives the address up ([`AcdEvent::AddressLost`]). The default.
    DefendOnce,
    /// (c) Never give up (for an address that must not change): announce at most once
    /// per `defend_interval`, ignore conflicts in between.
    DefendAlways,
}

/// RFC 5227's timing constants (§1.1) and the defence policy. [`AcdConfig::RFC5227`] holds
/// the RFC's values; tests may shorten them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcdConfig {
    /// PROBE_WAIT: the first probe goes a random 0..=`probe_wait` after the start (1 s).
    pub probe_wait: Duration,
    /// PROBE_NUM: probes sent (3).
    pub probe_num: u8,
    /// PROBE_MIN: least random spacing between probes (1 s).
    pub probe_min: Duration,
    /// PROBE_MAX: most random spacing between probes (2 s).
    pub probe_max: Duration,
    /// ANNOUNCE_WAIT: quiet time after the last probe before the address is ours (2 s).
    pub announce_wait: Duration,
    /// ANNOUNCE_NUM: announcements sent (2).
    pub announce_num: u8,
    /// ANNOUNCE_INTERVAL: spacing between announcements (2 s).
    pub announce_interval: Duration,
    /// MAX_CONFLICTS: conflicts after which new probing is rate limited (10).
    pub max_conflicts: u32,
    /// RATE_LIMIT_INTERVAL: least time between probing attempts once rate limited (60 s).
    pub rate_limit_interval: Duration,
    /// DEFEND_INTERVAL: the window of [`DefendPolicy`] (10 s).
    pub defend_interval: Duration,
    /// What to do on a conflict after the address is in use.
    pub defend: DefendPolicy,
}

impl AcdConfig {
    /// The values of RFC 5227 §1.1, defending once.
    pub const RFC5227: AcdConfig = AcdConfig {
        probe_wait: Duration::from_secs(1),
        probe_num: 3,
        probe_min: Duration::from_secs(1),
        probe_max: Duration::from_secs(2),
        announce_wait: Duration::from_secs(2),
        announce_num: 2,
        announce_interval: Duration::from_secs(2),
        max_conflicts: 10,
        rate_limit_interval: Duration::from_secs(60),
        defend_interval: Duration::from_secs(10),
        defend: DefendPolicy::DefendOnce,
    };
}

impl Default for AcdConfig {
    fn default() -> AcdConfig {
        AcdConfig::RFC5227
    }
}

/// Where the machine is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AcdState {
    /// No address.
    Idle,
    /// Probing for the candidate, or waiting ANNOUNCE_WAIT after the last probe (or for the
    /// rate limit): the address must not be used yet.
    Probing,
    /// The address is ours and in use; announcements are being sent.
    Announcing,
    /// The address is ours; conflicts are defended per [`DefendPolicy`].
    Bound,
    /// Another host has the address: it must not be used; start again with another.
    Conflict,
}

impl fmt::Display for AcdState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AcdState::Idle => "idle",
            AcdState::Probing => "probing",
            AcdState::Announcing => "announcing",
            AcdState::Bound => "bound",
            AcdState::Conflict => "conflict",
        })
    }
}

/// What the machine tells the layer above.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AcdEvent {
    /// Probing found no other owner (or no probing was asked for): the address may be used
    /// from now on (RFC 5227 §2.3) — e.g. add it to the neighbour cache.
    AddressReady {
        /// The address.
        addr: Ipv4Addr,
    },
    /// While probing, another host turned out to use or want the address (RFC 5227
    /// §2.1.1): choose another (DHCP: send DHCPDECLINE) and start again.
    Conflict {
        /// The candidate address.
        addr: Ipv4Addr,
        /// The other host's hardware address.
        mac: EthernetAddress,
    },
    /// A conflict after the address was in use, defended with an announcement (RFC 5227
    /// §2.4 (b), (c)); the address is still ours.
    Defended {
        /// Our address.
        addr: Ipv4Addr,
        /// The other host's hardware address.
        mac: EthernetAddress,
    },
    /// The address was given up after a conflict (RFC 5227 §2.4 (a), or a second conflict
    /// within DEFEND_INTERVAL under (b)): stop using it now.
    AddressLost {
        /// The address.
        addr: Ipv4Addr,
        /// The other host's hardware address.
        mac: EthernetAddress,
    },
}

impl fmt::Display for AcdEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AcdEvent::AddressReady { addr } => write!(f, "{addr} claimed"),
            AcdEvent::Conflict { addr, mac } => write!(f, "{addr} is in use by {mac}"),
            AcdEvent::Defended { addr, mac } => write!(f, "{addr} defended against {mac}"),
            AcdEvent::AddressLost { addr, mac } => write!(f, "{addr} lost to {mac}"),
        }
    }
}

/// Counters of an [`AddressConflictDetection`](super::AddressConflictDetection).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AcdStats {
    /// ARP Probes sent.
    pub probes_sent: u64,
    /// ARP Announcements sent (scheduled ones and defences).
    pub announcements_sent: u64,
    /// Conflicts seen, in any state (also what MAX_CONFLICTS counts).
    pub conflicts: u64,
    /// Conflicts ignored under [`DefendPolicy::DefendAlways`] (within DEFEND_INTERVAL of the
    /// last defence).
    pub conflicts_ignored: u64,
    /// Probing attempts delayed by the MAX_CONFLICTS rate limit.
    pub rate_limited: u64,
    /// Packets dropped because [`ACD_TX_QUEUE_LEN`] were unpolled.
    pub tx_dropped: u64,
    /// Events dropped because [`ACD_EVENT_QUEUE_LEN`] were unpolled.
    pub events_dropped: u64,
}
