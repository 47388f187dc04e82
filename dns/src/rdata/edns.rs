//! EDNS(0) (RFC 6891 §6): the OPT pseudo-record's fields and its options.

use core::fmt;

use bitflags::bitflags;

use crate::registry::registry;
use crate::text::{write_hex, write_quoted};
use crate::{Class, Error, Name, RData, Rcode, Record};

registry! {
    /// An EDNS option code (RFC 6891 §6.1.2, IANA "DNS EDNS0 Option Codes").
    EdnsOptionCode(u16), generic "OPT";
    LLQ = 1, "LLQ", "Long-lived queries (RFC 8764).";
    UL = 2, "UL", "Update lease.";
    NSID = 3, "NSID", "Name server identifier (RFC 5001).";
    DAU = 5, "DAU", "DNSSEC algorithms understood (RFC 6975).";
    DHU = 6, "DHU", "DS hashes understood (RFC 6975).";
    N3U = 7, "N3U", "NSEC3 hashes understood (RFC 6975).";
    CLIENT_SUBNET = 8, "ECS", "Client subnet (RFC 7871).";
    EXPIRE = 9, "EXPIRE", "Zone expiry (RFC 7314).";
    COOKIE = 10, "COOKIE", "DNS cookie (RFC 7873).";
    TCP_KEEPALIVE = 11, "KEEPALIVE", "TCP keepalive (RFC 7828).";
    PADDING = 12, "PADDING", "Padding (RFC 7830).";
    CHAIN = 13, "CHAIN", "CHAIN query (RFC 7901).";
    KEY_TAG = 14, "KEY-TAG", "Trust anchor key tags (RFC 8145).";
    EXTENDED_ERROR = 15, "EDE", "Extended DNS error (RFC 8914).";
    REPORT_CHANNEL = 18, "REPORT-CHANNEL", "DNS error reporting agent (RFC 9567).";
    ZONEVERSION = 19, "ZONEVERSION", "Zone version (RFC 9660).";
}

bitflags! {
    /// The EDNS flags (RFC 6891 §6.1.4), the low 16 bits of the OPT record's TTL.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct EdnsFlags: u16 {
        /// DO: DNSSEC answer OK (RFC 3225).
        const DO = 0x8000;
        /// The other, reserved bits, kept so a re-emit reproduces them.
        const _ = !0;
    }
}

/// The OPT record (RFC 6891 §6.1.2, §6.1.3) as plain values: what its CLASS and TTL fields
/// mean, and its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Edns<'a> {
    /// Requestor's UDP payload size (the CLASS field).
    pub udp_payload_size: u16,
    /// Upper 8 bits of the 12-bit RCODE.
    pub extended_rcode: u8,
    /// EDNS version (0).
    pub version: u8,
    /// Flags, DO among them.
    pub flags: EdnsFlags,
    /// The options.
    pub options: EdnsOptions<'a>,
}

impl<'a> Edns<'a> {
    /// Reads the OPT fields of `record`, or `None` if it is not an OPT record.
    pub fn from_record(record: &Record<'a>) -> Option<Edns<'a>> {
        let RData::Opt(options) = record.data else { return None };
        let ttl = record.ttl.to_be_bytes();
        Some(Edns {
            udp_payload_size: record.class.0,
            extended_rcode: ttl[0],
            version: ttl[1],
            flags: EdnsFlags::from_bits_retain(u16::from_be_bytes([ttl[2], ttl[3]])),
            options,
        })
    }

    /// The OPT record carrying these values (owner: the root).
    pub fn to_record(&self) -> Record<'a> {
        let f = self.flags.bits().to_be_bytes();
        Record {
            name: Name::root(),
            class: Class(self.udp_payload_size),
            ttl: u32::from_be_bytes([self.extended_rcode, self.version, f[0], f[1]]),
            data: RData::Opt(self.options),
        }
    }

