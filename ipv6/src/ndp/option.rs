//! Neighbor Discovery options (RFC 4861 §4.6 and later RFCs).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |    Length     |              ...              |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Length counts 8-octet units, type and length included; RFC 4861 §4.6 says a node must
//! silently discard a message with an option of length 0 ([`WireError::BadOption`]).

use core::net::Ipv6Addr;

use bitflags::bitflags;
use unet_core::WireError;
use unet_ethernet::EthernetAddress;

use super::RouterPreference;

/// An option type (IANA "IPv6 Neighbor Discovery Option Formats" registry).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct NdpOptionType(pub u8);

impl NdpOptionType {
    /// Source Link-layer Address (RFC 4861 §4.6.1).
    pub const SOURCE_LINK_LAYER_ADDR: NdpOptionType = NdpOptionType(1);
    /// Target Link-layer Address (RFC 4861 §4.6.1).
    pub const TARGET_LINK_LAYER_ADDR: NdpOptionType = NdpOptionType(2);
    /// Prefix Information (RFC 4861 §4.6.2).
    pub const PREFIX_INFORMATION: NdpOptionType = NdpOptionType(3);
    /// Redirected Header (RFC 4861 §4.6.3).
    pub const REDIRECTED_HEADER: NdpOptionType = NdpOptionType(4);
    /// MTU (RFC 4861 §4.6.4).
    pub const MTU: NdpOptionType = NdpOptionType(5);
    /// Advertisement Interval (RFC 6275 §7.3).
    pub const ADVERTISEMENT_INTERVAL: NdpOptionType = NdpOptionType(7);
    /// Home Agent Information (RFC 6275 §7.4).
    pub const HOME_AGENT_INFORMATION: NdpOptionType = NdpOptionType(8);
    /// Nonce (RFC 3971 §5.3.2).
    pub const NONCE: NdpOptionType = NdpOptionType(14);
    /// Route Information (RFC 4191 §2.3).
    pub const ROUTE_INFORMATION: NdpOptionType = NdpOptionType(24);
    /// Recursive DNS Server (RFC 8106 §5.1).
    pub const RDNSS: NdpOptionType = NdpOptionType(25);
    /// DNS Search List (RFC 8106 §5.2).
    pub const DNSSL: NdpOptionType = NdpOptionType(31);
    /// PREF64, the NAT64 prefix (RFC 8781 §4).
    pub const PREF64: NdpOptionType = NdpOptionType(38);
}

/// A link-layer address option's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkLayerAddress<'a> {
    /// An Ethernet address: option length 1 unit (RFC 2464 §6).
    Ethernet(EthernetAddress),
    /// Any other link layer: the bytes after type and length, padding included.
    Other(&'a [u8]),
}

bitflags! {
    /// The flags of a Prefix Information option (RFC 4861 §4.6.2); unknown bits are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct PrefixFlags: u8 {
        /// L: the prefix is on-link.
        const ON_LINK = 0x80;
        /// A: the prefix can be used for stateless address autoconfiguration (RFC 4862).
        const AUTONOMOUS = 0x40;
        /// R: the prefix field holds the router's address (RFC 6275 §7.2).
        const ROUTER_ADDRESS = 0x20;
        /// P: DHCPv6 prefix delegation is preferred (RFC 9762).
        const DHCPV6_PD = 0x10;
        /// Any other bit, kept as received.
        const _ = !0;
    }
}

/// A Prefix Information option (RFC 4861 §4.6.2): length 4 units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PrefixInformation {
    /// Prefix Length in bits.
    pub prefix_len: u8,
    /// L, A and the other flags.
    pub flags: PrefixFlags,
    /// Valid Lifetime, seconds (all ones: infinity).
    pub valid_lifetime: u32,
    /// Preferred Lifetime, seconds (all ones: infinity).
    pub preferred_lifetime: u32,
    /// Reserved2, kept for an exact re-emit.
    pub reserved: u32,
    /// Prefix.
    pub prefix: Ipv6Addr,
}

