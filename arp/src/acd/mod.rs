//! IPv4 Address Conflict Detection (RFC 5227): probe before using an address, announce it,
//! defend it — or, for a statically configured address, just announce it (gratuitous ARP,
//! RFC 5227 §3) and defend it.
//!
//! A pure machine for one interface and one address at a time. Feed it every received ARP
//! packet ([`handle_arp`](AddressConflictDetection::handle_arp)); everything it sends
//! ([`poll_transmit`](AddressConflictDetection::poll_transmit)) goes to the Ethernet
//! broadcast address. Randomness (the probe delays) comes from the caller's `RngCore`, which
//! seeds a small generator owned by the machine: same seed, same schedule.
//!
//! The MAX_CONFLICTS rate limit (RFC 5227 §2.1.1) spans addresses: the machine counts every
//! conflict it sees, and once there were `max_conflicts`, a new
//! [`start_probing`](AddressConflictDetection::start_probing) waits until
//! `rate_limit_interval` after the previous attempt.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use unet_arp::{AcdConfig, AcdEvent, AddressConflictDetection, Repr};
//! use unet_core::{rng::SplitMix64, Duration, Instant};
//! use unet_ethernet::EthernetAddress;
//!
//! let me = EthernetAddress([2, 0, 0, 0, 0, 1]);
//! let addr = Ipv4Addr::new(192, 0, 2, 7);
//! let mut acd = AddressConflictDetection::new(AcdConfig::RFC5227, me);
//! acd.start_probing(Instant::ZERO, addr, &mut SplitMix64::new(1));
//! let mut now = Instant::ZERO;
//! let mut sent = Vec::new();
//! while acd.poll_event().is_none() {
//!     now = acd.poll_timeout().unwrap();
//!     acd.handle_timeout(now);
//!     sent.extend(core::iter::from_fn(|| acd.poll_transmit(now)));
//! }
//! assert_eq!(&sent[..3], &[Repr::probe(me, addr); 3]);
//! assert_eq!(sent[3], Repr::announcement(me, addr));
//! assert!(acd.is_usable());
//! ```

mod types;

use core::net::Ipv4Addr;

use unet_core::rng::{RngCore, SplitMix64};
use unet_core::{Duration, Instant};
use unet_ethernet::EthernetAddress;

use crate::{Operation, Repr};

pub use types::{
    AcdConfig, AcdEvent, AcdState, AcdStats, DefendPolicy, ACD_EVENT_QUEUE_LEN, ACD_TX_QUEUE_LEN,
};

/// RFC 5227 address conflict detection for one address. See the [module
/// documentation](self).
#[derive(Debug)]
pub struct AddressConflictDetection {
    config: AcdConfig,
    hardware_addr: EthernetAddress,
    addr: Ipv4Addr,
    state: AcdState,
    /// Probes or announcements sent in the current state.
    sent: u8,
    /// When the next scheduled step (a probe, the end of ANNOUNCE_WAIT, an announcement) is
    /// due.
    next_at: Option<Instant>,
    rng: SplitMix64,
    /// Conflicts on this interface, for MAX_CONFLICTS.
    conflicts: u32,
    /// When the last probing attempt began (its first probe was scheduled for).
    last_attempt_at: Option<Instant>,
    /// When we last defended (RFC 5227 §2.4 (b) records the conflict, (c) the defence).
    last_defence_at: Option<Instant>,
    tx: heapless::Deque<Repr, ACD_TX_QUEUE_LEN>,
    events: heapless::Deque<AcdEvent, ACD_EVENT_QUEUE_LEN>,
    stats: AcdStats,
}

impl AddressConflictDetection {
    /// An idle machine for the interface with `hardware_addr`.
    pub fn new(config: AcdConfig, hardware_addr: EthernetAddress) -> AddressConflictDetection {
        AddressConflictDetection {
            config,
            hardware_addr,
            addr: Ipv4Addr::UNSPECIFIED,
            state: AcdState::Idle,
            sent: 0,
            next_at: None,
            rng: SplitMix64::new(0),
            conflicts: 0,
            last_attempt_at: None,
            last_defence_at: None,
            tx: heapless::Deque::new(),
            events: heapless::Deque::new(),
            stats: AcdStats::default(),
        }
    }

    /// The state.
    pub fn state(&self) -> AcdState {
        self.state
    }

