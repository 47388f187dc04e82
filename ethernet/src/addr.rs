//! MAC addresses (IEEE 802 48-bit EUI-48).

use core::fmt;
use core::str::FromStr;

/// A 48-bit IEEE 802 MAC address.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct EthernetAddress(pub [u8; 6]);

impl EthernetAddress {
    /// ff:ff:ff:ff:ff:ff.
    pub const BROADCAST: EthernetAddress = EthernetAddress([0xff; 6]);
    /// 00:00:00:00:00:00 (ARP's "unknown" target hardware address).
    pub const UNSPECIFIED: EthernetAddress = EthernetAddress([0; 6]);

    /// The address from the first six bytes of `bytes`, if there are six.
    pub fn from_bytes(bytes: &[u8]) -> Option<EthernetAddress> {
        let b: [u8; 6] = bytes.get(..6)?.try_into().ok()?;
        Some(EthernetAddress(b))
    }
    /// The six bytes.
    pub const fn octets(&self) -> [u8; 6] {
        self.0
    }
    /// All ones.
    pub fn is_broadcast(&self) -> bool {
        *self == Self::BROADCAST
    }
    /// The I/G bit (least significant bit of the first octet) is set: a group address
    /// (IEEE 802-2014 §8.2). Broadcast is a group address too.
    pub const fn is_multicast(&self) -> bool {
        self.0[0] & 0x01 != 0
    }
    /// Not a group address.
    pub const fn is_unicast(&self) -> bool {
        !self.is_multicast()
    }
    /// The U/L bit is set: locally administered rather than vendor-assigned.
    pub const fn is_local(&self) -> bool {
        self.0[0] & 0x02 != 0
    }
    /// The Ethernet address an IPv4 multicast group maps to (RFC 1112 §6.4): 01:00:5e and
    /// the low 23 bits of the group.
    pub const fn from_ipv4_multicast(group: core::net::Ipv4Addr) -> EthernetAddress {
        let o = group.octets();
        EthernetAddress([0x01, 0x00, 0x5e, o[1] & 0x7f, o[2], o[3]])
    }
    /// The Ethernet address an IPv6 multicast group maps to (RFC 2464 §7): 33:33 and the
    /// group's last four octets.
    pub const fn from_ipv6_multicast(group: core::net::Ipv6Addr) -> EthernetAddress {
        let o = group.octets();
        EthernetAddress([0x33, 0x33, o[12], o[13], o[14], o[15]])
    }
}

impl fmt::Display for EthernetAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(f, "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3], b[4], b[5])
    }
}

impl fmt::Debug for EthernetAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a string is not a MAC address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseAddressError;

impl fmt::Display for ParseAddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected six hexadecimal octets separated by ':' or '-'")
    }
}

impl core::error::Error for ParseAddressError {}

impl FromStr for EthernetAddress {
    type Err = ParseAddressError;

    /// Parses `02:00:00:00:00:01` or `02-00-00-00-00-01`.
    fn from_str(s: &str) -> Result<EthernetAddress, ParseAddressError> {
        let mut out = [0u8; 6];
        let mut parts = s.split([':', '-']);
        for byte in out.iter_mut() {
            let part = parts.next().ok_or(ParseAddressError)?;
            if part.is_empty() || part.len() > 2 {
                return Err(ParseAddressError);
            }
            *byte = u8::from_str_radix(part, 16).map_err(|_| ParseAddressError)?;
        }
        if parts.next().is_some() {
            return Err(ParseAddressError);
        }
        Ok(EthernetAddress(out))
    }
}

impl From<[u8; 6]> for EthernetAddress {
    fn from(b: [u8; 6]) -> EthernetAddress {
        EthernetAddress(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    #[test]
    fn parse_and_display_round_trip() {
        let a: EthernetAddress = "02:00:5E:10:00:01".parse().unwrap();
        assert_eq!(a.to_string(), "02:00:5e:10:00:01");
        assert_eq!("02-00-5e-10-00-01".parse::<EthernetAddress>(), Ok(a));
        assert!("02:00:5e:10:00".parse::<EthernetAddress>().is_err());
        assert!("02:00:5e:10:00:01:02".parse::<EthernetAddress>().is_err());
        assert!("02:00:5e:10:00:1g".parse::<EthernetAddress>().is_err());
    }

    #[test]
    fn group_bits() {
        assert!(EthernetAddress::BROADCAST.is_multicast());
        let a = EthernetAddress([0x02, 0, 0, 0, 0, 1]);
        assert!(a.is_unicast() && a.is_local());
    }

    #[test]
    fn rfc1112_6_4_and_rfc2464_7_multicast_mapping() {
        let g = core::net::Ipv4Addr::new(224, 128, 1, 2);
        assert_eq!(EthernetAddress::from_ipv4_multicast(g).to_string(), "01:00:5e:00:01:02");
        let g6: core::net::Ipv6Addr = "ff02::1:ff00:1234".parse().unwrap();
        assert_eq!(EthernetAddress::from_ipv6_multicast(g6).to_string(), "33:33:ff:00:12:34");
    }
}
