//! The DHCP client (RFC 2131 §4.4, Figure 5) as a pure machine: datagrams in (bytes and
//! source), datagrams out (with their destination), events, and one timer.
//!
//! ```text
//!  INIT-REBOOT ──REQUEST──▶ REBOOTING ──ACK──┐          ┌──NAK/expiry──▶ INIT
//!  INIT ──DISCOVER──▶ SELECTING ──OFFER/REQUEST──▶ REQUESTING ──ACK──▶ (check) ──▶ BOUND
//!  BOUND ──T1──▶ RENEWING (unicast REQUEST) ──T2──▶ REBINDING (broadcast) ──ACK──▶ BOUND
//! ```
//!
//! Drive it like every unet machine: [`Client::handle_datagram`] for what arrives on UDP
//! port 68, [`Client::poll_transmit`] for what to send to port 67,
//! [`Client::poll_timeout`] / [`Client::handle_timeout`] for time, and
//! [`Client::poll_event`] for what happened. Nothing allocates; the lease is a fixed-size
//! [`Lease`].

mod build;
mod config;
mod lease;
#[cfg(test)]
mod tests;

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::rng::{RngCore, SplitMix64};
use unet_core::{Duration, Instant};

use crate::option::OptionCode;
use crate::{DhcpOption, Message, MessageType, Op, Repr};

use build::{build, Kind};
pub use config::{Config, DEFAULT_PARAMETER_REQUEST_LIST, MIN_V6ONLY_WAIT};
pub use lease::{
    AddressList, Lease, Route, MAX_ADDRESSES, MAX_DOMAIN_LEN, MAX_ROUTES, MAX_SEARCH_LEN,
};

/// The UDP port servers listen on.
pub const SERVER_PORT: u16 = 67;
/// The UDP port clients listen on.
pub const CLIENT_PORT: u16 = 68;
/// How many events wait for [`Client::poll_event`]; when full the oldest is dropped and
/// counted in [`ClientCounters::events_dropped`].
pub const EVENT_QUEUE_LEN: usize = 4;
/// A transmit buffer of this size holds any message the client sends.
pub const MAX_MESSAGE_LEN: usize = 576;

/// RFC 2131 §4.1: the first retransmission delay, doubled up to [`MAX_BACKOFF`].
pub const INITIAL_BACKOFF: Duration = Duration::from_secs(4);
/// RFC 2131 §4.1: the largest retransmission delay.
pub const MAX_BACKOFF: Duration = Duration::from_secs(64);
/// RFC 2131 §4.4.5: retransmissions in RENEWING and REBINDING are never closer than this.
pub const MIN_RENEW_RETRANSMIT: Duration = Duration::from_secs(60);
/// RFC 2131 §3.1.5: after a DECLINE, wait this long before starting again.
pub const DECLINE_WAIT: Duration = Duration::from_secs(10);

/// The states of RFC 2131 Figure 5, plus the ones outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// Waiting to send the first DISCOVER (startup delay, after a NAK or DECLINE).
    Init,
    /// DISCOVER sent, collecting offers.
    Selecting,
    /// REQUEST for an offer sent.
    Requesting,
    /// ACK received; the address is being checked (RFC 5227) before use.
    Checking,
    /// The lease is in use; waiting for T1.
    Bound,
    /// T1 passed: renewing with the server that gave the lease (unicast).
    Renewing,
    /// T2 passed: asking any server (broadcast).
    Rebinding,
    /// Starting from a remembered address.
    InitReboot,
    /// REQUEST for the remembered address sent.
    Rebooting,
    /// DHCPINFORM sent for a statically configured address (RFC 2131 §3.4).
    Informing,
    /// INFORM answered: parameters in [`Client::lease`]; nothing more happens.
    Informed,
    /// Stopped ([`Client::release`], or IPv6-only preferred): nothing more happens until
    /// the timer, if any.
    Stopped,
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            State::Init => "INIT",
            State::Selecting => "SELECTING",
            State::Requesting => "REQUESTING",
            State::Checking => "CHECKING",
            State::Bound => "BOUND",
            State::Renewing => "RENEWING",
            State::Rebinding => "REBINDING",
            State::InitReboot => "INIT-REBOOT",
            State::Rebooting => "REBOOTING",
            State::Informing => "INFORMING",
            State::Informed => "INFORMED",
            State::Stopped => "STOPPED",
        })
    }
}

