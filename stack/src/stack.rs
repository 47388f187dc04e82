//! The [`Stack`]: one value composing the layers into an IPv4 host.

use core::net::Ipv4Addr;

use heapless::{Deque, Vec};
use unet_arp::{
    AcdConfig, AcdEvent, AddressConflictDetection, CacheConfig, CacheEvent, NeighborCache,
    PendingConfig, PendingQueue,
};
use unet_core::rng::{RngCore, SplitMix64};
use unet_core::{FrameMachine, Instant, TokenBucket};
use unet_ipv4::igmp::{membership, Membership, MembershipError};
use unet_ipv4::reassembly::{self, Reassembler};
use unet_ipv4::route::Ipv4Cidr;
use unet_udp::UdpTable;

use crate::tcp_sockets::table::TcpTable;

use crate::counters::bump;
use crate::event::EVENT_QUEUE_LEN;
use crate::icmp::{IcmpOut, PingSent, ICMP_QUEUE_LEN, PING_TABLE_LEN};
use crate::link::{Link, Step};
use crate::queue::PacketQueue;
use crate::{Config, Counters, Event, Storage};

/// Everything but the reassembler, which hands out datagrams borrowed from its pool while
/// the rest of the stack handles them.
#[derive(Debug)]
pub(crate) struct Core<'a> {
    pub config: Config,
    pub counters: Counters,
    pub rng: SplitMix64,
    pub link: Link<'a>,
    pub igmp: Membership<'a>,
    pub udp: UdpTable<'a, Ipv4Addr>,
    pub tcp: TcpTable<'a, Ipv4Addr>,
    /// The latest time the stack was given (for bookkeeping in calls without one).
    pub last_now: Instant,
    /// The instant whose due timers were last fired: frames handled at that same instant
    /// skip the scan of every timer (it found nothing more due at `now`; what they arm is
    /// later than `now`, or the driver's own `poll_timeout`/`handle_timeout` fires it).
    pub timers_run_at: Option<Instant>,
    pub icmp_out: PacketQueue<'a, IcmpOut, ICMP_QUEUE_LEN>,
    pub icmp_limit: TokenBucket,
    pub pings: Vec<PingSent, PING_TABLE_LEN>,
    pub events: Deque<Event, EVENT_QUEUE_LEN>,
}

/// An IPv4 host: Ethernet, ARP (with RFC 5227 conflict detection), IPv4 (reassembly,
/// fragmentation, broadcast and multicast reception), ICMP, IGMP and UDP sockets.
///
/// Drive it as a [`FrameMachine`] (frames in, frames out, timers) and use the socket and
/// ping APIs between calls; drain [`poll_event`](Stack::poll_event) for what happened.
///
/// ```
/// # #[cfg(feature = "alloc")] {
/// use unet_core::{FrameMachine, Instant};
/// use unet_stack::{Config, Stack, Storage};
/// # use unet_stack::ethernet::EthernetAddress;
/// let mac = EthernetAddress([2, 0, 0, 0, 0, 1]);
/// let mut config = Config::new(mac).with_ipv4("192.0.2.1/24".parse().unwrap());
/// config.acd = false;
/// let mut stack = Stack::new(config, Storage::with_defaults(), Instant::ZERO);
/// let mut frame = [0u8; 1514];
/// // A gratuitous ARP announces the new address.
/// let n = stack.poll_transmit(Instant::ZERO, &mut frame).unwrap();
/// assert_eq!(&frame[12..14], &[0x08, 0x06]);
/// # let _ = n;
/// # }
/// ```
#[derive(Debug)]
pub struct Stack<'a> {
    pub(crate) core: Core<'a>,
    pub(crate) reassembly: Reassembler<'a>,
}

