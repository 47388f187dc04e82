//! IPv4 options (RFC 791 §3.1), read as typed items and written by a small builder.
//!
//! The header keeps its options as raw bytes ([`Repr::options`](crate::Repr::options));
//! [`Options`] walks them without allocating and never panics: a malformed option ends the
//! walk with [`WireError::BadOption`]. Options this crate does not know are yielded as
//! [`Ipv4Option::Unknown`] with their bytes, so nothing is lost on a re-emit.

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::WireError;

use crate::packet::MAX_OPTIONS_LEN;

/// An option type octet (RFC 791 §3.1: copied flag, class, number), from the IANA
/// "IP Option Numbers" registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionType(pub u8);

impl OptionType {
    /// End of Option List (RFC 791).
    pub const END_OF_LIST: OptionType = OptionType(0);
    /// No Operation (RFC 791).
    pub const NOP: OptionType = OptionType(1);
    /// Record Route (RFC 791).
    pub const RECORD_ROUTE: OptionType = OptionType(7);
    /// Internet Timestamp (RFC 791).
    pub const TIMESTAMP: OptionType = OptionType(68);
    /// Basic Security (RFC 1108 §2).
    pub const SECURITY: OptionType = OptionType(130);
    /// Loose Source and Record Route (RFC 791).
    pub const LOOSE_SOURCE_ROUTE: OptionType = OptionType(131);
    /// Extended Security (RFC 1108 §3).
    pub const EXTENDED_SECURITY: OptionType = OptionType(133);
    /// Stream Identifier (RFC 791; deprecated by RFC 6814).
    pub const STREAM_ID: OptionType = OptionType(136);
    /// Strict Source and Record Route (RFC 791).
    pub const STRICT_SOURCE_ROUTE: OptionType = OptionType(137);
    /// Router Alert (RFC 2113).
    pub const ROUTER_ALERT: OptionType = OptionType(148);

    /// The copied flag: the option is copied into every fragment (RFC 791 §3.2).
    pub const fn copied(self) -> bool {
        self.0 & 0x80 != 0
    }
    /// Option class (0 control, 2 debugging and measurement).
    pub const fn class(self) -> u8 {
        (self.0 >> 5) & 0x03
    }
    /// Option number within its class.
    pub const fn number(self) -> u8 {
        self.0 & 0x1f
    }
}

/// The flag nibble of the Internet Timestamp option (RFC 791 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimestampFlag(pub u8);

impl TimestampFlag {
    /// Timestamps only, in consecutive 32-bit words.
    pub const TIMESTAMPS_ONLY: TimestampFlag = TimestampFlag(0);
    /// Each timestamp preceded by the address of the registering entity.
    pub const WITH_ADDRESSES: TimestampFlag = TimestampFlag(1);
    /// The addresses are prespecified; a node stamps only when its address is next.
    pub const PRESPECIFIED: TimestampFlag = TimestampFlag(3);

    /// True when each entry carries an address before its timestamp.
    pub const fn has_addresses(self) -> bool {
        self.0 == 1 || self.0 == 3
    }
}

