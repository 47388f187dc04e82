//! The lease a client holds: what the server's DHCPACK said, in typed, fixed-size form
//! (RFC 2131 §3.1 step 5, RFC 2132, RFC 3397, RFC 3442).

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::{Duration, Instant};

use crate::option::{ClasslessRoute, DomainSearch, OptionCode, SearchNames};
use crate::{DhcpOption, Repr};

/// How many addresses a [`Lease`] keeps per list (routers, DNS, NTP). Further addresses
/// are dropped and [`Lease::truncated`] is set.
pub const MAX_ADDRESSES: usize = 4;
/// How many RFC 3442 classless routes a [`Lease`] keeps; further routes are dropped and
/// [`Lease::truncated`] is set.
pub const MAX_ROUTES: usize = 8;
/// Octets of domain name (option 15) kept: a longer name is dropped and
/// [`Lease::truncated`] is set.
pub const MAX_DOMAIN_LEN: usize = 255;
/// Octets of the encoded domain search list (option 119) kept: a longer list is dropped
/// and [`Lease::truncated`] is set.
pub const MAX_SEARCH_LEN: usize = 512;

/// Up to `N` IPv4 addresses, in server order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressList<const N: usize> {
    addrs: [Ipv4Addr; N],
    len: usize,
}

impl<const N: usize> Default for AddressList<N> {
    fn default() -> Self {
        AddressList { addrs: [Ipv4Addr::UNSPECIFIED; N], len: 0 }
    }
}

impl<const N: usize> AddressList<N> {
    /// Appends `a`; false (and nothing stored) when full.
    pub fn push(&mut self, a: Ipv4Addr) -> bool {
        match self.addrs.get_mut(self.len) {
            Some(slot) => {
                *slot = a;
                self.len += 1;
                true
            }
            None => false,
        }
    }
    /// The addresses.
    pub fn as_slice(&self) -> &[Ipv4Addr] {
        &self.addrs[..self.len]
    }
    /// The first address.
    pub fn first(&self) -> Option<Ipv4Addr> {
        self.as_slice().first().copied()
    }
}

/// One route of a lease: destination prefix and next hop.
pub type Route = ClasslessRoute;

/// An address lease with the configuration that came with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// Our address (`yiaddr`).
    pub address: Ipv4Addr,
    /// Prefix length from the subnet mask (option 1); the classful default when absent.
    pub prefix_len: u8,
    /// The server identifier (option 54).
    pub server: Ipv4Addr,
    /// Routers (option 3), in preference order.
    pub routers: AddressList<MAX_ADDRESSES>,
    /// DNS servers (option 6).
    pub dns_servers: AddressList<MAX_ADDRESSES>,
    /// NTP servers (option 42).
    pub ntp_servers: AddressList<MAX_ADDRESSES>,
    routes: [Route; MAX_ROUTES],
    routes_len: usize,
    domain: [u8; MAX_DOMAIN_LEN],
    domain_len: usize,
    search: [u8; MAX_SEARCH_LEN],
    search_len: usize,
    /// Interface MTU (option 26).
    pub mtu: Option<u16>,
    /// Lease time (option 51); `None` for an infinite lease (0xffffffff) or an INFORM
    /// answer.
    pub lease_time: Option<Duration>,
    /// T1 (option 58, else 0.5 × lease time, RFC 2131 §4.4.5).
    pub renewal_time: Option<Duration>,
    /// T2 (option 59, else 0.875 × lease time).
    pub rebinding_time: Option<Duration>,
    /// When the lease was obtained: the time the REQUEST that got it was sent
    /// (RFC 2131 §4.4.1: times count from there).
    pub obtained: Instant,
    /// Something did not fit the fixed capacities above and was dropped.
    pub truncated: bool,
}

const INFINITE: u32 = u32::MAX;