/// A Route Information option (RFC 4191 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RouteInformation<'a> {
    /// Prefix Length in bits.
    pub prefix_len: u8,
    /// The flags byte: Prf in bits 3–4, the rest reserved (kept raw).
    pub flags: u8,
    /// Route Lifetime, seconds.
    pub route_lifetime: u32,
    /// The prefix bytes present: 0, 8 or 16 (option length 1, 2 or 3).
    pub prefix: &'a [u8],
}

impl RouteInformation<'_> {
    /// Route Preference (RFC 4191 §2.1).
    pub const fn preference(&self) -> RouterPreference {
        RouterPreference::from_bits(self.flags >> 3)
    }
    /// The prefix, zero-extended to 128 bits.
    pub fn prefix_addr(&self) -> Ipv6Addr {
        let mut o = [0u8; 16];
        let n = self.prefix.len().min(16);
        o[..n].copy_from_slice(&self.prefix[..n]);
        Ipv6Addr::from(o)
    }
}

/// A PREF64 option (RFC 8781 §4): the NAT64 prefix, length 2 units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pref64 {
    /// Scaled Lifetime: the lifetime in units of 8 seconds (13 bits).
    pub scaled_lifetime: u16,
    /// Prefix Length Code (3 bits).
    pub plc: u8,
    /// The highest 96 bits of the prefix.
    pub prefix: [u8; 12],
}

impl Pref64 {
    /// Lifetime in seconds.
    pub const fn lifetime(&self) -> u32 {
        self.scaled_lifetime as u32 * 8
    }
    /// The prefix length the PLC stands for (RFC 8781 §4), `None` for codes 6 and 7.
    pub const fn prefix_len(&self) -> Option<u8> {
        Some(match self.plc {
            0 => 96,
            1 => 64,
            2 => 56,
            3 => 48,
            4 => 40,
            5 => 32,
            _ => return None,
        })
    }
    /// The prefix as an address (its low 32 bits zero).
    pub fn prefix_addr(&self) -> Ipv6Addr {
        let mut o = [0u8; 16];
        o[..12].copy_from_slice(&self.prefix);
        Ipv6Addr::from(o)
    }
}

