//! Server configuration (RFC 2131 §4.3): subnets with address ranges, reservations,
//! options per subnet and per host, lease times. Owned, fixed-capacity storage
//! (`heapless`), so a configuration needs no allocator.
//!
//! Capacities (exceeding one is [`ConfigError::Full`]): [`MAX_SUBNETS`] subnets,
//! [`MAX_RANGES`] ranges per subnet, [`MAX_RESERVATIONS`] reservations in all,
//! [`MAX_OPTION_OCTETS`] octets of encoded options per subnet and per reservation.

use core::fmt;
use core::net::Ipv4Addr;

use heapless::Vec;
use unet_core::Duration;

use crate::option::{ClasslessRoute, DomainSearch, OptionBuilder, OptionCode};

/// Subnets a configuration holds at most.
pub const MAX_SUBNETS: usize = 8;
/// Address ranges per subnet at most.
pub const MAX_RANGES: usize = 8;
/// Reservations (by MAC or client identifier) in all subnets together at most.
pub const MAX_RESERVATIONS: usize = 64;
/// Encoded option octets per subnet and per reservation at most.
pub const MAX_OPTION_OCTETS: usize = 512;
/// Client identifier octets a reservation matches at most (option 61).
pub const MAX_CLIENT_ID: usize = 32;

/// Encoded options (code, length, data; RFC 3396 split when long).
pub type OptionBytes = Vec<u8, MAX_OPTION_OCTETS>;

/// A configuration that cannot be built, with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A capacity ([`MAX_SUBNETS`]...) is exceeded; the name says which.
    Full(&'static str),
    /// A range whose first address comes after its last.
    RangeReversed(Ipv4Addr, Ipv4Addr),
    /// A range or reservation outside its subnet.
    OutsideSubnet(Ipv4Addr),
    /// A prefix length over 30 (no room for hosts).
    BadPrefix(u8),
    /// Lease times out of order (min ≤ default ≤ max) or zero.
    LeaseTimes,
    /// An option with a bad value (e.g. a search name that is not a domain name).
    BadOption(u8),
    /// Something configured before any subnet.
    NoSubnet,
    /// The same subnet twice, or overlapping subnets.
    Overlap(Ipv4Addr),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Full(what) => write!(f, "too many {what}"),
            ConfigError::RangeReversed(a, b) => {
                write!(f, "range {a}-{b}: first address after last")
            }
            ConfigError::OutsideSubnet(a) => write!(f, "{a} is outside its subnet"),
            ConfigError::BadPrefix(p) => write!(f, "prefix length /{p} leaves no hosts"),
            ConfigError::LeaseTimes => {
                write!(f, "lease times must be non-zero with min <= default <= max")
            }
            ConfigError::BadOption(c) => write!(f, "bad value for option {c}"),
            ConfigError::NoSubnet => write!(f, "no subnet declared yet"),
            ConfigError::Overlap(a) => write!(f, "subnet {a} overlaps another"),
        }
    }
}

/// Who a reservation is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostMatch {
    /// An Ethernet hardware address (`chaddr`, htype 1).
    Mac([u8; 6]),
    /// A client identifier (option 61), compared octet for octet.
    ClientId(Vec<u8, MAX_CLIENT_ID>),
}

/// A fixed address for one client, with its own options (overriding the subnet's).
#[derive(Debug, Clone)]
pub struct Reservation {
    /// The client.
    pub host: HostMatch,
    /// Its address (inside the subnet, not necessarily inside a range).
    pub addr: Ipv4Addr,
    /// Options for this host only.
    pub options: OptionBytes,
}

/// One IPv4 subnet served.
#[derive(Debug, Clone)]
pub struct Subnet {
    /// Network address.
    pub network: Ipv4Addr,
    /// Prefix length (≤ 30).
    pub prefix: u8,
    /// Inclusive address ranges handed out dynamically.
    pub ranges: Vec<(Ipv4Addr, Ipv4Addr), MAX_RANGES>,
    /// Routers (option 3); never handed out.
    pub routers: Vec<Ipv4Addr, 4>,
    /// The server identifier (option 54) for this subnet; `None` = the address of the
    /// interface the request came in on.
    pub server_id: Option<Ipv4Addr>,
    /// Options for every client of the subnet.
    pub options: OptionBytes,
}