    /// The address being probed for or held (0.0.0.0 when idle).
    pub fn address(&self) -> Ipv4Addr {
        self.addr
    }

    /// The address may be used (announcing or bound).
    pub fn is_usable(&self) -> bool {
        matches!(self.state, AcdState::Announcing | AcdState::Bound)
    }

    /// Conflicts seen on this interface (what MAX_CONFLICTS counts).
    pub fn conflicts(&self) -> u32 {
        self.conflicts
    }

    /// Forgets past conflicts, lifting the MAX_CONFLICTS rate limit (e.g. when the link
    /// changes).
    pub fn reset_conflicts(&mut self) {
        self.conflicts = 0;
    }

    /// The counters.
    pub fn stats(&self) -> &AcdStats {
        &self.stats
    }

    /// The configuration given to [`new`](Self::new).
    pub fn config(&self) -> &AcdConfig {
        &self.config
    }

    fn reset(&mut self, addr: Ipv4Addr, state: AcdState) {
        self.addr = addr;
        self.state = state;
        self.sent = 0;
        self.next_at = None;
        self.last_defence_at = None;
        self.tx.clear();
    }

    /// Starts probing for `addr` at `now` (RFC 5227 §2.1.1): the first probe after a random
    /// 0..=PROBE_WAIT — or, after MAX_CONFLICTS conflicts, no sooner than
    /// RATE_LIMIT_INTERVAL after the previous attempt. Whatever the machine was doing is
    /// abandoned.
    pub fn start_probing(&mut self, now: Instant, addr: Ipv4Addr, rng: &mut impl RngCore) {
        self.reset(addr, AcdState::Probing);
        self.rng = SplitMix64::new(rng.next_u64());
        let mut first = now + self.random(Duration::ZERO, self.config.probe_wait);
        if self.conflicts >= self.config.max_conflicts {
            if let Some(earliest) =
                self.last_attempt_at.map(|t| t + self.config.rate_limit_interval)
            {
                if earliest > first {
                    self.stats.rate_limited += 1;
                    first = earliest;
                }
            }
        }
        self.last_attempt_at = Some(first);
        self.next_at = Some(first);
    }

    /// Starts using `addr` at `now` without probing, as for a statically configured
    /// address: [`AcdEvent::AddressReady`] at once, then ANNOUNCE_NUM announcements
    /// (gratuitous ARP, RFC 5227 §3 and RFC 826), then defending it.
    pub fn start_announcing(&mut self, now: Instant, addr: Ipv4Addr) {
        self.reset(addr, AcdState::Announcing);
        self.push_event(AcdEvent::AddressReady { addr });
        self.next_at = Some(now);
        self.advance(now);
    }

    /// Stops: the machine goes idle and sends nothing more.
    pub fn stop(&mut self) {
        self.reset(Ipv4Addr::UNSPECIFIED, AcdState::Idle);
    }

    /// A uniformly random span in `min..=max` (`min` if `max < min`).
    fn random(&mut self, min: Duration, max: Duration) -> Duration {
        let span = max.saturating_sub(min).as_micros();
        let offset = match span.checked_add(1) {
            Some(n) => self.rng.next_u64() % n,
            None => self.rng.next_u64(),
        };
        min + Duration::from_micros(offset)
    }

    fn push_event(&mut self, event: AcdEvent) {
        if self.events.is_full() {
            self.events.pop_front();
            self.stats.events_dropped += 1;
        }
        let _ = self.events.push_back(event);
    }

    fn push_tx(&mut self, repr: Repr) {
        if self.tx.is_full() {
            self.tx.pop_front();
            self.stats.tx_dropped += 1;
        }
        if repr.is_probe() {
            self.stats.probes_sent += 1;
        } else {
            self.stats.announcements_sent += 1;
        }
        let _ = self.tx.push_back(repr);
    }

