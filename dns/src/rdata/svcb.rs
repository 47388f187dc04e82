//! SVCB and HTTPS RDATA (RFC 9460 §2.2): priority, target name and a list of SvcParams.
//! The target is never compressed (RFC 9460 §2.2).

use core::fmt::{self, Write};
use core::net::{Ipv4Addr, Ipv6Addr};

use super::reader::RdataReader;
use super::rfc1035::CharacterStrings;
use crate::name::Compression;
use crate::registry::registry;
use crate::text::{write_base64, write_quoted};
use crate::writer::Writer;
use crate::{Error, Name};

registry! {
    /// A SvcParamKey (RFC 9460 §14.3, IANA "Service Parameter Keys"); others print as
    /// `key65333`.
    SvcParamKey(u16), generic "key";
    MANDATORY = 0, "mandatory", "Keys the client must understand (RFC 9460 §8).";
    ALPN = 1, "alpn", "Supported ALPN protocol ids (RFC 9460 §7.1).";
    NO_DEFAULT_ALPN = 2, "no-default-alpn", "The default ALPN is not supported (RFC 9460 §7.1).";
    PORT = 3, "port", "Alternative port (RFC 9460 §7.2).";
    IPV4HINT = 4, "ipv4hint", "IPv4 address hints (RFC 9460 §7.3).";
    ECH = 5, "ech", "Encrypted ClientHello config list (RFC 9460 §14.3.2).";
    IPV6HINT = 6, "ipv6hint", "IPv6 address hints (RFC 9460 §7.3).";
    DOHPATH = 7, "dohpath", "DNS over HTTPS path template (RFC 9461).";
    OHTTP = 8, "ohttp", "Oblivious HTTP gateway (RFC 9540).";
    TLS_SUPPORTED_GROUPS = 9, "tls-supported-groups", "Supported TLS key exchange groups.";
}

/// General-purpose service binding (RFC 9460 §2.2), the RDATA of SVCB and HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Svcb<'a> {
    /// SvcPriority: 0 is AliasMode, others ServiceMode (lower first).
    pub priority: u16,
    /// TargetName; never compressed.
    pub target: Name<'a>,
    /// SvcParams, in increasing key order.
    pub params: SvcParams<'a>,
}

impl<'a> Svcb<'a> {
    pub(crate) fn parse(r: &mut RdataReader<'a>) -> Result<Self, Error> {
        let priority = r.u16()?;
        let target = r.name(Compression::Forbidden)?;
        let params = SvcParams::new(r.rest())?;
        Ok(Svcb { priority, target, params })
    }

    pub(crate) fn emit(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.u16(self.priority)?;
        w.name(&self.target, false)?;
        w.bytes(self.params.raw)
    }
}

impl fmt::Display for Svcb<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.priority, self.target)?;
        for p in self.params.iter() {
            write!(f, " {p}")?;
        }
        Ok(())
    }
}

/// The SvcParams of an SVCB record in wire form, checked once and iterated as typed
/// [`SvcParam`]s.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SvcParams<'a> {
    raw: &'a [u8],
}

impl<'a> SvcParams<'a> {
    /// Checks every parameter (lengths, values of the known keys) and that keys are strictly
    /// increasing (RFC 9460 §2.2: otherwise the record is malformed).
    pub fn new(raw: &'a [u8]) -> Result<SvcParams<'a>, Error> {
        let mut last: Option<u16> = None;
        let mut it = SvcParamIter { rest: raw };
        while !it.rest.is_empty() {
            let (key, value) = it.split().ok_or(Error::BadOption)?;
            if last.is_some_and(|l| l >= key) {
                return Err(Error::SvcParamOrder);
            }
            last = Some(key);
            SvcParam::decode(SvcParamKey(key), value)?;
        }
        Ok(SvcParams { raw })
    }

    /// The wire form.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The parameters in wire order.
    pub fn iter(&self) -> SvcParamIter<'a> {
        SvcParamIter { rest: self.raw }
    }
}

impl<'a> IntoIterator for SvcParams<'a> {
    type Item = SvcParam<'a>;
    type IntoIter = SvcParamIter<'a>;
    fn into_iter(self) -> SvcParamIter<'a> {
        self.iter()
    }
}