impl<'a> Stack<'a> {
    /// A stack configured by `config` over `storage`, started at `now` (address conflict
    /// detection, or the gratuitous announcement, begins then).
    pub fn new(config: Config, storage: Storage<'a>, now: Instant) -> Stack<'a> {
        let mut rng = SplitMix64::new(config.seed);
        let cache = NeighborCache::new(CacheConfig::DEFAULT, config.mac, storage.neighbors);
        let pending = PendingQueue::new(
            PendingConfig::DEFAULT,
            storage.pending_packets,
            storage.pending_bytes,
        );
        let acd = AddressConflictDetection::new(AcdConfig::RFC5227, config.mac);
        let ident = rng.next_u32() as u16;
        let link = Link::new(
            config.mac,
            config.mtu(),
            cache,
            pending,
            acd,
            storage.fragment_buffer,
            ident,
        );
        let udp = UdpTable::new(storage.udp_sockets, &mut rng);
        let tcp =
            TcpTable::new(storage.tcp_connections, storage.tcp_listeners, &mut rng, config.mtu());
        let reassembly = Reassembler::new(
            storage.reassembly_slots,
            storage.reassembly_pool,
            reassembly::Config::default(),
        );
        let igmp_seed = rng.next_u64();
        let igmp =
            Membership::new(storage.multicast_groups, membership::Config::default(), igmp_seed);
        let core = Core {
            config,
            counters: Counters::default(),
            rng,
            link,
            igmp,
            udp,
            tcp,
            last_now: now,
            timers_run_at: None,
            icmp_out: PacketQueue::new(storage.icmp_buffer),
            icmp_limit: TokenBucket::new(config.icmp_error_interval, config.icmp_error_burst),
            pings: Vec::new(),
            events: Deque::new(),
        };
        let mut stack = Stack { core, reassembly };
        stack.set_ipv4(now, config.ipv4, config.gateway);
        stack
    }

    /// The configuration in force (addresses included, as last set).
    pub fn config(&self) -> &Config {
        &self.core.config
    }

    /// Counters: every packet dropped, by reason. Sub-machine statistics are folded in.
    pub fn counters(&self) -> &Counters {
        &self.core.counters
    }

    /// Our IPv4 address once it may be used: configured, and conflict detection (if on)
    /// found no other owner.
    pub fn ipv4_addr(&self) -> Option<Ipv4Addr> {
        self.core.usable_addr()
    }

    /// (Re)configures the address and gateway, e.g. from DHCP. `None` removes the address.
    /// With [`Config::acd`] the new address is probed (RFC 5227 §2.1) and used only after
    /// [`Event::AddressReady`]; without, it is used at once and announced (§2.3).
    pub fn set_ipv4(&mut self, now: Instant, cidr: Option<Ipv4Cidr>, gateway: Option<Ipv4Addr>) {
        let c = &mut self.core;
        if let Some(old) = c.link.ipv4 {
            c.link.cache.remove_protocol_addr(old.address());
        }
        c.link.arp_touched();
        c.config.ipv4 = cidr;
        c.config.gateway = gateway;
        c.link.ipv4 = cidr;
        c.link.gateway = gateway;
        c.link.ready = false;
        c.link.acd.stop();
        let Some(cidr) = cidr else { return };
        if c.config.acd {
            c.link.acd.start_probing(now, cidr.address(), &mut c.rng);
        } else {
            c.link.acd.start_announcing(now, cidr.address());
        }
        c.drain_machine_events(now);
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.core.events.pop_front()
    }

    /// Sends an ICMP echo request to `dst` (RFC 792); the answer comes as
    /// [`Event::EchoReply`] (or [`Event::EchoError`]).
    pub fn ping(
        &mut self,
        now: Instant,
        dst: Ipv4Addr,
        ident: u16,
        seq: u16,
        payload: &[u8],
    ) -> Result<(), crate::PingError> {
        self.core.ping(now, dst, ident, seq, payload)
    }

    /// Joins a multicast group (RFC 1112 §7.2, RFC 2236 §3): its datagrams are received
    /// and unsolicited membership reports are sent (see [`Membership`]). The number of
    /// groups is bounded by [`Storage::multicast_groups`].
    pub fn join_multicast(&mut self, now: Instant, group: Ipv4Addr) -> Result<(), MembershipError> {
        self.core.igmp.join(now, group)
    }

    /// Leaves a multicast group (RFC 2236 §3: a Leave Group message if we reported last).
    pub fn leave_multicast(
        &mut self,
        now: Instant,
        group: Ipv4Addr,
    ) -> Result<(), MembershipError> {
        self.core.igmp.leave(now, group)
    }

    /// The multicast groups joined.
    pub fn multicast_groups(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.core.igmp.groups()
    }

    /// Datagrams being reassembled now (each holds one of
    /// [`Storage::reassembly_slots`] until it completes or times out).
    pub fn reassembly_in_progress(&self) -> usize {
        self.reassembly.in_progress()
    }

    /// The neighbour cache, to inspect.
    pub fn neighbors(&self) -> &NeighborCache<'a> {
        &self.core.link.cache
    }
}

