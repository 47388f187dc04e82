//! An in-memory Ethernet switch with seeded faults, for simulations and tests.
//!
//! A [`Switch`] has any number of [`Port`]s, each a [`NetIf`] for one host. It is a
//! *learning* switch (IEEE 802.1D §7.8 in miniature): it remembers the port each source
//! MAC address was last seen on, sends a unicast frame only to the port its destination
//! was learned on, and floods broadcast, multicast and unknown destinations to every other
//! port. A frame is never sent back out of the port it came in on.
//!
//! Every port's link has its own [`LinkFaults`] (loss, duplication, reordering, corruption,
//! delay, rate limit) drawn from a SplitMix64 seeded from the switch's seed and the port's
//! creation order: the same seed, ports and traffic give the same frames at the same times.
//!
//! Time is virtual: the switch knows only what [`Switch::advance`] told it. A frame sent at
//! `now` with a delay `d` becomes receivable once the switch has been advanced to `now + d`;
//! [`Switch::next_delivery_time`] tells a simulation loop how far it may jump. With no
//! delay and no rate limit, frames are receivable at once and the clock need not move.
//!
//! The switch is single-threaded (`Rc`): ports and the [`Switch`] handle share it.

mod link;

use std::cell::RefCell;
use std::rc::Rc;

use unet_core::rng::{RngCore, SplitMix64};
use unet_core::Instant;

use link::Link;
pub use link::{LinkFaults, LinkStats};

use crate::{check_send_len, NetIf, NetIfError};

/// A port's number on its switch, in creation order from 0.
pub type PortId = usize;

/// The switch's own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwitchConfig {
    /// The MTU every port reports and enforces on send. Default 1500.
    pub mtu: usize,
    /// Entries of the MAC address table. When it is full a new address is not learned
    /// (frames to it are flooded) and [`SwitchStats::table_full`] counts it. Default 1024.
    pub mac_table_capacity: usize,
    /// Frames the mirror keeps (see [`Switch::enable_mirror`]); later frames are counted in
    /// [`SwitchStats::mirror_dropped`] and not kept. Default 100 000.
    pub mirror_capacity: usize,
}

impl Default for SwitchConfig {
    fn default() -> Self {
        SwitchConfig { mtu: 1500, mac_table_capacity: 1024, mirror_capacity: 100_000 }
    }
}

/// What the switch as a whole did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SwitchStats {
    /// Frames sent into the switch by any port.
    pub frames_in: u64,
    /// Frames flooded to every other port (broadcast, multicast, unknown destination).
    pub flooded: u64,
    /// Unicast frames dropped because their destination was learned on the sending port.
    pub filtered: u64,
    /// Source addresses not learned because the MAC table was full.
    pub table_full: u64,
    /// Frames the mirror did not keep because it was full.
    pub mirror_dropped: u64,
}

/// A frame as the switch's mirror saw it enter, before any fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirroredFrame {
    /// The switch's time when the frame was sent.
    pub at: Instant,
    /// The port that sent it.
    pub port: PortId,
    /// The frame.
    pub data: Vec<u8>,
}

#[derive(Debug)]
struct PortState {
    mac: [u8; 6],
    link: Link,
}

#[derive(Debug)]
struct Inner {
    config: SwitchConfig,
    now: Instant,
    seeds: SplitMix64,
    ports: Vec<PortState>,
    table: Vec<([u8; 6], PortId)>,
    stats: SwitchStats,
    mirror: Option<Vec<MirroredFrame>>,
}

/// A handle on an in-memory switch; clones share the same switch.
#[derive(Debug, Clone)]
pub struct Switch {
    inner: Rc<RefCell<Inner>>,
}

/// One port of a [`Switch`]: a [`NetIf`] for the host plugged into it.
#[derive(Debug)]
pub struct Port {
    inner: Rc<RefCell<Inner>>,
    id: PortId,
}

impl Switch {
    /// A switch with default settings whose faults draw from `seed`.
    pub fn new(seed: u64) -> Switch {
        Switch::with_config(seed, SwitchConfig::default())
    }