/// What happened; the lease itself is in [`Client::lease`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Check this address (RFC 5227 probe) and call [`Client::address_checked`].
    Check(Ipv4Addr),
    /// A new lease (or a renewal that changed the address): use it.
    Bound(Ipv4Addr),
    /// The lease was extended by its server (RENEWING).
    Renewed(Ipv4Addr),
    /// The lease was extended by some server (REBINDING).
    Rebound(Ipv4Addr),
    /// The lease ran out: the address must no longer be used.
    Expired(Ipv4Addr),
    /// A server refused (DHCPNAK); the address held, if any, must no longer be used.
    Nak(Option<Ipv4Addr>),
    /// The address was in use by another host: DECLINE sent, restarting after 10 s.
    Declined(Ipv4Addr),
    /// The lease was given back (DHCPRELEASE sent).
    Released(Ipv4Addr),
    /// An INFORM was answered: the parameters are in [`Client::lease`].
    Informed,
    /// A server says this network is IPv6-only (RFC 8925): DHCPv4 pauses this long.
    Ipv6OnlyPreferred(Duration),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Check(a) => write!(f, "checking {a}"),
            Event::Bound(a) => write!(f, "bound {a}"),
            Event::Renewed(a) => write!(f, "renewed {a}"),
            Event::Rebound(a) => write!(f, "rebound {a}"),
            Event::Expired(a) => write!(f, "expired {a}"),
            Event::Nak(Some(a)) => write!(f, "nak, {a} given up"),
            Event::Nak(None) => write!(f, "nak"),
            Event::Declined(a) => write!(f, "declined {a} (in use)"),
            Event::Released(a) => write!(f, "released {a}"),
            Event::Informed => write!(f, "informed"),
            Event::Ipv6OnlyPreferred(d) => write!(f, "ipv6-only preferred, waiting {d}"),
        }
    }
}

/// A datagram to send from port 68 to port 67.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// Octets written at the start of the buffer.
    pub len: usize,
    /// Source address: unspecified until we hold an address.
    pub src: Ipv4Addr,
    /// Destination: the limited broadcast, or the server when renewing or releasing.
    pub dst: Ipv4Addr,
}

/// What the client did with received datagrams (each one counted once).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientCounters {
    /// Datagrams that did not parse as DHCP.
    pub rx_malformed: u64,
    /// Replies for another transaction or client, or of a type the state ignores.
    pub rx_ignored: u64,
    /// Offers refused (no usable address or server identifier).
    pub offers_refused: u64,
    /// DHCPNAKs taken.
    pub naks: u64,
    /// Messages sent again by the backoff.
    pub retransmissions: u64,
    /// Messages that did not fit the transmit buffer.
    pub tx_buffer_too_small: u64,
    /// Events dropped because the queue was full.
    pub events_dropped: u64,
}

#[derive(Debug, Clone, Copy)]
struct Offer {
    address: Ipv4Addr,
    server: Ipv4Addr,
}

/// The DHCP client machine. See the [module documentation](self).
#[derive(Debug, Clone)]
pub struct Client<'c> {
    config: Config<'c>,
    rng: SplitMix64,
    state: State,
    xid: u32,
    /// When this exchange began (for `secs`).
    exchange_start: Instant,
    /// `secs` of the last DISCOVER (the REQUEST that follows repeats it, §4.4.1).
    discover_secs: u16,
    /// When the current REQUEST was first sent: lease times count from there (§4.4.1).
    request_sent: Instant,
    backoff: Duration,
    attempts: u8,
    timer: Option<Instant>,
    offer: Option<Offer>,
    /// The address asked for in DISCOVER or INIT-REBOOT (the previous lease).
    remembered: Option<Ipv4Addr>,
    lease: Option<Lease>,
    inform_addr: Ipv4Addr,
    tx: Option<Kind>,
    /// A DECLINE or RELEASE queued ahead of the next state's message.
    tx_extra: Option<Kind>,
    events: [Option<Event>; EVENT_QUEUE_LEN],
    events_head: usize,
    events_len: usize,
    counters: ClientCounters,
}

