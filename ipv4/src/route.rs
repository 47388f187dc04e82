//! Addressing and the host's routing decision: an interface address with its prefix
//! ([`Ipv4Cidr`]), on-link or via the gateway ([`next_hop`]), and broadcast recognition.
//!
//! A host has one route table entry per interface plus a default gateway (RFC 1122
//! §3.3.1.1: "the host MUST ... determine whether the destination is on a connected
//! network"); that is all [`next_hop`] decides. Limited broadcast and multicast never go
//! through a gateway: the stack maps them to link-layer addresses itself.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use unet_ipv4::route::{next_hop, Ipv4Cidr};
//! let ours: Ipv4Cidr = "192.0.2.1/24".parse().unwrap();
//! let gw = Some(Ipv4Addr::new(192, 0, 2, 254));
//! assert_eq!(ours.broadcast(), Some(Ipv4Addr::new(192, 0, 2, 255)));
//! assert_eq!(next_hop(Ipv4Addr::new(192, 0, 2, 7), ours, gw), Ok(Ipv4Addr::new(192, 0, 2, 7)));
//! assert_eq!(next_hop(Ipv4Addr::new(198, 51, 100, 1), ours, gw), Ok(Ipv4Addr::new(192, 0, 2, 254)));
//! ```

use core::fmt;
use core::net::Ipv4Addr;
use core::str::FromStr;

/// An IPv4 address with a prefix length, as an interface is configured (RFC 4632 §3.1
/// notation `192.0.2.1/24`). The host bits are kept: `192.0.2.1/24` is the interface
/// address 192.0.2.1 on network 192.0.2.0/24.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ipv4Cidr {
    address: Ipv4Addr,
    prefix_len: u8,
}

/// Why an [`Ipv4Cidr`] could not be made or parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CidrError {
    /// The prefix length is above 32.
    BadPrefix,
    /// The text is not `a.b.c.d/len`.
    Syntax,
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CidrError::BadPrefix => "prefix length above 32",
            CidrError::Syntax => "expected ADDRESS/PREFIX, e.g. 192.0.2.1/24",
        })
    }
}

impl Ipv4Cidr {
    /// `address/prefix_len`; [`CidrError::BadPrefix`] above 32.
    pub const fn new(address: Ipv4Addr, prefix_len: u8) -> Result<Ipv4Cidr, CidrError> {
        if prefix_len > 32 {
            return Err(CidrError::BadPrefix);
        }
        Ok(Ipv4Cidr { address, prefix_len })
    }

    /// The address (host bits included).
    pub const fn address(&self) -> Ipv4Addr {
        self.address
    }

    /// The prefix length, 0 to 32.
    pub const fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    /// The subnet mask: `prefix_len` one bits from the top.
    pub const fn netmask(&self) -> Ipv4Addr {
        Ipv4Addr::from_bits(self.mask())
    }

    const fn mask(&self) -> u32 {
        match self.prefix_len {
            0 => 0,
            n => u32::MAX << (32 - n as u32),
        }
    }

    /// The network: the address with its host bits cleared, same prefix.
    pub const fn network(&self) -> Ipv4Cidr {
        Ipv4Cidr {
            address: Ipv4Addr::from_bits(self.address.to_bits() & self.mask()),
            prefix_len: self.prefix_len,
        }
    }

    /// The directed broadcast address: all host bits set (RFC 919, RFC 1122 §3.2.1.3 (c)).
    /// `None` for /31 and /32, which have no broadcast address (RFC 3021 §2.2).
    pub const fn broadcast(&self) -> Option<Ipv4Addr> {
        if self.prefix_len >= 31 {
            return None;
        }
        Some(Ipv4Addr::from_bits(self.address.to_bits() | !self.mask()))
    }

    /// True if `addr` is on this network (same prefix bits).
    pub const fn contains(&self, addr: Ipv4Addr) -> bool {
        (addr.to_bits() ^ self.address.to_bits()) & self.mask() == 0
    }
}