    /// A switch with `config` whose faults draw from `seed`.
    pub fn with_config(seed: u64, config: SwitchConfig) -> Switch {
        let inner = Inner {
            config,
            now: Instant::ZERO,
            seeds: SplitMix64::new(seed),
            ports: Vec::new(),
            table: Vec::new(),
            stats: SwitchStats::default(),
            mirror: None,
        };
        Switch { inner: Rc::new(RefCell::new(inner)) }
    }

    /// A switch with two ports: the in-memory pair of two hosts.
    pub fn pair(seed: u64, mac_a: [u8; 6], mac_b: [u8; 6]) -> (Switch, Port, Port) {
        let switch = Switch::new(seed);
        let a = switch.add_port(mac_a);
        let b = switch.add_port(mac_b);
        (switch, a, b)
    }

    /// Plugs in a new host whose [`NetIf::mac`] is `mac`, on a perfect link.
    pub fn add_port(&self, mac: [u8; 6]) -> Port {
        let mut inner = self.inner.borrow_mut();
        let seed = inner.seeds.next_u64();
        inner.ports.push(PortState { mac, link: Link::new(seed) });
        let id = inner.ports.len().saturating_sub(1);
        Port { inner: Rc::clone(&self.inner), id }
    }

    /// Sets the faults of the link to `port` (ignored for a port that does not exist).
    pub fn set_faults(&self, port: PortId, faults: LinkFaults) {
        if let Some(p) = self.inner.borrow_mut().ports.get_mut(port) {
            p.link.faults = faults;
        }
    }

    /// Sets the same faults on every existing port's link.
    pub fn set_faults_all(&self, faults: LinkFaults) {
        for p in &mut self.inner.borrow_mut().ports {
            p.link.faults = faults;
        }
    }

    /// The faults of the link to `port`.
    pub fn faults(&self, port: PortId) -> Option<LinkFaults> {
        self.inner.borrow().ports.get(port).map(|p| p.link.faults)
    }

    /// What the link to `port` did so far.
    pub fn stats(&self, port: PortId) -> Option<LinkStats> {
        self.inner.borrow().ports.get(port).map(|p| p.link.stats)
    }

    /// What the switch did so far.
    pub fn switch_stats(&self) -> SwitchStats {
        self.inner.borrow().stats
    }

    /// Number of ports.
    pub fn port_count(&self) -> usize {
        self.inner.borrow().ports.len()
    }

    /// Frames in flight towards `port` (queued, delayed or held back).
    pub fn in_flight(&self, port: PortId) -> usize {
        self.inner.borrow().ports.get(port).map_or(0, |p| p.link.in_flight())
    }

    /// The switch's current time.
    pub fn now(&self) -> Instant {
        self.inner.borrow().now
    }

    /// Moves the switch's clock to `now` (never backwards): frames due by then become
    /// receivable, held-back frames whose wait is over are released.
    pub fn advance(&self, now: Instant) {
        let mut inner = self.inner.borrow_mut();
        if now > inner.now {
            inner.now = now;
        }
        let now = inner.now;
        for p in &mut inner.ports {
            p.link.advance(now);
        }
    }

    /// When the next frame becomes receivable on any port (possibly already, if it is not
    /// after [`Switch::now`]), or `None` when nothing is in flight.
    pub fn next_delivery_time(&self) -> Option<Instant> {
        self.inner.borrow().ports.iter().filter_map(|p| p.link.next_event()).min()
    }

    /// When the next frame becomes receivable strictly after `t`: what a simulation loop
    /// jumps to once everything due by `t` was handled (a frame left unread on a port with
    /// no host would otherwise keep [`Switch::next_delivery_time`] in the past forever).
    pub fn next_delivery_after(&self, t: Instant) -> Option<Instant> {
        self.inner.borrow().ports.iter().filter_map(|p| p.link.next_event_after(t)).min()
    }

    /// Starts recording every frame sent into the switch (up to
    /// [`SwitchConfig::mirror_capacity`]), e.g. to write a pcap of a simulation.
    pub fn enable_mirror(&self) {
        let mut inner = self.inner.borrow_mut();
        if inner.mirror.is_none() {
            inner.mirror = Some(Vec::new());
        }
    }

    /// The frames mirrored since the last call (recording goes on).
    pub fn take_mirror(&self) -> Vec<MirroredFrame> {
        self.inner.borrow_mut().mirror.as_mut().map(std::mem::take).unwrap_or_default()
    }
}