impl Subnet {
    /// The subnet mask.
    pub fn mask(&self) -> Ipv4Addr {
        Ipv4Addr::from(mask_bits(self.prefix))
    }

    /// True when `addr` is in the subnet.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        let m = mask_bits(self.prefix);
        u32::from(addr) & m == u32::from(self.network) & m
    }

    /// True when `addr` may be given to a client: inside the subnet, neither its network
    /// nor broadcast address, not a router, not the server.
    pub fn assignable(&self, addr: Ipv4Addr) -> bool {
        let m = mask_bits(self.prefix);
        let a = u32::from(addr);
        self.contains(addr)
            && a & !m != 0
            && a & !m != !m
            && !self.routers.contains(&addr)
            && self.server_id != Some(addr)
    }

    /// The broadcast address.
    pub fn broadcast(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.network) | !mask_bits(self.prefix))
    }
}

fn mask_bits(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    }
}

/// Lease times (RFC 2131 §3.3): what a client gets without asking, and the bounds within
/// which its requested time (option 51) is honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseTimes {
    /// Lease time when the client does not ask for one.
    pub default: Duration,
    /// Shortest lease granted.
    pub min: Duration,
    /// Longest lease granted.
    pub max: Duration,
}

/// The whole server configuration. Build it with [`ServerConfig::builder`] or parse it
/// from the config file format ([`crate::server::config_file`]).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Subnets served.
    pub subnets: Vec<Subnet, MAX_SUBNETS>,
    /// Reservations, each in the subnet that contains its address.
    pub reservations: Vec<Reservation, MAX_RESERVATIONS>,
    /// Lease times.
    pub lease: LeaseTimes,
    /// How long an offered address stays held for the client it was offered to.
    pub offer_hold: Duration,
    /// How long a declined address (or one found in use by a probe) is not offered.
    pub decline_quarantine: Duration,
    /// Answer DISCOVERs with rapid commit (option 80) by an ACK (RFC 4039).
    pub rapid_commit: bool,
    /// Ask the runner to probe never-used addresses before offering them; the time it
    /// waits for an answer (ISC dhcpd's ping-check). `None`: no probes.
    pub probe_timeout: Option<Duration>,
    /// Answer BOOTP clients (no option 53) with an infinite lease (RFC 1534 §2);
    /// otherwise they are ignored (counted).
    pub bootp: bool,
}

impl ServerConfig {
    /// A builder with the defaults: lease 1 h (min 1 min, max 1 day), offers held 30 s,
    /// declined addresses quarantined 10 min, no rapid commit, probes of 500 ms, BOOTP off.
    pub fn builder() -> ServerConfigBuilder {
        ServerConfigBuilder {
            config: ServerConfig {
                subnets: Vec::new(),
                reservations: Vec::new(),
                lease: LeaseTimes {
                    default: Duration::from_secs(3600),
                    min: Duration::from_secs(60),
                    max: Duration::from_secs(86400),
                },
                offer_hold: Duration::from_secs(30),
                decline_quarantine: Duration::from_secs(600),
                rapid_commit: false,
                probe_timeout: Some(Duration::from_millis(500)),
                bootp: false,
            },
            error: None,
        }
    }

    /// The subnet containing `addr`.
    pub fn subnet_of(&self, addr: Ipv4Addr) -> Option<usize> {
        self.subnets.iter().position(|s| s.contains(addr))
    }

    /// The reservation at `addr`.
    pub fn reservation_at(&self, addr: Ipv4Addr) -> Option<&Reservation> {
        self.reservations.iter().find(|r| r.addr == addr)
    }
}

/// Builds a [`ServerConfig`]; the first error is kept and returned by `build`. Methods
/// after `subnet` apply to the last subnet declared; `host_option` to the last host.
#[derive(Debug, Clone)]
pub struct ServerConfigBuilder {
    config: ServerConfig,
    error: Option<ConfigError>,
}