/// One Neighbor Discovery option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NdpOption<'a> {
    /// Source Link-layer Address (RFC 4861 §4.6.1).
    SourceLinkLayerAddr(LinkLayerAddress<'a>),
    /// Target Link-layer Address (RFC 4861 §4.6.1).
    TargetLinkLayerAddr(LinkLayerAddress<'a>),
    /// Prefix Information (RFC 4861 §4.6.2).
    PrefixInformation(PrefixInformation),
    /// Redirected Header (RFC 4861 §4.6.3).
    RedirectedHeader {
        /// The six reserved bytes.
        reserved: [u8; 6],
        /// The start of the redirected packet (padded to 8 bytes).
        packet: &'a [u8],
    },
    /// MTU (RFC 4861 §4.6.4).
    Mtu {
        /// Reserved.
        reserved: u16,
        /// The link MTU.
        mtu: u32,
    },
    /// Nonce (RFC 3971 §5.3.2): random bytes matching a solicitation to its advertisement.
    Nonce(&'a [u8]),
    /// Route Information (RFC 4191 §2.3).
    RouteInformation(RouteInformation<'a>),
    /// Recursive DNS Server (RFC 8106 §5.1).
    Rdnss {
        /// Reserved.
        reserved: u16,
        /// Lifetime, seconds.
        lifetime: u32,
        /// The addresses, 16 bytes each (iterate with [`addresses`]).
        addresses: &'a [u8],
    },
    /// DNS Search List (RFC 8106 §5.2).
    Dnssl {
        /// Reserved.
        reserved: u16,
        /// Lifetime, seconds.
        lifetime: u32,
        /// The domain names in DNS wire format, zero-padded, kept raw.
        domains: &'a [u8],
    },
    /// PREF64 (RFC 8781).
    Pref64(Pref64),
    /// Any other option.
    Unknown {
        /// The option type.
        option_type: NdpOptionType,
        /// The bytes after type and length.
        data: &'a [u8],
    },
}

/// The 16-byte addresses in `bytes` (an RDNSS list); a trailing partial address is ignored.
pub fn addresses(bytes: &[u8]) -> impl Iterator<Item = Ipv6Addr> + '_ {
    bytes.chunks_exact(16).filter_map(|c| <[u8; 16]>::try_from(c).ok()).map(Ipv6Addr::from)
}

fn be16(b: &[u8], at: usize) -> Result<u16, WireError> {
    let s = b.get(at..at + 2).ok_or(WireError::BadOption)?;
    Ok(u16::from_be_bytes([s[0], s[1]]))
}

fn be32(b: &[u8], at: usize) -> Result<u32, WireError> {
    let s = b.get(at..at + 4).ok_or(WireError::BadOption)?;
    Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> NdpOption<'a> {
    /// Reads the option at the start of `bytes`, returning it and its length in bytes.
    ///
    /// Errors: [`WireError::BadOption`] for length 0, an option running past `bytes`, or a
    /// length its type does not allow.
    pub fn parse(bytes: &'a [u8]) -> Result<(NdpOption<'a>, usize), WireError> {
        let (&ty, rest) = bytes.split_first().ok_or(WireError::BadOption)?;
        let units = usize::from(*rest.first().ok_or(WireError::BadOption)?);
        if units == 0 {
            return Err(WireError::BadOption);
        }
        let len = units * 8;
        let d = bytes.get(2..len).ok_or(WireError::BadOption)?;
        let opt = match NdpOptionType(ty) {
            t @ (NdpOptionType::SOURCE_LINK_LAYER_ADDR | NdpOptionType::TARGET_LINK_LAYER_ADDR) => {
                let ll = match (units, EthernetAddress::from_bytes(d)) {
                    (1, Some(mac)) => LinkLayerAddress::Ethernet(mac),
                    _ => LinkLayerAddress::Other(d),
                };
                if t == NdpOptionType::SOURCE_LINK_LAYER_ADDR {
                    NdpOption::SourceLinkLayerAddr(ll)
                } else {
                    NdpOption::TargetLinkLayerAddr(ll)
                }
            }
            NdpOptionType::PREFIX_INFORMATION if units == 4 => {
                let mut prefix = [0u8; 16];
                prefix.copy_from_slice(d.get(14..30).ok_or(WireError::BadOption)?);
                NdpOption::PrefixInformation(PrefixInformation {
                    prefix_len: d[0],
                    flags: PrefixFlags::from_bits_retain(d[1]),
                    valid_lifetime: be32(d, 2)?,
                    preferred_lifetime: be32(d, 6)?,
                    reserved: be32(d, 10)?,
                    prefix: Ipv6Addr::from(prefix),
                })
            }
            NdpOptionType::REDIRECTED_HEADER => {
                let mut reserved = [0u8; 6];
                reserved.copy_from_slice(d.get(..6).ok_or(WireError::BadOption)?);
                NdpOption::RedirectedHeader { reserved, packet: d.get(6..).unwrap_or(&[]) }
            }
            NdpOptionType::MTU if units == 1 => {
                NdpOption::Mtu { reserved: be16(d, 0)?, mtu: be32(d, 2)? }
            }
            NdpOptionType::NONCE => NdpOption::Nonce(d),
            NdpOptionType::ROUTE_INFORMATION if units <= 3 => {
                let prefix_len = d[0];
                // RFC 4191 §2.3: the length must be able to hold the prefix length's bits.
                let needed = match prefix_len {
                    0 => 1,
                    1..=64 => 2,
                    65..=128 => 3,
                    _ => return Err(WireError::BadOption),
                };
                if units < needed {
                    return Err(WireError::BadOption);
                }
                NdpOption::RouteInformation(RouteInformation {
                    prefix_len,
                    flags: d[1],
                    route_lifetime: be32(d, 2)?,
                    prefix: d.get(6..).unwrap_or(&[]),
                })
            }
            // RFC 8106 §5.1: length 3 for one address, 2 more per extra address.
            NdpOptionType::RDNSS if units >= 3 && units % 2 == 1 => NdpOption::Rdnss {
                reserved: be16(d, 0)?,
                lifetime: be32(d, 2)?,
                addresses: d.get(6..).unwrap_or(&[]),
            },
            NdpOptionType::DNSSL if units >= 2 => NdpOption::Dnssl {
                reserved: be16(d, 0)?,
                lifetime: be32(d, 2)?,
                domains: d.get(6..).unwrap_or(&[]),
            },
            NdpOptionType::PREF64 if units == 2 => {
                let word = be16(d, 0)?;
                let mut prefix = [0u8; 12];
                prefix.copy_from_slice(d.get(2..14).ok_or(WireError::BadOption)?);
                NdpOption::Pref64(Pref64 {
                    scaled_lifetime: word >> 3,
                    plc: (word & 7) as u8,
                    prefix,
                })
            }
            NdpOptionType::PREFIX_INFORMATION
            | NdpOptionType::MTU
            | NdpOptionType::ROUTE_INFORMATION
            | NdpOptionType::RDNSS
            | NdpOptionType::DNSSL
            | NdpOptionType::PREF64 => return Err(WireError::BadOption),
            option_type => NdpOption::Unknown { option_type, data: d },
        };
        Ok((opt, len))
    }

    /// The option type.
    pub const fn option_type(&self) -> NdpOptionType {
        match self {
            NdpOption::SourceLinkLayerAddr(_) => NdpOptionType::SOURCE_LINK_LAYER_ADDR,
            NdpOption::TargetLinkLayerAddr(_) => NdpOptionType::TARGET_LINK_LAYER_ADDR,
            NdpOption::PrefixInformation(_) => NdpOptionType::PREFIX_INFORMATION,
            NdpOption::RedirectedHeader { .. } => NdpOptionType::REDIRECTED_HEADER,
            NdpOption::Mtu { .. } => NdpOptionType::MTU,
            NdpOption::Nonce(_) => NdpOptionType::NONCE,
            NdpOption::RouteInformation(_) => NdpOptionType::ROUTE_INFORMATION,
            NdpOption::Rdnss { .. } => NdpOptionType::RDNSS,
            NdpOption::Dnssl { .. } => NdpOptionType::DNSSL,
            NdpOption::Pref64(_) => NdpOptionType::PREF64,
            NdpOption::Unknown { option_type, .. } => *option_type,
        }
    }

    /// Bytes the option takes on the wire (type and length included).
    pub const fn buffer_len(&self) -> usize {
        match self {
            NdpOption::SourceLinkLayerAddr(LinkLayerAddress::Ethernet(_))
            | NdpOption::TargetLinkLayerAddr(LinkLayerAddress::Ethernet(_))
            | NdpOption::Mtu { .. } => 8,
            NdpOption::SourceLinkLayerAddr(LinkLayerAddress::Other(d))
            | NdpOption::TargetLinkLayerAddr(LinkLayerAddress::Other(d))
            | NdpOption::Nonce(d)
            | NdpOption::Unknown { data: d, .. } => 2 + d.len(),
            NdpOption::PrefixInformation(_) => 32,
            NdpOption::Pref64(_) => 16,
            NdpOption::RedirectedHeader { packet: d, .. }
            | NdpOption::RouteInformation(RouteInformation { prefix: d, .. })
            | NdpOption::Rdnss { addresses: d, .. }
            | NdpOption::Dnssl { domains: d, .. } => 8 + d.len(),
        }
    }

    /// Writes the option at the start of `buf`, returning its length.
    ///
    /// Errors: [`WireError::BadLength`] when the option is not a whole number of 8-octet
    /// units (at most 255) or a PREF64 scaled lifetime exceeds 13 bits;
    /// [`WireError::BufferTooSmall`].
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let len = self.buffer_len();
        if !len.is_multiple_of(8) || len / 8 > 255 {
            return Err(WireError::BadLength);
        }
        let out = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.option_type().0;
        out[1] = (len / 8) as u8;
        let d = &mut out[2..];
        match self {
            NdpOption::SourceLinkLayerAddr(LinkLayerAddress::Ethernet(mac))
            | NdpOption::TargetLinkLayerAddr(LinkLayerAddress::Ethernet(mac)) => {
                d.copy_from_slice(&mac.0)
            }
            NdpOption::SourceLinkLayerAddr(LinkLayerAddress::Other(s))
            | NdpOption::TargetLinkLayerAddr(LinkLayerAddress::Other(s))
            | NdpOption::Nonce(s)
            | NdpOption::Unknown { data: s, .. } => d.copy_from_slice(s),
            NdpOption::PrefixInformation(p) => {
                d[0] = p.prefix_len;
                d[1] = p.flags.bits();
                d[2..6].copy_from_slice(&p.valid_lifetime.to_be_bytes());
                d[6..10].copy_from_slice(&p.preferred_lifetime.to_be_bytes());
                d[10..14].copy_from_slice(&p.reserved.to_be_bytes());
                d[14..30].copy_from_slice(&p.prefix.octets());
            }
            NdpOption::RedirectedHeader { reserved, packet } => {
                d[..6].copy_from_slice(reserved);
                d[6..].copy_from_slice(packet);
            }
            NdpOption::Mtu { reserved, mtu } => {
                d[..2].copy_from_slice(&reserved.to_be_bytes());
                d[2..6].copy_from_slice(&mtu.to_be_bytes());
            }
            NdpOption::RouteInformation(r) => {
                d[0] = r.prefix_len;
                d[1] = r.flags;
                d[2..6].copy_from_slice(&r.route_lifetime.to_be_bytes());
                d[6..].copy_from_slice(r.prefix);
            }
            NdpOption::Rdnss { reserved, lifetime, addresses: s }
            | NdpOption::Dnssl { reserved, lifetime, domains: s } => {
                d[..2].copy_from_slice(&reserved.to_be_bytes());
                d[2..6].copy_from_slice(&lifetime.to_be_bytes());
                d[6..].copy_from_slice(s);
            }
            NdpOption::Pref64(p) => {
                if p.scaled_lifetime > 0x1fff {
                    return Err(WireError::BadLength);
                }
                let word = (p.scaled_lifetime << 3) | u16::from(p.plc & 7);
                d[..2].copy_from_slice(&word.to_be_bytes());
                d[2..14].copy_from_slice(&p.prefix);
            }
        }
        Ok(len)
    }
}

/// A validated option list: every option in it is well formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NdpOptions<'a> {
    bytes: &'a [u8],
}