impl fmt::Display for Ipv4Cidr {
    /// `192.0.2.1/24`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix_len)
    }
}

impl FromStr for Ipv4Cidr {
    type Err = CidrError;

    /// Parses `a.b.c.d/len` (the prefix is required).
    fn from_str(s: &str) -> Result<Ipv4Cidr, CidrError> {
        let (addr, len) = s.split_once('/').ok_or(CidrError::Syntax)?;
        let address = Ipv4Addr::from_str(addr).map_err(|_| CidrError::Syntax)?;
        // Digits only: u8::from_str would accept a leading '+'.
        if len.is_empty() || len.len() > 2 || !len.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CidrError::Syntax);
        }
        let prefix_len = u8::from_str(len).map_err(|_| CidrError::Syntax)?;
        Ipv4Cidr::new(address, prefix_len)
    }
}

/// No route to a destination: it is off-link and there is no (usable) gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoRoute;

impl fmt::Display for NoRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no route to host")
    }
}

/// The next hop for `dst`: `dst` itself when it is on-link (inside `ours`), else the
/// `gateway` (RFC 1122 §3.3.1.1, §3.3.1.2).
///
/// - Limited broadcast (255.255.255.255) and multicast (224.0.0.0/4) are returned as they
///   are: they are never routed by a host, and the stack maps them to link-layer addresses
///   directly (RFC 1112 §6.4).
/// - [`NoRoute`] when `dst` is off-link and there is no gateway, or the gateway itself is
///   not on-link (a host cannot reach it), or `dst` is 0.0.0.0 or loopback (127.0.0.0/8
///   never leaves the host, RFC 1122 §3.2.1.3 (g)).
pub fn next_hop(
    dst: Ipv4Addr,
    ours: Ipv4Cidr,
    gateway: Option<Ipv4Addr>,
) -> Result<Ipv4Addr, NoRoute> {
    if dst.is_unspecified() || dst.is_loopback() {
        return Err(NoRoute);
    }
    if dst.is_broadcast() || dst.is_multicast() || ours.contains(dst) {
        return Ok(dst);
    }
    match gateway {
        Some(gw) if ours.contains(gw) && gw != ours.address() => Ok(gw),
        _ => Err(NoRoute),
    }
}

