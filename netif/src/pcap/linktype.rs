//! Link-layer header types of capture files.
//!
//! The numbers are the `LINKTYPE_*` values of the tcpdump.org link-layer header type
//! registry (the same numbers pcapng's interface description block carries).

use core::fmt;

/// The link-layer header type of a captured frame (`LINKTYPE_*` number).
///
/// A newtype, so that a number unet does not decode still survives a read and a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    /// `LINKTYPE_ETHERNET` (1): IEEE 802.3 / Ethernet II frames, without the FCS.
    pub const ETHERNET: LinkType = LinkType(1);
    /// `DLT_RAW` as OpenBSD numbers it (12 in OpenBSD's `bpf.h`): raw IPv4 or IPv6.
    pub const RAW_OPENBSD: LinkType = LinkType(12);
    /// `DLT_RAW` as BSD/OS numbers it (14): raw IPv4 or IPv6.
    pub const RAW_BSDOS: LinkType = LinkType(14);
    /// `LINKTYPE_RAW` (101): raw IPv4 or IPv6, the version taken from the first nibble.
    pub const RAW: LinkType = LinkType(101);
    /// `LINKTYPE_LINUX_SLL` (113): Linux "cooked" capture, version 1 (16-byte header).
    pub const LINUX_SLL: LinkType = LinkType(113);
    /// `LINKTYPE_IPV4` (228): raw IPv4.
    pub const IPV4: LinkType = LinkType(228);
    /// `LINKTYPE_IPV6` (229): raw IPv6.
    pub const IPV6: LinkType = LinkType(229);
    /// `LINKTYPE_LINUX_SLL2` (276): Linux "cooked" capture, version 2 (20-byte header).
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// The registry's short name (`"EN10MB"`, `"LINUX_SLL"`, ...), `None` for a number this
    /// crate does not know.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            LinkType::ETHERNET => "EN10MB",
            LinkType::RAW | LinkType::RAW_OPENBSD | LinkType::RAW_BSDOS => "RAW",
            LinkType::LINUX_SLL => "LINUX_SLL",
            LinkType::IPV4 => "IPV4",
            LinkType::IPV6 => "IPV6",
            LinkType::LINUX_SLL2 => "LINUX_SLL2",
            _ => return None,
        })
    }

    /// Whether unet decodes frames of this link type.
    pub const fn is_supported(self) -> bool {
        self.name().is_some()
    }

    /// Whether frames start directly with an IP header whose version is in the first nibble
    /// (`DLT_RAW` in its three numberings).
    pub const fn is_raw_ip(self) -> bool {
        matches!(self, LinkType::RAW | LinkType::RAW_OPENBSD | LinkType::RAW_BSDOS)
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "link type {}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers_have_names() {
        for (lt, name) in [
            (LinkType::ETHERNET, "EN10MB"),
            (LinkType::RAW, "RAW"),
            (LinkType(12), "RAW"),
            (LinkType(14), "RAW"),
            (LinkType::LINUX_SLL, "LINUX_SLL"),
            (LinkType::LINUX_SLL2, "LINUX_SLL2"),
            (LinkType::IPV4, "IPV4"),
            (LinkType::IPV6, "IPV6"),
        ] {
            assert_eq!(lt.name(), Some(name));
            assert!(lt.is_supported());
        }
        assert!(LinkType(12).is_raw_ip() && LinkType(101).is_raw_ip());
        assert!(!LinkType::IPV4.is_raw_ip());
    }

    #[test]
    fn unknown_numbers_survive_and_display() {
        let lt = LinkType(105);
        assert!(!lt.is_supported());
        assert_eq!(lt.name(), None);
        assert_eq!(format!("{lt}"), "link type 105");
        assert_eq!(format!("{}", LinkType::ETHERNET), "EN10MB (1)");
    }
}
