//! What `unet host` is told on its command line, checked before anything is opened: the
//! interface address (RFC 1122 §3.2.1.3 forbids some), the gateway (RFC 1122 §3.3.1.1: it
//! must be on-link), the MAC address and the UDP echo ports.

use std::fmt;
use std::net::Ipv4Addr;
use std::path::PathBuf;

use unet_stack::ethernet::EthernetAddress;
use unet_stack::ipv4::route::Ipv4Cidr;

/// The most UDP echo ports one host serves (each takes a socket slot of the stack).
pub const MAX_ECHO_PORTS: usize = 8;

/// A `unet host`'s validated settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSettings {
    /// The existing TAP device to attach to.
    pub tap: String,
    /// Our address and prefix.
    pub ipv4: Ipv4Cidr,
    /// The default gateway, on-link.
    pub gateway: Option<Ipv4Addr>,
    /// Our MAC address (see [`default_mac`]).
    pub mac: EthernetAddress,
    /// Ports whose datagrams are echoed back, without duplicates.
    pub udp_echo: Vec<u16>,
    /// Where to record the traffic, if anywhere.
    pub pcap: Option<PathBuf>,
    /// The MTU asked for; `None`: the device's.
    pub mtu: Option<usize>,
    /// Run RFC 5227 conflict detection before using the address.
    pub acd: bool,
    /// 0: quiet; 1 (`-v`): neighbours and echoes; 2 (`-vv`): every stack event.
    pub verbosity: u8,
}

/// Why the settings are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingsError {
    /// The address cannot be a host's own (RFC 1122 §3.2.1.3, RFC 5735).
    BadAddress {
        /// The address.
        addr: Ipv4Addr,
        /// Why.
        reason: &'static str,
    },
    /// The gateway is not a unicast address on our network (RFC 1122 §3.3.1.1).
    BadGateway {
        /// The gateway.
        gateway: Ipv4Addr,
        /// Why.
        reason: &'static str,
    },
    /// The MAC address cannot be a host's own (a group or all-zero address).
    BadMac(EthernetAddress),
    /// More ports than [`MAX_ECHO_PORTS`], or port 0.
    BadEchoPorts(&'static str),
    /// An MTU below the 68 bytes every IPv4 link carries (RFC 791 §3.2) or above 65535.
    BadMtu(usize),
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingsError::BadAddress { addr, reason } => {
                write!(f, "--ipv4 {addr}: {reason}")
            }
            SettingsError::BadGateway { gateway, reason } => {
                write!(f, "--gateway {gateway}: {reason}")
            }
            SettingsError::BadMac(mac) => {
                write!(
                    f,
                    "--mac {mac}: not a unicast address (first octet must be even, not all zero)"
                )
            }
            SettingsError::BadEchoPorts(reason) => write!(f, "--udp-echo: {reason}"),
            SettingsError::BadMtu(mtu) => {
                write!(f, "--mtu {mtu}: must be between {} and 65535", unet_stack::MIN_MTU)
            }
        }
    }
}

impl std::error::Error for SettingsError {}

/// The MAC address a host uses unless told otherwise: locally administered, unicast
/// (`02:00`, IEEE 802 §8.4) followed by the four octets of the IPv4 address, so the same
/// address always gets the same MAC and two hosts on one link with different addresses
/// never share one.
pub fn default_mac(addr: Ipv4Addr) -> EthernetAddress {
    let [a, b, c, d] = addr.octets();
    EthernetAddress([0x02, 0x00, a, b, c, d])
}

/// Checks that `cidr` can be a host's address.
pub fn check_address(cidr: Ipv4Cidr) -> Result<(), SettingsError> {
    let addr = cidr.address();
    let bad = |reason| Err(SettingsError::BadAddress { addr, reason });
    if addr.is_unspecified() {
        return bad("the unspecified address is no host's");
    }
    if addr.is_loopback() {
        return bad("loopback addresses never appear on a link (RFC 1122 §3.2.1.3 (g))");
    }
    if addr.is_multicast() || addr.is_broadcast() {
        return bad("a group or broadcast address cannot be a host's");
    }
    if u32::from(addr) >> 28 == 0xf {
        return bad("class E (240.0.0.0/4) is reserved (RFC 1112 §4)");
    }
    if cidr.prefix_len() == 0 {
        return bad("prefix /0 leaves no network");
    }
    if cidr.broadcast() == Some(addr) {
        return bad("that is the network's broadcast address (RFC 1122 §3.2.1.3 (c))");
    }
    if cidr.prefix_len() < 31 && cidr.network().address() == addr {
        return bad("that is the network's own address (all host bits zero)");
    }
    Ok(())
}

