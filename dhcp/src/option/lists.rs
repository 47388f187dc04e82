//! Option payloads that are lists: addresses (RFC 2132 §3.5 and kin), classful static
//! routes (RFC 2132 §5.8), classless static routes (RFC 3442), the parameter request list
//! (RFC 2132 §9.8), and the client identifier (RFC 2132 §9.14).

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::WireError;

use super::code::OptionCode;
use crate::message::HardwareType;

fn ipv4(b: &[u8]) -> Ipv4Addr {
    let mut o = [0u8; 4];
    o.copy_from_slice(b);
    Ipv4Addr::from(o)
}

/// A list of IPv4 addresses: one or more, four octets each (RFC 2132 §3.5: "minimum
/// length ... is 4 octets, and the length MUST always be a multiple of 4").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Addresses<'a>(&'a [u8]);

impl<'a> Addresses<'a> {
    /// Checks `data` is a non-empty multiple of four octets.
    pub fn new(data: &'a [u8]) -> Result<Addresses<'a>, WireError> {
        if data.is_empty() || !data.len().is_multiple_of(4) {
            return Err(WireError::BadOption);
        }
        Ok(Addresses(data))
    }
    /// The raw octets.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
    /// The addresses in order.
    pub fn iter(&self) -> impl Iterator<Item = Ipv4Addr> + 'a {
        self.0.chunks_exact(4).map(ipv4)
    }
}

impl fmt::Display for Addresses<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

/// Classful static routes, option 33 (RFC 2132 §5.8): (destination, router) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StaticRoutes<'a>(&'a [u8]);

impl<'a> StaticRoutes<'a> {
    /// Checks `data` is a non-empty multiple of eight octets.
    pub fn new(data: &'a [u8]) -> Result<StaticRoutes<'a>, WireError> {
        if data.is_empty() || !data.len().is_multiple_of(8) {
            return Err(WireError::BadOption);
        }
        Ok(StaticRoutes(data))
    }
    /// The raw octets.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
    /// (destination, router) pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (Ipv4Addr, Ipv4Addr)> + 'a {
        self.0.chunks_exact(8).map(|c| (ipv4(&c[..4]), ipv4(&c[4..])))
    }
}

impl fmt::Display for StaticRoutes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (d, r)) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "({d} {r})")?;
        }
        Ok(())
    }
}

/// One classless route (RFC 3442): destination prefix and router.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClasslessRoute {
    /// The destination; only the first `ceil(prefix_len / 8)` octets are on the wire.
    pub destination: Ipv4Addr,
    /// The prefix length, 0 to 32 (0 is a default route).
    pub prefix_len: u8,
    /// The router.
    pub router: Ipv4Addr,
}

impl ClasslessRoute {
    fn significant(prefix_len: u8) -> usize {
        usize::from(prefix_len).div_ceil(8)
    }
    /// Octets this route takes: width, significant destination octets, router.
    pub fn encoded_len(&self) -> usize {
        1 + Self::significant(self.prefix_len.min(32)) + 4
    }
    /// Writes the route at the start of `buf`, returning its length. A prefix length
    /// above 32 is [`WireError::Malformed`].
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        if self.prefix_len > 32 {
            return Err(WireError::Malformed);
        }
        let n = Self::significant(self.prefix_len);
        let out = buf.get_mut(..1 + n + 4).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.prefix_len;
        out[1..1 + n].copy_from_slice(&self.destination.octets()[..n]);
        out[1 + n..].copy_from_slice(&self.router.octets());
        Ok(1 + n + 4)
    }
}

impl fmt::Display for ClasslessRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}/{}:{})", self.destination, self.prefix_len, self.router)
    }
}

/// Classless static routes, option 121 (RFC 3442): width-encoded destinations with routers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClasslessRoutes<'a>(&'a [u8]);

