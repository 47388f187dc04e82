//! The layers the dissector knows, each holding its crate's parsed `Repr`.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::sll::{Sll2Repr, SllRepr};
use super::Data;

/// Which protocol a layer (or a stop) is: the name printed in `[ipv4: bad checksum]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LayerKind {
    /// The capture's link type itself (one unet does not decode).
    Link,
    /// Ethernet II / 802.3 with VLAN tags.
    Ethernet,
    /// Linux cooked capture v1.
    Sll,
    /// Linux cooked capture v2.
    Sll2,
    /// A raw-IP frame before its version is known.
    RawIp,
    /// ARP.
    Arp,
    /// IPv4 header.
    Ipv4,
    /// IPv6 fixed header.
    Ipv6,
    /// An IPv6 extension header.
    Ipv6Ext,
    /// ICMP for IPv4.
    Icmpv4,
    /// IGMP.
    Igmp,
    /// ICMPv6 (with NDP and MLD).
    Icmpv6,
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
    /// DHCPv4 / BOOTP.
    Dhcp,
    /// DNS.
    Dns,
    /// Bytes unet does not decode.
    Data,
}

impl LayerKind {
    /// The short lowercase name.
    pub const fn name(self) -> &'static str {
        match self {
            LayerKind::Link => "link",
            LayerKind::Ethernet => "ethernet",
            LayerKind::Sll => "sll",
            LayerKind::Sll2 => "sll2",
            LayerKind::RawIp => "raw-ip",
            LayerKind::Arp => "arp",
            LayerKind::Ipv4 => "ipv4",
            LayerKind::Ipv6 => "ipv6",
            LayerKind::Ipv6Ext => "ipv6-ext",
            LayerKind::Icmpv4 => "icmp",
            LayerKind::Igmp => "igmp",
            LayerKind::Icmpv6 => "icmp6",
            LayerKind::Udp => "udp",
            LayerKind::Tcp => "tcp",
            LayerKind::Dhcp => "dhcp",
            LayerKind::Dns => "dns",
            LayerKind::Data => "data",
        }
    }
}

impl fmt::Display for LayerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The source and destination of the innermost IP header, for pseudo-header checksums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpPair {
    /// IPv4 addresses.
    V4 {
        /// Source.
        src: Ipv4Addr,
        /// Destination.
        dst: Ipv4Addr,
    },
    /// IPv6 addresses (the final destination when a routing header is present, as the
    /// pseudo-header wants it, RFC 8200 §8.1).
    V6 {
        /// Source.
        src: Ipv6Addr,
        /// Destination.
        dst: Ipv6Addr,
    },
}

/// One decoded layer.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Layer<'p> {
    /// Ethernet header.
    Ethernet(unet_ethernet::Repr),
    /// Linux cooked capture v1 header.
    Sll(SllRepr),
    /// Linux cooked capture v2 header.
    Sll2(Sll2Repr),
    /// ARP packet (Ethernet/IPv4).
    Arp(unet_arp::Repr),
    /// IPv4 header.
    Ipv4(unet_ipv4::Repr<'p>),
    /// IPv6 fixed header.
    Ipv6(unet_ipv6::Repr),
    /// One IPv6 extension header.
    Ipv6Ext(unet_ipv6::ExtHeader<'p>),
    /// ICMPv4 message.
    Icmpv4(unet_ipv4::icmp::Repr<'p>),
    /// IGMP message.
    Igmp(unet_ipv4::igmp::Repr<'p>),
    /// ICMPv6 message (NDP and MLD included).
    Icmpv6(unet_ipv6::icmp::Repr<'p>),
    /// UDP header.
    Udp(unet_udp::Repr),
    /// TCP header.
    Tcp(unet_tcp::Repr<'p>),
    /// DHCP message.
    Dhcp(unet_dhcp::Repr<'p>),
    /// DNS message (a checked view: DNS has no byte-exact `Repr`).
    Dns(unet_dns::Message<&'p [u8]>),
    /// Undecoded bytes.
    Data(Data),
}

impl Layer<'_> {
    /// Which protocol this is.
    pub fn kind(&self) -> LayerKind {
        match self {
            Layer::Ethernet(_) => LayerKind::Ethernet,
            Layer::Sll(_) => LayerKind::Sll,
            Layer::Sll2(_) => LayerKind::Sll2,
            Layer::Arp(_) => LayerKind::Arp,
            Layer::Ipv4(_) => LayerKind::Ipv4,
            Layer::Ipv6(_) => LayerKind::Ipv6,
            Layer::Ipv6Ext(_) => LayerKind::Ipv6Ext,
            Layer::Icmpv4(_) => LayerKind::Icmpv4,
            Layer::Igmp(_) => LayerKind::Igmp,
            Layer::Icmpv6(_) => LayerKind::Icmpv6,
            Layer::Udp(_) => LayerKind::Udp,
            Layer::Tcp(_) => LayerKind::Tcp,
            Layer::Dhcp(_) => LayerKind::Dhcp,
            Layer::Dns(_) => LayerKind::Dns,
            Layer::Data(_) => LayerKind::Data,
        }
    }
}

/// The layer's own `Display`, one-liner or (`{:#}`) every field.
impl fmt::Display for Layer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layer::Ethernet(r) => fmt::Display::fmt(r, f),
            Layer::Sll(r) => fmt::Display::fmt(r, f),
            Layer::Sll2(r) => fmt::Display::fmt(r, f),
            Layer::Arp(r) => fmt::Display::fmt(r, f),
            Layer::Ipv4(r) => fmt::Display::fmt(r, f),
            Layer::Ipv6(r) => fmt::Display::fmt(r, f),
            Layer::Ipv6Ext(r) => fmt::Display::fmt(r, f),
            Layer::Icmpv4(r) => fmt::Display::fmt(r, f),
            Layer::Igmp(r) => fmt::Display::fmt(r, f),
            Layer::Icmpv6(r) => fmt::Display::fmt(r, f),
            Layer::Udp(r) => fmt::Display::fmt(r, f),
            Layer::Tcp(r) => fmt::Display::fmt(r, f),
            Layer::Dhcp(r) => fmt::Display::fmt(r, f),
            Layer::Dns(r) => fmt::Display::fmt(r, f),
            Layer::Data(r) => fmt::Display::fmt(r, f),
        }
    }
}
