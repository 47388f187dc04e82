//! The server machine (RFC 2131 §4.3): datagrams in, replies with their destination out
//! (§4.1), lease expiry and offer holds by time, probes before first offers.

use core::net::Ipv4Addr;

use managed::ManagedSlice;
use unet_core::{Duration, Instant};

use crate::message::{Message, Op};
use crate::option::MessageType;
use crate::repr::Repr;

use super::config::ServerConfig;
use super::lease::{Lease, LeaseState};
use super::reply::REPLY_MAX;
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

mod pool;
mod respond;

use pool::Choice;

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
}

pub(super) fn add(now: Instant, d: Duration) -> Instant {
    now.checked_add(d).unwrap_or(Instant::MAX)
}