/// Reads one route from the front of `b`: the route and the rest.
fn classless_route(b: &[u8]) -> Result<(ClasslessRoute, &[u8]), WireError> {
    let (&width, rest) = b.split_first().ok_or(WireError::BadOption)?;
    if width > 32 {
        return Err(WireError::BadOption);
    }
    let n = ClasslessRoute::significant(width);
    let (dest, rest) = rest.split_at_checked(n).ok_or(WireError::BadOption)?;
    let (router, rest) = rest.split_at_checked(4).ok_or(WireError::BadOption)?;
    let mut d = [0u8; 4];
    d[..n].copy_from_slice(dest);
    let route =
        ClasslessRoute { destination: Ipv4Addr::from(d), prefix_len: width, router: ipv4(router) };
    Ok((route, rest))
}

impl<'a> ClasslessRoutes<'a> {
    /// Checks that `data` is one or more well-formed routes (RFC 3442: minimum 5 octets,
    /// widths at most 32, nothing left over).
    pub fn new(data: &'a [u8]) -> Result<ClasslessRoutes<'a>, WireError> {
        if data.is_empty() {
            return Err(WireError::BadOption);
        }
        let mut rest = data;
        while !rest.is_empty() {
            rest = classless_route(rest)?.1;
        }
        Ok(ClasslessRoutes(data))
    }
    /// The raw octets.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
    /// The routes in order.
    pub fn iter(&self) -> ClasslessRouteIter<'a> {
        ClasslessRouteIter(self.0)
    }
    /// Encodes `routes` into `buf`, returning the length (the option data; the builder
    /// splits it per RFC 3396 if it exceeds 255 octets).
    pub fn encode(routes: &[ClasslessRoute], buf: &mut [u8]) -> Result<usize, WireError> {
        let mut at = 0usize;
        for r in routes {
            at += r.emit(buf.get_mut(at..).ok_or(WireError::BufferTooSmall)?)?;
        }
        Ok(at)
    }
}

/// Iterator over [`ClasslessRoutes`].
#[derive(Debug, Clone)]
pub struct ClasslessRouteIter<'a>(&'a [u8]);

impl Iterator for ClasslessRouteIter<'_> {
    type Item = ClasslessRoute;
    fn next(&mut self) -> Option<ClasslessRoute> {
        // The data was validated in `ClasslessRoutes::new`; an error can only mean the
        // end, so it ends the iteration rather than panicking.
        let (r, rest) = classless_route(self.0).ok()?;
        self.0 = rest;
        Some(r)
    }
}

impl fmt::Display for ClasslessRoutes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

/// The parameter request list, option 55 (RFC 2132 §9.8): option codes the client wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParameterRequestList<'a>(pub &'a [u8]);

impl<'a> ParameterRequestList<'a> {
    /// The requested codes in the client's order of preference.
    pub fn iter(&self) -> impl Iterator<Item = OptionCode> + 'a {
        self.0.iter().map(|&c| OptionCode(c))
    }
}

impl fmt::Display for ParameterRequestList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match c.name() {
                Some(n) => f.write_str(n)?,
                None => write!(f, "Option {}", c.0)?,
            }
        }
        Ok(())
    }
}

/// The client identifier, option 61 (RFC 2132 §9.14): a type octet and an identifier, at
/// least two octets in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientId<'a>(&'a [u8]);

impl<'a> ClientId<'a> {
    /// Checks `data` is at least two octets.
    pub fn new(data: &'a [u8]) -> Result<ClientId<'a>, WireError> {
        if data.len() < 2 {
            return Err(WireError::BadOption);
        }
        Ok(ClientId(data))
    }
    /// The raw octets.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
    /// The type: a hardware type, 0 for "not a hardware address", 255 for RFC 4361's
    /// IAID + DUID.
    pub fn kind(&self) -> HardwareType {
        HardwareType(self.0.first().copied().unwrap_or(0))
    }
    /// The identifier after the type octet.
    pub fn id(&self) -> &'a [u8] {
        self.0.get(1..).unwrap_or(&[])
    }
}