/// One option, typed. Borrowed parts are the option's own bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ipv4Option<'a> {
    /// End of Option List: the bytes after it are padding.
    EndOfList,
    /// No Operation, used to align the next option.
    Nop,
    /// Record Route (RFC 791): `route` holds the address slots, `pointer` (one-based, from
    /// the option's start, at least 4) the next free slot.
    RecordRoute {
        /// Pointer octet.
        pointer: u8,
        /// The route data (address slots), after the pointer.
        route: &'a [u8],
    },
    /// Loose Source and Record Route (RFC 791).
    LooseSourceRoute {
        /// Pointer octet.
        pointer: u8,
        /// The route data.
        route: &'a [u8],
    },
    /// Strict Source and Record Route (RFC 791).
    StrictSourceRoute {
        /// Pointer octet.
        pointer: u8,
        /// The route data.
        route: &'a [u8],
    },
    /// Internet Timestamp (RFC 791).
    Timestamp {
        /// Pointer octet (one-based, at least 5).
        pointer: u8,
        /// Overflow count: nodes that could not register a timestamp (4 bits).
        overflow: u8,
        /// What each entry holds.
        flag: TimestampFlag,
        /// The entries, after the overflow/flag octet.
        data: &'a [u8],
    },
    /// Basic Security Option (RFC 1108 §2).
    Security {
        /// Classification level (RFC 1108 §2.3: 0x3d Top Secret … 0xab Unclassified).
        classification: u8,
        /// Protection Authority flags, possibly empty.
        authority: &'a [u8],
    },
    /// Extended Security Option (RFC 1108 §3).
    ExtendedSecurity {
        /// Additional Security Info Format Code.
        format: u8,
        /// Additional security information.
        info: &'a [u8],
    },
    /// Stream Identifier (RFC 791).
    StreamId(u16),
    /// Router Alert (RFC 2113 §2.1); value 0: "router shall examine packet".
    RouterAlert(u16),
    /// Any other option: its type and the bytes after its length octet.
    Unknown {
        /// Option type.
        kind: OptionType,
        /// Option data (without type and length octets).
        data: &'a [u8],
    },
}

impl<'a> Ipv4Option<'a> {
    /// Reads one option at the start of `bytes`; returns it and its length on the wire.
    pub fn parse(bytes: &'a [u8]) -> Result<(Ipv4Option<'a>, usize), WireError> {
        let kind = OptionType(*bytes.first().ok_or(WireError::BadOption)?);
        match kind {
            OptionType::END_OF_LIST => return Ok((Ipv4Option::EndOfList, 1)),
            OptionType::NOP => return Ok((Ipv4Option::Nop, 1)),
            _ => {}
        }
        // Every other option is type, length (counting both), data (RFC 791 §3.1, case 2).
        let len = usize::from(*bytes.get(1).ok_or(WireError::BadOption)?);
        if len < 2 {
            return Err(WireError::BadOption);
        }
        let body = bytes.get(2..len).ok_or(WireError::BadOption)?;
        let option = match kind {
            OptionType::RECORD_ROUTE
            | OptionType::LOOSE_SOURCE_ROUTE
            | OptionType::STRICT_SOURCE_ROUTE => {
                let (&pointer, route) = body.split_first().ok_or(WireError::BadOption)?;
                // "The smallest legal value for the pointer is 4."
                if pointer < 4 {
                    return Err(WireError::BadOption);
                }
                match kind {
                    OptionType::RECORD_ROUTE => Ipv4Option::RecordRoute { pointer, route },
                    OptionType::LOOSE_SOURCE_ROUTE => {
                        Ipv4Option::LooseSourceRoute { pointer, route }
                    }
                    _ => Ipv4Option::StrictSourceRoute { pointer, route },
                }
            }
            OptionType::TIMESTAMP => {
                let [pointer, oflw_flg, data @ ..] = body else {
                    return Err(WireError::BadOption);
                };
                let flag = TimestampFlag(oflw_flg & 0x0f);
                // "The smallest legal value is 5"; only flags 0, 1 and 3 are defined.
                if *pointer < 5 || !matches!(flag.0, 0 | 1 | 3) {
                    return Err(WireError::BadOption);
                }
                Ipv4Option::Timestamp { pointer: *pointer, overflow: oflw_flg >> 4, flag, data }
            }
            OptionType::SECURITY => {
                let (&classification, authority) =
                    body.split_first().ok_or(WireError::BadOption)?;
                Ipv4Option::Security { classification, authority }
            }
            OptionType::EXTENDED_SECURITY => {
                let (&format, info) = body.split_first().ok_or(WireError::BadOption)?;
                Ipv4Option::ExtendedSecurity { format, info }
            }
            OptionType::STREAM_ID | OptionType::ROUTER_ALERT => {
                // Both are exactly four octets long.
                let [hi, lo] = body else {
                    return Err(WireError::BadOption);
                };
                let value = u16::from_be_bytes([*hi, *lo]);
                if kind == OptionType::STREAM_ID {
                    Ipv4Option::StreamId(value)
                } else {
                    Ipv4Option::RouterAlert(value)
                }
            }
            _ => Ipv4Option::Unknown { kind, data: body },
        };
        Ok((option, len))
    }