impl Core<'_> {
    pub(crate) fn usable_addr(&self) -> Option<Ipv4Addr> {
        self.link.usable_addr()
    }

    /// Queues an event; when full the oldest goes (counted).
    pub(crate) fn push_event(&mut self, event: Event) {
        if self.events.is_full() {
            self.events.pop_front();
            bump(&mut self.counters.events_dropped);
        }
        let _ = self.events.push_back(event);
    }

    /// Moves the ARP machines' events into the stack's (and acts on them).
    pub(crate) fn drain_machine_events(&mut self, _now: Instant) {
        while let Some(e) = self.link.acd.poll_event() {
            match e {
                AcdEvent::AddressReady { addr } => {
                    self.link.ready = true;
                    let _ = self.link.cache.add_protocol_addr(addr);
                    self.push_event(Event::AddressReady(addr));
                }
                AcdEvent::Conflict { addr, mac } | AcdEvent::AddressLost { addr, mac } => {
                    self.link.ready = false;
                    self.link.cache.remove_protocol_addr(addr);
                    bump(&mut self.counters.arp_conflicts);
                    self.push_event(Event::AddressConflict { addr, other: mac });
                }
                AcdEvent::Defended { .. } => bump(&mut self.counters.arp_conflicts),
            }
        }
        while let Some(e) = self.link.cache.poll_event() {
            match e {
                CacheEvent::Resolved { ip, mac } => {
                    // If the flush queue is full the packets wait for their own timeout
                    // (and are counted then); it holds more than the cache resolves at once.
                    if self.link.pending.len_for(ip) > 0 {
                        let _ = self.link.flushing.push_back((ip, mac));
                    }
                }
                CacheEvent::Failed { ip } => {
                    let n = self.link.pending.drop_for(ip);
                    self.counters.tx_neighbor_failed =
                        self.counters.tx_neighbor_failed.saturating_add(n as u64);
                    self.push_event(Event::NeighborUnreachable(ip));
                }
                // ACD sees the same packet and decides; nothing more to do here.
                CacheEvent::Conflict { .. } => {}
            }
        }
    }

    fn transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<usize> {
        // Each step either makes a frame or consumes what it looked at, so this ends.
        loop {
            self.drain_machine_events(now);
            let step = match self.link.next_fragment(buf, &mut self.counters) {
                Step::Idle => self.next_step(now, buf),
                step => step,
            };
            match step {
                Step::Frame(n) => {
                    bump(&mut self.counters.tx_frames);
                    return Some(n);
                }
                Step::Progress => continue,
                Step::Idle => return None,
            }
        }
    }

    fn next_step(&mut self, now: Instant, buf: &mut [u8]) -> Step {
        let c = &mut self.counters;
        let step = self.link.poll_arp(now, buf, c);
        if step != Step::Idle {
            return step;
        }
        let step = self.link.flush(buf, c);
        if step != Step::Idle {
            return step;
        }
        let step = self.transmit_igmp(now, buf);
        if step != Step::Idle {
            return step;
        }
        let step = self.transmit_icmp(now, buf);
        if step != Step::Idle {
            return step;
        }
        let step = self.transmit_tcp(now, buf);
        if step != Step::Idle {
            return step;
        }
        self.transmit_udp(now, buf)
    }

    fn poll_timeout(&self, reassembly: &Reassembler<'_>) -> Option<Instant> {
        [
            self.link.cache.poll_timeout(),
            self.link.pending.poll_timeout(),
            self.link.acd.poll_timeout(),
            reassembly.poll_timeout(),
            // Without the `igmp` feature its reports never go out: no timer to wait for.
            self.igmp.poll_timeout().filter(|_| cfg!(feature = "igmp")),
            self.tcp.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn handle_timeout(&mut self, reassembly: &mut Reassembler<'_>, now: Instant) {
        self.link.arp_touched();
        self.link.cache.handle_timeout(now);
        self.link.pending.handle_timeout(now);
        self.link.acd.handle_timeout(now);
        self.tcp.handle_timeout(now, &mut self.events, &mut self.counters);
        #[cfg(feature = "ipv4-reassembly")]
        self.reassembly_timeout(reassembly, now);
        #[cfg(not(feature = "ipv4-reassembly"))]
        let _ = reassembly;
        self.drain_machine_events(now);
    }

    /// The reassembler's timers: RFC 792 Time Exceeded for each datagram given up.
    #[cfg(feature = "ipv4-reassembly")]
    fn reassembly_timeout(&mut self, reassembly: &mut Reassembler<'_>, now: Instant) {
        reassembly.handle_timeout(now);
        // Timeouts are counted in the reassembler's statistics (folded in by `sync_stats`).
        while let Some(reassembly::Event::TimeExceeded { quote }) = reassembly.poll_event() {
            self.send_reassembly_timeout(now, quote);
        }
    }

    /// Folds the sub-machines' statistics into the counters.
    fn sync_stats(&mut self, reassembly: &Reassembler<'_>) {
        let c = &mut self.counters;
        // Without reassembly, `ipv4_fragment_dropped` is bumped on receipt instead.
        #[cfg(feature = "ipv4-reassembly")]
        {
            let r = reassembly.stats();
            c.ipv4_fragment_dropped =
                [r.duplicates, r.overlap, r.too_big, r.no_slot, r.bad_fragment, r.evicted]
                    .into_iter()
                    .fold(0u64, u64::saturating_add);
            c.ipv4_reassembly_timeouts = r.timeout;
        }
        #[cfg(not(feature = "ipv4-reassembly"))]
        let _ = reassembly;
        let p = self.link.pending.stats();
        c.tx_pending_dropped = [
            p.dropped_too_large,
            p.dropped_no_capacity,
            p.dropped_destination_full,
            p.dropped_queue_full,
            p.expired,
            p.dropped_output_too_small,
        ]
        .into_iter()
        .fold(0u64, u64::saturating_add);
        let a = self.link.cache.stats();
        c.arp_reply_queue_full = a.replies_dropped;
        c.arp_requests_rate_limited = a.requests_rate_limited;
    }
}

impl FrameMachine for Stack<'_> {
    fn handle_frame(&mut self, now: Instant, frame: &[u8]) {
        self.core.last_now = now;
        if self.core.timers_run_at != Some(now) {
            self.core.timers_run_at = Some(now);
            self.core.handle_timeout(&mut self.reassembly, now);
        }
        self.core.receive_frame(&mut self.reassembly, now, frame);
        self.core.drain_machine_events(now);
        self.core.sync_stats(&self.reassembly);
    }

    fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<usize> {
        self.core.last_now = now;
        let n = self.core.transmit(now, buf);
        self.core.sync_stats(&self.reassembly);
        n
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.core.poll_timeout(&self.reassembly)
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.core.last_now = now;
        self.core.timers_run_at = Some(now);
        self.core.handle_timeout(&mut self.reassembly, now);
        self.core.sync_stats(&self.reassembly);
    }
}