    /// The full 12-bit RCODE, given the header's 4 bits.
    pub fn rcode(&self, header_rcode: Rcode) -> Rcode {
        Rcode(u16::from(self.extended_rcode) << 4 | (header_rcode.0 & 0xF))
    }
}

impl fmt::Display for Edns<'_> {
    /// dig's OPT pseudosection line: `EDNS: version: 0, flags: do; udp: 1232`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EDNS: version: {}, flags:", self.version)?;
        if self.flags.contains(EdnsFlags::DO) {
            f.write_str(" do")?;
        }
        write!(f, "; udp: {}", self.udp_payload_size)?;
        for o in self.options.iter() {
            write!(f, "; {o}")?;
        }
        Ok(())
    }
}

/// The options of an OPT record in wire form, checked once and iterated as typed
/// [`EdnsOption`]s.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EdnsOptions<'a> {
    raw: &'a [u8],
}

impl<'a> EdnsOptions<'a> {
    /// Checks that `raw` is a sequence of well-formed options.
    pub fn new(raw: &'a [u8]) -> Result<EdnsOptions<'a>, Error> {
        let mut it = EdnsOptionIter { rest: raw };
        while !it.rest.is_empty() {
            let (code, data) = it.split().ok_or(Error::BadOption)?;
            EdnsOption::decode(EdnsOptionCode(code), data)?;
        }
        Ok(EdnsOptions { raw })
    }

    /// The wire form.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The options in wire order.
    pub fn iter(&self) -> EdnsOptionIter<'a> {
        EdnsOptionIter { rest: self.raw }
    }
}

impl<'a> IntoIterator for EdnsOptions<'a> {
    type Item = EdnsOption<'a>;
    type IntoIter = EdnsOptionIter<'a>;
    fn into_iter(self) -> EdnsOptionIter<'a> {
        self.iter()
    }
}

impl fmt::Debug for EdnsOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl fmt::Display for EdnsOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, o) in self.iter().enumerate() {
            write!(f, "{}{o}", if i > 0 { "; " } else { "" })?;
        }
        Ok(())
    }
}

/// Iterator over [`EdnsOptions`].
#[derive(Debug, Clone)]
pub struct EdnsOptionIter<'a> {
    rest: &'a [u8],
}

impl<'a> EdnsOptionIter<'a> {
    fn split(&mut self) -> Option<(u16, &'a [u8])> {
        let [c0, c1, l0, l1, tail @ ..] = self.rest else { return None };
        let len = usize::from(u16::from_be_bytes([*l0, *l1]));
        let data = tail.get(..len)?;
        self.rest = &tail[len..];
        Some((u16::from_be_bytes([*c0, *c1]), data))
    }
}

impl<'a> Iterator for EdnsOptionIter<'a> {
    type Item = EdnsOption<'a>;
    fn next(&mut self) -> Option<EdnsOption<'a>> {
        let (code, data) = self.split()?;
        // Checked by `EdnsOptions::new`; a failure here can only stop the iteration.
        EdnsOption::decode(EdnsOptionCode(code), data).ok()
    }
}