    /// The option type octet.
    pub fn kind(&self) -> OptionType {
        match self {
            Ipv4Option::EndOfList => OptionType::END_OF_LIST,
            Ipv4Option::Nop => OptionType::NOP,
            Ipv4Option::RecordRoute { .. } => OptionType::RECORD_ROUTE,
            Ipv4Option::LooseSourceRoute { .. } => OptionType::LOOSE_SOURCE_ROUTE,
            Ipv4Option::StrictSourceRoute { .. } => OptionType::STRICT_SOURCE_ROUTE,
            Ipv4Option::Timestamp { .. } => OptionType::TIMESTAMP,
            Ipv4Option::Security { .. } => OptionType::SECURITY,
            Ipv4Option::ExtendedSecurity { .. } => OptionType::EXTENDED_SECURITY,
            Ipv4Option::StreamId(_) => OptionType::STREAM_ID,
            Ipv4Option::RouterAlert(_) => OptionType::ROUTER_ALERT,
            Ipv4Option::Unknown { kind, .. } => *kind,
        }
    }

    /// Bytes this option takes on the wire.
    pub fn buffer_len(&self) -> usize {
        match self {
            Ipv4Option::EndOfList | Ipv4Option::Nop => 1,
            Ipv4Option::RecordRoute { route, .. }
            | Ipv4Option::LooseSourceRoute { route, .. }
            | Ipv4Option::StrictSourceRoute { route, .. } => 3 + route.len(),
            Ipv4Option::Timestamp { data, .. } => 4 + data.len(),
            Ipv4Option::Security { authority, .. } => 3 + authority.len(),
            Ipv4Option::ExtendedSecurity { info, .. } => 3 + info.len(),
            Ipv4Option::StreamId(_) | Ipv4Option::RouterAlert(_) => 4,
            Ipv4Option::Unknown { data, .. } => 2 + data.len(),
        }
    }

    /// Writes the option at the start of `buf`; returns the bytes written.
    ///
    /// [`WireError::BufferTooSmall`] if `buf` is too short, [`WireError::BadOption`] if the
    /// option would not fit its one-octet length field.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let len = self.buffer_len();
        let out = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.kind().0;
        if len == 1 {
            return Ok(1);
        }
        out[1] = u8::try_from(len).map_err(|_| WireError::BadOption)?;
        // Every variant is a fixed part followed by variable data that ends the option.
        let tail: &[u8] = match self {
            Ipv4Option::EndOfList | Ipv4Option::Nop => &[],
            Ipv4Option::RecordRoute { pointer, route }
            | Ipv4Option::LooseSourceRoute { pointer, route }
            | Ipv4Option::StrictSourceRoute { pointer, route } => {
                out[2] = *pointer;
                route
            }
            Ipv4Option::Timestamp { pointer, overflow, flag, data } => {
                out[2] = *pointer;
                out[3] = (overflow << 4) | (flag.0 & 0x0f);
                data
            }
            Ipv4Option::Security { classification: b, authority: d }
            | Ipv4Option::ExtendedSecurity { format: b, info: d } => {
                out[2] = *b;
                d
            }
            Ipv4Option::StreamId(v) | Ipv4Option::RouterAlert(v) => {
                out[2..4].copy_from_slice(&v.to_be_bytes());
                &[]
            }
            Ipv4Option::Unknown { data, .. } => data,
        };
        out[len - tail.len()..].copy_from_slice(tail);
        Ok(len)
    }

    /// The addresses of a route option's slots (empty for other options).
    pub fn route_addresses(&self) -> Addresses<'a> {
        match self {
            Ipv4Option::RecordRoute { route, .. }
            | Ipv4Option::LooseSourceRoute { route, .. }
            | Ipv4Option::StrictSourceRoute { route, .. } => Addresses { bytes: route },
            _ => Addresses { bytes: &[] },
        }
    }

    /// The entries of a Timestamp option (empty for other options).
    pub fn timestamps(&self) -> Timestamps<'a> {
        match self {
            Ipv4Option::Timestamp { flag, data, .. } => {
                Timestamps { bytes: data, with_addresses: flag.has_addresses() }
            }
            _ => Timestamps { bytes: &[], with_addresses: false },
        }
    }
}