/// True if `addr` is a broadcast address for a host configured with `ours`: the limited
/// broadcast 255.255.255.255 or the directed broadcast of `ours` (RFC 1122 §3.2.1.3,
/// §3.3.6). The obsolete all-zeros host part (RFC 1122 §3.3.6: "SHOULD" recognise it) is
/// counted too.
pub fn is_broadcast_for(addr: Ipv4Addr, ours: Ipv4Cidr) -> bool {
    if addr.is_broadcast() {
        return true;
    }
    if ours.prefix_len() >= 31 {
        return false;
    }
    ours.broadcast() == Some(addr) || ours.network().address() == addr
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn cidr(s: &str) -> Ipv4Cidr {
        s.parse().unwrap()
    }

    #[test]
    fn rfc4632_3_1_parse_and_display() {
        let c = cidr("192.0.2.1/24");
        assert_eq!(c.address(), Ipv4Addr::new(192, 0, 2, 1));
        assert_eq!(c.prefix_len(), 24);
        assert_eq!(c.netmask(), Ipv4Addr::new(255, 255, 255, 0));
        assert_eq!(c.network(), cidr("192.0.2.0/24"));
        assert_eq!(c.to_string(), "192.0.2.1/24");
        assert_eq!(cidr("0.0.0.0/0").netmask(), Ipv4Addr::UNSPECIFIED);
        assert_eq!(cidr("10.0.0.1/32").netmask(), Ipv4Addr::BROADCAST);
        for bad in ["192.0.2.1", "192.0.2.1/", "192.0.2.1/+4", "192.0.2/24", "192.0.2.1/024", "x/1"]
        {
            assert_eq!(bad.parse::<Ipv4Cidr>(), Err(CidrError::Syntax), "{bad}");
        }
        assert_eq!("192.0.2.1/33".parse::<Ipv4Cidr>(), Err(CidrError::BadPrefix));
        assert_eq!(Ipv4Cidr::new(Ipv4Addr::LOCALHOST, 40), Err(CidrError::BadPrefix));
    }

    #[test]
    fn rfc1122_3_3_1_1_contains_is_the_prefix_match() {
        let c = cidr("198.51.100.77/26");
        assert!(c.contains(Ipv4Addr::new(198, 51, 100, 64)));
        assert!(c.contains(Ipv4Addr::new(198, 51, 100, 127)));
        assert!(!c.contains(Ipv4Addr::new(198, 51, 100, 128)));
        assert!(!c.contains(Ipv4Addr::new(198, 51, 100, 63)));
        assert!(cidr("0.0.0.0/0").contains(Ipv4Addr::new(203, 0, 113, 9)));
    }

    #[test]
    fn rfc3021_2_2_no_broadcast_on_31_and_32() {
        assert_eq!(cidr("198.51.100.77/26").broadcast(), Some(Ipv4Addr::new(198, 51, 100, 127)));
        assert_eq!(cidr("192.0.2.0/31").broadcast(), None);
        assert_eq!(cidr("192.0.2.1/32").broadcast(), None);
        assert!(!is_broadcast_for(Ipv4Addr::new(192, 0, 2, 1), cidr("192.0.2.0/31")));
    }

    #[test]
    fn rfc1122_3_3_1_1_on_link_goes_direct_else_via_gateway() {
        let ours = cidr("192.0.2.1/24");
        let gw = Some(Ipv4Addr::new(192, 0, 2, 254));
        let near = Ipv4Addr::new(192, 0, 2, 9);
        let far = Ipv4Addr::new(203, 0, 113, 5);
        assert_eq!(next_hop(near, ours, gw), Ok(near));
        assert_eq!(next_hop(near, ours, None), Ok(near));
        assert_eq!(next_hop(far, ours, gw), Ok(Ipv4Addr::new(192, 0, 2, 254)));
        assert_eq!(next_hop(far, ours, None), Err(NoRoute));
        // A gateway that is not on-link cannot be reached; nor can our own address be one.
        assert_eq!(next_hop(far, ours, Some(Ipv4Addr::new(198, 51, 100, 1))), Err(NoRoute));
        assert_eq!(next_hop(far, ours, Some(ours.address())), Err(NoRoute));
    }

    #[test]
    fn rfc1122_3_2_1_3_special_destinations() {
        let ours = cidr("192.0.2.1/24");
        let gw = Some(Ipv4Addr::new(192, 0, 2, 254));
        assert_eq!(next_hop(Ipv4Addr::BROADCAST, ours, gw), Ok(Ipv4Addr::BROADCAST));
        let group = Ipv4Addr::new(224, 0, 0, 251);
        assert_eq!(next_hop(group, ours, gw), Ok(group));
        assert_eq!(next_hop(Ipv4Addr::LOCALHOST, ours, gw), Err(NoRoute));
        assert_eq!(next_hop(Ipv4Addr::UNSPECIFIED, ours, gw), Err(NoRoute));
    }

    #[test]
    fn rfc1122_3_3_6_broadcast_recognition() {
        let ours = cidr("192.0.2.1/24");
        assert!(is_broadcast_for(Ipv4Addr::BROADCAST, ours));
        assert!(is_broadcast_for(Ipv4Addr::new(192, 0, 2, 255), ours));
        assert!(is_broadcast_for(Ipv4Addr::new(192, 0, 2, 0), ours));
        assert!(!is_broadcast_for(Ipv4Addr::new(192, 0, 2, 1), ours));
        assert!(!is_broadcast_for(Ipv4Addr::new(198, 51, 100, 255), ours));
    }
}
