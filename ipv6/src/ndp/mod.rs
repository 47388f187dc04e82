//! Neighbor Discovery for IPv6 (RFC 4861 §4): the five ICMPv6 messages and their options.
//!
//! [`NdpRepr`] is the message body after the ICMPv6 type, code and checksum; it appears in
//! [`crate::icmp::Repr::Ndp`]. Options are validated at parse and then iterated without
//! allocation ([`NdpOptions`]).
//!
//! What is checked (RFC 4861 §6.1, §7.1, §8.1 "message validation"): the ICMP code is 0,
//! the fixed part is present, every option has a non-zero length and fits, and the target
//! of a solicitation or advertisement, and the destination of a redirect, are not multicast.
//! The checks that need the IP header (hop limit 255, source address rules) are the
//! caller's.

mod display;
pub mod option;

use core::net::Ipv6Addr;

use bitflags::bitflags;
use unet_core::WireError;

use crate::icmp::Icmpv6Type;
pub use option::{LinkLayerAddress, NdpOption, NdpOptionType, NdpOptions, PrefixInformation};

/// A default router or route preference (RFC 4191 §2.1), from two bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouterPreference {
    /// 01.
    High,
    /// 00 (the default).
    Medium,
    /// 11.
    Low,
    /// 10: reserved; RFC 4191 §2.2 says treat it as medium (and a route with it is ignored).
    Reserved,
}

impl RouterPreference {
    /// The preference of the two low bits of `bits`.
    pub const fn from_bits(bits: u8) -> RouterPreference {
        match bits & 0b11 {
            0b01 => RouterPreference::High,
            0b00 => RouterPreference::Medium,
            0b11 => RouterPreference::Low,
            _ => RouterPreference::Reserved,
        }
    }
    /// The two bits.
    pub const fn bits(self) -> u8 {
        match self {
            RouterPreference::High => 0b01,
            RouterPreference::Medium => 0b00,
            RouterPreference::Low => 0b11,
            RouterPreference::Reserved => 0b10,
        }
    }
}

bitflags! {
    /// The flags byte of a Router Advertisement; unknown bits are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct RouterFlags: u8 {
        /// M: addresses are available via DHCPv6 (RFC 4861 §4.2).
        const MANAGED = 0x80;
        /// O: other configuration is available via DHCPv6 (RFC 4861 §4.2).
        const OTHER = 0x40;
        /// H: the router is a Mobile IPv6 home agent (RFC 6275 §7.1).
        const HOME_AGENT = 0x20;
        /// Prf: default router preference, two bits (RFC 4191 §2.2); see
        /// [`RouterFlags::preference`].
        const PRF = 0x18;
        /// P: ND proxy (RFC 4389 §4.1.3.3).
        const PROXY = 0x04;
        /// Any other bit (RFC 5175 extension bits), kept as received.
        const _ = !0;
    }
}

impl RouterFlags {
    /// The default router preference (RFC 4191 §2.2).
    pub const fn preference(self) -> RouterPreference {
        RouterPreference::from_bits(self.bits() >> 3)
    }
}

bitflags! {
    /// The flags word of a Neighbor Advertisement (RFC 4861 §4.4); the reserved bits are
    /// kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct NeighborFlags: u32 {
        /// R: the sender is a router.
        const ROUTER = 0x8000_0000;
        /// S: sent in response to a Neighbor Solicitation.
        const SOLICITED = 0x4000_0000;
        /// O: override an existing cache entry.
        const OVERRIDE = 0x2000_0000;
        /// The reserved bits, kept as received.
        const _ = !0;
    }
}

