//! Typed option values (RFC 2132 and the later RFCs named per variant).

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::WireError;

use super::code::{MessageType, OptionCode, Overload};
use super::domain_search::DomainSearch;
use super::fqdn::ClientFqdn;
use super::iter::RawOption;
use super::lists::{Addresses, ClasslessRoutes, ClientId, ParameterRequestList, StaticRoutes};
use super::relay::RelayAgentInformation;

/// One option, decoded. Options this crate does not type are [`DhcpOption::Unknown`],
/// byte for byte.
///
/// Strings (host name, domain name, paths, messages...) stay raw octets: RFC 2132 calls
/// them NVT ASCII but the wire does not enforce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DhcpOption<'a> {
    /// 1, RFC 2132 §3.3.
    SubnetMask(Ipv4Addr),
    /// 2, RFC 2132 §3.4: seconds east of UTC (signed).
    TimeOffset(i32),
    /// 3, RFC 2132 §3.5.
    Router(Addresses<'a>),
    /// 4, RFC 2132 §3.6.
    TimeServer(Addresses<'a>),
    /// 5, RFC 2132 §3.7.
    NameServer(Addresses<'a>),
    /// 6, RFC 2132 §3.8.
    DomainNameServer(Addresses<'a>),
    /// 7, RFC 2132 §3.9.
    LogServer(Addresses<'a>),
    /// 12, RFC 2132 §3.14.
    HostName(&'a [u8]),
    /// 13, RFC 2132 §3.15: in 512-octet blocks.
    BootFileSize(u16),
    /// 15, RFC 2132 §3.17.
    DomainName(&'a [u8]),
    /// 16, RFC 2132 §3.18.
    SwapServer(Ipv4Addr),
    /// 17, RFC 2132 §3.19.
    RootPath(&'a [u8]),
    /// 18, RFC 2132 §3.20.
    ExtensionsPath(&'a [u8]),
    /// 19, RFC 2132 §4.1: one octet, 0 or 1.
    IpForwarding(bool),
    /// 26, RFC 2132 §5.1.
    InterfaceMtu(u16),
    /// 28, RFC 2132 §5.3.
    BroadcastAddress(Ipv4Addr),
    /// 33, RFC 2132 §5.8.
    StaticRoute(StaticRoutes<'a>),
    /// 42, RFC 2132 §8.3.
    NtpServers(Addresses<'a>),
    /// 43, RFC 2132 §8.4: opaque, vendor-defined.
    VendorSpecific(&'a [u8]),
    /// 44, RFC 2132 §8.5.
    NetbiosNameServer(Addresses<'a>),
    /// 45, RFC 2132 §8.6.
    NetbiosDistributionServer(Addresses<'a>),
    /// 46, RFC 2132 §8.7: 1 B-node, 2 P-node, 4 M-node, 8 H-node.
    NetbiosNodeType(u8),
    /// 47, RFC 2132 §8.8.
    NetbiosScope(&'a [u8]),
    /// 50, RFC 2132 §9.1.
    RequestedIp(Ipv4Addr),
    /// 51, RFC 2132 §9.2: seconds.
    LeaseTime(u32),
    /// 52, RFC 2132 §9.3.
    Overload(Overload),
    /// 53, RFC 2132 §9.6.
    MessageType(MessageType),
    /// 54, RFC 2132 §9.7.
    ServerId(Ipv4Addr),
    /// 55, RFC 2132 §9.8.
    ParameterRequestList(ParameterRequestList<'a>),
    /// 56, RFC 2132 §9.9.
    Message(&'a [u8]),
    /// 57, RFC 2132 §9.10.
    MaxMessageSize(u16),
    /// 58, RFC 2132 §9.11: T1, seconds.
    RenewalTime(u32),
    /// 59, RFC 2132 §9.12: T2, seconds.
    RebindingTime(u32),
    /// 60, RFC 2132 §9.13.
    VendorClassId(&'a [u8]),
    /// 61, RFC 2132 §9.14.
    ClientId(ClientId<'a>),
    /// 66, RFC 2132 §9.4.
    TftpServerName(&'a [u8]),
    /// 67, RFC 2132 §9.5.
    BootfileName(&'a [u8]),
    /// 80, RFC 4039 §4: no data.
    RapidCommit,
    /// 81, RFC 4702 §2.
    ClientFqdn(ClientFqdn<'a>),
    /// 82, RFC 3046 §2.0.
    RelayAgentInformation(RelayAgentInformation<'a>),
    /// 108, RFC 8925 §3.1: V6ONLY_WAIT, seconds.
    Ipv6OnlyPreferred(u32),
    /// 119, RFC 3397 §2.
    DomainSearch(DomainSearch<'a>),
    /// 121, RFC 3442.
    ClasslessStaticRoute(ClasslessRoutes<'a>),
    /// Any other code, raw.
    Unknown(RawOption<'a>),
}

fn fixed<const N: usize>(data: &[u8]) -> Result<[u8; N], WireError> {
    data.try_into().map_err(|_| WireError::BadOption)
}

fn addr(data: &[u8]) -> Result<Ipv4Addr, WireError> {
    fixed::<4>(data).map(Ipv4Addr::from)
}

fn be_u32(data: &[u8]) -> Result<u32, WireError> {
    fixed::<4>(data).map(u32::from_be_bytes)
}

fn be_u16(data: &[u8]) -> Result<u16, WireError> {
    fixed::<2>(data).map(u16::from_be_bytes)
}

fn one(data: &[u8]) -> Result<u8, WireError> {
    fixed::<1>(data).map(|[b]| b)
}

impl<'a> DhcpOption<'a> {
    /// Decodes the data of option `code` (already joined per RFC 3396 if it was split).
    /// A length the RFC forbids is [`WireError::BadOption`]; a malformed name inside is
    /// [`WireError::Malformed`]. Pad and End are not options: they are rejected too.
    pub fn parse(code: OptionCode, data: &'a [u8]) -> Result<DhcpOption<'a>, WireError> {
        use DhcpOption as O;
        Ok(match code.0 {
            0 | 255 => return Err(WireError::BadOption),
            1 => O::SubnetMask(addr(data)?),
            2 => O::TimeOffset(i32::from_be_bytes(fixed(data)?)),
            3 => O::Router(Addresses::new(data)?),
            4 => O::TimeServer(Addresses::new(data)?),
            5 => O::NameServer(Addresses::new(data)?),
            6 => O::DomainNameServer(Addresses::new(data)?),
            7 => O::LogServer(Addresses::new(data)?),
            12 => O::HostName(data),
            13 => O::BootFileSize(be_u16(data)?),
            15 => O::DomainName(data),
            16 => O::SwapServer(addr(data)?),
            17 => O::RootPath(data),
            18 => O::ExtensionsPath(data),
            19 => match one(data)? {
                0 => O::IpForwarding(false),
                1 => O::IpForwarding(true),
                _ => return Err(WireError::BadOption),
            },
            26 => O::InterfaceMtu(be_u16(data)?),
            28 => O::BroadcastAddress(addr(data)?),
            33 => O::StaticRoute(StaticRoutes::new(data)?),
            42 => O::NtpServers(Addresses::new(data)?),
            43 => O::VendorSpecific(data),
            44 => O::NetbiosNameServer(Addresses::new(data)?),
            45 => O::NetbiosDistributionServer(Addresses::new(data)?),
            46 => O::NetbiosNodeType(one(data)?),
            47 => O::NetbiosScope(data),
            50 => O::RequestedIp(addr(data)?),
            51 => O::LeaseTime(be_u32(data)?),
            52 => O::Overload(Overload::from_bits_retain(one(data)?)),
            53 => O::MessageType(MessageType(one(data)?)),
            54 => O::ServerId(addr(data)?),
            55 => O::ParameterRequestList(ParameterRequestList(data)),
            56 => O::Message(data),
            57 => O::MaxMessageSize(be_u16(data)?),
            58 => O::RenewalTime(be_u32(data)?),
            59 => O::RebindingTime(be_u32(data)?),
            60 => O::VendorClassId(data),
            61 => O::ClientId(ClientId::new(data)?),
            66 => O::TftpServerName(data),
            67 => O::BootfileName(data),
            80 if data.is_empty() => O::RapidCommit,
            80 => return Err(WireError::BadOption),
            81 => O::ClientFqdn(ClientFqdn::parse(data)?),
            82 => O::RelayAgentInformation(RelayAgentInformation::new(data)?),
            108 => O::Ipv6OnlyPreferred(be_u32(data)?),
            119 => O::DomainSearch(DomainSearch::new(data)?),
            121 => O::ClasslessStaticRoute(ClasslessRoutes::new(data)?),
            _ => O::Unknown(RawOption { code, data }),
        })
    }

    /// The option code.
    pub fn code(&self) -> OptionCode {
        use DhcpOption as O;
        OptionCode(match self {
            O::SubnetMask(_) => 1,
            O::TimeOffset(_) => 2,
            O::Router(_) => 3,
            O::TimeServer(_) => 4,
            O::NameServer(_) => 5,
            O::DomainNameServer(_) => 6,
            O::LogServer(_) => 7,
            O::HostName(_) => 12,
            O::BootFileSize(_) => 13,
            O::DomainName(_) => 15,
            O::SwapServer(_) => 16,
            O::RootPath(_) => 17,
            O::ExtensionsPath(_) => 18,
            O::IpForwarding(_) => 19,
            O::InterfaceMtu(_) => 26,
            O::BroadcastAddress(_) => 28,
            O::StaticRoute(_) => 33,
            O::NtpServers(_) => 42,
            O::VendorSpecific(_) => 43,
            O::NetbiosNameServer(_) => 44,
            O::NetbiosDistributionServer(_) => 45,
            O::NetbiosNodeType(_) => 46,
            O::NetbiosScope(_) => 47,
            O::RequestedIp(_) => 50,
            O::LeaseTime(_) => 51,
            O::Overload(_) => 52,
            O::MessageType(_) => 53,
            O::ServerId(_) => 54,
            O::ParameterRequestList(_) => 55,
            O::Message(_) => 56,
            O::MaxMessageSize(_) => 57,
            O::RenewalTime(_) => 58,
            O::RebindingTime(_) => 59,
            O::VendorClassId(_) => 60,
            O::ClientId(_) => 61,
            O::TftpServerName(_) => 66,
            O::BootfileName(_) => 67,
            O::RapidCommit => 80,
            O::ClientFqdn(_) => 81,
            O::RelayAgentInformation(_) => 82,
            O::Ipv6OnlyPreferred(_) => 108,
            O::DomainSearch(_) => 119,
            O::ClasslessStaticRoute(_) => 121,
            O::Unknown(r) => return r.code,
        })
    }

    /// Octets of option data (may exceed 255: the builder then splits it, RFC 3396).
    pub fn data_len(&self) -> usize {
        let mut sink = [0u8; 0];
        match self.emit_small(&mut sink) {
            Small::Len(n) => n,
            Small::Borrowed(b) => b.len(),
            Small::Fqdn(f) => f.data_len(),
        }
    }

    /// Writes the option data into `buf`; returns its length.
    pub fn emit_data(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let mut small = [0u8; 4];
        match self.emit_small(&mut small) {
            Small::Len(n) => {
                let out = buf.get_mut(..n).ok_or(WireError::BufferTooSmall)?;
                out.copy_from_slice(&small[..n]);
                Ok(n)
            }
            Small::Borrowed(b) => {
                let out = buf.get_mut(..b.len()).ok_or(WireError::BufferTooSmall)?;
                out.copy_from_slice(b);
                Ok(b.len())
            }
            Small::Fqdn(f) => f.emit(buf),
        }
    }

    /// Fixed-size values are written into `small` (when it has room for four octets);
    /// the rest borrow their raw bytes.
    fn emit_small(&self, small: &mut [u8]) -> Small<'a> {
        use DhcpOption as O;
        let mut put = |b: &[u8]| {
            if let Some(s) = small.get_mut(..b.len()) {
                s.copy_from_slice(b);
            }
            Small::Len(b.len())
        };
        match *self {
            O::SubnetMask(a)
            | O::SwapServer(a)
            | O::BroadcastAddress(a)
            | O::RequestedIp(a)
            | O::ServerId(a) => put(&a.octets()),
            O::TimeOffset(v) => put(&v.to_be_bytes()),
            O::LeaseTime(v) | O::RenewalTime(v) | O::RebindingTime(v) | O::Ipv6OnlyPreferred(v) => {
                put(&v.to_be_bytes())
            }
            O::BootFileSize(v) | O::InterfaceMtu(v) | O::MaxMessageSize(v) => put(&v.to_be_bytes()),
            O::IpForwarding(v) => put(&[u8::from(v)]),
            O::NetbiosNodeType(v) => put(&[v]),
            O::Overload(v) => put(&[v.bits()]),
            O::MessageType(v) => put(&[v.0]),
            O::RapidCommit => put(&[]),
            O::Router(a)
            | O::TimeServer(a)
            | O::NameServer(a)
            | O::DomainNameServer(a)
            | O::LogServer(a)
            | O::NtpServers(a)
            | O::NetbiosNameServer(a)
            | O::NetbiosDistributionServer(a) => Small::Borrowed(a.as_bytes()),
            O::HostName(b)
            | O::DomainName(b)
            | O::RootPath(b)
            | O::ExtensionsPath(b)
            | O::VendorSpecific(b)
            | O::NetbiosScope(b)
            | O::Message(b)
            | O::VendorClassId(b)
            | O::TftpServerName(b)
            | O::BootfileName(b) => Small::Borrowed(b),
            O::StaticRoute(r) => Small::Borrowed(r.as_bytes()),
            O::ParameterRequestList(p) => Small::Borrowed(p.0),
            O::ClientId(c) => Small::Borrowed(c.as_bytes()),
            O::ClientFqdn(f) => Small::Fqdn(f),
            O::RelayAgentInformation(r) => Small::Borrowed(r.as_bytes()),
            O::DomainSearch(d) => Small::Borrowed(d.as_bytes()),
            O::ClasslessStaticRoute(r) => Small::Borrowed(r.as_bytes()),
            O::Unknown(r) => Small::Borrowed(r.data),
        }
    }
}

enum Small<'a> {
    Len(usize),
    Borrowed(&'a [u8]),
    Fqdn(ClientFqdn<'a>),
}

/// Octets as a quoted string, non-printable ones as `\ooo` (octal, as tcpdump does).
#[derive(Debug, Clone, Copy)]
pub struct Text<'a>(pub &'a [u8]);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for &b in self.0 {
            match b {
                b'"' | b'\\' => write!(f, "\\{}", b as char)?,
                0x20..=0x7e => write!(f, "{}", b as char)?,
                _ => write!(f, "\\{b:03o}")?,
            }
        }
        f.write_str("\"")
    }
}

/// Octets as `0x` and hex digits.
#[derive(Debug, Clone, Copy)]
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// The value, tcpdump-style (`{:#}` on a message prints "name (code), length n: value").
impl fmt::Display for DhcpOption<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DhcpOption as O;
        match self {
            O::SubnetMask(a)
            | O::SwapServer(a)
            | O::BroadcastAddress(a)
            | O::RequestedIp(a)
            | O::ServerId(a) => write!(f, "{a}"),
            O::TimeOffset(v) => write!(f, "{v}"),
            O::LeaseTime(v) | O::RenewalTime(v) | O::RebindingTime(v) | O::Ipv6OnlyPreferred(v) => {
                write!(f, "{v}")
            }
            O::BootFileSize(v) | O::InterfaceMtu(v) | O::MaxMessageSize(v) => write!(f, "{v}"),
            O::IpForwarding(v) => f.write_str(if *v { "Y" } else { "N" }),
            O::NetbiosNodeType(v) => write!(f, "{v}"),
            O::Overload(v) => write!(f, "{v}"),
            O::MessageType(v) => write!(f, "{v}"),
            O::RapidCommit => Ok(()),
            O::Router(a)
            | O::TimeServer(a)
            | O::NameServer(a)
            | O::DomainNameServer(a)
            | O::LogServer(a)
            | O::NtpServers(a)
            | O::NetbiosNameServer(a)
            | O::NetbiosDistributionServer(a) => write!(f, "{a}"),
            O::HostName(b)
            | O::DomainName(b)
            | O::RootPath(b)
            | O::ExtensionsPath(b)
            | O::NetbiosScope(b)
            | O::Message(b)
            | O::VendorClassId(b)
            | O::TftpServerName(b)
            | O::BootfileName(b) => write!(f, "{}", Text(b)),
            O::VendorSpecific(b) => write!(f, "{}", Hex(b)),
            O::StaticRoute(r) => write!(f, "{r}"),
            O::ParameterRequestList(p) => write!(f, "{p}"),
            O::ClientId(c) => write!(f, "{c}"),
            O::ClientFqdn(c) => write!(f, "{c}"),
            O::RelayAgentInformation(r) => write!(f, "{r}"),
            O::DomainSearch(d) => write!(f, "{d}"),
            O::ClasslessStaticRoute(r) => write!(f, "{r}"),
            O::Unknown(r) => write!(f, "{}", Hex(r.data)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::format;

    fn round_trip(code: u8, data: &[u8]) -> DhcpOption<'_> {
        let o = DhcpOption::parse(OptionCode(code), data).unwrap();
        assert_eq!(o.code(), OptionCode(code));
        assert_eq!(o.data_len(), data.len());
        let mut buf = [0u8; 64];
        assert_eq!(o.emit_data(&mut buf), Ok(data.len()));
        assert_eq!(&buf[..data.len()], data);
        o
    }

    #[test]
    fn rfc2132_fixed_length_options_decode_and_emit() {
        assert_eq!(
            round_trip(1, &[255, 255, 255, 0]),
            DhcpOption::SubnetMask(Ipv4Addr::new(255, 255, 255, 0))
        );
        assert_eq!(round_trip(2, &[0xff, 0xff, 0xf1, 0xf0]), DhcpOption::TimeOffset(-3600));
        assert_eq!(round_trip(19, &[1]), DhcpOption::IpForwarding(true));
        assert_eq!(round_trip(51, &[0, 0, 0x0e, 0x10]), DhcpOption::LeaseTime(3600));
        assert_eq!(round_trip(53, &[1]), DhcpOption::MessageType(MessageType::DISCOVER));
        assert_eq!(round_trip(57, &[0x05, 0xdc]), DhcpOption::MaxMessageSize(1500));
        assert_eq!(round_trip(80, &[]), DhcpOption::RapidCommit);
        assert_eq!(round_trip(108, &[0, 0, 7, 8]), DhcpOption::Ipv6OnlyPreferred(1800));
        assert_eq!(round_trip(52, &[3]), DhcpOption::Overload(Overload::FILE | Overload::SNAME));
        round_trip(12, b"host");
        round_trip(200, &[1, 2, 3]);
        round_trip(81, b"\x01\x00\x00x");
    }

    #[test]
    fn rfc2132_wrong_lengths_are_bad_option() {
        for (code, data) in [
            (1u8, &[1u8, 2, 3][..]),
            (2, &[0; 5]),
            (19, &[2]),
            (51, &[0; 3]),
            (53, &[]),
            (53, &[1, 1]),
            (57, &[5]),
            (80, &[0]),
            (108, &[]),
            (61, &[1]),
            (0, &[]),
            (255, &[]),
        ] {
            assert_eq!(
                DhcpOption::parse(OptionCode(code), data),
                Err(WireError::BadOption),
                "{code}"
            );
        }
    }

    #[test]
    fn display_is_tcpdump_like() {
        let o = DhcpOption::parse(OptionCode::HOST_NAME, b"a\"b\x01").unwrap();
        assert_eq!(format!("{o}"), "\"a\\\"b\\001\"");
        let o = DhcpOption::parse(OptionCode::PARAMETER_REQUEST_LIST, &[1, 3, 250]).unwrap();
        assert_eq!(format!("{o}"), "Subnet-Mask, Default-Gateway, Option 250");
        let o = DhcpOption::parse(OptionCode(250), &[0xab]).unwrap();
        assert_eq!(format!("{o}"), "0xab");
    }
}