/// The addresses of a route option, four bytes each (a trailing partial slot is skipped).
#[derive(Debug, Clone)]
pub struct Addresses<'a> {
    bytes: &'a [u8],
}

impl Iterator for Addresses<'_> {
    type Item = Ipv4Addr;
    fn next(&mut self) -> Option<Ipv4Addr> {
        let (slot, rest) = self.bytes.split_first_chunk::<4>()?;
        self.bytes = rest;
        Some(Ipv4Addr::from(*slot))
    }
}

/// One entry of a Timestamp option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampEntry {
    /// The registering (or prespecified) address, for flags 1 and 3.
    pub addr: Option<Ipv4Addr>,
    /// Milliseconds since midnight UT, or any value with the high bit set (RFC 791).
    pub timestamp: u32,
}

/// The entries of a Timestamp option (a trailing partial entry is skipped).
#[derive(Debug, Clone)]
pub struct Timestamps<'a> {
    bytes: &'a [u8],
    with_addresses: bool,
}

impl Iterator for Timestamps<'_> {
    type Item = TimestampEntry;
    fn next(&mut self) -> Option<TimestampEntry> {
        if self.with_addresses {
            let (entry, rest) = self.bytes.split_first_chunk::<8>()?;
            self.bytes = rest;
            let [a0, a1, a2, a3, t0, t1, t2, t3] = *entry;
            return Some(TimestampEntry {
                addr: Some(Ipv4Addr::new(a0, a1, a2, a3)),
                timestamp: u32::from_be_bytes([t0, t1, t2, t3]),
            });
        }
        let (t, rest) = self.bytes.split_first_chunk::<4>()?;
        self.bytes = rest;
        Some(TimestampEntry { addr: None, timestamp: u32::from_be_bytes(*t) })
    }
}

/// A walk over an options field, yielding each option or the first error.
///
/// The walk stops after End of Option List (what follows is padding) and after an error.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    bytes: &'a [u8],
}