impl<'c> Client<'c> {
    /// A client in INIT at `now`; its first DISCOVER goes out after a random startup
    /// delay (up to [`Config::startup_delay_max`]).
    pub fn new(config: Config<'c>, now: Instant) -> Client<'c> {
        let mut c = Client {
            config,
            rng: SplitMix64::new(config.seed),
            state: State::Init,
            xid: 0,
            exchange_start: now,
            discover_secs: 0,
            request_sent: now,
            backoff: INITIAL_BACKOFF,
            attempts: 0,
            timer: None,
            offer: None,
            remembered: None,
            lease: None,
            inform_addr: Ipv4Addr::UNSPECIFIED,
            tx: None,
            tx_extra: None,
            events: [None; EVENT_QUEUE_LEN],
            events_head: 0,
            events_len: 0,
            counters: ClientCounters::default(),
        };
        c.enter_init(now, Duration::ZERO);
        c
    }

    /// A client in INIT-REBOOT (RFC 2131 §3.2): it asks to keep `previous`, the address of
    /// a lease it remembers, and falls back to INIT on a NAK or no answer.
    pub fn init_reboot(config: Config<'c>, previous: Ipv4Addr, now: Instant) -> Client<'c> {
        let mut c = Client::new(config, now);
        c.remembered = Some(previous);
        c.state = State::InitReboot;
        c
    }

    /// A client for a statically configured `address` (RFC 2131 §3.4): it sends
    /// DHCPINFORM for the other parameters and reports [`Event::Informed`].
    pub fn inform(config: Config<'c>, address: Ipv4Addr, now: Instant) -> Client<'c> {
        let mut c = Client::new(config, now);
        c.inform_addr = address;
        c.new_xid(now);
        c.state = State::Informing;
        c.timer = Some(now);
        c
    }

    /// The state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The lease in use (BOUND, RENEWING, REBINDING), being checked (CHECKING), or the
    /// parameters of an INFORM answer.
    pub fn lease(&self) -> Option<&Lease> {
        self.lease.as_ref()
    }

    /// The address we may use now: the lease's, once checked and not expired.
    pub fn address(&self) -> Option<Ipv4Addr> {
        match self.state {
            State::Bound | State::Renewing | State::Rebinding => {
                self.lease.as_ref().map(|l| l.address)
            }
            _ => None,
        }
    }

    /// What the client did with received datagrams.
    pub fn counters(&self) -> &ClientCounters {
        &self.counters
    }

    /// The transaction ID of the current exchange.
    pub fn xid(&self) -> u32 {
        self.xid
    }

    /// When [`Client::handle_timeout`] must be called next.
    /// (Call [`Client::poll_transmit`] after every `handle_*` call and after
    /// [`Client::address_checked`] and [`Client::release`]: they may queue a message.)
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timer
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        if self.events_len == 0 {
            return None;
        }
        let e = self.events[self.events_head].take();
        self.events_head = (self.events_head + 1) % EVENT_QUEUE_LEN;
        self.events_len -= 1;
        e
    }

    fn push_event(&mut self, e: Event) {
        if self.events_len == EVENT_QUEUE_LEN {
            self.poll_event();
            self.counters.events_dropped = self.counters.events_dropped.saturating_add(1);
        }
        let at = (self.events_head + self.events_len) % EVENT_QUEUE_LEN;
        self.events[at] = Some(e);
        self.events_len += 1;
    }

    /// The next datagram to send, written into `buf` (at least [`MAX_MESSAGE_LEN`]).
    pub fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        let kind = self.tx_extra.take().or_else(|| self.tx.take())?;
        let ours = self.address();
        let (src, dst) = match kind {
            Kind::Release { address, server } => (address, server),
            Kind::RequestRenew { ciaddr } if self.state == State::Renewing => {
                (ciaddr, self.lease.as_ref().map_or(Ipv4Addr::BROADCAST, |l| l.server))
            }
            Kind::RequestRenew { ciaddr } | Kind::Inform { ciaddr } => {
                (ciaddr, Ipv4Addr::BROADCAST)
            }
            _ => (Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST),
        };
        let secs = match kind {
            Kind::RequestSelecting { .. } => self.discover_secs,
            _ => {
                let s = now.saturating_duration_since(self.exchange_start).as_secs();
                u16::try_from(s).unwrap_or(u16::MAX)
            }
        };
        if let Kind::Discover { .. } = kind {
            self.discover_secs = secs;
        }
        let broadcast = self.config.broadcast_flag && ours.is_none() && kind.ciaddr_unset();
        match build(&self.config, kind, self.xid, secs, broadcast, buf) {
            Ok(len) => Some(Transmit { len, src, dst }),
            Err(_) => {
                self.counters.tx_buffer_too_small =
                    self.counters.tx_buffer_too_small.saturating_add(1);
                None
            }
        }
    }

    /// A random delay in `[d - 1 s, d + 1 s]` (RFC 2131 §4.1).
    fn jitter(&mut self, d: Duration) -> Duration {
        let span = 2_000_001u64;
        let off = self.rng.next_u64() % span;
        Duration::from_micros((d.as_micros() + off).saturating_sub(1_000_000))
    }

    fn new_xid(&mut self, now: Instant) {
        self.xid = self.rng.next_u32();
        self.exchange_start = now;
        self.backoff = INITIAL_BACKOFF;
        self.attempts = 0;
    }

    /// Sends `kind` now and arms the §4.1 backoff.
    fn send_with_backoff(&mut self, now: Instant, kind: Kind) {
        self.tx = Some(kind);
        let wait = self.jitter(self.backoff);
        self.timer = Some(now + wait);
        self.backoff = (self.backoff + self.backoff).min(MAX_BACKOFF);
    }

    /// Sends `kind` now and arms the §4.4.5 retransmission: half the time left until
    /// `limit`, but not less than 60 s, and never past `limit`.
    fn send_until(&mut self, now: Instant, kind: Kind, limit: Instant) {
        self.tx = Some(kind);
        let half = Duration::from_micros(limit.saturating_duration_since(now).as_micros() / 2);
        let next = (now + half.max(MIN_RENEW_RETRANSMIT)).min(limit);
        self.timer = Some(next.max(now));
    }

    fn enter_init(&mut self, now: Instant, wait: Duration) {
        self.state = State::Init;
        self.offer = None;
        self.tx = None;
        let max = self.config.startup_delay_max.as_micros();
        let delay = if max == 0 { 0 } else { self.rng.next_u64() % (max + 1) };
        self.timer = Some(now + wait + Duration::from_micros(delay));
    }

    /// Gives up the lease (no message): for expiry and NAK.
    fn drop_lease(&mut self) -> Option<Ipv4Addr> {
        let held = self.address().or(self.lease.as_ref().map(|l| l.address));
        if let Some(l) = self.lease.take() {
            // A later DISCOVER asks for the same address again (RFC 2131 §4.4.1).
            self.remembered = Some(l.address);
        }
        held
    }

    /// Time passed: retransmissions, T1, T2, expiry.
    pub fn handle_timeout(&mut self, now: Instant) {
        let Some(t) = self.timer else { return };
        if now < t {
            return;
        }
        match self.state {
            State::Init => {
                self.new_xid(now);
                self.state = State::Selecting;
                self.send_with_backoff(now, Kind::Discover { requested: self.remembered });
            }
            State::Selecting => match self.offer {
                Some(offer) => self.request_offer(now, offer),
                None => {
                    self.retransmitted();
                    self.send_with_backoff(now, Kind::Discover { requested: self.remembered });
                }
            },
            State::Requesting | State::Rebooting => {
                if self.attempts >= self.config.request_retries {
                    // §3.1.5 / §3.2: neither ACK nor NAK: start over.
                    self.enter_init(now, Duration::ZERO);
                    return;
                }
                self.attempts += 1;
                self.retransmitted();
                let kind = match (self.state, self.offer, self.remembered) {
                    (State::Requesting, Some(o), _) => {
                        Kind::RequestSelecting { offered: o.address, server: o.server }
                    }
                    (_, _, Some(r)) => Kind::RequestReboot { requested: r },
                    _ => return self.enter_init(now, Duration::ZERO),
                };
                self.send_with_backoff(now, kind);
            }
            State::Checking => self.address_checked(now, false),
            State::Bound => self.start_renewing(now),
            State::Renewing | State::Rebinding => self.lease_timer(now),
            State::InitReboot => match self.remembered {
                Some(r) => {
                    self.new_xid(now);
                    self.request_sent = now;
                    self.state = State::Rebooting;
                    self.send_with_backoff(now, Kind::RequestReboot { requested: r });
                }
                None => self.enter_init(now, Duration::ZERO),
            },
            State::Informing => {
                if self.attempts > 0 {
                    self.retransmitted();
                }
                self.attempts = self.attempts.saturating_add(1);
                self.send_with_backoff(now, Kind::Inform { ciaddr: self.inform_addr });
            }
            State::Stopped => self.enter_init(now, Duration::ZERO),
            State::Informed => self.timer = None,
        }
    }

    fn retransmitted(&mut self) {
        self.counters.retransmissions = self.counters.retransmissions.saturating_add(1);
    }

    fn start_renewing(&mut self, now: Instant) {
        let Some(lease) = self.lease.as_ref() else {
            return self.enter_init(now, Duration::ZERO);
        };
        let (addr, t2) = (lease.address, lease.t2().unwrap_or(Instant::MAX));
        self.new_xid(now);
        self.request_sent = now;
        self.state = State::Renewing;
        self.lease_timer_send(now, addr, t2);
    }

    /// RENEWING/REBINDING timer: the next retransmission, T2 or the expiry.
    fn lease_timer(&mut self, now: Instant) {
        let Some(lease) = self.lease.as_ref() else {
            return self.enter_init(now, Duration::ZERO);
        };
        let (addr, t2, exp) = (
            lease.address,
            lease.t2().unwrap_or(Instant::MAX),
            lease.expires().unwrap_or(Instant::MAX),
        );
        if now >= exp {
            self.drop_lease();
            self.push_event(Event::Expired(addr));
            return self.enter_init(now, Duration::ZERO);
        }
        if self.state == State::Renewing && now >= t2 {
            // §4.4.5: T2 passed: ask any server. A new exchange, from now.
            self.new_xid(now);
            self.request_sent = now;
            self.state = State::Rebinding;
        } else {
            self.retransmitted();
        }
        let limit = if self.state == State::Renewing { t2 } else { exp };
        self.lease_timer_send(now, addr, limit);
    }

    fn lease_timer_send(&mut self, now: Instant, addr: Ipv4Addr, limit: Instant) {
        self.send_until(now, Kind::RequestRenew { ciaddr: addr }, limit);
    }

    fn request_offer(&mut self, now: Instant, offer: Offer) {
        self.offer = Some(offer);
        self.state = State::Requesting;
        self.request_sent = now;
        self.backoff = INITIAL_BACKOFF;
        self.attempts = 0;
        self.send_with_backoff(
            now,
            Kind::RequestSelecting { offered: offer.address, server: offer.server },
        );
    }

    /// The result of checking the address ([`Event::Check`]): `conflict` when another
    /// host answered the probe. Also takes a conflict found later (RFC 5227 §2.4, a
    /// defence lost) while the lease is in use. A conflict DECLINEs the address (RFC 2131
    /// §3.1.5) and restarts in INIT after [`DECLINE_WAIT`].
    pub fn address_checked(&mut self, now: Instant, conflict: bool) {
        let holding = matches!(
            self.state,
            State::Checking | State::Bound | State::Renewing | State::Rebinding
        );
        let Some(lease) = self.lease.as_ref().filter(|_| holding) else { return };
        let (addr, server) = (lease.address, lease.server);
        if conflict {
            self.lease = None;
            self.remembered = None;
            self.new_xid(now);
            self.tx_extra = Some(Kind::Decline { address: addr, server });
            self.push_event(Event::Declined(addr));
            self.enter_init(now, DECLINE_WAIT);
            // enter_init cleared `tx`, not `tx_extra`: the DECLINE still goes.
            return;
        }
        if self.state == State::Checking {
            self.enter_bound(now, Event::Bound(addr));
        }
    }

    fn enter_bound(&mut self, now: Instant, event: Event) {
        self.state = State::Bound;
        self.tx = None;
        self.timer = self.lease.as_ref().and_then(|l| l.t1()).map(|t| t.max(now));
        self.push_event(event);
    }

    /// Gives the lease back: a DHCPRELEASE to the server (RFC 2131 §4.4.6), the address
    /// no longer used ([`Event::Released`]), and the client stopped. Without a lease it
    /// only stops.
    pub fn release(&mut self, _now: Instant) {
        if let (Some(a), Some(l)) = (self.address(), self.lease.take()) {
            self.xid = self.rng.next_u32();
            self.tx_extra = Some(Kind::Release { address: a, server: l.server });
            self.push_event(Event::Released(a));
        }
        self.tx = None;
        self.state = State::Stopped;
        self.timer = None;
    }

    /// A datagram that arrived on port 68 from `src`.
    pub fn handle_datagram(&mut self, now: Instant, src: Ipv4Addr, data: &[u8]) {
        let parsed = Message::new_checked(data).and_then(|m| Repr::parse(&m));
        let Ok(repr) = parsed else {
            self.counters.rx_malformed = self.counters.rx_malformed.saturating_add(1);
            return;
        };
        let ours = repr.op == Op::BOOTREPLY
            && repr.xid == self.xid
            && repr.client_hardware_address().get(..6) == Some(&self.config.mac[..]);
        let kind = repr.message_type();
        let taken = match (ours, kind) {
            (true, Some(MessageType::OFFER)) => self.handle_offer(now, &repr, src),
            (true, Some(MessageType::ACK)) => self.handle_ack(now, &repr, src),
            (true, Some(MessageType::NAK)) => self.handle_nak(now, &repr),
            _ => false,
        };
        if !taken {
            self.counters.rx_ignored = self.counters.rx_ignored.saturating_add(1);
        }
    }

    fn server_id(repr: &Repr<'_>) -> Option<Ipv4Addr> {
        let mut tmp = [0u8; 4];
        match repr.get(OptionCode::SERVER_ID, &mut tmp) {
            Ok(Some(DhcpOption::ServerId(s))) if usable(s) => Some(s),
            _ => None,
        }
    }

    fn handle_offer(&mut self, now: Instant, repr: &Repr<'_>, src: Ipv4Addr) -> bool {
        if self.state != State::Selecting {
            return false;
        }
        let server = Self::server_id(repr).or(Some(src).filter(|s| usable(*s)));
        let (Some(server), true) = (server, usable(repr.yiaddr)) else {
            self.counters.offers_refused = self.counters.offers_refused.saturating_add(1);
            return true;
        };
        if self.config.ipv6_only_preferred {
            let mut tmp = [0u8; 4];
            if let Ok(Some(DhcpOption::Ipv6OnlyPreferred(w))) =
                repr.get(OptionCode::IPV6_ONLY_PREFERRED, &mut tmp)
            {
                // RFC 8925 §3.2: stop DHCPv4 for V6ONLY_WAIT (at least MIN_V6ONLY_WAIT).
                let wait = Duration::from_secs(u64::from(w)).max(MIN_V6ONLY_WAIT);
                self.push_event(Event::Ipv6OnlyPreferred(wait));
                self.state = State::Stopped;
                self.tx = None;
                self.offer = None;
                self.timer = Some(now + wait);
                return true;
            }
        }
        let offer = Offer { address: repr.yiaddr, server };
        if self.config.offer_window == Duration::ZERO {
            self.request_offer(now, offer);
            return true;
        }
        match self.offer {
            None => {
                self.offer = Some(offer);
                self.timer = Some(now + self.config.offer_window);
            }
            // The address we asked for beats the first offer.
            Some(_) if Some(offer.address) == self.remembered => self.offer = Some(offer),
            Some(_) => {}
        }
        true
    }

    fn handle_ack(&mut self, now: Instant, repr: &Repr<'_>, src: Ipv4Addr) -> bool {
        let server = Self::server_id(repr);
        match self.state {
            State::Selecting if self.config.rapid_commit => {
                let mut tmp = [0u8; 1];
                if !matches!(repr.get(OptionCode::RAPID_COMMIT, &mut tmp), Ok(Some(_))) {
                    return false;
                }
                // RFC 4039 §4: the two-message exchange; times count from the DISCOVER.
                self.request_sent = self.exchange_start;
            }
            State::Requesting => {
                if server.is_some_and(|s| Some(s) != self.offer.map(|o| o.server)) {
                    return false;
                }
            }
            State::Rebooting | State::Renewing | State::Rebinding => {}
            State::Informing => {
                let fallback = server.unwrap_or(src);
                let mut lease = Lease::from_ack(repr, now, fallback);
                lease.address = self.inform_addr;
                lease.lease_time = None;
                lease.renewal_time = None;
                lease.rebinding_time = None;
                self.lease = Some(lease);
                self.state = State::Informed;
                self.timer = None;
                self.tx = None;
                self.push_event(Event::Informed);
                return true;
            }
            _ => return false,
        }
        if !usable(repr.yiaddr) {
            return false;
        }
        let fallback = server.or(self.offer.map(|o| o.server)).unwrap_or(src);
        let lease = Lease::from_ack(repr, self.request_sent, fallback);
        if lease.expires().is_some_and(|e| e <= now) {
            // A lease shorter than the exchange: useless.
            return false;
        }
        let previous = self.lease.as_ref().map(|l| l.address);
        let addr = lease.address;
        self.lease = Some(lease);
        self.remembered = Some(addr);
        self.offer = None;
        match self.state {
            State::Renewing | State::Rebinding if previous != Some(addr) => {
                self.enter_bound(now, Event::Bound(addr))
            }
            State::Renewing => self.enter_bound(now, Event::Renewed(addr)),
            State::Rebinding => self.enter_bound(now, Event::Rebound(addr)),
            _ if self.config.probe => {
                self.state = State::Checking;
                self.tx = None;
                self.timer = Some(now + self.config.probe_timeout);
                self.push_event(Event::Check(addr));
            }
            _ => self.enter_bound(now, Event::Bound(addr)),
        }
        true
    }

    fn handle_nak(&mut self, now: Instant, repr: &Repr<'_>) -> bool {
        let relevant = match self.state {
            State::Requesting => {
                Self::server_id(repr).is_none_or(|s| Some(s) == self.offer.map(|o| o.server))
            }
            State::Rebooting | State::Renewing | State::Rebinding => true,
            _ => false,
        };
        if !relevant {
            return false;
        }
        self.counters.naks = self.counters.naks.saturating_add(1);
        let held = self.drop_lease();
        // §3.1 step 5 / §3.2: a NAK means the address is not ours: do not ask for it again.
        self.remembered = None;
        self.push_event(Event::Nak(held));
        self.enter_init(now, Duration::ZERO);
        true
    }
}

impl Kind {
    fn ciaddr_unset(self) -> bool {
        !matches!(self, Kind::RequestRenew { .. } | Kind::Inform { .. } | Kind::Release { .. })
    }
}

/// An address a server may give or be: not 0.0.0.0, broadcast, multicast, loopback or
/// class E.
fn usable(a: Ipv4Addr) -> bool {
    let o = a.octets()[0];
    !(a.is_unspecified()
        || a.is_broadcast()
        || a.is_multicast()
        || a.is_loopback()
        || o >= 240
        || o == 0)
}