/// A Neighbor Discovery message body (after the ICMPv6 type, code and checksum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NdpRepr<'a> {
    /// Router Solicitation (RFC 4861 §4.1).
    RouterSolicit {
        /// Reserved.
        reserved: u32,
        /// Options.
        options: NdpOptions<'a>,
    },
    /// Router Advertisement (RFC 4861 §4.2).
    RouterAdvert {
        /// Cur Hop Limit (0: unspecified).
        cur_hop_limit: u8,
        /// M, O, Prf and the other flags.
        flags: RouterFlags,
        /// Router Lifetime, seconds (0: not a default router).
        router_lifetime: u16,
        /// Reachable Time, milliseconds.
        reachable_time: u32,
        /// Retrans Timer, milliseconds.
        retrans_time: u32,
        /// Options.
        options: NdpOptions<'a>,
    },
    /// Neighbor Solicitation (RFC 4861 §4.3).
    NeighborSolicit {
        /// Reserved.
        reserved: u32,
        /// Target Address.
        target_addr: Ipv6Addr,
        /// Options.
        options: NdpOptions<'a>,
    },
    /// Neighbor Advertisement (RFC 4861 §4.4).
    NeighborAdvert {
        /// R, S, O and the reserved bits.
        flags: NeighborFlags,
        /// Target Address.
        target_addr: Ipv6Addr,
        /// Options.
        options: NdpOptions<'a>,
    },
    /// Redirect (RFC 4861 §4.5).
    Redirect {
        /// Reserved.
        reserved: u32,
        /// Target Address: the better first hop.
        target_addr: Ipv6Addr,
        /// Destination Address: the destination being redirected.
        dest_addr: Ipv6Addr,
        /// Options.
        options: NdpOptions<'a>,
    },
}