impl<'a> Options<'a> {
    /// A walk over `bytes`, the options field of a header.
    pub const fn new(bytes: &'a [u8]) -> Options<'a> {
        Options { bytes }
    }

    /// Checks that every option is well formed.
    pub fn check(bytes: &[u8]) -> Result<(), WireError> {
        Options::new(bytes).try_for_each(|o| o.map(|_| ()))
    }

    /// The first option of type `kind`, if the walk reaches one.
    pub fn find(bytes: &'a [u8], kind: OptionType) -> Option<Ipv4Option<'a>> {
        Options::new(bytes).map_while(Result::ok).find(|o| o.kind() == kind)
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<Ipv4Option<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.bytes.is_empty() {
            return None;
        }
        match Ipv4Option::parse(self.bytes) {
            Ok((Ipv4Option::EndOfList, _)) => {
                self.bytes = &[];
                Some(Ok(Ipv4Option::EndOfList))
            }
            Ok((option, len)) => {
                self.bytes = self.bytes.get(len..).unwrap_or(&[]);
                Some(Ok(option))
            }
            Err(e) => {
                self.bytes = &[];
                Some(Err(e))
            }
        }
    }
}

/// Writes options into a caller's buffer, then pads them to a multiple of four bytes with
/// End of Option List octets (RFC 791 §3.1: "the internet header padding ... ends on a
/// 32 bit boundary").
///
/// ```
/// use unet_ipv4::options::{OptionsBuilder, Ipv4Option};
/// let mut buf = [0xaa; 40];
/// let mut b = OptionsBuilder::new(&mut buf);
/// b.push(&Ipv4Option::RouterAlert(0)).unwrap();
/// assert_eq!(b.finish(), &[148, 4, 0, 0]);
/// ```
#[derive(Debug)]
pub struct OptionsBuilder<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> OptionsBuilder<'b> {
    /// An empty options field in `buf` (only the first 40 bytes are ever used).
    pub fn new(buf: &'b mut [u8]) -> OptionsBuilder<'b> {
        OptionsBuilder { buf, len: 0 }
    }

    /// Appends one option. [`WireError::BufferTooSmall`] if it does not fit the buffer or
    /// the 40 bytes a header has room for (padding included).
    pub fn push(&mut self, option: &Ipv4Option<'_>) -> Result<&mut Self, WireError> {
        let end = self.len + option.buffer_len();
        if end.next_multiple_of(4) > MAX_OPTIONS_LEN || end.next_multiple_of(4) > self.buf.len() {
            return Err(WireError::BufferTooSmall);
        }
        let written = option.emit(&mut self.buf[self.len..])?;
        self.len += written;
        Ok(self)
    }

    /// Appends Router Alert with value 0, "router shall examine packet" (RFC 2113 §2.1), as
    /// IGMP (RFC 2236 §2, RFC 3376 §4) and MLD need.
    pub fn router_alert(&mut self) -> Result<&mut Self, WireError> {
        self.push(&Ipv4Option::RouterAlert(0))
    }

    /// Appends a No Operation octet (to align the next option).
    pub fn nop(&mut self) -> Result<&mut Self, WireError> {
        self.push(&Ipv4Option::Nop)
    }

    /// Bytes written so far, without padding.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Pads with End of Option List octets to a multiple of four and returns the options
    /// field (`push` made sure the padding fits).
    pub fn finish(self) -> &'b [u8] {
        let end = self.len.next_multiple_of(4);
        let buf: &'b mut [u8] = self.buf;
        let field = buf.get_mut(..end).unwrap_or_default();
        if let Some(pad) = field.get_mut(self.len..) {
            pad.fill(OptionType::END_OF_LIST.0);
        }
        field
    }
}

impl fmt::Display for Ipv4Option<'_> {
    /// tcpdump's option names (`RR`, `LSRR`, `TS`, `RA`...); the alternate form lists the
    /// addresses and timestamps.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Ipv4Option::EndOfList => return f.write_str("EOL"),
            Ipv4Option::Nop => return f.write_str("NOP"),
            Ipv4Option::RecordRoute { .. } => "RR",
            Ipv4Option::LooseSourceRoute { .. } => "LSRR",
            Ipv4Option::StrictSourceRoute { .. } => "SSRR",
            Ipv4Option::Timestamp { pointer, overflow, flag, .. } => {
                write!(f, "TS ptr {pointer} oflw {overflow} flag {}", flag.0)?;
                if f.alternate() {
                    for e in self.timestamps() {
                        match e.addr {
                            Some(a) => write!(f, " {a}@{}", e.timestamp)?,
                            None => write!(f, " {}", e.timestamp)?,
                        }
                    }
                }
                return Ok(());
            }
            Ipv4Option::Security { classification, authority } => {
                return write!(f, "security level {classification:#04x} authority {:?}", authority)
            }
            Ipv4Option::ExtendedSecurity { format, info } => {
                return write!(f, "esecurity format {format} len {}", info.len())
            }
            Ipv4Option::StreamId(id) => return write!(f, "SID {id:#06x}"),
            Ipv4Option::RouterAlert(v) => return write!(f, "RA value {v}"),
            Ipv4Option::Unknown { kind, data } => {
                return write!(f, "opt-{} len {}", kind.0, data.len() + 2)
            }
        };
        let pointer = match self {
            Ipv4Option::RecordRoute { pointer, .. }
            | Ipv4Option::LooseSourceRoute { pointer, .. }
            | Ipv4Option::StrictSourceRoute { pointer, .. } => *pointer,
            _ => 0,
        };
        write!(f, "{name} ptr {pointer}")?;
        if f.alternate() {
            for a in self.route_addresses() {
                write!(f, " {a}")?;
            }
        }
        Ok(())
    }
}