impl fmt::Debug for SvcParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Iterator over [`SvcParams`].
#[derive(Debug, Clone)]
pub struct SvcParamIter<'a> {
    rest: &'a [u8],
}

impl<'a> SvcParamIter<'a> {
    fn split(&mut self) -> Option<(u16, &'a [u8])> {
        let [k0, k1, l0, l1, tail @ ..] = self.rest else { return None };
        let len = usize::from(u16::from_be_bytes([*l0, *l1]));
        let value = tail.get(..len)?;
        self.rest = &tail[len..];
        Some((u16::from_be_bytes([*k0, *k1]), value))
    }
}

impl<'a> Iterator for SvcParamIter<'a> {
    type Item = SvcParam<'a>;
    fn next(&mut self) -> Option<SvcParam<'a>> {
        let (key, value) = self.split()?;
        // Checked by `SvcParams::new`; a failure here can only stop the iteration.
        SvcParam::decode(SvcParamKey(key), value).ok()
    }
}

/// One SvcParam (RFC 9460 §7, §8), typed where the key is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SvcParam<'a> {
    /// `mandatory`: keys the client must support.
    Mandatory(KeyList<'a>),
    /// `alpn`: protocol ids, in the wire form of character-strings.
    Alpn(CharacterStrings<'a>),
    /// `no-default-alpn`.
    NoDefaultAlpn,
    /// `port`.
    Port(u16),
    /// `ipv4hint`.
    Ipv4Hint(AddrList<'a, 4>),
    /// `ech`: an ECHConfigList, opaque here.
    Ech(&'a [u8]),
    /// `ipv6hint`.
    Ipv6Hint(AddrList<'a, 16>),
    /// `dohpath` (RFC 9461): a URI template in UTF-8.
    DohPath(&'a [u8]),
    /// Any other key, its value kept byte for byte.
    Unknown {
        /// The key.
        key: SvcParamKey,
        /// The value.
        value: &'a [u8],
    },
}

impl<'a> SvcParam<'a> {
    /// Reads the value of `key`, checking the lengths RFC 9460 §7 and §8 require.
    pub fn decode(key: SvcParamKey, value: &'a [u8]) -> Result<SvcParam<'a>, Error> {
        let bad = Error::BadOption;
        Ok(match key {
            SvcParamKey::MANDATORY if value.is_empty() || !value.len().is_multiple_of(2) => {
                return Err(bad)
            }
            SvcParamKey::MANDATORY => SvcParam::Mandatory(KeyList { raw: value }),
            SvcParamKey::ALPN => {
                let ids = CharacterStrings::new(value).map_err(|_| bad)?;
                if ids.is_empty() || ids.iter().any(|id| id.is_empty()) {
                    return Err(bad);
                }
                SvcParam::Alpn(ids)
            }
            SvcParamKey::NO_DEFAULT_ALPN if value.is_empty() => SvcParam::NoDefaultAlpn,
            SvcParamKey::PORT => match value {
                [a, b] => SvcParam::Port(u16::from_be_bytes([*a, *b])),
                _ => return Err(bad),
            },
            SvcParamKey::IPV4HINT => SvcParam::Ipv4Hint(AddrList::new(value)?),
            SvcParamKey::ECH => SvcParam::Ech(value),
            SvcParamKey::IPV6HINT => SvcParam::Ipv6Hint(AddrList::new(value)?),
            SvcParamKey::DOHPATH => SvcParam::DohPath(value),
            SvcParamKey::NO_DEFAULT_ALPN => return Err(bad),
            key => SvcParam::Unknown { key, value },
        })
    }

    /// The parameter's key.
    pub fn key(&self) -> SvcParamKey {
        match self {
            SvcParam::Mandatory(_) => SvcParamKey::MANDATORY,
            SvcParam::Alpn(_) => SvcParamKey::ALPN,
            SvcParam::NoDefaultAlpn => SvcParamKey::NO_DEFAULT_ALPN,
            SvcParam::Port(_) => SvcParamKey::PORT,
            SvcParam::Ipv4Hint(_) => SvcParamKey::IPV4HINT,
            SvcParam::Ech(_) => SvcParamKey::ECH,
            SvcParam::Ipv6Hint(_) => SvcParamKey::IPV6HINT,
            SvcParam::DohPath(_) => SvcParamKey::DOHPATH,
            SvcParam::Unknown { key, .. } => *key,
        }
    }
}

/// Writes a value-list item (RFC 9460 Appendix A.1): `,` and `\` escaped by a backslash,
/// then escaped again as a character-string inside the quotes.
fn write_list_item(f: &mut fmt::Formatter<'_>, item: &[u8]) -> fmt::Result {
    for &b in item {
        match b {
            b',' => f.write_str("\\\\,")?,
            b'\\' => f.write_str("\\\\\\\\")?,
            b'"' => f.write_str("\\\"")?,
            0x20..=0x7E => f.write_char(char::from(b))?,
            _ => write!(f, "\\{b:03}")?,
        }
    }
    Ok(())
}

impl fmt::Display for SvcParam<'_> {
    /// Presentation format (RFC 9460 §2.1): `key=value`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.key())?;
        match self {
            SvcParam::Mandatory(keys) => {
                f.write_str("=")?;
                for (i, k) in keys.iter().enumerate() {
                    write!(f, "{}{k}", if i > 0 { "," } else { "" })?;
                }
                Ok(())
            }
            SvcParam::Alpn(ids) => {
                f.write_str("=\"")?;
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_list_item(f, id)?;
                }
                f.write_str("\"")
            }
            SvcParam::NoDefaultAlpn => Ok(()),
            SvcParam::Port(p) => write!(f, "={p}"),
            SvcParam::Ipv4Hint(a) => write!(f, "={a}"),
            SvcParam::Ipv6Hint(a) => write!(f, "={a}"),
            SvcParam::Ech(e) => {
                f.write_str("=")?;
                write_base64(f, e)
            }
            SvcParam::DohPath(v) | SvcParam::Unknown { value: v, .. } => {
                f.write_str("=")?;
                write_quoted(f, v)
            }
        }
    }
}

/// The key list of `mandatory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyList<'a> {
    raw: &'a [u8],
}

impl<'a> KeyList<'a> {
    /// The keys in wire order.
    pub fn iter(&self) -> impl Iterator<Item = SvcParamKey> + 'a {
        self.raw.chunks_exact(2).map(|c| SvcParamKey(u16::from_be_bytes([c[0], c[1]])))
    }
}

/// A non-empty list of `N`-byte addresses (`ipv4hint` with N = 4, `ipv6hint` with 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddrList<'a, const N: usize> {
    raw: &'a [u8],
}

