//! What `unet host` is told on its command line, checked before anything is opened: the
//! interface address (RFC 1122 §3.2.1.3 forbids some), the gateway (RFC 1122 §3.3.1.1: it
//! must be on-link), the MAC address, the UDP echo ports and the TCP services.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;

use unet_stack::ethernet::EthernetAddress;
use unet_stack::ipv4::route::Ipv4Cidr;

use super::TcpService;

/// The most UDP echo ports one host serves (each takes a socket slot of the stack).
pub const MAX_ECHO_PORTS: usize = 8;

/// The most TCP ports one host serves, all services together: the listener slots of
/// `Storage::with_defaults`.
pub const MAX_TCP_PORTS: usize = 4;

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
    /// TCP ports and their services, by port, one service per port.
    pub tcp: Vec<(u16, TcpService)>,
    /// Servers to connect to (`--tcp-connect`), each sent `send_bytes` bytes.
    pub tcp_connect: Vec<SocketAddrV4>,
    /// Bytes sent on each `--tcp-connect` connection.
    pub send_bytes: u64,
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
    /// TCP services that cannot be: port 0, a port given two services, more than
    /// [`MAX_TCP_PORTS`], `--tcp-source` without `--source-bytes` or the other way round.
    BadTcpServices(String),
    /// A `--tcp-connect` server that cannot be connected to, or `--send-bytes` alone.
    BadTcpConnect(String),
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
            SettingsError::BadTcpServices(reason) | SettingsError::BadTcpConnect(reason) => {
                f.write_str(reason)
            }
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

/// Checks the TCP services asked for (`--tcp-echo`, `--tcp-discard`, `--tcp-source` with
/// `--source-bytes`) and returns them by port, duplicates of one flag merged.
pub fn check_tcp_services(
    echo: &[u16],
    discard: &[u16],
    source: &[u16],
    source_bytes: Option<u64>,
) -> Result<Vec<(u16, TcpService)>, SettingsError> {
    let bad = |s: String| Err(SettingsError::BadTcpServices(s));
    let bytes = match (source.is_empty(), source_bytes) {
        (false, None) => return bad("--tcp-source needs --source-bytes N".into()),
        (true, Some(_)) => return bad("--source-bytes only applies to --tcp-source".into()),
        (_, bytes) => bytes.unwrap_or(0),
    };
    let mut services: Vec<(u16, TcpService, &str)> = Vec::new();
    for (ports, service, flag) in [
        (echo, TcpService::Echo, "--tcp-echo"),
        (discard, TcpService::Discard, "--tcp-discard"),
        (source, TcpService::Source { bytes }, "--tcp-source"),
    ] {
        for &port in ports {
            if port == 0 {
                return bad(format!("{flag} 0: port 0 cannot be listened on"));
            }
            match services.iter().find(|(p, _, _)| *p == port) {
                Some((_, s, _)) if *s == service => {}
                Some((_, _, other)) => {
                    return bad(format!("{other} {port} and {flag} {port}: one service per port"))
                }
                None => services.push((port, service, flag)),
            }
        }
    }
    if services.len() > MAX_TCP_PORTS {
        return bad(format!(
            "at most {MAX_TCP_PORTS} TCP ports in all (the stack's listener slots), {} given",
            services.len()
        ));
    }
    services.sort_unstable_by_key(|(p, _, _)| *p);
    Ok(services.into_iter().map(|(p, s, _)| (p, s)).collect())
}

/// Checks the servers of `--tcp-connect` (RFC 9293 §3.9.1.1: a unicast address and a
/// port) and that `--send-bytes` comes with them; `ours` is our own address.
pub fn check_tcp_connect(
    servers: &[SocketAddrV4],
    send_bytes: Option<u64>,
    ours: Ipv4Addr,
) -> Result<u64, SettingsError> {
    let bad = |s: String| Err(SettingsError::BadTcpConnect(s));
    if servers.is_empty() && send_bytes.is_some() {
        return bad("--send-bytes only applies to --tcp-connect".into());
    }
    for server in servers {
        let ip = *server.ip();
        if server.port() == 0 {
            return bad(format!("--tcp-connect {server}: port 0 cannot be connected to"));
        }
        if ip.is_unspecified() || ip.is_multicast() || ip.is_broadcast() || ip == ours {
            return bad(format!("--tcp-connect {server}: not another host's unicast address"));
        }
    }
    Ok(send_bytes.unwrap_or(0))
}

/// Reads a byte count: a number, optionally followed by `K`, `M` or `G` (or `KiB`, `MiB`,
/// `GiB`: powers of 1024), e.g. `1048576`, `64K`, `10MiB`.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        _ => return Err(format!("{s:?}: a number of bytes, optionally with K, M or G")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?}: a number of bytes, optionally with K, M or G"))?;
    n.checked_mul(1u64 << shift).ok_or_else(|| format!("{s:?}: too large"))
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

    #[test]
    fn tcp_services_one_per_port_at_most_four() {
        let s = check_tcp_services(&[7, 7], &[9], &[19], Some(100)).unwrap();
        assert_eq!(
            s,
            [
                (7, TcpService::Echo),
                (9, TcpService::Discard),
                (19, TcpService::Source { bytes: 100 })
            ]
        );
        assert_eq!(check_tcp_services(&[], &[], &[], None), Ok(vec![]));
        for (echo, discard, source, bytes, needle) in [
            (&[0u16][..], &[][..], &[][..], None, "--tcp-echo 0: port 0"),
            (&[7], &[7], &[], None, "--tcp-echo 7 and --tcp-discard 7: one service per port"),
            (&[], &[], &[19], None, "--tcp-source needs --source-bytes"),
            (&[], &[9], &[], Some(5), "--source-bytes only applies to --tcp-source"),
            (&[1, 2, 3], &[4], &[5], Some(1), "at most 4 TCP ports"),
        ] {
            let e = check_tcp_services(echo, discard, source, bytes).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn rfc9293_3_9_1_1_tcp_connect_needs_a_unicast_server_and_a_port() {
        let ours = Ipv4Addr::new(192, 0, 2, 2);
        let server: SocketAddrV4 = "192.0.2.1:5001".parse().unwrap();
        assert_eq!(check_tcp_connect(&[server], Some(10), ours), Ok(10));
        assert_eq!(check_tcp_connect(&[server], None, ours), Ok(0));
        assert_eq!(check_tcp_connect(&[], None, ours), Ok(0));
        for (servers, bytes, needle) in [
            (vec![], Some(1), "--send-bytes only applies to --tcp-connect"),
            (vec!["192.0.2.1:0"], None, "port 0"),
            (vec!["0.0.0.0:80"], None, "unicast"),
            (vec!["224.0.0.1:80"], None, "unicast"),
            (vec!["255.255.255.255:80"], None, "unicast"),
            (vec!["192.0.2.2:80"], None, "unicast"),
        ] {
            let servers: Vec<SocketAddrV4> = servers.iter().map(|s| s.parse().unwrap()).collect();
            let e = check_tcp_connect(&servers, bytes, ours).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn byte_counts_with_binary_units() {
        assert_eq!(parse_bytes("0"), Ok(0));
        assert_eq!(parse_bytes("1048576"), Ok(1 << 20));
        assert_eq!(parse_bytes("64K"), Ok(64 << 10));
        assert_eq!(parse_bytes("10MiB"), Ok(10 << 20));
        assert_eq!(parse_bytes("2g"), Ok(2 << 30));
        for bad in ["", "-1", "1.5M", "3T", "K", "99999999999999999999", "17179869184G"] {
            assert!(parse_bytes(bad).is_err(), "{bad}");
        }
    }
}