impl ServerConfigBuilder {
    fn fail(&mut self, e: ConfigError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    fn last(&mut self) -> Option<&mut Subnet> {
        if self.config.subnets.is_empty() {
            self.fail(ConfigError::NoSubnet);
        }
        self.config.subnets.last_mut()
    }

    /// Declares a subnet `network/prefix` (host bits are cleared).
    pub fn subnet(mut self, network: Ipv4Addr, prefix: u8) -> Self {
        if prefix > 30 {
            self.fail(ConfigError::BadPrefix(prefix));
            return self;
        }
        let s = Subnet {
            network: Ipv4Addr::from(u32::from(network) & mask_bits(prefix)),
            prefix,
            ranges: Vec::new(),
            routers: Vec::new(),
            server_id: None,
            options: Vec::new(),
        };
        if self.config.subnets.iter().any(|o| o.contains(s.network) || s.contains(o.network)) {
            self.fail(ConfigError::Overlap(s.network));
        } else if self.config.subnets.push(s).is_err() {
            self.fail(ConfigError::Full("subnets"));
        }
        self
    }

    /// Adds the range `first..=last` to the subnet.
    pub fn range(mut self, first: Ipv4Addr, last: Ipv4Addr) -> Self {
        if u32::from(first) > u32::from(last) {
            self.fail(ConfigError::RangeReversed(first, last));
            return self;
        }
        let mut err = None;
        if let Some(s) = self.last() {
            if !s.contains(first) || !s.contains(last) {
                err =
                    Some(ConfigError::OutsideSubnet(if s.contains(first) { last } else { first }));
            } else if s.ranges.push((first, last)).is_err() {
                err = Some(ConfigError::Full("ranges"));
            }
        }
        if let Some(e) = err {
            self.fail(e);
        }
        self
    }

    /// Adds a router (option 3, in order); routers are never handed out.
    pub fn router(mut self, addr: Ipv4Addr) -> Self {
        let full = self.last().map(|s| s.routers.push(addr).is_err()).unwrap_or(false);
        if full {
            self.fail(ConfigError::Full("routers"));
        }
        self
    }

    /// The server identifier for the subnet (default: the receiving interface's address);
    /// never handed out.
    pub fn server_id(mut self, addr: Ipv4Addr) -> Self {
        if let Some(s) = self.last() {
            s.server_id = Some(addr);
        }
        self
    }

    fn subnet_option(mut self, code: OptionCode, data: &[u8]) -> Self {
        let r = match self.last() {
            Some(s) => push_option(&mut s.options, code, data),
            None => Ok(()),
        };
        if let Err(e) = r {
            self.fail(e);
        }
        self
    }

    /// DNS servers (option 6).
    pub fn dns(self, servers: &[Ipv4Addr]) -> Self {
        let mut b: Vec<u8, 64> = Vec::new();
        for s in servers {
            let _ = b.extend_from_slice(&s.octets());
        }
        self.subnet_option(OptionCode::DOMAIN_NAME_SERVER, &b)
    }

    /// NTP servers (option 42).
    pub fn ntp(self, servers: &[Ipv4Addr]) -> Self {
        let mut b: Vec<u8, 64> = Vec::new();
        for s in servers {
            let _ = b.extend_from_slice(&s.octets());
        }
        self.subnet_option(OptionCode::NTP_SERVERS, &b)
    }

    /// Domain name (option 15).
    pub fn domain_name(self, name: &str) -> Self {
        self.subnet_option(OptionCode::DOMAIN_NAME, name.as_bytes())
    }

    /// Interface MTU (option 26).
    pub fn mtu(self, mtu: u16) -> Self {
        self.subnet_option(OptionCode::INTERFACE_MTU, &mtu.to_be_bytes())
    }

    /// Domain search list (option 119, RFC 3397, compressed).
    pub fn search(mut self, names: &[&str]) -> Self {
        let mut buf = [0u8; MAX_OPTION_OCTETS];
        match DomainSearch::encode(names, &mut buf) {
            Ok(n) => self.subnet_option(OptionCode::DOMAIN_SEARCH, &buf[..n]),
            Err(_) => {
                self.fail(ConfigError::BadOption(OptionCode::DOMAIN_SEARCH.0));
                self
            }
        }
    }

    /// Classless static routes (option 121, RFC 3442).
    pub fn classless_routes(mut self, routes: &[ClasslessRoute]) -> Self {
        let mut buf = [0u8; MAX_OPTION_OCTETS];
        match crate::option::ClasslessRoutes::encode(routes, &mut buf) {
            Ok(n) => self.subnet_option(OptionCode::CLASSLESS_STATIC_ROUTE, &buf[..n]),
            Err(_) => {
                self.fail(ConfigError::BadOption(OptionCode::CLASSLESS_STATIC_ROUTE.0));
                self
            }
        }
    }

    /// Any option, raw data (not 0, 255, nor one the server sets itself: 50–54, 58, 59).
    pub fn option(self, code: u8, data: &[u8]) -> Self {
        self.subnet_option(OptionCode(code), data)
    }

    /// Reserves `addr` for the Ethernet address `mac`.
    pub fn reserve_mac(self, mac: [u8; 6], addr: Ipv4Addr) -> Self {
        self.reserve(HostMatch::Mac(mac), addr)
    }

    /// Reserves `addr` for the client identifier `id` (option 61, type octet included).
    pub fn reserve_client_id(mut self, id: &[u8], addr: Ipv4Addr) -> Self {
        match Vec::from_slice(id) {
            Ok(v) => self.reserve(HostMatch::ClientId(v), addr),
            Err(_) => {
                self.fail(ConfigError::Full("client identifier octets"));
                self
            }
        }
    }

    fn reserve(mut self, host: HostMatch, addr: Ipv4Addr) -> Self {
        if self.config.subnet_of(addr).is_none() {
            self.fail(ConfigError::OutsideSubnet(addr));
            return self;
        }
        let r = Reservation { host, addr, options: Vec::new() };
        if self.config.reservations.push(r).is_err() {
            self.fail(ConfigError::Full("reservations"));
        }
        self
    }

    /// An option (raw data) for the last reservation only.
    pub fn host_option(mut self, code: u8, data: &[u8]) -> Self {
        let r = match self.config.reservations.last_mut() {
            Some(r) => push_option(&mut r.options, OptionCode(code), data),
            None => Err(ConfigError::NoSubnet),
        };
        if let Err(e) = r {
            self.fail(e);
        }
        self
    }

    /// Lease times: default, min and max (the client's requested time is clamped to
    /// `min..=max`).
    pub fn lease_times(mut self, default: Duration, min: Duration, max: Duration) -> Self {
        self.config.lease = LeaseTimes { default, min, max };
        self
    }

    /// How long an offer holds its address.
    pub fn offer_hold(mut self, d: Duration) -> Self {
        self.config.offer_hold = d;
        self
    }

    /// How long a declined address is quarantined.
    pub fn decline_quarantine(mut self, d: Duration) -> Self {
        self.config.decline_quarantine = d;
        self
    }

    /// Rapid commit (RFC 4039) on or off.
    pub fn rapid_commit(mut self, on: bool) -> Self {
        self.config.rapid_commit = on;
        self
    }

    /// Probe timeout before offering a never-used address; `None` turns probes off.
    pub fn probe(mut self, timeout: Option<Duration>) -> Self {
        self.config.probe_timeout = timeout;
        self
    }

    /// Answer BOOTP clients with infinite leases (RFC 1534).
    pub fn bootp(mut self, on: bool) -> Self {
        self.config.bootp = on;
        self
    }

    /// The configuration, or the first error met.
    pub fn build(self) -> Result<ServerConfig, ConfigError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let l = self.config.lease;
        if l.min == Duration::ZERO || l.min > l.default || l.default > l.max {
            return Err(ConfigError::LeaseTimes);
        }
        Ok(self.config)
    }
}

/// Appends option `code` (RFC 3396 split) to `opts`.
fn push_option(opts: &mut OptionBytes, code: OptionCode, data: &[u8]) -> Result<(), ConfigError> {
    if matches!(code.0, 0 | 255 | 50..=54 | 58 | 59) {
        return Err(ConfigError::BadOption(code.0));
    }
    let mut buf = [0u8; MAX_OPTION_OCTETS];
    let start = opts.len();
    buf[..start].copy_from_slice(opts);
    let mut b = OptionBuilder::new(&mut buf[start..]);
    b.push_raw(code, data).map_err(|_| ConfigError::Full("option octets"))?;
    let n = b.len();
    opts.extend_from_slice(&buf[start..start + n]).map_err(|_| ConfigError::Full("option octets"))
}