/// One EDNS option, typed where the code is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdnsOption<'a> {
    /// Name server identifier (RFC 5001 §2.3); empty in a query.
    Nsid(&'a [u8]),
    /// Client subnet (RFC 7871 §6).
    ClientSubnet(ClientSubnet<'a>),
    /// DNS cookie (RFC 7873 §4): an 8-byte client cookie and an optional 8–32 byte server
    /// cookie (empty when absent).
    Cookie {
        /// The client cookie.
        client: [u8; 8],
        /// The server cookie, or empty.
        server: &'a [u8],
    },
    /// TCP keepalive (RFC 7828 §3.1): the idle timeout in units of 100 ms, absent in
    /// queries.
    TcpKeepalive(Option<u16>),
    /// Padding (RFC 7830 §3); the bytes are kept (they should be zero).
    Padding(&'a [u8]),
    /// Extended DNS error (RFC 8914 §2).
    ExtendedError {
        /// INFO-CODE.
        info_code: u16,
        /// EXTRA-TEXT, UTF-8, possibly empty.
        extra_text: &'a [u8],
    },
    /// Any other option, kept byte for byte.
    Unknown {
        /// OPTION-CODE.
        code: EdnsOptionCode,
        /// OPTION-DATA.
        data: &'a [u8],
    },
}

impl<'a> EdnsOption<'a> {
    /// Reads OPTION-DATA for `code`, checking the lengths its RFC requires.
    pub fn decode(code: EdnsOptionCode, data: &'a [u8]) -> Result<EdnsOption<'a>, Error> {
        Ok(match code {
            EdnsOptionCode::NSID => EdnsOption::Nsid(data),
            EdnsOptionCode::CLIENT_SUBNET => EdnsOption::ClientSubnet(ClientSubnet::decode(data)?),
            EdnsOptionCode::COOKIE => {
                let (client, server) = data.split_at_checked(8).ok_or(Error::BadOption)?;
                if !server.is_empty() && !(8..=32).contains(&server.len()) {
                    return Err(Error::BadOption);
                }
                let client = client.try_into().map_err(|_| Error::BadOption)?;
                EdnsOption::Cookie { client, server }
            }
            EdnsOptionCode::TCP_KEEPALIVE => match data {
                [] => EdnsOption::TcpKeepalive(None),
                [a, b] => EdnsOption::TcpKeepalive(Some(u16::from_be_bytes([*a, *b]))),
                _ => return Err(Error::BadOption),
            },
            EdnsOptionCode::PADDING => EdnsOption::Padding(data),
            EdnsOptionCode::EXTENDED_ERROR => match data {
                [a, b, rest @ ..] => EdnsOption::ExtendedError {
                    info_code: u16::from_be_bytes([*a, *b]),
                    extra_text: rest,
                },
                _ => return Err(Error::BadOption),
            },
            code => EdnsOption::Unknown { code, data },
        })
    }

    /// The option code.
    pub fn code(&self) -> EdnsOptionCode {
        match self {
            EdnsOption::Nsid(_) => EdnsOptionCode::NSID,
            EdnsOption::ClientSubnet(_) => EdnsOptionCode::CLIENT_SUBNET,
            EdnsOption::Cookie { .. } => EdnsOptionCode::COOKIE,
            EdnsOption::TcpKeepalive(_) => EdnsOptionCode::TCP_KEEPALIVE,
            EdnsOption::Padding(_) => EdnsOptionCode::PADDING,
            EdnsOption::ExtendedError { .. } => EdnsOptionCode::EXTENDED_ERROR,
            EdnsOption::Unknown { code, .. } => *code,
        }
    }

    /// Length of OPTION-DATA.
    pub fn data_len(&self) -> usize {
        match self {
            EdnsOption::Nsid(d) | EdnsOption::Padding(d) | EdnsOption::Unknown { data: d, .. } => {
                d.len()
            }
            EdnsOption::ClientSubnet(c) => 4 + c.address.len(),
            EdnsOption::Cookie { server, .. } => 8 + server.len(),
            EdnsOption::TcpKeepalive(t) => {
                if t.is_some() {
                    2
                } else {
                    0
                }
            }
            EdnsOption::ExtendedError { extra_text, .. } => 2 + extra_text.len(),
        }
    }

    /// Writes the option (code, length, data) into `out`; returns the bytes written.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        let len = self.data_len();
        let total = 4 + len;
        let out = out.get_mut(..total).ok_or(Error::BufferTooSmall)?;
        out[..2].copy_from_slice(&self.code().0.to_be_bytes());
        out[2..4].copy_from_slice(&u16::try_from(len).map_err(|_| Error::BadOption)?.to_be_bytes());
        let d = &mut out[4..];
        match self {
            EdnsOption::Nsid(s) | EdnsOption::Padding(s) | EdnsOption::Unknown { data: s, .. } => {
                d.copy_from_slice(s)
            }
            EdnsOption::ClientSubnet(c) => {
                d[..2].copy_from_slice(&c.family.to_be_bytes());
                d[2] = c.source_prefix_len;
                d[3] = c.scope_prefix_len;
                d[4..].copy_from_slice(c.address);
            }
            EdnsOption::Cookie { client, server } => {
                d[..8].copy_from_slice(client);
                d[8..].copy_from_slice(server);
            }
            EdnsOption::TcpKeepalive(t) => {
                if let Some(t) = t {
                    d.copy_from_slice(&t.to_be_bytes());
                }
            }
            EdnsOption::ExtendedError { info_code, extra_text } => {
                d[..2].copy_from_slice(&info_code.to_be_bytes());
                d[2..].copy_from_slice(extra_text);
            }
        }
        Ok(total)
    }
}

impl fmt::Display for EdnsOption<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())?;
        match self {
            EdnsOption::Nsid(d) => {
                f.write_str(": ")?;
                write_hex(f, d)?;
                f.write_str(" (")?;
                write_quoted(f, d)?;
                f.write_str(")")
            }
            EdnsOption::ClientSubnet(c) => write!(f, ": {c}"),
            EdnsOption::Cookie { client, server } => {
                f.write_str(": ")?;
                write_hex(f, client)?;
                write_hex(f, server)
            }
            EdnsOption::TcpKeepalive(None) => Ok(()),
            EdnsOption::TcpKeepalive(Some(t)) => write!(f, ": {}.{} secs", t / 10, t % 10),
            EdnsOption::Padding(d) => write!(f, ": ({} bytes)", d.len()),
            EdnsOption::ExtendedError { info_code, extra_text } => {
                write!(f, ": {info_code}")?;
                if !extra_text.is_empty() {
                    f.write_str(" ")?;
                    write_quoted(f, extra_text)?;
                }
                Ok(())
            }
            EdnsOption::Unknown { data, .. } => {
                f.write_str(": ")?;
                write_hex(f, data)
            }
        }
    }
}

