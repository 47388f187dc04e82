//! How a [`Stack`](crate::Stack) is configured: addresses, MTU, TTL and the policy knobs
//! the RFCs leave to the host.

use core::net::Ipv4Addr;

use unet_core::Duration;
use unet_ethernet::EthernetAddress;
use unet_ipv4::route::Ipv4Cidr;

/// Stack configuration. Build it with [`Config::new`] and adjust the public fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// Our Ethernet address. Frames to it, to broadcast and to the multicast MACs of
    /// joined groups are accepted (RFC 1112 §6.4); all others are dropped.
    pub mac: EthernetAddress,
    /// Our IPv4 address and prefix; `None` until configured (e.g. by DHCP, later).
    pub ipv4: Option<Ipv4Cidr>,
    /// Default gateway for off-link destinations (RFC 1122 §3.3.1.1); must be on-link.
    pub gateway: Option<Ipv4Addr>,
    /// The link MTU: the largest IPv4 datagram sent in one frame (default 1500, the
    /// Ethernet payload). Larger datagrams are fragmented (RFC 791 §2.3). At least 68
    /// (RFC 791 §3.2); smaller values are raised to 68.
    pub mtu: usize,
    /// TTL of unicast and broadcast datagrams we originate (default 64, RFC 1700 / RFC 1122
    /// §3.2.1.7). Zero is sent as 1: "a host MUST NOT send a datagram with a Time-to-Live
    /// (TTL) value of zero" (§3.2.1.7). Multicast datagrams default to TTL 1 instead (RFC
    /// 1112 §6.1), unless the socket sets its own.
    pub ttl: u8,
    /// Run RFC 5227 address conflict detection (probe before use, then announce and
    /// defend) when an address is configured. Default on.
    pub acd: bool,
    /// Answer echo requests sent to a broadcast or multicast address. RFC 1122 §3.2.2.6
    /// says a host MAY silently discard them; the default (`false`) does, as Linux does
    /// (`icmp_echo_ignore_broadcasts`).
    pub answer_broadcast_echo: bool,
    /// ICMP error rate limit: one token every `icmp_error_interval`... (RFC 1812 §4.3.2.8).
    /// Default 100 ms.
    pub icmp_error_interval: Duration,
    /// ...with bursts of at most `icmp_error_burst` errors. Default 10.
    pub icmp_error_burst: u32,
    /// Seed of the stack's internal generator (ephemeral ports, ACD and IGMP report
    /// jitter, IP identification start). Give each host a different, unpredictable seed
    /// (from the OS on a host, from a hardware RNG on a device); tests fix it.
    pub seed: u64,
}

/// The smallest MTU every IPv4 link must carry (RFC 791 §3.2: 68 octets).
pub const MIN_MTU: usize = 68;

impl Config {
    /// A host with MAC `mac`, no address yet, MTU 1500, TTL 64, ACD on, broadcast echo
    /// ignored, ICMP errors limited to bursts of 10 and one per 100 ms, seed 0.
    pub const fn new(mac: EthernetAddress) -> Config {
        Config {
            mac,
            ipv4: None,
            gateway: None,
            mtu: 1500,
            ttl: 64,
            acd: true,
            answer_broadcast_echo: false,
            icmp_error_interval: Duration::from_millis(100),
            icmp_error_burst: 10,
            seed: 0,
        }
    }

    /// Sets the address (and prefix) and returns the configuration.
    pub const fn with_ipv4(mut self, cidr: Ipv4Cidr) -> Config {
        self.ipv4 = Some(cidr);
        self
    }

    /// Sets the gateway and returns the configuration.
    pub const fn with_gateway(mut self, gateway: Ipv4Addr) -> Config {
        self.gateway = Some(gateway);
        self
    }

    /// The TTL actually used for unicast and broadcast: never zero (RFC 1122 §3.2.1.7).
    pub(crate) fn ttl(&self) -> u8 {
        self.ttl.max(1)
    }

    /// The MTU actually used: at least [`MIN_MTU`], at most 65535.
    pub(crate) fn mtu(&self) -> usize {
        self.mtu.clamp(MIN_MTU, 65535)
    }
}
