//! What IPv4 and IPv6 have in common, as the transports see it.
//!
//! UDP and TCP are written once, generic over [`IpAddress`] (implemented for
//! [`Ipv4Addr`] and [`Ipv6Addr`]): the pseudo-header checksum, the header size that
//! bounds the MSS, and the minimum MTU are all the transports need to know of the IP version
//! beneath them (DESIGN.md §4).

use core::fmt;
use core::hash::Hash;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::checksum::{self, Checksum};

/// An IP protocol number (IPv4 "Protocol", IPv6 "Next Header"), from the IANA registry.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpProtocol(pub u8);

impl IpProtocol {
    /// IPv6 Hop-by-Hop Options (RFC 8200 §4.3).
    pub const HOP_BY_HOP: IpProtocol = IpProtocol(0);
    /// ICMP for IPv4 (RFC 792).
    pub const ICMP: IpProtocol = IpProtocol(1);
    /// IGMP (RFC 2236, RFC 3376).
    pub const IGMP: IpProtocol = IpProtocol(2);
    /// IPv4 encapsulation (RFC 2003).
    pub const IPV4_IN_IP: IpProtocol = IpProtocol(4);
    /// TCP (RFC 9293).
    pub const TCP: IpProtocol = IpProtocol(6);
    /// UDP (RFC 768).
    pub const UDP: IpProtocol = IpProtocol(17);
    /// IPv6 encapsulation (RFC 2473).
    pub const IPV6_IN_IP: IpProtocol = IpProtocol(41);
    /// IPv6 Routing header (RFC 8200 §4.4).
    pub const IPV6_ROUTE: IpProtocol = IpProtocol(43);
    /// IPv6 Fragment header (RFC 8200 §4.5).
    pub const IPV6_FRAGMENT: IpProtocol = IpProtocol(44);
    /// Encapsulating Security Payload (RFC 4303).
    pub const ESP: IpProtocol = IpProtocol(50);
    /// Authentication Header (RFC 4302).
    pub const AH: IpProtocol = IpProtocol(51);
    /// ICMP for IPv6 (RFC 4443).
    pub const ICMPV6: IpProtocol = IpProtocol(58);
    /// IPv6 "No Next Header" (RFC 8200 §4.7).
    pub const IPV6_NO_NEXT: IpProtocol = IpProtocol(59);
    /// IPv6 Destination Options (RFC 8200 §4.6).
    pub const IPV6_OPTS: IpProtocol = IpProtocol(60);
    /// Mobility header (RFC 6275).
    pub const MOBILITY: IpProtocol = IpProtocol(135);
    /// Host Identity Protocol (RFC 7401).
    pub const HIP: IpProtocol = IpProtocol(139);
    /// Shim6 (RFC 5533).
    pub const SHIM6: IpProtocol = IpProtocol(140);

    /// The registry's short name, if this number is one unet knows.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "HOPOPT",
            1 => "ICMP",
            2 => "IGMP",
            4 => "IPv4",
            6 => "TCP",
            17 => "UDP",
            41 => "IPv6",
            43 => "IPv6-Route",
            44 => "IPv6-Frag",
            50 => "ESP",
            51 => "AH",
            58 => "ICMPv6",
            59 => "IPv6-NoNxt",
            60 => "IPv6-Opts",
            135 => "Mobility",
            139 => "HIP",
            140 => "Shim6",
            _ => return None,
        })
    }

    /// True for the numbers RFC 8200 §4 and RFC 7045 class as IPv6 extension headers
    /// (ESP excluded: what follows it is encrypted, so it ends the chain as a payload does).
    pub const fn is_ipv6_extension(self) -> bool {
        matches!(self.0, 0 | 43 | 44 | 51 | 60 | 135 | 139 | 140)
    }
}

impl fmt::Debug for IpProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for IpProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "proto-{}", self.0),
        }
    }
}

impl From<u8> for IpProtocol {
    fn from(v: u8) -> IpProtocol {
        IpProtocol(v)
    }
}

impl From<IpProtocol> for u8 {
    fn from(p: IpProtocol) -> u8 {
        p.0
    }
}

/// An address of one IP version, with what a transport needs to know of that version.
pub trait IpAddress:
    Copy + Eq + Ord + Hash + fmt::Debug + fmt::Display + Into<IpAddr> + Send + Sync + 'static
{
    /// 4 or 6.
    const VERSION: u8;
    /// Size of the IP header without options or extension headers: 20 or 40 bytes.
    const HEADER_LEN: usize;
    /// The MTU every link must carry: 576 for IPv4 datagrams a host must accept
    /// (RFC 1122 §3.3.3), 1280 for IPv6 (RFC 8200 §5).
    const MIN_MTU: usize;
    /// The unspecified address (0.0.0.0 or ::).
    const UNSPECIFIED: Self;

    /// The pseudo-header sum that prefixes an upper-layer checksum.
    fn pseudo_header(src: &Self, dst: &Self, protocol: IpProtocol, upper_len: u32) -> Checksum;

    /// True for multicast (and, for IPv4, the limited broadcast) addresses, which a
    /// transport must never answer with a segment of its own (RFC 9293 §3.10.7.1).
    fn is_multicast_or_broadcast(&self) -> bool;
}

impl IpAddress for Ipv4Addr {
    const VERSION: u8 = 4;
    const HEADER_LEN: usize = 20;
    const MIN_MTU: usize = 576;
    const UNSPECIFIED: Ipv4Addr = Ipv4Addr::UNSPECIFIED;

    fn pseudo_header(src: &Self, dst: &Self, protocol: IpProtocol, upper_len: u32) -> Checksum {
        // An IPv4 datagram cannot carry more than 65535 bytes, so the length always fits.
        checksum::pseudo_header_v4(*src, *dst, protocol.0, upper_len as u16)
    }

    fn is_multicast_or_broadcast(&self) -> bool {
        self.is_multicast() || self.is_broadcast()
    }
}

impl IpAddress for Ipv6Addr {
    const VERSION: u8 = 6;
    const HEADER_LEN: usize = 40;
    const MIN_MTU: usize = 1280;
    const UNSPECIFIED: Ipv6Addr = Ipv6Addr::UNSPECIFIED;

    fn pseudo_header(src: &Self, dst: &Self, protocol: IpProtocol, upper_len: u32) -> Checksum {
        checksum::pseudo_header_v6(*src, *dst, protocol.0, upper_len)
    }

    fn is_multicast_or_broadcast(&self) -> bool {
        self.is_multicast()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_names() {
        extern crate std;
        use std::string::ToString;
        assert_eq!(IpProtocol::TCP.to_string(), "TCP");
        assert_eq!(IpProtocol(253).to_string(), "proto-253");
        assert!(IpProtocol::IPV6_FRAGMENT.is_ipv6_extension());
        assert!(!IpProtocol::ESP.is_ipv6_extension());
        assert!(!IpProtocol::TCP.is_ipv6_extension());
    }

    #[test]
    fn pseudo_headers_by_version() {
        let a = Ipv4Addr::new(192, 0, 2, 1);
        let b = Ipv4Addr::new(192, 0, 2, 2);
        assert_eq!(
            Ipv4Addr::pseudo_header(&a, &b, IpProtocol::TCP, 20),
            checksum::pseudo_header_v4(a, b, 6, 20)
        );
        assert!(Ipv4Addr::BROADCAST.is_multicast_or_broadcast());
        assert!(!a.is_multicast_or_broadcast());
        let m: Ipv6Addr = "ff02::1".parse().unwrap();
        assert!(m.is_multicast_or_broadcast());
    }
}