impl<'a, const N: usize> AddrList<'a, N> {
    fn new(raw: &'a [u8]) -> Result<Self, Error> {
        if raw.is_empty() || !raw.len().is_multiple_of(N) {
            return Err(Error::BadOption);
        }
        Ok(AddrList { raw })
    }

    /// The addresses as byte arrays.
    pub fn octets(&self) -> impl Iterator<Item = [u8; N]> + 'a {
        self.raw.chunks_exact(N).filter_map(|c| c.try_into().ok())
    }
}

impl<'a> AddrList<'a, 4> {
    /// The IPv4 addresses.
    pub fn iter(&self) -> impl Iterator<Item = Ipv4Addr> + 'a {
        self.octets().map(Ipv4Addr::from)
    }
}

impl<'a> AddrList<'a, 16> {
    /// The IPv6 addresses.
    pub fn iter(&self) -> impl Iterator<Item = Ipv6Addr> + 'a {
        self.octets().map(Ipv6Addr::from)
    }
}

impl<const N: usize> fmt::Display for AddrList<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.octets().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            let mut b16 = [0u8; 16];
            let n = a.len().min(16);
            b16[..n].copy_from_slice(&a[..n]);
            if N == 4 {
                write!(f, "{}", Ipv4Addr::new(b16[0], b16[1], b16[2], b16[3]))?;
            } else {
                write!(f, "{}", Ipv6Addr::from(b16))?;
            }
        }
        Ok(())
    }
}