/// Checks that `gateway` is an on-link unicast neighbour of `cidr`.
pub fn check_gateway(cidr: Ipv4Cidr, gateway: Ipv4Addr) -> Result<(), SettingsError> {
    let bad = |reason| Err(SettingsError::BadGateway { gateway, reason });
    if !cidr.contains(gateway) {
        return bad("not on our network (RFC 1122 §3.3.1.1: the gateway must be on-link)");
    }
    if gateway == cidr.address() {
        return bad("that is our own address");
    }
    if Some(gateway) == cidr.broadcast() || gateway.is_broadcast() {
        return bad("that is the broadcast address");
    }
    Ok(())
}

/// Checks a MAC address given with `--mac`.
pub fn check_mac(mac: EthernetAddress) -> Result<(), SettingsError> {
    if mac.is_multicast() || mac == EthernetAddress::UNSPECIFIED {
        return Err(SettingsError::BadMac(mac));
    }
    Ok(())
}

/// Sorts, checks and de-duplicates the echo ports.
pub fn check_echo_ports(ports: &[u16]) -> Result<Vec<u16>, SettingsError> {
    let mut ports = ports.to_vec();
    ports.sort_unstable();
    ports.dedup();
    if ports.contains(&0) {
        return Err(SettingsError::BadEchoPorts("port 0 cannot be listened on"));
    }
    if ports.len() > MAX_ECHO_PORTS {
        return Err(SettingsError::BadEchoPorts("at most 8 ports"));
    }
    Ok(ports)
}

/// Checks an MTU given with `--mtu`.
pub fn check_mtu(mtu: usize) -> Result<(), SettingsError> {
    if (unet_stack::MIN_MTU..=65535).contains(&mtu) {
        Ok(())
    } else {
        Err(SettingsError::BadMtu(mtu))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> Ipv4Cidr {
        s.parse().unwrap()
    }

    #[test]
    fn default_mac_is_local_unicast_and_follows_the_address() {
        let mac = default_mac(Ipv4Addr::new(192, 0, 2, 2));
        assert_eq!(mac.to_string(), "02:00:c0:00:02:02");
        assert!(mac.is_unicast() && mac.is_local());
        assert_ne!(mac, default_mac(Ipv4Addr::new(192, 0, 2, 3)));
    }

    #[test]
    fn rfc1122_3_2_1_3_addresses_a_host_cannot_have() {
        assert_eq!(check_address(cidr("192.0.2.2/24")), Ok(()));
        assert_eq!(check_address(cidr("192.0.2.0/31")), Ok(()));
        assert_eq!(check_address(cidr("192.0.2.7/32")), Ok(()));
        for bad in [
            "0.0.0.0/24",
            "127.0.0.1/8",
            "224.0.0.1/24",
            "255.255.255.255/24",
            "240.0.0.1/24",
            "192.0.2.255/24",
            "192.0.2.0/24",
            "192.0.2.1/0",
        ] {
            assert!(check_address(cidr(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn rfc1122_3_3_1_1_gateway_must_be_on_link() {
        let ours = cidr("192.0.2.2/24");
        assert_eq!(check_gateway(ours, Ipv4Addr::new(192, 0, 2, 1)), Ok(()));
        for bad in [[198, 51, 100, 1], [192, 0, 2, 2], [192, 0, 2, 255]] {
            let e = check_gateway(ours, Ipv4Addr::from(bad)).unwrap_err();
            assert!(e.to_string().starts_with("--gateway"), "{e}");
        }
    }

    #[test]
    fn macs_ports_and_mtus() {
        assert!(check_mac("02:00:00:00:00:01".parse().unwrap()).is_ok());
        assert!(check_mac("01:00:5e:00:00:01".parse().unwrap()).is_err());
        assert!(check_mac(EthernetAddress::UNSPECIFIED).is_err());
        assert_eq!(check_echo_ports(&[9, 7, 9]), Ok(vec![7, 9]));
        assert!(check_echo_ports(&[0]).is_err());
        assert!(check_echo_ports(&(1..=9).collect::<Vec<_>>()).is_err());
        assert!(check_mtu(68).is_ok() && check_mtu(1500).is_ok());
        assert!(check_mtu(67).is_err() && check_mtu(65536).is_err());
    }
}