impl fmt::Display for ClientId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.id();
        if self.kind() == HardwareType::ETHERNET && id.len() == 6 {
            f.write_str("ether ")?;
            for (i, b) in id.iter().enumerate() {
                if i > 0 {
                    f.write_str(":")?;
                }
                write!(f, "{b:02x}")?;
            }
            return Ok(());
        }
        write!(f, "type {} 0x", self.kind().0)?;
        id.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::{format, vec::Vec};

    #[test]
    fn rfc2132_3_5_address_list_length_multiple_of_four() {
        assert_eq!(Addresses::new(&[]), Err(WireError::BadOption));
        assert_eq!(Addresses::new(&[1, 2, 3]), Err(WireError::BadOption));
        let a = Addresses::new(&[192, 0, 2, 1, 192, 0, 2, 2]).unwrap();
        assert_eq!(format!("{a}"), "192.0.2.1,192.0.2.2");
    }

    #[test]
    fn rfc2132_5_8_static_route_length_multiple_of_eight() {
        assert_eq!(StaticRoutes::new(&[0; 3]), Err(WireError::BadOption));
        assert_eq!(StaticRoutes::new(&[]), Err(WireError::BadOption));
        let r = StaticRoutes::new(&[198, 51, 100, 0, 192, 0, 2, 1]).unwrap();
        assert_eq!(format!("{r}"), "(198.51.100.0 192.0.2.1)");
    }

    #[test]
    fn rfc3442_width_encoding_examples() {
        // RFC 3442 "Encoding": 0 → 0 octets, 10.0.0.0/8 → 1 octet, 10.17.0.0/16 → 2,
        // 10.27.129.0/24 → 3, 10.229.0.128/25 → 4.
        let data = [
            0, 192, 0, 2, 1, // default
            8, 10, 192, 0, 2, 2, // 10/8
            16, 10, 17, 192, 0, 2, 3, // 10.17/16
            24, 10, 27, 129, 192, 0, 2, 4, // 10.27.129/24
            25, 10, 229, 0, 128, 192, 0, 2, 5, // 10.229.0.128/25
        ];
        let routes = ClasslessRoutes::new(&data).unwrap();
        let v: Vec<_> = routes.iter().collect();
        assert_eq!(v.len(), 5);
        assert_eq!(v[0].prefix_len, 0);
        assert_eq!(v[0].destination, Ipv4Addr::UNSPECIFIED);
        assert_eq!(v[2].destination, Ipv4Addr::new(10, 17, 0, 0));
        assert_eq!(v[4].destination, Ipv4Addr::new(10, 229, 0, 128));
        assert_eq!(v[4].router, Ipv4Addr::new(192, 0, 2, 5));
        let mut buf = [0u8; 64];
        let n = ClasslessRoutes::encode(&v, &mut buf).unwrap();
        assert_eq!(&buf[..n], &data[..]);
    }

    #[test]
    fn rfc3442_bad_width_and_short_routes_rejected() {
        assert_eq!(ClasslessRoutes::new(&[33, 1, 2, 3, 4, 5, 6, 7, 8]), Err(WireError::BadOption));
        assert_eq!(ClasslessRoutes::new(&[24, 10, 0, 0, 1, 2, 3]), Err(WireError::BadOption));
        assert_eq!(ClasslessRoutes::new(&[]), Err(WireError::BadOption));
        let bad = ClasslessRoute {
            destination: Ipv4Addr::UNSPECIFIED,
            prefix_len: 40,
            router: Ipv4Addr::UNSPECIFIED,
        };
        assert_eq!(bad.emit(&mut [0; 16]), Err(WireError::Malformed));
    }

    #[test]
    fn rfc2132_9_14_client_id() {
        assert_eq!(ClientId::new(&[1]), Err(WireError::BadOption));
        let c = ClientId::new(&[1, 0, 0x11, 0x22, 0x33, 0x44, 0x55]).unwrap();
        assert_eq!(format!("{c}"), "ether 00:11:22:33:44:55");
        let c = ClientId::new(&[255, 1, 2]).unwrap();
        assert_eq!(format!("{c}"), "type 255 0x0102");
    }
}