impl Inner {
    fn learn(&mut self, mac: [u8; 6], port: PortId) {
        if mac[0] & 1 != 0 {
            return; // a group address is never a source (IEEE 802.1D §7.8)
        }
        if let Some(entry) = self.table.iter_mut().find(|(m, _)| *m == mac) {
            entry.1 = port;
        } else if self.table.len() < self.config.mac_table_capacity {
            self.table.push((mac, port));
        } else {
            self.stats.table_full = self.stats.table_full.saturating_add(1);
        }
    }

    fn forward(&mut self, from: PortId, frame: &[u8]) {
        let now = self.now;
        self.stats.frames_in = self.stats.frames_in.saturating_add(1);
        if let Some(mirror) = &mut self.mirror {
            if mirror.len() < self.config.mirror_capacity {
                mirror.push(MirroredFrame { at: now, port: from, data: frame.to_vec() });
            } else {
                self.stats.mirror_dropped = self.stats.mirror_dropped.saturating_add(1);
            }
        }
        // check_send_len guarantees the 14-byte header.
        let (Some(dst), Some(src)) = (frame.get(0..6), frame.get(6..12)) else { return };
        let (Ok(dst), Ok(src)) = (<[u8; 6]>::try_from(dst), <[u8; 6]>::try_from(src)) else {
            return;
        };
        self.learn(src, from);
        let known = if dst[0] & 1 == 0 {
            self.table.iter().find(|(m, _)| *m == dst).map(|&(_, p)| p)
        } else {
            None
        };
        match known {
            Some(to) if to == from => {
                self.stats.filtered = self.stats.filtered.saturating_add(1);
            }
            Some(to) => {
                if let Some(p) = self.ports.get_mut(to) {
                    p.link.offer(now, frame);
                }
            }
            None => {
                self.stats.flooded = self.stats.flooded.saturating_add(1);
                for (id, p) in self.ports.iter_mut().enumerate() {
                    if id != from {
                        p.link.offer(now, frame);
                    }
                }
            }
        }
    }
}

impl Port {
    /// This port's number on its switch.
    pub fn id(&self) -> PortId {
        self.id
    }

    /// A handle on the switch this port is plugged into.
    pub fn switch(&self) -> Switch {
        Switch { inner: Rc::clone(&self.inner) }
    }
}

impl NetIf for Port {
    fn mac(&self) -> [u8; 6] {
        self.inner.borrow().ports.get(self.id).map_or([0; 6], |p| p.mac)
    }

    fn mtu(&self) -> usize {
        self.inner.borrow().config.mtu
    }

    /// The next frame due at the switch's time. A frame longer than `buf` is dropped
    /// (counted in [`LinkStats::too_big`]) and reported as
    /// [`NetIfError::BufferTooSmall`], so a short buffer cannot wedge the port.
    fn recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>, NetIfError> {
        let mut inner = self.inner.borrow_mut();
        let now = inner.now;
        let Some(port) = inner.ports.get_mut(self.id) else { return Ok(None) };
        let Some(frame) = port.link.pop_due(now) else { return Ok(None) };
        match buf.get_mut(..frame.len()) {
            Some(dst) => {
                dst.copy_from_slice(&frame);
                port.link.stats.delivered = port.link.stats.delivered.saturating_add(1);
                Ok(Some(frame.len()))
            }
            None => {
                port.link.stats.too_big = port.link.stats.too_big.saturating_add(1);
                Err(NetIfError::BufferTooSmall { len: buf.len(), needed: frame.len() })
            }
        }
    }

    fn send(&mut self, frame: &[u8]) -> Result<(), NetIfError> {
        let mut inner = self.inner.borrow_mut();
        check_send_len(frame, inner.config.mtu)?;
        if let Some(p) = inner.ports.get_mut(self.id) {
            p.link.stats.sent = p.link.stats.sent.saturating_add(1);
        }
        inner.forward(self.id, frame);
        Ok(())
    }
}

#[cfg(unix)]
impl crate::Pollable for Port {
    /// None: a port has no descriptor; a host runner sleeps until its next deadline.
    fn raw_fd(&self) -> Option<std::os::unix::io::RawFd> {
        None
    }
}
