//! The server machine (RFC 2131 §4.3): datagrams in, replies with their destination out
//! (§4.1), lease expiry and offer holds by time, probes before first offers.

use core::net::Ipv4Addr;

use managed::ManagedSlice;
use unet_core::{Duration, Instant};

use crate::message::{Flags, Message, Op};
use crate::option::{MessageType, OptionBuilder, OptionCode};
use crate::repr::{Repr, Vendor};

use super::config::{HostMatch, Reservation, ServerConfig, Subnet};
use super::lease::{ClientKey, Lease, LeaseState};
use super::reply::{copy_option, write_reply, ReplyFields, REPLY_MAX};
use super::request::Request;
use super::store::LeaseStore;
use super::Counters;

/// DHCP server port.
pub const SERVER_PORT: u16 = 67;
/// DHCP client port.
pub const CLIENT_PORT: u16 = 68;
/// Probes (ping-checks) in flight at most; a DISCOVER that needs one more is dropped
/// (counted in `probe_busy`), and the client's retransmission tries again.
pub const PROBE_SLOTS: usize = 4;
/// Largest request kept while its address is probed (larger ones are offered without
/// waiting: never the case for real clients, which send ≤ 576 octets).
pub const PROBE_DATAGRAM: usize = 1024;

/// Where a datagram came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RxMeta {
    /// Source address (0.0.0.0 from a client without an address, a relay's otherwise).
    pub src: Ipv4Addr,
    /// The address of the interface it came in on (picks the subnet when `giaddr` is 0;
    /// the default server identifier).
    pub local: Ipv4Addr,
}

/// A reply to send (RFC 2131 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// Destination address: a relay (`giaddr`), the client's `ciaddr`,
    /// 255.255.255.255, or `yiaddr`.
    pub dst: Ipv4Addr,
    /// Destination port: 67 to a relay, 68 to a client.
    pub port: u16,
    /// For a unicast to `yiaddr` of a client that has no address yet: its hardware
    /// address, so the runner sends the frame there without ARP. A runner that cannot
    /// do that sends to 255.255.255.255 instead (allowed by §4.1).
    pub hw_dst: Option<[u8; 6]>,
    /// The source address to use (the server identifier).
    pub src: Ipv4Addr,
    /// Octets of the reply in the buffer given to `poll_transmit`.
    pub len: usize,
}

/// What the server asks of its runner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Probe this address (ARP probe or ICMP echo); call
    /// [`Server::handle_probe_answer`] if anything answers before the probe timeout.
    Probe(Ipv4Addr),
}

struct ProbeSlot {
    addr: Ipv4Addr,
    deadline: Instant,
    meta: RxMeta,
    len: usize,
    data: [u8; PROBE_DATAGRAM],
}

/// The DHCP server. `S` makes leases durable; the lease table is user storage (its
/// length is the capacity; see the module docs for what happens when full).
pub struct Server<'a, S: LeaseStore> {
    config: ServerConfig,
    leases: ManagedSlice<'a, Option<Lease>>,
    store: S,
    counters: Counters,
    reply: Option<Transmit>,
    reply_buf: [u8; REPLY_MAX],
    probes: [Option<ProbeSlot>; PROBE_SLOTS],
    events: heapless::Deque<Event, PROBE_SLOTS>,
    rover: u32,
}

impl<S: LeaseStore> core::fmt::Debug for Server<'_, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Server")
            .field("leases", &self.leases.len())
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

enum Choice {
    Addr(usize, Ipv4Addr),
    None,
}