/// RFC 2132 §3.3: the classful default when the server gives no mask.
fn classful_prefix(a: Ipv4Addr) -> u8 {
    match a.octets()[0] {
        0..=127 => 8,
        128..=191 => 16,
        _ => 24,
    }
}

fn mask_to_prefix(mask: Ipv4Addr) -> Option<u8> {
    let m = u32::from(mask);
    let ones = m.leading_ones();
    (m.checked_shl(ones).unwrap_or(0) == 0).then_some(ones as u8)
}

impl Lease {
    /// Reads the lease in a DHCPACK (or the parameters of an INFORM answer) received at
    /// `obtained`; `server_fallback` is the server identifier when option 54 is absent.
    /// Options that do not decode are ignored, as a client must (RFC 2131 §3.5).
    pub fn from_ack(repr: &Repr<'_>, obtained: Instant, server_fallback: Ipv4Addr) -> Lease {
        let mut lease = Lease {
            address: repr.yiaddr,
            prefix_len: classful_prefix(repr.yiaddr),
            server: server_fallback,
            routers: AddressList::default(),
            dns_servers: AddressList::default(),
            ntp_servers: AddressList::default(),
            routes: [Route {
                destination: Ipv4Addr::UNSPECIFIED,
                prefix_len: 0,
                router: Ipv4Addr::UNSPECIFIED,
            }; MAX_ROUTES],
            routes_len: 0,
            domain: [0; MAX_DOMAIN_LEN],
            domain_len: 0,
            search: [0; MAX_SEARCH_LEN],
            search_len: 0,
            mtu: None,
            lease_time: None,
            renewal_time: None,
            rebinding_time: None,
            obtained,
            truncated: false,
        };
        let mut t1 = None;
        let mut t2 = None;
        let mut lease_secs = None;
        // Each option is joined (RFC 3396) into this buffer before decoding.
        let mut scratch = [0u8; 1024];
        let codes = [1u8, 3, 6, 15, 26, 42, 51, 54, 58, 59, 119, 121];
        for code in codes {
            let Ok(Some(opt)) = repr.get(OptionCode(code), &mut scratch) else { continue };
            match opt {
                DhcpOption::SubnetMask(m) => {
                    if let Some(p) = mask_to_prefix(m) {
                        lease.prefix_len = p;
                    }
                }
                DhcpOption::Router(a) => {
                    for r in a.iter() {
                        lease.truncated |= !lease.routers.push(r);
                    }
                }
                DhcpOption::DomainNameServer(a) => {
                    for r in a.iter() {
                        lease.truncated |= !lease.dns_servers.push(r);
                    }
                }
                DhcpOption::NtpServers(a) => {
                    for r in a.iter() {
                        lease.truncated |= !lease.ntp_servers.push(r);
                    }
                }
                DhcpOption::DomainName(d) => {
                    // Some servers NUL-terminate the name.
                    let d = d.split(|&b| b == 0).next().unwrap_or(&[]);
                    match lease.domain.get_mut(..d.len()) {
                        Some(out) if core::str::from_utf8(d).is_ok() => {
                            out.copy_from_slice(d);
                            lease.domain_len = d.len();
                        }
                        _ => lease.truncated = true,
                    }
                }
                DhcpOption::InterfaceMtu(m) if m >= 68 => lease.mtu = Some(m),
                DhcpOption::LeaseTime(s) => lease_secs = Some(s),
                DhcpOption::ServerId(s) => lease.server = s,
                DhcpOption::RenewalTime(s) => t1 = Some(s),
                DhcpOption::RebindingTime(s) => t2 = Some(s),
                DhcpOption::DomainSearch(d) => {
                    let b = d.as_bytes();
                    match lease.search.get_mut(..b.len()) {
                        Some(out) => {
                            out.copy_from_slice(b);
                            lease.search_len = b.len();
                        }
                        None => lease.truncated = true,
                    }
                }
                DhcpOption::ClasslessStaticRoute(routes) => {
                    for r in routes.iter() {
                        match lease.routes.get_mut(lease.routes_len) {
                            Some(slot) => {
                                *slot = r;
                                lease.routes_len += 1;
                            }
                            None => lease.truncated = true,
                        }
                    }
                }
                _ => {}
            }
        }
        lease.set_times(lease_secs, t1, t2);
        lease
    }

