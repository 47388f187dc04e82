//! The numbers in an ARP packet's fixed header: hardware types and operation codes
//! (IANA "Address Resolution Protocol (ARP) Parameters").

use core::fmt;

/// `ar$hrd`: the hardware (link-layer) address space (RFC 826; IANA hardware types).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct HardwareType(pub u16);

impl HardwareType {
    /// Ethernet (10Mb and everything since): 6-byte addresses.
    pub const ETHERNET: HardwareType = HardwareType(1);
    /// Experimental Ethernet (3Mb).
    pub const EXPERIMENTAL_ETHERNET: HardwareType = HardwareType(2);
    /// IEEE 802 networks (RFC 1042).
    pub const IEEE802: HardwareType = HardwareType(6);
    /// InfiniBand (RFC 4391): 20-byte addresses.
    pub const INFINIBAND: HardwareType = HardwareType(32);

    /// The registry's name, if the value is one this crate knows.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::ETHERNET => "Ethernet",
            Self::EXPERIMENTAL_ETHERNET => "Experimental Ethernet",
            Self::IEEE802 => "IEEE 802",
            Self::INFINIBAND => "InfiniBand",
            _ => return None,
        })
    }
}

/// `Ethernet`, or the number for an unknown type.
impl fmt::Display for HardwareType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Unknown ({})", self.0),
        }
    }
}

/// `ar$op`: what the packet asks or answers (RFC 826; RFC 903 for RARP; RFC 2390 for
/// Inverse ARP).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Operation(pub u16);

impl Operation {
    /// ares_op$REQUEST (RFC 826).
    pub const REQUEST: Operation = Operation(1);
    /// ares_op$REPLY (RFC 826).
    pub const REPLY: Operation = Operation(2);
    /// RARP request reverse (RFC 903).
    pub const REVERSE_REQUEST: Operation = Operation(3);
    /// RARP reply reverse (RFC 903).
    pub const REVERSE_REPLY: Operation = Operation(4);
    /// Inverse ARP request (RFC 2390).
    pub const INARP_REQUEST: Operation = Operation(8);
    /// Inverse ARP reply (RFC 2390).
    pub const INARP_REPLY: Operation = Operation(9);

    /// The name tcpdump prints, if the value is one this crate knows.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::REQUEST => "Request",
            Self::REPLY => "Reply",
            Self::REVERSE_REQUEST => "Reverse Request",
            Self::REVERSE_REPLY => "Reverse Reply",
            Self::INARP_REQUEST => "Inverse Request",
            Self::INARP_REPLY => "Inverse Reply",
            _ => return None,
        })
    }
}

/// `Request`, or `Unknown (N)`.
impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Unknown ({})", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    #[test]
    fn rfc826_and_rfc903_operation_names() {
        assert_eq!(Operation::REQUEST.to_string(), "Request");
        assert_eq!(Operation(2).to_string(), "Reply");
        assert_eq!(Operation(3).to_string(), "Reverse Request");
        assert_eq!(Operation(4).to_string(), "Reverse Reply");
        assert_eq!(Operation(77).to_string(), "Unknown (77)");
        assert_eq!(HardwareType(1).to_string(), "Ethernet");
        assert_eq!(HardwareType(999).to_string(), "Unknown (999)");
    }
}