fn word(b: &[u8], at: usize) -> Result<u32, WireError> {
    let s = b.get(at..at + 4).ok_or(WireError::Truncated)?;
    Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn addr(b: &[u8], at: usize) -> Result<Ipv6Addr, WireError> {
    let s: [u8; 16] = b
        .get(at..at + 16)
        .ok_or(WireError::Truncated)?
        .try_into()
        .ok()
        .ok_or(WireError::Truncated)?;
    Ok(Ipv6Addr::from(s))
}

impl<'a> NdpRepr<'a> {
    /// True for the five Neighbor Discovery message types.
    pub const fn is_ndp(msg_type: Icmpv6Type) -> bool {
        matches!(msg_type.0, 133..=137)
    }

    /// Reads the body of an ICMPv6 message of type `msg_type` with code `code`.
    ///
    /// Errors: [`WireError::Unsupported`] if the type is not NDP; [`WireError::Malformed`]
    /// for a non-zero code or a multicast target; [`WireError::Truncated`];
    /// [`WireError::BadOption`].
    pub fn parse(msg_type: Icmpv6Type, code: u8, body: &'a [u8]) -> Result<NdpRepr<'a>, WireError> {
        if !Self::is_ndp(msg_type) {
            return Err(WireError::Unsupported);
        }
        if code != 0 {
            return Err(WireError::Malformed);
        }
        let opts = |at: usize| NdpOptions::parse(body.get(at..).ok_or(WireError::Truncated)?);
        let repr = match msg_type {
            Icmpv6Type::ROUTER_SOLICIT => {
                NdpRepr::RouterSolicit { reserved: word(body, 0)?, options: opts(4)? }
            }
            Icmpv6Type::ROUTER_ADVERT => {
                let head = body.get(..12).ok_or(WireError::Truncated)?;
                NdpRepr::RouterAdvert {
                    cur_hop_limit: head[0],
                    flags: RouterFlags::from_bits_retain(head[1]),
                    router_lifetime: u16::from_be_bytes([head[2], head[3]]),
                    reachable_time: word(head, 4)?,
                    retrans_time: word(head, 8)?,
                    options: opts(12)?,
                }
            }
            Icmpv6Type::NEIGHBOR_SOLICIT => NdpRepr::NeighborSolicit {
                reserved: word(body, 0)?,
                target_addr: addr(body, 4)?,
                options: opts(20)?,
            },
            Icmpv6Type::NEIGHBOR_ADVERT => NdpRepr::NeighborAdvert {
                flags: NeighborFlags::from_bits_retain(word(body, 0)?),
                target_addr: addr(body, 4)?,
                options: opts(20)?,
            },
            _ => NdpRepr::Redirect {
                reserved: word(body, 0)?,
                target_addr: addr(body, 4)?,
                dest_addr: addr(body, 20)?,
                options: opts(36)?,
            },
        };
        match repr {
            NdpRepr::NeighborSolicit { target_addr, .. }
            | NdpRepr::NeighborAdvert { target_addr, .. }
            | NdpRepr::Redirect { dest_addr: target_addr, .. }
                if target_addr.is_multicast() =>
            {
                Err(WireError::Malformed)
            }
            _ => Ok(repr),
        }
    }

    /// The ICMPv6 type of this message.
    pub const fn msg_type(&self) -> Icmpv6Type {
        match self {
            NdpRepr::RouterSolicit { .. } => Icmpv6Type::ROUTER_SOLICIT,
            NdpRepr::RouterAdvert { .. } => Icmpv6Type::ROUTER_ADVERT,
            NdpRepr::NeighborSolicit { .. } => Icmpv6Type::NEIGHBOR_SOLICIT,
            NdpRepr::NeighborAdvert { .. } => Icmpv6Type::NEIGHBOR_ADVERT,
            NdpRepr::Redirect { .. } => Icmpv6Type::REDIRECT,
        }
    }

    /// The options.
    pub const fn options(&self) -> NdpOptions<'a> {
        match self {
            NdpRepr::RouterSolicit { options, .. }
            | NdpRepr::RouterAdvert { options, .. }
            | NdpRepr::NeighborSolicit { options, .. }
            | NdpRepr::NeighborAdvert { options, .. }
            | NdpRepr::Redirect { options, .. } => *options,
        }
    }

    /// Length of the fixed part of the body, before the options.
    const fn fixed_len(&self) -> usize {
        match self {
            NdpRepr::RouterSolicit { .. } => 4,
            NdpRepr::RouterAdvert { .. } => 12,
            NdpRepr::NeighborSolicit { .. } | NdpRepr::NeighborAdvert { .. } => 20,
            NdpRepr::Redirect { .. } => 36,
        }
    }

    /// Length of the body (after type, code and checksum).
    pub const fn body_len(&self) -> usize {
        self.fixed_len() + self.options().len()
    }

    /// Writes the body into `body` (the ICMPv6 message from byte 4).
    ///
    /// Errors: [`WireError::BufferTooSmall`].
    pub fn emit(&self, body: &mut [u8]) -> Result<(), WireError> {
        let out = body.get_mut(..self.body_len()).ok_or(WireError::BufferTooSmall)?;
        let (fixed, opts) = out.split_at_mut(self.fixed_len());
        opts.copy_from_slice(self.options().as_bytes());
        match self {
            NdpRepr::RouterSolicit { reserved, .. } => {
                fixed.copy_from_slice(&reserved.to_be_bytes())
            }
            NdpRepr::RouterAdvert {
                cur_hop_limit,
                flags,
                router_lifetime,
                reachable_time,
                retrans_time,
                ..
            } => {
                fixed[0] = *cur_hop_limit;
                fixed[1] = flags.bits();
                fixed[2..4].copy_from_slice(&router_lifetime.to_be_bytes());
                fixed[4..8].copy_from_slice(&reachable_time.to_be_bytes());
                fixed[8..12].copy_from_slice(&retrans_time.to_be_bytes());
            }
            NdpRepr::NeighborSolicit { reserved, target_addr, .. } => {
                fixed[..4].copy_from_slice(&reserved.to_be_bytes());
                fixed[4..20].copy_from_slice(&target_addr.octets());
            }
            NdpRepr::NeighborAdvert { flags, target_addr, .. } => {
                fixed[..4].copy_from_slice(&flags.bits().to_be_bytes());
                fixed[4..20].copy_from_slice(&target_addr.octets());
            }
            NdpRepr::Redirect { reserved, target_addr, dest_addr, .. } => {
                fixed[..4].copy_from_slice(&reserved.to_be_bytes());
                fixed[4..20].copy_from_slice(&target_addr.octets());
                fixed[20..36].copy_from_slice(&dest_addr.octets());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