    /// Runs the schedule up to `now`. Each step is timed from when it actually ran, so a
    /// late call sends one packet, not a burst. Ends even with zero timings: every pass
    /// counts a packet up to PROBE_NUM or ANNOUNCE_NUM or moves the state towards `Bound`.
    fn advance(&mut self, now: Instant) {
        while self.next_at.is_some_and(|at| at <= now) {
            let c = self.config;
            match self.state {
                AcdState::Probing if self.sent < c.probe_num => {
                    self.push_tx(Repr::probe(self.hardware_addr, self.addr));
                    self.sent += 1;
                    let wait = if self.sent < c.probe_num {
                        self.random(c.probe_min, c.probe_max)
                    } else {
                        c.announce_wait
                    };
                    self.next_at = Some(now + wait);
                }
                AcdState::Probing => {
                    // ANNOUNCE_WAIT passed in silence: the address is ours (§2.3).
                    self.state = AcdState::Announcing;
                    self.sent = 0;
                    self.push_event(AcdEvent::AddressReady { addr: self.addr });
                }
                AcdState::Announcing if self.sent < c.announce_num => {
                    self.push_tx(Repr::announcement(self.hardware_addr, self.addr));
                    self.sent += 1;
                    if self.sent < c.announce_num {
                        self.next_at = Some(now + c.announce_interval);
                    }
                }
                AcdState::Announcing => {
                    self.state = AcdState::Bound;
                    self.next_at = None;
                }
                AcdState::Idle | AcdState::Bound | AcdState::Conflict => self.next_at = None,
            }
        }
    }

    /// Takes in a received ARP packet at `now`. Packets from our own hardware address and
    /// operations other than request and reply are ignored.
    ///
    /// - Probing (RFC 5227 §2.1.1): any packet whose sender protocol address is the
    ///   candidate, or a probe (sender 0.0.0.0) whose target is the candidate, is a
    ///   conflict: [`AcdEvent::Conflict`], state [`AcdState::Conflict`].
    /// - Announcing or bound (§2.4): a packet whose sender protocol address is ours is a
    ///   conflict, handled per [`DefendPolicy`]. (Probes for our address are answered by
    ///   the neighbour cache's ordinary reply, which is the defence §2.4 expects.)
    pub fn handle_arp(&mut self, now: Instant, repr: &Repr) {
        let sha = repr.source_hardware_addr;
        if sha == self.hardware_addr
            || (repr.operation != Operation::REQUEST && repr.operation != Operation::REPLY)
        {
            return;
        }
        let claims = repr.source_protocol_addr == self.addr;
        match self.state {
            AcdState::Probing
                if claims || (repr.is_probe() && repr.target_protocol_addr == self.addr) =>
            {
                self.note_conflict();
                self.reset(self.addr, AcdState::Conflict);
                self.push_event(AcdEvent::Conflict { addr: self.addr, mac: sha });
            }
            AcdState::Announcing | AcdState::Bound if claims => self.defend(now, sha),
            _ => {}
        }
    }

    fn note_conflict(&mut self) {
        self.conflicts = self.conflicts.saturating_add(1);
        self.stats.conflicts += 1;
    }

    /// RFC 5227 §2.4.
    fn defend(&mut self, now: Instant, mac: EthernetAddress) {
        self.note_conflict();
        let addr = self.addr;
        let recent = self
            .last_defence_at
            .is_some_and(|t| now.saturating_duration_since(t) < self.config.defend_interval);
        match self.config.defend {
            DefendPolicy::Retreat => self.lose(mac),
            DefendPolicy::DefendOnce if recent => self.lose(mac),
            DefendPolicy::DefendAlways if recent => self.stats.conflicts_ignored += 1,
            DefendPolicy::DefendOnce | DefendPolicy::DefendAlways => {
                self.last_defence_at = Some(now);
                self.push_tx(Repr::announcement(self.hardware_addr, addr));
                self.push_event(AcdEvent::Defended { addr, mac });
            }
        }
    }

    fn lose(&mut self, mac: EthernetAddress) {
        let addr = self.addr;
        self.reset(addr, AcdState::Conflict);
        self.push_event(AcdEvent::AddressLost { addr, mac });
    }

    /// The next packet to broadcast at `now` (probes: sender 0.0.0.0; announcements:
    /// sender and target our address; both with target hardware address zero). The
    /// Ethernet destination is always [`EthernetAddress::BROADCAST`]. Call until `None`.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Repr> {
        self.advance(now);
        self.tx.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<AcdEvent> {
        self.events.pop_front()
    }

    /// When the next probe, announcement or state change is due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_at
    }

    /// Runs the schedule up to `now` (packets it produces wait for `poll_transmit`).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.advance(now);
    }
}

#[cfg(test)]
mod tests;
