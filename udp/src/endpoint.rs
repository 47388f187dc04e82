//! Socket endpoints: an address and a port, for either IP version.

use core::fmt;

use unet_core::IpAddress;

/// An IP address and a UDP port.
///
/// As a *local* endpoint, the unspecified address (`0.0.0.0`, `::`) means "any local
/// address" (a wildcard bind); port 0 asks for an ephemeral port when binding. As a
/// *remote* endpoint both must be specified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint<A> {
    /// The IP address.
    pub addr: A,
    /// The UDP port.
    pub port: u16,
}

impl<A: IpAddress> Endpoint<A> {
    /// The endpoint `addr`:`port`.
    pub const fn new(addr: A, port: u16) -> Endpoint<A> {
        Endpoint { addr, port }
    }

    /// Any local address, at `port` (0: an ephemeral port).
    pub const fn any(port: u16) -> Endpoint<A> {
        Endpoint { addr: A::UNSPECIFIED, port }
    }

    /// True if the address is the unspecified address (a wildcard, when local).
    pub fn is_any_addr(&self) -> bool {
        self.addr == A::UNSPECIFIED
    }

    /// True if both the address and the port are specified: a valid remote endpoint.
    pub fn is_specified(&self) -> bool {
        !self.is_any_addr() && self.port != 0
    }
}

/// `192.0.2.1:53`, `[2001:db8::1]:53`.
impl<A: IpAddress> fmt::Display for Endpoint<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if A::VERSION == 6 {
            write!(f, "[{}]:{}", self.addr, self.port)
        } else {
            write!(f, "{}:{}", self.addr, self.port)
        }
    }
}

/// What a socket's queues keep with each datagram.
///
/// Received: `remote` is the sender, `local_addr` the destination address the datagram was
/// sent to (a unicast address of ours, a broadcast or a multicast group: RFC 1122 §4.1.3.5
/// says UDP passes it up). To send: `remote` is the destination, `local_addr` the source the
/// socket is bound to (unspecified: the stack chooses, RFC 1122 §3.3.4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UdpMetadata<A> {
    /// The other end.
    pub remote: Endpoint<A>,
    /// Our address.
    pub local_addr: A,
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};
    extern crate std;
    use std::format;

    #[test]
    fn display_and_wildcards() {
        let e = Endpoint::new(Ipv4Addr::new(192, 0, 2, 1), 53);
        assert_eq!(format!("{e}"), "192.0.2.1:53");
        let e6 = Endpoint::new("2001:db8::1".parse::<Ipv6Addr>().unwrap(), 53);
        assert_eq!(format!("{e6}"), "[2001:db8::1]:53");
        assert!(e.is_specified() && !e.is_any_addr());
        assert!(Endpoint::<Ipv4Addr>::any(53).is_any_addr());
        assert!(!Endpoint::new(Ipv4Addr::new(192, 0, 2, 1), 0).is_specified());
    }
}