/// The client subnet option (RFC 7871 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientSubnet<'a> {
    /// Address family (1 = IPv4, 2 = IPv6; IANA "Address Family Numbers").
    pub family: u16,
    /// SOURCE PREFIX-LENGTH.
    pub source_prefix_len: u8,
    /// SCOPE PREFIX-LENGTH (0 in queries).
    pub scope_prefix_len: u8,
    /// ADDRESS, truncated to the source prefix: ⌈source/8⌉ bytes.
    pub address: &'a [u8],
}

impl<'a> ClientSubnet<'a> {
    fn decode(data: &'a [u8]) -> Result<ClientSubnet<'a>, Error> {
        let [f0, f1, source, scope, address @ ..] = data else { return Err(Error::BadOption) };
        let family = u16::from_be_bytes([*f0, *f1]);
        let max_bits = match family {
            1 => 32,
            2 => 128,
            _ => 255,
        };
        // RFC 7871 §6: ADDRESS holds exactly the bytes the source prefix covers.
        if *source > max_bits
            || *scope > max_bits
            || address.len() != usize::from(*source).div_ceil(8)
        {
            return Err(Error::BadOption);
        }
        Ok(ClientSubnet { family, source_prefix_len: *source, scope_prefix_len: *scope, address })
    }
}

impl fmt::Display for ClientSubnet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.family {
            1 => {
                let mut a = [0u8; 4];
                let n = self.address.len().min(4);
                a[..n].copy_from_slice(&self.address[..n]);
                write!(f, "{}", core::net::Ipv4Addr::from(a))?;
            }
            2 => {
                let mut a = [0u8; 16];
                let n = self.address.len().min(16);
                a[..n].copy_from_slice(&self.address[..n]);
                write!(f, "{}", core::net::Ipv6Addr::from(a))?;
            }
            fam => {
                write!(f, "family {fam} ")?;
                write_hex(f, self.address)?;
            }
        }
        write!(f, "/{}/{}", self.source_prefix_len, self.scope_prefix_len)
    }
}