    /// RFC 2131 §4.4.5: T1 defaults to 0.5 and T2 to 0.875 of the lease; a server's
    /// values are used when they are in order (T1 < T2 < lease), else the defaults.
    fn set_times(&mut self, lease: Option<u32>, t1: Option<u32>, t2: Option<u32>) {
        let Some(lease) = lease.filter(|&l| l != INFINITE) else {
            return;
        };
        let l = u64::from(lease);
        let d1 = l / 2;
        let d2 = l * 7 / 8;
        let t2 = t2.map(u64::from).filter(|&t| t <= l).unwrap_or(d2);
        let t1 = t1.map(u64::from).filter(|&t| t <= t2).unwrap_or(d1.min(t2));
        self.lease_time = Some(Duration::from_secs(l));
        self.renewal_time = Some(Duration::from_secs(t1));
        self.rebinding_time = Some(Duration::from_secs(t2));
    }

    /// When the lease ends (`None`: never).
    pub fn expires(&self) -> Option<Instant> {
        self.lease_time.map(|d| self.obtained + d)
    }

    /// When RENEWING starts (T1).
    pub fn t1(&self) -> Option<Instant> {
        self.renewal_time.map(|d| self.obtained + d)
    }

    /// When REBINDING starts (T2).
    pub fn t2(&self) -> Option<Instant> {
        self.rebinding_time.map(|d| self.obtained + d)
    }

    /// The default gateway: the RFC 3442 default route (0/0) when option 121 was given —
    /// it takes precedence over option 3 (RFC 3442 "DHCP Client Behavior") — else the
    /// first router.
    pub fn gateway(&self) -> Option<Ipv4Addr> {
        if self.routes_len > 0 {
            return self.routes().iter().find(|r| r.prefix_len == 0).map(|r| r.router);
        }
        self.routers.first()
    }

    /// The classless static routes (option 121).
    pub fn routes(&self) -> &[Route] {
        &self.routes[..self.routes_len]
    }

    /// The domain name (option 15).
    pub fn domain(&self) -> Option<&str> {
        let d = self.domain.get(..self.domain_len)?;
        core::str::from_utf8(d).ok().filter(|s| !s.is_empty())
    }

    /// The domain search list (option 119), decoded one name at a time.
    pub fn search_list(&self) -> Option<SearchNames<'_>> {
        let b = self.search.get(..self.search_len).filter(|b| !b.is_empty())?;
        DomainSearch::new(b).ok().map(|d| d.names())
    }
}

impl fmt::Display for Lease {
    /// `192.0.2.10/24 router 192.0.2.1 dns 192.0.2.1 lease 3600s from 192.0.2.1`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix_len)?;
        if let Some(g) = self.gateway() {
            write!(f, " router {g}")?;
        }
        for (i, d) in self.dns_servers.as_slice().iter().enumerate() {
            write!(f, "{}{d}", if i == 0 { " dns " } else { "," })?;
        }
        match self.lease_time {
            Some(l) => write!(f, " lease {}s", l.as_secs())?,
            None => write!(f, " lease infinite")?,
        }
        write!(f, " from {}", self.server)?;
        if f.alternate() {
            if let Some(d) = self.domain() {
                write!(f, " domain {d}")?;
            }
            if let Some(m) = self.mtu {
                write!(f, " mtu {m}")?;
            }
            for r in self.routes() {
                write!(f, " route {r}")?;
            }
            if let (Some(t1), Some(t2)) = (self.renewal_time, self.rebinding_time) {
                write!(f, " t1 {}s t2 {}s", t1.as_secs(), t2.as_secs())?;
            }
        }
        Ok(())
    }
}