impl<'a, S: LeaseStore> Server<'a, S> {
    /// A server with `config`, a lease table in `leases` (every slot `None`, or entries
    /// reloaded from a store) and the store `store`.
    pub fn new(
        config: ServerConfig,
        leases: impl Into<ManagedSlice<'a, Option<Lease>>>,
        store: S,
    ) -> Server<'a, S> {
        Server {
            config,
            leases: leases.into(),
            store,
            counters: Counters::default(),
            reply: None,
            reply_buf: [0; REPLY_MAX],
            probes: [const { None }; PROBE_SLOTS],
            events: heapless::Deque::new(),
            rover: 0,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Counters of everything answered, dropped or refused.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// The lease table (empty slots are `None`).
    pub fn leases(&self) -> &[Option<Lease>] {
        &self.leases
    }

    /// The store.
    pub fn store(&mut self) -> &mut S {
        &mut self.store
    }

    /// Puts a lease (e.g. reloaded from a file) into the table; false when the table
    /// is full.
    pub fn restore(&mut self, lease: Lease) -> bool {
        if let Some(i) = self.find_addr(lease.addr) {
            self.leases[i] = Some(lease);
            return true;
        }
        match self.leases.iter().position(Option::is_none) {
            Some(i) => {
                self.leases[i] = Some(lease);
                true
            }
            None => false,
        }
    }

    /// Handles one datagram received on port 67 at `now`. The reply, if any, is then
    /// returned by [`Server::poll_transmit`].
    pub fn handle_datagram(&mut self, now: Instant, meta: RxMeta, data: &[u8]) {
        self.counters.received += 1;
        self.answer(now, meta, data);
    }

    /// The reply to send, written into `buf` (at least [`REPLY_MAX`] octets is always
    /// enough); `None` when there is nothing to send or `buf` is too small (counted).
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<Transmit> {
        let t = self.reply.take()?;
        match buf.get_mut(..t.len) {
            Some(out) => {
                out.copy_from_slice(&self.reply_buf[..t.len]);
                Some(t)
            }
            None => {
                self.counters.tx_buffer_small += 1;
                None
            }
        }
    }

    /// The next request for the runner (probes).
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Something answered a probe of `addr`: the address is in use. It is quarantined
    /// like a declined one and the waiting client is offered another.
    pub fn handle_probe_answer(&mut self, now: Instant, addr: Ipv4Addr) {
        let Some(k) = self.probes.iter().position(|p| p.as_ref().is_some_and(|p| p.addr == addr))
        else {
            return;
        };
        self.counters.probe_in_use += 1;
        if let Some(i) = self.find_addr(addr) {
            if let Some(l) = self.leases[i].as_mut() {
                l.state = LeaseState::Declined;
                l.expires = add(now, self.config.decline_quarantine);
            }
        }
        self.finish_probe(now, k);
    }

    /// When to call [`Server::handle_timeout`] next: the earliest probe deadline. Lease
    /// and hold expiry need no timer (they are compared with `now` when used).
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.probes.iter().flatten().map(|p| p.deadline).min()
    }