impl<'a> NdpOptions<'a> {
    /// Checks every option in `bytes` (RFC 4861 §4.6; [`WireError::BadOption`]).
    pub fn parse(bytes: &'a [u8]) -> Result<NdpOptions<'a>, WireError> {
        let mut rest = bytes;
        while !rest.is_empty() {
            let (_, len) = NdpOption::parse(rest)?;
            rest = rest.get(len..).ok_or(WireError::BadOption)?;
        }
        Ok(NdpOptions { bytes })
    }

    /// No options.
    pub const fn empty() -> NdpOptions<'static> {
        NdpOptions { bytes: &[] }
    }

    /// The options' bytes.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Total length in bytes.
    pub const fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True when there are no options.
    pub const fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The options, in order.
    pub fn iter(&self) -> NdpOptionIter<'a> {
        NdpOptionIter { rest: self.bytes }
    }

    /// The first Source Link-layer Address option's address.
    pub fn source_link_layer_addr(&self) -> Option<LinkLayerAddress<'a>> {
        self.iter().find_map(|o| match o {
            NdpOption::SourceLinkLayerAddr(a) => Some(a),
            _ => None,
        })
    }

    /// The first Target Link-layer Address option's address.
    pub fn target_link_layer_addr(&self) -> Option<LinkLayerAddress<'a>> {
        self.iter().find_map(|o| match o {
            NdpOption::TargetLinkLayerAddr(a) => Some(a),
            _ => None,
        })
    }
}

impl<'a> IntoIterator for NdpOptions<'a> {
    type Item = NdpOption<'a>;
    type IntoIter = NdpOptionIter<'a>;
    fn into_iter(self) -> NdpOptionIter<'a> {
        self.iter()
    }
}

/// An iterator over a validated option list (it stops at anything malformed).
#[derive(Debug, Clone)]
pub struct NdpOptionIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for NdpOptionIter<'a> {
    type Item = NdpOption<'a>;
    fn next(&mut self) -> Option<NdpOption<'a>> {
        let (opt, len) = NdpOption::parse(self.rest).ok()?;
        self.rest = self.rest.get(len..).unwrap_or(&[]);
        Some(opt)
    }
}

#[cfg(test)]
#[path = "option_tests.rs"]
mod tests;
