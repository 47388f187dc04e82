//! EtherType numbers (IEEE 802.3 clause 3.2.6, IEEE Registration Authority registry).

use core::fmt;

/// The two-octet field after the source address (and after each VLAN tag).
///
/// IEEE 802.3 clause 3.2.6 gives the field two meanings: values of 1536 (0x0600) and above
/// name the protocol of the payload (Ethernet II, "type interpretation"); values below are
/// an IEEE 802.3 *length* (the payload is then LLC, "length interpretation"). Values from
/// 1501 to 1535 are neither; [`EtherType::is_length`] still reports every value below
/// 0x0600 as a length so that such a frame is never mistaken for a typed one, and the
/// frame's `Repr::parse` rejects the undefined ones.
///
/// Unknown values survive a round trip: this is a plain newtype, not an enum.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct EtherType(pub u16);

impl EtherType {
    /// Internet Protocol version 4 (RFC 894).
    pub const IPV4: EtherType = EtherType(0x0800);
    /// Address Resolution Protocol (RFC 826).
    pub const ARP: EtherType = EtherType(0x0806);
    /// Wake-on-LAN magic packet.
    pub const WAKE_ON_LAN: EtherType = EtherType(0x0842);
    /// Reverse ARP (RFC 903).
    pub const RARP: EtherType = EtherType(0x8035);
    /// IEEE 802.1Q customer VLAN tag (C-tag) TPID.
    pub const VLAN: EtherType = EtherType(0x8100);
    /// Internet Protocol version 6 (RFC 2464).
    pub const IPV6: EtherType = EtherType(0x86dd);
    /// IEEE 802.3 MAC control (PAUSE frames, clause 31).
    pub const MAC_CONTROL: EtherType = EtherType(0x8808);
    /// IEEE 802.3 slow protocols (LACP, OAM; annex 57A).
    pub const SLOW_PROTOCOLS: EtherType = EtherType(0x8809);
    /// MPLS unicast (RFC 3032).
    pub const MPLS: EtherType = EtherType(0x8847);
    /// MPLS multicast (RFC 5332).
    pub const MPLS_MULTICAST: EtherType = EtherType(0x8848);
    /// PPPoE discovery stage (RFC 2516).
    pub const PPPOE_DISCOVERY: EtherType = EtherType(0x8863);
    /// PPPoE session stage (RFC 2516).
    pub const PPPOE_SESSION: EtherType = EtherType(0x8864);
    /// IEEE 802.1X port access (EAP over LAN).
    pub const EAPOL: EtherType = EtherType(0x888e);
    /// IEEE 802.1ad service VLAN tag (S-tag) TPID, "Q-in-Q".
    pub const QINQ: EtherType = EtherType(0x88a8);
    /// IEEE 802.1AB Link Layer Discovery Protocol.
    pub const LLDP: EtherType = EtherType(0x88cc);
    /// IEEE 802.1AE MAC security.
    pub const MACSEC: EtherType = EtherType(0x88e5);
    /// IEEE 1588 Precision Time Protocol.
    pub const PTP: EtherType = EtherType(0x88f7);

    /// The first value that names a protocol rather than a length (IEEE 802.3 §3.2.6).
    pub const MIN_TYPE: u16 = 0x0600;
    /// The largest 802.3 length value (the maximum MAC client data size).
    pub const MAX_LENGTH: u16 = 1500;

    /// True for values below 0x0600: the field is an IEEE 802.3 length, not a type.
    pub const fn is_length(self) -> bool {
        self.0 < Self::MIN_TYPE
    }

    /// The 802.3 length, when the field is one (see [`is_length`](Self::is_length)).
    pub const fn as_length(self) -> Option<u16> {
        if self.is_length() {
            Some(self.0)
        } else {
            None
        }
    }

    /// True for the TPIDs this crate reads as a VLAN tag: 802.1Q (0x8100) and 802.1ad
    /// (0x88a8).
    pub const fn is_vlan_tpid(self) -> bool {
        self.0 == Self::VLAN.0 || self.0 == Self::QINQ.0
    }

    /// The conventional short name (as tcpdump prints it), if the value is a known type.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::IPV4 => "IPv4",
            Self::ARP => "ARP",
            Self::WAKE_ON_LAN => "Wake-on-LAN",
            Self::RARP => "Reverse ARP",
            Self::VLAN => "802.1Q",
            Self::IPV6 => "IPv6",
            Self::MAC_CONTROL => "MAC control",
            Self::SLOW_PROTOCOLS => "Slow Protocols",
            Self::MPLS => "MPLS unicast",
            Self::MPLS_MULTICAST => "MPLS multicast",
            Self::PPPOE_DISCOVERY => "PPPoE D",
            Self::PPPOE_SESSION => "PPPoE S",
            Self::EAPOL => "EAPOL",
            Self::QINQ => "802.1Q-QinQ",
            Self::LLDP => "LLDP",
            Self::MACSEC => "802.1AE MACsec",
            Self::PTP => "PTP",
            _ => return None,
        })
    }
}

impl From<u16> for EtherType {
    fn from(v: u16) -> EtherType {
        EtherType(v)
    }
}

impl From<EtherType> for u16 {
    fn from(t: EtherType) -> u16 {
        t.0
    }
}

/// `IPv4`, `802.3 len 38`, or `0x88b5` for an unknown type.
impl fmt::Display for EtherType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.as_length(), self.name()) {
            (Some(len), _) => write!(f, "802.3 len {len}"),
            (None, Some(name)) => f.write_str(name),
            (None, None) => write!(f, "0x{:04x}", self.0),
        }
    }
}

/// `EtherType(0x0800 IPv4)`.
impl fmt::Debug for EtherType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EtherType(0x{:04x} {})", self.0, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::{format, string::ToString};

    #[test]
    fn ieee802_3_3_2_6_type_and_length_interpretations() {
        assert!(EtherType(0x0000).is_length());
        assert!(EtherType(1500).is_length());
        assert!(EtherType(0x05ff).is_length());
        assert!(!EtherType(0x0600).is_length());
        assert_eq!(EtherType(46).as_length(), Some(46));
        assert_eq!(EtherType::IPV4.as_length(), None);
    }

    #[test]
    fn display_names_lengths_and_unknowns() {
        assert_eq!(EtherType::IPV4.to_string(), "IPv4");
        assert_eq!(EtherType::QINQ.to_string(), "802.1Q-QinQ");
        assert_eq!(EtherType(0x0026).to_string(), "802.3 len 38");
        assert_eq!(EtherType(0x88b5).to_string(), "0x88b5");
        assert_eq!(format!("{:?}", EtherType::ARP), "EtherType(0x0806 ARP)");
    }

    #[test]
    fn vlan_tpids() {
        assert!(EtherType::VLAN.is_vlan_tpid() && EtherType::QINQ.is_vlan_tpid());
        assert!(!EtherType::IPV6.is_vlan_tpid());
    }
}