    /// Finishes probes whose time is up (nothing answered: the address is free), one per
    /// call so that each reply can be polled; call again while `poll_timeout` ≤ `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some(k) =
            self.probes.iter().position(|p| p.as_ref().is_some_and(|p| p.deadline <= now))
        {
            let addr = self.probes[k].as_ref().map(|p| p.addr);
            if let Some(i) = addr.and_then(|a| self.find_addr(a)) {
                if let Some(l) = self.leases[i].as_mut() {
                    if l.state == LeaseState::Probing {
                        l.probed = true;
                        l.state = LeaseState::Offered;
                        l.expires = add(now, self.config.offer_hold);
                    }
                }
            }
            self.finish_probe(now, k);
        }
    }

    fn finish_probe(&mut self, now: Instant, k: usize) {
        if let Some(p) = self.probes[k].take() {
            let len = p.len.min(PROBE_DATAGRAM);
            self.answer(now, p.meta, &p.data[..len]);
        }
    }

    fn find_addr(&self, addr: Ipv4Addr) -> Option<usize> {
        self.leases.iter().position(|l| l.as_ref().is_some_and(|l| l.addr == addr))
    }

    fn find_client(&self, client: &ClientKey, subnet: &Subnet) -> Option<usize> {
        self.leases.iter().position(|l| {
            l.as_ref().is_some_and(|l| {
                l.client == *client && l.state != LeaseState::Declined && subnet.contains(l.addr)
            })
        })
    }

    fn reservation(&self, req: &Request<'_>) -> Option<&Reservation> {
        let mac = (req.repr.htype.0 == 1 && req.repr.hlen == 6).then(|| {
            let mut m = [0u8; 6];
            m.copy_from_slice(&req.repr.chaddr[..6]);
            m
        });
        let by_id = req.client_id.and_then(|id| {
            self.config
                .reservations
                .iter()
                .find(|r| matches!(&r.host, HostMatch::ClientId(c) if c.as_slice() == id))
        });
        by_id.or_else(|| {
            mac.and_then(|m| self.config.reservations.iter().find(|r| r.host == HostMatch::Mac(m)))
        })
    }

    /// True when `addr` is reserved for someone other than `req`'s client.
    fn reserved_for_other(&self, addr: Ipv4Addr, mine: Option<Ipv4Addr>) -> bool {
        mine != Some(addr) && self.config.reservation_at(addr).is_some()
    }

    fn in_ranges(subnet: &Subnet, addr: Ipv4Addr) -> bool {
        let a = u32::from(addr);
        subnet.assignable(addr)
            && subnet.ranges.iter().any(|(f, l)| u32::from(*f) <= a && a <= u32::from(*l))
    }

    /// A table slot for `addr`: its entry, an empty slot, or the free entry that
    /// expired first (RFC 2131 §4.3.1 "oldest" reuse).
    fn slot_for(&mut self, addr: Ipv4Addr, now: Instant) -> Option<usize> {
        if let Some(i) = self.find_addr(addr) {
            return Some(i);
        }
        if let Some(i) = self.leases.iter().position(Option::is_none) {
            return Some(i);
        }
        let i = self
            .leases
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.as_ref().filter(|l| l.is_free(now)).map(|l| (i, l.expires)))
            .min_by_key(|(_, e)| *e)
            .map(|(i, _)| i)?;
        self.counters.lease_evicted += 1;
        Some(i)
    }

    /// Picks the address for a DISCOVER (§4.3.1): the reservation, the client's current
    /// or previous address, the requested one if free, a never-used one, the free entry
    /// unused longest.
    fn choose(&mut self, req: &Request<'_>, sn: usize, now: Instant) -> Choice {
        let subnet = self.config.subnets[sn].clone();
        let mine = self.reservation(req).map(|r| r.addr).filter(|a| subnet.contains(*a));
        let usable = |s: &Self, a: Ipv4Addr| match s.find_addr(a) {
            Some(i) => s.leases[i].as_ref().is_some_and(|l| l.usable_by(&req.client, now)),
            None => true,
        };
        if let Some(a) = mine {
            if usable(self, a) {
                return self.slot_for(a, now).map_or(Choice::None, |i| Choice::Addr(i, a));
            }
            self.counters.reservation_in_use += 1;
            return Choice::None;
        }
        if let Some(i) = self.find_client(&req.client, &subnet) {
            let a = self.leases[i].as_ref().map(|l| l.addr);
            if let Some(a) = a {
                if Self::in_ranges(&subnet, a) && !self.reserved_for_other(a, None) {
                    return Choice::Addr(i, a);
                }
            }
        }
        if let Some(a) = req.requested_ip {
            if Self::in_ranges(&subnet, a) && !self.reserved_for_other(a, None) && usable(self, a) {
                if let Some(i) = self.slot_for(a, now) {
                    return Choice::Addr(i, a);
                }
            }
        }
        // A never-used address, scanning from a rover so that allocation is usually one
        // table scan.
        let size: u32 = subnet
            .ranges
            .iter()
            .map(|(f, l)| (u32::from(*l) - u32::from(*f)).saturating_add(1))
            .fold(0u32, u32::saturating_add);
        if size > 0 && self.leases.iter().any(Option::is_none) {
            for k in 0..size {
                let mut off = (self.rover.wrapping_add(k)) % size;
                let mut cand = None;
                for (f, l) in &subnet.ranges {
                    let n = u32::from(*l) - u32::from(*f) + 1;
                    if off < n {
                        cand = Some(Ipv4Addr::from(u32::from(*f) + off));
                        break;
                    }
                    off -= n;
                }
                let Some(a) = cand else { continue };
                if subnet.assignable(a)
                    && self.config.reservation_at(a).is_none()
                    && self.find_addr(a).is_none()
                {
                    self.rover = self.rover.wrapping_add(k + 1);
                    return self.slot_for(a, now).map_or(Choice::None, |i| Choice::Addr(i, a));
                }
            }
        }
        // The free entry of this pool unused longest.
        let old = self
            .leases
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                l.as_ref()
                    .filter(|l| {
                        l.usable_by(&req.client, now)
                            && Self::in_ranges(&subnet, l.addr)
                            && self.config.reservation_at(l.addr).is_none()
                    })
                    .map(|l| (i, l.expires, l.addr))
            })
            .min_by_key(|(_, e, _)| *e)
            .map(|(i, _, a)| (i, a));
        match old {
            Some((i, a)) => Choice::Addr(i, a),
            None => {
                if self.leases.iter().all(Option::is_some) {
                    self.counters.table_full += 1;
                } else {
                    self.counters.pool_exhausted += 1;
                }
                Choice::None
            }
        }
    }

    fn lease_time(&self, req: &Request<'_>) -> Duration {
        let l = self.config.lease;
        match req.lease_secs {
            Some(s) => {
                let d = Duration::from_secs(u64::from(s));
                if d < l.min {
                    l.min
                } else if d > l.max {
                    l.max
                } else {
                    d
                }
            }
            None => l.default,
        }
    }

    fn answer(&mut self, now: Instant, meta: RxMeta, data: &[u8]) {
        let Ok(msg) = Message::new_checked(data) else {
            self.counters.malformed += 1;
            return;
        };
        let Ok(repr) = Repr::parse(&msg) else {
            self.counters.malformed += 1;
            return;
        };
        if repr.op != Op::BOOTREQUEST {
            self.counters.not_request += 1;
            return;
        }
        let Some(req) = Request::new(&repr) else {
            self.counters.malformed += 1;
            return;
        };
        let pick = if repr.giaddr.is_unspecified() { meta.local } else { repr.giaddr };
        let sn = match self.config.subnet_of(pick) {
            Some(i) => i,
            None if self.config.subnets.len() == 1 && repr.giaddr.is_unspecified() => 0,
            None => {
                self.counters.no_subnet += 1;
                return;
            }
        };
        let subnet = &self.config.subnets[sn];
        let sid = subnet.server_id.unwrap_or(meta.local);
        match req.kind {
            None if self.config.bootp => self.bootp(now, &req, sn, sid),
            None => self.counters.bootp_ignored += 1,
            Some(MessageType::DISCOVER) => self.discover(now, meta, data, &req, sn, sid),
            Some(MessageType::REQUEST) => self.request(now, &req, sn, sid),
            Some(MessageType::DECLINE) => self.decline(now, &req, sid),
            Some(MessageType::RELEASE) => self.release(now, &req, sid),
            Some(MessageType::INFORM) => self.inform(&req, sn, sid),
            Some(_) => self.counters.unexpected_type += 1,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn discover(
        &mut self,
        now: Instant,
        meta: RxMeta,
        data: &[u8],
        req: &Request<'_>,
        sn: usize,
        sid: Ipv4Addr,
    ) {
        let Choice::Addr(i, addr) = self.choose(req, sn, now) else { return };
        let lease_time = self.lease_time(req);
        let probed = self.leases[i].as_ref().is_some_and(|l| l.addr == addr && l.probed);
        if let (Some(timeout), false) = (self.config.probe_timeout, probed) {
            if data.len() > PROBE_DATAGRAM {
                self.counters.probe_skipped += 1;
            } else if let Some(k) = self.probes.iter().position(Option::is_none) {
                if self.probes.iter().flatten().any(|p| p.addr == addr) {
                    return; // already probing it for this client (a retransmission)
                }
                let mut slot = ProbeSlot {
                    addr,
                    deadline: add(now, timeout),
                    meta,
                    len: data.len(),
                    data: [0; PROBE_DATAGRAM],
                };
                slot.data[..data.len()].copy_from_slice(data);
                self.probes[k] = Some(slot);
                self.leases[i] = Some(Lease {
                    addr,
                    client: req.client,
                    state: LeaseState::Probing,
                    expires: add(now, timeout.saturating_mul(2)),
                    probed: false,
                });
                let _ = self.events.push_back(Event::Probe(addr));
                self.counters.probes += 1;
                return;
            } else {
                self.counters.probe_busy += 1;
                return;
            }
        }
        if req.rapid_commit && self.config.rapid_commit {
            let lease = Lease {
                addr,
                client: req.client,
                state: LeaseState::Bound,
                expires: add(now, lease_time),
                probed: true,
            };
            if self.store.commit(&lease, now).is_err() {
                self.counters.store_failed += 1;
                return;
            }
            self.leases[i] = Some(lease);
            self.counters.acks += 1;
            self.send(req, sn, sid, MessageType::ACK, addr, Some(lease_time), true);
            return;
        }
        let prev_bound = self.leases[i].as_ref().is_some_and(|l| {
            l.client == req.client && l.state == LeaseState::Bound && l.expires > now
        });
        if !prev_bound {
            self.leases[i] = Some(Lease {
                addr,
                client: req.client,
                state: LeaseState::Offered,
                expires: add(now, self.config.offer_hold),
                probed: true,
            });
        }
        self.counters.offers += 1;
        self.send(req, sn, sid, MessageType::OFFER, addr, Some(lease_time), false);
    }

    fn request(&mut self, now: Instant, req: &Request<'_>, sn: usize, sid: Ipv4Addr) {
        let subnet = self.config.subnets[sn].clone();
        let ciaddr = req.repr.ciaddr;
        if let Some(their) = req.server_id {
            // SELECTING (§4.3.2).
            if their != sid {
                // The client chose another server: our offer is void.
                if let Some(i) = self.find_client(&req.client, &subnet) {
                    if let Some(l) = self.leases[i].as_mut() {
                        if l.state == LeaseState::Offered {
                            l.state = LeaseState::Released;
                            l.expires = now;
                        }
                    }
                }
                self.counters.other_server += 1;
                return;
            }
            let want = req.requested_ip.unwrap_or(ciaddr);
            match self.find_addr(want) {
                Some(i)
                    if self.leases[i].as_ref().is_some_and(|l| {
                        l.client == req.client && l.state != LeaseState::Declined
                    }) =>
                {
                    self.bind(now, req, sn, sid, i, want)
                }
                _ => self.nak(req, sid, "address not offered to you"),
            }
            return;
        }
        let (want, init_reboot) = if ciaddr.is_unspecified() {
            match req.requested_ip {
                Some(a) => (a, true),
                None => {
                    self.counters.malformed += 1;
                    return;
                }
            }
        } else {
            (ciaddr, false)
        };
        if !subnet.contains(want) {
            self.nak(req, sid, "wrong network");
            return;
        }
        let mine = self.reservation(req).map(|r| r.addr);
        if let Some(m) = mine.filter(|m| subnet.contains(*m)) {
            if m != want {
                self.nak(req, sid, "address reserved elsewhere for you");
                return;
            }
        }
        match self.find_addr(want) {
            Some(i) => {
                let ok = self.leases[i].as_ref().is_some_and(|l| l.usable_by(&req.client, now));
                if ok && !self.reserved_for_other(want, mine) {
                    self.bind(now, req, sn, sid, i, want)
                } else {
                    self.nak(req, sid, "address in use")
                }
            }
            None if init_reboot && self.find_client(&req.client, &subnet).is_some() => {
                self.nak(req, sid, "not your address")
            }
            None if init_reboot && mine.is_none() => {
                // §4.3.2 INIT-REBOOT: no record of this client: remain silent.
                self.counters.unknown_client += 1;
            }
            None => {
                // RENEWING/REBINDING with an address we have no record of (e.g. lost
                // state): grant it when it is ours to give and free.
                let ours = Self::in_ranges(&subnet, want) || mine == Some(want);
                if ours && !self.reserved_for_other(want, mine) {
                    match self.slot_for(want, now) {
                        Some(i) => self.bind(now, req, sn, sid, i, want),
                        None => {
                            self.counters.table_full += 1;
                        }
                    }
                } else {
                    self.nak(req, sid, "address not in pool")
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn bind(
        &mut self,
        now: Instant,
        req: &Request<'_>,
        sn: usize,
        sid: Ipv4Addr,
        i: usize,
        addr: Ipv4Addr,
    ) {
        let t = self.lease_time(req);
        let lease = Lease {
            addr,
            client: req.client,
            state: LeaseState::Bound,
            expires: add(now, t),
            probed: true,
        };
        if self.store.commit(&lease, now).is_err() {
            self.counters.store_failed += 1;
            self.nak(req, sid, "lease store failed");
            return;
        }
        self.leases[i] = Some(lease);
        self.counters.acks += 1;
        self.send(req, sn, sid, MessageType::ACK, addr, Some(t), false);
    }

    fn decline(&mut self, now: Instant, req: &Request<'_>, sid: Ipv4Addr) {
        if req.server_id.is_some_and(|s| s != sid) {
            self.counters.other_server += 1;
            return;
        }
        let Some(a) = req.requested_ip else {
            self.counters.malformed += 1;
            return;
        };
        if let Some(i) = self.find_addr(a) {
            if let Some(l) = self.leases[i].as_mut() {
                if l.client == req.client {
                    l.state = LeaseState::Declined;
                    l.expires = add(now, self.config.decline_quarantine);
                    let l = *l;
                    let _ = self.store.commit(&l, now);
                    self.counters.declined += 1;
                    return;
                }
            }
        }
        self.counters.unknown_client += 1;
    }

    fn release(&mut self, now: Instant, req: &Request<'_>, sid: Ipv4Addr) {
        if req.server_id.is_some_and(|s| s != sid) {
            self.counters.other_server += 1;
            return;
        }
        if let Some(i) = self.find_addr(req.repr.ciaddr) {
            if let Some(l) = self.leases[i].as_mut() {
                if l.client == req.client && l.state == LeaseState::Bound {
                    l.state = LeaseState::Released;
                    l.expires = now;
                    let l = *l;
                    let _ = self.store.commit(&l, now);
                    self.counters.released += 1;
                    return;
                }
            }
        }
        self.counters.unknown_client += 1;
    }

    fn inform(&mut self, req: &Request<'_>, sn: usize, sid: Ipv4Addr) {
        if req.repr.ciaddr.is_unspecified() && req.repr.giaddr.is_unspecified() {
            self.counters.malformed += 1;
            return;
        }
        self.counters.informs += 1;
        self.send(req, sn, sid, MessageType::ACK, Ipv4Addr::UNSPECIFIED, None, false);
    }

    fn bootp(&mut self, now: Instant, req: &Request<'_>, sn: usize, sid: Ipv4Addr) {
        let Choice::Addr(i, addr) = self.choose(req, sn, now) else { return };
        let lease = Lease {
            addr,
            client: req.client,
            state: LeaseState::Bound,
            expires: Instant::MAX,
            probed: true,
        };
        if self.store.commit(&lease, now).is_err() {
            self.counters.store_failed += 1;
            return;
        }
        self.leases[i] = Some(lease);
        self.counters.bootp_replies += 1;
        let dst = self.destination(req, addr, false, sid);
        let fields = ReplyFields {
            op: Op::BOOTREPLY,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: addr,
            flags: req.repr.flags,
        };
        let cookie = matches!(req.repr.vendor, Vendor::Options(_));
        let subnet = &self.config.subnets[sn];
        let host = self.reservation(req).map(|r| r.options.clone());
        let (len, dropped) = write_reply(req, &fields, cookie, &mut self.reply_buf, |b| {
            let _ = b.push_raw(OptionCode::SUBNET_MASK, &subnet.mask().octets());
            if !subnet.routers.is_empty() {
                let _ = b.push_addresses(OptionCode::ROUTER, &subnet.routers);
            }
            push_configured(b, &[], host.as_deref().unwrap_or(&[]), &subnet.options);
        });
        self.counters.options_dropped += dropped;
        self.queue(Transmit { len, ..dst });
    }

    fn nak(&mut self, req: &Request<'_>, sid: Ipv4Addr, why: &str) {
        self.counters.naks += 1;
        let mut dst = self.destination(req, Ipv4Addr::UNSPECIFIED, true, sid);
        let mut flags = req.repr.flags;
        if !req.repr.giaddr.is_unspecified() {
            // §4.3.2: through a relay, the broadcast bit tells it to broadcast the NAK.
            flags |= Flags::BROADCAST;
        }
        let fields = ReplyFields {
            op: Op::BOOTREPLY,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: Ipv4Addr::UNSPECIFIED,
            flags,
        };
        let relay = req.has_relay.then_some(req.relay.as_slice());
        let (len, _) = write_reply(req, &fields, true, &mut self.reply_buf, |b| {
            let _ = b.push_raw(OptionCode::MESSAGE_TYPE, &[MessageType::NAK.0]);
            let _ = b.push_raw(OptionCode::SERVER_ID, &sid.octets());
            let _ = b.push_raw(OptionCode::MESSAGE, why.as_bytes());
            if let Some(r) = relay {
                let _ = b.push_raw(OptionCode::RELAY_AGENT_INFORMATION, r);
            }
        });
        dst.len = len;
        self.queue(dst);
    }

    /// RFC 2131 §4.1 destination rules.
    fn destination(
        &self,
        req: &Request<'_>,
        yiaddr: Ipv4Addr,
        nak: bool,
        sid: Ipv4Addr,
    ) -> Transmit {
        let r = &req.repr;
        let base = Transmit {
            dst: Ipv4Addr::BROADCAST,
            port: CLIENT_PORT,
            hw_dst: None,
            src: sid,
            len: 0,
        };
        if !r.giaddr.is_unspecified() {
            Transmit { dst: r.giaddr, port: SERVER_PORT, ..base }
        } else if nak {
            base
        } else if !r.ciaddr.is_unspecified() {
            Transmit { dst: r.ciaddr, ..base }
        } else if r.flags.contains(Flags::BROADCAST) || yiaddr.is_unspecified() {
            base
        } else {
            let hw = (r.htype.0 == 1 && r.hlen == 6).then(|| {
                let mut m = [0u8; 6];
                m.copy_from_slice(&r.chaddr[..6]);
                m
            });
            match hw {
                Some(hw) => Transmit { dst: yiaddr, hw_dst: Some(hw), ..base },
                None => base,
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        req: &Request<'_>,
        sn: usize,
        sid: Ipv4Addr,
        kind: MessageType,
        yiaddr: Ipv4Addr,
        lease: Option<Duration>,
        rapid: bool,
    ) {
        let inform = lease.is_none();
        let dst = if inform {
            let r = &req.repr;
            let base =
                Transmit { dst: r.ciaddr, port: CLIENT_PORT, hw_dst: None, src: sid, len: 0 };
            if r.giaddr.is_unspecified() {
                base
            } else {
                Transmit { dst: r.giaddr, port: SERVER_PORT, ..base }
            }
        } else {
            self.destination(req, yiaddr, false, sid)
        };
        let ciaddr = if kind == MessageType::ACK { req.repr.ciaddr } else { Ipv4Addr::UNSPECIFIED };
        let fields = ReplyFields { op: Op::BOOTREPLY, ciaddr, yiaddr, flags: req.repr.flags };
        let subnet = &self.config.subnets[sn];
        let host =
            self.reservation(req).filter(|r| r.addr == yiaddr || inform).map(|r| r.options.clone());
        let relay = req.has_relay.then_some(req.relay.as_slice());
        let (len, dropped) = write_reply(req, &fields, true, &mut self.reply_buf, |b| {
            let _ = b.push_raw(OptionCode::MESSAGE_TYPE, &[kind.0]);
            let _ = b.push_raw(OptionCode::SERVER_ID, &sid.octets());
            if let Some(t) = lease {
                let s = u32::try_from(t.as_secs()).unwrap_or(u32::MAX);
                let _ = b.push_raw(OptionCode::LEASE_TIME, &s.to_be_bytes());
                let _ = b.push_raw(OptionCode::RENEWAL_TIME, &(s / 2).to_be_bytes());
                let _ = b.push_raw(
                    OptionCode::REBINDING_TIME,
                    &(((u64::from(s)) * 7 / 8) as u32).to_be_bytes(),
                );
            }
            // Requested options first, in the client's order (§4.3.1), then the rest.
            let host = host.as_deref().unwrap_or(&[]);
            for &c in &req.prl {
                push_one(b, c, subnet, host);
            }
            for c in [1u8, 3] {
                if !req.prl.contains(&c) {
                    push_one(b, c, subnet, host);
                }
            }
            push_configured(b, &req.prl, host, &subnet.options);
            if rapid {
                let _ = b.push_raw(OptionCode::RAPID_COMMIT, &[]);
            }
            if let Some(r) = relay {
                // RFC 3046 §2.2: echoed unchanged, last.
                let _ = b.push_raw(OptionCode::RELAY_AGENT_INFORMATION, r);
            }
        });
        self.counters.options_dropped += dropped;
        self.queue(Transmit { len, ..dst });
    }

    fn queue(&mut self, t: Transmit) {
        if self.reply.is_some() {
            self.counters.reply_overwritten += 1;
        }
        self.reply = Some(t);
    }
}

/// One option by code: the mask and routers from the subnet, else the host's, else the
/// subnet's configured value.
fn push_one(b: &mut OptionBuilder<'_>, code: u8, subnet: &Subnet, host: &[u8]) {
    match code {
        1 => {
            let _ = b.push_raw(OptionCode::SUBNET_MASK, &subnet.mask().octets());
        }
        3 if !subnet.routers.is_empty() => {
            if !copy_option(b, host, 3) {
                let _ = b.push_addresses(OptionCode::ROUTER, &subnet.routers);
            }
        }
        0 | 255 | 50..=59 | 61 | 80 | 82 => {}
        c => {
            if !copy_option(b, host, c) {
                copy_option(b, &subnet.options, c);
            }
        }
    }
}

/// Every configured option not in `skip` and not the mask/routers (host options
/// override the subnet's with the same code).
fn push_configured(b: &mut OptionBuilder<'_>, skip: &[u8], host: &[u8], subnet: &[u8]) {
    for o in it(host).chain(it(subnet).filter(|o| !it(host).any(|h| h.code == o.code))) {
        if !skip.contains(&o.code.0) && o.code.0 != 1 && o.code.0 != 3 {
            let _ = b.push_raw(o.code, o.data);
        }
    }
}

fn it(o: &[u8]) -> impl Iterator<Item = crate::option::RawOption<'_>> {
    crate::option::OptionIter::new(o).map_while(Result::ok)
}

fn add(now: Instant, d: Duration) -> Instant {
    now.checked_add(d).unwrap_or(Instant::MAX)
}
